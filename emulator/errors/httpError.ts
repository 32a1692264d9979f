/**
 * The error hierarchy. {@link HttpError} carries the status, the Azure error code, its details
 * and extra headers; each subclass renders one wire envelope. Only the error handler of
 * `createApp` turns one into a response, and every error a handler may throw is built by
 * `ErrorFactory`, so codes and messages live in one file (catalogued in `docs/errors.md`).
 */
import type { ArmErrorBody, ClassicErrorBody } from "../../contract";

/** One entry of `error.details`. */
export interface ErrorDetail {
  readonly code: string;
  readonly target?: string;
  readonly message: string;
}

/** Which envelope an error renders: the classic/execution body or the ARM body. */
export type ErrorEnvelope = "classic" | "arm";

/** Base of every error the emulator answers with. */
export abstract class HttpError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** `error.code`: the category (classic) or the ARM code. */
  readonly code: string;
  /** `error.details`: the specific reasons. */
  readonly details: readonly ErrorDetail[];
  /** `error.target` (ARM only). */
  readonly target: string | undefined;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Which wire envelope renders this error. */
  abstract readonly envelope: ErrorEnvelope;

  /**
   * @param status - HTTP status
   * @param code - `error.code`
   * @param message - `error.message`, user-facing and free of secrets
   * @param options - details, target and extra headers
   */
  constructor(
    status: number,
    code: string,
    message: string,
    options: {
      details?: readonly ErrorDetail[];
      target?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = options.details ?? [];
    this.target = options.target;
    this.headers = options.headers ?? {};
  }

  /** The first detail code, the one clients switch on (e.g. `InvalidBlobExtension`). */
  get detailCode(): string | undefined {
    return this.details[0]?.code;
  }

  /** The JSON body of the response. */
  abstract toBody(): ClassicErrorBody | ArmErrorBody;
}

/** Errors of the execution API, the classic management API and the admin route. */
export class ClassicHttpError extends HttpError {
  /** Classic `{"error":{"code","message","details"}}` body. */
  readonly envelope = "classic";

  /** Renders `{"error": {code, message, details?}}` (details omitted when empty). */
  toBody(): ClassicErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details.length > 0 ? { details: this.details.map((d) => ({ ...d })) } : {}),
      },
    };
  }
}

/** Errors of the ARM surface. */
export class ArmHttpError extends HttpError {
  /** ARM `{"error":{"code","message","target","details"}}` body. */
  readonly envelope = "arm";

  /** Renders the ARM error body. */
  toBody(): ArmErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.target !== undefined ? { target: this.target } : {}),
        ...(this.details.length > 0 ? { details: this.details.map((d) => ({ ...d })) } : {}),
      },
    };
  }
}

/** 501: an operation of the real service the emulator does not implement (a to-do, named). */
export class NotImplementedError extends HttpError {
  /** Rendered in the envelope of the surface the operation belongs to. */
  readonly envelope: ErrorEnvelope;

  /**
   * @param operation - what is not implemented, e.g. "List jobs"
   * @param envelope - the surface's envelope
   */
  constructor(operation: string, envelope: ErrorEnvelope) {
    super(501, "NotImplemented", `${operation} is not implemented by the emulator.`, {
      details: [{ code: "APINotImplemented", message: `${operation} is not implemented.` }],
    });
    this.envelope = envelope;
  }

  /** Same shapes as the surface's own errors. */
  toBody(): ClassicErrorBody | ArmErrorBody {
    const body = {
      error: {
        code: this.code,
        message: this.message,
        details: this.details.map((d) => ({ ...d })),
      },
    };
    return body;
  }
}

/**
 * Type guard for {@link HttpError}.
 * @param error - anything thrown
 */
export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}
