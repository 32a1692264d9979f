/**
 * Evaluate Model (`docs/modules.md`): metrics of a scored table, optionally side by side with
 * a second one.
 *
 * Output layout (the classic pages leave it open): one row per scored input, left first,
 * one column per metric named by the results view's captions. Binary: AUC, Accuracy, Precision,
 * Recall, F1 Score, Threshold, True Positive, False Negative, False Positive, True Negative,
 * Positive Label, Negative Label, Average Log Loss. Regression: Mean Absolute Error, Root Mean
 * Squared Error, Relative Absolute Error, Relative Squared Error, Coefficient of Determination.
 * Truth is the column flagged as label; rows with a missing truth or score are left out.
 */
import type { Column, DataTable } from "../api";
import { makeColumn } from "../dataTable";
import { engineErrors } from "../errors";
import { classText, classValueAt, orderClasses } from "../learners/labels";
import type { ClassValue } from "../learners/model";
import { binaryMetrics, regressionMetrics } from "../metrics";
import { MULTICLASS_PREFIX, SCORED_LABELS, SCORED_PROBABILITIES } from "./scoreModel";
import { tableInput, tableOutput, type PortValue, type StudioModule } from "./types";

const LEFT = "Scored dataset";
const RIGHT = "Scored dataset to compare";

/** Binary evaluation columns, in order. */
export const BINARY_METRIC_COLUMNS = [
  "AUC",
  "Accuracy",
  "Precision",
  "Recall",
  "F1 Score",
  "Threshold",
  "True Positive",
  "False Negative",
  "False Positive",
  "True Negative",
  "Positive Label",
  "Negative Label",
  "Average Log Loss",
] as const;

/** Regression evaluation columns, in order. */
export const REGRESSION_METRIC_COLUMNS = [
  "Mean Absolute Error",
  "Root Mean Squared Error",
  "Relative Absolute Error",
  "Relative Squared Error",
  "Coefficient of Determination",
] as const;

type Row = Record<string, number | string>;
type Kind = "binary" | "regression" | "multiclass" | "clustering";

/** The Evaluate Model module. */
export const evaluateModel: StudioModule = {
  name: "Evaluate Model",
  category: "Machine Learning / Evaluate",
  differences: [
    "The output table's layout is the emulator's (Studio left it undocumented): one row per scored input for binary and regression models, Studio's clustering table, and the multiclass table described above; regression has no Negative Log Likelihood.",
  ],
  inputs: [
    { name: LEFT, type: "DataTable" },
    { name: RIGHT, type: "DataTable", optional: true },
  ],
  outputs: [{ name: "Evaluation results", type: "DataTable" }],
  parameters: [],
  run(inputs) {
    const leftTable = tableInput(inputs[0], LEFT);
    const second: PortValue | undefined = inputs[1];
    const rightTable = second ? tableInput(second, RIGHT) : undefined;
    const kindOf = (t: DataTable): Kind | undefined =>
      t.columns.some((c) => c.name === ASSIGNMENTS)
        ? "clustering"
        : t.columns.some((c) => c.usage === "score" && c.name.startsWith(MULTICLASS_PREFIX))
          ? "multiclass"
          : undefined;
    const special = kindOf(leftTable);
    if (special) {
      if (rightTable && kindOf(rightTable) !== special) throw engineErrors.module("0062");
      const evaluateOne = special === "clustering" ? evaluateClustering : evaluateMulticlass;
      const tables = [evaluateOne(leftTable, LEFT, false)];
      if (rightTable) tables.push(evaluateOne(rightTable, RIGHT, true));
      return [tableOutput(stack(tables))];
    }
    const left = evaluate(leftTable, LEFT);
    const results = [left];
    if (rightTable) {
      if (kindOf(rightTable)) throw engineErrors.module("0062");
      const right = evaluate(rightTable, RIGHT);
      if (right.kind !== left.kind) throw engineErrors.module("0062");
      results.push(right);
    }
    return [
      tableOutput(
        toTable(
          left.kind,
          results.map((r) => r.row),
        ),
      ),
    ];
  },
};

/**
 * The metrics of one scored table by name (binary: the binary captions; regression: the five
 * regression captions; multiclass: the overall columns), for Cross Validate Model, Tune Model
 * Hyperparameters and Permutation Feature Importance.
 *
 * @param table - a scored table
 * @param portName - input port display name, for messages
 */
export function scoredMetrics(
  table: DataTable,
  portName = LEFT,
): { kind: Exclude<Kind, "clustering">; metrics: Record<string, number> } {
  if (table.columns.some((c) => c.usage === "score" && c.name.startsWith(MULTICLASS_PREFIX))) {
    const result = evaluateMulticlass(table, portName, false);
    const metrics: Record<string, number> = {};
    for (const name of MULTICLASS_OVERALL_COLUMNS)
      metrics[name] = (result.columns.find((c) => c.name === name)!.values as Float64Array)[0];
    return { kind: "multiclass", metrics };
  }
  const { kind, row } = evaluate(table, portName);
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(row))
    if (typeof value === "number") metrics[name] = value;
  return { kind, metrics };
}

/** Name of Assign Data to Clusters' cluster column. */
export const ASSIGNMENTS = "Assignments";
/** Prefix of its distance columns (`DistancesToClusterCenter no.0`, ...). */
export const DISTANCE_PREFIX = "DistancesToClusterCenter no.";

/** Multiclass evaluation's overall columns, in order. */
export const MULTICLASS_OVERALL_COLUMNS = [
  "Overall Accuracy",
  "Average Accuracy",
  "Micro-averaged Precision",
  "Macro-averaged Precision",
  "Micro-averaged Recall",
  "Macro-averaged Recall",
] as const;

/** Clustering evaluation's columns after "Result Description", in order. */
export const CLUSTERING_COLUMNS = [
  "Average Distance to Cluster Center",
  "Average Distance to Other Center",
  "Number of Points",
  "Maximal Distance To Cluster Center",
] as const;

/** Tables with the same leading column, rows one after the other; columns united by name. */
function stack(tables: DataTable[]): DataTable {
  const names: string[] = [];
  for (const t of tables)
    for (const c of t.columns) if (!names.includes(c.name)) names.push(c.name);
  const rowCount = tables.reduce((n, t) => n + t.rowCount, 0);
  const columns = names.map((name) => {
    const like = tables.flatMap((t) => t.columns.filter((c) => c.name === name))[0];
    if (like.type === "String") {
      const values: (string | null)[] = [];
      for (const t of tables) {
        const c = t.columns.find((x) => x.name === name);
        for (let r = 0; r < t.rowCount; r++)
          values.push(c ? ((c.values as (string | null)[])[r] ?? null) : null);
      }
      return makeColumn(name, "String", values);
    }
    const values = new Float64Array(rowCount);
    let at = 0;
    for (const t of tables) {
      const c = t.columns.find((x) => x.name === name);
      for (let r = 0; r < t.rowCount; r++) values[at++] = c ? (c.values as Float64Array)[r] : NaN;
    }
    return makeColumn(name, like.type, values);
  });
  return { rowCount, columns };
}

/**
 * Multiclass metrics (overall accuracy, average one-vs-rest accuracy, micro and macro precision
 * and recall) in a "Combined Evaluation" row, then one row per actual class with its precision,
 * recall and the confusion matrix row (`Predicted <class>` counts).
 */
function evaluateMulticlass(table: DataTable, portName: string, compare: boolean): DataTable {
  const truth = table.columns.find((c) => c.usage === "label");
  if (!truth) throw engineErrors.module("0024", portName);
  const predicted = scoreColumn(table, SCORED_LABELS);
  if (!predicted) throw engineErrors.module("0025", portName, "multiclass classification learner");
  const seen = new Set<ClassValue>();
  const pairs: [ClassValue, ClassValue][] = [];
  for (let i = 0; i < table.rowCount; i++) {
    const t = classValueAt(truth, i);
    const pv = classValueAt(predicted, i);
    if (t === null || pv === null) continue;
    // Compare as text when the truth's and the scores' storage differ (numeric vs text labels).
    const a = typeof t === typeof pv ? t : classText(truth, t);
    const b = typeof t === typeof pv ? pv : String(pv);
    pairs.push([a, b]);
    seen.add(a);
    seen.add(b);
  }
  if (pairs.length === 0) throw engineErrors.module("0021", portName, 1);
  const classes = [...seen].sort((x, y) =>
    typeof x === "number" && typeof y === "number"
      ? x - y
      : String(x) < String(y)
        ? -1
        : String(x) > String(y)
          ? 1
          : 0,
  );
  const index = new Map(classes.map((c, i) => [c, i]));
  const k = classes.length;
  const confusion = Array.from({ length: k }, () => new Float64Array(k));
  for (const [a, b] of pairs) confusion[index.get(a)!][index.get(b)!]++;
  const n = pairs.length;
  let correct = 0;
  const precision: number[] = [];
  const recall: number[] = [];
  let averageAccuracy = 0;
  for (let c = 0; c < k; c++) {
    const tp = confusion[c][c];
    correct += tp;
    let predictedC = 0;
    let actualC = 0;
    for (let j = 0; j < k; j++) {
      predictedC += confusion[j][c];
      actualC += confusion[c][j];
    }
    precision.push(predictedC > 0 ? tp / predictedC : 0);
    recall.push(actualC > 0 ? tp / actualC : 0);
    averageAccuracy += (n - actualC - predictedC + 2 * tp) / n;
  }
  const accuracy = correct / n;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const label = (c: ClassValue) => classText(truth, c);
  const prefix = compare ? `${portName}: ` : "";
  const rows = k + 1;
  const cell = (overall: number) =>
    Float64Array.from({ length: rows }, (_, r) => (r === 0 ? overall : NaN));
  const columns = [
    makeColumn("Result Description", "String", [
      `${prefix}Combined Evaluation`,
      ...classes.map((c) => `${prefix}Evaluation For Class ${label(c)}`),
    ]),
    makeColumn("Overall Accuracy", "Double", cell(accuracy)),
    makeColumn("Average Accuracy", "Double", cell(averageAccuracy / k)),
    makeColumn("Micro-averaged Precision", "Double", cell(accuracy)),
    makeColumn("Macro-averaged Precision", "Double", cell(mean(precision))),
    makeColumn("Micro-averaged Recall", "Double", cell(accuracy)),
    makeColumn("Macro-averaged Recall", "Double", cell(mean(recall))),
    makeColumn(
      "Precision",
      "Double",
      Float64Array.from({ length: rows }, (_, r) => (r === 0 ? NaN : precision[r - 1])),
    ),
    makeColumn(
      "Recall",
      "Double",
      Float64Array.from({ length: rows }, (_, r) => (r === 0 ? NaN : recall[r - 1])),
    ),
    ...classes.map((c, j) =>
      makeColumn(
        `Predicted ${label(c)}`,
        "Int64",
        Float64Array.from({ length: rows }, (_, r) => {
          if (r > 0) return confusion[r - 1][j];
          let total = 0;
          for (let i = 0; i < k; i++) total += confusion[i][j];
          return total;
        }),
      ),
    ),
  ];
  return { rowCount: rows, columns };
}

/**
 * Clustering metrics, as Studio's clustering results show them: a "Combined Evaluation" row,
 * then one row per cluster ("Evaluation For Cluster No.k").
 */
function evaluateClustering(table: DataTable, portName: string, compare: boolean): DataTable {
  const assignments = table.columns.find((c) => c.name === ASSIGNMENTS)!;
  const distances = table.columns
    .filter((c) => c.name.startsWith(DISTANCE_PREFIX))
    .sort(
      (a, b) =>
        Number(a.name.slice(DISTANCE_PREFIX.length)) - Number(b.name.slice(DISTANCE_PREFIX.length)),
    )
    .map((c) => c.values as Float64Array);
  if (distances.length === 0) throw engineErrors.module("0025", portName, "clustering model");
  const k = distances.length;
  const assigned = assignments.values as Float64Array;
  const own = new Float64Array(k + 1);
  const other = new Float64Array(k + 1);
  const count = new Float64Array(k + 1);
  const max = new Float64Array(k + 1);
  for (let i = 0; i < table.rowCount; i++) {
    const c = assigned[i];
    if (c !== c) continue;
    const d = distances[c][i];
    let others = 0;
    for (let j = 0; j < k; j++) if (j !== c) others += distances[j][i];
    others /= Math.max(k - 1, 1);
    for (const slot of [0, c + 1]) {
      own[slot] += d;
      other[slot] += others;
      count[slot] += 1;
      max[slot] = Math.max(max[slot], d);
    }
  }
  if (count[0] === 0) throw engineErrors.module("0021", portName, 1);
  const prefix = compare ? `${portName}: ` : "";
  return {
    rowCount: k + 1,
    columns: [
      makeColumn("Result Description", "String", [
        `${prefix}Combined Evaluation`,
        ...Array.from({ length: k }, (_, c) => `${prefix}Evaluation For Cluster No.${c}`),
      ]),
      makeColumn(
        CLUSTERING_COLUMNS[0],
        "Double",
        own.map((v, s) => (count[s] > 0 ? v / count[s] : NaN)),
      ),
      makeColumn(
        CLUSTERING_COLUMNS[1],
        "Double",
        other.map((v, s) => (count[s] > 0 ? v / count[s] : NaN)),
      ),
      makeColumn(CLUSTERING_COLUMNS[2], "Int64", count),
      makeColumn(
        CLUSTERING_COLUMNS[3],
        "Double",
        max.map((v, s) => (count[s] > 0 ? v : NaN)),
      ),
    ],
  };
}

function scoreColumn(table: DataTable, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name && c.usage === "score");
}

function evaluate(table: DataTable, portName: string): { kind: "binary" | "regression"; row: Row } {
  const probs = scoreColumn(table, SCORED_PROBABILITIES);
  const labels = scoreColumn(table, SCORED_LABELS);
  if (!probs && !labels) {
    throw engineErrors.module("0025", portName, "binary classification or regression learner");
  }
  const truth = table.columns.find((c) => c.usage === "label");
  if (!truth) throw engineErrors.module("0024", portName);
  if (probs) return { kind: "binary", row: evaluateBinary(truth, probs, labels, portName) };
  if (!(truth.values instanceof Float64Array))
    throw engineErrors.module("0017", truth.type, truth.name);
  const t = truth.values;
  const p = labels!.values as Float64Array;
  const keepT: number[] = [];
  const keepP: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t[i] === t[i] && p[i] === p[i]) {
      keepT.push(t[i]);
      keepP.push(p[i]);
    }
  }
  if (keepT.length === 0) throw engineErrors.module("0021", portName, 1);
  const m = regressionMetrics(keepT, keepP);
  return {
    kind: "regression",
    row: {
      "Mean Absolute Error": m.meanAbsoluteError,
      "Root Mean Squared Error": m.rootMeanSquaredError,
      "Relative Absolute Error": m.relativeAbsoluteError,
      "Relative Squared Error": m.relativeSquaredError,
      "Coefficient of Determination": m.coefficientOfDetermination,
    },
  };
}

/**
 * The positive and negative classes: the positive-class rule (`docs/modules.md`) over the truth and scored-label values; when
 * only one class appears, it is positive if the model calls it positive (or it is true/1).
 */
function classes(
  truth: Column,
  probs: Float64Array,
  labels: Column | undefined,
  portName: string,
): { positive: ClassValue | null; negative: ClassValue | null } {
  const seen = new Set<ClassValue>();
  const add = (col: Column) => {
    for (let i = 0; i < col.values.length && seen.size <= 2; i++) {
      const v = classValueAt(col, i);
      if (v !== null) seen.add(v);
    }
  };
  add(truth);
  // Scored labels share the truth's storage when the model was trained on this label.
  if (labels && labels.values instanceof Float64Array === truth.values instanceof Float64Array) {
    add(labels);
  }
  if (seen.size > 2) throw engineErrors.module("0018", portName);
  if (seen.size === 0) throw engineErrors.module("0021", portName, 1);
  const [a, b] = [...seen];
  if (seen.size === 2) {
    const [negative, positive] = orderClasses(a, b);
    return { positive, negative };
  }
  let positiveByScore = false;
  if (labels) {
    for (let i = 0; i < probs.length && !positiveByScore; i++) {
      positiveByScore = probs[i] > 0.5 && classValueAt(labels, i) === a;
    }
  }
  return positiveByScore || a === 1
    ? { positive: a, negative: null }
    : { positive: null, negative: a };
}

function evaluateBinary(
  truth: Column,
  probsCol: Column,
  labels: Column | undefined,
  portName: string,
): Row {
  const probs = probsCol.values as Float64Array;
  const { positive, negative } = classes(truth, probs, labels, portName);
  const y: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < probs.length; i++) {
    const t = classValueAt(truth, i);
    if (t === null || probs[i] !== probs[i]) continue;
    y.push(t === positive ? 1 : 0);
    p.push(probs[i]);
  }
  if (y.length === 0) throw engineErrors.module("0021", portName, 1);
  const m = binaryMetrics(y, p);
  return {
    AUC: m.auc,
    Accuracy: m.accuracy,
    Precision: m.precision,
    Recall: m.recall,
    "F1 Score": m.f1,
    Threshold: m.threshold,
    "True Positive": m.truePositive,
    "False Negative": m.falseNegative,
    "False Positive": m.falsePositive,
    "True Negative": m.trueNegative,
    "Positive Label": positive !== null ? classText(truth, positive) : "",
    "Negative Label": negative !== null ? classText(truth, negative) : "",
    "Average Log Loss": m.averageLogLoss,
  };
}

function toTable(kind: Kind, rows: Row[]): DataTable {
  const names: readonly string[] =
    kind === "binary" ? BINARY_METRIC_COLUMNS : REGRESSION_METRIC_COLUMNS;
  const columns = names.map((name) => {
    if (name === "Positive Label" || name === "Negative Label") {
      return makeColumn(
        name,
        "String",
        rows.map((r) => String(r[name])),
      );
    }
    const integer = name.startsWith("True ") || name.startsWith("False ");
    return makeColumn(
      name,
      integer ? "Int64" : "Double",
      Float64Array.from(rows.map((r) => Number(r[name]))),
    );
  });
  return { rowCount: rows.length, columns };
}
