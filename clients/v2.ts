/**
 * Client of Azure Machine Learning (v2), `Microsoft.MachineLearningServices`: the resources of a
 * workspace by path (`/jobs/x`, `/onlineEndpoints/e/deployments/d`...), with the long-running
 * operations waited for (`Azure-AsyncOperation` status, or `Location` until it stops answering
 * 202), pages followed, and the scoring data plane of online endpoints. The same code serves the
 * emulator (a static ARM token) and Azure (Entra ID).
 *
 * Serialization note: copied by value into the v2 providers' closures; no module-scope state,
 * npm modules only through `clients/modules.ts`, waits through `sleep` (see those files).
 */
import {
  MODEL_DEPLOYMENT_HEADER,
  V2_API_VERSION,
  V2_PROVIDER,
  type V2OperationStatus,
  type V2Page,
  type V2Resource,
} from "../contract/v2";
import { namedError, type NamedError } from "./errors";
import { JsonHttpClient, type CredentialSpec, type HttpClientOptions } from "./http";
import { sleep } from "./sleep";

/** A workspace and the ARM endpoint that serves it. */
export interface MlWorkspaceRef {
  /** `https://management.azure.com` on Azure, the emulator's URL locally. */
  readonly endpoint: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspace: string;
}

/** The ARM id of a workspace. */
export function workspaceId(ws: Omit<MlWorkspaceRef, "endpoint">): string {
  return (
    `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}` +
    `/providers/${V2_PROVIDER}/workspaces/${ws.workspace}`
  );
}

/** A long-running operation that ended Failed or Canceled. */
export function operationFailedError(
  what: string,
  status: string,
  code: string,
  message: string,
): NamedError<{ status: string; errorCode: string }> {
  return namedError("OperationFailedError", `${what} ended ${status}: ${code}: ${message}`, {
    status,
    errorCode: code,
  });
}

/** Waiting options. */
export interface WaitOptions {
  /** Absolute deadline, ms since epoch (default: 30 minutes from the call). */
  readonly deadline?: number;
  /** Called with the status each time it changes. */
  readonly onProgress?: (status: string, elapsedMs: number) => void;
}

/** Shortest and longest wait between polls (the service's `Retry-After` is kept inside these). */
const POLL_FLOOR_MS = 100;
const POLL_CAP_MS = 15_000;

/** Client of a workspace's resources. */
export class MlClient {
  private readonly http: JsonHttpClient;

  /**
   * @param ws - the workspace (and the ARM endpoint)
   * @param credential - a static token (emulator) or Entra ID
   * @param options - retry and timeout options
   */
  constructor(
    readonly ws: MlWorkspaceRef,
    credential: CredentialSpec,
    options: Omit<HttpClientOptions, "credential"> = {},
  ) {
    this.http = new JsonHttpClient({ ...options, credential });
  }

  /** The URL of a path under the workspace ("" is the workspace itself). */
  url(path: string): string {
    const base = `${this.ws.endpoint.replace(/\/+$/, "")}${workspaceId(this.ws)}${path}`;
    return `${base}${base.includes("?") ? "&" : "?"}api-version=${V2_API_VERSION}`;
  }

  /** The ARM id of a path under the workspace. */
  id(path: string): string {
    return `${workspaceId(this.ws)}${path}`;
  }

  /** GET; undefined on 404. */
  async get<T = V2Resource<Record<string, unknown>>>(path: string): Promise<T | undefined> {
    const res = await this.http.request<T>("GET", this.url(path), undefined, {
      passStatuses: [404],
    });
    return res.status === 404 ? undefined : res.body;
  }

  /** Every item of a list, following `nextLink`. */
  async list<T = V2Resource<Record<string, unknown>>>(path: string): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = this.url(path);
    while (url) {
      const res: { body: V2Page<T> } = await this.http.request<V2Page<T>>("GET", url);
      items.push(...res.body.value);
      url = res.body.nextLink;
    }
    return items;
  }

  /** A synchronous PUT (assets, jobs, datastores). */
  async put<T = V2Resource<Record<string, unknown>>>(path: string, body: unknown): Promise<T> {
    return (await this.http.request<T>("PUT", this.url(path), body)).body;
  }

  /** A POST answered at once (listKeys, getLogs, token). */
  async post<T = unknown>(path: string, body?: unknown): Promise<T> {
    return (await this.http.request<T>("POST", this.url(path), body ?? {})).body;
  }

  /**
   * A long-running PUT: waits for its operation, then GETs the resource. Throws an
   * `OperationFailedError` when the operation ends Failed or Canceled.
   * @param path - the resource
   * @param body - its body
   * @param options - deadline and progress
   */
  async putAndWait<T = V2Resource<Record<string, unknown>>>(
    path: string,
    body: unknown,
    options: WaitOptions = {},
  ): Promise<T> {
    const res = await this.http.request<T>("PUT", this.url(path), body);
    await this.settle(path, res.headers, options);
    const final = await this.get<T>(path);
    if (!final) throw new Error(`${this.id(path)} is not found after its operation succeeded`);
    return final;
  }

  /**
   * A long-running DELETE (or POST): waits until its operation is done. A missing resource is
   * not an error.
   * @param method - DELETE, or POST (cancel, regenerateKeys)
   * @param path - the resource or action
   * @param options - deadline and progress
   */
  async actAndWait(
    method: "DELETE" | "POST",
    path: string,
    options: WaitOptions = {},
    body?: unknown,
  ): Promise<void> {
    const res = await this.http.request(
      method,
      this.url(path),
      method === "POST" ? (body ?? {}) : undefined,
      {
        passStatuses: [404],
      },
    );
    if (res.status === 404) return;
    await this.settle(path, res.headers, options);
  }

  private async settle(
    path: string,
    headers: Record<string, string>,
    options: WaitOptions,
  ): Promise<void> {
    const started = Date.now();
    const deadline = options.deadline ?? started + 30 * 60_000;
    const asyncUrl = headers["azure-asyncoperation"];
    const location = headers["location"];
    if (!asyncUrl && !location) return;
    let last: string | undefined;
    let wait = waitOf(headers);
    for (;;) {
      let status: string;
      if (asyncUrl) {
        const op = await this.http.request<V2OperationStatus>("GET", asyncUrl);
        status = op.body.status;
        wait = waitOf(op.headers, wait);
        if (status === "Failed" || status === "Canceled")
          throw operationFailedError(
            this.id(path),
            status,
            op.body.error?.code ?? status,
            op.body.error?.message ?? "no error information",
          );
        if (status === "Succeeded") return;
      } else {
        const res = await this.http.request("GET", location!);
        if (res.status !== 202) return;
        status = "InProgress";
        wait = waitOf(res.headers, wait);
      }
      if (status !== last) {
        last = status;
        options.onProgress?.(status, Date.now() - started);
      }
      if (Date.now() + wait > deadline)
        throw new Error(
          `${this.id(path)}: its operation is still ${status} after ${((Date.now() - started) / 1000).toFixed(0)} s`,
        );
      await sleep(wait);
    }
  }
}

/** The poll interval a response asks for (`Retry-After` seconds, kept within bounds). */
function waitOf(headers: Record<string, string>, fallback = 1000): number {
  const raw = headers["retry-after"];
  const seconds = raw === undefined ? NaN : Number(raw);
  if (!Number.isFinite(seconds)) return fallback;
  return Math.min(POLL_CAP_MS, Math.max(POLL_FLOOR_MS, seconds * 1000));
}

/** The answer of a scoring call. */
export interface ScoringAnswer<T> {
  readonly body: T;
  /** The deployment that answered (`azureml-model-deployment`). */
  readonly deployment: string | undefined;
}

/** Scoring calls to an online endpoint. */
export class ScoringClient {
  private readonly http: JsonHttpClient;

  /**
   * @param scoringUri - the endpoint's scoring URI
   * @param key - a key (or AML token) of the endpoint
   * @param options - retry and timeout options
   */
  constructor(
    private readonly scoringUri: string,
    key: string,
    options: Omit<HttpClientOptions, "credential"> = {},
  ) {
    this.http = new JsonHttpClient({ ...options, credential: { kind: "token", token: key } });
  }

  /**
   * Scores a JSON body; `deployment` sends it to that deployment whatever the traffic.
   * @param body - the request (for the census script: `{ data: [...] }`)
   * @param deployment - a deployment name, or undefined to follow the traffic
   */
  async score<T = unknown>(body: unknown, deployment?: string): Promise<ScoringAnswer<T>> {
    const res = await this.http.request<T>("POST", this.scoringUri, body, {
      headers: deployment ? { [MODEL_DEPLOYMENT_HEADER]: deployment } : {},
    });
    return { body: res.body, deployment: res.headers[MODEL_DEPLOYMENT_HEADER] };
  }
}
