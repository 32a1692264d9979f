/**
 * Remove Duplicate Rows: keeps one row per distinct key (the selected columns, compared as text,
 * missing equal to missing): the first of each set, or the last without "Retain first duplicate
 * row". Kept rows stay in table order.
 */
import { takeRows } from "../dataTable";
import { pickColumns, rowKey } from "../tableOps";
import { tableInput, tableOutput, type StudioModule } from "./types";

/** The Remove Duplicate Rows module. */
export const removeDuplicateRows: StudioModule = {
  name: "Remove Duplicate Rows",
  category: "Data Transformation / Manipulation",
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [{ name: "Results dataset", type: "DataTable" }],
  parameters: [
    { name: "Key column selection filter expression", type: "ColumnSelection" },
    { name: "Retain first duplicate row", type: "Boolean", default: "True" },
  ],
  run(inputs, ctx) {
    const table = tableInput(inputs[0], "Dataset");
    const keys = pickColumns(
      table,
      ctx.params,
      "Key column selection filter expression",
      "Dataset",
    ).map((i) => table.columns[i]);
    const first = ctx.params.bool("Retain first duplicate row");
    const chosen = new Map<string, number>();
    for (let r = 0; r < table.rowCount; r++) {
      const key = rowKey(keys, r);
      if (!first || !chosen.has(key)) chosen.set(key, r);
    }
    const rows = Uint32Array.from([...chosen.values()].sort((x, y) => x - y));
    return [tableOutput(takeRows(table, rows))];
  },
};
