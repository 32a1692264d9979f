/**
 * The contract between the emulator's HTTP server and its training engine.
 *
 * The engine is pure computation: CSV bytes in, tables, trained models (`.ilearner` bytes) and
 * evaluation tables out. It never touches HTTP, blob storage or the database, so it can run on a
 * worker thread and be tested on its own. The server owns I/O, state and the wire formats.
 *
 * Implemented by `emulator/engine/index.ts`, which re-exports everything declared here.
 */
import type { TableSpecification, WebServiceProperties } from "../../contract";

/** Element types a column can hold (subset of Studio's DataTable types the emulator supports). */
export type ElementType = "Double" | "Int64" | "Boolean" | "String";

/** A column's usage flag (Studio metadata). */
export type ColumnUsage = "feature" | "label" | "weight" | "score";

/** One column of a {@link DataTable}. Numeric/boolean values are stored as numbers, missing = NaN. */
export interface Column {
  name: string;
  type: ElementType;
  categorical: boolean;
  usage: ColumnUsage;
  /** Double/Int64/Boolean: Float64Array (NaN = missing, booleans 0/1). String: strings or null. */
  values: Float64Array | (string | null)[];
}

/** Studio's Data Table: ordered columns of equal length. */
export interface DataTable {
  rowCount: number;
  columns: Column[];
  /**
   * Fold of each row (0-based), set by Partition and Sample's "Assign to Folds" and read by
   * Pick Fold, Cross Validate Model and Tune Model Hyperparameters; modules that build new
   * tables do not carry it.
   */
  folds?: Int32Array;
}

/** Where an engine error comes from; the server maps each kind to an HTTP error. */
export type EngineErrorKind =
  /** A module failed (Studio "Error NNNN"); HTTP 400 ModuleExecutionError. */
  | "module"
  /** The graph package is malformed or uses an unsupported module; HTTP 400 WebServicePackageError. */
  | "package"
  /** Input data does not parse (bad CSV, bad value); HTTP 400 BadUserArgument / InputParseError. */
  | "inputParse"
  /** Input data does not match the service's input schema; HTTP 400 BadUserArgument / InputMismatchError. */
  | "inputMismatch"
  /** A model blob is not a readable .ilearner; HTTP 400 InvalidOperation / IncompatibleModel. */
  | "model";

/**
 * Error thrown by the engine. `message` is user-facing and names the module, node, column or
 * row involved (e.g. `Error 0001: Column with name or index "age" does not exist in "Dataset"`).
 */
export interface EngineErrorShape extends Error {
  readonly kind: EngineErrorKind;
  /** Studio error number for module errors ("0001"), or a detail code ("UnsupportedModule", ...). */
  readonly code: string;
  /** Graph node id, when the error comes from a node. */
  readonly nodeId?: string;
  /** Studio module name, when the error comes from a module. */
  readonly moduleName?: string;
}

/** What a web service output returns: a table, a trained model or a saved transformation. */
export type OutputKind = "dataset" | "model" | "transform";

/** What a published web service's package needs and produces (computed once, at publish time). */
export interface ServiceShape {
  /** Web service inputs, by port name, with the expected columns (from `properties.input`). */
  inputs: { name: string; columns: string[] }[];
  /**
   * Web service outputs, by port name; `model` outputs are written as `.ilearner`, `transform`
   * outputs as `.itransform`.
   */
  outputs: { name: string; kind: OutputKind }[];
  /** Web service (global) parameters; `required` when they have no default value. */
  parameters: { name: string; required: boolean }[];
  /**
   * Updatable Resource assets: trained models (name ends with "[trained model]") and saved
   * transformations (name ends with "[transform]"). Their bytes come from the service's asset
   * uri (ARM) or the endpoint's `Resources` (classic) and are handed back in
   * {@link GraphRunRequest.trainedModels}.
   */
  trainedModels: { assetId: string; name: string }[];
  /**
   * Module nodes the emulator cannot run (absent from shapes stored before this field existed).
   * The package is accepted, as Azure accepted it; a job or call that reaches one fails.
   */
  unsupported?: { nodeId: string; moduleName: string }[];
}

/**
 * A blob a data module reads or writes. `account` without a key means the service's own storage
 * account (Studio's "workspace storage"), which the runtime knows and the engine does not.
 */
export type BlobTarget =
  | { kind: "account"; account: string; key?: string; container: string; blob: string }
  | { kind: "url"; url: string; credentials?: string };

/** Why a script did not produce a table (see {@link ScriptOutcome}). */
export type ScriptFailureKind =
  /** The script raised, or did not return a data frame: `message` is its own error text. */
  | "error"
  /** The time limit passed and the interpreter was killed. */
  | "timeout"
  /** The interpreter (or pandas) is not installed: `message` says what to install. */
  | "unavailable"
  /** Script modules are turned off on this emulator. */
  | "disabled";

/** A script module's request to the runtime. */
export interface ScriptRequest {
  language: "Python" | "R";
  /** The script's source text. */
  script: string;
  /** The node and module running it (for the output log). */
  nodeId: string;
  moduleName: string;
  /** The tables on Dataset1 and Dataset2 (undefined when a port is not connected). */
  inputs: [DataTable | undefined, DataTable | undefined];
  /** The Script Bundle zip, when connected. */
  bundle?: Uint8Array;
  /** R: the "Random Seed" parameter (`set.seed`). */
  seed?: number;
}

/** What a script run gave. */
export type ScriptOutcome =
  | { ok: true; table: DataTable }
  | {
      ok: false;
      kind: ScriptFailureKind;
      message: string;
      /** 1-based line of the user's script where the error was raised, when known. */
      line?: number;
      /** The time limit, for `timeout`. */
      limitMs?: number;
    };

/**
 * What modules that reach outside the graph use: blob storage, HTTP and script interpreters.
 * The engine stays free of I/O; the emulator's job workers and RRS handler supply an
 * implementation (`emulator/runtime/`). Failures of `readBlob`, `writeBlob` and `fetchUrl` are
 * thrown as `Error`s whose message is safe to show (no key, token or SAS).
 */
export interface ModuleRuntime {
  /** Reads a whole blob. */
  readBlob(target: BlobTarget): Promise<Uint8Array>;
  /** Writes a blob; with `overwrite: false` an existing blob is an error naming it. */
  writeBlob(
    target: BlobTarget,
    bytes: Uint8Array,
    options: { overwrite: boolean; contentType: string },
  ): Promise<void>;
  /** GETs a URL (Import Data's "Web URL via HTTP"). */
  fetchUrl(url: string): Promise<Uint8Array>;
  /** Runs a script module's script. */
  runScript(request: ScriptRequest): Promise<ScriptOutcome>;
}

/** Input to {@link EngineApi.runGraph}. */
export interface GraphRunRequest {
  /** The service definition's properties (package, assets, input/output specs, parameters). */
  properties: WebServiceProperties;
  /** Web service inputs by port name. */
  inputs: Record<string, DataTable>;
  /** GlobalParameters of the call (strings as sent on the wire). */
  globalParameters: Record<string, string>;
  /** `.ilearner` bytes for each trained-model Resource asset, by asset id. */
  trainedModels: Record<string, Uint8Array>;
  /** Unknown module parameters are errors (the emulator's --strict), instead of being ignored. */
  strict?: boolean;
  /** Progress callback: one short line per module started/finished. */
  onProgress?: (line: string) => void;
  /**
   * ISO 8601 time recorded in trained models (default: the current time). Fixing it makes the
   * `.ilearner` bytes of a run reproducible.
   */
  trainedAt?: string;
  /**
   * I/O for data and script modules (Import Data, Export Data, dataset assets, Execute Python
   * Script, Execute R Script). Without it those modules fail with Error 0039 naming what is
   * missing; {@link EngineApi.runGraph} never has one (it cannot wait for I/O).
   */
  runtime?: ModuleRuntime;
}

/**
 * A package compiled once, with its trained models decoded once (on first use), for many runs:
 * what the RRS handler keeps per served model so that a scoring request does not compile the
 * graph or decode the model again. Made by {@link EngineApi.prepareGraph}; opaque otherwise.
 * Runs never modify it, so concurrent runs may share one.
 */
export interface PreparedGraph {
  /** What the package needs and produces. */
  readonly shape: ServiceShape;
}

/** A run of a {@link PreparedGraph}: what varies from one run to the next. */
export type PreparedRunRequest = Omit<GraphRunRequest, "properties" | "trainedModels" | "strict">;

/** A table as RRS renders it: column names, .NET type names, cells as text (null = missing). */
export interface RenderedTable {
  columnNames: string[];
  columnTypes: string[];
  values: (string | null)[][];
}

/** The rows of one input as a scoring request sends them (cells as JSON values). */
export interface RequestRows {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | boolean | null)[])[];
}

/** An output of a graph run. */
export type GraphOutput =
  | { kind: "dataset"; table: DataTable }
  | { kind: "model"; ilearner: Uint8Array }
  | { kind: "transform"; itransform: Uint8Array };

/** Result of {@link EngineApi.runGraph}: one entry per web service output port. */
export interface GraphRunResult {
  outputs: Record<string, GraphOutput>;
}

/** Summary of an `.ilearner` file, for logs and the model cache. */
export interface ModelInfo {
  /** A trained model (`.ilearner`) or a saved transformation (`.itransform`). */
  kind: "model" | "transform";
  formatVersion: number;
  learner: string;
  labelColumn: string;
  featureColumns: string[];
  trainedAt: string;
}

/**
 * The engine's functions. `emulator/engine/index.ts` exports each of these by name;
 * this interface exists so the contract is written down in one place.
 */
export interface EngineApi {
  /**
   * Validates a definition's package (throws a `package` error naming an unsupported module or
   * a dangling edge). With `strict`, unknown module parameters are errors too; otherwise ignored.
   */
  describeService(properties: WebServiceProperties, options?: { strict?: boolean }): ServiceShape;
  /** Parses CSV (header row, comma separated, RFC 4180 quoting, LF or CRLF; UTF-8). */
  parseCsv(bytes: Uint8Array, name: string): DataTable;
  /** Serializes a table as CSV with a header row. */
  toCsv(table: DataTable): Uint8Array;
  /** Builds a table from RRS rows, typed by the service's input spec when given. */
  tableFromRows(
    columnNames: string[],
    rows: (string | number | boolean | null)[][],
    spec?: TableSpecification,
  ): DataTable;
  /** Renders a table for RRS: names, .NET type names, values as strings (null = missing). */
  tableToRows(table: DataTable): RenderedTable;
  /**
   * Checks that a table has the columns the spec declares and converts them to the declared
   * types (throws `inputMismatch` naming the port, column and, for a bad value, the row).
   */
  applySchema(table: DataTable, spec: TableSpecification, portName: string): DataTable;
  /**
   * Runs the package on the inputs. Synchronous and CPU-bound: call it from a worker thread.
   * A graph whose modules need I/O (data and script modules) fails here: use
   * {@link EngineApi.runGraphAsync}.
   */
  runGraph(request: GraphRunRequest): GraphRunResult;
  /**
   * Runs the package like {@link EngineApi.runGraph}, awaiting the modules that wait for I/O
   * through `request.runtime` (the CPU-bound modules still run synchronously in between).
   */
  runGraphAsync(request: GraphRunRequest): Promise<GraphRunResult>;
  /**
   * Compiles a package and keeps its trained-model bytes, for {@link EngineApi.runPreparedAsync}
   * (throws the `package` errors of {@link EngineApi.describeService}).
   */
  prepareGraph(
    request: Pick<GraphRunRequest, "properties" | "trainedModels" | "strict">,
  ): PreparedGraph;
  /**
   * Runs a prepared package like {@link EngineApi.runGraphAsync} (same work, same order, same
   * errors), without compiling it or decoding its trained models again.
   */
  runPreparedAsync(graph: PreparedGraph, request: PreparedRunRequest): Promise<GraphRunResult>;
  /**
   * Scores a request's rows with the prepared graph's row plan (the graph compiled into one
   * function per module from an input row to an output row, when every module it needs works
   * row by row): the outputs rendered as {@link EngineApi.tableToRows} renders them, exactly
   * what running the graph on the rows gives. Undefined when the graph has no row plan or the
   * request needs the ordinary run (web service parameters, a value that does not convert to the
   * input schema, a column it does not declare...): the caller then runs the graph.
   */
  scoreRows(
    graph: PreparedGraph,
    request: { inputs: Record<string, RequestRows>; globalParameters: Record<string, string> },
  ): Record<string, RenderedTable> | undefined;
  /**
   * Reads the header of an `.ilearner` or `.itransform` (throws a `model` error when the bytes
   * are neither).
   */
  inspectModel(ilearner: Uint8Array): ModelInfo;
}

/**
 * Detail codes (`EngineErrorShape.code`) of the errors that are not module errors, by kind.
 * Module errors (`kind: "module"`) carry Studio's four-digit number instead ("0001", "0130").
 * Web service (global) parameter problems are `inputMismatch` errors with the codes
 * `MissingRequiredGlobalParameters` and `UnexpectedParameter`.
 */
export const ENGINE_DETAIL_CODES = {
  package: [
    "UnsupportedModule",
    "UnknownAsset",
    "InvalidNode",
    "DanglingEdge",
    "UnknownPort",
    "PortConflict",
    "UnconnectedPort",
    "Cycle",
    "UnsupportedOutput",
    "UnknownModuleParameter",
    "DanglingParameterLink",
  ],
  inputParse: ["InvalidCsv", "InvalidRows", "InvalidValue"],
  inputMismatch: [
    "SchemaMismatch",
    "InvalidValue",
    "MissingRequiredGlobalParameters",
    "UnexpectedParameter",
    "MissingInput",
    "UnexpectedInput",
  ],
  model: ["InvalidModel", "UnsupportedModelVersion", "MissingTrainedModel"],
} as const;

/** A detail code of a non-module engine error (see {@link ENGINE_DETAIL_CODES}). */
export type EngineDetailCode = (typeof ENGINE_DETAIL_CODES)[Exclude<
  EngineErrorKind,
  "module"
>][number];

/**
 * The fields of an engine error as plain data (what `EngineError.toJSON()` returns), for passing
 * an error from a worker thread: structured cloning keeps only an Error's message and name.
 */
export interface EngineErrorData {
  name: "EngineError";
  kind: EngineErrorKind;
  code: string;
  message: string;
  nodeId?: string;
  moduleName?: string;
}
