/**
 * Convert to Indicator Values: one 0/1 column per level of each selected categorical column,
 * named `<column>-<level>` (and `<column>-Missing` when values are missing), levels in order of
 * first appearance. The levels are also saved as a transformation, so that a predictive graph
 * makes the same columns from a few scoring rows.
 */
import { engineErrors } from "../errors";
import { pickColumns } from "../tableOps";
import { applyTransform, levelsInOrder, type IndicatorTransform } from "../transforms";
import { tableInput, tableOutput, type StudioModule } from "./types";

/** The Convert to Indicator Values module. */
export const convertToIndicatorValues: StudioModule = {
  name: "Convert to Indicator Values",
  category: "Data Transformation / Manipulation",
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [
    { name: "Results dataset", type: "DataTable" },
    { name: "Indicator transformation", type: "ITransform" },
  ],
  parameters: [
    { name: "Categorical columns to convert", type: "ColumnSelection" },
    { name: "Overwrite categorical columns", type: "Boolean", default: "False" },
  ],
  differences: [
    'Adds a second output, "Indicator transformation" (Studio had none): saved with Apply Transformation, it gives scoring rows exactly the indicator columns training had, whatever levels a request contains.',
  ],
  run(inputs, ctx) {
    const table = tableInput(inputs[0], "Dataset");
    const indices = pickColumns(table, ctx.params, "Categorical columns to convert", "Dataset");
    const transform: IndicatorTransform = {
      kind: "indicators",
      overwrite: ctx.params.bool("Overwrite categorical columns"),
      columns: indices.map((i) => {
        const col = table.columns[i];
        if (!col.categorical) throw engineErrors.module("0056", col.name);
        const { levels, missing } = levelsInOrder(col);
        return { name: col.name, levels, missingLevel: missing };
      }),
    };
    return [
      tableOutput(applyTransform(transform, table, "Dataset")),
      { type: "Transform", transform },
    ];
  },
};
