/**
 * Item 7, emulator side: the same CSV and steps as `sklearn_lr.py`, through the emulator's engine
 * as a BES job runs it (one fresh thread per job, here one fresh process per run).
 *
 * Reads the file, parses it (`parseCsv`), runs a graph input → Split Data (first 80 % of the rows,
 * in order) → Train Model (Two-Class Logistic Regression, Studio defaults) → Score Model on the
 * other 20 %, and computes the AUC of the scores (`rocAuc`, what Evaluate Model uses). Prints one
 * JSON line with the time from before reading the file to after the AUC, and each step.
 *
 * Usage: `node --import tsx bench/training/emulatorLr.ts data.csv`.
 */
import { readFileSync } from "node:fs";
import type { WebServiceProperties } from "../../contract";
import { decodeIlearner, parseCsv, runGraph } from "../../emulator/engine";
import { rocAuc } from "../../emulator/engine/metrics";

const module = (name: string): { name: string; type: "Module"; locationInfo: { uri: string } } => ({
  name,
  type: "Module",
  locationInfo: { uri: `aml://module/${name}` },
});

/** input1 → Split Data (0.8, in order) → Train Model ← LR; Score Model on the rest → output1. */
const SERVICE: WebServiceProperties = {
  packageType: "Graph",
  assets: {
    split: module("Split Data"),
    lr: module("Two-Class Logistic Regression"),
    train: module("Train Model"),
    score: module("Score Model"),
  },
  package: {
    nodes: {
      in: { inputId: "input1" },
      split: {
        assetId: "split",
        parameters: {
          "Splitting mode": { value: "Split Rows" },
          "Fraction of rows in the first output dataset": { value: "0.8" },
          "Randomized split": { value: "False" },
        },
      },
      lr: { assetId: "lr", parameters: {} },
      train: {
        assetId: "train",
        parameters: {
          "Label column": {
            value:
              '{"isFilter":true,"rules":[{"ruleType":"ColumnNames","exclude":false,"columns":["label"]}]}',
          },
        },
      },
      score: { assetId: "score", parameters: {} },
      model: { outputId: "model" },
      out: { outputId: "scored" },
    },
    edges: [
      { sourceNodeId: "in", sourcePortId: "Data", targetNodeId: "split", targetPortId: "Dataset" },
      {
        sourceNodeId: "split",
        sourcePortId: "Results dataset1",
        targetNodeId: "train",
        targetPortId: "Dataset",
      },
      {
        sourceNodeId: "lr",
        sourcePortId: "Untrained model",
        targetNodeId: "train",
        targetPortId: "Untrained model",
      },
      {
        sourceNodeId: "train",
        sourcePortId: "Trained model",
        targetNodeId: "score",
        targetPortId: "Trained model",
      },
      {
        sourceNodeId: "split",
        sourcePortId: "Results dataset2",
        targetNodeId: "score",
        targetPortId: "Dataset",
      },
      {
        sourceNodeId: "train",
        sourcePortId: "Trained model",
        targetNodeId: "model",
        targetPortId: "Data",
      },
      {
        sourceNodeId: "score",
        sourcePortId: "Scored dataset",
        targetNodeId: "out",
        targetPortId: "Data",
      },
    ],
  },
};

function main(file: string): void {
  const t0 = performance.now();
  const table = parseCsv(readFileSync(file), "input1");
  const t1 = performance.now();
  const result = runGraph({
    properties: SERVICE,
    inputs: { input1: table },
    globalParameters: {},
    trainedModels: {},
    trainedAt: "2026-11-30T00:00:00.000Z",
  });
  const t2 = performance.now();
  const scored = result.outputs.scored;
  const model = result.outputs.model;
  if (scored?.kind !== "dataset" || model?.kind !== "model") throw new Error("unexpected outputs");
  const column = (name: string): Float64Array => {
    const c = scored.table.columns.find((x) => x.name === name);
    if (!c || !(c.values instanceof Float64Array)) throw new Error(`no numeric column ${name}`);
    return c.values;
  };
  const auc = rocAuc(column("label"), column("Scored Probabilities"));
  const t3 = performance.now();
  process.stdout.write(
    JSON.stringify({
      rows: table.rowCount,
      totalMs: t3 - t0,
      parseMs: t1 - t0,
      trainAndScoreMs: t2 - t1,
      aucMs: t3 - t2,
      auc,
      iterations: decodeIlearner(model.ilearner).training.iterations,
    }) + "\n",
  );
}

main(process.argv[2]);
