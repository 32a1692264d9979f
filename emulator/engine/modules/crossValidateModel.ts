/**
 * Cross Validate Model: splits the rows into folds (those Partition and Sample assigned, else 10
 * random folds from the seed), trains the learner on all folds but one and scores that one, for
 * every fold. Outputs every row scored by the model that did not see it, with its 0-based
 * `Fold Assignments`, and the metrics of each fold with their mean and standard deviation.
 */
import type { Column, DataTable } from "../api";
import { makeColumn, takeRows } from "../dataTable";
import { engineErrors } from "../errors";
import { Rng } from "../rng";
import { scoredMetrics } from "./evaluateModel";
import { scoreTable } from "./scoreModel";
import { fitLearner } from "./trainModel";
import { tableInput, tableOutput, type StudioModule } from "./types";

/** Folds when the input carries none. */
export const DEFAULT_FOLDS = 10;

/**
 * The fold of each row: the table's own assignment, else `DEFAULT_FOLDS` folds of a seeded
 * shuffle (as even as the row count allows).
 *
 * @param table - the rows
 * @param seed - the seed
 */
export function foldsOf(table: DataTable, seed: number): { folds: Int32Array; count: number } {
  if (table.folds) {
    let count = 0;
    for (const f of table.folds) count = Math.max(count, f + 1);
    return { folds: table.folds, count };
  }
  const count = Math.min(DEFAULT_FOLDS, table.rowCount);
  const order = new Rng(seed).shuffle(Uint32Array.from({ length: table.rowCount }, (_, i) => i));
  const folds = new Int32Array(table.rowCount);
  order.forEach((row, k) => (folds[row] = k % count));
  return { folds, count };
}

/** Stacks the fold tables back into the input's row order (columns united by name). */
function reassemble(parts: { rows: number[]; table: DataTable }[], rowCount: number): Column[] {
  const names: string[] = [];
  for (const { table } of parts)
    for (const c of table.columns) if (!names.includes(c.name)) names.push(c.name);
  return names.map((name) => {
    const like = parts.flatMap((p) => p.table.columns.filter((c) => c.name === name))[0];
    const text = like.type === "String";
    const values: Float64Array | (string | null)[] = text
      ? new Array<string | null>(rowCount).fill(null)
      : new Float64Array(rowCount).fill(NaN);
    for (const { rows, table } of parts) {
      const col = table.columns.find((c) => c.name === name);
      if (!col) continue;
      rows.forEach((row, k) => {
        (values as (number | string | null)[])[row] = col.values[k] as number | string | null;
      });
    }
    return { ...like, values };
  });
}

/** The Cross Validate Model module. */
export const crossValidateModel: StudioModule = {
  name: "Cross Validate Model",
  category: "Machine Learning / Evaluate",
  inputs: [
    { name: "Untrained model", type: "ILearner" },
    { name: "Dataset", type: "DataTable" },
  ],
  outputs: [
    { name: "Scored results", type: "DataTable" },
    { name: "Evaluation results by fold", type: "DataTable" },
  ],
  parameters: [
    { name: "Label column", type: "ColumnSelection", default: "" },
    { name: "Random seed", type: "Integer", default: "0" },
  ],
  differences: [
    "Without folds from Partition and Sample, rows go to 10 folds round-robin after a seeded shuffle. The per-fold table has the numeric metrics of Evaluate Model (binary, regression) or its overall multiclass metrics, then Mean and Standard Deviation rows.",
  ],
  run(inputs, ctx) {
    const learner = inputs[0];
    if (!learner) throw engineErrors.module("0003", "Untrained model");
    if (learner.type !== "UntrainedLearner")
      throw engineErrors.module(
        "0013",
        learner.type === "TrainedModel" ? learner.model.moduleName : learner.type,
      );
    const table = tableInput(inputs[1], "Dataset");
    const picker = ctx.params.isBlank("Label column")
      ? undefined
      : ctx.params.string("Label column");
    const { folds, count } = foldsOf(table, ctx.params.int("Random seed"));
    if (count < 2) throw engineErrors.module("0021", "Dataset", 2);
    const parts: { rows: number[]; table: DataTable }[] = [];
    const perFold: Record<string, number>[] = [];
    const sizes: number[] = [];
    for (let f = 0; f < count; f++) {
      const test: number[] = [];
      const train: number[] = [];
      for (let r = 0; r < table.rowCount; r++) (folds[r] === f ? test : train).push(r);
      const model = fitLearner(
        learner.learner,
        takeRows(table, Uint32Array.from(train)),
        picker,
        ctx.now().toISOString(),
      );
      const scored = scoreTable(model, takeRows(table, Uint32Array.from(test)));
      parts.push({ rows: test, table: scored });
      perFold.push(scoredMetrics(scored, "Dataset").metrics);
      sizes.push(test.length);
    }
    const columns = reassemble(parts, table.rowCount);
    columns.push(makeColumn("Fold Assignments", "Int64", Float64Array.from(folds)));
    const metricNames = Object.keys(perFold[0]);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = (xs: number[]) => {
      const m = mean(xs);
      return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
    };
    const rows = count + 2;
    const byFold: Column[] = [
      makeColumn("Fold Number", "String", [
        ...Array.from({ length: count }, (_, f) => String(f)),
        "Mean",
        "Standard Deviation",
      ]),
      makeColumn(
        "Number of examples in fold",
        "Double",
        Float64Array.from([...sizes, mean(sizes), sd(sizes)]),
      ),
      makeColumn(
        "Model",
        "String",
        Array.from({ length: rows }, () => learner.learner.moduleName),
      ),
      ...metricNames.map((name) => {
        const values = perFold.map((m) => m[name]);
        return makeColumn(name, "Double", Float64Array.from([...values, mean(values), sd(values)]));
      }),
    ];
    return [
      tableOutput({ rowCount: table.rowCount, columns }),
      tableOutput({ rowCount: rows, columns: byFold }),
    ];
  },
};
