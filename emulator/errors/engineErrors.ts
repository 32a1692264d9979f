/**
 * Maps the engine's errors (`EngineErrorShape`, see `engine/api.ts`) to the wire: an
 * {@link HttpError} for RRS, a `Details` line for a failed BES job. The mapping follows the
 * engine contract's comments on each `EngineErrorKind`.
 */
import type { EngineErrorKind, EngineErrorShape } from "../engine/api";
import { ErrorFactory } from "./errorFactory";
import type { HttpError } from "./httpError";

const KINDS: readonly EngineErrorKind[] = [
  "module",
  "package",
  "inputParse",
  "inputMismatch",
  "model",
];

/**
 * Type guard: an error thrown by the engine (it carries a known `kind`).
 * @param error - anything thrown
 */
export function isEngineError(error: unknown): error is EngineErrorShape {
  return (
    error instanceof Error &&
    KINDS.includes((error as Partial<EngineErrorShape>).kind as EngineErrorKind)
  );
}

/**
 * The HTTP error an RRS call answers with for an engine error.
 * @param error - the engine's error
 * @param modelName - the trained-model resource involved, for `model` errors
 */
export function engineErrorToHttp(error: EngineErrorShape, modelName = "trained model"): HttpError {
  switch (error.kind) {
    case "module":
      return ErrorFactory.moduleExecutionError(error.moduleName ?? "module", error.message);
    case "package":
      // Accepted at publish, reached by a run: the module's failure, not the package's.
      if (error.code === "UnsupportedModule" && error.nodeId !== undefined)
        return ErrorFactory.unsupportedModule(error.moduleName ?? "module", error.nodeId);
      return ErrorFactory.webServicePackageError(error.message);
    case "inputParse":
      return ErrorFactory.inputParseError(error.message);
    case "inputMismatch":
      return ErrorFactory.inputMismatchError(error.message);
    case "model":
      return ErrorFactory.incompatibleModel(modelName, error.message);
  }
}

/**
 * The `Details` text of a failed BES job: the detail code first, so that clients (and people)
 * can tell a schema mismatch from a module failure, then the engine's message naming the column,
 * row, module or node.
 * @param error - the engine's error
 */
export function engineErrorDetails(error: EngineErrorShape): string {
  return jobFailureDetails(engineErrorToHttp(error));
}

/**
 * The `Details` text of a failed BES job for an error built by `ErrorFactory`:
 * `{error.code}/{details[0].code} ({target}): {message}`.
 * @param http - the error
 */
export function jobFailureDetails(http: HttpError): string {
  const detail = http.details[0];
  const where = detail?.target ? ` (${detail.target})` : "";
  return `${http.code}/${detail?.code ?? http.code}${where}: ${detail?.message ?? http.message}`;
}
