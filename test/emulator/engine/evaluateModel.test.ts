import { expect } from "chai";
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
    expect(names(out)).to.deep.equal([...BINARY_METRIC_COLUMNS]);
    expect(out.rowCount).to.equal(1);
    // TP = 0.9, 0.7; FN = 0.4; FP = 0.6; TN = 0.2, 0.1.
    expect(values(out, "True Positive")).to.deep.equal([2]);
    expect(values(out, "False Negative")).to.deep.equal([1]);
    expect(values(out, "False Positive")).to.deep.equal([1]);
    expect(values(out, "True Negative")).to.deep.equal([2]);
    expect(values(out, "Accuracy")).to.deep.equal([4 / 6]);
    expect(values(out, "Precision")).to.deep.equal([2 / 3]);
    expect(values(out, "Recall")).to.deep.equal([2 / 3]);
    expect(values(out, "F1 Score")).to.deep.equal([2 / 3]);
    expect(values(out, "Threshold")).to.deep.equal([0.5]);
    // Positive scores 0.9, 0.7, 0.4 vs negatives 0.6, 0.2, 0.1: 8 of 9 pairs ordered.
    expect(values(out, "AUC")).to.deep.equal([8 / 9]);
    expect(values(out, "Positive Label")).to.deep.equal([">50K"]);
    expect(values(out, "Negative Label")).to.deep.equal(["<=50K"]);
    const ll =
      -(
        Math.log(0.9) +
        Math.log(0.4) +
        Math.log(0.4) +
        Math.log(0.8) +
        Math.log(0.7) +
        Math.log(0.9)
      ) / 6;
    expect(Math.abs((values(out, "Average Log Loss")[0] as number) - ll)).to.be.below(1e-12);
    expect(out.columns.find((c) => c.name === "True Positive")!.type).to.equal("Int64");
  });

  it("appends the second input's row in compare mode", () => {
    const a = scored(["a", "b", "a", "b"], [0.1, 0.9, 0.2, 0.8]);
    const b = scored(["a", "b", "a", "b"], [0.6, 0.4, 0.2, 0.8]);
    const out = tableOf(run(evaluateModel, [a, b])[0]);
    expect(out.rowCount).to.equal(2);
    expect(values(out, "AUC")).to.deep.equal([1, 0.75]);
  });

  it("computes the five regression metrics", () => {
    const t = table({
      y: { values: [1, 2, 3, 4], usage: "label" },
      "Scored Labels": { type: "Double", values: [1.5, 2, 2, 5], usage: "score" },
    });
    const out = tableOf(run(evaluateModel, [t])[0]);
    expect(names(out)).to.deep.equal([...REGRESSION_METRIC_COLUMNS]);
    // y - ŷ = -0.5, 0, 1, -1: Σ|e| = 2.5, Σe² = 2.25; ȳ = 2.5: Σ|y - ȳ| = 4, Σ(y - ȳ)² = 5.
    expect(values(out, "Mean Absolute Error")).to.deep.equal([2.5 / 4]);
    expect(values(out, "Root Mean Squared Error")).to.deep.equal([Math.sqrt(2.25 / 4)]);
    expect(values(out, "Relative Absolute Error")).to.deep.equal([2.5 / 4]);
    expect(values(out, "Relative Squared Error")).to.deep.equal([2.25 / 5]);
    expect(values(out, "Coefficient of Determination")).to.deep.equal([1 - 2.25 / 5]);
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
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5])).to.equal(0.5);
    expect(rocAuc([1, 0, 1, 0], [0.9, 0.5, 0.5, 0.1])).to.equal(0.875);
  });
});
