/**
 * Train Clustering Model and Assign Data to Clusters: k-means trained on the selected columns
 * (`learners/kmeans.ts`), then each row's cluster (`Assignments`, 0-based) and its distance to
 * every centroid (`DistancesToClusterCenter no.k`), appended to the rows or alone.
 */
import type { Column, DataTable } from "../api";
import { makeColumn } from "../dataTable";
import { engineErrors } from "../errors";
import { assignClusters, trainKMeans } from "../learners/kmeans";
import type { TrainedModel } from "../learners/model";
import { pickColumns } from "../tableOps";
import { ASSIGNMENTS, DISTANCE_PREFIX } from "./evaluateModel";
import { tableInput, tableOutput, type PortValue, type StudioModule } from "./types";

const APPEND = "Check for Append or Uncheck for Result Only";

/** The cluster columns for a table, appended to it or alone. */
function withAssignments(model: TrainedModel, table: DataTable, append: boolean): DataTable {
  const { assignments, distances } = assignClusters(model, table);
  const added: Column[] = [
    makeColumn(ASSIGNMENTS, "Int64", assignments, { usage: "score" }),
    ...distances.map((d, k) =>
      makeColumn(`${DISTANCE_PREFIX}${k}`, "Double", d, { usage: "score" }),
    ),
  ];
  const kept = append
    ? table.columns.filter((c) => c.name !== ASSIGNMENTS && !c.name.startsWith(DISTANCE_PREFIX))
    : [];
  return { rowCount: table.rowCount, columns: [...kept, ...added] };
}

function trainedClusterModel(value: PortValue | undefined): TrainedModel {
  if (!value) throw engineErrors.module("0003", "Trained model");
  if (value.type === "UntrainedLearner")
    throw engineErrors.module("0012", value.learner.moduleName);
  if (value.type !== "TrainedModel" || value.model.task !== "clustering")
    throw engineErrors.module(
      "0013",
      value.type === "TrainedModel" ? value.model.moduleName : value.type,
    );
  return value.model;
}

/** The Train Clustering Model module. */
export const trainClusteringModel: StudioModule = {
  name: "Train Clustering Model",
  category: "Machine Learning / Train",
  inputs: [
    { name: "Untrained model", type: "ILearner" },
    { name: "Dataset", type: "DataTable" },
  ],
  outputs: [
    { name: "Trained model", type: "ILearner" },
    { name: "Results dataset", type: "DataTable" },
  ],
  parameters: [
    { name: "Column Set", type: "ColumnSelection" },
    { name: APPEND, type: "Boolean", default: "True" },
  ],
  run(inputs, ctx) {
    const learner = inputs[0];
    if (!learner) throw engineErrors.module("0003", "Untrained model");
    if (learner.type !== "UntrainedLearner" || learner.learner.task !== "clustering") {
      throw engineErrors.module(
        "0013",
        learner.type === "UntrainedLearner" ? learner.learner.moduleName : learner.type,
      );
    }
    const table = tableInput(inputs[1], "Dataset");
    const columns = pickColumns(table, ctx.params, "Column Set", "Dataset");
    const model = trainKMeans(learner.learner, table, columns, ctx.now().toISOString());
    return [
      { type: "TrainedModel", model },
      tableOutput(withAssignments(model, table, ctx.params.bool(APPEND))),
    ];
  },
};

/** The Assign Data to Clusters module. */
export const assignDataToClusters: StudioModule = {
  name: "Assign Data to Clusters",
  category: "Machine Learning / Score",
  inputs: [
    { name: "Trained model", type: "ILearner" },
    { name: "Dataset", type: "DataTable" },
  ],
  outputs: [{ name: "Results dataset", type: "DataTable" }],
  parameters: [{ name: APPEND, type: "Boolean", default: "True", keys: ["Append or Result Only"] }],
  differences: ["No PCA chart: only the results table."],
  run(inputs, ctx) {
    const model = trainedClusterModel(inputs[0]);
    const table = tableInput(inputs[1], "Dataset");
    return [tableOutput(withAssignments(model, table, ctx.params.bool(APPEND)))];
  },
};
