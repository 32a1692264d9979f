/**
 * Executes a compiled graph: binds web service parameters, feeds the inputs, runs the modules
 * the outputs need in topological order and collects the outputs.
 */
import type { DataTable, GraphOutput, GraphRunRequest, GraphRunResult, ServiceShape } from "../api";
import type { WebServiceProperties } from "../../../contract";
import { EngineError, engineErrors } from "../errors";
import { decodeIlearner, encodeIlearner } from "../ilearner";
import type { PortValue } from "../modules/types";
import { ParameterReader } from "../parameters";
import { compileGraph, type CompiledGraph } from "./compile";

/**
 * Validates a definition's package and returns what it needs and produces.
 *
 * @param properties - the web service's properties
 * @param options - `strict`: unknown module parameters are errors
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
    for (const link of g.links) params.get(link.nodeId)![link.parameterKey] = parameterText(value);
  }
  if (missing.length > 0) {
    throw engineErrors.inputMismatch(
      "MissingRequiredGlobalParameters",
      `Missing required web service parameter(s): ${missing.map((m) => `"${m}"`).join(", ")}`,
    );
  }
  return params;
}

/** Nodes the outputs depend on. */
function neededNodes(graph: CompiledGraph): Set<string> {
  const needed = new Set<string>();
  const stack = [...graph.nodes.values()].filter((n) => n.kind === "output").map((n) => n.id);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needed.has(id)) continue;
    needed.add(id);
    for (const e of graph.incoming.get(id)!.values()) stack.push(e.source);
  }
  return needed;
}

/**
 * Runs the package on the inputs (synchronous, CPU-bound: call it from a worker thread).
 *
 * @param request - definition, inputs, parameters and trained models
 */
export function runGraph(request: GraphRunRequest): GraphRunResult {
  const graph = compileGraph(request.properties, request.strict ?? false);
  const params = bindParameters(graph, request.globalParameters ?? {});
  const needed = neededNodes(graph);
  const inputIds = new Set<string>();
  for (const node of graph.nodes.values()) if (node.kind === "input") inputIds.add(node.inputId);
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
  const progress = request.onProgress ?? (() => undefined);

  // Values on ports, by node then port; "*" holds the single value of input and model nodes.
  const values = new Map<string, Map<string, PortValue>>();
  const valueOf = (nodeId: string, port: string): PortValue | undefined => {
    const ports = values.get(nodeId);
    return ports?.get(port) ?? ports?.get("*");
  };

  for (const id of graph.order) {
    if (!needed.has(id)) continue;
    const node = graph.nodes.get(id)!;
    if (node.kind === "input") {
      const table: DataTable | undefined = request.inputs[node.inputId];
      if (!table) {
        throw engineErrors.inputMismatch(
          "MissingInput",
          `Missing web service input "${node.inputId}"`,
        );
      }
      values.set(id, new Map([["*", { type: "DataTable", table }]]));
    } else if (node.kind === "trainedModel") {
      const bytes = request.trainedModels[node.assetId];
      if (!bytes) {
        throw engineErrors.model(
          "MissingTrainedModel",
          `No trained model bytes were given for asset "${node.assetId}" ("${node.assetName}")`,
        );
      }
      let model;
      try {
        model = decodeIlearner(bytes);
      } catch (e) {
        throw e instanceof EngineError ? e.atNode(id, node.assetName) : e;
      }
      values.set(id, new Map([["*", { type: "TrainedModel", model, ilearner: bytes }]]));
    } else if (node.kind === "module") {
      const { module } = node;
      const ports = graph.incoming.get(id)!;
      const inputs = module.inputs.map((p) => {
        const edge = ports.get(p.name);
        return edge ? valueOf(edge.source, edge.sourcePort) : undefined;
      });
      progress(`${id} ${module.name}: started`);
      const started = performance.now();
      let outputs: PortValue[];
      try {
        outputs = module.run(inputs, {
          params: new ParameterReader(module.parameters, params.get(id)!),
          now,
        });
      } catch (e) {
        throw (e instanceof EngineError ? e : engineErrors.library(e)).atNode(id, module.name);
      }
      progress(`${id} ${module.name}: finished in ${Math.round(performance.now() - started)} ms`);
      values.set(id, new Map(module.outputs.map((p, i) => [p.name, outputs[i]])));
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
    } else {
      throw engineErrors.package(
        "UnsupportedOutput",
        `Web service output "${node.outputId}" received no dataset or trained model`,
        node.id,
      );
    }
  }
  return { outputs: result };
}
