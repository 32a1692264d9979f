/**
 * Decision forests (Two-Class, Multiclass, Regression): bagged trees (each grown on a bootstrap
 * sample of the rows, or on all of them with "Replicate"), each split the best of "Number of
 * random splits per node" random (feature, threshold) candidates, down to "Maximum depth of the
 * decision trees" with at least "Minimum number of samples per leaf node" rows per leaf. A leaf
 * holds the class frequencies (or the mean label) of its rows; the forest averages its trees.
 * Seeded: the same data, parameters and seed give the same forest.
 */
import { Rng } from "../rng";
import { binFeatures } from "./boostedTrees";
import type { EncodedFeatures } from "./features";
import { classIndices, multiclassLevels } from "./labels";
import type { ForestBody, LearnerSpec, TrainedModel } from "./model";
import {
  prepareBinary,
  prepareFeatures,
  regressionTargets,
  trainedModel,
  type LearnerImplementation,
  type TrainingSet,
} from "./training";
import { featureColumns, growTree, leafOf } from "./treeGrowth";

/**
 * Trains a forest.
 *
 * @param spec - the untrained learner (parameters)
 * @param data - training rows
 */
export function trainForest(spec: LearnerSpec, data: TrainingSet): TrainedModel {
  const p = spec.parameters;
  let targets: Float64Array[];
  let enc: EncodedFeatures;
  let fit: Partial<Parameters<typeof trainedModel>[2]>;
  if (spec.task === "binary") {
    const problem = prepareBinary(spec, data, "none");
    enc = problem.enc;
    targets = [problem.y];
    fit = { classes: problem.classes, features: problem.specs };
  } else if (spec.task === "multiclass") {
    const levels = multiclassLevels(data.label, data.rows, spec.moduleName);
    const problem = prepareFeatures(spec, data, "none");
    enc = problem.enc;
    const index = classIndices(data.label, data.rows, levels);
    targets = levels.map((_l, c) => Float64Array.from(index, (i) => (i === c ? 1 : 0)));
    fit = { levels, features: problem.specs };
  } else {
    const problem = prepareFeatures(spec, data, "none");
    enc = problem.enc;
    targets = [regressionTargets(spec, data)];
    fit = { features: problem.specs };
  }
  const n = enc.rowCount;
  const features = binFeatures(enc, fit.features!.length);
  const rng = new Rng(Number(p["Random number seed"] ?? 0));
  const bagging = p["Resampling method"] === "Bagging";
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const width = targets.length;
  const trees = [];
  for (let t = 0; t < Number(p["Number of decision trees"]); t++) {
    const rows = bagging ? Uint32Array.from({ length: n }, () => rng.nextInt(n)) : all;
    const grown = growTree(features, targets, rows, {
      maxLeaves: Infinity,
      maxDepth: Number(p["Maximum depth of the decision trees"]),
      minLeaf: Number(p["Minimum number of samples per leaf node"]),
      randomSplits: Number(p["Number of random splits per node"]),
      rng,
    });
    for (const leaf of grown.leaves) {
      for (let d = 0; d < width; d++) {
        let s = 0;
        for (const r of leaf) s += targets[d][r];
        grown.tree.leafValues.push(s / leaf.length);
      }
    }
    trees.push(grown.tree);
  }
  const body: ForestBody = { kind: "forest", width, trees };
  return trainedModel(spec, data, {
    ...fit,
    features: fit.features!,
    iterations: trees.length,
    objective: NaN,
    body,
  });
}

/**
 * The forest's average leaf vector per row: `width` arrays (NaN where a feature is missing).
 *
 * @param model - a trained forest
 * @param enc - encoded rows
 */
export function forestAverages(model: TrainedModel, enc: EncodedFeatures): Float64Array[] {
  if (model.body.kind !== "forest") throw new Error("forest model without a forest body");
  const { width, trees } = model.body;
  const n = enc.rowCount;
  const out = Array.from({ length: width }, () => new Float64Array(n));
  const { numeric, codes } = featureColumns(enc);
  for (let i = 0; i < n; i++) {
    if (!enc.complete[i]) {
      for (let d = 0; d < width; d++) out[d][i] = NaN;
      continue;
    }
    for (const tree of trees) {
      const leaf = leafOf(tree, numeric, codes, i);
      for (let d = 0; d < width; d++) out[d][i] += tree.leafValues[leaf * width + d];
    }
    for (let d = 0; d < width; d++) out[d][i] /= trees.length;
  }
  return out;
}

/** The index of the largest of k arrays, per row (NaN when the row's values are missing). */
export function argmax(columns: readonly Float64Array[]): Float64Array {
  const n = columns[0]?.length ?? 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < columns.length; c++) if (columns[c][i] > columns[best][i]) best = c;
    out[i] = columns[best][i] !== columns[best][i] ? NaN : best;
  }
  return out;
}

/** The decision forest learners (the task comes from the module). */
export const forestLearner: LearnerImplementation = {
  train: trainForest,
  score(model, enc) {
    const averages = forestAverages(model, enc);
    return model.task === "multiclass" ? argmax(averages) : averages[0];
  },
  scoreClasses: forestAverages,
};
