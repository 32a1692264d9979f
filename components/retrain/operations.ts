/**
 * What the retrain provider does against storage and the services: upload the data, reuse or
 * train a model through BES, evaluate and gate it, and find out what a service serves now.
 *
 * Progress goes to `console.log` (the engine forwards a provider's stdout to the CLI); every line
 * is built from names, sizes, states and metric values only: never a key, token or SAS.
 */
import type * as storageBlob from "@azure/storage-blob";
import { ArmWebServicesClient, reportedModelUri } from "../../clients/arm";
import { BesClient } from "../../clients/bes";
import { ClassicManagementClient, endpointModelUri } from "../../clients/classic";
import { isNamedError, namedError, type NamedError } from "../../clients/errors";
import { credentialFor } from "../../clients/http";
import { redactingErrors } from "../../clients/redact";
import {
  blobFromUrl,
  blobService,
  downloadText,
  mintReadSas,
  parseConnectionString,
  SHA256_METADATA,
  splitRelativeLocation,
} from "../../clients/storage";
import { uploadFileSurvivingLostBlocks } from "../../clients/uploadRetry";
import type { AzureBlobDataReference } from "../../contract";
import { servedMetricOnData } from "./champion";
import { isBlobUrl, resolveDataPath } from "./dataFile";
import {
  dataBlobName,
  locationOf,
  modelBlobNames,
  modelKey,
  trainedModelId,
  transformLocations,
} from "./logic";
import { evaluateGate } from "./gate";
import { parseEvaluationCsv } from "./metrics";
import type {
  ServingTarget,
  StoredModelRecord,
  TrainedModelInputs,
  TrainedModelOutputs,
} from "./types";

/** A progress sink: one line per call. */
export type Log = (line: string) => void;

/** The gate rejected the model: nothing was promoted. */
export function gateRejectedError(
  version: string,
  summary: string,
  jobId?: string,
): NamedError<{ version: string; summary: string }> {
  return namedError(
    "GateRejectedError",
    `model ${version} failed the promotion gate: ${summary}. The served model is unchanged` +
      (jobId
        ? ` (trained by BES job ${jobId}; its metrics are stored, so the next up re-checks without training)`
        : ""),
    { version, summary },
  );
}

/** The BES job failed, was cancelled, timed out, or could not be followed. */
export function trainingJobError(
  jobId: string,
  state: string,
  details: string,
): NamedError<{ jobId: string; state: string }> {
  return namedError(
    "TrainingJobError",
    `BES job ${jobId} ended ${state}: ${details}. The served model is unchanged; fix the cause and run up again`,
    { jobId, state },
  );
}

const mib = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(1);

/**
 * Makes the data available to BES: uploads a local file content-addressed (skipped when already
 * stored), or references a blob URL in the model storage account. Returns the BES input reference.
 */
export async function stageData(
  inputs: TrainedModelInputs,
  sha256: string,
  log: Log,
): Promise<AzureBlobDataReference> {
  const { connectionString, dataContainer } = inputs.store;
  const connection = parseConnectionString(connectionString);
  if (isBlobUrl(inputs.data)) {
    const url = new URL(inputs.data);
    const prefix = `${connection.blobEndpoint}/`;
    const plain = `${url.origin}${url.pathname}`;
    if (!plain.startsWith(prefix)) {
      // A blob elsewhere must carry its own read SAS: BES reads it with that.
      if (!url.search.includes("sig=")) {
        throw new Error(
          `data ${plain} is not in the model storage account and has no SAS: add a read SAS to the URL or copy the blob`,
        );
      }
      return {
        BaseLocation: `${url.origin}/`,
        RelativeLocation: url.pathname.replace(/^\/+/, ""),
        SasBlobToken: url.search,
      };
    }
    return {
      ConnectionString: connectionString,
      RelativeLocation: decodeURIComponent(plain.slice(prefix.length)),
    };
  }
  const file = resolveDataPath(inputs.data);
  const container = blobService(connectionString).getContainerClient(dataContainer);
  await container.createIfNotExists();
  const blob = container.getBlockBlobClient(dataBlobName(sha256));
  const result = await uploadFileSurvivingLostBlocks(
    blob,
    file,
    {
      expectedSha256: sha256,
      onProgress: (p) =>
        log(
          `uploading ${inputs.data}: ${mib(p.bytes)}/${mib(p.totalBytes)} MiB (${(p.bytes / (1024 * 1024) / Math.max(p.elapsedMs / 1000, 0.001)).toFixed(0)} MiB/s)`,
        ),
    },
    (reason) => log(`uploading ${inputs.data} again: ${reason}`),
  );
  log(
    result.uploaded
      ? `uploaded ${inputs.data} (${mib(result.bytes)} MiB) as ${dataContainer}/${dataBlobName(sha256)}`
      : `data already stored as ${dataContainer}/${dataBlobName(sha256)} (${mib(result.bytes)} MiB): upload skipped`,
  );
  return {
    ConnectionString: connectionString,
    RelativeLocation: `${dataContainer}/${dataBlobName(sha256)}`,
  };
}

/** Reads the record stored beside a model, or undefined when there is none. */
async function readRecord(
  container: storageBlob.ContainerClient,
  name: string,
): Promise<StoredModelRecord | undefined> {
  try {
    return JSON.parse(await downloadText(container.getBlobClient(name))) as StoredModelRecord;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}

async function writeRecord(
  container: storageBlob.ContainerClient,
  name: string,
  record: StoredModelRecord,
): Promise<void> {
  const body = JSON.stringify(record, null, 2);
  await container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
    blobHTTPHeaders: { blobContentType: "application/json" },
  });
}

async function exists(blob: storageBlob.BlobClient): Promise<boolean> {
  try {
    await blob.getProperties();
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw e;
  }
}

/** The URI of the model the serving target serves now (no query), or undefined if it serves none. */
export async function servedModelUri(
  serving: ServingTarget,
  token: string | undefined,
): Promise<string | undefined> {
  if (serving.kind === "arm") {
    const service = await new ArmWebServicesClient(credentialFor(token)).get(serving);
    return service ? reportedModelUri(service, serving.assetName) : undefined;
  }
  if (!token) throw new Error("the classic serving target needs a token");
  const endpoint = await new ClassicManagementClient(token).getEndpoint(
    serving,
    serving.endpointName,
  );
  return endpoint ? endpointModelUri(endpoint, serving.resourceName) : undefined;
}

/**
 * The served model's value of the gate metric, for the regression check: measured on a sample of
 * the new data through the serving target when it can be (see champion.ts for why), else the
 * metrics stored beside the served model when it is one of ours. Undefined when nothing is served.
 */
async function servedMetrics(
  inputs: TrainedModelInputs,
  log: Log,
): Promise<Record<string, number> | undefined> {
  if (!inputs.serving || inputs.gate.maxRegression === undefined) return undefined;
  const uri = await servedModelUri(inputs.serving, inputs.servingToken);
  if (!uri) {
    log("nothing is served yet: the gate checks the absolute threshold only");
    return undefined;
  }
  if (!isBlobUrl(inputs.data)) {
    const measured = await servedMetricOnData(
      inputs.serving,
      inputs.servingToken,
      resolveDataPath(inputs.data),
      inputs.gate.metric,
    );
    if (measured) {
      log(
        `served model scored ${measured.rows} rows of the new data: ${inputs.gate.metric} ${measured.value.toFixed(4)}`,
      );
      return { [inputs.gate.metric]: measured.value };
    }
  }
  const connection = parseConnectionString(inputs.store.connectionString);
  const prefix = `${connection.blobEndpoint}/${inputs.store.modelContainer}/`;
  if (!uri.startsWith(prefix) || !uri.endsWith(".ilearner")) {
    log("the served model was not trained by this stack: no metrics to compare with");
    return undefined;
  }
  const recordName = `${decodeURIComponent(uri.slice(prefix.length)).replace(/\.ilearner$/, "")}.metrics.json`;
  const record = await readRecord(
    blobService(inputs.store.connectionString).getContainerClient(inputs.store.modelContainer),
    recordName,
  );
  if (record) log("comparing with the served model's stored metrics (measured on its own data)");
  return record?.metrics;
}

/** A promise's outcome, so one started early never rejects unobserved while other work runs. */
type Settled<T> = { value: T } | { error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/**
 * Produces the model the inputs declare: reuses a stored one (a rollback, or a re-run after a
 * gate rejection) or trains it with BES; evaluates and gates it; returns the outputs. Throws
 * a `GateRejectedError` or a `TrainingJobError` with nothing promoted.
 */
export async function trainOrReuse(
  inputs: TrainedModelInputs & { dataSha256: string },
  log: Log,
): Promise<TrainedModelOutputs> {
  return redactingErrors(
    [inputs.store.connectionString, inputs.training.apiKey, inputs.servingToken],
    () => trainOrReuseUnsafe(inputs, log),
  );
}

async function trainOrReuseUnsafe(
  inputs: TrainedModelInputs & { dataSha256: string },
  log: Log,
): Promise<TrainedModelOutputs> {
  const { version, dataSha256, parameters, gate, store } = inputs;
  const connection = parseConnectionString(store.connectionString);
  const key = modelKey(version, dataSha256, parameters);
  const names = modelBlobNames(version, key);
  const models = blobService(store.connectionString).getContainerClient(store.modelContainer);
  await models.createIfNotExists();
  const model = locationOf(connection.blobEndpoint, store.modelContainer, names.model);
  const transformOutputs = inputs.training.transformOutputs ?? [];
  // The transformations trained with the model: a predictive graph applies them with it.
  const transformed = transformLocations(
    connection.blobEndpoint,
    store.modelContainer,
    version,
    key,
    transformOutputs,
  );
  const transforms = transformed ? { transforms: transformed } : {};
  const stored = await readRecord(models, names.record);
  const storedPair =
    stored !== undefined &&
    (await exists(models.getBlobClient(names.model))) &&
    // A model stored without one of its transformations cannot be served as a pair: train again.
    (
      await Promise.all(
        transformOutputs.map((o) => exists(models.getBlobClient(names.transform(o)))),
      )
    ).every(Boolean);
  if (stored && storedPair) {
    // A model that passed before (a rollback) is not compared again: it was chosen on purpose.
    const served = stored.gatePassedAt ? undefined : await servedMetrics(inputs, log);
    const verdict = evaluateGate(gate, stored.metrics, served, {
      skipRegression: Boolean(stored.gatePassedAt),
    });
    log(
      `model ${version} (${key}) was trained before by job ${stored.jobId}: reusing it, no training. Gate: ${verdict.summary}`,
    );
    if (!verdict.passed) throw gateRejectedError(version, verdict.summary);
    const trainedAt = stored.trainedAt;
    if (!stored.gatePassedAt) {
      await writeRecord(models, names.record, {
        ...stored,
        gatePassedAt: new Date().toISOString(),
        gateSummary: verdict.summary,
      });
    }
    const scoresKept =
      inputs.training.scoresOutput !== undefined &&
      (await exists(models.getBlobClient(names.scores)));
    return {
      ...inputs,
      modelKey: key,
      status: "ready",
      model,
      ...(scoresKept
        ? { heldOutScores: { relativeLocation: `${store.modelContainer}/${names.scores}` } }
        : {}),
      ...transforms,
      modelSasToken: mintReadSas(connection, store.modelContainer, names.model, 24 * 60),
      metrics: stored.metrics,
      jobId: stored.jobId,
      reused: true,
      trainedAt,
      gateSummary: verdict.summary,
    };
  }

  const dataRef = await stageData(inputs, dataSha256, log);
  const { training } = inputs;
  const bes = new BesClient(training.executionUrl, training.apiKey, {
    onRetry: (reason, attempt, wait) =>
      log(`BES call retry ${attempt} after ${reason} (waiting ${(wait / 1000).toFixed(1)} s)`),
  });
  const jobId = await bes.submit({
    Inputs: { [training.inputPort]: dataRef },
    Outputs: {
      [training.modelOutput]: {
        ConnectionString: store.connectionString,
        RelativeLocation: `${store.modelContainer}/${names.model}`,
      },
      [training.evaluationOutput]: {
        ConnectionString: store.connectionString,
        RelativeLocation: `${store.modelContainer}/${names.evaluation}`,
      },
      // The candidate's own scores of its held-out rows, for a staged rollout's checks.
      ...(training.scoresOutput !== undefined
        ? {
            [training.scoresOutput]: {
              ConnectionString: store.connectionString,
              RelativeLocation: `${store.modelContainer}/${names.scores}`,
            },
          }
        : {}),
      // Saved transformations the model was trained behind go beside it, as a pair.
      ...Object.fromEntries(
        (training.transformOutputs ?? []).map((output) => [
          output,
          {
            ConnectionString: store.connectionString,
            RelativeLocation: `${store.modelContainer}/${names.transform(output)}`,
          },
        ]),
      ),
    },
    GlobalParameters: { ...parameters },
  });
  log(`submitted BES job ${jobId} to train model ${version} (${key})`);
  const deadline = Date.now() + inputs.deadlineMinutes * 60_000;
  let status;
  let champion: Promise<Settled<Record<string, number> | undefined>> | undefined;
  try {
    await bes.start(jobId);
    // The served model's score on the new data does not depend on the job: measured while the
    // job runs, it costs nothing (after the job it was ~0.7 s of a 2 s job: bench item 4).
    champion = settle(servedMetrics(inputs, log));
    status = await bes.waitForCompletion(jobId, {
      deadline,
      onStateChange: (state, elapsed) =>
        log(`BES job ${jobId}: ${state} after ${(elapsed / 1000).toFixed(1)} s`),
    });
  } catch (e) {
    if (isNamedError(e, "JobTimeoutError")) {
      throw trainingJobError(jobId, "Cancelled (deadline)", e.message);
    }
    // Lost contact with the service (after the client's retries): the job id is what an
    // operator needs to look the job up, so it is in the message.
    throw trainingJobError(
      jobId,
      "in an unknown state",
      `its status could not be read: ${(e as Error).message}`,
    );
  }
  if (status.state !== "Finished") {
    throw trainingJobError(jobId, status.state, status.details ?? "no details");
  }
  const evaluationRef = status.results[training.evaluationOutput];
  const modelRef = status.results[training.modelOutput];
  if (!evaluationRef || !modelRef) {
    throw trainingJobError(
      jobId,
      "Finished",
      `the results lack output "${!modelRef ? training.modelOutput : training.evaluationOutput}"`,
    );
  }
  const missingTransform = transformOutputs.find((o) => !status.results[o]);
  if (missingTransform !== undefined) {
    throw trainingJobError(
      jobId,
      "Finished",
      `the results lack output "${missingTransform}" (a saved transformation the model needs)`,
    );
  }
  // Read the evaluation through the SAS the job returned, as a consumer of BES would.
  const evaluationUrl = `${evaluationRef.BaseLocation ?? ""}${evaluationRef.RelativeLocation ?? ""}${evaluationRef.SasBlobToken ?? ""}`;
  const metrics = parseEvaluationCsv(await downloadText(blobFromUrl(evaluationUrl)));
  const served = await (champion ?? settle(servedMetrics(inputs, log)));
  if ("error" in served) throw served.error;
  const verdict = evaluateGate(gate, metrics, served.value);
  const trainedAt = new Date().toISOString();
  await writeRecord(models, names.record, {
    formatVersion: 1,
    version,
    dataSha256,
    parameters,
    metrics,
    jobId,
    trainedAt,
    ...(verdict.passed ? { gatePassedAt: trainedAt } : {}),
    gateSummary: verdict.summary,
  });
  log(`gate ${verdict.passed ? "PASSED" : "FAILED"} for model ${version}: ${verdict.summary}`);
  if (!verdict.passed) throw gateRejectedError(version, verdict.summary, jobId);
  // Record the data hash on the model blob too: it documents the lineage in the portal.
  await models
    .getBlobClient(names.model)
    .setMetadata({ [SHA256_METADATA + "data"]: dataSha256, version, jobid: jobId });
  return {
    ...inputs,
    modelKey: key,
    status: "ready",
    model,
    ...(training.scoresOutput !== undefined && status.results[training.scoresOutput]
      ? { heldOutScores: { relativeLocation: `${store.modelContainer}/${names.scores}` } }
      : {}),
    ...transforms,
    modelSasToken:
      modelRef.SasBlobToken ?? mintReadSas(connection, store.modelContainer, names.model, 24 * 60),
    metrics,
    jobId,
    reused: false,
    trainedAt,
    gateSummary: verdict.summary,
  };
}

/** The id a TrainedModel gets. */
export function idOf(outputs: Pick<TrainedModelOutputs, "version" | "modelKey">): string {
  return trainedModelId(outputs.version, outputs.modelKey);
}

/** Whether the model blob of these outputs still exists. */
export async function modelExists(outputs: TrainedModelOutputs): Promise<boolean> {
  if (!outputs.model) return false;
  const { container, blobName } = splitRelativeLocation(outputs.model.relativeLocation);
  return exists(
    blobService(outputs.store.connectionString)
      .getContainerClient(container)
      .getBlobClient(blobName),
  );
}

/** Deletes a model's blobs (model, evaluation, record); blobs already gone are fine. */
export async function deleteModelBlobs(outputs: TrainedModelOutputs): Promise<void> {
  const names = modelBlobNames(outputs.version, outputs.modelKey);
  const container = blobService(outputs.store.connectionString).getContainerClient(
    outputs.store.modelContainer,
  );
  const transforms = (outputs.training.transformOutputs ?? []).map((o) => names.transform(o));
  const scores = outputs.heldOutScores ? [names.scores] : [];
  for (const name of [names.model, names.evaluation, names.record, ...scores, ...transforms]) {
    await container.getBlobClient(name).deleteIfExists();
  }
}
