/**
 * Executes a compiled graph: binds web service parameters, feeds the inputs, runs the modules
 * the outputs (and sinks such as Export Data) need in topological order and collects the
 * outputs.
 *
 * The executor is one generator for both entry points: it yields a promise wherever a module or
 * a dataset asset waits for I/O. {@link runGraph} drives it synchronously (a graph that waits
 * fails there), {@link runGraphAsync} awaits each promise and resumes; so the synchronous path
 * of the existing modules is unchanged and the order of work is the same in both.
 */
import type {
  DataTable,
  GraphOutput,
  GraphRunRequest,
  GraphRunResult,
  ModuleRuntime,
  PreparedGraph,
  PreparedRunRequest,
  RenderedTable,
  RequestRows,
  ServiceShape,
} from "../api";
import type { TableSpecification, WebServiceProperties } from "../../../contract";
import { EngineError, engineErrors } from "../errors";
import { decodeIlearner, encodeIlearner } from "../ilearner";
import type { PortValue } from "../modules/types";
import { ParameterReader } from "../parameters";
import { parseDelimited } from "../textFormats";
import { decodeItransform, encodeItransform } from "../transforms";
import { compileGraph, type CompiledGraph, type CompiledNode } from "./compile";
import { compileRowPlan, runRowPlan, type RowPlan } from "./rowPlan";

/**
 * Validates a definition's package and returns what it needs and produces.
 *
 * @param properties - the web service's properties
 * @param options - `strict`: unknown modules and module parameters are errors
 */
export function describeService(
  properties: WebServiceProperties,
  options: { strict?: boolean } = {},
): ServiceShape {
  return compileGraph(properties, options.strict ?? false).shape;
}

/** Formats a global parameter value as module parameters expect it (text). */
function parameterText(value: unknown): unknown {
  return typeof value === "number" || typeof value === "boolean" ? String(value) : value;
}

/**
 * Module parameters after web service parameters are bound: call value, else default.
 * Throws `MissingRequiredGlobalParameters` / `UnexpectedParameter` (`inputMismatch` errors).
 */
function bindParameters(
  graph: CompiledGraph,
  given: Record<string, string>,
): Map<string, Record<string, unknown>> {
  for (const name of Object.keys(given)) {
    if (!graph.globals.has(name)) {
      const known = [...graph.globals.keys()].map((k) => `"${k}"`).join(", ");
      throw engineErrors.inputMismatch(
        "UnexpectedParameter",
        `Unexpected web service parameter "${name}" (the service's parameters: ${known || "none"})`,
      );
    }
  }
  const params = new Map<string, Record<string, unknown>>();
  for (const node of graph.nodes.values())
    if (node.kind === "module") params.set(node.id, { ...node.params });
  const missing: string[] = [];
  for (const g of graph.globals.values()) {
    const value = Object.prototype.hasOwnProperty.call(given, g.name)
      ? given[g.name]
      : g.defaultValue;
    if (value === undefined || value === null) {
      missing.push(g.name);
      continue;
    }
    for (const link of g.links) {
      // Links to unsupported nodes have no parameters to set (the node fails if it is reached).
      const nodeParams = params.get(link.nodeId);
      if (nodeParams) nodeParams[link.parameterKey] = parameterText(value);
    }
  }
  if (missing.length > 0) {
    throw engineErrors.inputMismatch(
      "MissingRequiredGlobalParameters",
      `Missing required web service parameter(s): ${missing.map((m) => `"${m}"`).join(", ")}`,
    );
  }
  return params;
}

/** Nodes the outputs and the sink modules depend on. */
function neededNodes(graph: CompiledGraph): Set<string> {
  const needed = new Set<string>();
  const stack = [...graph.nodes.values()]
    .filter((n) => n.kind === "output" || (n.kind === "module" && n.module.sink === true))
    .map((n) => n.id);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needed.has(id)) continue;
    needed.add(id);
    for (const e of graph.incoming.get(id)!.values()) stack.push(e.source);
  }
  return needed;
}

/** The error a run gets when it reaches a node the emulator cannot run. */
function unsupportedNode(node: CompiledNode & { kind: "unsupported" }): EngineError {
  const what = node.what === "module" ? "Module" : node.what === "resource" ? "Resource" : "Asset";
  return engineErrors.package(
    "UnsupportedModule",
    `${what} "${node.moduleName}" (node ${node.id}) is not supported by the emulator; docs/modules.md lists the modules it runs`,
    node.id,
    node.moduleName,
  );
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** What the executor yields: a promise to wait for (the generator is resumed with its value). */
type Execution = Generator<Promise<unknown>, GraphRunResult, unknown>;

/**
 * Reads a dataset asset through the runtime: a `.zip` is a Script Bundle, anything else a table
 * (`.tsv` tab-separated, otherwise CSV with a header row).
 */
async function readDatasetAsset(
  runtime: ModuleRuntime,
  node: CompiledNode & { kind: "dataset" },
): Promise<PortValue> {
  const path = node.uri.split("?")[0].toLowerCase();
  let bytes: Uint8Array;
  try {
    bytes = await runtime.readBlob({ kind: "url", url: node.uri, credentials: node.credentials });
  } catch (error) {
    throw engineErrors.module(
      "0030",
      `dataset "${node.assetName}": ${(error as Error).message ?? String(error)}`,
    );
  }
  if (path.endsWith(".zip")) return { type: "Zip", bytes };
  const table = parseDelimited(bytes, {
    format: path.endsWith(".tsv") ? "TSV" : "CSV",
    header: true,
    name: node.assetName,
  });
  return { type: "DataTable", table };
}

/**
 * A package compiled once, with what every run of it shares: the nodes the outputs need in
 * order, the module parameters bound to their defaults (a run without web service parameters
 * uses them as they are) and the trained models decoded on first use. Runs never write to it,
 * so concurrent runs (RRS requests) share one.
 */
class Prepared implements PreparedGraph {
  readonly graph: CompiledGraph;
  readonly shape: ServiceShape;
  /** The nodes the outputs and sinks need, in topological order. */
  readonly plan: CompiledNode[];
  readonly inputIds: Set<string>;
  private readonly trainedModels: Record<string, Uint8Array>;
  private readonly inputSpecs: Readonly<Record<string, TableSpecification | undefined>>;
  private readonly decoded = new Map<string, PortValue>();
  /** The row plan: undefined until compiled, null when the graph has none. */
  private rows: RowPlan | null | undefined;
  /** Parameters and readers bound without web service parameters (undefined until first use). */
  private defaults:
    | { params: Map<string, Record<string, unknown>>; readers: Map<string, ParameterReader> }
    | undefined;

  constructor(request: Pick<GraphRunRequest, "properties" | "trainedModels" | "strict">) {
    this.graph = compileGraph(request.properties, request.strict ?? false);
    this.shape = this.graph.shape;
    const needed = neededNodes(this.graph);
    this.plan = this.graph.order
      .filter((id) => needed.has(id))
      .map((id) => this.graph.nodes.get(id)!);
    this.inputIds = new Set();
    for (const node of this.graph.nodes.values())
      if (node.kind === "input") this.inputIds.add(node.inputId);
    this.trainedModels = request.trainedModels;
    this.inputSpecs = request.properties.input?.properties ?? {};
  }

  /** The graph's row plan (compiled on first use), or null when it has none. */
  rowPlan(): RowPlan | null {
    if (this.rows === undefined) {
      let readers: Map<string, ParameterReader> | undefined;
      try {
        readers = this.readers({});
      } catch {
        // Required web service parameters: every call gives them, and goes the ordinary way.
      }
      this.rows =
        (readers &&
          compileRowPlan(
            {
              graph: this.graph,
              plan: this.plan,
              readers,
              resource: (node) => this.resource(node),
              inputSpecs: this.inputSpecs,
            },
            () => new Date(),
          )) ??
        null;
    }
    return this.rows;
  }

  /**
   * Each module node's parameter reader with the call's web service parameters bound; the
   * readers of a call that gives none are made once.
   */
  readers(given: Record<string, string>): Map<string, ParameterReader> {
    if (Object.keys(given).length === 0 && this.defaults) return this.defaults.readers;
    const params = bindParameters(this.graph, given);
    const readers = new Map<string, ParameterReader>();
    for (const node of this.plan) {
      if (node.kind === "module")
        readers.set(node.id, new ParameterReader(node.module.parameters, params.get(node.id)!));
    }
    if (Object.keys(given).length === 0) this.defaults = { params, readers };
    return readers;
  }

  /** The decoded trained model or transformation of a Resource node (decoded once). */
  resource(node: CompiledNode & { kind: "trainedModel" }): PortValue {
    const cached = this.decoded.get(node.id);
    if (cached) return cached;
    const bytes = this.trainedModels[node.assetId];
    if (!bytes) {
      throw engineErrors.model(
        "MissingTrainedModel",
        `No ${node.resource === "model" ? "trained model" : "transformation"} bytes were given for asset "${node.assetId}" ("${node.assetName}")`,
      );
    }
    let value: PortValue;
    try {
      value =
        node.resource === "model"
          ? { type: "TrainedModel", model: decodeIlearner(bytes), ilearner: bytes }
          : {
              type: "Transform",
              transform: decodeItransform(bytes).transform,
              itransform: bytes,
            };
    } catch (e) {
      throw e instanceof EngineError ? e.atNode(node.id, node.assetName) : e;
    }
    this.decoded.set(node.id, value);
    return value;
  }
}

/**
 * Compiles a package and keeps it with its trained models, for many runs (see
 * {@link runPreparedAsync}). Throws the `package` errors of {@link describeService}.
 *
 * @param request - the definition's properties, the trained-model bytes and `strict`
 */
export function prepareGraph(
  request: Pick<GraphRunRequest, "properties" | "trainedModels" | "strict">,
): PreparedGraph {
  return new Prepared(request);
}

function prepared(graph: PreparedGraph): Prepared {
  if (!(graph instanceof Prepared)) throw new TypeError("not a graph made by prepareGraph");
  return graph;
}

function* execute(prepared: Prepared, request: PreparedRunRequest): Execution {
  const graph = prepared.graph;
  const readers = prepared.readers(request.globalParameters ?? {});
  const inputIds = prepared.inputIds;
  for (const name of Object.keys(request.inputs)) {
    if (!inputIds.has(name)) {
      throw engineErrors.inputMismatch(
        "UnexpectedInput",
        `Unexpected input "${name}" (the service's inputs: ${[...inputIds].map((i) => `"${i}"`).join(", ") || "none"})`,
      );
    }
  }
  const trainedAt = request.trainedAt !== undefined ? new Date(request.trainedAt) : undefined;
  if (trainedAt && Number.isNaN(trainedAt.getTime())) {
    // A caller bug, not user input: a plain error, so the server reports it as internal.
    throw new TypeError(`trainedAt "${request.trainedAt}" is not an ISO 8601 time`);
  }
  const now = (): Date => trainedAt ?? new Date();
  const progress = request.onProgress;

  // Values on ports, by node then port; "*" holds the single value of input and asset nodes.
  const values = new Map<string, Map<string, PortValue>>();
  const valueOf = (nodeId: string, port: string): PortValue | undefined => {
    const ports = values.get(nodeId);
    return ports?.get(port) ?? ports?.get("*");
  };

  for (const node of prepared.plan) {
    const id = node.id;
    if (node.kind === "input") {
      const table: DataTable | undefined = request.inputs[node.inputId];
      if (!table) {
        throw engineErrors.inputMismatch(
          "MissingInput",
          `Missing web service input "${node.inputId}"`,
        );
      }
      values.set(id, new Map([["*", { type: "DataTable", table }]]));
    } else if (node.kind === "unsupported") {
      throw unsupportedNode(node);
    } else if (node.kind === "trainedModel") {
      values.set(id, new Map([["*", prepared.resource(node)]]));
    } else if (node.kind === "dataset") {
      if (!request.runtime) {
        throw engineErrors
          .module(
            "0039",
            `dataset "${node.assetName}" is read from blob storage, which a synchronous run cannot do`,
          )
          .atNode(id, node.assetName);
      }
      let value: PortValue;
      try {
        value = (yield readDatasetAsset(request.runtime, node)) as PortValue;
      } catch (e) {
        throw (e instanceof EngineError ? e : engineErrors.library(e)).atNode(id, node.assetName);
      }
      values.set(id, new Map([["*", value]]));
    } else if (node.kind === "module") {
      const { module } = node;
      const ports = graph.incoming.get(id)!;
      const inputs = module.inputs.map((p) => {
        const edge = ports.get(p.name);
        return edge ? valueOf(edge.source, edge.sourcePort) : undefined;
      });
      progress?.(`${id} ${module.name}: started`);
      const started = performance.now();
      let outputs: PortValue[];
      try {
        const result = module.run(inputs, {
          params: readers.get(id)!,
          now,
          nodeId: id,
          runtime: request.runtime,
        });
        outputs = isPromise(result) ? ((yield result) as PortValue[]) : result;
      } catch (e) {
        throw (e instanceof EngineError ? e : engineErrors.library(e)).atNode(id, module.name);
      }
      progress?.(`${id} ${module.name}: finished in ${Math.round(performance.now() - started)} ms`);
      const out = new Map<string, PortValue>();
      module.outputs.forEach((p, i) => out.set(p.name, outputs[i]));
      values.set(id, out);
    }
  }

  const result: Record<string, GraphOutput> = {};
  for (const node of graph.nodes.values()) {
    if (node.kind !== "output") continue;
    const edge = graph.incoming.get(node.id)!.get("*")!;
    const value = valueOf(edge.source, edge.sourcePort);
    if (value?.type === "DataTable")
      result[node.outputId] = { kind: "dataset", table: value.table };
    else if (value?.type === "TrainedModel") {
      result[node.outputId] = {
        kind: "model",
        ilearner: value.ilearner ?? encodeIlearner(value.model),
      };
    } else if (value?.type === "Transform") {
      result[node.outputId] = {
        kind: "transform",
        itransform: value.itransform ?? encodeItransform(value.transform, now().toISOString()),
      };
    } else {
      throw engineErrors.package(
        "UnsupportedOutput",
        `Web service output "${node.outputId}" received no dataset, trained model or transformation`,
        node.id,
      );
    }
  }
  return { outputs: result };
}

/**
 * Runs the package on the inputs (synchronous, CPU-bound: call it from a worker thread).
 * Modules that need I/O fail (Error 0039): they need {@link runGraphAsync} and a runtime.
 *
 * @param request - definition, inputs, parameters and trained models
 */
export function runGraph(request: GraphRunRequest): GraphRunResult {
  const execution = execute(new Prepared(request), { ...request, runtime: undefined });
  const step = execution.next();
  if (!step.done) {
    // Every module checks for a runtime before it waits, so this is an engine bug.
    execution.return({ outputs: {} });
    throw new TypeError("a module waited for I/O in a synchronous graph run");
  }
  return step.value;
}

/** Drives an execution, awaiting each promise it yields. */
async function drive(execution: Execution): Promise<GraphRunResult> {
  let step = execution.next();
  while (!step.done) {
    let resumed: unknown;
    let failed = false;
    try {
      resumed = await step.value;
    } catch (error) {
      failed = true;
      resumed = error;
    }
    step = failed ? execution.throw(resumed) : execution.next(resumed);
  }
  return step.value;
}

/**
 * Runs the package, awaiting the modules that wait for I/O through `request.runtime`.
 *
 * @param request - definition, inputs, parameters, trained models and the runtime
 */
export async function runGraphAsync(request: GraphRunRequest): Promise<GraphRunResult> {
  return drive(execute(new Prepared(request), request));
}

/**
 * Scores a request's rows with the row plan of a prepared graph (see `rowPlan.ts`): the outputs
 * as `tableToRows` renders them, exactly what {@link runPreparedAsync} on the same rows gives;
 * or undefined when the graph has no row plan or the request needs the ordinary run (web service
 * parameters, a value that does not convert...), which the caller then makes.
 *
 * @param graph - the prepared package
 * @param request - the request's rows by input name, and its web service parameters
 */
export function scoreRows(
  graph: PreparedGraph,
  request: { inputs: Record<string, RequestRows>; globalParameters: Record<string, string> },
): Record<string, RenderedTable> | undefined {
  if (Object.keys(request.globalParameters).length > 0) return undefined;
  const plan = prepared(graph).rowPlan();
  return plan ? runRowPlan(plan, request.inputs) : undefined;
}

/**
 * Runs a package prepared by {@link prepareGraph} like {@link runGraphAsync}: the same work in
 * the same order, without compiling the package or decoding its trained models again.
 *
 * @param graph - the prepared package
 * @param request - inputs, parameters, the runtime
 */
export async function runPreparedAsync(
  graph: PreparedGraph,
  request: PreparedRunRequest,
): Promise<GraphRunResult> {
  return drive(execute(prepared(graph), request));
}
