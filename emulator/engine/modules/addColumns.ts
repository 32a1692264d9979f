/**
 * Add Columns: the columns of two tables with the same number of rows side by side; a right
 * column whose name is taken gets Studio's " (1)" suffix.
 */
import { engineErrors } from "../errors";
import { renameDuplicates } from "../tableOps";
import { tableInput, tableOutput, type StudioModule } from "./types";

/** The Add Columns module. */
export const addColumns: StudioModule = {
  name: "Add Columns",
  category: "Data Transformation / Manipulation",
  inputs: [
    { name: "Left dataset", type: "DataTable" },
    { name: "Right dataset", type: "DataTable" },
  ],
  outputs: [{ name: "Combined dataset", type: "DataTable" }],
  parameters: [],
  run(inputs) {
    const left = tableInput(inputs[0], "Left dataset");
    const right = tableInput(inputs[1], "Right dataset");
    if (left.rowCount !== right.rowCount)
      throw engineErrors.module("0027", "Left dataset", "Right dataset");
    const columns = [
      ...left.columns,
      ...renameDuplicates(
        left.columns.map((c) => c.name),
        right.columns,
      ),
    ];
    return [tableOutput({ rowCount: left.rowCount, columns })];
  },
};
