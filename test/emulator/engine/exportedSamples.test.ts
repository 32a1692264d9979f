/**
 * The two sample definitions that look like real exports, on the engine with its runtime (a
 * real python3 for the Python feature engineering):
 * - census-forest: Execute Python Script feature engineering and a Two-Class Decision Forest;
 * - bike-sql: Apply SQL Transformation, Normalize Data (its transformation is output3) and
 *   Boosted Decision Tree Regression, whose predictive service applies the saved normalization.
 * Models travel with their transforms: the predictive service scores exactly what the training
 * graph scored, and after a retrain on other data it does so only with both new resources.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { WebServiceProperties } from "../../../contract";
import {
  applySchema,
  describeService,
  parseCsv,
  runGraphAsync,
  type DataTable,
  type GraphOutput,
} from "../../../emulator/engine";
import { createModuleRuntime } from "../../../emulator/runtime/moduleRuntime";
import { expectVariant } from "../../helpers/expect";
import { PYTHON, RSCRIPT } from "../../../harness/interpreters";
import { values } from "./helpers";

const root = join(__dirname, "..", "..", "..");
const definition = (name: string): WebServiceProperties =>
  (
    JSON.parse(readFileSync(join(root, "definitions", `${name}.json`), "utf8")) as {
      properties: WebServiceProperties;
    }
  ).properties;
const runtime = createModuleRuntime({
  storageBase: "http://127.0.0.1:1",
  defaultStorage: undefined,
  scripts: { enabled: true, python: PYTHON, rscript: RSCRIPT, timeoutMs: 120_000 },
  log: () => undefined,
});

async function run(
  properties: WebServiceProperties,
  input: DataTable,
  trainedModels: Record<string, Uint8Array> = {},
): Promise<Record<string, GraphOutput>> {
  const spec = properties.input!.properties.input1;
  const result = await runGraphAsync({
    properties,
    inputs: { input1: applySchema(input, spec, "input1") },
    globalParameters: {},
    trainedModels,
    runtime,
    trainedAt: "2026-12-01T00:00:00.000Z",
  });
  return result.outputs;
}

function dataset(out: GraphOutput | undefined): DataTable {
  expectVariant(out, "kind", "dataset", "a dataset output");
  return out.table;
}

function csv(file: string): DataTable {
  return parseCsv(readFileSync(join(root, "data", file)), file);
}

function metric(evaluation: DataTable, name: string): number {
  return values(evaluation, name)[0] as number;
}

/** A table without some columns (the label a predictive service does not take). */
function without(table: DataTable, ...names: string[]): DataTable {
  return {
    rowCount: table.rowCount,
    columns: table.columns.filter((c) => !names.includes(c.name)),
  };
}

describe("engine: the exported-looking samples (Python + forest, SQL + Normalize + boosted trees)", function () {
  this.timeout(120_000);

  it("census-forest: trains through python3 feature engineering, and its predictive service scores new people", async function () {
    const training = definition("census-forest-training");
    const predictive = definition("census-forest-predictive");
    const trained = await run(training, csv("census-2026-10.csv"));
    expectVariant(trained.output1, "kind", "model", "a model");
    const auc = metric(dataset(trained.output2), "AUC");
    expect(auc, "held-out AUC of the forest").to.be.within(0.8, 1);
    const scored = dataset(
      (
        await run(predictive, without(csv("census-2026-11.csv"), "income"), {
          asset3: trained.output1.ilearner,
        })
      ).output1,
    );
    expect(scored.rowCount).to.equal(3000);
    expect(scored.columns.map((c) => c.name)).to.deep.equal([
      "Scored Labels",
      "Scored Probabilities",
    ]);
    expect(new Set(values(scored, "Scored Labels"))).to.deep.equal(new Set(["<=50K", ">50K"]));
  });

  describe("bike-sql: the model travels with its saved normalization", function () {
    const training = definition("bike-sql-training");
    const predictive = definition("bike-sql-predictive");
    /** The training graph with one more output: the Score Model rows it evaluated. */
    const withScores: WebServiceProperties = JSON.parse(
      JSON.stringify(training),
    ) as WebServiceProperties;
    withScores.package!.nodes.node13 = { outputId: "output4" };
    withScores.package!.edges.push({
      sourceNodeId: "node8",
      sourcePortId: "Scored dataset",
      targetNodeId: "node13",
      targetPortId: "Data",
    });
    /** The same rows before normalization: the SQL, Edit Metadata and Split Data nodes alone. */
    const nodes = training.package!.nodes;
    const rawHoldout: WebServiceProperties = {
      ...training,
      parameters: {},
      package: {
        nodes: {
          node1: nodes.node1,
          node2: nodes.node2,
          node3: nodes.node3,
          node5: nodes.node5,
          node10: { outputId: "output1" },
        },
        edges: [
          {
            sourceNodeId: "node1",
            sourcePortId: "Data",
            targetNodeId: "node2",
            targetPortId: "Table1",
          },
          {
            sourceNodeId: "node2",
            sourcePortId: "Results dataset",
            targetNodeId: "node3",
            targetPortId: "Dataset",
          },
          {
            sourceNodeId: "node3",
            sourcePortId: "Results dataset",
            targetNodeId: "node5",
            targetPortId: "Dataset",
          },
          {
            sourceNodeId: "node5",
            sourcePortId: "Results dataset2",
            targetNodeId: "node10",
            targetPortId: "Data",
          },
        ],
        graphParameters: {},
      },
    };

    const original = csv("bike-demand-sample.csv");
    /** Warmer, windier months: other normalization statistics and another model. */
    const shifted: DataTable = {
      rowCount: original.rowCount,
      columns: original.columns.map((c) =>
        c.name === "temperature" || c.name === "windspeed"
          ? { ...c, values: (c.values as Float64Array).map((v) => v + 8) }
          : c,
      ),
    };

    async function train(data: DataTable) {
      const out = await run(withScores, data);
      expectVariant(out.output1, "kind", "model", "a model");
      expectVariant(out.output3, "kind", "transform", "the saved normalization");
      const holdout = dataset((await run(rawHoldout, data)).output1);
      return {
        model: out.output1.ilearner,
        transform: out.output3.itransform,
        evaluation: dataset(out.output2),
        scores: values(dataset(out.output4), "Scored Labels"),
        holdout: without(holdout, "count", "rushhour", "comfort"),
      };
    }

    it("describes a transform output and two updatable resources", function () {
      expect(describeService(training, { strict: true }).outputs).to.deep.equal([
        { name: "output1", kind: "model" },
        { name: "output2", kind: "dataset" },
        { name: "output3", kind: "transform" },
      ]);
      expect(describeService(predictive, { strict: true }).trainedModels).to.deep.equal([
        { assetId: "asset3", name: "Bike Demand SQL Normalization [transform]" },
        { assetId: "asset5", name: "Bike Demand SQL [trained model]" },
      ]);
    });

    it("scores exactly what training scored, and after a retrain only with both new resources", async function () {
      const first = await train(original);
      expect(metric(first.evaluation, "Coefficient of Determination")).to.be.within(0.9, 1);
      const predict = async (model: Uint8Array, transform: Uint8Array, rows: DataTable) =>
        values(
          dataset((await run(predictive, rows, { asset3: transform, asset5: model })).output1),
          "Scored Labels",
        );
      expect(await predict(first.model, first.transform, first.holdout)).to.deep.equal(
        first.scores,
      );

      const second = await train(shifted);
      expect(await predict(second.model, second.transform, second.holdout)).to.deep.equal(
        second.scores,
      );
      // The new model with the old normalization scores other numbers: both resources must move.
      const mixed = await predict(second.model, first.transform, second.holdout);
      expect(mixed).to.not.deep.equal(second.scores);
    });
  });
});
