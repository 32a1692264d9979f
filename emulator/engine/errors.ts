/**
 * The engine's one error class and the one factory that builds every error it throws.
 *
 * Module errors copy Azure ML Studio (classic)'s catalogue (`docs/modules.md`): a four-digit
 * code and a message template with `{0}`, `{1}` placeholders, rendered as `Error NNNN: <message>`.
 * The other kinds carry a detail code the server maps to an HTTP error (see `api.ts`).
 */
import type { EngineDetailCode, EngineErrorData, EngineErrorKind, EngineErrorShape } from "./api";

/** Options of an {@link EngineError}. */
export interface EngineErrorOptions {
  /** Graph node the error comes from. */
  nodeId?: string;
  /** Studio module name of that node. */
  moduleName?: string;
  /** Underlying error, kept for logs. */
  cause?: unknown;
}

/** Error thrown by the engine; see {@link EngineErrorShape}. */
export class EngineError extends Error implements EngineErrorShape {
  readonly kind: EngineErrorKind;
  readonly code: string;
  readonly nodeId?: string;
  readonly moduleName?: string;

  /**
   * @param kind - where the error comes from (module, package, input, model)
   * @param code - Studio error number ("0001") or a detail code ("UnsupportedModule")
   * @param message - user-facing message, already rendered
   * @param options - node, module and cause
   */
  constructor(
    kind: EngineErrorKind,
    code: string,
    message: string,
    options: EngineErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "EngineError";
    this.kind = kind;
    this.code = code;
    if (options.nodeId !== undefined) this.nodeId = options.nodeId;
    if (options.moduleName !== undefined) this.moduleName = options.moduleName;
  }

  /** The error as plain data (see {@link EngineErrorData}); `JSON.stringify` uses it too. */
  toJSON(): EngineErrorData {
    const data: EngineErrorData = {
      name: "EngineError",
      kind: this.kind,
      code: this.code,
      message: this.message,
    };
    if (this.nodeId !== undefined) data.nodeId = this.nodeId;
    if (this.moduleName !== undefined) data.moduleName = this.moduleName;
    return data;
  }

  /**
   * Rebuilds an error from {@link EngineError.toJSON} data (on the server side of a worker).
   *
   * @param data - the plain fields
   */
  static fromJSON(data: EngineErrorData): EngineError {
    return new EngineError(data.kind, data.code, data.message, {
      nodeId: data.nodeId,
      moduleName: data.moduleName,
    });
  }

  /**
   * Returns a copy of this error attributed to a graph node (the executor adds the node once a
   * module throws, so modules never need to know where they run).
   *
   * @param nodeId - graph node id
   * @param moduleName - Studio module name
   */
  atNode(nodeId: string, moduleName: string): EngineError {
    return new EngineError(this.kind, this.code, this.message, {
      nodeId,
      moduleName,
      cause: this.cause,
    });
  }
}

/**
 * Type guard for engine errors thrown in this thread (across a worker boundary, send
 * `toJSON()` and rebuild with {@link EngineError.fromJSON}).
 *
 * @param error - anything caught
 */
export function isEngineError(error: unknown): error is EngineError {
  return error instanceof EngineError;
}

/**
 * Studio message templates by error code (Studio's published catalogue, most specific form; `docs/modules.md`).
 * Exported so tests can check every code the engine uses has a template.
 */
export const STUDIO_ERROR_TEMPLATES = {
  "0001": 'Column with name or index "{0}" does not exist in "{1}"',
  "0002": 'Failed to convert "{0}" parameter value "{1}" from "{2}" to "{3}"',
  "0003": 'Input "{0}" is null or empty',
  "0004": 'Parameter "{0}" value should be greater than {1}.',
  "0005": 'Parameter "{0}" value should be greater than or equal to {1}.',
  "0006": 'Parameter "{0}" value should be less than {1}.',
  "0007": 'Parameter "{0}" value should be less than or equal to {1}.',
  "0008": 'Parameter "{0}" value should be in the range of [{1}, {2}].',
  "0009":
    'The Azure storage account name "{0}" or container name "{1}" is incorrect; a container name of the format container/blob was expected.',
  "0010":
    "Column names are not the same for column {0} (zero-based) of input datasets ({1} and {2} respectively).",
  "0011": 'Specified column set "{0}" does not apply to any of dataset columns.',
  "0012": "Untrained model ({0}), use trained model.",
  "0013": 'Learner "{0}" has invalid type.',
  "0017": 'Cannot process column "{1}" of type {0}. The type is not supported by the module.',
  "0018": "{0} contains invalid data.",
  "0020": 'Number of columns in input dataset "{0}" is less than allowed minimum of {1} column(s).',
  "0021": 'Number of rows in input dataset "{0}" is less than allowed minimum of {1} row(s).',
  "0022":
    'Column selection pattern "{0}" is expected to provide {1} column(s) selected in input dataset, but {2} column(s) is/are provided.',
  "0023": 'Input dataset has unsupported target column "{0}" for learner of type {1}.',
  "0024": 'There is no label column in "{0}".',
  "0025":
    'There is no score column in "{0}" that is produced by a "{1}". Score the dataset using the correct type of learner.',
  "0027": 'The size of "{0}" is inconsistent with size of "{1}".',
  "0028": 'The name "{0}" is duplicated in "{1}".',
  "0029": "Invalid Uri is passed: {0}",
  "0030": "Error while downloading the file: {0}.",
  "0031": "{0} column(s) should be specified. The actual number of specified columns is {1}.",
  "0037": "Multiple label columns are specified.",
  "0039": "Error while completing operation: {0}.",
  "0049": "Error while parsing the file: {0}.",
  "0056": 'Column with name "{0}" is not in an allowed category.',
  "0057": 'File or Blob "{0}" already exists.',
  "0059": 'Column index or range "{0}" could not be parsed.',
  "0060": 'Column range "{0}" is invalid or out of range.',
  "0061": "All tables must have the same number of columns.",
  "0062": "All models must have the same learner type.",
  "0063":
    "The following error occurred during evaluation of R script:\n---------- Start of error message from R ----------\n{0}\n----------- End of error message from R -----------",
  "0069": 'SQL query "{0}" is not correct: {1}',
  "0083": "{0} contains invalid data for training. Learner type: {1}.",
  "0085":
    "The following error occurred during script evaluation, view the output log for more information:\n---------- Start of error message from {0} interpreter ----------\n{1}\n---------- End of error message from {0} interpreter ----------",
  "0130":
    "All rows in training dataset contain missing values.  Consider using the Clean Missing Data module to remove missing values.",
  "0139": 'Could not convert column "{2}" of type {0} to column of type {1} on row {3}.',
  "1000": "{0} library exception: {1}",
} as const;

/** A Studio error code the engine raises. */
export type StudioErrorCode = keyof typeof STUDIO_ERROR_TEMPLATES;

/**
 * Renders a Studio template: `{n}` becomes `args[n]`.
 *
 * @param code - Studio error code
 * @param args - placeholder values, in order
 */
export function renderStudioMessage(
  code: StudioErrorCode,
  args: readonly (string | number)[],
): string {
  const template: string = STUDIO_ERROR_TEMPLATES[code];
  return `Error ${code}: ${template.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)] ?? ""))}`;
}

/**
 * The factory: every engine error is built here, so codes and messages live in one file.
 * Module errors get their node and module name from the graph executor ({@link EngineError.atNode}).
 */
export const engineErrors = {
  /**
   * A Studio module error (`Error NNNN: ...`).
   *
   * @param code - Studio error code
   * @param args - template arguments
   */
  module(code: StudioErrorCode, ...args: (string | number)[]): EngineError {
    return new EngineError("module", code, renderStudioMessage(code, args));
  },

  /**
   * Error 1000 wrapping an unexpected exception of a module, so a bug surfaces as a module error
   * naming its node instead of a bare stack trace.
   *
   * @param cause - what was thrown
   */
  library(cause: unknown): EngineError {
    const text = cause instanceof Error ? cause.message : String(cause);
    return new EngineError("module", "1000", renderStudioMessage("1000", ["AFx Library", text]), {
      cause,
    });
  },

  /**
   * A malformed or unsupported graph package.
   *
   * @param code - detail code
   * @param message - what is wrong, naming the node, port or module
   * @param nodeId - node involved, if any
   * @param moduleName - module involved, if any
   */
  package(
    code: EngineDetailCode,
    message: string,
    nodeId?: string,
    moduleName?: string,
  ): EngineError {
    return new EngineError("package", code, message, { nodeId, moduleName });
  },

  /**
   * Input that cannot be read (bad CSV, bad RRS rows).
   *
   * @param code - detail code
   * @param message - what is wrong, naming the row and column
   */
  inputParse(code: EngineDetailCode, message: string): EngineError {
    return new EngineError("inputParse", code, message);
  },

  /**
   * Input (tables or global parameters) that does not match what the service declares.
   *
   * @param code - detail code
   * @param message - what is wrong, naming the port, column, row or parameter
   */
  inputMismatch(code: EngineDetailCode, message: string): EngineError {
    return new EngineError("inputMismatch", code, message);
  },

  /**
   * Bytes that are not a readable `.ilearner`.
   *
   * @param code - detail code
   * @param message - what is wrong
   * @param cause - underlying error
   */
  model(code: EngineDetailCode, message: string, cause?: unknown): EngineError {
    return new EngineError("model", code, message, { cause });
  },
};
