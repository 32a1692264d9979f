/**
 * Engine scale benchmark: CSV parsing and Two-Class Logistic Regression training on synthetic
 * data with 20 numeric features, at 100k and 1M rows (and the 10× cost ratio).
 *
 * Run: `npx tsx bench/engine-scale.ts [--rows 100000,1000000] [--repeat 1]`.
 * Prints times; nothing is asserted. `npm run bench -- --only training` (bench/training.ts, item 7
 * of RESULTS.md) uses {@link syntheticCsv} to compare with scikit-learn and to check the growth;
 * `--only bes` (bench/execution.ts, item 8) uses it as the data of a BES job.
 */
import { parseArgs } from "node:util";
import type { WebServiceProperties } from "../contract";
import { decodeIlearner, parseCsv, runGraph } from "../emulator/engine";
import { Rng } from "../emulator/engine/rng";

const FEATURES = 20;

/**
 * CSV text of `rows` rows: f1..f20 standard normal with 4 decimals, label 0/1 drawn from a
 * logistic model (about 150 bytes per row, so 1M rows ≈ 150 MB).
 *
 * @param rows - number of rows
 * @param seed - random seed
 */
export function syntheticCsv(rows: number, seed: number): Buffer {
  const rng = new Rng(seed);
  const weights = Array.from({ length: FEATURES }, (_v, j) => ((j % 5) - 2) * 0.4);
  const chunks: Buffer[] = [];
  const header = Array.from({ length: FEATURES }, (_v, j) => `f${j + 1}`).join(",") + ",label\n";
  chunks.push(Buffer.from(header));
  let lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let z = -0.3;
    let line = "";
    for (let j = 0; j < FEATURES; j++) {
      const x = rng.nextGaussian();
      z += weights[j] * x;
      line += x.toFixed(4) + ",";
    }
    line += rng.nextDouble() < 1 / (1 + Math.exp(-z)) ? "1" : "0";
    lines.push(line);
    if (lines.length === 10000) {
      chunks.push(Buffer.from(lines.join("\n") + "\n"));
      lines = [];
    }
  }
  if (lines.length > 0) chunks.push(Buffer.from(lines.join("\n") + "\n"));
  return Buffer.concat(chunks);
}

/** input1 → Train Model (label "label") ← Two-Class Logistic Regression (defaults) → output1. */
const TRAINING_SERVICE: WebServiceProperties = {
  packageType: "Graph",
  assets: {
    lr: {
      name: "Two-Class Logistic Regression",
      type: "Module",
      locationInfo: { uri: "aml://module/lr" },
    },
    train: { name: "Train Model", type: "Module", locationInfo: { uri: "aml://module/train" } },
  },
  package: {
    nodes: {
      in: { inputId: "input1" },
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
      out: { outputId: "output1" },
    },
    edges: [
      { sourceNodeId: "in", sourcePortId: "Data", targetNodeId: "train", targetPortId: "Dataset" },
      {
        sourceNodeId: "lr",
        sourcePortId: "Untrained model",
        targetNodeId: "train",
        targetPortId: "Untrained model",
      },
      {
        sourceNodeId: "train",
        sourcePortId: "Trained model",
        targetNodeId: "out",
        targetPortId: "Data",
      },
    ],
  },
};

function ms(t: number): string {
  return `${t.toFixed(0).padStart(6)} ms`;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      rows: { type: "string", default: "100000,1000000" },
      repeat: { type: "string", default: "1" },
    },
  });
  const sizes = values.rows.split(",").map(Number);
  const repeat = Number(values.repeat);
  const results: { rows: number; parse: number; train: number }[] = [];
  for (const rows of sizes) {
    const csv = syntheticCsv(rows, 42);
    let parse = Infinity;
    let train = Infinity;
    let iterations = 0;
    for (let k = 0; k < repeat; k++) {
      const t0 = performance.now();
      const table = parseCsv(csv, "input1");
      const t1 = performance.now();
      const out = runGraph({
        properties: TRAINING_SERVICE,
        inputs: { input1: table },
        globalParameters: {},
        trainedModels: {},
      }).outputs.output1;
      if (out.kind === "model") iterations = decodeIlearner(out.ilearner).training.iterations;
      const t2 = performance.now();
      parse = Math.min(parse, t1 - t0);
      train = Math.min(train, t2 - t1);
    }
    results.push({ rows, parse, train });
    console.log(
      `${String(rows).padStart(8)} rows (${(csv.length / 1e6).toFixed(0)} MB): parse ${ms(parse)}, train ${ms(train)}, total ${ms(parse + train)}, ${iterations} L-BFGS iterations (${(train / iterations).toFixed(1)} ms each)`,
    );
  }
  for (let i = 1; i < results.length; i++) {
    const a = results[i - 1];
    const b = results[i];
    const scale = b.rows / a.rows;
    console.log(
      `${b.rows}/${a.rows} rows (×${scale}): parse ×${(b.parse / a.parse).toFixed(2)}, train ×${(b.train / a.train).toFixed(2)}, total ×${((b.parse + b.train) / (a.parse + a.train)).toFixed(2)}`,
    );
  }
}

if (require.main === module) main();
