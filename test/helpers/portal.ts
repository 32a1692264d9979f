/**
 * The portal's test helpers: an emulator with the samples published (`scripts/samples.ts`, in a
 * container of the test's own), and a signed-in HTTP session of the portal API that sends what a
 * browser sends (the session cookie, a same-origin `Origin` on writes).
 */
import { BlobServiceClient } from "@azure/storage-blob";
import { expect } from "chai";
import type { WebServiceKeys } from "../../contract";
import { publishSamples, type SamplesSummary } from "../../scripts/samples";
import {
  Bes,
  armServicePath,
  executionBase,
  httpRequest,
  putArmService,
  startTestEmulator,
  type TestEmulator,
  type TestEmulatorOptions,
  type TestResponse,
} from "./emulator";
import { azuriteConnectionString, uniqueName } from "./env";
import { armDefinition, columnsByName, graphProperties } from "./graphs";

/** An emulator with the samples published. */
export interface SamplesEmulator {
  readonly emulator: TestEmulator;
  readonly samples: SamplesSummary;
  /** The container the samples' data and models are in. */
  readonly container: string;
}

/**
 * Starts an emulator and publishes the samples on it.
 * @param options - emulator options
 */
export async function startSamplesEmulator(
  options: TestEmulatorOptions = {},
): Promise<SamplesEmulator> {
  const emulator = await startTestEmulator(options);
  const container = uniqueName("samples");
  try {
    const samples = await publishSamples({
      emulatorUrl: emulator.url,
      armToken: emulator.credentials.armToken,
      workspaceToken: emulator.credentials.workspaceToken,
      connectionString: azuriteConnectionString(),
      container,
    });
    return { emulator, samples, container };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

/** A signed-in session of the portal API. */
export interface PortalClient {
  /** The session cookie (`name=value`). */
  readonly cookie: string;
  /** `GET /portal/api/{path}`, expecting 200, parsed. */
  get<T>(path: string): Promise<T>;
  /** A request with the session, as it is answered. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<TestResponse<T>>;
}

/**
 * Signs in with a one-time link, as a browser opening it does (the 303 sets the cookie).
 * @param emulator - the emulator
 */
export async function signIn(emulator: TestEmulator): Promise<PortalClient> {
  const link = emulator.server.portalLink();
  const response = await fetch(link, { redirect: "manual" });
  expect(response.status, "the one-time link signs in").to.equal(303);
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0];
  expect(cookie).to.match(/^azureml-portal-\d+=\S+$/);
  const request = <T>(method: string, path: string, body?: unknown) =>
    httpRequest<T>(
      method,
      `${emulator.url}${path.startsWith("/") ? path : `/portal/api/${path}`}`,
      {
        headers: { Cookie: cookie, ...(method === "GET" ? {} : { Origin: emulator.url }) },
        ...(body !== undefined ? { body } : {}),
      },
    );
  return {
    cookie,
    request,
    get: async <T>(path: string): Promise<T> => {
      const answer = await request<T>("GET", path);
      expect(answer.status, `GET ${path}: ${answer.text.slice(0, 300)}`).to.equal(200);
      return answer.body;
    },
  };
}

/** Three classes around three centres, with noise that makes some rows look like another class. */
export function threeClassCsv(rows: number): string {
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const centres: Record<string, [number, number]> = { a: [0, 0], b: [2, 0], c: [0, 2] };
  const lines = ["x,y,kind"];
  for (let i = 0; i < rows; i++) {
    const kind = "abc"[i % 3];
    const [cx, cy] = centres[kind];
    lines.push(
      `${(cx + (next() - 0.5) * 3).toFixed(3)},${(cy + (next() - 0.5) * 3).toFixed(3)},${kind}`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * Runs a training graph (model on `output1`, Evaluate Model's results on `output2`) as an ARM
 * service's BES job on {@link threeClassCsv}; resolves with the job's id once it finished.
 */
async function trainOnThreeClasses(
  emulator: TestEmulator,
  container: string,
  name: string,
  properties: ReturnType<typeof graphProperties>,
): Promise<string> {
  const path = armServicePath("00000000-0000-0000-0000-0000000000a1", "portal", name);
  const service = await putArmService(emulator, path, armDefinition(properties));
  const keys = (await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`)).body;
  const blobs =
    BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(container);
  const csv = threeClassCsv(300);
  await blobs.getBlockBlobClient(`${name}/data.csv`).upload(csv, Buffer.byteLength(csv));
  const ref = (blob: string) => ({
    ConnectionString: azuriteConnectionString(),
    RelativeLocation: `${container}/${name}/${blob}`,
  });
  const bes = new Bes(executionBase(service), keys.primary);
  const jobId = await bes.submitOk({
    Inputs: { input1: ref("data.csv") },
    Outputs: { output1: ref("model.ilearner"), output2: ref("evaluation.csv") },
  });
  expect((await bes.start(jobId)).status).to.equal(204);
  const status = await bes.waitDone(jobId);
  expect(status.StatusCode, status.Details ?? "").to.equal("Finished");
  return jobId;
}

/**
 * Trains a Multiclass Logistic Regression through an ARM training service and a BES job (split,
 * train, score, evaluate), on {@link threeClassCsv}; resolves with the job's id.
 * @param emulator - the emulator
 * @param container - a container of the run's Azurite for the data and outputs
 */
export function trainMulticlass(emulator: TestEmulator, container: string): Promise<string> {
  const properties = graphProperties(
    {
      in: { input: "input1" },
      split: {
        module: "Split Data",
        params: {
          "Splitting mode": "Split Rows",
          "Fraction of rows in the first output dataset": "0.7",
          "Randomized split": "True",
          "Random seed": "3",
          "Stratified split": "False",
        },
      },
      learner: { module: "Multiclass Logistic Regression" },
      train: { module: "Train Model", params: { "Label column": columnsByName("kind") } },
      score: { module: "Score Model" },
      evaluate: { module: "Evaluate Model" },
      model: { output: "output1" },
      results: { output: "output2" },
    },
    [
      "in: -> split:Dataset",
      "learner:Untrained model -> train:Untrained model",
      "split:Results dataset1 -> train:Dataset",
      "train:Trained model -> score:Trained model",
      "split:Results dataset2 -> score:Dataset",
      "score:Scored dataset -> evaluate:Scored dataset",
      "train:Trained model -> model:",
      "evaluate:Evaluation results -> results:",
    ],
    { inputs: { input1: { x: "Number", y: "Number", kind: "String" } } },
  );
  return trainOnThreeClasses(emulator, container, "multiclass", properties);
}

/**
 * K-Means (3 centroids) trained on x and y by Train Clustering Model, whose own results Evaluate
 * Model evaluates (no Score Model); the model on `output1`, the evaluation on `output2`.
 */
export function clusteringGraph(): ReturnType<typeof graphProperties> {
  return graphProperties(
    {
      in: { input: "input1" },
      learner: {
        module: "K-Means Clustering",
        params: {
          "Number of Centroids": "3",
          Initialization: "K-Means++",
          "Random number seed": "5",
        },
      },
      train: {
        module: "Train Clustering Model",
        params: { "Column Set": columnsByName("x", "y") },
      },
      evaluate: { module: "Evaluate Model" },
      model: { output: "output1" },
      results: { output: "output2" },
    },
    [
      "in: -> train:Dataset",
      "learner:Untrained model -> train:Untrained model",
      "train:Results dataset -> evaluate:Scored dataset",
      "train:Trained model -> model:",
      "evaluate:Evaluation results -> results:",
    ],
    { inputs: { input1: { x: "Number", y: "Number", kind: "String" } } },
  );
}

/**
 * Trains {@link clusteringGraph} on {@link threeClassCsv}; resolves with the job's id.
 * @param emulator - the emulator
 * @param container - a container of the run's Azurite for the data and outputs
 */
export function trainClustering(emulator: TestEmulator, container: string): Promise<string> {
  return trainOnThreeClasses(emulator, container, "clustering", clusteringGraph());
}
