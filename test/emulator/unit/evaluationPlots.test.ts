/**
 * The portal's plots of an evaluation (`emulator/jobs/evaluationPlots.ts`) on small scored tables
 * worked out by hand: the ROC curve's points (ties together), the confusion matrix at the
 * threshold, the positive class, multiclass matrices and one-vs-rest curves, a regression's
 * points, and the thinning of long curves.
 */
import { expect } from "chai";
import {
  classOfProbabilityColumn,
  evaluationPlots,
  REGRESSION_POINTS,
  rocCurve,
  thin,
} from "../../../emulator/jobs/evaluationPlots";

describe("emulator evaluation plots", function () {
  it("draws a ROC curve with one point per distinct score, ties taken together", function () {
    // Scores high to low: 0.9 (+), 0.8 (−), 0.8 (+), 0.3 (−), 0.1 (+).
    expect(rocCurve([0.9, 0.8, 0.8, 0.3, 0.1], [1, 0, 1, 0, 1])).to.deep.equal([
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: 1 / 3 },
      { fpr: 0.5, tpr: 2 / 3 },
      { fpr: 1, tpr: 2 / 3 },
      { fpr: 1, tpr: 1 },
    ]);
    expect(rocCurve([0.2, 0.4], [1, 1]), "no negative row").to.equal(undefined);
  });

  it("thins a long curve evenly, keeping both ends", function () {
    const points = Array.from({ length: 11 }, (_, i) => i);
    expect(thin(points, 5)).to.deep.equal([0, 3, 5, 8, 10]);
    expect(thin(points, 20)).to.deep.equal(points);
  });

  it("reads a binary evaluation: Evaluate Model's positive class, the confusion matrix at its threshold", function () {
    const plots = evaluationPlots(
      {
        truth: ["yes", "no", "yes", "no", "yes", null],
        scoredLabels: ["yes", "yes", "yes", "no", "no", "yes"],
        probabilities: [0.9, 0.8, 0.8, 0.3, 0.1, 0.7],
        classProbabilities: [],
      },
      { threshold: 0.5, positiveLabel: "yes" },
    );
    expect(plots).to.deep.equal({
      kind: "binary",
      rows: 5,
      positive: "yes",
      negative: "no",
      threshold: 0.5,
      roc: [
        { fpr: 0, tpr: 0 },
        { fpr: 0, tpr: 1 / 3 },
        { fpr: 0.5, tpr: 2 / 3 },
        { fpr: 1, tpr: 2 / 3 },
        { fpr: 1, tpr: 1 },
      ],
      confusion: [
        [2, 1],
        [1, 1],
      ],
    });
  });

  it("takes the positive class from the scores when Evaluate Model names none", function () {
    const plots = evaluationPlots({
      truth: ["a", "b", "b", "a"],
      scoredLabels: ["a", "b", "b", "a"],
      // Rows scored above 0.5 are labelled "b": "b" is the positive class.
      probabilities: [0.2, 0.9, 0.7, NaN],
      classProbabilities: [],
    });
    expect(plots?.kind === "binary" && [plots.positive, plots.negative, plots.rows]).to.deep.equal([
      "b",
      "a",
      3,
    ]);
  });

  it("reads a multiclass evaluation: the matrix over every class, a curve per class", function () {
    const plots = evaluationPlots({
      truth: ["cat", "dog", "bird", "cat", "dog"],
      scoredLabels: ["cat", "cat", "bird", "cat", "dog"],
      probabilities: undefined,
      classProbabilities: [
        { label: "cat", values: [0.8, 0.6, 0.1, 0.7, 0.2] },
        { label: "dog", values: [0.1, 0.3, 0.1, 0.2, 0.7] },
        { label: "bird", values: [0.1, 0.1, 0.8, 0.1, 0.1] },
      ],
    });
    expect(plots).to.deep.equal({
      kind: "multiclass",
      rows: 5,
      classes: ["bird", "cat", "dog"],
      confusion: [
        [1, 0, 0],
        [0, 2, 0],
        [0, 1, 1],
      ],
      roc: [
        {
          label: "bird",
          points: [
            { fpr: 0, tpr: 0 },
            { fpr: 0, tpr: 1 },
            { fpr: 1, tpr: 1 },
          ],
        },
        {
          label: "cat",
          points: [
            { fpr: 0, tpr: 0 },
            { fpr: 0, tpr: 0.5 },
            { fpr: 0, tpr: 1 },
            { fpr: 1 / 3, tpr: 1 },
            { fpr: 2 / 3, tpr: 1 },
            { fpr: 1, tpr: 1 },
          ],
        },
        {
          label: "dog",
          points: [
            { fpr: 0, tpr: 0 },
            { fpr: 0, tpr: 0.5 },
            { fpr: 0, tpr: 1 },
            { fpr: 1 / 3, tpr: 1 },
            { fpr: 1, tpr: 1 },
          ],
        },
      ],
    });
    expect(classOfProbabilityColumn('Scored Probabilities for Class "dog"')).to.equal("dog");
    expect(classOfProbabilityColumn("Scored Probabilities")).to.equal(undefined);
  });

  it("reads a regression: actual and predicted values, at most a thousand, evenly spaced", function () {
    expect(
      evaluationPlots({
        truth: ["1.5", null, "3", "x"],
        scoredLabels: ["2", "1", "2.5", "4"],
        probabilities: undefined,
        classProbabilities: [],
      }),
    ).to.deep.equal({
      kind: "regression",
      rows: 2,
      points: [
        { actual: 1.5, predicted: 2 },
        { actual: 3, predicted: 2.5 },
      ],
    });
    const many = Array.from({ length: 2500 }, (_, i) => String(i));
    const plots = evaluationPlots({
      truth: many,
      scoredLabels: many,
      probabilities: undefined,
      classProbabilities: [],
    });
    expect(plots?.kind === "regression" && [plots.rows, plots.points.length]).to.deep.equal([
      2500,
      REGRESSION_POINTS,
    ]);
    expect(plots?.kind === "regression" && plots.points[REGRESSION_POINTS - 1]).to.deep.equal({
      actual: 2499,
      predicted: 2499,
    });
  });

  it("draws nothing for scores it cannot read", function () {
    expect(
      evaluationPlots({
        truth: ["a", "b", "c"],
        scoredLabels: ["a", "b", "c"],
        probabilities: [0.1, 0.2, 0.3],
        classProbabilities: [],
      }),
      "three classes with one probability",
    ).to.equal(undefined);
    expect(
      evaluationPlots({
        truth: ["1"],
        scoredLabels: undefined,
        probabilities: undefined,
        classProbabilities: [],
      }),
    ).to.equal(undefined);
  });
});
