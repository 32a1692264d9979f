/**
 * Tune Model Hyperparameters: trains the learner once per combination of the values its
 * Parameter Range mode lists (every combination with "Entire grid", or "Maximum number of runs
 * on random sweep" distinct combinations drawn with the seed), measures each on the validation
 * dataset (or, without one, on the training dataset), and returns every run's parameters and
 * metrics, best first, and the best model.
 */
import type { Column } from "../api";
import { makeColumn } from "../dataTable";
import { engineErrors } from "../errors";
import type { LearnerSpec } from "../learners/model";
import { Rng } from "../rng";
import { scoredMetrics } from "./evaluateModel";
import { scoreTable } from "./scoreModel";
import { fitLearner } from "./trainModel";
import { tableInput, tableOutput, type StudioModule } from "./types";

/** The classification metrics, with the metric name they read and whether higher is better. */
const CLASSIFICATION: Record<string, { binary: string; multiclass?: string; higher: boolean }> = {
  Accuracy: { binary: "Accuracy", multiclass: "Overall Accuracy", higher: true },
  Precision: { binary: "Precision", multiclass: "Macro-averaged Precision", higher: true },
  Recall: { binary: "Recall", multiclass: "Macro-averaged Recall", higher: true },
  "F-score": { binary: "F1 Score", higher: true },
  AUC: { binary: "AUC", higher: true },
  "Average Log Loss": { binary: "Average Log Loss", higher: false },
};
const REGRESSION: Record<string, { name: string; higher: boolean }> = {
  "Mean absolute error": { name: "Mean Absolute Error", higher: false },
  "Root of mean squared error": { name: "Root Mean Squared Error", higher: false },
  "Relative absolute error": { name: "Relative Absolute Error", higher: false },
  "Relative squared error": { name: "Relative Squared Error", higher: false },
  "Coefficient of determination": { name: "Coefficient of Determination", higher: true },
};

/** Every combination of the swept values (the first parameter varies slowest). */
export function grid(sweep: Record<string, number[]>): Record<string, number>[] {
  let combos: Record<string, number>[] = [{}];
  for (const [name, values] of Object.entries(sweep)) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return combos;
}

/** The Tune Model Hyperparameters module. */
export const tuneModelHyperparameters: StudioModule = {
  name: "Tune Model Hyperparameters",
  category: "Machine Learning / Train",
  inputs: [
    { name: "Untrained model", type: "ILearner" },
    { name: "Training dataset", type: "DataTable" },
    {
      name: "Optional validation dataset",
      type: "DataTable",
      optional: true,
      aliases: ["Validation dataset"],
    },
  ],
  outputs: [
    { name: "Sweep results", type: "DataTable" },
    { name: "Trained best model", type: "ILearner" },
  ],
  parameters: [
    {
      name: "Specify parameter sweeping mode",
      type: "Enum",
      default: "Random sweep",
      values: ["Entire grid", "Random sweep"],
      enumName: "Sweep Methods",
      aliases: { EntireGrid: "Entire grid", RandomSweep: "Random sweep" },
    },
    {
      name: "Maximum number of runs on random sweep",
      type: "Integer",
      default: "5",
      min: 1,
      max: 10000,
    },
    { name: "Random seed", type: "Integer", default: "0" },
    { name: "Label column", type: "ColumnSelection", default: "" },
    {
      name: "Metric for measuring performance for classification",
      type: "Enum",
      default: "Accuracy",
      values: Object.keys(CLASSIFICATION),
      enumName: "Binary Classification Metric Type",
      aliases: { FScore: "F-score", "F1 Score": "F-score" },
    },
    {
      name: "Metric for measuring performance for regression",
      type: "Enum",
      default: "Mean absolute error",
      values: Object.keys(REGRESSION),
      enumName: "RegressionMetric Type",
    },
  ],
  differences: [
    'The sweep covers the values listed in the learner\'s parameters (Parameter Range mode), not a range the system chooses; without a validation dataset runs are measured on the training rows. "Train Log Loss" is not offered.',
  ],
  run(inputs, ctx) {
    const learner = inputs[0];
    if (!learner) throw engineErrors.module("0003", "Untrained model");
    if (learner.type !== "UntrainedLearner")
      throw engineErrors.module(
        "0013",
        learner.type === "TrainedModel" ? learner.model.moduleName : learner.type,
      );
    const spec = learner.learner;
    const training = tableInput(inputs[1], "Training dataset");
    const validation = inputs[2] ? tableInput(inputs[2], "Optional validation dataset") : training;
    const p = ctx.params;
    const picker = p.isBlank("Label column") ? undefined : p.string("Label column");
    let combos = grid(spec.sweep ?? {});
    if (p.enumValue("Specify parameter sweeping mode") === "Random sweep") {
      const runs = Math.min(p.int("Maximum number of runs on random sweep"), combos.length);
      combos = new Rng(p.int("Random seed")).shuffle([...combos]).slice(0, runs);
    }
    const classificationMetric = p.enumValue("Metric for measuring performance for classification");
    const regressionMetric =
      REGRESSION[p.enumValue("Metric for measuring performance for regression")];
    const runs = combos.map((combo) => {
      const variant: LearnerSpec = { ...spec, parameters: { ...spec.parameters, ...combo } };
      const model = fitLearner(variant, training, picker, ctx.now().toISOString());
      const { kind, metrics } = scoredMetrics(
        scoreTable(model, validation),
        "Optional validation dataset",
      );
      let target: { name: string; higher: boolean };
      if (kind === "regression") target = regressionMetric;
      else {
        const choice = CLASSIFICATION[classificationMetric];
        const name = kind === "multiclass" ? choice.multiclass : choice.binary;
        if (!name)
          throw engineErrors.module(
            "0039",
            `metric "${classificationMetric}" is not defined for multiclass models (use Accuracy, Precision or Recall)`,
          );
        target = { name, higher: choice.higher };
      }
      return { combo, model, metrics, score: metrics[target.name], higher: target.higher };
    });
    const order = runs
      .map((_r, i) => i)
      .sort((a, b) => {
        const x = runs[a].score;
        const y = runs[b].score;
        return (runs[a].higher ? y - x : x - y) || a - b;
      });
    const swept = Object.keys(spec.sweep ?? {});
    const metricNames = Object.keys(runs[0].metrics);
    const columns: Column[] = [
      ...swept.map((name) =>
        makeColumn(
          name,
          "Double",
          Float64Array.from(order, (i) => runs[i].combo[name]),
        ),
      ),
      ...metricNames.map((name) =>
        makeColumn(
          name,
          "Double",
          Float64Array.from(order, (i) => runs[i].metrics[name]),
        ),
      ),
    ];
    const best = runs[order[0]];
    return [
      tableOutput({ rowCount: runs.length, columns }),
      { type: "TrainedModel", model: best.model },
    ];
  },
};
