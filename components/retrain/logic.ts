/**
 * Pure logic of the retrain provider: input validation (for `check`), the diff, content keys and
 * blob names. No I/O, so it is table-tested directly and copied by value into the provider.
 */
import { createHash } from "node:crypto";
import { limitFailures, requiredStrings, type FieldFailure } from "../shared/checks";
import {
  containerName,
  deadlineMinutes as deadlineLimit,
  LIMITS,
  modelVersion,
} from "../shared/limits";
import { containsUnknown, differs } from "../shared/values";
import { validateGate } from "./gate";
import { parseConnectionString } from "../../clients/storage";
import type { ModelLocation, ModelStore, TrainedModelInputs, TrainedModelOutputs } from "./types";

/** Validates a model version (the limit shared with the stack config). */
export function validateVersion(version: unknown, property = "version"): FieldFailure[] {
  return limitFailures(modelVersion(), version, property);
}

/** Largest single GlobalParameters value and total size (BES requests are JSON bodies). */
export const MAX_PARAMETER_VALUE_BYTES = 16 * 1024;
export const MAX_PARAMETERS_BYTES = 64 * 1024;

/**
 * Normalizes BES GlobalParameters to strings (the wire form of every sample) and validates them.
 */
export function normalizeParameters(
  parameters: unknown,
  property = "parameters",
): { parameters: Record<string, string>; failures: FieldFailure[] } {
  const failures: FieldFailure[] = [];
  const out: Record<string, string> = {};
  if (parameters === undefined || parameters === null) return { parameters: out, failures };
  if (typeof parameters !== "object" || Array.isArray(parameters)) {
    return {
      parameters: out,
      failures: [
        {
          property,
          reason: `must be a map of parameter name to value, e.g. { "L2 regularization weight": "0.5" }`,
        },
      ],
    };
  }
  let total = 0;
  for (const [name, value] of Object.entries(parameters as Record<string, unknown>)) {
    if (name.trim().length === 0) {
      failures.push({ property, reason: "parameter names must not be empty" });
      continue;
    }
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      failures.push({
        property: `${property}.${name}`,
        reason: `must be a string, number or boolean, got ${JSON.stringify(value)}`,
      });
      continue;
    }
    const text = String(value);
    const bytes = Buffer.byteLength(text) + Buffer.byteLength(name);
    if (Buffer.byteLength(text) > MAX_PARAMETER_VALUE_BYTES) {
      failures.push({
        property: `${property}.${name}`,
        reason: `is ${Buffer.byteLength(text)} bytes; the limit is ${MAX_PARAMETER_VALUE_BYTES}: pass large inputs as data, not parameters`,
      });
    }
    total += bytes;
    out[name] = text;
  }
  if (total > MAX_PARAMETERS_BYTES) {
    failures.push({
      property,
      reason: `parameters total ${total} bytes; the limit is ${MAX_PARAMETERS_BYTES}`,
    });
  }
  return { parameters: sortKeys(out), failures };
}

/** The same map with keys in sorted order, so equal maps serialize equally. */
export function sortKeys<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Canonical JSON of a parameters map (sorted keys, string values). */
export function canonicalParameters(parameters: Readonly<Record<string, string>>): string {
  return JSON.stringify(sortKeys({ ...parameters }));
}

/**
 * The content address of a model: version, data hash and parameters. Re-declaring the same three
 * (a rollback) finds the model trained before.
 */
export function modelKey(
  version: string,
  dataSha256: string,
  parameters: Readonly<Record<string, string>>,
): string {
  return createHash("sha256")
    .update(
      JSON.stringify({ v: 1, version, dataSha256, parameters: canonicalParameters(parameters) }),
    )
    .digest("hex")
    .slice(0, 16);
}

/** Blob names of a model and what is stored beside it. */
export function modelBlobNames(
  version: string,
  key: string,
): {
  model: string;
  evaluation: string;
  record: string;
  scores: string;
  transform: (output: string) => string;
} {
  return {
    model: `${version}/${key}.ilearner`,
    scores: `${version}/${key}.scores.csv`,
    evaluation: `${version}/${key}.evaluation.csv`,
    record: `${version}/${key}.metrics.json`,
    transform: (output) => `${version}/${key}.${output}.itransform`,
  };
}

/** Blob name of uploaded training data, addressed by its hash. */
export function dataBlobName(sha256: string): string {
  return `sha256/${sha256}.csv`;
}

/** The location of a model blob, as BES Results and ARM assets name it. */
export function locationOf(
  blobEndpoint: string,
  container: string,
  blobName: string,
): ModelLocation {
  const baseLocation = `${blobEndpoint.replace(/\/+$/, "")}/`;
  const relativeLocation = `${container}/${blobName}`;
  return { baseLocation, relativeLocation, uri: `${baseLocation}${relativeLocation}` };
}

/**
 * Where the model the inputs declare is (or will be) stored, and its content key: known from the
 * inputs alone, because models are content-addressed (version, data hash, parameters) in the
 * store's model container. `check` puts both into the checked inputs, so a preview knows the
 * model's URI even when it updates or replaces the resource (the engine takes the checked inputs
 * as the outputs of a previewed step, and everything else as unknown). Undefined while a part is
 * not known yet.
 */
export function declaredLocation(
  inputs: Readonly<Record<string, unknown>>,
):
  | { modelKey: string; model: ModelLocation; transforms?: Record<string, ModelLocation> }
  | undefined {
  const { version, dataSha256, parameters } = inputs;
  const store = inputs.store as Partial<Record<keyof ModelStore, unknown>> | undefined;
  if (
    typeof version !== "string" ||
    typeof dataSha256 !== "string" ||
    typeof store?.connectionString !== "string" ||
    typeof store.modelContainer !== "string" ||
    containsUnknown([version, dataSha256, parameters, store.connectionString, store.modelContainer])
  ) {
    return undefined;
  }
  let blobEndpoint: string;
  try {
    blobEndpoint = parseConnectionString(store.connectionString).blobEndpoint;
  } catch {
    return undefined; // reported by the checks
  }
  const key = modelKey(version, dataSha256, (parameters ?? {}) as Record<string, string>);
  const outputs = (inputs.training as { transformOutputs?: unknown } | undefined)?.transformOutputs;
  const transforms =
    Array.isArray(outputs) && !containsUnknown(outputs)
      ? transformLocations(blobEndpoint, store.modelContainer, version, key, outputs as string[])
      : undefined;
  return {
    modelKey: key,
    model: locationOf(blobEndpoint, store.modelContainer, modelBlobNames(version, key).model),
    ...(transforms ? { transforms } : {}),
  };
}

/**
 * Where a model's saved transformations are stored, by the training output that writes each;
 * undefined when the training definition outputs none.
 * @param blobEndpoint - the storage account's blob endpoint
 * @param container - the model container
 * @param version - the model's version
 * @param key - the model's key
 * @param outputs - the training outputs fed by a transformation port
 */
export function transformLocations(
  blobEndpoint: string,
  container: string,
  version: string,
  key: string,
  outputs: readonly string[],
): Record<string, ModelLocation> | undefined {
  if (outputs.length === 0) return undefined;
  const names = modelBlobNames(version, key);
  return Object.fromEntries(
    outputs.map((o) => [o, locationOf(blobEndpoint, container, names.transform(o))]),
  );
}

/** The resource id of a TrainedModel: readable in the CLI, unique per content. */
export function trainedModelId(version: string, key: string): string {
  return `${version}@${key}`;
}

/** Result of {@link diffTrainedModel}, in the shape `ResourceProvider.diff` returns. */
export interface DiffResult {
  readonly changes: boolean;
  readonly replaces: string[];
  /** Fields that change without a replacement (recorded by `update`, which calls no service). */
  readonly updates: string[];
  readonly deleteBeforeReplace: false;
}

const account = (connectionString: unknown): string | undefined =>
  typeof connectionString === "string"
    ? /AccountName=([^;]+)/i.exec(connectionString)?.[1]
    : undefined;

/**
 * Diffs stored outputs against new inputs. Only declared fields count, never `__provider`, so a
 * change of the provider's code or of the compiler output is not an update. Unknown preview values
 * count as changes (conservatively). A model whose last job failed always updates (a retry).
 */
export function diffTrainedModel(
  olds: Partial<TrainedModelOutputs>,
  news: Partial<TrainedModelInputs>,
): DiffResult {
  const replaces: string[] = [];
  const updates: string[] = [];

  if (differs(olds.version, news.version)) replaces.push("version");
  if (differs(olds.dataSha256, news.dataSha256)) replaces.push("dataSha256");
  if (differs(olds.parameters, news.parameters)) replaces.push("parameters");
  // A different account or container cannot hold the old model: train into the new one.
  if (differs(account(olds.store?.connectionString), account(news.store?.connectionString)))
    replaces.push("store");
  else if (differs(olds.store?.modelContainer, news.store?.modelContainer)) replaces.push("store");

  if (differs(olds.data, news.data)) updates.push("data");
  if (differs(olds.gate, news.gate)) updates.push("gate");
  if (differs(olds.retain, news.retain)) updates.push("retain");
  if (differs(olds.deadlineMinutes, news.deadlineMinutes)) updates.push("deadlineMinutes");
  if (differs(olds.training, news.training)) updates.push("training");
  if (!replaces.includes("store") && differs(olds.store, news.store)) updates.push("store");
  if (differs(olds.serving, news.serving)) updates.push("serving");
  if (differs(olds.servingToken, news.servingToken)) updates.push("servingToken");
  if (olds.status !== undefined && olds.status !== "ready") updates.push("status");

  return {
    changes: replaces.length > 0 || updates.length > 0,
    replaces,
    updates,
    deleteBeforeReplace: false,
  };
}

/** Validates the non-data fields of TrainedModel inputs (`check` adds the data checks). */
export function validateTrainedModelInputs(news: Record<string, unknown>): {
  failures: FieldFailure[];
  normalized: Partial<TrainedModelInputs>;
} {
  const failures: FieldFailure[] = [...validateVersion(news.version)];
  const { parameters, failures: parameterFailures } = normalizeParameters(news.parameters);
  failures.push(...parameterFailures);
  const gate = containsUnknown(news.gate)
    ? { gate: news.gate as never, failures: [] }
    : validateGate(news.gate);
  failures.push(...gate.failures);

  const retain = news.retain ?? false;
  if (typeof retain !== "boolean")
    failures.push({
      property: "retain",
      reason: `must be true or false, got ${JSON.stringify(retain)}`,
    });
  const deadlineMinutes = news.deadlineMinutes ?? LIMITS.deadlineMinutes.whenUnset;
  failures.push(...limitFailures(deadlineLimit(), deadlineMinutes, "deadlineMinutes"));

  const training = (news.training ?? {}) as Record<string, unknown>;
  if (!containsUnknown(training)) {
    failures.push(
      ...requiredStrings(
        training,
        ["executionUrl", "apiKey", "inputPort", "modelOutput", "evaluationOutput"],
        "is required (it comes from the TrainingService resource)",
        "training.",
      ),
    );
    if (typeof training.executionUrl === "string" && !/^https?:\/\//.test(training.executionUrl)) {
      failures.push({
        property: "training.executionUrl",
        reason: `must be an http(s) URL, got "${training.executionUrl}"`,
      });
    }
    const columns = training.inputColumns;
    if (
      !Array.isArray(columns) ||
      columns.length === 0 ||
      columns.some((c) => typeof c !== "string" || !c)
    ) {
      failures.push({
        property: "training.inputColumns",
        reason: "must list the training service's input columns",
      });
    }
  }
  const store = (news.store ?? {}) as Record<string, unknown>;
  if (!containsUnknown(store.connectionString) && typeof store.connectionString !== "string") {
    failures.push({
      property: "store.connectionString",
      reason: "is required (it comes from ModelStorage)",
    });
  } else if (
    typeof store.connectionString === "string" &&
    !containsUnknown(store.connectionString) &&
    !/AccountKey=/i.test(store.connectionString)
  ) {
    failures.push({
      property: "store.connectionString",
      reason: "must include AccountKey: BES reads and writes blobs with it",
    });
  }
  failures.push(...limitFailures(containerName(), store.dataContainer, "store.dataContainer"));
  failures.push(...limitFailures(containerName(), store.modelContainer, "store.modelContainer"));
  if (news.serving !== undefined && !containsUnknown(news.serving)) {
    const kind = (news.serving as { kind?: unknown }).kind;
    if (kind !== "arm" && kind !== "classic") {
      failures.push({
        property: "serving.kind",
        reason: `must be "arm" or "classic", got ${JSON.stringify(kind)}`,
      });
    }
  }

  return {
    failures,
    normalized: {
      parameters,
      ...(gate.gate ? { gate: gate.gate } : {}),
      retain: retain as boolean,
      deadlineMinutes: deadlineMinutes as number,
    },
  };
}
