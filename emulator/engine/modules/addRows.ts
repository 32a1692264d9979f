/**
 * Add Rows: the rows of the second table after those of the first. Both need the same column
 * names in the same order (Error 0010 names the first difference); a column whose types differ
 * becomes Double (Int64 with Double) or String. Flags come from the first table.
 */
import type { Column } from "../api";
import { cellText, makeColumn } from "../dataTable";
import { engineErrors } from "../errors";
import { commonType } from "../tableOps";
import { tableInput, tableOutput, type StudioModule } from "./types";

/** The Add Rows module. */
export const addRows: StudioModule = {
  name: "Add Rows",
  category: "Data Transformation / Manipulation",
  inputs: [
    { name: "Dataset1", type: "DataTable" },
    { name: "Dataset2", type: "DataTable" },
  ],
  outputs: [{ name: "Results dataset", type: "DataTable" }],
  parameters: [],
  run(inputs) {
    const a = tableInput(inputs[0], "Dataset1");
    const b = tableInput(inputs[1], "Dataset2");
    if (a.columns.length !== b.columns.length) throw engineErrors.module("0061");
    const n = a.rowCount + b.rowCount;
    const columns = a.columns.map((ca, i): Column => {
      const cb = b.columns[i];
      if (ca.name !== cb.name) throw engineErrors.module("0010", i, ca.name, cb.name);
      const type = commonType(ca.type, cb.type);
      if (type === "String") {
        const values: (string | null)[] = [];
        for (let r = 0; r < a.rowCount; r++) values.push(cellText(ca, r));
        for (let r = 0; r < b.rowCount; r++) values.push(cellText(cb, r));
        return makeColumn(ca.name, "String", values, {
          categorical: ca.categorical,
          usage: ca.usage,
        });
      }
      const values = new Float64Array(n);
      values.set(ca.values as Float64Array, 0);
      values.set(cb.values as Float64Array, a.rowCount);
      return makeColumn(ca.name, type, values, { categorical: ca.categorical, usage: ca.usage });
    });
    return [tableOutput({ rowCount: n, columns })];
  },
};
