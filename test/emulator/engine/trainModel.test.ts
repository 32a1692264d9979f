import { expect } from "chai";
import { expectVariant } from "../../helpers/expect";
import type { DataTable } from "../../../emulator/engine/api";
import { linearRegression } from "../../../emulator/engine/modules/linearRegression";
import { trainModel } from "../../../emulator/engine/modules/trainModel";
import { twoClassLogisticRegression } from "../../../emulator/engine/modules/twoClassLogisticRegression";
import type { PortValue } from "../../../emulator/engine/modules/types";
import { byNames, run, table, throwsEngine } from "./helpers";

const lr = () => run(twoClassLogisticRegression, [])[0];
const train = (learner: PortValue, t: DataTable, params: Record<string, string> = {}) => {
  const out = run(trainModel, [learner, t], params)[0];
  expectVariant(out, "type", "TrainedModel");
  return out.model;
};

const data = () =>
  table({
    x: [1, 2, 3, 4, 5, 6, 7, 8, null],
    c: ["a", "b", "a", "b", "a", "b", "a", "b", "a"],
    y: ["no", "no", "yes", "no", "yes", "yes", "no", "yes", "yes"],
  });

describe("engine module Train Model", () => {
  it("trains on the picked label, skipping rows with a missing value", () => {
    const m = train(lr(), data(), { "Label column": byNames("y") });
    expect(m.label.name).to.equal("y");
    expect(m.label.classes, "string labels: the second in ordinal order is positive").to.deep.equal(
      ["no", "yes"],
    );
    expect(m.features.map((f) => [f.name, f.kind])).to.deep.equal([
      ["x", "numeric"],
      ["c", "categorical"],
    ]);
    expect(m.training.rows).to.equal(8);
    expect(m.training.skippedRows).to.equal(1);
    expect(m.training.trainedAt).to.equal("2026-11-15T00:00:00.000Z");
  });

  it("uses the label flag when the picker is blank", () => {
    const t = data();
    t.columns[2] = { ...t.columns[2], usage: "label" };
    expect(train(lr(), t).label.name).to.equal("y");
  });

  it("picks the positive class by Evaluate Model's rule: true for booleans, 1 for integers", () => {
    const bools = table({ x: [1, 2, 3, 4], y: [true, false, true, false] });
    expect(train(lr(), bools, { "Label column": byNames("y") }).label.classes).to.deep.equal([
      0, 1,
    ]);
    const ints = table({ x: [1, 2, 3, 4], y: [1, 0, 0, 1] });
    expect(train(lr(), ints, { "Label column": byNames("y") }).label.classes).to.deep.equal([0, 1]);
  });

  it("is deterministic", () => {
    const a = train(lr(), data(), { "Label column": byNames("y") });
    const b = train(lr(), data(), { "Label column": byNames("y") });
    expect(a.body).to.deep.equal(b.body);
  });

  it("Error 0024 when there is neither a picker value nor a label column", () => {
    throwsEngine(() => train(lr(), data()), {
      code: "0024",
      message: 'Error 0024: There is no label column in "Dataset".',
    });
  });

  it("Error 0022 when the label picker selects two columns", () => {
    throwsEngine(() => train(lr(), data(), { "Label column": byNames("x", "y") }), {
      code: "0022",
    });
  });

  it("Error 0130 when every row has a missing value", () => {
    const t = table({ x: [null, 1], y: ["a", null] });
    throwsEngine(() => train(lr(), t, { "Label column": byNames("y") }), {
      code: "0130",
      message:
        "Error 0130: All rows in training dataset contain missing values.  Consider using the Clean Missing Data module to remove missing values.",
    });
  });

  it("Error 0083 when a binary label does not have two values", () => {
    const t = table({ x: [1, 2, 3], y: ["a", "b", "c"] });
    throwsEngine(() => train(lr(), t, { "Label column": byNames("y") }), {
      code: "0083",
      message:
        /^Error 0083: Dataset contains invalid data for training\. Learner type: Two-Class Logistic Regression \(the label column "y" has more than two distinct value\(s\)/,
    });
  });

  it("Error 0023 for a text label given to a regression learner", () => {
    throwsEngine(
      () => train(run(linearRegression, [])[0], data(), { "Label column": byNames("y") }),
      {
        code: "0023",
        message:
          'Error 0023: Input dataset has unsupported target column "y" for learner of type Linear Regression.',
      },
    );
  });

  it("Error 0013 when a trained model is given instead of a learner, 0020 without features", () => {
    const trained = run(trainModel, [lr(), data()], { "Label column": byNames("y") })[0];
    throwsEngine(() => train(trained, data(), { "Label column": byNames("y") }), {
      code: "0013",
      message: 'Error 0013: Learner "Two-Class Logistic Regression" has invalid type.',
    });
    throwsEngine(() => train(lr(), table({ y: ["a", "b"] }), { "Label column": byNames("y") }), {
      code: "0020",
    });
  });

  it("Error 0005 for a negative regularization weight on the learner", () => {
    throwsEngine(() => run(twoClassLogisticRegression, [], { "L1 regularization weight": "-1" }), {
      code: "0005",
      message:
        'Error 0005: Parameter "L1 regularization weight" value should be greater than or equal to 0.',
    });
    throwsEngine(() => run(twoClassLogisticRegression, [], { "Optimization tolerance": "0" }), {
      code: "0004",
      message: 'Error 0004: Parameter "Optimization tolerance" value should be greater than 0.',
    });
  });
});
