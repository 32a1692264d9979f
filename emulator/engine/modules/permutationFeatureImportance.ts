/**
 * Permutation Feature Importance: for each feature the model uses, the drop in the chosen metric
 * when that column's values are shuffled (seeded) in the test rows; larger means more important.
 * Features are listed most important first.
 */
import type { DataTable } from "../api";
import { makeColumn, takeColumnRows } from "../dataTable";
import { engineErrors } from "../errors";
import { Rng } from "../rng";
import { scoredMetrics } from "./evaluateModel";
import { scoreTable } from "./scoreModel";
import { tableInput, tableOutput, type StudioModule } from "./types";

const METRICS: Record<string, { name: string; multiclass?: string; higher: boolean }> = {
  "Classification - Accuracy": { name: "Accuracy", multiclass: "Overall Accuracy", higher: true },
  "Classification - Precision": {
    name: "Precision",
    multiclass: "Macro-averaged Precision",
    higher: true,
  },
  "Classification - Recall": { name: "Recall", multiclass: "Macro-averaged Recall", higher: true },
  "Classification - Average Log Loss": { name: "Average Log Loss", higher: false },
  "Regression - Mean Absolute Error": { name: "Mean Absolute Error", higher: false },
  "Regression - Root Mean Squared Error": { name: "Root Mean Squared Error", higher: false },
  "Regression - Relative Absolute Error": { name: "Relative Absolute Error", higher: false },
  "Regression - Relative Squared Error": { name: "Relative Squared Error", higher: false },
  "Regression - Coefficient of Determination": {
    name: "Coefficient of Determination",
    higher: true,
  },
};

/** The Permutation Feature Importance module. */
export const permutationFeatureImportance: StudioModule = {
  name: "Permutation Feature Importance",
  category: "Feature Selection",
  inputs: [
    { name: "Trained model", type: "ILearner" },
    { name: "Test data", type: "DataTable" },
  ],
  outputs: [{ name: "Feature importance", type: "DataTable" }],
  parameters: [
    { name: "Random seed", type: "Integer", default: "0", min: 0 },
    {
      name: "Metric for measuring performance",
      type: "Enum",
      default: "Classification - Accuracy",
      values: Object.keys(METRICS),
      enumName: "EvaluationMetricType",
    },
  ],
  differences: [
    "One shuffle per feature (seeded, in the model's feature order); the score is the metric's change in the direction where larger means more important.",
  ],
  run(inputs, ctx) {
    const value = inputs[0];
    if (!value) throw engineErrors.module("0003", "Trained model");
    if (value.type === "UntrainedLearner")
      throw engineErrors.module("0012", value.learner.moduleName);
    if (value.type !== "TrainedModel") throw engineErrors.module("0013", value.type);
    const model = value.model;
    const test = tableInput(inputs[1], "Test data");
    const choice = METRICS[ctx.params.enumValue("Metric for measuring performance")];
    const measure = (table: DataTable): number => {
      const { kind, metrics } = scoredMetrics(scoreTable(model, table), "Test data");
      const name = kind === "multiclass" ? choice.multiclass : choice.name;
      const v = name === undefined ? undefined : metrics[name];
      if (v === undefined) {
        throw engineErrors.module(
          "0039",
          `metric "${ctx.params.enumValue("Metric for measuring performance")}" does not apply to a ${kind} model`,
        );
      }
      return v;
    };
    const base = measure(test);
    const rng = new Rng(ctx.params.int("Random seed"));
    const scores = model.features.map((f) => {
      const index = test.columns.findIndex((c) => c.name === f.name);
      if (index < 0) throw engineErrors.module("0001", f.name, "Test data");
      const order = rng.shuffle(Uint32Array.from({ length: test.rowCount }, (_, i) => i));
      const columns = [...test.columns];
      columns[index] = takeColumnRows(test.columns[index], order);
      const permuted = measure({ rowCount: test.rowCount, columns });
      return { name: f.name, score: choice.higher ? base - permuted : permuted - base };
    });
    scores.sort((a, b) => b.score - a.score);
    return [
      tableOutput({
        rowCount: scores.length,
        columns: [
          makeColumn(
            "Feature",
            "String",
            scores.map((s) => s.name),
          ),
          makeColumn(
            "Score",
            "Double",
            Float64Array.from(scores, (s) => s.score),
          ),
        ],
      }),
    ];
  },
};
