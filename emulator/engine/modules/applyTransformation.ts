/**
 * Apply Transformation: replays a saved transformation (Clean Missing Data's, Normalize Data's,
 * Group Data into Bins', Convert to Indicator Values') on a table, with the statistics it
 * learnt, not the new rows' own: a predictive graph scores exactly what training trained on.
 */
import { engineErrors } from "../errors";
import { applyTransform } from "../transforms";
import { tableInput, tableOutput, type StudioModule } from "./types";

/** The Apply Transformation module. */
export const applyTransformation: StudioModule = {
  name: "Apply Transformation",
  category: "Machine Learning / Score",
  inputs: [
    { name: "Transformation", type: "ITransform" },
    { name: "Dataset", type: "DataTable" },
  ],
  outputs: [{ name: "Transformed dataset", type: "DataTable" }],
  parameters: [],
  run(inputs) {
    const t = inputs[0];
    if (!t) throw engineErrors.module("0003", "Transformation");
    if (t.type !== "Transform")
      throw engineErrors.module("0013", t.type === "TrainedModel" ? t.model.moduleName : t.type);
    const table = tableInput(inputs[1], "Dataset");
    return [tableOutput(applyTransform(t.transform, table, "Dataset"))];
  },
};
