import assert from "node:assert/strict";
import type { DataTable } from "../../../emulator/engine/api";
import {
  BINARY_METRIC_COLUMNS,
  evaluateModel,
  REGRESSION_METRIC_COLUMNS,
} from "../../../emulator/engine/modules/evaluateModel";
import { rocAuc } from "../../../emulator/engine/metrics";
import { names, run, table, tableOf, throwsEngine, values } from "./helpers";

/** Truth y, Scored Labels (threshold 0.5) and Scored Probabilities. */
function scored(truth: string[], probs: number[]): DataTable {
  const [negative, positive] = [...new Set(truth)].sort();
  return table({
    y: { values: truth, usage: "label" },
    "Scored Labels": { values: probs.map((p) => (p > 0.5 ? positive : negative)), usage: "score" },
    "Scored Probabilities": { type: "Double", values: probs, usage: "score" },
  });
}

describe("engine module Evaluate Model", () => {
  it("computes binary metrics with exact counts, one row named by the captions", () => {
    const t = scored(
      [">50K", ">50K", "<=50K", "<=50K", ">50K", "<=50K"],
      [0.9, 0.4, 0.6, 0.2, 0.7, 0.1],
    );
    const out = tableOf(run(evaluateModel, [t])[0]);
    assert.deepEqual(names(out), [...BINARY_METRIC_COLUMNS]);
    assert.equal(out.rowCount, 1);
    // TP = 0.9, 0.7; FN = 0.4; FP = 0.6; TN = 0.2, 0.1.
    assert.deepEqual(values(out, "True Positive"), [2]);
    assert.deepEqual(values(out, "False Negative"), [1]);
    assert.deepEqual(values(out, "False Positive"), [1]);
    assert.deepEqual(values(out, "True Negative"), [2]);
    assert.deepEqual(values(out, "Accuracy"), [4 / 6]);
    assert.deepEqual(values(out, "Precision"), [2 / 3]);
    assert.deepEqual(values(out, "Recall"), [2 / 3]);
    assert.deepEqual(values(out, "F1 Score"), [2 / 3]);
    assert.deepEqual(values(out, "Threshold"), [0.5]);
    // Positive scores 0.9, 0.7, 0.4 vs negatives 0.6, 0.2, 0.1: 8 of 9 pairs ordered.
    assert.deepEqual(values(out, "AUC"), [8 / 9]);
    assert.deepEqual(values(out, "Positive Label"), [">50K"]);
    assert.deepEqual(values(out, "Negative Label"), ["<=50K"]);
    const ll =
      -(
        Math.log(0.9) +
        Math.log(0.4) +
        Math.log(0.4) +
        Math.log(0.8) +
        Math.log(0.7) +
        Math.log(0.9)
      ) / 6;
    assert.ok(Math.abs((values(out, "Average Log Loss")[0] as number) - ll) < 1e-12);
    assert.equal(out.columns.find((c) => c.name === "True Positive")!.type, "Int64");
  });

  it("appends the second input's row in compare mode", () => {
    const a = scored(["a", "b", "a", "b"], [0.1, 0.9, 0.2, 0.8]);
    const b = scored(["a", "b", "a", "b"], [0.6, 0.4, 0.2, 0.8]);
    const out = tableOf(run(evaluateModel, [a, b])[0]);
    assert.equal(out.rowCount, 2);
    assert.deepEqual(values(out, "AUC"), [1, 0.75]);
  });

  it("computes the five regression metrics", () => {
    const t = table({
      y: { values: [1, 2, 3, 4], usage: "label" },
      "Scored Labels": { type: "Double", values: [1.5, 2, 2, 5], usage: "score" },
    });
    const out = tableOf(run(evaluateModel, [t])[0]);
    assert.deepEqual(names(out), [...REGRESSION_METRIC_COLUMNS]);
    // y - ŷ = -0.5, 0, 1, -1: Σ|e| = 2.5, Σe² = 2.25; ȳ = 2.5: Σ|y - ȳ| = 4, Σ(y - ȳ)² = 5.
    assert.deepEqual(values(out, "Mean Absolute Error"), [2.5 / 4]);
    assert.deepEqual(values(out, "Root Mean Squared Error"), [Math.sqrt(2.25 / 4)]);
    assert.deepEqual(values(out, "Relative Absolute Error"), [2.5 / 4]);
    assert.deepEqual(values(out, "Relative Squared Error"), [2.25 / 5]);
    assert.deepEqual(values(out, "Coefficient of Determination"), [1 - 2.25 / 5]);
  });

  it("Error 0024 without a label column, 0025 without score columns, 0062 for mixed kinds", () => {
    const noLabel = table({
      y: [1, 0],
      "Scored Probabilities": { type: "Double", values: [0.1, 0.9], usage: "score" },
    });
    throwsEngine(() => run(evaluateModel, [noLabel]), {
      code: "0024",
      message: 'Error 0024: There is no label column in "Scored dataset".',
    });
    const noScore = table({ y: { values: [1, 0], usage: "label" } });
    throwsEngine(() => run(evaluateModel, [noScore]), {
      code: "0025",
      message: /^Error 0025: There is no score column in "Scored dataset"/,
    });
    const regression = table({
      y: { values: [1, 2], usage: "label" },
      "Scored Labels": { type: "Double", values: [1, 2], usage: "score" },
    });
    throwsEngine(() => run(evaluateModel, [scored(["a", "b"], [0.2, 0.7]), regression]), {
      code: "0062",
      message: "Error 0062: All models must have the same learner type.",
    });
  });

  it("AUC counts tied scores one half", () => {
    assert.equal(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5]), 0.5);
    assert.equal(rocAuc([1, 0, 1, 0], [0.9, 0.5, 0.5, 0.1]), 0.875);
  });
});
