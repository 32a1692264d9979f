/**
 * Pure logic of the v2 retrain provider: validation, the training key, job names (deterministic,
 * a new one per retry), the command line, the job body, and `diff`. No I/O.
 */
import { createHash } from "node:crypto";
import { limitFailures, requiredStrings, type FieldFailure } from "../shared/checks";
import { deadlineMinutes as deadlineLimit, LIMITS, mlName, modelVersion } from "../shared/limits";
import {
  armIdOf,
  checkTarget,
  targetKey,
  type MlDatastore,
  type MlTarget,
} from "../shared/mlTarget";
import { canonicalJson, containsUnknown, differs } from "../shared/values";
import { validateGate } from "../retrain/gate";
import type { MlTrainedModelInputs, MlTrainedModelOutputs } from "./types";

/** Parameter names: what a `--flag` and a job input name can both be. */
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** The failures of `check`, and the inputs with their defaults. */
export function checkMlTrainedModel(news: Readonly<Record<string, unknown>>): {
  failures: FieldFailure[];
  normalized: Record<string, unknown>;
} {
  const failures: FieldFailure[] = [
    ...checkTarget(news.target, "target"),
    ...limitFailures(mlName("model"), news.modelName, "modelName"),
    ...limitFailures(modelVersion(), news.version, "version"),
    ...requiredStrings(news, ["codeId", "environmentId"]),
  ];
  const data = news.data as Record<string, unknown> | undefined;
  if (!containsUnknown(data))
    failures.push(
      ...requiredStrings(data ?? {}, ["assetId", "sha256", "path"], "is required", "data."),
    );
  const normalized: Record<string, unknown> = {
    trainScript: news.trainScript ?? "train.py",
    retain: news.retain ?? true,
    deadlineMinutes: news.deadlineMinutes ?? LIMITS.deadlineMinutes.whenUnset,
  };
  failures.push(...limitFailures(deadlineLimit(), normalized.deadlineMinutes, "deadlineMinutes"));
  if (!containsUnknown(news.trainScript) && !/^[\w./-]+\.py$/.test(String(normalized.trainScript)))
    failures.push({
      property: "trainScript",
      reason: "must be a .py file in the code folder, e.g. train.py",
    });
  const parameters: Record<string, string> = {};
  const raw = news.parameters;
  if (raw !== undefined && !containsUnknown(raw)) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      failures.push({
        property: "parameters",
        reason: 'must map parameter names to values, e.g. { C: "0.5" }',
      });
    } else {
      for (const [name, value] of Object.entries(raw)) {
        if (!PARAMETER_NAME.test(name))
          failures.push({
            property: `parameters.${name}`,
            reason:
              "is passed as --<name> to the training script: use letters, digits, '_' and '-', a letter first",
          });
        else if (["data", "model", "metrics"].includes(name))
          failures.push({
            property: `parameters.${name}`,
            reason: `--${name} is the flow's own argument`,
          });
        else parameters[name] = String(value);
      }
    }
  }
  normalized.parameters = Object.fromEntries(
    Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  if (!containsUnknown(news.gate)) {
    const { gate, failures: gateFailures } = validateGate(news.gate);
    failures.push(...gateFailures);
    if (gate) normalized.gate = gate;
  }
  // What the registered version and its training key will be is known from the inputs: a preview
  // shows them downstream (the rollout sees which model it will serve).
  if (failures.length === 0 && !containsUnknown([news.target, news.modelName, news.version]))
    normalized.modelId = modelIdOf(
      news.target as MlTarget,
      String(news.modelName),
      String(news.version),
    );
  if (
    failures.length === 0 &&
    !containsUnknown([news.version, news.data, news.codeId, news.environmentId, news.trainScript])
  )
    normalized.trainingKey = trainingKey({
      version: String(news.version),
      data: news.data as MlTrainedModelInputs["data"],
      codeId: String(news.codeId),
      environmentId: String(news.environmentId),
      trainScript: String(normalized.trainScript),
      parameters: normalized.parameters as Record<string, string>,
    });
  return { failures, normalized };
}

/** The ARM id of a model version. */
export function modelIdOf(target: MlTarget, modelName: string, version: string): string {
  return armIdOf(target, `/models/${modelName}/versions/${version}`);
}

/** What the model is trained from: a change of any of these is another model. */
export function trainingKey(
  inputs: Pick<
    MlTrainedModelInputs,
    "version" | "data" | "codeId" | "environmentId" | "trainScript" | "parameters"
  >,
): string {
  return createHash("sha256")
    .update(
      canonicalJson({
        version: inputs.version,
        data: inputs.data.sha256,
        code: inputs.codeId.toLowerCase(),
        environment: inputs.environmentId.toLowerCase(),
        script: inputs.trainScript,
        parameters: inputs.parameters,
      }),
    )
    .digest("hex")
    .slice(0, 16);
}

/**
 * The job name of an attempt: `<model>-v<version>-<key>` (the first), then `-r2`, `-r3`... A job
 * name runs once, so a retry after a failed or cancelled job takes the next one.
 */
export function jobName(modelName: string, version: string, key: string, attempt: number): string {
  const slug = version
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${modelName}-v${slug}-${key.slice(0, 8)}${attempt > 1 ? `-r${attempt}` : ""}`;
}

/** A parameter's job input name (`test-size` → `test_size`). */
export function inputName(parameter: string): string {
  return parameter.replace(/-/g, "_");
}

/** The command line: the script, the data, the two outputs, then each parameter as a flag. */
export function trainCommand(script: string, parameters: Readonly<Record<string, string>>): string {
  const flags = Object.keys(parameters)
    .sort()
    .map((name) => ` --${name} \${{inputs.${inputName(name)}}}`)
    .join("");
  return `python ${script} --data \${{inputs.data}} --model \${{outputs.model}} --metrics \${{outputs.metrics}}${flags}`;
}

/** Where a job's outputs go: `models/<model>/<version>/<job>/{model,metrics}/` in the datastore. */
export function outputUri(
  datastore: Pick<MlDatastore, "name">,
  modelName: string,
  version: string,
  job: string,
  output: "model" | "metrics",
): string {
  return `azureml://datastores/${datastore.name}/paths/models/${modelName}/${version}/${job}/${output}/`;
}

/** The blob path (in the datastore's container) of an `outputUri`. */
export function outputBlobPath(
  modelName: string,
  version: string,
  job: string,
  output: "model" | "metrics",
): string {
  return `models/${modelName}/${version}/${job}/${output}`;
}

/** ISO 8601 minutes (`PT120M`). */
export function isoMinutes(minutes: number): string {
  return `PT${Math.max(1, Math.ceil(minutes))}M`;
}

/** The command job's body. */
export function jobBody(
  inputs: MlTrainedModelInputs,
  key: string,
  job: string,
): Record<string, unknown> {
  const literals = Object.fromEntries(
    Object.entries(inputs.parameters).map(([name, value]) => [
      inputName(name),
      { jobInputType: "literal", value },
    ]),
  );
  return {
    properties: {
      jobType: "Command",
      experimentName: inputs.modelName,
      displayName: `${inputs.modelName} ${inputs.version}`,
      codeId: inputs.codeId,
      environmentId: inputs.environmentId,
      // A cluster's name, or its ARM id; none: serverless on Azure.
      ...(inputs.compute
        ? {
            computeId: inputs.compute.startsWith("/")
              ? inputs.compute
              : armIdOf(inputs.target, `/computes/${inputs.compute}`),
          }
        : {}),
      command: trainCommand(inputs.trainScript, inputs.parameters),
      inputs: {
        data: { jobInputType: "uri_file", uri: inputs.data.assetId, mode: "Download" },
        ...literals,
      },
      outputs: {
        model: {
          jobOutputType: "uri_folder",
          uri: outputUri(inputs.datastore, inputs.modelName, inputs.version, job, "model"),
          mode: "Upload",
        },
        metrics: {
          jobOutputType: "uri_folder",
          uri: outputUri(inputs.datastore, inputs.modelName, inputs.version, job, "metrics"),
          mode: "Upload",
        },
      },
      limits: { jobLimitsType: "Command", timeout: isoMinutes(inputs.deadlineMinutes) },
      tags: {
        "model-version": inputs.version,
        "data-sha256": inputs.data.sha256,
        "training-key": key,
      },
    },
  };
}

/** Properties of a registered version: the metrics and the lineage (add-only, never change). */
export function modelProperties(
  key: string,
  dataSha256: string,
  metrics: Readonly<Record<string, number>>,
): Record<string, string> {
  return {
    "azureml-retrain.trainingKey": key,
    "azureml-retrain.dataSha256": dataSha256,
    ...Object.fromEntries(Object.entries(metrics).map(([k, v]) => [`metric.${k}`, String(v)])),
  };
}

/** The metrics recorded in a version's properties. */
export function metricsOf(
  properties: Readonly<Record<string, string>> | undefined,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(properties ?? {}))
    if (k.startsWith("metric.") && Number.isFinite(Number(v)))
      out[k.slice("metric.".length)] = Number(v);
  return out;
}

/** Fields whose change is another model (a replacement). */
const IDENTITY = [
  "modelName",
  "version",
  "codeId",
  "environmentId",
  "trainScript",
  "parameters",
] as const;

/** Diff: what the model is trained from replaces it; the gate, retain, deadline and serving update. */
export function diffMlTrainedModel(
  olds: Partial<MlTrainedModelOutputs>,
  news: Partial<MlTrainedModelInputs>,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: false } {
  const replaces: string[] = [];
  if (containsUnknown(news.target) || targetKey(olds.target) !== targetKey(news.target))
    replaces.push("target");
  for (const key of IDENTITY) if (differs(olds[key], news[key])) replaces.push(key);
  if (
    differs(olds.data?.sha256, news.data?.sha256) ||
    differs(olds.data?.assetId, news.data?.assetId)
  )
    replaces.push("data");
  const changes =
    replaces.length > 0 ||
    ["gate", "retain", "deadlineMinutes", "compute", "serving", "datastore"].some((k) =>
      differs(olds[k as keyof MlTrainedModelOutputs], news[k as keyof MlTrainedModelInputs]),
    ) ||
    differs(olds.data?.path, news.data?.path) ||
    differs(olds.target?.token, news.target?.token);
  return { changes, replaces, deleteBeforeReplace: false };
}
