/**
 * Builds small ARM web service definitions for tests: nodes by id (a Studio module with its
 * parameters, a web service input or output, or an asset), edges written
 * `"source:port -> target:port"`. Assets get ids from their node ids, as Studio exports do.
 */
import type { ArmWebService, AssetItem, WebServiceProperties } from "../../contract";

/** One node of a test graph. */
export type TestNode =
  | { module: string; params?: Record<string, string> }
  | { input: string }
  | { output: string }
  | { asset: AssetItem; params?: Record<string, string> };

/** Column types of a web service input or output, by name. */
export type TestSchema = Record<string, "String" | "Integer" | "Number" | "Boolean">;

/**
 * A definition's properties from nodes and edges.
 * @param nodes - nodes by id
 * @param edges - `"a:Port name -> b:Port name"` (the port may be empty: `"in: -> b:Dataset"`)
 * @param io - declared input and output columns by port name
 */
export function graphProperties(
  nodes: Record<string, TestNode>,
  edges: string[],
  io: { inputs?: Record<string, TestSchema>; outputs?: Record<string, TestSchema> } = {},
): WebServiceProperties {
  const assets: Record<string, AssetItem> = {};
  const packageNodes: NonNullable<WebServiceProperties["package"]>["nodes"] = {};
  for (const [id, node] of Object.entries(nodes)) {
    if ("input" in node) packageNodes[id] = { inputId: node.input };
    else if ("output" in node) packageNodes[id] = { outputId: node.output };
    else {
      assets[`a-${id}`] =
        "module" in node
          ? { name: node.module, type: "Module", locationInfo: { uri: `aml://module/${id}` } }
          : node.asset;
      packageNodes[id] = {
        assetId: `a-${id}`,
        ...(node.params
          ? {
              parameters: Object.fromEntries(
                Object.entries(node.params).map(([k, v]) => [k, { value: v }]),
              ),
            }
          : {}),
      };
    }
  }
  const table = (schemas: Record<string, TestSchema> = {}) => ({
    type: "object" as const,
    properties: Object.fromEntries(
      Object.entries(schemas).map(([port, columns]) => [
        port,
        {
          type: "object",
          properties: Object.fromEntries(Object.entries(columns).map(([c, type]) => [c, { type }])),
        },
      ]),
    ),
  });
  return {
    packageType: "Graph",
    assets,
    input: table(io.inputs),
    output: table(io.outputs),
    parameters: {},
    package: {
      nodes: packageNodes,
      edges: edges.map((e) => {
        const [from, to] = e.split("->").map((s) => s.trim());
        const [source, sourcePort] = from.split(/:(.*)/s);
        const [target, targetPort] = to.split(/:(.*)/s);
        return {
          sourceNodeId: source,
          sourcePortId: (sourcePort ?? "").trim(),
          targetNodeId: target,
          targetPortId: (targetPort ?? "").trim(),
        };
      }),
      graphParameters: {},
    },
  };
}

/**
 * A whole ARM resource body around graph properties.
 * @param properties - from {@link graphProperties}
 * @param storageAccount - the service's storage account (name and key)
 */
export function armDefinition(
  properties: WebServiceProperties,
  storageAccount?: { name: string; key: string },
): ArmWebService {
  return {
    location: "West US",
    properties: { ...properties, ...(storageAccount ? { storageAccount } : {}) },
  };
}

/** A ColumnSelection picking columns by name. */
export function columnsByName(...names: string[]): string {
  return JSON.stringify({
    isFilter: true,
    rules: [{ ruleType: "ColumnNames", exclude: false, columns: names }],
  });
}
