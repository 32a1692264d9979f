import { expect } from "chai";
import { expectVariant } from "../../helpers/expect";
import {
  decodeIlearner,
  encodeIlearner,
  ILEARNER_MAGIC,
  inspectModel,
} from "../../../emulator/engine/ilearner";
import { scoreTable } from "../../../emulator/engine/modules/scoreModel";
import { trainModel } from "../../../emulator/engine/modules/trainModel";
import { twoClassBoostedDecisionTree } from "../../../emulator/engine/modules/twoClassBoostedDecisionTree";
import { twoClassLogisticRegression } from "../../../emulator/engine/modules/twoClassLogisticRegression";
import type { StudioModule } from "../../../emulator/engine/modules/types";
import { byNames, run, table, throwsEngine, values } from "./helpers";

const data = table({
  x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  k: ["p", "q", "r", "p", "q", "r", "p", "q", "r", "p", "q", "r"],
  y: [false, false, true, false, true, false, true, true, false, true, true, true],
});

function trained(learner: StudioModule) {
  const out = run(
    trainModel,
    [run(learner, [], { "Minimum number of samples per leaf node": "2" })[0], data],
    { "Label column": byNames("y") },
  )[0];
  expectVariant(out, "type", "TrainedModel");
  return out.model;
}

describe("engine .ilearner format", () => {
  for (const learner of [twoClassLogisticRegression, twoClassBoostedDecisionTree]) {
    it(`round-trips a ${learner.name} model and scores identically`, () => {
      const model = trained(learner);
      const bytes = encodeIlearner(model);
      expect(Buffer.from(bytes.subarray(0, 8)).toString("ascii")).to.equal(ILEARNER_MAGIC);
      const back = decodeIlearner(bytes);
      expect(back).to.deep.equal(model);
      expect(values(scoreTable(back, data), "Scored Probabilities")).to.deep.equal(
        values(scoreTable(model, data), "Scored Probabilities"),
      );
    });
  }

  it("inspectModel reads the header", () => {
    expect(inspectModel(encodeIlearner(trained(twoClassLogisticRegression)))).to.deep.equal({
      kind: "model",
      formatVersion: 1,
      learner: "Two-Class Logistic Regression",
      labelColumn: "y",
      featureColumns: ["x", "k"],
      trainedAt: "2026-11-15T00:00:00.000Z",
    });
  });

  it("is byte-for-byte reproducible for the same data and time", () => {
    expect(encodeIlearner(trained(twoClassLogisticRegression))).to.deep.equal(
      encodeIlearner(trained(twoClassLogisticRegression)),
    );
  });

  it("rejects garbage, truncation, corruption and other versions with a model error", () => {
    const bytes = encodeIlearner(trained(twoClassLogisticRegression));
    throwsEngine(() => inspectModel(Buffer.from("not a model at all, just some text")), {
      kind: "model",
      code: "InvalidModel",
      message: /does not start with the "AMLEMUIL" signature/,
    });
    throwsEngine(() => inspectModel(new Uint8Array(0)), { kind: "model", code: "InvalidModel" });
    throwsEngine(() => decodeIlearner(bytes.subarray(0, bytes.length - 10)), {
      kind: "model",
      code: "InvalidModel",
    });
    const corrupt = Uint8Array.from(bytes);
    corrupt[40] ^= 0x01;
    throwsEngine(() => decodeIlearner(corrupt), {
      kind: "model",
      code: "InvalidModel",
      message: /checksum does not match/,
    });
    const future = Uint8Array.from(bytes);
    future[8] = 2;
    throwsEngine(() => inspectModel(future), {
      kind: "model",
      code: "UnsupportedModelVersion",
      message: "The trained model has .ilearner format version 2; this emulator reads version 1",
    });
  });
});
