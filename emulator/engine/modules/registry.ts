/**
 * Studio module name → implementation. A graph node names its module through its asset's `name`.
 */
import { addColumns } from "./addColumns";
import { assignDataToClusters, trainClusteringModel } from "./clustering";
import { crossValidateModel } from "./crossValidateModel";
import {
  decisionForestRegression,
  multiclassDecisionForest,
  twoClassDecisionForest,
} from "./decisionForests";
import {
  boostedDecisionTreeRegression,
  kMeansClustering,
  multiclassLogisticRegression,
  poissonRegression,
  twoClassAveragedPerceptron,
  twoClassSupportVectorMachine,
} from "./otherLearners";
import { permutationFeatureImportance } from "./permutationFeatureImportance";
import { tuneModelHyperparameters } from "./tuneModelHyperparameters";
import { addRows } from "./addRows";
import { applyMathOperation } from "./applyMathOperation";
import { applySqlTransformation } from "./applySqlTransformation";
import { applyTransformation } from "./applyTransformation";
import { cleanMissingData } from "./cleanMissingData";
import { clipValues } from "./clipValues";
import { convertToIndicatorValues } from "./convertToIndicatorValues";
import { enterDataManually } from "./enterDataManually";
import { executePythonScript } from "./executePythonScript";
import { executeRScript } from "./executeRScript";
import { exportData } from "./exportData";
import { filterBasedFeatureSelection } from "./filterBasedFeatureSelection";
import { groupDataIntoBins } from "./groupDataIntoBins";
import { importData } from "./importData";
import { joinData } from "./joinData";
import { normalizeData } from "./normalizeData";
import { partitionAndSample } from "./partitionAndSample";
import { removeDuplicateRows } from "./removeDuplicateRows";
import { summarizeData } from "./summarizeData";
import { editMetadata } from "./editMetadata";
import { evaluateModel } from "./evaluateModel";
import { linearRegression } from "./linearRegression";
import { scoreModel } from "./scoreModel";
import { selectColumnsInDataset } from "./selectColumnsInDataset";
import { splitData } from "./splitData";
import { trainModel } from "./trainModel";
import { twoClassBoostedDecisionTree } from "./twoClassBoostedDecisionTree";
import { twoClassLogisticRegression } from "./twoClassLogisticRegression";
import type { StudioModule } from "./types";

/** Every module the engine implements. */
export const MODULES: readonly StudioModule[] = [
  selectColumnsInDataset,
  editMetadata,
  cleanMissingData,
  splitData,
  twoClassLogisticRegression,
  twoClassBoostedDecisionTree,
  linearRegression,
  trainModel,
  scoreModel,
  evaluateModel,
  importData,
  exportData,
  enterDataManually,
  executePythonScript,
  executeRScript,
  applySqlTransformation,
  joinData,
  addColumns,
  addRows,
  removeDuplicateRows,
  applyMathOperation,
  normalizeData,
  applyTransformation,
  convertToIndicatorValues,
  groupDataIntoBins,
  clipValues,
  partitionAndSample,
  summarizeData,
  filterBasedFeatureSelection,
  twoClassDecisionForest,
  twoClassAveragedPerceptron,
  twoClassSupportVectorMachine,
  multiclassLogisticRegression,
  multiclassDecisionForest,
  boostedDecisionTreeRegression,
  decisionForestRegression,
  poissonRegression,
  kMeansClustering,
  trainClusteringModel,
  assignDataToClusters,
  tuneModelHyperparameters,
  crossValidateModel,
  permutationFeatureImportance,
];

const BY_NAME = new Map(MODULES.map((m) => [m.name.toLowerCase(), m]));

/**
 * The module with this Studio name (case-insensitive), or undefined when the emulator lacks it.
 *
 * @param name - Studio module name
 */
export function findModule(name: string): StudioModule | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}
