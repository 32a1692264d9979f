/**
 * The evaluation before merge: on Azurite and the project's emulator (started here on free
 * loopback ports), train the model the branch declares and the one the base declares, score both
 * on the same held-out rows of the candidate's data, apply the stack's promotion gate the way `up`
 * will, and write the report.
 *
 * Everything that decides the verdict is the retrain operation itself (`trainOrReuse`, the code
 * `up` runs in the TrainedModel provider): both sides are first trained and stored by it with a
 * gate that only asks for the metric, then the candidate is gated by it again, against a
 * predictive service that serves the base's model, exactly as `up` gates a new model against the
 * one served. The second call finds the candidate stored and takes the operation's reuse path,
 * which computes the same verdict from the same metrics (the stored record is written without the
 * "passed before" mark that would skip the regression check for a rollback).
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ArmWebServicesClient, executionBaseFromSwagger, type ArmServiceRef } from "../clients/arm";
import { AZURITE_ACCOUNT, AZURITE_KEY } from "../clients/azurite";
import { BesClient } from "../clients/bes";
import { isNamedError } from "../clients/errors";
import { credentialFor } from "../clients/http";
import { RrsClient } from "../clients/rrs";
import { blobFromUrl, blobService, downloadText } from "../clients/storage";
import {
  trainedModelAssetName,
  trainingShape,
  type LoadedDefinition,
} from "../components/definition";
import { sha256File } from "../components/retrain/dataFile";
import { modelBlobNames, modelKey } from "../components/retrain/logic";
import type { GateSpec, GateVerdict } from "../components/retrain/gate";
import { trainOrReuse, type Log } from "../components/retrain/operations";
import type {
  ServingTarget,
  StoredModelRecord,
  TrainedModelInputs,
} from "../components/retrain/types";
import { serviceBody } from "../components/webService/logic";
import type { RrsTable, WebServiceProperties } from "../contract";
import type { EmulatorHandle } from "../emulator/startEmulator";
import type { AzuriteHandle } from "../scripts/azurite";
import { sideKey, type CachedResult } from "./cache";
import type { ScoredRows } from "./curves";
import { readDeclaration, readStackConfig, type Declaration } from "./declaration";
import {
  BATCH_ROWS,
  CACHE_KEEP,
  candidateRows,
  RESOURCE_GROUP,
  SUBSCRIPTION,
  writeReport,
  type EvaluateOptions,
  type EvaluationResult,
} from "./output";
import { openCache, startServers, stopwatch } from "./setup";
import { evaluateV2 } from "./v2";
import { compareData, parseTable } from "./profile";
import { buildReport, type SideSummary } from "./report";
import { SCORED_OUTPUT, withScoredOutput } from "./scoredOutput";

const WORKSPACE_ID = "e7a1000000000000000000000000e7a1";

/** A side being evaluated. */
interface Side {
  readonly role: "candidate" | "served";
  readonly declaration: Declaration;
  readonly dataSha256: string;
  /** The training definition as deployed (with the scored-rows output). */
  readonly properties: WebServiceProperties;
  readonly cacheKey: string;
  readonly modelKey: string;
}

/** A deployed training service: what a TrainedModel's `training` input holds. */
type TrainingTarget = TrainedModelInputs["training"];

/** The label column: the one training column the predictive service does not take (as `index.ts` finds it). */
function labelColumn(declaration: Declaration): string {
  const labels = declaration.training.inputColumns.filter(
    (c) => !declaration.predictive.inputColumns.includes(c),
  );
  if (labels.length !== 1) {
    throw new Error(
      `cannot tell the label column of ${declaration.services.trainingDefinition} (${declaration.from}): ` +
        `the training input has ${labels.length} columns the predictive input lacks (${labels.join(", ") || "none"}); it needs exactly one`,
    );
  }
  return labels[0];
}

/** Scores rows through a service's RRS; a row it cannot score gets "" and NaN. */
async function scoreThrough(
  executionUrl: string,
  key: string,
  inputPort: string,
  columns: readonly string[],
  rows: readonly Record<string, string>[],
  truths: readonly string[],
): Promise<ScoredRows> {
  const rrs = new RrsClient(executionUrl, key);
  const labels: string[] = [];
  const probabilities: number[] = [];
  let withProbabilities = false;
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    const batch = rows.slice(start, start + BATCH_ROWS);
    const results = await rrs.executeTable({
      [inputPort]: {
        ColumnNames: [...columns],
        Values: batch.map((r) => columns.map((c) => (r[c] === "" ? null : r[c]))),
      },
    });
    const table: RrsTable = Object.values(results)[0];
    const labelAt = table.ColumnNames.indexOf("Scored Labels");
    const probabilityAt = table.ColumnNames.indexOf("Scored Probabilities");
    if (labelAt < 0) throw new Error(`the served model's answer has no "Scored Labels" column`);
    withProbabilities ||= probabilityAt >= 0;
    for (const v of table.Values) {
      labels.push(v[labelAt] === null ? "" : String(v[labelAt]));
      probabilities.push(
        probabilityAt >= 0 && v[probabilityAt] !== null ? Number(v[probabilityAt]) : NaN,
      );
    }
  }
  return { truths, labels, ...(withProbabilities ? { probabilities } : {}) };
}

/**
 * Runs the evaluation and writes the report. Throws on errors (bad declarations, failed jobs);
 * a gate refusal is not an error: it is the report's verdict.
 * @param options - see {@link EvaluateOptions}
 */
export async function evaluate(options: EvaluateOptions): Promise<EvaluationResult> {
  // The candidate's platform decides the flow: a v2 stack trains with command jobs.
  const config = await readStackConfig({ projectDir: options.projectDir, stack: options.stack });
  if (config?.platform === "v2") return evaluateV2(options);
  const log: Log = options.log ?? (() => undefined);
  const { seconds, lap } = stopwatch();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "azureml-evaluation-"));
  const cache = openCache(options);
  let azurite: AzuriteHandle | undefined;
  let emulator: EmulatorHandle | undefined;
  let removeContainers: (() => Promise<void>) | undefined;
  try {
    const candidateDeclaration = await readDeclaration({
      projectDir: options.projectDir,
      stack: options.stack,
      scratchDir: path.join(scratch, "candidate"),
    });
    const baseDeclaration = await readDeclaration({
      projectDir: options.projectDir,
      stack: options.stack,
      ref: options.baseRef,
      scratchDir: path.join(scratch, "base"),
    });
    const gate: GateSpec = candidateDeclaration!.model.gate;
    const describe = async (role: Side["role"], declaration: Declaration): Promise<Side> => {
      const dataSha256 = await sha256File(declaration.dataFile);
      const properties = withScoredOutput(
        declaration.training.properties,
        declaration.services.trainingDefinition,
      );
      const { version, parameters } = declaration.model;
      return {
        role,
        declaration,
        dataSha256,
        properties,
        cacheKey: sideKey({ definition: properties, version, dataSha256, parameters }),
        modelKey: modelKey(version, dataSha256, parameters),
      };
    };
    const candidate = await describe("candidate", candidateDeclaration!);
    const served = baseDeclaration ? await describe("served", baseDeclaration) : undefined;
    const unchanged = served !== undefined && served.cacheKey === candidate.cacheKey;
    log(
      `candidate ${candidate.declaration.model.version} (${candidate.declaration.model.data}); served ${served ? `${served.declaration.model.version} (${served.declaration.model.data}, ${options.baseRef})` : `nothing (${options.baseRef} declares no model)`}`,
    );
    lap("read");

    // ---- Servers ------------------------------------------------------------------------------
    const servers = await startServers(scratch, {
      ...(options.azuriteBlobEndpoint ? { blobEndpoint: options.azuriteBlobEndpoint } : {}),
    });
    azurite = servers.azurite;
    emulator = servers.emulator;
    const { connectionString } = servers;
    const armToken = emulator.credentials.armToken;
    const arm = new ArmWebServicesClient(credentialFor(armToken));
    const refOf = (name: string): ArmServiceRef => ({
      endpoint: emulator!.url,
      subscriptionId: SUBSCRIPTION,
      resourceGroup: RESOURCE_GROUP,
      name,
    });
    const deploy = async (
      name: string,
      role: "training" | "predictive",
      definition: WebServiceProperties,
      trainedModel?: { uri: string; assetName: string },
    ): Promise<{ executionUrl: string; key: string }> => {
      const ref = refOf(name);
      const service = await arm.createOrUpdate(
        ref,
        serviceBody({
          role,
          endpoint: ref.endpoint,
          subscriptionId: SUBSCRIPTION,
          resourceGroup: RESOURCE_GROUP,
          name,
          location: "local",
          definition,
          storageAccount: { name: AZURITE_ACCOUNT, key: AZURITE_KEY },
          workspaceId: WORKSPACE_ID,
          ...(trainedModel
            ? { trainedModelUri: trainedModel.uri, trainedModelAssetName: trainedModel.assetName }
            : {}),
        }),
      );
      if (!service.properties.swaggerLocation)
        throw new Error(`${name} reports no swaggerLocation`);
      const keys = await arm.listKeys(ref);
      return {
        executionUrl: executionBaseFromSwagger(service.properties.swaggerLocation),
        key: keys.primary,
      };
    };
    // Containers of this run only: an Azurite shared with other work (the tests') may hold a
    // model of the same content address, trained by another emulator.
    const prefix = `evaluation-${randomBytes(4).toString("hex")}`;
    const store = {
      connectionString,
      dataContainer: `${prefix}-data`,
      modelContainer: `${prefix}-models`,
    };
    const blobs = blobService(connectionString);
    removeContainers = async () => {
      for (const name of [store.dataContainer, store.modelContainer]) {
        await blobs.getContainerClient(name).deleteIfExists();
      }
    };
    const models = blobs.getContainerClient(store.modelContainer);
    await models.createIfNotExists();
    lap("start");

    // ---- Phase 1: each side trained (or taken from the cache) and stored ---------------------
    const sides = unchanged || !served ? [candidate] : [served, candidate];
    const trainingTargets = new Map<string, Promise<TrainingTarget>>();
    const trainingFor = (side: Side): Promise<TrainingTarget> => {
      const id = sideKey({
        definition: side.properties,
        version: "",
        dataSha256: "",
        parameters: {},
      });
      let target = trainingTargets.get(id);
      if (!target) {
        const name = `training-${trainingTargets.size + 1}`;
        target = deploy(name, "training", side.properties).then(({ executionUrl, key }) => {
          const shape = trainingShape({
            ...side.declaration.training,
            properties: side.properties,
          });
          return { executionUrl, apiKey: key, ...shape };
        });
        trainingTargets.set(id, target);
      }
      return target;
    };
    const inputsOf = (
      side: Side,
      training: TrainingTarget,
      sideGate: GateSpec,
    ): TrainedModelInputs & { dataSha256: string } => ({
      version: side.declaration.model.version,
      data: side.declaration.dataFile,
      dataSha256: side.dataSha256,
      parameters: side.declaration.model.parameters,
      gate: sideGate,
      retain: true,
      deadlineMinutes: side.declaration.model.deadlineMinutes,
      training,
      store,
    });
    const results = new Map<Side, CachedResult & { source: "trained" | "cached" }>();
    await Promise.all(
      sides.map(async (side) => {
        const say: Log = (line) => log(`[${side.role}] ${line}`);
        const names = modelBlobNames(side.declaration.model.version, side.modelKey);
        const hit = cache?.get(side.cacheKey);
        if (hit) {
          say(`taken from the evaluation cache (${side.cacheKey.slice(0, 12)}): not trained again`);
          await models.getBlockBlobClient(names.model).uploadData(hit.model);
          await models
            .getBlockBlobClient(names.evaluation)
            .upload(hit.evaluation, Buffer.byteLength(hit.evaluation));
          results.set(side, { ...hit, source: "cached" });
          return;
        }
        const training = await trainingFor(side);
        try {
          // Only the metric is asked for here: the gate proper runs in phase 3.
          await trainOrReuse(inputsOf(side, training, { metric: gate.metric }), say);
        } catch (e) {
          // A model without the metric is stored all the same; phase 3 reports the refusal.
          if (!isNamedError(e, "GateRejectedError")) throw e;
        }
        const record = JSON.parse(
          await downloadText(models.getBlobClient(names.record)),
        ) as StoredModelRecord;
        const status = await new BesClient(training.executionUrl, training.apiKey).status(
          record.jobId,
        );
        const scoredRef = status.results[SCORED_OUTPUT];
        if (!scoredRef)
          throw new Error(`BES job ${record.jobId} returned no ${SCORED_OUTPUT} output`);
        const result: CachedResult = {
          model: await models.getBlobClient(names.model).downloadToBuffer(),
          evaluation: await downloadText(models.getBlobClient(names.evaluation)),
          scored: await downloadText(
            blobFromUrl(
              `${scoredRef.BaseLocation ?? ""}${scoredRef.RelativeLocation ?? ""}${scoredRef.SasBlobToken ?? ""}`,
            ),
          ),
          record: { metrics: { ...record.metrics }, jobId: record.jobId },
        };
        cache?.put(side.cacheKey, result);
        results.set(side, { ...result, source: "trained" });
      }),
    );
    // Each side's record as a first training writes it: no "passed before" mark.
    for (const side of sides) {
      const result = results.get(side)!;
      const names = modelBlobNames(side.declaration.model.version, side.modelKey);
      const record: StoredModelRecord = {
        formatVersion: 1,
        version: side.declaration.model.version,
        dataSha256: side.dataSha256,
        parameters: side.declaration.model.parameters,
        metrics: result.record.metrics,
        jobId: result.record.jobId,
        trainedAt: "1970-01-01T00:00:00.000Z",
      };
      const body = JSON.stringify(record);
      await models.getBlockBlobClient(names.record).upload(body, Buffer.byteLength(body));
    }
    lap("train");

    // ---- Phase 2: the base's model served by the base's predictive definition ----------------
    const candidateDeclarationOk = candidate.declaration;
    const predictiveName = candidateDeclarationOk.services.predictiveName;
    const servedSide = unchanged ? candidate : served;
    let predictive: { executionUrl: string; key: string } | undefined;
    if (servedSide) {
      const assetName = trainedModelAssetName(servedSide.declaration.predictive);
      const names = modelBlobNames(servedSide.declaration.model.version, servedSide.modelKey);
      predictive = await deploy(
        predictiveName,
        "predictive",
        servedSide.declaration.predictive.properties,
        {
          uri: models.getBlobClient(names.model).url,
          assetName,
        },
      );
    }
    lap("serve");

    // ---- Phase 3: the gate, as `up` applies it -----------------------------------------------
    const label = labelColumn(candidateDeclarationOk);
    let verdict: GateVerdict;
    if (unchanged) {
      verdict = {
        passed: true,
        summary: "the declared model is unchanged: up will not train or gate it",
      };
    } else {
      const serving: ServingTarget = {
        kind: "arm",
        ...refOf(predictiveName),
        assetName: trainedModelAssetName(candidateDeclarationOk.predictive),
        inputPort: candidateDeclarationOk.predictive.inputPort,
        inputColumns: candidateDeclarationOk.predictive.inputColumns,
        labelColumn: label,
      };
      const training = await trainingFor(candidate);
      try {
        const outputs = await trainOrReuse(
          { ...inputsOf(candidate, training, gate), serving, servingToken: armToken },
          (line) => log(`[gate] ${line}`),
        );
        verdict = { passed: true, summary: outputs.gateSummary ?? "" };
      } catch (e) {
        if (!isNamedError(e, "GateRejectedError")) throw e;
        verdict = { passed: false, summary: (e as unknown as { summary: string }).summary };
      }
    }
    lap("gate");

    // ---- The same held-out rows, scored by the served model ----------------------------------
    const candidateResult = results.get(candidate)!;
    const heldOut = candidateRows(candidateResult.scored, label);
    const notes: string[] = [];
    let servedScores: ScoredRows | undefined;
    if (servedSide && predictive) {
      const columns = servedSide.declaration.predictive.inputColumns;
      const missing = columns.filter((c) => !(c in (heldOut.rows[0] ?? {})));
      if (missing.length > 0) {
        notes.push(
          `The served model takes columns the candidate's data lacks (${missing.join(", ")}): it was not scored on the held-out rows.`,
        );
      } else {
        servedScores = await scoreThrough(
          predictive.executionUrl,
          predictive.key,
          servedSide.declaration.predictive.inputPort,
          columns,
          heldOut.rows,
          heldOut.scored.truths,
        );
        const unscored = servedScores.labels.filter((l) => l === "").length;
        if (unscored > 0) {
          notes.push(
            `The served model could not score ${unscored} of the held-out rows; they are left out of its figures.`,
          );
        }
      }
    }
    lap("score");

    // ---- The report ----------------------------------------------------------------------------
    const candidateData = parseTable(fs.readFileSync(candidate.declaration.dataFile, "utf8"));
    const rawKeys = new Set(candidateData.rows.map((r) => r.join("\u0001")));
    const notInData = heldOut.rows.filter(
      (r) => !rawKeys.has(candidateData.header.map((h) => r[h] ?? "").join("\u0001")),
    ).length;
    if (notInData > 0) {
      notes.push(
        `${notInData} of the ${heldOut.rows.length} held-out rows differ from every row of the data file: the training graph changes values before scoring, and the served model scored them as changed.`,
      );
    }
    const baseData = served
      ? parseTable(fs.readFileSync(served.declaration.dataFile, "utf8"))
      : undefined;
    const summary = (side: Side, source: "trained" | "cached"): SideSummary => ({
      version: side.declaration.model.version,
      data: side.declaration.model.data,
      dataSha256: side.dataSha256,
      parameters: side.declaration.model.parameters,
      trainingDefinition: side.declaration.services.trainingDefinition,
      modelKey: side.modelKey,
      source,
    });
    const report = buildReport({
      stack: options.stack,
      baseRef: options.baseRef,
      candidate: summary(candidate, candidateResult.source),
      ...(served
        ? { served: summary(served, results.get(unchanged ? candidate : served)!.source) }
        : {}),
      gate,
      verdict,
      evaluation: candidateResult.record.metrics,
      heldOut: { candidate: heldOut.scored, ...(servedScores ? { served: servedScores } : {}) },
      data: compareData(
        {
          table: candidateData,
          file: candidate.declaration.model.data,
          sha256: candidate.dataSha256,
        },
        served && baseData
          ? { table: baseData, file: served.declaration.model.data, sha256: served.dataSha256 }
          : undefined,
      ),
      notes,
    });
    const { markdown, files } = await writeReport(report, options);
    cache?.prune(CACHE_KEEP);
    lap("report");
    return { report, markdown, files, seconds };
  } finally {
    await emulator?.close();
    // A shared Azurite keeps nothing of this run; one started here goes with its folder.
    if (!azurite) await removeContainers?.().catch(() => undefined);
    await azurite?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Re-exported for callers that only need the definition's shape. */
export type { LoadedDefinition };
export type { EvaluateOptions, EvaluationResult };
