/**
 * The four sample definitions of services/ run unchanged on the engine: training produces a
 * model and an evaluation, the predictive service scores with that model.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TableSpecification, WebServiceProperties } from "../../../clients/wire";
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
    JSON.parse(readFileSync(join(root, "services", `${name}.json`), "utf8")) as {
      properties: WebServiceProperties;
    }
  ).properties;
const inputSpec = (p: WebServiceProperties): TableSpecification => p.input!.properties.input1;
const csvInput = (file: string, p: WebServiceProperties): DataTable =>
  applySchema(parseCsv(readFileSync(join(root, "data", file)), file), inputSpec(p), "input1");

function dataset(out: GraphOutput | undefined): DataTable {
  assert.ok(out && out.kind === "dataset", "a dataset output");
  return out.table;
}
function model(out: GraphOutput | undefined): Uint8Array {
  assert.ok(out && out.kind === "model", "a model output");
  return out.ilearner;
}

describe("engine: the sample services", () => {
  const censusTraining = service("census-training");
  const censusPredictive = service("census-predictive");
  const bikeTraining = service("bike-demand-training");
  const bikePredictive = service("bike-demand-predictive");

  it("describe their shapes", () => {
    assert.deepEqual(describeService(censusTraining, { strict: true }), {
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
    assert.deepEqual(describeService(censusPredictive, { strict: true }).trainedModels, [
      { assetId: "asset2", name: "Census Model [trained model]" },
    ]);
    assert.deepEqual(describeService(bikePredictive, { strict: true }).outputs, [
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
    assert.equal(info.learner, "Two-Class Logistic Regression");
    assert.equal(info.labelColumn, "income");
    assert.equal(info.featureColumns.length, 13);

    const evaluation = dataset(trained.outputs.output2);
    assert.equal(evaluation.rowCount, 1);
    assert.deepEqual(values(evaluation, "Positive Label"), [">50K"]);
    assert.deepEqual(values(evaluation, "Negative Label"), ["<=50K"]);
    const auc = values(evaluation, "AUC")[0] as number;
    assert.ok(auc > 0.8 && auc < 0.95, `held-out AUC ${auc}`);
    // Held-out rows = complete rows minus ⌊0.75 × complete rows⌋.
    let complete = 0;
    for (let r = 0; r < input.rowCount; r++)
      if (input.columns.every((c) => c.values[r] !== null && !Number.isNaN(c.values[r])))
        complete++;
    const counted = ["True Positive", "False Negative", "False Positive", "True Negative"].reduce(
      (s, c) => s + (values(evaluation, c)[0] as number),
      0,
    );
    assert.equal(counted, complete - Math.floor(complete * 0.75));

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
    assert.deepEqual(names(out), ["Scored Labels", "Scored Probabilities"]);
    assert.equal(out.rowCount, 50);
    const probs = values(out, "Scored Probabilities");
    const labels = values(out, "Scored Labels");
    // The predictive definition substitutes "Unknown" for missing categorical values (the model's
    // unknown level), so every row scores, including the sample's rows with missing workclass.
    const missing = rows.filter((row) => row.some((v) => v === null)).length;
    assert.ok(missing > 0, "the sample has rows with missing values");
    probs.forEach((p, i) => {
      assert.ok(typeof p === "number" && p > 0 && p < 1, `row ${i} scored`);
      assert.equal(labels[i], p > 0.5 ? ">50K" : "<=50K");
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
    assert.ok(
      total(half) > total(quarter),
      `${total(half)} held-out rows at 0.5 vs ${total(quarter)} at 0.75`,
    );
    assert.notDeepEqual(values(evaluate({ "Random seed": "7" }), "AUC"), values(quarter, "AUC"));
    assert.deepEqual(
      values(evaluate({ "Random seed": "42" }), "AUC"),
      values(quarter, "AUC"),
      "42 is the default",
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
    assert.equal(inspectModel(ilearner).learner, "Linear Regression");
    const evaluation = dataset(trained.outputs.output2);
    assert.deepEqual(names(evaluation), [
      "Mean Absolute Error",
      "Root Mean Squared Error",
      "Relative Absolute Error",
      "Relative Squared Error",
      "Coefficient of Determination",
    ]);
    const r2 = values(evaluation, "Coefficient of Determination")[0] as number;
    const rmse = values(evaluation, "Root Mean Squared Error")[0] as number;
    assert.ok(r2 > 0.9, `R² ${r2}`);
    assert.ok(
      rmse > 8 && rmse < 12,
      `RMSE ${rmse} should be near the noise's standard deviation (10)`,
    );

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
    assert.deepEqual(names(out), ["Scored Labels"]);
    const [busy, quiet] = values(out, "Scored Labels") as number[];
    // True means: 120 + 32 + 71.75 - 44 - 20 + 25 + 30 = 214.75 and 120 + 12 + 7 - 64 - 50 + 0 - 25 = 0.
    assert.ok(Math.abs(busy - 214.75) < 5, `busy hour ${busy}`);
    assert.ok(Math.abs(quiet) < 8, `quiet hour ${quiet}`);
  });
});
