/**
 * Options of the v2 surface ({@link V2Options}, every one optional) and their resolved form
 * ({@link V2Config}), validated once: a bad value is a `RangeError` naming the option.
 */
import { DEFAULT_OPERATION_DELAY_MS, DEFAULT_RETRY_AFTER_S } from "./constants";

/**
 * What a caller may pass (CLI flags `--v2-*`, `--routing-seed`). The interpreter is the
 * emulator's `--python`, shared with Execute Python Script.
 */
export interface V2Options {
  /** Delay before a long-running operation does its work, in ms. */
  readonly operationDelayMs?: number;
  /** `Retry-After` of long-running operations, in seconds. */
  readonly retryAfterSeconds?: number;
  /** Seed of the scoring router's weighted and mirrored choices (unseeded by default). */
  readonly routingSeed?: number;
  /**
   * Injected failures: a regular expression tested against `"<kind> <resource id>"` of every
   * long-running operation (kinds: `create`, `update`, `delete`, `regenerateKeys`); a match ends
   * the operation `Failed` with `InternalServerError` before it changes anything.
   */
  readonly failOperations?: string;
}

/** The resolved options. */
export interface V2Config {
  /** Interpreter of command jobs and deployments (`python` and `python3` in commands run it). */
  readonly python: string;
  readonly operationDelayMs: number;
  readonly retryAfterSeconds: number;
  readonly routingSeed: number | undefined;
  readonly failOperations: RegExp | undefined;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

/**
 * Compiles an operation-failure pattern (empty means none).
 * @param pattern - the regular expression text
 */
export function operationFailurePattern(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined || pattern === "") return undefined;
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new RangeError(
      `failOperations is not a regular expression: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Applies the defaults and validates.
 * @param options - what the caller passed
 * @param python - the emulator's interpreter (`--python`)
 */
export function resolveV2Config(options: V2Options = {}, python = "python3"): V2Config {
  if (python.trim() === "") throw new RangeError("python is empty: name an interpreter");
  return Object.freeze({
    python,
    operationDelayMs: nonNegativeInteger(
      "operationDelayMs",
      options.operationDelayMs ?? DEFAULT_OPERATION_DELAY_MS,
    ),
    retryAfterSeconds: nonNegativeInteger(
      "retryAfterSeconds",
      options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_S,
    ),
    routingSeed:
      options.routingSeed === undefined
        ? undefined
        : nonNegativeInteger("routingSeed", options.routingSeed),
    failOperations: operationFailurePattern(options.failOperations),
  });
}
