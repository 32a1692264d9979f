import { expect } from "chai";
import { scoreModel } from "../../../emulator/engine/modules/scoreModel";
import { trainModel } from "../../../emulator/engine/modules/trainModel";
import { linearRegression } from "../../../emulator/engine/modules/linearRegression";
import { twoClassLogisticRegression } from "../../../emulator/engine/modules/twoClassLogisticRegression";
import { byNames, names, run, table, tableOf, throwsEngine, values } from "./helpers";

const training = table({
  x: [1, 2, 3, 4, 5, 6, 7, 8],
  c: ["a", "b", "a", "b", "a", "b", "a", "b"],
  y: ["no", "no", "no", "yes", "no", "yes", "yes", "yes"],
});
const model = run(
  trainModel,
  [
    run(twoClassLogisticRegression, [], {
      "L1 regularization weight": "0",
      "L2 regularization weight": "0.1",
    })[0],
    training,
  ],
  {
    "Label column": byNames("y"),
  },
)[0];

describe("engine module Score Model", () => {
  it("appends Scored Labels and Scored Probabilities after the input columns", () => {
    const input = table({ id: [10, 11, 12], x: [1, 8, 4.5], c: ["a", "b", "a"] });
    const out = tableOf(run(scoreModel, [model, input])[0]);
    expect(names(out)).to.deep.equal(["id", "x", "c", "Scored Labels", "Scored Probabilities"]);
    expect(values(out, "id")).to.deep.equal([10, 11, 12]);
    const p = values(out, "Scored Probabilities") as number[];
    expect(p[0] < 0.5 && p[1] > 0.5, `probabilities ${p.join(", ")}`).to.equal(true);
    expect(values(out, "Scored Labels")).to.deep.equal(p.map((v) => (v > 0.5 ? "yes" : "no")));
    expect(out.columns.slice(-2).map((c) => c.usage)).to.deep.equal(["score", "score"]);
    expect(out.columns[3].type).to.equal("String");
  });

  it("gives missing scores to rows with a missing feature and maps unseen levels to the unknown level", () => {
    const input = table({ x: [null, 3], c: ["a", "never-seen"] });
    const out = tableOf(run(scoreModel, [model, input])[0]);
    const p = values(out, "Scored Probabilities");
    expect(p[0]).to.equal(null);
    expect(typeof p[1]).to.equal("number");
    expect(values(out, "Scored Labels")[0]).to.deep.equal(null);
  });

  it("flags the model's label column as label when the input carries it", () => {
    const out = tableOf(run(scoreModel, [model, training])[0]);
    expect(out.columns.find((c) => c.name === "y")!.usage).to.equal("label");
  });

  it("scores regression with Scored Labels only", () => {
    const t = table({ x: [1, 2, 3, 4], y: [3, 5, 7, 9] });
    const m = run(
      trainModel,
      [run(linearRegression, [], { "L2 regularization weight": "0" })[0], t],
      { "Label column": byNames("y") },
    )[0];
    const out = tableOf(run(scoreModel, [m, table({ x: [10, 0.5] })])[0]);
    expect(names(out)).to.deep.equal(["x", "Scored Labels"]);
    const s = values(out, "Scored Labels") as number[];
    expect(
      Math.abs(s[0] - 21) < 1e-9 && Math.abs(s[1] - 2) < 1e-9,
      `scores ${s.join(", ")}`,
    ).to.equal(true);
  });

  it("Error 0001 when a feature column is absent, 0012 for an untrained learner", () => {
    throwsEngine(() => run(scoreModel, [model, table({ x: [1] })]), {
      code: "0001",
      message: 'Error 0001: Column with name or index "c" does not exist in "Dataset"',
    });
    throwsEngine(() => run(scoreModel, [run(twoClassLogisticRegression, [])[0], training]), {
      code: "0012",
      message: "Error 0012: Untrained model (Two-Class Logistic Regression), use trained model.",
    });
  });
});
