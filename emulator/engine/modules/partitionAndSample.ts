/**
 * Partition and Sample: keeps the first N rows (Head), a seeded random sample (Sampling,
 * optionally stratified), assigns rows to folds (Assign to Folds: the rows pass through with
 * their fold, for Pick Fold, Cross Validate Model and Tune Model Hyperparameters) or keeps one
 * fold or its complement (Pick Fold). Kept rows stay in table order.
 */
import type { DataTable } from "../api";
import { parseColumnSelection, selectSingleColumn } from "../columnPicker";
import { cellText, takeRows } from "../dataTable";
import { engineErrors } from "../errors";
import { Rng } from "../rng";
import { parseNumberText } from "../valueParsing";
import type { ParameterReader } from "../parameters";
import { tableInput, tableOutput, type StudioModule } from "./types";

const MODES = ["Sampling", "Head", "Assign to Folds", "Pick Fold"] as const;

/** Row indices grouped by the text of a stratification column (all rows in one group without). */
function strata(table: DataTable, p: ParameterReader, flag: string, column: string): number[][] {
  if (!p.bool(flag)) return [Array.from({ length: table.rowCount }, (_, i) => i)];
  const index = selectSingleColumn(
    table,
    parseColumnSelection(p.string(column), column),
    column,
    "Dataset",
  );
  const groups = new Map<string, number[]>();
  for (let r = 0; r < table.rowCount; r++) {
    const key = cellText(table.columns[index], r) ?? "\u0000";
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

/** The Partition and Sample module. */
export const partitionAndSample: StudioModule = {
  name: "Partition and Sample",
  category: "Data Transformation / Sample and Split",
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [{ name: "oDataset", type: "DataTable", aliases: ["Results dataset"] }],
  parameters: [
    {
      name: "Partition or sample mode",
      type: "Enum",
      default: "Sampling",
      values: MODES,
      enumName: "Sampling methods",
      aliases: { AssignToFolds: "Assign to Folds", PickFold: "Pick Fold" },
    },
    { name: "Use replacement in the partitioning", type: "Boolean", default: "False" },
    { name: "Randomized split", type: "Boolean", default: "True" },
    { name: "Random seed", type: "Integer", default: "0" },
    {
      name: "Specify the partitioner method",
      type: "Enum",
      default: "Partition evenly",
      values: ["Partition evenly", "Partition with customized proportions"],
      enumName: "Partition methods",
    },
    { name: "Specify number of folds to split evenly into", type: "Integer", default: "5", min: 1 },
    { name: "Stratified split", type: "Boolean", default: "False" },
    { name: "Stratification key column", type: "ColumnSelection", default: "" },
    { name: "List of proportions separated by comma", type: "String", default: "" },
    { name: "Specify which fold to be sampled from", type: "Integer", default: "1", min: 1 },
    { name: "Pick complement of the selected fold", type: "Boolean", default: "False" },
    { name: "Rate of sampling", type: "Float", default: "0.01", min: 0, max: 1 },
    { name: "Random seed for sampling", type: "Integer", default: "0" },
    { name: "Stratified split for sampling", type: "Boolean", default: "False" },
    { name: "Stratification key column for sampling", type: "ColumnSelection", default: "" },
    { name: "Number of rows to select", type: "Integer", default: "10", min: 0 },
  ],
  differences: [
    "Sampling keeps round(rate × rows) rows of each stratum, drawn without replacement; folds with replacement are Error 0039.",
    "The fold assignment travels with the table only to the next module (Pick Fold, Cross Validate Model, Tune Model Hyperparameters).",
  ],
  run(inputs, ctx) {
    const table = tableInput(inputs[0], "Dataset");
    const p = ctx.params;
    const mode = p.enumValue("Partition or sample mode");
    if (mode === "Head") {
      const n = Math.min(p.int("Number of rows to select"), table.rowCount);
      return [
        tableOutput(
          takeRows(
            table,
            Uint32Array.from({ length: n }, (_, i) => i),
          ),
        ),
      ];
    }
    if (mode === "Sampling") {
      const rate = p.float("Rate of sampling");
      const rng = new Rng(p.int("Random seed for sampling"));
      const kept: number[] = [];
      for (const group of strata(
        table,
        p,
        "Stratified split for sampling",
        "Stratification key column for sampling",
      )) {
        const shuffled = rng.shuffle([...group]);
        kept.push(...shuffled.slice(0, Math.round(rate * group.length)));
      }
      return [tableOutput(takeRows(table, Uint32Array.from(kept.sort((a, b) => a - b))))];
    }
    if (mode === "Pick Fold") {
      if (!table.folds)
        throw engineErrors.module(
          "0039",
          'the input has no fold assignment: feed it from Partition and Sample in "Assign to Folds" mode',
        );
      const fold = p.int("Specify which fold to be sampled from") - 1;
      const complement = p.bool("Pick complement of the selected fold");
      const rows: number[] = [];
      for (let r = 0; r < table.rowCount; r++)
        if ((table.folds[r] === fold) !== complement) rows.push(r);
      return [tableOutput(takeRows(table, Uint32Array.from(rows)))];
    }
    if (p.bool("Use replacement in the partitioning"))
      throw engineErrors.module(
        "0039",
        "folds drawn with replacement are not supported by the emulator",
      );
    let proportions: number[];
    if (p.enumValue("Specify the partitioner method") === "Partition evenly") {
      const k = p.int("Specify number of folds to split evenly into");
      proportions = Array.from({ length: k }, () => 1 / k);
    } else {
      const text = p.string("List of proportions separated by comma");
      proportions = text.split(",").map((s) => {
        const v = parseNumberText(s.trim());
        if (!v || v.value < 0)
          throw engineErrors.module(
            "0002",
            "List of proportions separated by comma",
            text,
            "String",
            "Float",
          );
        return v.value;
      });
      const total = proportions.reduce((a, b) => a + b, 0);
      if (total <= 0) throw engineErrors.module("0003", "List of proportions separated by comma");
      proportions = proportions.map((x) => x / total);
    }
    const folds = new Int32Array(table.rowCount);
    const rng = new Rng(p.int("Random seed"));
    for (const group of strata(table, p, "Stratified split", "Stratification key column")) {
      const order = p.bool("Randomized split") ? rng.shuffle([...group]) : group;
      let start = 0;
      let cumulative = 0;
      proportions.forEach((share, f) => {
        cumulative += share;
        const end =
          f === proportions.length - 1 ? order.length : Math.round(cumulative * order.length);
        for (let i = start; i < end; i++) folds[order[i]] = f;
        start = end;
      });
    }
    return [tableOutput({ rowCount: table.rowCount, columns: table.columns, folds })];
  },
};
