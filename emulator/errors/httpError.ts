/**
 * The error hierarchy. {@link HttpError} carries the status, the Azure error code, its details
 * and extra headers; each subclass renders one wire envelope. Only the error handler of
 * `createApp` turns one into a response, and every error a handler may throw is built by
 * `ErrorFactory`, so codes and messages live in one file (catalogued in `docs/errors.md`).
 *
 * An error that any surface may raise (a body that is not JSON, a route that does not exist, an
 * injected fault...) is built once, with its form for each envelope; the error handler renders
 * the form of the request's surface ({@link HttpError.inEnvelope}). Code that raises it never
 * asks which surface it is on.
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

  /**
   * This error as the surfaces of `envelope` answer it. An error with one form (raised by one
   * surface only) is itself in every envelope.
   * @param _envelope - the envelope of the request's surface
   */
  inEnvelope(_envelope: ErrorEnvelope): HttpError {
    return this;
  }
}

/**
 * Errors of the execution API, the classic management API and the admin route; when the ARM
 * surface may raise the same error, it carries the ARM form too.
 */
export class ClassicHttpError extends HttpError {
  /** Classic `{"error":{"code","message","details"}}` body. */
  readonly envelope = "classic";
  /** How the ARM surface answers the same error, when it can raise it. */
  private readonly armForm: ArmHttpError | undefined;

  /**
   * @param status - HTTP status
   * @param code - `error.code`
   * @param message - `error.message`, user-facing and free of secrets
   * @param options - details and extra headers; `arm`: the same error as the ARM surface says it
   */
  constructor(
    status: number,
    code: string,
    message: string,
    options: {
      details?: readonly ErrorDetail[];
      headers?: Record<string, string>;
      arm?: ArmHttpError;
    } = {},
  ) {
    super(status, code, message, options);
    this.armForm = options.arm;
  }

  /**
   * The ARM form on the ARM surface (when the error has one), this one elsewhere.
   * @param envelope - the envelope of the request's surface
   */
  override inEnvelope(envelope: ErrorEnvelope): HttpError {
    return envelope === "arm" && this.armForm ? this.armForm : this;
  }

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

/**
 * Type guard for {@link HttpError}.
 * @param error - anything thrown
 */
export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}
