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
import { SCORED_LABELS, SCORED_PROBABILITIES } from "./scoreModel";
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
type Kind = "binary" | "regression";

/** The Evaluate Model module. */
export const evaluateModel: StudioModule = {
  name: "Evaluate Model",
  inputs: [
    { name: LEFT, type: "DataTable" },
    { name: RIGHT, type: "DataTable", optional: true },
  ],
  outputs: [{ name: "Evaluation results", type: "DataTable" }],
  parameters: [],
  run(inputs) {
    const left = evaluate(tableInput(inputs[0], LEFT), LEFT);
    const results = [left];
    const second: PortValue | undefined = inputs[1];
    if (second) {
      const right = evaluate(tableInput(second, RIGHT), RIGHT);
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

function scoreColumn(table: DataTable, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name && c.usage === "score");
}

function evaluate(table: DataTable, portName: string): { kind: Kind; row: Row } {
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
