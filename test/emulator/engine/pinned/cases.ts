/**
 * The cases whose numbers are pinned in `outputs.json`: training graphs of every supervised
 * learner (the sample definitions on the data/ CSVs, and small graphs on a generated table with
 * numeric, categorical, Boolean and missing cells) and their predictive graphs scoring probe rows.
 * Only the engine API that existed before the hot-path work is used here (`runGraph`,
 * `tableFromRows`, `applySchema`, `parseCsv`), so that `pin.ts` can run this file against the
 * earlier implementation and the test against the current one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { WebServiceProperties } from "../../../../contract";
import {
  applySchema,
  parseCsv,
  runGraph,
  tableFromRows,
  type DataTable,
  type GraphOutput,
} from "../../../../emulator/engine";
import { graphProperties, type TestSchema } from "../../../helpers/graphs";

/** A cell of a request row. */
export type Cell = string | number | boolean | null;

/** A column as pinned: numbers as JSON numbers (null = missing), strings as strings. */
export interface PinnedColumn {
  readonly name: string;
  readonly type: string;
  readonly values: readonly (number | string | null)[];
}

/** Every dataset output of one graph run, by output name. */
export type PinnedOutputs = Record<string, readonly PinnedColumn[]>;

/** What a predictive case scores: its definition, its resources and the request rows. */
export interface PredictiveCase {
  readonly properties: WebServiceProperties;
  /** Resource bytes by asset id (the models and transforms a training case produced). */
  readonly resources: Record<string, Uint8Array>;
  readonly columns: string[];
  readonly rows: Cell[][];
}

/** One case: a training run (its outputs pinned) and the predictive run of what it trained. */
export interface PinnedCase {
  readonly name: string;
  readonly training: PinnedOutputs;
  readonly predictive: PredictiveCase;
  /** The predictive run's outputs (the ordinary run, one request with every probe row). */
  readonly scored: PinnedOutputs;
}

const root = join(__dirname, "..", "..", "..", "..");
const TRAINED_AT = "2026-12-01T00:00:00.000Z";

function definition(name: string): WebServiceProperties {
  const file = join(root, "definitions", `${name}.json`);
  return (JSON.parse(readFileSync(file, "utf8")) as { properties: WebServiceProperties })
    .properties;
}

/** A table's columns as pinned (NaN → null). */
export function pinTable(table: DataTable): PinnedColumn[] {
  return table.columns.map((c) => ({
    name: c.name,
    type: c.type,
    values: Array.from(c.values as ArrayLike<number | string | null>, (v) =>
      typeof v === "number" && Number.isNaN(v) ? null : v,
    ),
  }));
}

function datasets(outputs: Record<string, GraphOutput>): PinnedOutputs {
  const pinned: PinnedOutputs = {};
  for (const [name, output] of Object.entries(outputs))
    if (output.kind === "dataset") pinned[name] = pinTable(output.table);
  return pinned;
}

/** The resource bytes of a training run, keyed by the predictive graph's asset ids. */
function resourcesOf(
  outputs: Record<string, GraphOutput>,
  predictive: WebServiceProperties,
): Record<string, Uint8Array> {
  const models = Object.values(outputs).flatMap((o) => (o.kind === "model" ? [o.ilearner] : []));
  const transforms = Object.values(outputs).flatMap((o) =>
    o.kind === "transform" ? [o.itransform] : [],
  );
  const resources: Record<string, Uint8Array> = {};
  for (const [id, asset] of Object.entries(predictive.assets ?? {})) {
    if (asset.name.endsWith("[trained model]")) resources[id] = models[0];
    if (asset.name.endsWith("[transform]")) resources[id] = transforms[0];
  }
  return resources;
}

/** Runs a predictive case the ordinary way (rows → table typed by the schema → graph). */
export function scorePredictive(c: PredictiveCase): PinnedOutputs {
  const spec = c.properties.input?.properties?.input1;
  let table = tableFromRows(c.columns, c.rows, spec);
  if (spec) table = applySchema(table, spec, "input1");
  const result = runGraph({
    properties: c.properties,
    inputs: { input1: table },
    globalParameters: {},
    trainedModels: c.resources,
  });
  return datasets(result.outputs);
}

/** Rows of a data/ CSV without one column, as text cells (what a client reading the CSV sends). */
function csvRows(file: string, without: string, from: number, count: number) {
  const [header, ...lines] = readFileSync(join(root, "data", file), "utf8")
    .trim()
    .split("\n");
  const names = header.split(",");
  const keep = names.map((n, i) => (n === without ? -1 : i)).filter((i) => i >= 0);
  return {
    columns: keep.map((i) => names[i]),
    rows: lines.slice(from, from + count).map((line): Cell[] => {
      const cells = line.split(",");
      return keep.map((i) => cells[i]);
    }),
  };
}

function sampleCase(
  name: string,
  training: string,
  predictive: string,
  csv: string,
  label: string,
  probeCsv: string,
): PinnedCase {
  const trainingProps = definition(training);
  let table = parseCsv(readFileSync(join(root, "data", csv)), "input1");
  table = applySchema(table, trainingProps.input!.properties.input1, "input1");
  const result = runGraph({
    properties: trainingProps,
    inputs: { input1: table },
    globalParameters: {},
    trainedModels: {},
    trainedAt: TRAINED_AT,
  });
  const properties = definition(predictive);
  const { columns, rows } = csvRows(probeCsv, label, 0, 250);
  const c: PredictiveCase = {
    properties,
    resources: resourcesOf(result.outputs, properties),
    columns,
    rows,
  };
  return { name, training: datasets(result.outputs), predictive: c, scored: scorePredictive(c) };
}

/** A deterministic generator (a 32-bit LCG), so the generated table never changes. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SCHEMA: TestSchema = { x: "Number", z: "Integer", c: "String", b: "Boolean", w: "Number" };
const FEATURES = ["x", "z", "c", "b", "w"];

/** Generated rows: numeric, integer, categorical (with a rare level), Boolean, some missing. */
function generatedRows(count: number, seed: number): Cell[][] {
  const r = lcg(seed);
  const levels = ["red", "green", "blue", "amber", "violet"];
  const rows: Cell[][] = [];
  for (let i = 0; i < count; i++) {
    const x = Math.round((r() * 20 - 5) * 1000) / 1000;
    const z = Math.floor(r() * 9);
    const c = levels[Math.min(4, Math.floor(r() * 4.2))];
    const b = r() < 0.4;
    const w = Math.round(r() * 1e6) / 100;
    rows.push([
      r() < 0.03 ? null : x,
      r() < 0.03 ? null : z,
      r() < 0.03 ? null : c,
      r() < 0.03 ? null : b ? "True" : "False",
      w,
    ]);
  }
  return rows;
}

/** The generated label of a row, for each task. */
const LABELS: Record<string, (row: Cell[], noise: number) => Cell> = {
  binary: (row, noise) => {
    const [x, z, c, b] = row;
    const s =
      0.6 * Number(x ?? 0) -
      0.4 * Number(z ?? 0) +
      (c === "red" ? 1.5 : 0) +
      (b === "True" ? 1 : 0) +
      noise * 3;
    return s > 1 ? "yes" : "no";
  },
  multiclass: (row, noise) => {
    const s = Number(row[0] ?? 0) + noise * 4 + (row[2] === "blue" ? 3 : 0);
    return s < 2 ? "low" : s < 8 ? "mid" : "high";
  },
  regression: (row, noise) =>
    Math.round(
      (2 * Number(row[0] ?? 0) + Number(row[1] ?? 0) * 0.5 + (row[2] === "green" ? 4 : 0) + noise) *
        1000,
    ) / 1000,
  count: (row, noise) =>
    Math.max(
      0,
      Math.round(Math.exp(0.1 * Number(row[0] ?? 0) + 0.05 * Number(row[1] ?? 0) + noise * 0.3)),
    ),
};

const pick = (...names: string[]): string =>
  JSON.stringify({
    isFilter: true,
    rules: [{ ruleType: "ColumnNames", exclude: false, columns: names }],
  });

const modelAsset = {
  asset: {
    name: "M [trained model]",
    type: "Resource",
    locationInfo: { uri: "" },
    outputPorts: { "Trained model": { type: "Dataset" } },
  },
} as const;

const transformAsset = {
  asset: {
    name: "N [transform]",
    type: "Resource",
    locationInfo: { uri: "" },
    outputPorts: { Transformation: { type: "Dataset" } },
  },
} as const;

/**
 * A small training graph: (Normalize Data →) Split Data → Train Model → Score Model → Evaluate
 * Model, with the model (and the transform) as outputs; and its predictive graph.
 */
function learnerCase(
  learner: string,
  task: keyof typeof LABELS,
  params: Record<string, string>,
  normalize = false,
): PinnedCase {
  const noise = lcg(7);
  const rows = generatedRows(1500, 11).map((row) => [...row, LABELS[task](row, noise() - 0.5)]);
  const labelType = task === "regression" ? "Number" : task === "count" ? "Integer" : "String";
  const nodes: Parameters<typeof graphProperties>[0] = {
    in: { input: "input1" },
    split: {
      module: "Split Data",
      params: { "Fraction of rows in the first output dataset": "0.7", "Random seed": "42" },
    },
    learner: { module: learner, params },
    train: { module: "Train Model", params: { "Label column": pick("y") } },
    score: { module: "Score Model" },
    evaluate: { module: "Evaluate Model" },
    model: { output: "model" },
    scored: { output: "scored" },
    evaluation: { output: "evaluation" },
  };
  const edges = [
    "split:Results dataset1 -> train:Dataset",
    "learner:Untrained model -> train:Untrained model",
    "train:Trained model -> model:",
    "train:Trained model -> score:Trained model",
    "split:Results dataset2 -> score:Dataset",
    "score:Scored dataset -> scored:",
    "score:Scored dataset -> evaluate:Scored dataset",
    "evaluate:Evaluation results -> evaluation:",
  ];
  if (normalize) {
    nodes.normalize = {
      module: "Normalize Data",
      params: { "Transformation method": "ZScore", "Columns to transform": pick("x", "w") },
    };
    nodes.transform = { output: "transform" };
    edges.push(
      "in:Data -> normalize:Dataset",
      "normalize:Transformed dataset -> split:Dataset",
      "normalize:Transformation function -> transform:",
    );
  } else edges.push("in:Data -> split:Dataset");
  const trainingSchema = { ...SCHEMA, y: labelType } as TestSchema;
  const training = graphProperties(nodes, edges, { inputs: { input1: trainingSchema } });
  const spec = training.input!.properties.input1;
  const table = applySchema(tableFromRows([...FEATURES, "y"], rows, spec), spec, "input1");
  const result = runGraph({
    properties: training,
    inputs: { input1: table },
    globalParameters: {},
    trainedModels: {},
    trainedAt: TRAINED_AT,
  });

  const predictiveNodes: Parameters<typeof graphProperties>[0] = {
    in: { input: "input1" },
    model: modelAsset,
    score: { module: "Score Model" },
    out: { output: "output1" },
  };
  const predictiveEdges = [
    "model:Trained model -> score:Trained model",
    "score:Scored dataset -> out:",
  ];
  if (normalize) {
    predictiveNodes.normalization = transformAsset;
    predictiveNodes.apply = { module: "Apply Transformation" };
    predictiveEdges.push(
      "in:Data -> apply:Dataset",
      "normalization:Transformation -> apply:Transformation",
      "apply:Transformed dataset -> score:Dataset",
    );
  } else predictiveEdges.push("in:Data -> score:Dataset");
  const properties = graphProperties(predictiveNodes, predictiveEdges, {
    inputs: { input1: SCHEMA },
  });
  // Probe rows: fresh generated rows, plus an unseen level, every feature missing, numbers as text.
  const probe = generatedRows(120, 99);
  probe.push(
    [1.5, 3, "teal", "True", 10],
    [null, null, null, null, 0],
    ["2.5", "4", "red", "true", "77.7"],
  );
  const c: PredictiveCase = {
    properties,
    resources: resourcesOf(result.outputs, properties),
    columns: FEATURES,
    rows: probe,
  };
  // The held-out rows' features are the generated input: only their scores are pinned.
  const trainingOutputs = datasets(result.outputs);
  trainingOutputs.scored = trainingOutputs.scored.filter((c) => c.name.startsWith("Scored "));
  return {
    name: `${learner}${normalize ? " after Normalize Data" : ""}`,
    training: trainingOutputs,
    predictive: c,
    scored: scorePredictive(c),
  };
}

/** Every pinned case, computed with the engine this file is compiled against. */
export function pinnedCases(): PinnedCase[] {
  return [
    sampleCase(
      "census (sample definitions)",
      "census-training",
      "census-predictive",
      "census-2026-10.csv",
      "income",
      "census-2026-11.csv",
    ),
    sampleCase(
      "bike demand (sample definitions)",
      "bike-demand-training",
      "bike-demand-predictive",
      "bike-demand-sample.csv",
      "count",
      "bike-demand-sample.csv",
    ),
    learnerCase("Two-Class Logistic Regression", "binary", {}),
    learnerCase("Two-Class Logistic Regression", "binary", {}, true),
    learnerCase("Two-Class Boosted Decision Tree", "binary", {
      "Number of trees constructed": "20",
    }),
    learnerCase("Two-Class Decision Forest", "binary", { "Number of decision trees": "4" }),
    learnerCase("Two-Class Averaged Perceptron", "binary", {}),
    learnerCase("Two-Class Support Vector Machine", "binary", { "Number of iterations": "5" }),
    learnerCase("Multiclass Logistic Regression", "multiclass", {}),
    learnerCase("Multiclass Decision Forest", "multiclass", { "Number of decision trees": "4" }),
    learnerCase("Linear Regression", "regression", {}),
    learnerCase("Boosted Decision Tree Regression", "regression", {
      "Total number of trees constructed": "20",
    }),
    learnerCase("Decision Forest Regression", "regression", { "Number of decision trees": "4" }),
    learnerCase("Poisson Regression", "count", {}),
  ];
}
