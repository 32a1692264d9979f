/**
 * Learner implementations by kind (Train Model and Score Model dispatch through it).
 */
import { boostedTreesLearner } from "./boostedTrees";
import { linearRegressionLearner } from "./linearRegression";
import { logisticRegressionLearner } from "./logisticRegression";
import type { LearnerKind } from "./model";
import type { LearnerImplementation } from "./training";

/** Every learner the engine implements, by kind. */
export const LEARNERS: Readonly<Record<LearnerKind, LearnerImplementation>> = {
  TwoClassLogisticRegression: logisticRegressionLearner,
  TwoClassBoostedDecisionTree: boostedTreesLearner,
  LinearRegression: linearRegressionLearner,
};
