/**
 * Learner implementations by kind (Train Model, Score Model and the evaluation modules dispatch
 * through it).
 */
import { engineErrors } from "../errors";
import { boostedRegressionLearner } from "./boostedRegression";
import { boostedTreesLearner } from "./boostedTrees";
import { forestLearner } from "./forest";
import { linearRegressionLearner } from "./linearRegression";
import { logisticRegressionLearner } from "./logisticRegression";
import { averagedPerceptronLearner, svmLearner } from "./marginClassifiers";
import type { LearnerKind } from "./model";
import { multiclassLogisticLearner } from "./multiclassLogistic";
import { poissonLearner } from "./poisson";
import type { LearnerImplementation } from "./training";

/** K-means trains through Train Clustering Model and scores through Assign Data to Clusters. */
const kMeansThroughTrainModel: LearnerImplementation = {
  train(spec) {
    throw engineErrors.module("0013", spec.moduleName);
  },
  score(model) {
    throw engineErrors.module("0013", model.moduleName);
  },
};

/** Every learner the engine implements, by kind. */
export const LEARNERS: Readonly<Record<LearnerKind, LearnerImplementation>> = {
  TwoClassLogisticRegression: logisticRegressionLearner,
  TwoClassBoostedDecisionTree: boostedTreesLearner,
  LinearRegression: linearRegressionLearner,
  TwoClassDecisionForest: forestLearner,
  TwoClassAveragedPerceptron: averagedPerceptronLearner,
  TwoClassSupportVectorMachine: svmLearner,
  MulticlassLogisticRegression: multiclassLogisticLearner,
  MulticlassDecisionForest: forestLearner,
  BoostedDecisionTreeRegression: boostedRegressionLearner,
  DecisionForestRegression: forestLearner,
  PoissonRegression: poissonLearner,
  KMeansClustering: kMeansThroughTrainModel,
};
