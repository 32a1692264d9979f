/**
 * Train Model (`docs/modules.md`): fits an untrained learner on a table.
 *
 * The label comes from the "Label column" picker, or from the column flagged as label when the
 * picker is blank. Every other feature column is a feature. Rows whose label or any feature is
 * missing are skipped (Error 0130 when none is left).
 */
import type { Column, DataTable } from "../api";
import { parseColumnSelection, selectSingleColumn } from "../columnPicker";
import { completeRows } from "../dataTable";
import { engineErrors } from "../errors";
import { LEARNERS } from "../learners/registry";
import type { LearnerSpec, TrainedModel } from "../learners/model";
import type { TrainingSet } from "../learners/training";
import type { StudioModule } from "./types";
import { tableInput } from "./types";

const LABEL = "Label column";

/** The Train Model module. */
export const trainModel: StudioModule = {
  name: "Train Model",
  category: "Machine Learning / Train",
  differences: [
    'Rows with a missing label or feature are skipped; weights (usage "weight") are not used.',
  ],
  inputs: [
    { name: "Untrained model", type: "ILearner" },
    { name: "Dataset", type: "DataTable" },
  ],
  outputs: [{ name: "Trained model", type: "ILearner" }],
  parameters: [{ name: LABEL, type: "ColumnSelection", default: "" }],
  run(inputs, ctx) {
    const learnerValue = inputs[0];
    if (!learnerValue) throw engineErrors.module("0003", "Untrained model");
    if (learnerValue.type !== "UntrainedLearner") {
      const name =
        learnerValue.type === "TrainedModel" ? learnerValue.model.moduleName : learnerValue.type;
      throw engineErrors.module("0013", name);
    }
    const table = tableInput(inputs[1], "Dataset");
    const model = fitLearner(
      learnerValue.learner,
      table,
      ctx.params.isBlank(LABEL) ? undefined : ctx.params.string(LABEL),
      ctx.now().toISOString(),
    );
    return [{ type: "TrainedModel", model }];
  },
};

/**
 * Trains a learner on a table the way Train Model does (also used by Cross Validate Model and
 * Tune Model Hyperparameters): the label from the picker or the label flag, every other feature
 * column as a feature, rows with a missing label or feature skipped.
 *
 * @param spec - the untrained learner
 * @param table - training rows
 * @param picker - the "Label column" value, undefined for the column flagged as label
 * @param trainedAt - ISO time recorded in the model
 */
export function fitLearner(
  spec: LearnerSpec,
  table: DataTable,
  picker: string | undefined,
  trainedAt: string,
): TrainedModel {
  // K-means trains through Train Clustering Model (Studio's Error 0013 for the wrong trainer).
  if (spec.task === "clustering") throw engineErrors.module("0013", spec.moduleName);
  if (table.rowCount === 0) throw engineErrors.module("0003", "Dataset");
  const labelIndex = findLabel(table, picker);
  const label = table.columns[labelIndex];
  const featureIndices: number[] = [];
  table.columns.forEach((c, i) => {
    if (i !== labelIndex && c.usage === "feature") featureIndices.push(i);
  });
  if (featureIndices.length === 0) throw engineErrors.module("0020", "Dataset", 2);
  const rows = completeRows(
    [label, ...featureIndices.map((i) => table.columns[i])],
    table.rowCount,
  );
  if (rows.length === 0) throw engineErrors.module("0130");
  const data: TrainingSet = {
    table,
    label: relabel(label),
    featureIndices,
    rows,
    skippedRows: table.rowCount - rows.length,
    trainedAt,
  };
  return LEARNERS[spec.learner].train(spec, data);
}

/** The label column index: from the picker, else the column flagged as label (0024 if none). */
function findLabel(table: DataTable, picker: string | undefined): number {
  if (picker !== undefined) {
    return selectSingleColumn(table, parseColumnSelection(picker, LABEL), LABEL, "Dataset");
  }
  const flagged = table.columns.flatMap((c, i) => (c.usage === "label" ? [i] : []));
  if (flagged.length === 0) throw engineErrors.module("0024", "Dataset");
  if (flagged.length > 1) throw engineErrors.module("0037");
  return flagged[0];
}

function relabel(column: Column): Column {
  return column.usage === "label" ? column : { ...column, usage: "label" };
}
