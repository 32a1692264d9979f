/**
 * Boosted Decision Tree Regression: Friedman's gradient boosting on the squared error. The
 * initial score is the mean label; each round fits a least-squares tree to the residuals
 * (best-first up to "Maximum number of leaves per tree", at least "Minimum number of samples per
 * leaf node" rows per leaf) and its leaves add the learning rate times their mean residual.
 * Deterministic (no sampling). Scoring reuses the binary booster's tree walk, without the
 * logistic link.
 */
import { binFeatures, ensembleMargins } from "./boostedTrees";
import type { LearnerSpec, TrainedModel, TreeSpec } from "./model";
import {
  prepareFeatures,
  regressionTargets,
  trainedModel,
  type LearnerImplementation,
  type TrainingSet,
} from "./training";
import { growTree } from "./treeGrowth";

/**
 * Trains boosted regression trees.
 *
 * @param spec - the untrained learner (parameters)
 * @param data - training rows
 */
export function trainBoostedRegression(spec: LearnerSpec, data: TrainingSet): TrainedModel {
  const p = spec.parameters;
  const y = regressionTargets(spec, data);
  const { specs, enc } = prepareFeatures(spec, data, "none");
  const n = y.length;
  const features = binFeatures(enc, specs.length);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  const score = new Float64Array(n).fill(mean);
  const residual = new Float64Array(n);
  const rows = Uint32Array.from({ length: n }, (_, i) => i);
  const learningRate = Number(p["Learning rate"]);
  const trees: TreeSpec[] = [];
  for (let t = 0; t < Number(p["Total number of trees constructed"]); t++) {
    for (let i = 0; i < n; i++) residual[i] = y[i] - score[i];
    const grown = growTree(features, [residual], rows, {
      maxLeaves: Number(p["Maximum number of leaves per tree"]),
      maxDepth: Infinity,
      minLeaf: Number(p["Minimum number of samples per leaf node"]),
      randomSplits: Infinity,
    });
    for (const leaf of grown.leaves) {
      let s = 0;
      for (const r of leaf) s += residual[r];
      const value = (learningRate * s) / leaf.length;
      grown.tree.leafValues.push(value);
      for (const r of leaf) score[r] += value;
    }
    trees.push(grown.tree);
  }
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i] - score[i]) ** 2;
  return trainedModel(spec, data, {
    features: specs,
    iterations: trees.length,
    objective: sse,
    body: { kind: "trees", initialScore: mean, trees },
  });
}

/** The Boosted Decision Tree Regression learner. */
export const boostedRegressionLearner: LearnerImplementation = {
  train: trainBoostedRegression,
  score: (model, enc) => ensembleMargins(model, enc),
};
