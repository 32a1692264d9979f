/**
 * The four sample definitions of definitions/ run unchanged on the engine: training produces a
 * model and an evaluation, the predictive service scores with that model.
 */
import { expect } from "chai";
import { expectVariant } from "../../helpers/expect";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TableSpecification, WebServiceProperties } from "../../../contract";
import {
  applySchema,
  describeService,
  inspectModel,
  parseCsv,
  runGraph,
  tableFromRows,
  tableToRows,
  type DataTable,
  type GraphOutput,
} from "../../../emulator/engine";
import { names, values } from "./helpers";

const root = join(__dirname, "..", "..", "..");
const service = (name: string): WebServiceProperties =>
  (
    JSON.parse(readFileSync(join(root, "definitions", `${name}.json`), "utf8")) as {
      properties: WebServiceProperties;
    }
  ).properties;
const inputSpec = (p: WebServiceProperties): TableSpecification => p.input!.properties.input1;
const csvInput = (file: string, p: WebServiceProperties): DataTable =>
  applySchema(parseCsv(readFileSync(join(root, "data", file)), file), inputSpec(p), "input1");

function dataset(out: GraphOutput | undefined): DataTable {
  expectVariant(out, "kind", "dataset", "a dataset output");
  return out.table;
}
function model(out: GraphOutput | undefined): Uint8Array {
  expectVariant(out, "kind", "model", "a model output");
  return out.ilearner;
}

describe("engine: the sample services", () => {
  const censusTraining = service("census-training");
  const censusPredictive = service("census-predictive");
  const bikeTraining = service("bike-demand-training");
  const bikePredictive = service("bike-demand-predictive");

  it("describe their shapes", () => {
    expect(describeService(censusTraining, { strict: true })).to.deep.equal({
      inputs: [{ name: "input1", columns: Object.keys(inputSpec(censusTraining).properties) }],
      outputs: [
        { name: "output1", kind: "model" },
        { name: "output2", kind: "dataset" },
      ],
      parameters: [
        { name: "L2 regularization weight", required: false },
        { name: "Training fraction", required: false },
        { name: "Random seed", required: false },
      ],
      trainedModels: [],
    });
    expect(describeService(censusPredictive, { strict: true }).trainedModels).to.deep.equal([
      { assetId: "asset2", name: "Census Model [trained model]" },
    ]);
    expect(describeService(bikePredictive, { strict: true }).outputs).to.deep.equal([
      { name: "output1", kind: "dataset" },
    ]);
  });

  it("census: training → model + evaluation, predictive → scores with that model", () => {
    const input = csvInput("census-2026-10.csv", censusTraining);
    const trained = runGraph({
      properties: censusTraining,
      inputs: { input1: input },
      globalParameters: {},
      trainedModels: {},
      strict: true,
    });
    const ilearner = model(trained.outputs.output1);
    const info = inspectModel(ilearner);
    expect(info.learner).to.equal("Two-Class Logistic Regression");
    expect(info.labelColumn).to.equal("income");
    expect(info.featureColumns.length).to.equal(13);

    const evaluation = dataset(trained.outputs.output2);
    expect(evaluation.rowCount).to.equal(1);
    expect(values(evaluation, "Positive Label")).to.deep.equal([">50K"]);
    expect(values(evaluation, "Negative Label")).to.deep.equal(["<=50K"]);
    const auc = values(evaluation, "AUC")[0] as number;
    expect(auc > 0.8 && auc < 0.95, `held-out AUC ${auc}`).to.equal(true);
    // Held-out rows = complete rows minus ⌊0.75 × complete rows⌋.
    let complete = 0;
    for (let r = 0; r < input.rowCount; r++)
      if (input.columns.every((c) => c.values[r] !== null && !Number.isNaN(c.values[r])))
        complete++;
    const counted = ["True Positive", "False Negative", "False Positive", "True Negative"].reduce(
      (s, c) => s + (values(evaluation, c)[0] as number),
      0,
    );
    expect(counted).to.equal(complete - Math.floor(complete * 0.75));

    // RRS-style call of the predictive service: rows without the label.
    const specColumns = Object.keys(inputSpec(censusPredictive).properties);
    const rows = tableToRows(input)
      .values.slice(0, 50)
      .map((row) => row.slice(0, 13));
    const scored = runGraph({
      properties: censusPredictive,
      inputs: { input1: tableFromRows(specColumns, rows, inputSpec(censusPredictive)) },
      globalParameters: {},
      trainedModels: { asset2: ilearner },
      strict: true,
    });
    const out = dataset(scored.outputs.output1);
    expect(names(out)).to.deep.equal(["Scored Labels", "Scored Probabilities"]);
    expect(out.rowCount).to.equal(50);
    const probs = values(out, "Scored Probabilities");
    const labels = values(out, "Scored Labels");
    // The predictive definition substitutes "Unknown" for missing categorical values (the model's
    // unknown level), so every row scores, including the sample's rows with missing workclass.
    const missing = rows.filter((row) => row.some((v) => v === null)).length;
    expect(missing, "the sample has rows with missing values").to.be.above(0);
    probs.forEach((p, i) => {
      expect(p, `row ${i} scored`).to.be.a("number").above(0).and.below(1);
      expect(labels[i]).to.equal(Number(p) > 0.5 ? ">50K" : "<=50K");
    });
  });

  it("census: the Training fraction and Random seed parameters change the split", () => {
    const input = csvInput("census-2026-11.csv", censusTraining);
    const evaluate = (globalParameters: Record<string, string>) =>
      dataset(
        runGraph({
          properties: censusTraining,
          inputs: { input1: input },
          globalParameters,
          trainedModels: {},
        }).outputs.output2,
      );
    const total = (t: DataTable) =>
      ["True Positive", "False Negative", "False Positive", "True Negative"].reduce(
        (s, c) => s + (values(t, c)[0] as number),
        0,
      );
    const half = evaluate({ "Training fraction": "0.5" });
    const quarter = evaluate({});
    expect(
      total(half),
      `${total(half)} held-out rows at 0.5 vs ${total(quarter)} at 0.75`,
    ).to.be.above(total(quarter));
    expect(values(evaluate({ "Random seed": "7" }), "AUC")).to.not.deep.equal(
      values(quarter, "AUC"),
    );
    expect(values(evaluate({ "Random seed": "42" }), "AUC"), "42 is the default").to.deep.equal(
      values(quarter, "AUC"),
    );
  });

  it("bike demand: training → model + regression evaluation, predictive → Scored Labels", () => {
    const trained = runGraph({
      properties: bikeTraining,
      inputs: { input1: csvInput("bike-demand-sample.csv", bikeTraining) },
      globalParameters: {},
      trainedModels: {},
      strict: true,
    });
    const ilearner = model(trained.outputs.output1);
    expect(inspectModel(ilearner).learner).to.equal("Linear Regression");
    const evaluation = dataset(trained.outputs.output2);
    expect(names(evaluation)).to.deep.equal([
      "Mean Absolute Error",
      "Root Mean Squared Error",
      "Relative Absolute Error",
      "Relative Squared Error",
      "Coefficient of Determination",
    ]);
    const r2 = values(evaluation, "Coefficient of Determination")[0] as number;
    const rmse = values(evaluation, "Root Mean Squared Error")[0] as number;
    expect(r2, `R² ${r2}`).to.be.above(0.9);
    expect(
      rmse > 8 && rmse < 12,
      `RMSE ${rmse} should be near the noise's standard deviation (10)`,
    ).to.equal(true);

    const spec = inputSpec(bikePredictive);
    const scored = runGraph({
      properties: bikePredictive,
      inputs: {
        input1: tableFromRows(
          Object.keys(spec.properties),
          [
            [8, 20.5, 55, 10, 1, "summer"],
            [3, 2, 80, 25, 0, "winter"],
          ],
          spec,
        ),
      },
      globalParameters: {},
      trainedModels: { asset2: ilearner },
      strict: true,
    });
    const out = dataset(scored.outputs.output1);
    expect(names(out)).to.deep.equal(["Scored Labels"]);
    const [busy, quiet] = values(out, "Scored Labels") as number[];
    // True means: 120 + 32 + 71.75 - 44 - 20 + 25 + 30 = 214.75 and 120 + 12 + 7 - 64 - 50 + 0 - 25 = 0.
    expect(Math.abs(busy - 214.75), `busy hour ${busy}`).to.be.below(5);
    expect(Math.abs(quiet), `quiet hour ${quiet}`).to.be.below(8);
  });
});
