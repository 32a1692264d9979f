/**
 * What the v2 handlers share: the request facts they receive, the answer they return (the
 * surface's route glue writes it), the services they use, the resource view (the ARM envelope
 * with `systemData`), body checks that name the member at fault, and list paging.
 */
import type { SystemData, V2Page, V2Resource } from "../../../contract/v2";
import type { Logger } from "../../logger";
import type { V2Config } from "../config";
import { WORKSPACE_TYPE } from "../constants";
import { V2Errors } from "../errors";
import { keyOf, workspaceArmId, type WorkspaceRef } from "../ids";
import type { AssetResolver } from "../services/assets";
import type { DatastoreBlobs } from "../services/blobs";
import type { DeploymentHosts } from "../services/deploymentHosts";
import type { CommandJobRunner } from "../services/jobRunner";
import type { Operations } from "../services/operations";
import type { ResourceRecord, StoredBody } from "../store/records";
import type { V2Store } from "../store/v2Store";

/** Request facts. */
export interface V2Request {
  readonly requestId: string;
  /** Public base URL, no trailing slash. */
  readonly baseUrl: string;
  /** Path without the query. */
  readonly path: string;
  /** Query parameters (first value of each). */
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The request's api-version (checked before the handler runs). */
  readonly apiVersion: string;
}

/** A handler's answer. */
export interface V2Response<T = unknown> {
  readonly status: number;
  /** JSON body; undefined for none. */
  readonly body?: T;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The services every handler may use. */
export interface V2Services {
  readonly store: V2Store;
  readonly config: V2Config;
  readonly logger: Logger;
  readonly operations: Operations;
  readonly blobs: DatastoreBlobs;
  readonly assets: AssetResolver;
  readonly jobs: CommandJobRunner;
  readonly hosts: DeploymentHosts;
  /** Page size of list operations. */
  readonly pageSize: number;
}

/** Path parameters naming a workspace. */
export type WorkspaceParams = WorkspaceRef;

/** Who made a change (the emulator has one user). */
const USER = "emulator";

/**
 * The ARM envelope of a record.
 * @param record - the record
 * @param properties - the properties to show (stored ones plus computed ones)
 */
export function viewOf<P>(record: ResourceRecord, properties: P): V2Resource<P> {
  const type = record.kind === "workspaces" ? WORKSPACE_TYPE : `${WORKSPACE_TYPE}/${record.kind}`;
  const systemData: SystemData = {
    createdAt: record.createdAt,
    createdBy: USER,
    createdByType: "User",
    lastModifiedAt: record.modifiedAt,
    lastModifiedBy: USER,
    lastModifiedByType: "User",
  };
  const { body } = record;
  return {
    id: record.id,
    name: record.name,
    type,
    ...(body.location !== undefined ? { location: body.location } : {}),
    ...(body.tags !== undefined ? { tags: { ...body.tags } } : {}),
    ...(body.identity !== undefined
      ? { identity: body.identity as V2Resource<P>["identity"] }
      : {}),
    ...(body.kind !== undefined ? { kind: body.kind } : {}),
    ...(body.sku !== undefined ? { sku: body.sku as V2Resource<P>["sku"] } : {}),
    properties,
    systemData,
  };
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The body as an object with an object `properties`; 400 naming what is wrong otherwise.
 * @param body - the parsed body
 */
export function resourceBody(body: unknown): {
  properties: Record<string, unknown>;
  rest: Record<string, unknown>;
} {
  if (!isObject(body)) throw V2Errors.invalidValue("body", "must be a JSON object");
  const properties = body.properties;
  if (!isObject(properties))
    throw V2Errors.invalidValue("properties", "is required and must be an object");
  return { properties, rest: body };
}

/**
 * A map of strings (tags, properties, environment variables), or undefined.
 * @param value - the member
 * @param target - its name
 */
export function stringMap(value: unknown, target: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw V2Errors.invalidValue(target, "must map names to strings");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    if (typeof v !== "string") throw V2Errors.invalidValue(`${target}.${k}`, "must be a string");
    out[k] = v;
  }
  return out;
}

/**
 * A required non-empty string.
 * @param value - the member
 * @param target - its name
 * @param hint - what to send
 */
export function requiredString(value: unknown, target: string, hint: string): string {
  if (typeof value !== "string" || value.trim() === "")
    throw V2Errors.invalidValue(target, `is required: ${hint}`);
  return value;
}

/**
 * An optional string.
 * @param value - the member
 * @param target - its name
 */
export function optionalString(value: unknown, target: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw V2Errors.invalidValue(target, "must be a string");
  return value;
}

/**
 * The stored envelope members besides `properties` (location, tags, identity, kind, sku).
 * @param rest - the body
 */
export function envelopeOf(rest: Record<string, unknown>): Omit<StoredBody, "properties"> {
  const tags = stringMap(rest.tags, "tags");
  const location = optionalString(rest.location, "location");
  if (rest.identity !== undefined && rest.identity !== null && !isObject(rest.identity))
    throw V2Errors.invalidValue("identity", "must be an object");
  if (rest.sku !== undefined && rest.sku !== null && !isObject(rest.sku))
    throw V2Errors.invalidValue("sku", "must be an object");
  return {
    ...(location !== undefined ? { location } : {}),
    ...(tags !== undefined ? { tags } : {}),
    ...(isObject(rest.identity) ? { identity: { ...rest.identity } } : {}),
    ...(typeof rest.kind === "string" ? { kind: rest.kind } : {}),
    ...(isObject(rest.sku) ? { sku: { ...rest.sku } } : {}),
  };
}

/**
 * The workspace record; 404 when it does not exist.
 * @param services - the store
 * @param ws - its coordinates
 */
export function requireWorkspace(services: V2Services, ws: WorkspaceRef): ResourceRecord {
  const record = services.store.get(keyOf(workspaceArmId(ws)));
  if (!record) throw V2Errors.workspaceNotFound(ws.resourceGroup, ws.workspace);
  return record;
}

/**
 * A page of a list: `$skipToken` is the offset (opaque to clients), `nextLink` the next page.
 * @param services - the store and page size
 * @param parent - the parent key
 * @param kind - the children's kind
 * @param request - the request (query and URLs)
 * @param render - the view of one record
 * @param filter - keeps some records only (applied before paging)
 */
export function listPage<T>(
  services: V2Services,
  parent: string,
  kind: ResourceRecord["kind"],
  request: V2Request,
  render: (record: ResourceRecord) => T,
  filter: (record: ResourceRecord) => boolean = () => true,
): V2Response<V2Page<T>> {
  const token = request.query.$skipToken ?? request.query.$skiptoken;
  let offset = 0;
  if (token !== undefined) {
    offset = Number.parseInt(Buffer.from(token, "base64url").toString("utf8"), 10);
    if (!Number.isInteger(offset) || offset < 0)
      throw V2Errors.invalidValue("$skipToken", "is not a token this emulator issued");
  }
  const all = services.store.list(parent, kind).items.filter(filter);
  const items = all.slice(offset, offset + services.pageSize);
  const body: V2Page<T> = { value: items.map(render) };
  if (offset + items.length < all.length) {
    const next = Buffer.from(String(offset + items.length), "utf8").toString("base64url");
    body.nextLink =
      `${request.baseUrl}${request.path}?api-version=${encodeURIComponent(request.apiVersion)}` +
      `&$skipToken=${next}`;
  }
  return { status: 200, body };
}

/** Now as ISO-8601. */
export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * The first member (dotted path) whose canonical JSON differs between two objects, or undefined.
 * @param a - one side
 * @param b - the other
 * @param members - the members to compare
 */
export function firstDifference(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
  members: readonly string[],
): string | undefined {
  return members.find((member) => canonical(a[member]) !== canonical(b[member]));
}

/** JSON with sorted keys (key order never makes two values differ). */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
