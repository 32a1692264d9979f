/**
 * Starts a real emulator for a test suite (port 0, a temporary data folder, the run's Azurite as
 * `--storage`), and small HTTP helpers to call its three surfaces with the right credentials.
 * Reused by the emulator's own API tests, the provider tests and the end-to-end tests.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { executionBaseFromSwagger } from "../../clients/arm";
import type {
  ArmWebService,
  BatchExecutionRequest,
  BatchExecutionStatus,
  ClassicEndpoint,
} from "../../contract";
import type { EmulatorOptions } from "../../emulator/config";
import { startEmulator, type EmulatorHandle } from "../../emulator/startEmulator";
import { loadServiceDefinition } from "../../harness/definitions";

export { loadServiceDefinition };
import { azuriteBlobEndpoint, azuriteConnectionString, uniqueName } from "./env";
import { PYTHON, RSCRIPT } from "../../harness/interpreters";

/** An HTTP answer, body parsed as JSON when it is JSON. */
export interface TestResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, the text otherwise, undefined when empty. */
  readonly body: T;
  readonly text: string;
}

/** Options of a request. */
export interface RequestOptions {
  /** Bearer token or key; `null` sends no Authorization header. */
  readonly token?: string | null;
  /** JSON body (serialized), or a string or bytes sent as they are. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** Requests to an emulator's surfaces, each with its credential. */
export interface EmulatorClient {
  /**
   * Sends a request to the emulator.
   * @param method - HTTP method
   * @param pathOrUrl - a path (`/workspaces/...`) or an absolute URL
   * @param options - token, body, headers
   */
  request<T = unknown>(
    method: string,
    pathOrUrl: string,
    options?: RequestOptions,
  ): Promise<TestResponse<T>>;
  /** A request on the ARM surface with the ARM token (`api-version=2017-01-01` added when missing). */
  arm<T = unknown>(method: string, pathOrUrl: string, body?: unknown): Promise<TestResponse<T>>;
  /** A request on the classic management surface with the workspace token. */
  classic<T = unknown>(method: string, pathOrUrl: string, body?: unknown): Promise<TestResponse<T>>;
}

/** A running emulator for tests. */
export interface TestEmulator extends EmulatorHandle, EmulatorClient {
  /** Closes the emulator and removes its data folder (unless `keepLocation`). */
  close(): Promise<void>;
}

/** Options of {@link startTestEmulator}: emulator options plus test conveniences. */
export interface TestEmulatorOptions extends EmulatorOptions {
  /** Keep the data folder on close (restart tests reopen it). */
  readonly keepLocation?: boolean;
}

/** The Azurite origin (`http://127.0.0.1:port`), the emulator's `--storage` in tests. */
export function azuriteOrigin(): string {
  return new URL(azuriteBlobEndpoint()).origin;
}

/**
 * Sends an HTTP request and parses the answer.
 * @param method - HTTP method
 * @param url - absolute URL
 * @param options - token, body, headers
 */
export async function httpRequest<T = unknown>(
  method: string,
  url: string,
  options: RequestOptions = {},
): Promise<TestResponse<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined && options.token !== null)
    headers.Authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined;
  if (options.body !== undefined) {
    body =
      typeof options.body === "string" || options.body instanceof Uint8Array
        ? options.body
        : JSON.stringify(options.body);
    headers["Content-Type"] ??= "application/json";
  }
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/**
 * Requests to the emulator at `url` with its credentials: for an emulator a test did not start
 * with {@link startTestEmulator} (its bin, as its own process).
 * @param url - the emulator's base URL
 * @param credentials - its ARM and workspace tokens
 */
export function emulatorClient(
  url: string,
  credentials: { readonly armToken: string; readonly workspaceToken: string },
): EmulatorClient {
  const absolute = (pathOrUrl: string): string =>
    /^https?:/.test(pathOrUrl) ? pathOrUrl : `${url}${pathOrUrl}`;
  return {
    request: (method, pathOrUrl, requestOptions) =>
      httpRequest(method, absolute(pathOrUrl), requestOptions),
    arm: (method, pathOrUrl, body) => {
      const armUrl = new URL(absolute(pathOrUrl));
      if (!armUrl.searchParams.has("api-version"))
        armUrl.searchParams.set("api-version", "2017-01-01");
      return httpRequest(method, armUrl.toString(), { token: credentials.armToken, body });
    },
    classic: (method, pathOrUrl, body) =>
      httpRequest(method, absolute(pathOrUrl), { token: credentials.workspaceToken, body }),
  };
}

/**
 * Starts an emulator on port 0 with a temporary data folder, silent logs, the run's Azurite as
 * `--storage` and the test interpreters for script modules.
 * @param options - emulator options (override the test defaults)
 */
export async function startTestEmulator(options: TestEmulatorOptions = {}): Promise<TestEmulator> {
  const { keepLocation, ...emulatorOptions } = options;
  const location =
    emulatorOptions.location ?? mkdtempSync(path.join(tmpdir(), "azureml-emulator-"));
  const handle = await startEmulator({
    port: 0,
    logLevel: "silent",
    printStartup: false,
    storage: azuriteOrigin(),
    // The interpreters CI installs (script modules), whatever `python3` the PATH finds first.
    python: PYTHON,
    rscript: RSCRIPT,
    ...emulatorOptions,
    location,
  });
  return {
    ...handle,
    ...emulatorClient(handle.url, handle.credentials),
    close: async () => {
      await handle.close();
      if (!keepLocation && options.location === undefined)
        rmSync(location, { recursive: true, force: true });
    },
  };
}

// -------------------------------------------------------------------------------------------
// Definitions, blobs and common flows
// -------------------------------------------------------------------------------------------

/** Azurite's development account name (the storage account of test services). */
export const TEST_STORAGE_ACCOUNT = "devstoreaccount1";

/** The development account's key, read from the run's connection string. */
export function testStorageKey(): string {
  const match = /AccountKey=([^;]+)/.exec(azuriteConnectionString());
  if (!match) throw new Error("the Azurite connection string has no AccountKey");
  return match[1];
}

/**
 * `definitions/census-training.json` on the run's Azurite account.
 * @param changes - further changes to the definition
 */
export function trainingDefinition(
  changes: (d: ArmWebService) => void = () => undefined,
): ArmWebService {
  const d = loadServiceDefinition("census-training");
  d.properties.storageAccount = { name: TEST_STORAGE_ACCOUNT, key: testStorageKey() };
  changes(d);
  return d;
}

/**
 * `definitions/census-predictive.json` on the run's Azurite account, serving `modelUri`.
 * @param modelUri - the trained model's blob URL
 */
export function predictiveDefinition(modelUri: string): ArmWebService {
  const d = loadServiceDefinition("census-predictive");
  d.properties.storageAccount = { name: TEST_STORAGE_ACCOUNT, key: testStorageKey() };
  d.properties.assets!.asset2.locationInfo.uri = modelUri;
  return d;
}

/** A fresh container in the run's Azurite, with upload/download helpers. */
export interface TestContainer {
  readonly name: string;
  readonly client: ContainerClient;
  /** Uploads bytes; returns `container/blob`. */
  upload(blob: string, content: string | Uint8Array): Promise<string>;
  /** Downloads a blob. */
  download(blob: string): Promise<Buffer>;
}

/**
 * Creates a uniquely named container in the run's Azurite.
 * @param prefix - name prefix
 */
export async function createTestContainer(prefix = "t"): Promise<TestContainer> {
  const name = uniqueName(prefix);
  const client =
    BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(name);
  await client.create();
  return {
    name,
    client,
    async upload(blob, content) {
      const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
      await client.getBlockBlobClient(blob).uploadData(bytes);
      return `${name}/${blob}`;
    },
    download: (blob) => client.getBlockBlobClient(blob).downloadToBuffer(),
  };
}

/** ARM path of a web service. */
export function armServicePath(
  subscriptionId: string,
  resourceGroup: string,
  name: string,
): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearning/webServices/${name}`;
}

/**
 * Polls an ARM service until its provisioning finishes.
 * @param emulator - the emulator
 * @param servicePath - its ARM path
 * @param timeoutMs - give up after
 */
export async function waitForProvisioning(
  emulator: EmulatorClient,
  servicePath: string,
  timeoutMs = 20_000,
): Promise<ArmWebService> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await emulator.arm<ArmWebService>("GET", servicePath);
    if (response.status !== 200)
      throw new Error(`GET ${servicePath}: ${response.status} ${response.text}`);
    const state = response.body.properties.provisioningState;
    if (state !== "Provisioning") return response.body;
    if (Date.now() > deadline)
      throw new Error(`${servicePath} still provisioning after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * PUTs an ARM service (a sample definition, optionally changed) and waits for provisioning.
 * @param emulator - the emulator
 * @param servicePath - its ARM path
 * @param definition - the resource body
 */
export async function putArmService(
  emulator: EmulatorClient,
  servicePath: string,
  definition: unknown,
): Promise<ArmWebService> {
  const put = await emulator.arm("PUT", servicePath, definition);
  if (put.status !== 200 && put.status !== 201)
    throw new Error(`PUT ${servicePath}: ${put.status} ${put.text}`);
  return waitForProvisioning(emulator, servicePath);
}

/**
 * The execution base URL of an ARM service (its swaggerLocation without `/swagger.json`).
 * @param service - the resource as GET returns it
 */
export function executionBase(service: ArmWebService): string {
  const location = service.properties.swaggerLocation;
  if (!location) throw new Error("the service has no swaggerLocation");
  return executionBaseFromSwagger(location);
}

/**
 * Publishes a classic web service through the admin route and returns its default endpoint.
 * @param emulator - the emulator
 * @param workspaceId - the workspace
 * @param webServiceId - the web service id
 * @param body - the admin body (`Name`, `Properties`, ...)
 */
export async function publishClassic(
  emulator: EmulatorClient,
  workspaceId: string,
  webServiceId: string,
  body: unknown,
): Promise<ClassicEndpoint> {
  const put = await emulator.classic(
    "PUT",
    `/admin/workspaces/${workspaceId}/webservices/${webServiceId}`,
    body,
  );
  if (put.status !== 200 && put.status !== 201)
    throw new Error(`publish: ${put.status} ${put.text}`);
  const endpoint = await emulator.classic<ClassicEndpoint>(
    "GET",
    `/workspaces/${workspaceId}/webservices/${webServiceId}/endpoints/default`,
  );
  return endpoint.body;
}

/** BES calls against one execution base URL with one key. */
export class Bes {
  constructor(
    readonly base: string,
    readonly key: string,
  ) {}

  submit(body: unknown): Promise<TestResponse> {
    return httpRequest("POST", `${this.base}/jobs?api-version=2.0`, { token: this.key, body });
  }

  async submitOk(body: BatchExecutionRequest): Promise<string> {
    const res = await this.submit(body);
    expect(res.status, res.text).to.equal(200);
    expect(typeof res.body, "the job id is a JSON string").to.equal("string");
    return res.body as string;
  }

  start(id: string): Promise<TestResponse> {
    return httpRequest("POST", `${this.base}/jobs/${id}/start?api-version=2.0`, {
      token: this.key,
    });
  }

  status(id: string): Promise<TestResponse<BatchExecutionStatus>> {
    return httpRequest("GET", `${this.base}/jobs/${id}?api-version=2.0`, { token: this.key });
  }

  cancel(id: string): Promise<TestResponse> {
    return httpRequest("DELETE", `${this.base}/jobs/${id}?api-version=2.0`, { token: this.key });
  }

  /**
   * Polls a job until it is no longer NotStarted or Running.
   * @param id - the job
   * @param timeoutMs - give up (naming the job and its state) after
   * @param pollMs - time between status reads
   */
  async waitDone(id: string, timeoutMs = 60_000, pollMs = 50): Promise<BatchExecutionStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.status(id);
      expect(res.status, res.text).to.equal(200);
      const code = res.body.StatusCode;
      if (!["NotStarted", "Running", 0, 1].includes(code as string | number)) return res.body;
      if (Date.now() > deadline)
        throw new Error(`job ${id} still ${String(code)} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /**
   * Submits and starts a job, then waits until it ends ({@link Bes.waitDone}).
   * @param body - the job
   * @param wait - `waitDone`'s timeout and poll interval
   */
  async run(
    body: BatchExecutionRequest,
    wait: { readonly timeoutMs?: number; readonly pollMs?: number } = {},
  ): Promise<BatchExecutionStatus> {
    const id = await this.submitOk(body);
    expect((await this.start(id)).status).to.equal(204);
    return this.waitDone(id, wait.timeoutMs, wait.pollMs);
  }
}
