/**
 * Studio module name → implementation. A graph node names its module through its asset's `name`.
 */
import { cleanMissingData } from "./cleanMissingData";
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
