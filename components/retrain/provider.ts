/**
 * The retrain dynamic provider, the provider of `TrainedModel` (`resource.ts`).
 *
 * - check:  validates version, gate, parameters and the data (exists, header matches the training
 *           service's input columns) and computes the data's SHA-256. No network for local data,
 *           so pull-request previews need no credentials.
 * - diff:   replace on version, data hash, parameters (or model store); otherwise no change. Never
 *           on `__provider`: a new provider build is not an update.
 * - create: reuse a stored model with the same content key (rollback), or upload the data, run the
 *           training service's BES job under a deadline, evaluate, gate, store metrics beside it.
 * - update: records non-replacing changes (gate, retain, tokens...) without calling anything.
 * - read:   checks the model blob still exists and reports what the serving target serves now.
 * - delete: removes the model blobs unless `retain` is set or the model is still served.
 *
 * Everything the methods reference is serialized into the program's state by value (local modules)
 * or as `require` (npm modules); see docs/designs/2026-11-providers.md for the rules followed.
 */
import { stat } from "node:fs/promises";
import type * as pulumi from "@pulumi/pulumi";
import { compareHeader, HashCache, isBlobUrl, readCsvHeader, resolveDataPath } from "./dataFile";
import { blobUrlProblem, hasDataRow } from "./inputChecks";
import { declaredLocation, diffTrainedModel, validateTrainedModelInputs } from "./logic";
import type { FieldFailure } from "../shared/checks";
import { progress } from "../shared/progress";
import { redactingProvider } from "../shared/redaction";
import { compactResults } from "../shared/results";
import { containsUnknown } from "../shared/values";
import { deleteModelBlobs, idOf, modelExists, servedModelUri, trainOrReuse } from "./operations";
import type { TrainedModelInputs, TrainedModelOutputs } from "./types";

/**
 * The provider process's hash cache, shared by every deserialized copy of the provider.
 * - Not in a module-scope object: module-scope values are copied into `__provider` when a resource
 *   is declared, and a cache already filled in the declaring process (tests call `check`
 *   in-process) was serialized with its `Map`, which does not survive ("Map.prototype.get called
 *   on incompatible receiver").
 * - On `globalThis` under a symbol, not a string key: the closure serializer replaces values it
 *   can reach from the global object by references to them, so with the instance under a string
 *   key the `HashCache` class was emitted as `global.<key>.constructor`, undefined in the provider
 *   host ("Cannot convert undefined or null to object"); it does not look at symbol keys.
 */
function hashCache(): HashCache {
  const registry = globalThis as unknown as Record<symbol, HashCache | undefined>;
  const key = Symbol.for("azureml-retrain.hashCache");
  return (registry[key] ??= new HashCache());
}

function logger(version: string): (line: string) => void {
  return (line) => progress("TrainedModel", version, line);
}

/** Data checks of `check`: the file exists, its header fits, and its hash. */
async function checkData(
  news: Record<string, unknown>,
  failures: FieldFailure[],
): Promise<string | undefined> {
  const data = news.data;
  if (containsUnknown(data)) return undefined;
  if (typeof data !== "string" || data.length === 0) {
    failures.push({
      property: "data",
      reason: "is required: a CSV file path relative to the project, or a blob URL",
    });
    return undefined;
  }
  if (isBlobUrl(data)) {
    const problem = blobUrlProblem(data);
    if (problem) {
      failures.push({ property: "data", reason: problem });
      return undefined;
    }
    // A blob's content identity is its URL plus the hash recorded when it was written; that is
    // only known by asking storage, which a preview without credentials cannot. Declare data as a
    // local file for hash-based diffs; a URL is taken as a new dataset whenever it changes.
    return `url:${data.replace(/\?.*$/, "")}`;
  }
  const file = resolveDataPath(data);
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error("not a file");
  } catch {
    failures.push({
      property: "data",
      reason: `file "${data}" does not exist (looked at ${file}); paths are relative to the Pulumi project`,
    });
    return undefined;
  }
  if (!/\.csv$/i.test(file)) {
    failures.push({
      property: "data",
      reason: `"${data}" must be a .csv file: the training service reads CSV`,
    });
    return undefined;
  }
  try {
    const header = await readCsvHeader(file);
    const columns = (news.training as { inputColumns?: unknown } | undefined)?.inputColumns;
    if (Array.isArray(columns) && !containsUnknown(columns)) {
      for (const problem of compareHeader(header, columns as string[])) {
        failures.push({ property: "data", reason: `"${data}": ${problem}` });
      }
    }
    if (!(await hasDataRow(file))) {
      failures.push({
        property: "data",
        reason: `"${data}" has a header row but no data rows: there is nothing to train on`,
      });
      return undefined;
    }
  } catch (e) {
    failures.push({ property: "data", reason: `"${data}": ${(e as Error).message}` });
    return undefined;
  }
  return hashCache().sha256(file);
}

const methods: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    const { failures, normalized } = validateTrainedModelInputs(news);
    const dataSha256 = await checkData(news, failures);
    const inputs = { ...news, ...normalized, ...(dataSha256 ? { dataSha256 } : {}) };
    return { inputs: { ...inputs, ...declaredLocation(inputs) }, failures };
  },

  async diff(_id: string, olds: TrainedModelOutputs, news: TrainedModelInputs) {
    const { changes, replaces, deleteBeforeReplace } = diffTrainedModel(olds, news);
    return { changes, replaces, deleteBeforeReplace };
  },

  async create(inputs: TrainedModelInputs) {
    const outs = await trainOrReuse(requireHash(inputs), logger(inputs.version));
    return { id: idOf(outs), outs };
  },

  async update(_id: string, olds: TrainedModelOutputs, news: TrainedModelInputs) {
    const log = logger(news.version);
    if (olds.status !== "ready" || !(await modelExists(olds))) {
      log("the previous attempt left no model: training again");
      return { outs: await trainOrReuse(requireHash(news), log) };
    }
    const lacking = (news.training.transformOutputs ?? []).filter((o) => !olds.transforms?.[o]);
    if (lacking.length > 0) {
      // The definition now saves a transformation the stored model was not trained with: a
      // model and its transformation are a pair, so train them together.
      log(`the model has no transformation "${lacking.join('", "')}": training again`);
      return { outs: await trainOrReuse(requireHash(news), log) };
    }
    const { dataSha256: _ignored, ...rest } = news;
    return { outs: { ...olds, ...rest } };
  },

  async read(id: string, props: TrainedModelOutputs) {
    const log = logger(props.version);
    if (props.status === "ready" && !(await modelExists(props))) {
      log(`model blob ${props.model?.relativeLocation} is gone: the next up trains it again`);
      return { id: "", props: {} };
    }
    let servedModel = props.servedModelUri;
    if (props.serving) {
      servedModel = await servedModelUri(props.serving, props.servingToken);
      if (servedModel !== props.model?.uri) {
        log(`the serving target serves ${servedModel ?? "nothing"}, not this model (drift)`);
      }
    }
    return {
      id,
      props: { ...props, ...(servedModel !== undefined ? { servedModelUri: servedModel } : {}) },
    };
  },

  async delete(_id: string, props: TrainedModelOutputs) {
    const log = logger(props.version);
    if (props.retain) {
      log(`kept ${props.model?.relativeLocation} (retain is set): a rollback can reuse it`);
      return;
    }
    if (!props.model) return;
    if (props.serving) {
      const served = await servedModelUri(props.serving, props.servingToken);
      if (served === props.model.uri) {
        log(`kept ${props.model.relativeLocation}: it is still served`);
        return;
      }
    }
    await deleteModelBlobs(props);
    log(`deleted ${props.model.relativeLocation} and its evaluation`);
  },
};

/** The retrain provider. Create it once (providers are serialized per object identity). */
export const trainedModelProvider: pulumi.dynamic.ResourceProvider = compactResults(
  redactingProvider(methods, (p) => {
    const store = p.store as { connectionString?: string } | undefined;
    const training = p.training as { apiKey?: string } | undefined;
    return [store?.connectionString, training?.apiKey, p.servingToken as string | undefined];
  }),
);

function requireHash(inputs: TrainedModelInputs): TrainedModelInputs & { dataSha256: string } {
  if (!inputs.dataSha256)
    throw new Error("dataSha256 is missing: check did not run or the data was unknown");
  return inputs as TrainedModelInputs & { dataSha256: string };
}
