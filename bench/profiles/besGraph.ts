/**
 * The CPU work of row 8's BES job without the HTTP around it, for `node --cpu-prof`: read the
 * CSV, `parseCsv`, the input schema, then the job's graph (`lrTrainingDefinition` of
 * `bench/execution.ts`: Split Data 75 % randomized → Train Model (Two-Class Logistic Regression)
 * → Score Model → Evaluate Model), as the job's worker thread runs them. Prints each step's time.
 *
 * Usage: `node --cpu-prof --import tsx bench/profiles/besGraph.ts data.csv` (the CSV of
 * `syntheticCsv(1_000_000, 42)`, `bench/engine-scale.ts`).
 */
import { readFileSync } from "node:fs";
import { applySchema, parseCsv, runGraph } from "../../emulator/engine";
import { lrTrainingDefinition } from "../execution";

function main(file: string): void {
  const { properties } = lrTrainingDefinition();
  const t0 = performance.now();
  const bytes = readFileSync(file);
  const t1 = performance.now();
  const parsed = parseCsv(bytes, "input1");
  const t2 = performance.now();
  const table = applySchema(parsed, properties.input!.properties.input1, "input1");
  const t3 = performance.now();
  const modules: string[] = [];
  runGraph({
    properties,
    inputs: { input1: table },
    globalParameters: {},
    trainedModels: {},
    trainedAt: "2026-12-01T00:00:00.000Z",
    onProgress: (line) => {
      if (line.includes("finished in")) modules.push(line.replace(/^\S+ /, ""));
    },
  });
  const t4 = performance.now();
  const ms = (a: number, b: number): number => Math.round(b - a);
  process.stdout.write(
    `${JSON.stringify({ readMs: ms(t0, t1), parseMs: ms(t1, t2), schemaMs: ms(t2, t3), graphMs: ms(t3, t4), modules })}\n`,
  );
}

main(process.argv[2]);
