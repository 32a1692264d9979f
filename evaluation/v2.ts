/**
 * The evaluation before merge for a v2 stack (Azure Machine Learning): on Azurite and the
 * emulator's v2 surface (started here on free loopback ports), train the model the branch
 * declares and the one the base declares with the command job `up` submits, serve the base's
 * model on an online endpoint with the rollout `up` runs, gate the candidate with the retrain
 * operation `up` runs, score both on the same held-out rows, and write the same report as the
 * classic evaluation.
 *
 * What decides the verdict is `up`'s own code: the assets are registered by the asset provider,
 * the jobs are the v2 retrain's job body (`jobBody`), the served deployment is created and given
 * all traffic by the rollout provider, and the gate is `trainOrReuse` of the v2 retrain, which
 * finds the candidate's version registered (without a gate tag, as a first training leaves it
 * before its verdict) and computes the verdict from its metrics and the live deployment scored
 * through the endpoint on a sample of the candidate's data, as in `up`.
 *
 * The one addition to the job: an output `scored` and `--scored ${{outputs.scored}}`, where the
 * training script writes its held-out rows with their scores (the sample `train.py` does; the
 * split and the fit do not change). The candidate's script must take it; the base's may not (an
 * older script): the served model needs no held-out rows of its own.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isNamedError } from "../clients/errors";
import { blobService, downloadText } from "../clients/storage";
import { ScoringClient, type MlClient } from "../clients/v2";
import { sleep } from "../clients/sleep";
import type { CommandJobProperties, EndpointKeys, V2Resource } from "../contract/v2";
import type { GateVerdict } from "../components/retrain/gate";
import { assetProvider } from "../components/v2Asset/provider";
import type { AssetOutputs } from "../components/v2Asset/types";
import { onlineEndpointProvider } from "../components/v2Endpoint/provider";
import type { OnlineEndpointOutputs } from "../components/v2Endpoint/types";
import {
  jobBody,
  jobName,
  modelProperties,
  outputBlobPath,
  outputUri,
  trainingKey,
} from "../components/v2Retrain/logic";
import { trainOrReuse } from "../components/v2Retrain/operations";
import type { MlTrainedModelInputs } from "../components/v2Retrain/types";
import { servedModelProvider } from "../components/v2Rollout/provider";
import type { ServedModelOutputs } from "../components/v2Rollout/types";
import { localMlWorkspaceProvider } from "../components/v2Workspace/provider";
import type { LocalMlWorkspaceOutputs } from "../components/v2Workspace/types";
import { mlClient, type MlDatastore, type MlTarget } from "../components/shared/mlTarget";
import type { EmulatorHandle } from "../emulator/startEmulator";
import type { AzuriteHandle } from "../scripts/azurite";
import { sideKey, type CachedResult } from "./cache";
import type { ScoredRows } from "./curves";
import { readV2Declaration, type V2Declaration } from "./declaration";
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
import { compareData, parseTable } from "./profile";
import { buildReport, type SideSummary } from "./report";

const LOCATION = "local";
/** The job output that receives the scored held-out rows. */
const SCORED = "scored";
const TERMINAL = ["Completed", "Failed", "Canceled", "NotResponding", "Paused"];

type Job = V2Resource<CommandJobProperties>;

/** A side being evaluated. */
interface Side {
  readonly role: "candidate" | "served";
  readonly declaration: V2Declaration;
  /** The model name it is registered under in the evaluation's workspace. */
  readonly modelName: string;
  /** The retrain inputs `up` would give its `MlTrainedModel` (without the gate's serving). */
  readonly inputs: MlTrainedModelInputs;
  readonly key: string;
  readonly cacheKey: string;
  /** Whether its training script writes the scored held-out rows (`--scored`). */
  readonly writesScored: boolean;
}

/** What a side's training produced (or the cache held). */
interface Trained extends CachedResult {
  readonly source: "trained" | "cached";
}

/** The model folder's files packed into one buffer for the cache. */
function packFolder(files: Readonly<Record<string, Buffer>>): Buffer {
  return Buffer.from(
    JSON.stringify(
      Object.fromEntries(
        Object.keys(files)
          .sort()
          .map((k) => [k, files[k].toString("base64")]),
      ),
    ),
  );
}

function unpackFolder(packed: Buffer): Record<string, Buffer> {
  const parsed = JSON.parse(packed.toString("utf8")) as Record<string, string>;
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, Buffer.from(v, "base64")]));
}

/** Follows a job until it ends or the deadline passes (then cancels it). */
async function waitForJob(client: MlClient, name: string, deadline: number): Promise<Job> {
  for (let attempt = 0; ; attempt++) {
    const job = await client.get<Job>(`/jobs/${name}`);
    if (!job) throw new Error(`job ${name} disappeared from the evaluation's workspace`);
    if (TERMINAL.includes(job.properties.status ?? "")) return job;
    if (Date.now() >= deadline) {
      await client.actAndWait("POST", `/jobs/${name}/cancel`);
      throw new Error(`job ${name} did not finish within model.deadlineMinutes: cancelled`);
    }
    await sleep(Math.min(attempt < 20 ? 200 : 1000, Math.max(50, deadline - Date.now())));
  }
}

/**
 * Runs the evaluation of a v2 stack and writes the report. Throws on errors (bad declarations,
 * failed jobs); a gate refusal is not an error: it is the report's verdict.
 * @param options - see {@link EvaluateOptions}
 */
export async function evaluateV2(options: EvaluateOptions): Promise<EvaluationResult> {
  const log = options.log ?? (() => undefined);
  const { seconds, lap } = stopwatch();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "azureml-evaluation-v2-"));
  const cache = openCache(options);
  let azurite: AzuriteHandle | undefined;
  let emulator: EmulatorHandle | undefined;
  let workspace: { target: MlTarget } | undefined;
  // The providers print progress lines for `pulumi up`; the evaluation has its own log.
  const quietBefore = process.env.AZUREML_RETRAIN_LOG;
  process.env.AZUREML_RETRAIN_LOG = "silent";
  try {
    const candidateDeclaration = (await readV2Declaration({
      projectDir: options.projectDir,
      stack: options.stack,
      scratchDir: path.join(scratch, "candidate"),
    }))!;
    const baseDeclaration = await readV2Declaration({
      projectDir: options.projectDir,
      stack: options.stack,
      ref: options.baseRef,
      scratchDir: path.join(scratch, "base"),
    });
    const gate = candidateDeclaration.model.gate;
    log(
      `candidate ${candidateDeclaration.model.version} (${candidateDeclaration.model.data}); served ${baseDeclaration ? `${baseDeclaration.model.version} (${baseDeclaration.model.data}, ${options.baseRef})` : `nothing (${options.baseRef} declares no model)`}`,
    );
    lap("read");

    // ---- Servers and the workspace ------------------------------------------------------------
    // The emulator's CLI reads AZUREML_EMULATOR_PYTHON; the evaluation starts it in process.
    const python = options.python ?? process.env.AZUREML_EMULATOR_PYTHON;
    const servers = await startServers(scratch, {
      ...(options.azuriteBlobEndpoint ? { blobEndpoint: options.azuriteBlobEndpoint } : {}),
      ...(python ? { python } : {}),
    });
    azurite = servers.azurite;
    emulator = servers.emulator;
    const { connectionString } = servers;
    // A workspace of this run only: an Azurite shared with other work keeps its own containers.
    const target: MlTarget = {
      endpoint: emulator.url,
      subscriptionId: SUBSCRIPTION,
      resourceGroup: RESOURCE_GROUP,
      workspace: `evaluation-${randomBytes(4).toString("hex")}`,
      token: emulator.credentials.armToken,
    };
    const created = (await localMlWorkspaceProvider.create!({ target, location: LOCATION }))
      .outs as LocalMlWorkspaceOutputs;
    workspace = { target };
    const datastore: MlDatastore = {
      name: "workspaceblobstore",
      container: created.datastoreContainer,
      artifactContainer: "azureml",
      connectionString,
    };
    const client = mlClient(target);
    const container = blobService(connectionString).getContainerClient(datastore.container);
    lap("start");

    // ---- Each side's assets, as `up` registers them --------------------------------------------
    const asset = async (news: Record<string, unknown>): Promise<AssetOutputs> => {
      const checked = await assetProvider.check!({}, { target, datastore, ...news });
      if (checked.failures?.length)
        throw new Error(
          `the ${String(news.kind)} asset ${String(news.path ?? news.name)} is refused: ${checked.failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`,
        );
      return (await assetProvider.create!(checked.inputs)).outs as AssetOutputs;
    };
    const describe = async (
      role: Side["role"],
      declaration: V2Declaration,
      modelName: string,
    ): Promise<Side> => {
      const { v2, model } = declaration;
      const [environment, code, data] = await Promise.all([
        asset({
          kind: "environment",
          name: `${v2.modelName}-env`,
          image: v2.environment.image,
          path: declaration.condaFile,
        }),
        asset({ kind: "code", name: `${v2.modelName}-src`, path: declaration.codeDir }),
        asset({
          kind: "data",
          name: `${v2.modelName}-data`,
          path: declaration.dataFile,
          columns: v2.columns,
        }),
      ]);
      const inputs: MlTrainedModelInputs = {
        target,
        datastore,
        modelName,
        version: model.version,
        data: { assetId: data.assetId, sha256: data.contentSha256, path: declaration.dataFile },
        codeId: code.assetId,
        environmentId: environment.assetId,
        trainScript: v2.trainScript,
        parameters: Object.fromEntries(
          Object.entries(model.parameters).sort(([a], [b]) => (a < b ? -1 : 1)),
        ),
        gate: { metric: gate.metric },
        retain: true,
        deadlineMinutes: model.deadlineMinutes,
      };
      const script = fs.readFileSync(path.join(declaration.codeDir, v2.trainScript), "utf8");
      return {
        role,
        declaration,
        modelName,
        inputs,
        key: trainingKey(inputs),
        cacheKey: sideKey({
          definition: {
            platform: "v2",
            code: code.contentSha256,
            environment: environment.contentSha256,
            trainScript: v2.trainScript,
          },
          version: model.version,
          dataSha256: data.contentSha256,
          parameters: model.parameters,
        }),
        writesScored: /--scored\b/.test(script),
      };
    };
    const candidate = await describe(
      "candidate",
      candidateDeclaration,
      candidateDeclaration.v2.modelName,
    );
    // Its own model name: the base may declare the same version from other data (a version is
    // immutable in a registry, so both could not be registered under one name).
    const served = baseDeclaration
      ? await describe("served", baseDeclaration, `${baseDeclaration.v2.modelName}-served`)
      : undefined;
    const unchanged = served !== undefined && served.cacheKey === candidate.cacheKey;
    if (!candidate.writesScored)
      throw new Error(
        `${path.posix.join(candidateDeclaration.v2.code, candidateDeclaration.v2.trainScript)} does not take --scored <folder>: ` +
          "the evaluation needs the held-out rows with their scores from it (the sample train.py writes scored.csv there; see docs/pr-report.md)",
      );
    lap("assets");

    // ---- Phase 1: each side trained by a command job (or taken from the cache) and registered --
    const train = async (side: Side): Promise<Trained> => {
      const say = (line: string): void => log(`[${side.role}] ${line}`);
      const name = jobName(side.modelName, side.inputs.version, side.key, 1);
      const modelPrefix = `${outputBlobPath(side.modelName, side.inputs.version, name, "model")}/`;
      const hit = cache?.get(side.cacheKey);
      // A cached side without held-out rows (an older script's) cannot be the candidate.
      if (hit && (side.role === "served" || hit.scored !== "")) {
        say(`taken from the evaluation cache (${side.cacheKey.slice(0, 12)}): not trained again`);
        for (const [file, content] of Object.entries(unpackFolder(hit.model)))
          await container.getBlockBlobClient(`${modelPrefix}${file}`).uploadData(content);
        return { ...hit, source: "cached" };
      }
      const body = jobBody(side.inputs, side.key, name) as {
        properties: { command: string; outputs: Record<string, unknown> };
      };
      if (side.writesScored) {
        body.properties.command += ` --scored \${{outputs.${SCORED}}}`;
        body.properties.outputs[SCORED] = {
          jobOutputType: "uri_folder",
          uri: `azureml://datastores/${datastore.name}/paths/evaluation/${name}/${SCORED}/`,
          mode: "Upload",
        };
      }
      await client.put(`/jobs/${name}`, body);
      say(`submitted job ${name}`);
      const job = await waitForJob(client, name, Date.now() + side.inputs.deadlineMinutes * 60_000);
      const status = job.properties.status ?? "Unknown";
      if (status !== "Completed") {
        let tail = "(its log could not be read)";
        try {
          tail = (
            await downloadText(
              blobService(connectionString)
                .getContainerClient(datastore.artifactContainer)
                .getBlobClient(`ExperimentRun/dcid.${name}/user_logs/std_log.txt`),
            )
          )
            .trimEnd()
            .split("\n")
            .slice(-12)
            .join("\n");
        } catch {
          // the tail stays a placeholder
        }
        throw new Error(
          `the ${side.role}'s training job ${name} ended ${status}; its log ends:\n${tail}`,
        );
      }
      say(`job ${name} completed`);
      const metricsPath = `${outputBlobPath(side.modelName, side.inputs.version, name, "metrics")}/metrics.json`;
      const evaluation = await downloadText(container.getBlobClient(metricsPath));
      const metrics: Record<string, number> = {};
      for (const [k, v] of Object.entries(JSON.parse(evaluation) as Record<string, unknown>))
        if (typeof v === "number" && Number.isFinite(v)) metrics[k] = v;
      const files: Record<string, Buffer> = {};
      for await (const blob of container.listBlobsFlat({ prefix: modelPrefix }))
        files[blob.name.slice(modelPrefix.length)] = await container
          .getBlobClient(blob.name)
          .downloadToBuffer();
      const scored = side.writesScored
        ? await downloadText(container.getBlobClient(`evaluation/${name}/${SCORED}/scored.csv`))
        : "";
      const result: CachedResult = {
        model: packFolder(files),
        evaluation,
        scored,
        record: { metrics, jobId: name },
      };
      cache?.put(side.cacheKey, result);
      return { ...result, source: "trained" };
    };
    const sides = unchanged || !served ? [candidate] : [served, candidate];
    const results = new Map<Side, Trained>();
    await Promise.all(
      sides.map(async (side) => {
        const result = await train(side);
        // Registered as a first training registers it, before the gate's verdict: no gate tag.
        await client.put(`/models/${side.modelName}/versions/${side.inputs.version}`, {
          properties: {
            modelUri: outputUri(
              datastore,
              side.modelName,
              side.inputs.version,
              jobName(side.modelName, side.inputs.version, side.key, 1),
              "model",
            ),
            modelType: "custom_model",
            jobName: result.record.jobId,
            description: `${side.modelName} ${side.inputs.version}, trained by job ${result.record.jobId}`,
            properties: modelProperties(side.key, side.inputs.data.sha256, result.record.metrics),
          },
        });
        results.set(side, result);
      }),
    );
    lap("train");

    // ---- Phase 2: the base's model served on an online endpoint, as `up` serves it ------------
    const servedSide = unchanged ? candidate : served;
    const endpointName = candidateDeclaration.v2.endpoint;
    const features = (declaration: V2Declaration): string[] =>
      declaration.v2.columns.filter((c) => c !== declaration.v2.labelColumn);
    let endpoint: OnlineEndpointOutputs | undefined;
    let rollout: ServedModelOutputs | undefined;
    if (servedSide) {
      const endpointInputs = await onlineEndpointProvider.check!(
        {},
        { target, name: endpointName, location: LOCATION, authMode: "Key" },
      );
      endpoint = (await onlineEndpointProvider.create!(endpointInputs.inputs))
        .outs as OnlineEndpointOutputs;
      const { v2 } = servedSide.declaration;
      const servedInputs = await servedModelProvider.check!(
        {},
        {
          target,
          endpointName,
          location: LOCATION,
          modelId: client.id(
            `/models/${servedSide.modelName}/versions/${servedSide.inputs.version}`,
          ),
          modelVersion: servedSide.inputs.version,
          codeId: servedSide.inputs.codeId,
          scoringScript: v2.scoringScript,
          environmentId: servedSide.inputs.environmentId,
          instanceType: v2.instanceType,
          instanceCount: v2.instanceCount,
          rollout: { steps: [100] },
          keep: 0,
          check: {
            path: servedSide.declaration.dataFile,
            inputColumns: features(servedSide.declaration),
          },
        },
      );
      if (servedInputs.failures?.length)
        throw new Error(
          `the served model's deployment is refused: ${servedInputs.failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`,
        );
      rollout = (await servedModelProvider.create!(servedInputs.inputs)).outs as ServedModelOutputs;
      log(`[served] deployment ${rollout.liveDeployment} takes all traffic of ${endpointName}`);
    }
    lap("serve");

    // ---- Phase 3: the gate, as `up` applies it ------------------------------------------------
    const label = candidateDeclaration.v2.labelColumn;
    let verdict: GateVerdict;
    if (unchanged) {
      verdict = {
        passed: true,
        summary: "the declared model is unchanged: up will not train or gate it",
      };
    } else {
      try {
        const outputs = await trainOrReuse(
          {
            ...candidate.inputs,
            gate,
            ...(endpoint
              ? {
                  serving: {
                    endpointName,
                    labelColumn: label,
                    inputColumns: features(candidateDeclaration),
                  },
                }
              : {}),
          },
          (line) => log(`[gate] ${line}`),
        );
        verdict = { passed: true, summary: outputs.gateSummary };
      } catch (e) {
        if (!isNamedError(e, "GateRejectedError")) throw e;
        verdict = { passed: false, summary: (e as unknown as { summary: string }).summary };
      }
    }
    lap("gate");

    // ---- The same held-out rows, scored by the served model through the endpoint ---------------
    const candidateResult = results.get(candidate)!;
    const heldOut = candidateRows(candidateResult.scored, label);
    const notes: string[] = [];
    let servedScores: ScoredRows | undefined;
    if (servedSide && endpoint && rollout) {
      const columns = features(servedSide.declaration);
      const missing = columns.filter((c) => !(c in (heldOut.rows[0] ?? {})));
      if (missing.length > 0) {
        notes.push(
          `The served model takes columns the candidate's data lacks (${missing.join(", ")}): it was not scored on the held-out rows.`,
        );
      } else {
        const keys = await client.post<EndpointKeys>(`/onlineEndpoints/${endpointName}/listKeys`);
        const scoring = new ScoringClient(endpoint.scoringUri, keys.primaryKey);
        const labels: string[] = [];
        const probabilities: number[] = [];
        for (let start = 0; start < heldOut.rows.length; start += BATCH_ROWS) {
          const batch = heldOut.rows.slice(start, start + BATCH_ROWS);
          const answer = await scoring.score<{
            predictions?: unknown[];
            probabilities?: unknown[];
          }>(
            {
              data: batch.map((r) =>
                Object.fromEntries(columns.map((c) => [c, r[c] === "" ? null : r[c]])),
              ),
            },
            rollout.liveDeployment,
          );
          const { predictions: p, probabilities: q } = answer.body ?? {};
          if (!Array.isArray(p) || p.length !== batch.length)
            throw new Error(
              `deployment ${rollout.liveDeployment} did not answer {"predictions": [...]} with one per row for ${batch.length} rows`,
            );
          p.forEach((v, i) => {
            labels.push(v === null || v === undefined ? "" : String(v));
            probabilities.push(Array.isArray(q) && q[i] !== null ? Number(q[i]) : NaN);
          });
        }
        servedScores = {
          truths: heldOut.scored.truths,
          labels,
          ...(probabilities.some((p) => Number.isFinite(p)) ? { probabilities } : {}),
        };
      }
    }
    lap("score");

    // ---- The report ----------------------------------------------------------------------------
    const candidateData = parseTable(fs.readFileSync(candidateDeclaration.dataFile, "utf8"));
    const baseData = served
      ? parseTable(fs.readFileSync(served.declaration.dataFile, "utf8"))
      : undefined;
    const summary = (side: Side, source: "trained" | "cached"): SideSummary => ({
      version: side.inputs.version,
      data: side.declaration.model.data,
      dataSha256: side.inputs.data.sha256,
      parameters: side.declaration.model.parameters,
      trainingDefinition: path.posix.join(
        side.declaration.v2.code,
        side.declaration.v2.trainScript,
      ),
      modelKey: side.key,
      source,
    });
    const report = buildReport({
      platform: "v2",
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
          file: candidateDeclaration.model.data,
          sha256: candidate.inputs.data.sha256,
        },
        served && baseData
          ? {
              table: baseData,
              file: served.declaration.model.data,
              sha256: served.inputs.data.sha256,
            }
          : undefined,
      ),
      notes,
    });
    const { markdown, files } = await writeReport(report, options);
    cache?.prune(CACHE_KEEP);
    lap("report");
    return { report, markdown, files, seconds };
  } finally {
    // The workspace goes with its deployments' processes and, on a shared Azurite, its containers.
    if (workspace)
      await localMlWorkspaceProvider.delete!("", { target: workspace.target } as never).catch(
        () => undefined,
      );
    if (quietBefore === undefined) delete process.env.AZUREML_RETRAIN_LOG;
    else process.env.AZUREML_RETRAIN_LOG = quietBefore;
    await emulator?.close();
    await azurite?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
