/**
 * Select Columns in Dataset (`docs/modules.md`): keeps the picked columns, metadata included.
 */
import { parseColumnSelection, selectColumnIndices } from "../columnPicker";
import { passThroughRows } from "./rowSteps";
import { tableInput, tableOutput, type StudioModule } from "./types";

const PICKER = "Select columns";

/** The Select Columns in Dataset module. */
export const selectColumnsInDataset: StudioModule = {
  name: "Select Columns in Dataset",
  category: "Data Transformation / Manipulation",
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [{ name: "Results dataset", type: "DataTable" }],
  parameters: [{ name: PICKER, type: "ColumnSelection" }],
  run(inputs, ctx) {
    const table = tableInput(inputs[0], "Dataset");
    const selection = parseColumnSelection(ctx.params.string(PICKER), PICKER);
    const indices = selectColumnIndices(table, selection, "Dataset");
    // Column arrays are shared, not copied: tables are immutable once built.
    return [
      tableOutput({ rowCount: table.rowCount, columns: indices.map((i) => table.columns[i]) }),
    ];
  },
  compileRows: (inputs, ctx) => passThroughRows(selectColumnsInDataset, inputs, ctx),
};
