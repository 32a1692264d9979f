/**
 * Exported web service definitions (the ARM JSON of `definitions/*.json`): loading, and reading off
 * what the program and the providers need to know about them without running anything: the
 * input port and its columns, which output carries the trained model and which the evaluation,
 * and the name of the trained-model asset a predictive service scores with.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { findTrainedModelAsset } from "../clients/arm";
import type { ArmWebService, WebServiceProperties } from "../contract";
import { canonicalJson } from "./shared/values";

export { canonicalJson } from "./shared/values";

/** A definition file, parsed and checked. */
export interface LoadedDefinition {
  /** Path it was read from (as given). */
  readonly file: string;
  /** Its `properties`, without deployment-specific members (keys, storage, workspace, plan). */
  readonly properties: WebServiceProperties;
  /** SHA-256 of the canonical JSON of `properties`: a change of the graph shows in diffs. */
  readonly sha256: string;
  /** The service's web service input port (the first one). */
  readonly inputPort: string;
  /** Columns of that input, as the definition declares them. */
  readonly inputColumns: string[];
}

/** What a training definition tells the retrain provider. */
export interface TrainingShape {
  readonly inputPort: string;
  readonly inputColumns: string[];
  /** Output fed by Train Model. */
  readonly modelOutput: string;
  /** Output fed by Evaluate Model. */
  readonly evaluationOutput: string;
  /**
   * Outputs fed by a saved transformation (Normalize Data's "Transformation function", ...):
   * retraining writes them beside the model, so model and transformation stay a pair.
   */
  readonly transformOutputs: string[];
  /**
   * The output fed by Score Model (the held-out rows with the candidate's own scores), when the
   * definition has one: a staged rollout compares what each endpoint serves with it.
   */
  readonly scoresOutput?: string;
}

/** Studio's ports that hold a saved transformation (ITransform). */
const TRANSFORM_PORTS = [
  "transformation function",
  "binning transformation",
  "cleaning transformation",
  "indicator transformation",
];

/** Members set per deployment, never taken from a definition file. */
const DEPLOYMENT_MEMBERS = [
  "keys",
  "storageAccount",
  "machineLearningWorkspace",
  "commitmentPlan",
  "provisioningState",
  "swaggerLocation",
  "createdOn",
  "modifiedOn",
];

/**
 * Reads and checks a definition file. Errors name the file and what is wrong with it.
 * @param file - path of the exported definition (relative to `cwd`)
 * @param cwd - base directory (the project)
 */
export function loadDefinition(file: string, cwd = process.cwd()): LoadedDefinition {
  const absolute = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, "utf8");
  } catch {
    throw new Error(`definition file "${file}" cannot be read (looked at ${absolute})`);
  }
  let parsed: ArmWebService;
  try {
    parsed = JSON.parse(text) as ArmWebService;
  } catch (e) {
    throw new Error(`definition file "${file}" is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return describeDefinition(parsed, file);
}

/** Checks a parsed definition and derives its shape (see {@link loadDefinition}). */
export function describeDefinition(parsed: unknown, file = "<definition>"): LoadedDefinition {
  const props = (parsed as { properties?: WebServiceProperties } | undefined)?.properties;
  if (!props || typeof props !== "object") {
    throw new Error(
      `definition "${file}" has no "properties": export it with Export-AzMlWebService`,
    );
  }
  if (props.packageType !== "Graph" || !props.package || typeof props.package !== "object") {
    throw new Error(`definition "${file}" must have packageType "Graph" and a package`);
  }
  const properties = Object.fromEntries(
    Object.entries(props).filter(([k]) => !DEPLOYMENT_MEMBERS.includes(k)),
  ) as unknown as WebServiceProperties;
  const inputs = Object.entries(props.input?.properties ?? {});
  if (inputs.length === 0) throw new Error(`definition "${file}" declares no web service input`);
  const [inputPort, table] = inputs[0];
  const inputColumns = Object.keys(table.properties ?? {});
  if (inputColumns.length === 0) {
    throw new Error(`definition "${file}": input "${inputPort}" declares no columns`);
  }
  return {
    file,
    properties,
    sha256: crypto.createHash("sha256").update(canonicalJson(properties)).digest("hex"),
    inputPort,
    inputColumns,
  };
}

/** The output node ids fed (directly) by nodes whose module has the given Studio name. */
function outputsFedBy(properties: WebServiceProperties, moduleName: string): string[] {
  const pkg = properties.package;
  if (!pkg) return [];
  const assetIds = new Set(
    Object.entries(properties.assets ?? {})
      .filter(([, a]) => a.name === moduleName)
      .map(([id]) => id),
  );
  const sourceNodes = new Set(
    Object.entries(pkg.nodes)
      .filter(([, n]) => n.assetId !== undefined && assetIds.has(n.assetId))
      .map(([id]) => id),
  );
  return pkg.edges
    .filter((e) => sourceNodes.has(e.sourceNodeId))
    .map((e) => pkg.nodes[e.targetNodeId]?.outputId)
    .filter((o): o is string => typeof o === "string");
}

/**
 * Reads the ports a retrain needs off a training definition: the output fed by Train Model (the
 * `.ilearner`) and the one fed by Evaluate Model (the metrics). Port names depend on the order the
 * outputs were added in Studio, so they are looked up, not assumed to be output1/output2.
 */
export function trainingShape(definition: LoadedDefinition): TrainingShape {
  const models = outputsFedBy(definition.properties, "Train Model");
  const evaluations = outputsFedBy(definition.properties, "Evaluate Model");
  if (models.length !== 1) {
    throw new Error(
      `training definition "${definition.file}" must have exactly one web service output fed by Train Model (found ${models.length}): add one in Studio`,
    );
  }
  if (evaluations.length !== 1) {
    throw new Error(
      `training definition "${definition.file}" must have exactly one web service output fed by Evaluate Model (found ${evaluations.length}): the gate needs the metrics`,
    );
  }
  const pkg = definition.properties.package;
  const transformOutputs = (pkg?.edges ?? [])
    .filter((e) => TRANSFORM_PORTS.includes((e.sourcePortId ?? "").trim().toLowerCase()))
    .map((e) => pkg?.nodes[e.targetNodeId]?.outputId)
    .filter((o): o is string => typeof o === "string");
  const scores = outputsFedBy(definition.properties, "Score Model");
  return {
    inputPort: definition.inputPort,
    inputColumns: definition.inputColumns,
    modelOutput: models[0],
    evaluationOutput: evaluations[0],
    transformOutputs,
    ...(scores.length > 0 ? { scoresOutput: scores[0] } : {}),
  };
}

/** The web service output {@link withScoresOutput} adds. */
export const SCORES_OUTPUT = "heldOutScores";

/**
 * The training definition with a web service output fed by its Score Model (the scored held-out
 * rows), added when it has none; unchanged when it has one. A staged rollout needs the
 * candidate's own scores from its training job: Studio computes them anyway (Evaluate Model
 * reads them), and exposing them costs one more output blob per job. Throws, naming the file,
 * when the graph has no Score Model, or more than one, to take them from.
 * @param definition - a training definition
 */
export function withScoresOutput(definition: LoadedDefinition): LoadedDefinition {
  if (outputsFedBy(definition.properties, "Score Model").length > 0) return definition;
  const pkg = definition.properties.package;
  const scoreAssets = new Set(
    Object.entries(definition.properties.assets ?? {})
      .filter(([, a]) => a.name === "Score Model")
      .map(([id]) => id),
  );
  const scoreNodes = Object.entries(pkg?.nodes ?? {}).filter(
    ([, n]) => n.assetId !== undefined && scoreAssets.has(n.assetId),
  );
  if (!pkg || scoreNodes.length !== 1) {
    throw new Error(
      `training definition "${definition.file}" has ${scoreNodes.length} Score Model modules: a staged rollout compares the endpoints with the held-out scores of exactly one; add a web service output fed by the right one in Studio`,
    );
  }
  let node = "scoresOutputNode";
  while (pkg.nodes[node]) node += "_";
  const properties: WebServiceProperties = {
    ...definition.properties,
    output: {
      ...definition.properties.output,
      type: definition.properties.output?.type ?? "object",
      properties: {
        ...definition.properties.output?.properties,
        [SCORES_OUTPUT]: { title: "Scored held-out rows", type: "object", properties: {} },
      },
    } as WebServiceProperties["output"],
    package: {
      ...pkg,
      nodes: { ...pkg.nodes, [node]: { outputId: SCORES_OUTPUT } },
      edges: [
        ...pkg.edges,
        {
          sourceNodeId: scoreNodes[0][0],
          sourcePortId: "Scored dataset",
          targetNodeId: node,
          targetPortId: "Data",
        },
      ],
    },
  };
  return {
    ...definition,
    properties,
    sha256: crypto.createHash("sha256").update(canonicalJson(properties)).digest("hex"),
  };
}

/** The trained-model asset name of a predictive definition (throws when there is not exactly one). */
export function trainedModelAssetName(definition: LoadedDefinition, name?: string): string {
  try {
    return findTrainedModelAsset(definition.properties, name).asset.name;
  } catch (e) {
    throw new Error(`predictive definition "${definition.file}": ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/**
 * Pairs the training definition's transformation outputs with the predictive definition's
 * "[transform]" assets: a retrain writes a new transformation beside each model, and the
 * predictive graph must apply the one trained with the model it scores with. One of each pair by
 * themselves; more need `declared` (`services.transformAssets`). Throws naming the fix.
 * @param outputs - the training definition's transformation outputs (`trainingShape`)
 * @param predictive - the predictive definition
 * @param declared - training output → predictive asset name, from the stack config
 * @returns the predictive asset name by training output (empty: nothing to set)
 */
export function pairTransforms(
  outputs: readonly string[],
  predictive: LoadedDefinition,
  declared?: Readonly<Record<string, string>>,
): Record<string, string> {
  const assets = Object.values(predictive.properties.assets ?? {})
    .map((a) => a.name)
    .filter((n) => n.endsWith("[transform]"));
  const setting = "azureml-retrain:services.transformAssets";
  const list = (names: readonly string[]): string =>
    names.map((n) => `"${n}"`).join(", ") || "none";
  if (declared) {
    const problems: string[] = [];
    for (const [output, asset] of Object.entries(declared)) {
      if (!outputs.includes(output))
        problems.push(
          `"${output}" is not a transformation output of the training definition (it has ${list(outputs)})`,
        );
      if (!assets.includes(asset))
        problems.push(
          `"${asset}" is not a "[transform]" asset of "${predictive.file}" (it has ${list(assets)})`,
        );
    }
    const unset = assets.filter((a) => !Object.values(declared).includes(a));
    if (outputs.length > 0 && unset.length > 0)
      problems.push(
        `${list(unset)} would keep serving the transformation in the definition: pair each with an output`,
      );
    if (problems.length > 0) throw new Error(`${setting}: ${problems.join("; ")}`);
    return { ...declared };
  }
  if (outputs.length === 0 || assets.length === 0) return {};
  if (outputs.length === 1 && assets.length === 1) return { [outputs[0]]: assets[0] };
  throw new Error(
    `the training definition writes transformations ${list(outputs)} and "${predictive.file}" applies ${list(assets)}: ` +
      `say which output each asset takes in ${setting} (e.g. { "${outputs[0]}": "${assets[0]}" })`,
  );
}

/**
 * The columns a saved transformation rewrites, per transformation output of a training
 * definition: read off the column selection of the module whose transformation port feeds the
 * output (Normalize Data's "Columns to transform", Clean Missing Data's "Columns to be cleaned",
 * ...). `"unknown"` when its selection is not by names (column types, all columns): it may
 * rewrite any column.
 * @param definition - a training definition
 */
export function transformedColumns(
  definition: LoadedDefinition,
): Record<string, readonly string[] | "unknown"> {
  const pkg = definition.properties.package;
  const out: Record<string, readonly string[] | "unknown"> = {};
  for (const e of pkg?.edges ?? []) {
    if (!TRANSFORM_PORTS.includes((e.sourcePortId ?? "").trim().toLowerCase())) continue;
    const output = pkg?.nodes[e.targetNodeId]?.outputId;
    if (typeof output !== "string") continue;
    const selections = Object.values(pkg?.nodes[e.sourceNodeId]?.parameters ?? {})
      .map((p) => columnSelection(p.value))
      .filter((s): s is ColumnSelection => s !== undefined);
    const names = new Set<string>();
    let unknown = selections.length === 0;
    for (const rule of selections.flatMap((s) => s.rules)) {
      if (rule.exclude === true) continue;
      if (rule.ruleType === "ColumnNames" && Array.isArray(rule.columns))
        for (const c of rule.columns) names.add(String(c));
      else unknown = true;
    }
    out[output] = unknown ? "unknown" : [...names];
  }
  return out;
}

/** Studio's column selector, as a module parameter holds it (a JSON string). */
interface ColumnSelection {
  readonly rules: readonly { ruleType?: string; exclude?: boolean; columns?: unknown[] }[];
}

/** A parameter value that is a column selector, parsed; undefined for any other value. */
function columnSelection(value: unknown): ColumnSelection | undefined {
  if (typeof value !== "string" || !value.trimStart().startsWith("{")) return undefined;
  try {
    const parsed = JSON.parse(value) as { rules?: unknown };
    return Array.isArray(parsed.rules) ? (parsed as ColumnSelection) : undefined;
  } catch {
    // Not JSON: an ordinary text parameter.
    return undefined;
  }
}
