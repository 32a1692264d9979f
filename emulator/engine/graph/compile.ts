/**
 * Reads and validates a web service's graph package once: nodes resolved to modules, edges
 * checked against the modules' ports, a topological order, the global parameter bindings and the
 * {@link ServiceShape}. Property names are matched case-insensitively (`caseInsensitive.ts`).
 */
import type { OutputKind, ServiceShape } from "../api";
import type { WebServiceProperties } from "../../../contract";
import { prop } from "../caseInsensitive";
import { engineErrors } from "../errors";
import { findModule } from "../modules/registry";
import type { PortDefinition, StudioModule } from "../modules/types";
import type { ParameterDefinition } from "../parameters";

/** Suffix of the Resource assets that hold a trained model. */
const TRAINED_MODEL_SUFFIX = "[trained model]";
/** Suffix of the Resource assets that hold a saved transformation. */
const TRANSFORM_SUFFIX = "[transform]";

/** A node of the compiled graph. */
export type CompiledNode =
  | { id: string; kind: "module"; module: StudioModule; params: Record<string, unknown> }
  /**
   * A module (or resource, or asset of another type) the emulator cannot run: accepted, as
   * Azure accepted it, and an error for a run that reaches it.
   */
  | { id: string; kind: "unsupported"; moduleName: string; what: "module" | "resource" | "asset" }
  | { id: string; kind: "input"; inputId: string }
  | { id: string; kind: "output"; outputId: string }
  | {
      id: string;
      kind: "trainedModel";
      assetId: string;
      assetName: string;
      resource: "model" | "transform";
    }
  /** An asset of type "Dataset": a table (or a Script Bundle zip) read from its blob. */
  | {
      id: string;
      kind: "dataset";
      assetId: string;
      assetName: string;
      uri: string;
      credentials: string | undefined;
    };

/** An edge with port names resolved to the modules' canonical spelling. */
export interface CompiledEdge {
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

/** A global (web service) parameter and the module parameters it sets. */
export interface GlobalParameter {
  name: string;
  /** Default value; undefined = required. */
  defaultValue: unknown;
  links: { nodeId: string; parameterKey: string }[];
}

/** A validated graph. */
export interface CompiledGraph {
  nodes: Map<string, CompiledNode>;
  /** Incoming edge of each (node, input port). */
  incoming: Map<string, Map<string, CompiledEdge>>;
  /** Nodes in an order where every node comes after its sources. */
  order: string[];
  globals: Map<string, GlobalParameter>;
  shape: ServiceShape;
}

type Obj = Record<string, unknown>;

function asObject(v: unknown): Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/**
 * A module's parameter declaration for a key given in any case: its name, one of its other
 * keys, or "Range for <name>" (the key Studio uses for a parameter in Parameter Range mode).
 */
function declaredParameter(module: StudioModule, key: string): ParameterDefinition | undefined {
  const lower = key.trim().toLowerCase();
  const matches = (d: ParameterDefinition, k: string): boolean =>
    d.name.toLowerCase() === k || (d.keys ?? []).some((alias) => alias.toLowerCase() === k);
  const direct = module.parameters.find((d) => matches(d, lower));
  if (direct) return direct;
  const range = /^range for (.+)$/.exec(lower);
  return range ? module.parameters.find((d) => matches(d, range[1].trim())) : undefined;
}

/** The asset's type ("Module", "Resource", "Dataset"), lower-cased. */
function assetType(asset: unknown): string {
  return (str(prop(asset, "type")) ?? "").toLowerCase();
}

/** What a Resource asset holds, from its name's suffix; undefined for other resources. */
function resourceKind(asset: unknown): "model" | "transform" | undefined {
  if (assetType(asset) !== "resource") return undefined;
  const name = (str(prop(asset, "name")) ?? "").toLowerCase().trim();
  if (name.endsWith(TRAINED_MODEL_SUFFIX)) return "model";
  if (name.endsWith(TRANSFORM_SUFFIX)) return "transform";
  return undefined;
}

/** Finds a port by name (case-insensitively, aliases too), returning the canonical definition. */
function findPort(ports: readonly PortDefinition[], name: string): PortDefinition | undefined {
  const lower = name.trim().toLowerCase();
  return (
    ports.find((p) => p.name === name) ??
    ports.find(
      (p) =>
        p.name.toLowerCase() === lower || (p.aliases ?? []).some((a) => a.toLowerCase() === lower),
    )
  );
}

/** Port names an asset declares (`inputPorts` / `outputPorts`), or undefined when it declares none. */
function declaredPorts(asset: unknown, member: "inputPorts" | "outputPorts"): string[] | undefined {
  const ports = Object.keys(asObject(prop(asset, member)));
  return ports.length > 0 ? ports : undefined;
}

/** Parameter names an asset declares (a custom module's `parameters`), or undefined. */
function declaredParameterNames(asset: unknown): string[] | undefined {
  const list = prop(asset, "parameters");
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return list.map((p) => str(prop(p, "name")) ?? "").filter((n) => n !== "");
}

/**
 * Compiles and validates a definition's package: nodes, edges, assets, ports and parameters
 * must be consistent with each other. A module the emulator does not implement is accepted
 * (listed in `shape.unsupported`) unless `strict`. Throws `package` errors naming the node,
 * port, module or parameter at fault.
 *
 * @param properties - the web service's properties
 * @param strict - unknown modules and module parameters are errors instead of being accepted
 */
export function compileGraph(properties: WebServiceProperties, strict: boolean): CompiledGraph {
  const pkg = prop(properties, "package");
  if (typeof pkg !== "object" || pkg === null) {
    throw engineErrors.package("InvalidNode", "The web service has no graph package");
  }
  const assets = asObject(prop(properties, "assets"));
  const rawNodes = asObject(prop(pkg, "nodes"));
  const nodes = new Map<string, CompiledNode>();
  /** The asset behind each asset node (for its declared ports and parameters). */
  const nodeAssets = new Map<string, unknown>();

  for (const [id, raw] of Object.entries(rawNodes)) {
    const assetId = str(prop(raw, "assetId"));
    const inputId = str(prop(raw, "inputId"));
    const outputId = str(prop(raw, "outputId"));
    const kinds = [assetId, inputId, outputId].filter((v) => v !== undefined).length;
    if (kinds !== 1) {
      throw engineErrors.package(
        "InvalidNode",
        `Node "${id}" must have exactly one of assetId, inputId or outputId`,
        id,
      );
    }
    if (inputId !== undefined) {
      nodes.set(id, { id, kind: "input", inputId });
      continue;
    }
    if (outputId !== undefined) {
      nodes.set(id, { id, kind: "output", outputId });
      continue;
    }
    const asset = prop(assets, assetId!) ?? undefined;
    if (asset === undefined) {
      throw engineErrors.package(
        "UnknownAsset",
        `Node "${id}" uses asset "${assetId}", which is not in the assets`,
        id,
      );
    }
    nodeAssets.set(id, asset);
    const assetName = str(prop(asset, "name")) ?? "";
    const type = assetType(asset);
    if (type === "resource") {
      const resource = resourceKind(asset);
      if (resource)
        nodes.set(id, { id, kind: "trainedModel", assetId: assetId!, assetName, resource });
      else nodes.set(id, { id, kind: "unsupported", moduleName: assetName, what: "resource" });
      continue;
    }
    if (type === "dataset") {
      const location = prop(asset, "locationInfo");
      nodes.set(id, {
        id,
        kind: "dataset",
        assetId: assetId!,
        assetName,
        uri: str(prop(location, "uri")) ?? "",
        credentials: str(prop(location, "credentials")) || undefined,
      });
      continue;
    }
    const module = type === "module" ? findModule(assetName) : undefined;
    const declaredNames = declaredParameterNames(asset);
    const rawParams = asObject(prop(raw, "parameters"));
    if (declaredNames) {
      const known = new Set(declaredNames.map((n) => n.toLowerCase()));
      for (const key of Object.keys(rawParams)) {
        if (!known.has(key.toLowerCase())) {
          throw engineErrors.package(
            "UnknownModuleParameter",
            `Node "${id}" sets parameter "${key}", which asset "${assetName}" does not declare (it declares ${declaredNames.map((n) => `"${n}"`).join(", ")})`,
            id,
            assetName,
          );
        }
      }
    }
    if (!module) {
      nodes.set(id, {
        id,
        kind: "unsupported",
        moduleName: assetName,
        what: type === "module" ? "module" : "asset",
      });
      continue;
    }
    const params: Record<string, unknown> = {};
    for (const [key, wsp] of Object.entries(rawParams)) {
      // A value encrypted for Azure's certificate (an account key) cannot be read here: it
      // counts as not given, so the module falls back to the service's own storage account.
      if ((str(prop(wsp, "certificateThumbprint")) ?? "") !== "") continue;
      const declared = declaredParameter(module, key);
      if (!declared && strict) {
        throw engineErrors.package(
          "UnknownModuleParameter",
          `Module "${module.name}" (node ${id}) has no parameter "${key}"`,
          id,
          module.name,
        );
      }
      params[declared?.name ?? key] =
        typeof wsp === "object" && wsp !== null ? prop(wsp, "value") : wsp;
    }
    nodes.set(id, { id, kind: "module", module, params });
  }

  const unsupported = [...nodes.values()].flatMap((n) =>
    n.kind === "unsupported" ? [{ nodeId: n.id, moduleName: n.moduleName }] : [],
  );
  if (strict && unsupported.length > 0) {
    const first = nodes.get(unsupported[0].nodeId) as CompiledNode & { kind: "unsupported" };
    throw engineErrors.package(
      "UnsupportedModule",
      `${first.what === "module" ? "Module" : first.what === "resource" ? "Resource" : "Asset"} "${first.moduleName}" (node ${first.id}) is not supported by the emulator (--strict refuses it at publish time; without --strict a job or call that reaches it fails)`,
      first.id,
      first.moduleName,
    );
  }

  // Edges: endpoints exist, ports exist, one edge per input port.
  const incoming = new Map<string, Map<string, CompiledEdge>>();
  const outgoing = new Map<string, CompiledEdge[]>();
  for (const id of nodes.keys()) {
    incoming.set(id, new Map());
    outgoing.set(id, []);
  }
  const rawEdges = prop(pkg, "edges");
  for (const raw of Array.isArray(rawEdges) ? rawEdges : []) {
    const source = str(prop(raw, "sourceNodeId")) ?? "";
    const target = str(prop(raw, "targetNodeId")) ?? "";
    let sourcePort = str(prop(raw, "sourcePortId")) ?? "";
    let targetPort = str(prop(raw, "targetPortId")) ?? "";
    const from = nodes.get(source);
    const to = nodes.get(target);
    if (!from || !to) {
      const missing = !from ? source : target;
      throw engineErrors.package(
        "DanglingEdge",
        `Edge ${source}:"${sourcePort}" → ${target}:"${targetPort}" refers to node "${missing}", which does not exist`,
        missing || undefined,
      );
    }
    if (from.kind === "output") {
      throw engineErrors.package(
        "UnknownPort",
        `Web service output node "${source}" has no output port`,
        source,
      );
    }
    if (to.kind === "input" || to.kind === "trainedModel" || to.kind === "dataset") {
      throw engineErrors.package(
        "UnknownPort",
        `Node "${target}" has no input port "${targetPort}"`,
        target,
      );
    }
    if (from.kind === "module") {
      const port = resolvePort(from.module.outputs, sourcePort);
      if (!port) throw unknownPort(from.module, source, sourcePort, "output");
      sourcePort = port.name;
    } else if (from.kind === "unsupported") {
      sourcePort = checkDeclaredPort(nodeAssets.get(source), from, sourcePort, "output");
    }
    if (to.kind === "module") {
      const port = resolvePort(to.module.inputs, targetPort);
      if (!port) throw unknownPort(to.module, target, targetPort, "input");
      targetPort = port.name;
    } else if (to.kind === "unsupported") {
      targetPort = checkDeclaredPort(nodeAssets.get(target), to, targetPort, "input");
    } else {
      targetPort = "*"; // web service outputs take one edge, whatever the port id
    }
    const edge: CompiledEdge = { source, sourcePort, target, targetPort };
    const ports = incoming.get(target)!;
    if (ports.has(targetPort)) {
      throw engineErrors.package(
        "PortConflict",
        `Input port "${targetPort}" of node "${target}" has more than one incoming edge`,
        target,
      );
    }
    ports.set(targetPort, edge);
    outgoing.get(source)!.push(edge);
  }
  for (const node of nodes.values()) {
    const ports = incoming.get(node.id)!;
    if (node.kind === "module") {
      for (const port of node.module.inputs) {
        if (!port.optional && !ports.has(port.name)) {
          throw engineErrors.package(
            "UnconnectedPort",
            `Input port "${port.name}" of module "${node.module.name}" (node ${node.id}) is not connected`,
            node.id,
            node.module.name,
          );
        }
      }
    } else if (node.kind === "output" && !ports.has("*")) {
      throw engineErrors.package(
        "UnconnectedPort",
        `Web service output "${node.outputId}" (node ${node.id}) is not connected`,
        node.id,
      );
    }
  }

  const order = topologicalOrder(nodes, incoming, outgoing);
  const globals = compileGlobals(properties, pkg, nodes, strict);
  const shape = computeShape(properties, assets, nodes, incoming, globals);
  if (unsupported.length > 0) shape.unsupported = unsupported;
  return { nodes, incoming, order, globals, shape };
}

/**
 * A module's port for an edge's port id; an edge that names no port is fine when the module has
 * exactly one port on that side (exported packages omit the id then).
 */
function resolvePort(ports: readonly PortDefinition[], name: string): PortDefinition | undefined {
  if (name === "" && ports.length === 1) return ports[0];
  return findPort(ports, name);
}

/**
 * The port of an unsupported node: any id when its asset declares no ports, else one of them
 * (case-insensitively; returned in the asset's spelling).
 */
function checkDeclaredPort(
  asset: unknown,
  node: CompiledNode & { kind: "unsupported" },
  port: string,
  side: "input" | "output",
): string {
  const declared = declaredPorts(asset, side === "input" ? "inputPorts" : "outputPorts");
  if (!declared) return port;
  const found = declared.find((p) => p.toLowerCase() === port.trim().toLowerCase());
  if (found) return found;
  throw engineErrors.package(
    "UnknownPort",
    `Asset "${node.moduleName}" (node ${node.id}) declares no ${side} port "${port}" (its ${side} ports: ${declared.map((p) => `"${p}"`).join(", ")})`,
    node.id,
    node.moduleName,
  );
}

function unknownPort(
  module: StudioModule,
  nodeId: string,
  port: string,
  side: "input" | "output",
): Error {
  const names = (side === "input" ? module.inputs : module.outputs)
    .map((p) => `"${p.name}"`)
    .join(", ");
  return engineErrors.package(
    "UnknownPort",
    `Module "${module.name}" (node ${nodeId}) has no ${side} port "${port}" (its ${side} ports: ${names || "none"})`,
    nodeId,
    module.name,
  );
}

/** Kahn's algorithm in node order; leftover nodes form a cycle. */
function topologicalOrder(
  nodes: Map<string, CompiledNode>,
  incoming: Map<string, Map<string, CompiledEdge>>,
  outgoing: Map<string, CompiledEdge[]>,
): string[] {
  const indegree = new Map<string, number>();
  for (const id of nodes.keys()) indegree.set(id, incoming.get(id)!.size);
  const queue = [...nodes.keys()].filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (queue.length > 0) {
    const id = queue.shift()!;
    order.push(id);
    for (const e of outgoing.get(id)!) {
      const d = indegree.get(e.target)! - 1;
      indegree.set(e.target, d);
      if (d === 0) queue.push(e.target);
    }
  }
  if (order.length < nodes.size) {
    // Nodes left over are on a cycle or downstream of one; peel off the downstream ones (no
    // outgoing edge to another leftover node) so the message names the cycle itself.
    const stuck = new Set([...nodes.keys()].filter((id) => !order.includes(id)));
    for (let changed = true; changed;) {
      changed = false;
      for (const id of stuck) {
        if (!outgoing.get(id)!.some((e) => stuck.has(e.target))) {
          stuck.delete(id);
          changed = true;
        }
      }
    }
    const cycle = [...stuck];
    throw engineErrors.package(
      "Cycle",
      `The graph has a cycle through nodes ${cycle.join(", ")}`,
      cycle[0],
    );
  }
  return order;
}

/** Global parameters: declared in graphParameters and/or properties.parameters. */
function compileGlobals(
  properties: WebServiceProperties,
  pkg: unknown,
  nodes: Map<string, CompiledNode>,
  strict: boolean,
): Map<string, GlobalParameter> {
  const globals = new Map<string, GlobalParameter>();
  const defaults = asObject(prop(properties, "parameters"));
  for (const [name, wsp] of Object.entries(defaults)) {
    const value = typeof wsp === "object" && wsp !== null ? prop(wsp, "value") : wsp;
    globals.set(name, { name, defaultValue: value ?? undefined, links: [] });
  }
  for (const [name, gp] of Object.entries(asObject(prop(pkg, "graphParameters")))) {
    const entry = globals.get(name) ?? { name, defaultValue: undefined, links: [] };
    const links = prop(gp, "links");
    for (const link of Array.isArray(links) ? links : []) {
      const nodeId = str(prop(link, "nodeId")) ?? "";
      const key = str(prop(link, "parameterKey")) ?? "";
      const node = nodes.get(nodeId);
      if (!node || (node.kind !== "module" && node.kind !== "unsupported")) {
        throw engineErrors.package(
          "DanglingParameterLink",
          `Web service parameter "${name}" is linked to node "${nodeId}", which is not a module node`,
          nodeId || undefined,
        );
      }
      if (node.kind === "unsupported") {
        entry.links.push({ nodeId, parameterKey: key });
        continue;
      }
      const declared = declaredParameter(node.module, key);
      if (!declared && strict) {
        throw engineErrors.package(
          "UnknownModuleParameter",
          `Web service parameter "${name}" is linked to "${key}", which module "${node.module.name}" (node ${nodeId}) does not have`,
          nodeId,
          node.module.name,
        );
      }
      entry.links.push({ nodeId, parameterKey: declared?.name ?? key });
    }
    globals.set(name, entry);
  }
  return globals;
}

function computeShape(
  properties: WebServiceProperties,
  assets: Obj,
  nodes: Map<string, CompiledNode>,
  incoming: Map<string, Map<string, CompiledEdge>>,
  globals: Map<string, GlobalParameter>,
): ServiceShape {
  const inputSpecs = asObject(prop(prop(properties, "input"), "properties"));
  const inputs: ServiceShape["inputs"] = [];
  const outputs: ServiceShape["outputs"] = [];
  for (const node of nodes.values()) {
    if (node.kind === "input" && !inputs.some((i) => i.name === node.inputId)) {
      const columns = Object.keys(asObject(prop(prop(inputSpecs, node.inputId), "properties")));
      inputs.push({ name: node.inputId, columns });
    }
    if (node.kind === "output") {
      const edge = incoming.get(node.id)!.get("*")!;
      outputs.push({ name: node.outputId, kind: outputKind(nodes.get(edge.source)!, edge, node) });
    }
  }
  const parameters = [...globals.values()].map((g) => ({
    name: g.name,
    required: g.defaultValue === undefined,
  }));
  const trainedModels = Object.entries(assets)
    .filter(([, a]) => resourceKind(a) !== undefined)
    .map(([assetId, a]) => ({ assetId, name: str(prop(a, "name"))! }));
  return { inputs, outputs, parameters, trainedModels };
}

/** What an output returns, from the port that feeds it. */
function outputKind(
  source: CompiledNode,
  edge: CompiledEdge,
  output: CompiledNode & { kind: "output" },
): OutputKind {
  if (source.kind === "trainedModel") return source.resource;
  if (source.kind !== "module") return "dataset";
  const port = source.module.outputs.find((p) => p.name === edge.sourcePort)!;
  if (port.type === "DataTable") return "dataset";
  if (port.type === "ILearner" && !port.untrained) return "model";
  if (port.type === "ITransform") return "transform";
  throw engineErrors.package(
    "UnsupportedOutput",
    `Web service output "${output.outputId}" is fed by port "${port.name}" of module "${source.module.name}" (node ${source.id}), which holds ${port.untrained ? "an untrained learner" : "a zip file"}; a web service returns datasets, trained models and transformations`,
    output.id,
  );
}
