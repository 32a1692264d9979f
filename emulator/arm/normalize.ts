/**
 * Case-insensitive reading of ARM web service definitions. The swagger is camelCase, but Azure's
 * own PATCH example uses PascalCase inside `package` (`AssetId`, `SourceNodeId`...), so the
 * service evidently matched names case-insensitively (`docs/contracts.md` §4.2). This
 * module rewrites known property names to their camelCase spelling, guided by a schema of the
 * `WebService` resource, and leaves user-chosen keys (asset ids, node ids, port, column,
 * parameter and tag names) untouched. Unknown properties are reported (an error under
 * `--strict`) and otherwise passed through unchanged.
 */

/** A node of the schema that guides normalization. */
type Shape =
  | { readonly kind: "object"; readonly fields: Readonly<Record<string, Shape>> }
  | { readonly kind: "map"; readonly value: Shape }
  | { readonly kind: "array"; readonly item: Shape }
  | { readonly kind: "leaf" };

const leaf: Shape = { kind: "leaf" };
const obj = (fields: Record<string, Shape>): Shape => ({ kind: "object", fields });
const map = (value: Shape): Shape => ({ kind: "map", value });
const arr = (item: Shape): Shape => ({ kind: "array", item });
const leaves = (...names: string[]): Record<string, Shape> =>
  Object.fromEntries(names.map((n) => [n, leaf]));

const blobLocation = obj(leaves("uri", "credentials"));
const webServiceParameter = obj(leaves("value", "certificateThumbprint"));
const column = obj(leaves("type", "format", "enum", "x-ms-isnullable", "x-ms-isordered"));
const table = obj({ ...leaves("title", "description", "type", "format"), properties: map(column) });
const ioSpec = obj({ ...leaves("title", "description", "type"), properties: map(table) });
const asset = obj({
  ...leaves("name", "id", "type"),
  locationInfo: blobLocation,
  inputPorts: map(obj(leaves("type"))),
  outputPorts: map(obj(leaves("type"))),
  metadata: map(leaf),
  parameters: arr(
    obj({
      ...leaves("name", "parameterType"),
      modeValuesInfo: map(obj({ ...leaves("interfaceString"), parameters: leaf })),
    }),
  ),
});
const graphPackage = obj({
  nodes: map(
    obj({ ...leaves("assetId", "inputId", "outputId"), parameters: map(webServiceParameter) }),
  ),
  edges: arr(obj(leaves("sourceNodeId", "sourcePortId", "targetNodeId", "targetPortId"))),
  graphParameters: map(
    obj({ ...leaves("description", "type"), links: arr(obj(leaves("nodeId", "parameterKey"))) }),
  ),
});

/** Schema of `properties` of an ARM web service (and of the admin route's `Properties`). */
const propertiesShape = obj({
  ...leaves(
    "title",
    "description",
    "createdOn",
    "modifiedOn",
    "provisioningState",
    "readOnly",
    "swaggerLocation",
    "exposeSampleData",
    "packageType",
    "payloadsInBlobStorage",
  ),
  keys: obj(leaves("primary", "secondary")),
  realtimeConfiguration: obj(leaves("maxConcurrentCalls")),
  diagnostics: obj(leaves("level", "expiry")),
  storageAccount: obj(leaves("name", "key")),
  machineLearningWorkspace: obj(leaves("id")),
  commitmentPlan: obj(leaves("id")),
  input: ioSpec,
  output: ioSpec,
  exampleRequest: obj({ inputs: map(leaf), globalParameters: map(leaf) }),
  assets: map(asset),
  parameters: map(webServiceParameter),
  package: graphPackage,
  payloadsLocation: blobLocation,
});

/** Schema of a whole ARM `WebService` resource (PUT/PATCH body). */
const resourceShape = obj({
  ...leaves("id", "name", "type", "location"),
  tags: map(leaf),
  properties: propertiesShape,
});

/** Result of a normalization: the rewritten value and the paths of unknown properties. */
export interface Normalized<T> {
  readonly value: T;
  readonly unknown: readonly string[];
}

function walk(value: unknown, shape: Shape, path: string, unknown: string[]): unknown {
  if (value === null || typeof value !== "object") return value;
  switch (shape.kind) {
    case "leaf":
      return value;
    case "array":
      return Array.isArray(value)
        ? value.map((item, i) => walk(item, shape.item, `${path}[${i}]`, unknown))
        : value;
    case "map": {
      if (Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        out[key] = walk(item, shape.value, `${path}.${key}`, unknown);
      }
      return out;
    }
    case "object": {
      if (Array.isArray(value)) return value;
      const canonical = new Map(Object.keys(shape.fields).map((k) => [k.toLowerCase(), k]));
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const name = canonical.get(key.toLowerCase());
        const where = path === "" ? key : `${path}.${key}`;
        if (name === undefined) {
          unknown.push(where);
          out[key] = item;
        } else {
          out[name] = walk(
            item,
            shape.fields[name],
            path === "" ? name : `${path}.${name}`,
            unknown,
          );
        }
      }
      return out;
    }
  }
}

/**
 * Rewrites an ARM web service resource body to camelCase property names.
 * @param body - the parsed JSON body
 */
export function normalizeResource(body: unknown): Normalized<Record<string, unknown>> {
  const unknown: string[] = [];
  const value = walk(body, resourceShape, "", unknown) as Record<string, unknown>;
  return { value, unknown };
}

/**
 * Rewrites a `properties` object (the admin route's `Properties`) to camelCase property names.
 * @param properties - the parsed object
 * @param path - prefix of reported paths
 */
export function normalizeProperties(
  properties: unknown,
  path = "properties",
): Normalized<Record<string, unknown>> {
  const unknown: string[] = [];
  const value = walk(properties, propertiesShape, path, unknown) as Record<string, unknown>;
  return { value, unknown };
}
