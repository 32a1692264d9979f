/**
 * Resource ids and references of the v2 surface, pure: ARM ids of a workspace's resources, the
 * forms an asset reference takes (`azureml:name:version`, `azureml:name@latest`, an ARM id), and
 * the forms a storage URI takes (`azureml://datastores/…`, `azureml://subscriptions/…`,
 * `azureml://jobs/…/outputs/…`, a blob URL). Nothing here reads the store: callers resolve.
 */
import { V2_PROVIDER } from "../../contract/v2";

/** A workspace's coordinates. */
export interface WorkspaceRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspace: string;
}

/** Kinds of resources under a workspace, as their type suffix. */
export type ResourceKind =
  | "workspaces"
  | "datastores"
  | "codes"
  | "codes/versions"
  | "data"
  | "data/versions"
  | "environments"
  | "environments/versions"
  | "models"
  | "models/versions"
  | "jobs"
  | "onlineEndpoints"
  | "onlineEndpoints/deployments";

/** The four asset families. */
export type AssetFamily = "codes" | "data" | "environments" | "models";

/**
 * The ARM id of a workspace.
 * @param ws - its coordinates
 */
export function workspaceArmId(ws: WorkspaceRef): string {
  return (
    `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}` +
    `/providers/${V2_PROVIDER}/workspaces/${ws.workspace}`
  );
}

/**
 * The ARM id of a child of a workspace: `segments` alternate collection and name, e.g.
 * `["models", "census", "versions", "3"]`.
 * @param ws - the workspace
 * @param segments - collection/name pairs
 */
export function childArmId(ws: WorkspaceRef, segments: readonly string[]): string {
  return `${workspaceArmId(ws)}/${segments.join("/")}`;
}

/**
 * The store key of an ARM id: ARM names are case-insensitive.
 * @param armId - the id
 */
export function keyOf(armId: string): string {
  return armId.toLowerCase();
}

/** A reference to an asset version, resolved to its name and version or label. */
export type AssetReference =
  | { readonly kind: "version"; readonly name: string; readonly version: string }
  | { readonly kind: "latest"; readonly name: string }
  /** An asset of a registry (e.g. a curated environment): recorded, never resolved. */
  | { readonly kind: "registry"; readonly reference: string };

/**
 * Parses an asset reference of one family in a workspace. Returns a string (the reason) when
 * the text is not a reference of that family in that workspace.
 * @param text - `azureml:name:version`, `azureml:name@latest`, or an ARM id
 * @param ws - the workspace the reference is read in
 * @param family - the expected family
 */
export function parseAssetReference(
  text: string,
  ws: WorkspaceRef,
  family: AssetFamily,
): AssetReference | string {
  if (/^azureml:\/\/registries\//i.test(text)) return { kind: "registry", reference: text };
  const short = /^azureml:([^:@/]+)(?::([^:@/]+)|@latest)$/i.exec(text);
  if (short) {
    return short[2] !== undefined
      ? { kind: "version", name: short[1], version: short[2] }
      : { kind: "latest", name: short[1] };
  }
  const prefix = keyOf(`${workspaceArmId(ws)}/${family}/`);
  if (text.toLowerCase().startsWith(prefix)) {
    const rest = text.slice(prefix.length).split("/");
    if (rest.length === 3 && rest[1].toLowerCase() === "versions" && rest[0] && rest[2])
      return { kind: "version", name: rest[0], version: rest[2] };
    if (rest.length === 1 && rest[0]) return { kind: "latest", name: rest[0] };
  }
  if (text.startsWith("/subscriptions/"))
    return `'${text}' is not a ${family} version of workspace ${ws.workspace}`;
  return (
    `'${text}' is not an asset reference: use azureml:<name>:<version>, ` +
    `azureml:<name>@latest or the version's ARM id`
  );
}

/** A storage URI, parsed. */
export type StorageUri =
  /** A path in a datastore of the workspace. */
  | { readonly kind: "datastore"; readonly datastore: string; readonly path: string }
  /** An output of a job (`artifacts` is the default output). */
  | {
      readonly kind: "jobOutput";
      readonly job: string;
      readonly output: string;
      readonly path: string;
    }
  /** A blob URL (path style, as Azurite serves, or virtual-host style, as Azure does). */
  | { readonly kind: "blobUrl"; readonly url: string }
  /** An asset reference (`azureml:name:version`) used where a URI is expected. */
  | { readonly kind: "asset"; readonly reference: string };

/**
 * Parses a URI of a job input or output, a data or model version.
 * @param uri - the text
 * @param ws - the workspace (long datastore URIs must name it)
 */
export function parseStorageUri(uri: string, ws: WorkspaceRef): StorageUri | string {
  const trimSlashes = (p: string): string => p.replace(/^\/+/, "");
  const short = /^azureml:\/\/datastores\/([^/]+)\/paths\/?(.*)$/i.exec(uri);
  if (short) return { kind: "datastore", datastore: short[1], path: trimSlashes(short[2]) };
  const long =
    /^azureml:\/\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/workspaces\/([^/]+)\/datastores\/([^/]+)\/paths\/?(.*)$/i.exec(
      uri,
    );
  if (long) {
    const same =
      long[1].toLowerCase() === ws.subscriptionId.toLowerCase() &&
      long[2].toLowerCase() === ws.resourceGroup.toLowerCase() &&
      long[3].toLowerCase() === ws.workspace.toLowerCase();
    if (!same) return `'${uri}' names another workspace than ${ws.workspace}`;
    return { kind: "datastore", datastore: long[4], path: trimSlashes(long[5]) };
  }
  const job = /^azureml:\/\/jobs\/([^/]+)\/outputs\/([^/]+)(?:\/paths\/?(.*))?$/i.exec(uri);
  if (job)
    return { kind: "jobOutput", job: job[1], output: job[2], path: trimSlashes(job[3] ?? "") };
  if (/^azureml:[^/]/i.test(uri)) return { kind: "asset", reference: uri };
  if (
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/workspaces\/[^/]+\/(data|models)\/[^/]+\/versions\/[^/]+$/i.test(
      uri,
    )
  )
    return { kind: "asset", reference: uri };
  if (/^https?:\/\/[^/]+\/./i.test(uri)) return { kind: "blobUrl", url: uri };
  return (
    `'${uri}' is not a storage URI: use azureml://datastores/<datastore>/paths/<path>, ` +
    "azureml://jobs/<job>/outputs/<output>, azureml:<name>:<version> or a blob URL"
  );
}

/** A blob URL split into account, container and path. */
export interface BlobUrlParts {
  readonly account: string;
  readonly container: string;
  readonly path: string;
}

/**
 * Splits a blob URL: path style (`http://127.0.0.1:10000/<account>/<container>/<path>`, as
 * Azurite serves) or virtual-host style (`https://<account>.blob.core.windows.net/<container>/<path>`).
 * @param url - the URL (a query string is ignored)
 */
export function parseBlobUrl(url: string): BlobUrlParts | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const parts = parsed.pathname
    .split("/")
    .filter((p) => p !== "")
    .map((p) => decodeURIComponent(p));
  const host = /^([a-z0-9]+)\.blob\./i.exec(parsed.hostname);
  if (host) {
    if (parts.length < 1) return undefined;
    return { account: host[1], container: parts[0], path: parts.slice(1).join("/") };
  }
  if (parts.length < 2) return undefined;
  return { account: parts[0], container: parts[1], path: parts.slice(2).join("/") };
}

/**
 * Parses an ISO 8601 duration of days, hours, minutes and seconds (`PT30M`, `P1DT2H`, `PT5.5S`)
 * into milliseconds; undefined when it is not one.
 * @param text - the duration
 */
export function parseDuration(text: string): number | undefined {
  const match =
    /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      text,
    );
  if (!match || text === "P" || text.endsWith("T")) return undefined;
  const [, d, h, m, s] = match.map((v) => (v === undefined ? 0 : Number(v)));
  return Math.round(
    ((((d as number) * 24 + (h as number)) * 60 + (m as number)) * 60 + (s as number)) * 1000,
  );
}
