/**
 * What the v2 retrain provider does against the workspace: reuse a registered model version (a
 * rollback, or a re-check after a refused gate) or run the training job; read its metrics; gate
 * the candidate against the deployment that serves now, scored through the endpoint on a sample
 * of the new data; register the version.
 *
 * Progress lines name jobs, states and metric values only: never a key, token or SAS.
 */
import { isNamedError, namedError, type NamedError } from "../../clients/errors";
import { blobService, downloadText } from "../../clients/storage";
import { ScoringClient, type MlClient } from "../../clients/v2";
import { sleep } from "../../clients/sleep";
import type {
  CommandJobProperties,
  EndpointKeys,
  ModelVersionProperties,
  OnlineEndpointProperties,
  V2Resource,
} from "../../contract/v2";
import { computeMetric, sampleCsv } from "../retrain/champion";
import { resolveDataPath } from "../retrain/dataFile";
import { evaluateGate } from "../retrain/gate";
import { mlClient } from "../shared/mlTarget";
import {
  jobBody,
  jobName,
  metricsOf,
  modelIdOf,
  modelProperties,
  outputBlobPath,
  outputUri,
  trainingKey,
} from "./logic";
import type { GateServing, MlTrainedModelInputs, MlTrainedModelOutputs } from "./types";

/** A progress sink. */
export type Log = (line: string) => void;

type Job = V2Resource<CommandJobProperties>;
type ModelVersion = V2Resource<ModelVersionProperties>;

/** The gate refused the candidate: the registered version is tagged `rejected`, nothing served changes. */
export function gateRejectedError(
  version: string,
  summary: string,
  job?: string,
): NamedError<{ version: string; summary: string }> {
  return namedError(
    "GateRejectedError",
    `model ${version} failed the promotion gate: ${summary}. The served model is unchanged` +
      (job
        ? ` (trained by job ${job}; its metrics are registered, so the next up re-checks without training)`
        : ""),
    { version, summary },
  );
}

/** The training job failed, was cancelled, or timed out. */
export function trainingJobError(
  job: string,
  state: string,
  details: string,
): NamedError<{ job: string; state: string }> {
  return namedError(
    "TrainingJobError",
    `job ${job} ended ${state}: ${details}. The served model is unchanged; the next up submits the job again under a new name`,
    { job, state },
  );
}

const TERMINAL = ["Completed", "Failed", "Canceled", "NotResponding", "Paused"];

/** The last lines of a job's log, from the artifact store (what Azure keeps too). */
async function logTail(inputs: MlTrainedModelInputs, job: string, lines = 12): Promise<string> {
  try {
    const container = blobService(inputs.datastore.connectionString).getContainerClient(
      inputs.datastore.artifactContainer,
    );
    const text = await downloadText(
      container.getBlobClient(`ExperimentRun/dcid.${job}/user_logs/std_log.txt`),
    );
    return text.trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(its log could not be read)";
  }
}

/**
 * The live deployment's value of the gate metric on a sample of the new data, scored through
 * the endpoint (`azureml-model-deployment` names it); undefined when nothing takes traffic.
 */
export async function servedMetric(
  client: MlClient,
  serving: GateServing,
  dataPath: string,
  metric: string,
  log: Log,
): Promise<number | undefined> {
  const path = `/onlineEndpoints/${serving.endpointName}`;
  const endpoint = await client.get<V2Resource<OnlineEndpointProperties>>(path);
  const live = Object.entries(endpoint?.properties.traffic ?? {})
    .filter(([, share]) => share > 0)
    .sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!endpoint?.properties.scoringUri || !live) {
    log("nothing is served yet: the gate checks the absolute threshold only");
    return undefined;
  }
  const keys = await client.post<EndpointKeys>(`${path}/listKeys`);
  const scoring = new ScoringClient(endpoint.properties.scoringUri, keys.primaryKey);
  const { header, rows } = await sampleCsv(resolveDataPath(dataPath));
  const label = header.indexOf(serving.labelColumn);
  const columns = serving.inputColumns.map((c) => [c, header.indexOf(c)] as const);
  if (label < 0 || columns.some(([, i]) => i < 0)) return undefined;
  const truths: string[] = [];
  const predictions: string[] = [];
  const probabilities: number[] = [];
  const labelled = rows.filter((r) => (r[label] ?? "").trim() !== "");
  for (let start = 0; start < labelled.length; start += 500) {
    const batch = labelled.slice(start, start + 500);
    const answer = await scoring.score<{ predictions?: unknown[]; probabilities?: unknown[] }>(
      {
        data: batch.map((r) =>
          Object.fromEntries(columns.map(([c, i]) => [c, r[i] === "" ? null : r[i]])),
        ),
      },
      live,
    );
    const { predictions: p, probabilities: q } = answer.body ?? {};
    if (
      !Array.isArray(p) ||
      !Array.isArray(q) ||
      p.length !== batch.length ||
      q.length !== batch.length
    )
      throw new Error(
        `deployment ${live} did not answer {"predictions": [...], "probabilities": [...]} for ${batch.length} rows: the gate cannot compare`,
      );
    batch.forEach((r, i) => {
      truths.push(r[label].trim());
      predictions.push(String(p[i]));
      probabilities.push(Number(q[i]));
    });
  }
  const value = computeMetric(metric, truths, predictions, probabilities);
  if (value === undefined || !Number.isFinite(value)) return undefined;
  log(
    `deployment ${live} scored ${truths.length} rows of the new data through the endpoint: ${metric} ${value.toFixed(4)}`,
  );
  return value;
}

/** Follows a job until it ends or the deadline passes (then cancels it). */
async function waitForJob(
  client: MlClient,
  name: string,
  deadline: number,
  log: Log,
): Promise<Job> {
  const started = Date.now();
  let last: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const job = await client.get<Job>(`/jobs/${name}`);
    if (!job)
      throw trainingJobError(name, "in an unknown state", "it disappeared from the workspace");
    const status = job.properties.status ?? "Unknown";
    if (status !== last) {
      last = status;
      log(`job ${name}: ${status} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    if (TERMINAL.includes(status)) return job;
    if (Date.now() >= deadline) {
      log(`job ${name}: deadline reached, cancelling it`);
      await client.actAndWait("POST", `/jobs/${name}/cancel`);
      throw trainingJobError(name, "Canceled (deadline)", "it did not finish before the deadline");
    }
    await sleep(Math.min(attempt < 10 ? 250 : 2000, Math.max(50, deadline - Date.now())));
  }
}

/**
 * The job of this training key to follow: the first attempt's name, or the first after failed
 * ones. A completed job (an up that died before registering) or a running one is followed, not
 * submitted again.
 */
async function jobToFollow(
  client: MlClient,
  inputs: MlTrainedModelInputs,
  key: string,
  log: Log,
): Promise<{ name: string; submitted: boolean }> {
  for (let attempt = 1; attempt <= 20; attempt++) {
    const name = jobName(inputs.modelName, inputs.version, key, attempt);
    const job = await client.get<Job>(`/jobs/${name}`);
    if (!job) {
      await client.put(`/jobs/${name}`, jobBody(inputs, key, name));
      log(`submitted job ${name} to train model ${inputs.modelName}:${inputs.version}`);
      return { name, submitted: true };
    }
    const status = job.properties.status ?? "Unknown";
    if (status === "Failed" || status === "Canceled") {
      log(`job ${name} ended ${status} before: submitting the training again under a new name`);
      continue;
    }
    log(`job ${name} is ${status} from an earlier up: following it`);
    return { name, submitted: false };
  }
  throw new Error(
    `20 training jobs of model ${inputs.version} failed: fix the cause before running up again`,
  );
}

/** Reads metrics.json from the job's metrics output. */
async function readMetrics(
  inputs: MlTrainedModelInputs,
  job: string,
): Promise<Record<string, number>> {
  const container = blobService(inputs.datastore.connectionString).getContainerClient(
    inputs.datastore.container,
  );
  const blob = `${outputBlobPath(inputs.modelName, inputs.version, job, "metrics")}/metrics.json`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await downloadText(container.getBlobClient(blob)));
  } catch (e) {
    throw trainingJobError(
      job,
      "Completed",
      `its metrics output has no readable metrics.json (${(e as Error).message})`,
    );
  }
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries((parsed ?? {}) as Record<string, unknown>))
    if (typeof v === "number" && Number.isFinite(v)) metrics[k] = v;
  if (Object.keys(metrics).length === 0)
    throw trainingJobError(
      job,
      "Completed",
      'metrics.json holds no numbers: the script must write {"AUC": 0.8, ...}',
    );
  return metrics;
}

/**
 * Produces the declared model: the registered version when it exists (a rollback: no job), else
 * a training job; gates it; registers it. Throws `GateRejectedError` or `TrainingJobError` with
 * nothing served changed.
 */
export async function trainOrReuse(
  inputs: MlTrainedModelInputs,
  log: Log,
): Promise<MlTrainedModelOutputs> {
  const client = mlClient(inputs.target);
  const key = trainingKey(inputs);
  const versionPath = `/models/${inputs.modelName}/versions/${inputs.version}`;
  const existing = await client.get<ModelVersion>(versionPath);
  const champion = (): Promise<Record<string, number> | undefined> =>
    inputs.serving && inputs.gate.maxRegression !== undefined
      ? servedMetric(client, inputs.serving, inputs.data.path, inputs.gate.metric, log).then((v) =>
          v === undefined ? undefined : { [inputs.gate.metric]: v },
        )
      : Promise.resolve(undefined);

  if (existing) {
    const registeredKey = existing.properties.properties?.["azureml-retrain.trainingKey"];
    if (registeredKey !== key)
      throw new Error(
        `model ${inputs.modelName} version ${inputs.version} is already registered from other data, code or parameters ` +
          `(training key ${registeredKey ?? "none"}, declared ${key}): versions are immutable, declare a new version`,
      );
    const metrics = metricsOf(existing.properties.properties);
    const passedBefore = existing.properties.tags?.gate === "passed";
    // A version that passed before (a rollback) is not compared again: it was chosen on purpose.
    const verdict = evaluateGate(
      inputs.gate,
      metrics,
      passedBefore ? undefined : await champion(),
      { skipRegression: passedBefore },
    );
    log(
      `model ${inputs.modelName}:${inputs.version} is registered (job ${existing.properties.jobName}): reusing it, no training. Gate: ${verdict.summary}`,
    );
    if (!verdict.passed) throw gateRejectedError(inputs.version, verdict.summary);
    if (!passedBefore)
      await client.put(versionPath, {
        properties: {
          ...existing.properties,
          tags: {
            ...(existing.properties.tags ?? {}),
            gate: "passed",
            gateSummary: verdict.summary,
          },
        },
      });
    return {
      ...inputs,
      trainingKey: key,
      modelId: modelIdOf(inputs.target, inputs.modelName, inputs.version),
      modelUri: existing.properties.modelUri,
      metrics,
      jobName: existing.properties.jobName ?? "",
      reused: true,
      trainedAt: existing.systemData?.createdAt ?? new Date().toISOString(),
      gateSummary: verdict.summary,
    };
  }

  const { name } = await jobToFollow(client, inputs, key, log);
  // The served model's score on the new data does not depend on the job: measured meanwhile.
  const championRun = champion().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  const job = await waitForJob(client, name, Date.now() + inputs.deadlineMinutes * 60_000, log);
  const status = job.properties.status ?? "Unknown";
  if (status !== "Completed")
    throw trainingJobError(name, status, `its log ends:\n${await logTail(inputs, name)}`);
  const metrics = await readMetrics(inputs, name);
  const served = await championRun;
  if ("error" in served) throw served.error;
  const verdict = evaluateGate(inputs.gate, metrics, served.value);
  log(
    `gate ${verdict.passed ? "PASSED" : "FAILED"} for model ${inputs.version}: ${verdict.summary}`,
  );
  const modelUri = outputUri(inputs.datastore, inputs.modelName, inputs.version, name, "model");
  // Registered either way: a refused candidate keeps its metrics, so a changed gate re-checks it
  // without training; the tag says which it is.
  await client.put<ModelVersion>(versionPath, {
    properties: {
      modelUri,
      modelType: "custom_model",
      jobName: name,
      description: `${inputs.modelName} ${inputs.version}, trained by job ${name}`,
      properties: modelProperties(key, inputs.data.sha256, metrics),
      tags: { gate: verdict.passed ? "passed" : "rejected", gateSummary: verdict.summary },
    },
  });
  log(`registered model ${inputs.modelName}:${inputs.version}`);
  if (!verdict.passed) throw gateRejectedError(inputs.version, verdict.summary, name);
  return {
    ...inputs,
    trainingKey: key,
    modelId: modelIdOf(inputs.target, inputs.modelName, inputs.version),
    modelUri,
    metrics,
    jobName: name,
    reused: false,
    trainedAt: new Date().toISOString(),
    gateSummary: verdict.summary,
  };
}

/** True when a deployment of the serving endpoint serves this model version. */
export async function isDeployed(inputs: MlTrainedModelOutputs): Promise<boolean> {
  if (!inputs.serving) return false;
  const client = mlClient(inputs.target);
  try {
    const deployments = await client.list<V2Resource<{ model?: string }>>(
      `/onlineEndpoints/${inputs.serving.endpointName}/deployments`,
    );
    return deployments.some(
      (d) => (d.properties.model ?? "").toLowerCase() === inputs.modelId.toLowerCase(),
    );
  } catch (e) {
    if (isNamedError(e, "ServiceError") && (e as { status?: number }).status === 404) return false;
    throw e;
  }
}
