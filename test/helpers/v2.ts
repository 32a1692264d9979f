/**
 * Helpers for tests of the emulator's Azure Machine Learning (v2) surface: a Python that has
 * scikit-learn and pandas, ARM calls with the emulator's token and the v2 api-version, waiting
 * for long-running operations, a workspace with its default datastores, folders uploaded as
 * code, and small scoring scripts.
 */
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { V2_API_VERSION, type V2OperationStatus, type V2Resource } from "../../contract/v2";
import { azuriteConnectionString, uniqueName } from "./env";
import { httpRequest, type TestEmulator, type TestResponse } from "./emulator";

/** The project's sample v2 code (train.py, score.py). */
export const CENSUS_V2_SOURCE = path.join(
  __dirname,
  "..",
  "..",
  "definitions",
  "v2",
  "census",
  "src",
);
/** The census CSVs. */
export const CENSUS_NOVEMBER = path.join(__dirname, "..", "..", "data", "census-2026-11.csv");
/** October's census CSV. */
export const CENSUS_OCTOBER = path.join(__dirname, "..", "..", "data", "census-2026-10.csv");

/** A workspace's coordinates and ARM path. */
export interface TestWorkspace {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  /** `/subscriptions/…/workspaces/{name}` */
  readonly path: string;
  /** Container of `workspaceblobstore`. */
  readonly container: string;
}

/** ARM calls on the v2 surface of a test emulator. */
export class V2Api {
  /**
   * @param emulator - the running emulator
   * @param apiVersion - sent with every call unless the path has one
   */
  constructor(
    readonly emulator: TestEmulator,
    readonly apiVersion = V2_API_VERSION,
  ) {}

  /**
   * A call with the ARM token.
   * @param method - HTTP method
   * @param pathOrUrl - path (the api-version is added) or absolute URL
   * @param body - JSON body
   */
  call<T = unknown>(method: string, pathOrUrl: string, body?: unknown): Promise<TestResponse<T>> {
    const url = new URL(
      /^https?:/.test(pathOrUrl) ? pathOrUrl : `${this.emulator.url}${pathOrUrl}`,
    );
    if (!url.searchParams.has("api-version")) url.searchParams.set("api-version", this.apiVersion);
    return httpRequest<T>(method, url.toString(), {
      token: this.emulator.credentials.armToken,
      body,
    });
  }

  /**
   * Waits for the operation a response started: `Azure-AsyncOperation` (status body) or
   * `Location` (202 until done). Returns the final status body or the last response.
   * @param response - the PUT/DELETE/POST answer
   * @param timeoutMs - give up after
   */
  async wait(
    response: TestResponse,
    timeoutMs = 60_000,
  ): Promise<V2OperationStatus | TestResponse> {
    const deadline = Date.now() + timeoutMs;
    const asyncUrl = response.headers.get("azure-asyncoperation");
    const location = response.headers.get("location");
    for (;;) {
      if (asyncUrl) {
        const status = await this.call<V2OperationStatus>("GET", asyncUrl);
        if (status.status !== 200)
          throw new Error(`operation status: ${status.status} ${status.text}`);
        if (status.body.status !== "InProgress") return status.body;
      } else if (location) {
        const result = await this.call("GET", location);
        if (result.status !== 202) return result;
      } else {
        return response;
      }
      if (Date.now() > deadline) throw new Error(`operation still running after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * PUTs and waits for the operation; throws unless both succeed. Returns the resource.
   * @param resourcePath - the resource
   * @param body - its body
   */
  async putAndWait<P = Record<string, unknown>>(
    resourcePath: string,
    body: unknown,
  ): Promise<V2Resource<P>> {
    const put = await this.call("PUT", resourcePath, body);
    if (put.status !== 200 && put.status !== 201)
      throw new Error(`PUT ${resourcePath}: ${put.status} ${put.text}`);
    const done = await this.wait(put);
    if ("status" in done && typeof done.status === "string" && done.status !== "Succeeded")
      throw new Error(
        `PUT ${resourcePath}: operation ${done.status} ${JSON.stringify((done as V2OperationStatus).error)}`,
      );
    const get = await this.call<V2Resource<P>>("GET", resourcePath);
    if (get.status !== 200) throw new Error(`GET ${resourcePath}: ${get.status} ${get.text}`);
    return get.body;
  }

  /**
   * Creates a workspace on Azurite's development account (default datastores included).
   * @param name - its name (unique by default)
   */
  async workspace(name = uniqueName("ws")): Promise<TestWorkspace> {
    const subscriptionId = "00000000-0000-0000-0000-0000000000a2";
    const resourceGroup = uniqueName("rg");
    const wsPath = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${name}`;
    await this.putAndWait(wsPath, { location: "westeurope", properties: { friendlyName: name } });
    const store = await this.call<V2Resource<{ containerName: string }>>(
      "GET",
      `${wsPath}/datastores/workspaceblobstore`,
    );
    if (store.status !== 200) throw new Error(`default datastore: ${store.status} ${store.text}`);
    return {
      subscriptionId,
      resourceGroup,
      name,
      path: wsPath,
      container: store.body.properties.containerName,
    };
  }

  /**
   * Uploads a local folder to the workspace's default datastore and registers it as a code
   * version. Returns the version's ARM id.
   * @param ws - the workspace
   * @param folder - local folder
   * @param name - code asset name
   * @param version - its version
   */
  async code(ws: TestWorkspace, folder: string, name: string, version = "1"): Promise<string> {
    const prefix = `LocalUpload/${uniqueName("code")}/src`;
    await uploadFolder(ws.container, prefix, folder);
    const id = `${ws.path}/codes/${name}/versions/${version}`;
    const put = await this.call("PUT", id, {
      properties: { codeUri: `azureml://datastores/workspaceblobstore/paths/${prefix}` },
    });
    if (put.status !== 201 && put.status !== 200)
      throw new Error(`code: ${put.status} ${put.text}`);
    return id;
  }

  /**
   * Registers an environment version (recorded only). Returns its ARM id.
   * @param ws - the workspace
   * @param name - environment name
   */
  async environment(ws: TestWorkspace, name = "sklearn"): Promise<string> {
    const id = `${ws.path}/environments/${name}/versions/1`;
    const put = await this.call("PUT", id, {
      properties: {
        image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04",
        condaFile: "dependencies: [scikit-learn=1.2.1]",
      },
    });
    if (put.status !== 201 && put.status !== 200)
      throw new Error(`environment: ${put.status} ${put.text}`);
    return id;
  }
}

/**
 * Uploads every file under a local folder to `container/prefix/…` in the run's Azurite.
 * @param container - the container (created when missing)
 * @param prefix - blob prefix
 * @param folder - local folder
 */
export async function uploadFolder(
  container: string,
  prefix: string,
  folder: string,
): Promise<number> {
  const client =
    BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(container);
  await client.createIfNotExists();
  let count = 0;
  const walk = async (dir: string, relative: string): Promise<void> => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      const name = relative ? `${relative}/${entry}` : entry;
      if (statSync(full).isDirectory()) await walk(full, name);
      else if (!entry.endsWith(".pyc")) {
        await client.getBlockBlobClient(`${prefix}/${name}`).uploadFile(full);
        count++;
      }
    }
  };
  await walk(folder, "");
  return count;
}

/**
 * Uploads one file to `container/blob`.
 * @param container - the container (created when missing)
 * @param blob - the blob name
 * @param content - bytes or a local file path (when `fromFile`)
 */
export async function uploadBlob(
  container: string,
  blob: string,
  content: string | Buffer,
): Promise<void> {
  const client =
    BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(container);
  await client.createIfNotExists();
  await client
    .getBlockBlobClient(blob)
    .uploadData(typeof content === "string" ? Buffer.from(content) : content);
}

/**
 * Downloads `container/blob` as text.
 * @param container - the container
 * @param blob - the blob name
 */
export async function downloadText(container: string, blob: string): Promise<string> {
  const client =
    BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(container);
  return (await client.getBlockBlobClient(blob).downloadToBuffer()).toString("utf8");
}

/**
 * Writes a small scoring script (pure Python, starts fast) into a fresh folder: `init()` reads
 * `label.txt` from the model folder; `run` answers `{"model": <label>, "echo": <data>}`, sleeps
 * `sleep` seconds, raises on `fail`, or answers an AMLResponse with `status`.
 */
export function echoScoringFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), "score-echo-"));
  writeFileSync(
    path.join(folder, "score.py"),
    [
      "import json, os, time",
      "from azureml.contrib.services.aml_response import AMLResponse",
      "label = None",
      "def init():",
      "    global label",
      "    for folder, _d, files in os.walk(os.environ['AZUREML_MODEL_DIR']):",
      "        if 'label.txt' in files:",
      "            label = open(os.path.join(folder, 'label.txt')).read().strip()",
      "    if label == 'crash':",
      "        raise RuntimeError('init refuses the crash model')",
      "    print('echo model ' + str(label), flush=True)",
      "def run(raw_data):",
      "    data = json.loads(raw_data)",
      "    print('run ' + str(label), flush=True)",
      "    if data.get('sleep'):",
      "        time.sleep(float(data['sleep']))",
      "    if data.get('fail'):",
      "        raise ValueError('asked to fail')",
      "    if data.get('status'):",
      "        return AMLResponse({'refused': True}, int(data['status']))",
      "    return {'model': label, 'echo': data.get('data')}",
      "",
    ].join("\n"),
  );
  return folder;
}
