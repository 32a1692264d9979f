/**
 * Two-Class Boosted Decision Tree: Friedman's gradient boosting on the log-loss
 * (`docs/modules.md`). Each round fits a least-squares regression tree to the residuals
 * `y - p`, grown leaf-wise (best gain first) up to "Maximum number of leaves per tree" with at
 * least "Minimum number of samples per leaf node" rows per leaf; each leaf outputs one Newton
 * step `Σ(y - p) / Σ p(1 - p)` times the learning rate.
 *
 * Numeric features are binned first (≤ 255 bins at quantiles of the training values; thresholds
 * are stored as raw values, so scoring needs no bins). Categorical features split one level
 * against the rest (what one-hot indicators give a tree); unseen levels go with "the rest".
 * Histograms use the subtraction trick: only the smaller child's is summed over its rows, the
 * larger child takes the parent's arrays minus it (in place), and the arrays of a finished tree
 * are reused by the next one.
 * There is no sampling, so training is deterministic and the seed is only recorded.
 */
import type { EncodedFeatures } from "./features";
import type { LearnerSpec, TrainedModel, TreeSpec } from "./model";
import {
  prepareBinary,
  sigmoid,
  toProbabilities,
  trainedModel,
  type LearnerImplementation,
  type TrainingSet,
} from "./training";

/** Most bins per numeric feature (FastTree's default). */
const MAX_BINS = 255;
/** Values sampled to place bin boundaries (exact below this many rows). */
const BIN_SAMPLE = 200_000;
/** Smallest gain that justifies a split. */
const MIN_GAIN = 1e-12;
/** A new leaf's histograms until it is given its own. */
const NO_HISTOGRAM = new Float64Array(0);

/** A feature's training values as bin numbers. */
export interface BinnedFeature {
  categorical: boolean;
  bins: Uint16Array;
  binCount: number;
  /** Numeric: raw upper bound of each bin (last is +Infinity). */
  upper: Float64Array;
}

interface Leaf {
  begin: number;
  end: number;
  sum: number;
  /** Per bin of every feature: the sum of residuals and the row count of this leaf's rows. */
  hist: Float64Array;
  count: Float64Array;
  parent: number;
  isLeft: boolean;
  gain: number;
  feature: number;
  bin: number;
}

/**
 * Trains boosted trees.
 *
 * @param spec - the untrained learner (parameters)
 * @param data - training rows
 */
export function trainBoostedTrees(spec: LearnerSpec, data: TrainingSet): TrainedModel {
  const p = spec.parameters;
  const maxLeaves = Number(p["Maximum number of leaves per tree"]);
  const minLeaf = Number(p["Minimum number of samples per leaf node"]);
  const learningRate = Number(p["Learning rate"]);
  const treeCount = Number(p["Number of trees constructed"]);
  const { classes, specs, enc, y, baseLogOdds: initialScore } = prepareBinary(spec, data, "none");
  const n = y.length;
  const features = binFeatures(enc, specs.length);
  const binOffset: number[] = [];
  let totalBins = 0;
  for (const f of features) {
    binOffset.push(totalBins);
    totalBins += f.binCount;
  }

  const score = new Float64Array(n).fill(initialScore);
  const resid = new Float64Array(n);
  const hess = new Float64Array(n);
  const order = new Uint32Array(n);
  const trees: TreeSpec[] = [];

  const buildHist = (leaf: Leaf): void => {
    for (let f = 0; f < features.length; f++) {
      const bins = features[f].bins;
      const off = binOffset[f];
      const hist = leaf.hist;
      const count = leaf.count;
      for (let k = leaf.begin; k < leaf.end; k++) {
        const row = order[k];
        const j = off + bins[row];
        hist[j] += resid[row];
        count[j] += 1;
      }
    }
  };

  const findBest = (leaf: Leaf): void => {
    const total = leaf.end - leaf.begin;
    const base = (leaf.sum * leaf.sum) / total;
    leaf.gain = 0;
    leaf.feature = -1;
    for (let f = 0; f < features.length; f++) {
      const { categorical, binCount } = features[f];
      const off = binOffset[f];
      if (categorical) {
        for (let b = 0; b < binCount; b++) {
          const cl = leaf.count[off + b];
          const cr = total - cl;
          if (cl < minLeaf || cr < minLeaf) continue;
          const sl = leaf.hist[off + b];
          const sr = leaf.sum - sl;
          const gain = (sl * sl) / cl + (sr * sr) / cr - base;
          if (gain > leaf.gain + MIN_GAIN) {
            leaf.gain = gain;
            leaf.feature = f;
            leaf.bin = b;
          }
        }
      } else {
        let cl = 0;
        let sl = 0;
        for (let b = 0; b < binCount - 1; b++) {
          cl += leaf.count[off + b];
          sl += leaf.hist[off + b];
          const cr = total - cl;
          if (cr < minLeaf) break;
          if (cl < minLeaf) continue;
          const sr = leaf.sum - sl;
          const gain = (sl * sl) / cl + (sr * sr) / cr - base;
          if (gain > leaf.gain + MIN_GAIN) {
            leaf.gain = gain;
            leaf.feature = f;
            leaf.bin = b;
          }
        }
      }
    }
  };

  // Histogram arrays of finished trees, zeroed again when taken.
  const spare: Float64Array[] = [];
  const histArray = (): Float64Array => spare.pop()?.fill(0) ?? new Float64Array(totalBins);

  /** A leaf without histograms yet (the caller gives it arrays). */
  const newLeaf = (begin: number, end: number, parent: number, isLeft: boolean): Leaf => ({
    begin,
    end,
    sum: 0,
    hist: NO_HISTOGRAM,
    count: NO_HISTOGRAM,
    parent,
    isLeft,
    gain: 0,
    feature: -1,
    bin: 0,
  });

  for (let t = 0; t < treeCount; t++) {
    residuals(score, y, resid, hess, order);
    const tree: TreeSpec = { feature: [], threshold: [], left: [], right: [], leafValues: [] };
    const root = newLeaf(0, n, -1, false);
    root.hist = histArray();
    root.count = histArray();
    for (let i = 0; i < n; i++) root.sum += resid[i];
    buildHist(root);
    findBest(root);
    const leaves: Leaf[] = [root];
    while (leaves.length < maxLeaves) {
      let pick = -1;
      for (let i = 0; i < leaves.length; i++) {
        if (leaves[i].feature >= 0 && (pick < 0 || leaves[i].gain > leaves[pick].gain)) pick = i;
      }
      if (pick < 0) break;
      const leaf = leaves[pick];
      const feat = features[leaf.feature];
      const bins = feat.bins;
      const cut = leaf.bin;
      // Partition this leaf's rows in place: left rows first.
      let lo = leaf.begin;
      let hi = leaf.end - 1;
      while (lo <= hi) {
        const b = bins[order[lo]];
        if (feat.categorical ? b === cut : b <= cut) lo++;
        else {
          const tmp = order[lo];
          order[lo] = order[hi];
          order[hi] = tmp;
          hi--;
        }
      }
      const node = tree.feature.length;
      tree.feature.push(leaf.feature);
      tree.threshold.push(feat.categorical ? cut : feat.upper[cut]);
      tree.left.push(0);
      tree.right.push(0);
      if (leaf.parent >= 0) {
        if (leaf.isLeft) tree.left[leaf.parent] = node;
        else tree.right[leaf.parent] = node;
      }
      const left = newLeaf(leaf.begin, lo, node, true);
      const right = newLeaf(lo, leaf.end, node, false);
      const off = binOffset[leaf.feature];
      if (feat.categorical) left.sum = leaf.hist[off + cut];
      else for (let b = 0; b <= cut; b++) left.sum += leaf.hist[off + b];
      right.sum = leaf.sum - left.sum;
      const [small, large] =
        left.end - left.begin <= right.end - right.begin ? [left, right] : [right, left];
      small.hist = histArray();
      small.count = histArray();
      buildHist(small);
      // The larger child's histograms: the parent's minus the smaller child's, in place.
      const { hist, count } = leaf;
      for (let j = 0; j < totalBins; j++) {
        hist[j] -= small.hist[j];
        count[j] -= small.count[j];
      }
      large.hist = hist;
      large.count = count;
      findBest(left);
      findBest(right);
      leaves.splice(pick, 1, left, right);
    }
    leaves.forEach((leaf, li) => {
      let g = 0;
      let h = 0;
      for (let k = leaf.begin; k < leaf.end; k++) {
        const row = order[k];
        g += resid[row];
        h += hess[row];
      }
      const value = (learningRate * g) / Math.max(h, 1e-12);
      tree.leafValues.push(value);
      if (leaf.parent >= 0) {
        if (leaf.isLeft) tree.left[leaf.parent] = ~li;
        else tree.right[leaf.parent] = ~li;
      }
      for (let k = leaf.begin; k < leaf.end; k++) score[order[k]] += value;
      spare.push(leaf.hist, leaf.count);
    });
    trees.push(tree);
  }

  let logLoss = 0;
  for (let i = 0; i < n; i++) {
    const m = score[i];
    logLoss += Math.max(m, 0) + Math.log1p(Math.exp(-Math.abs(m))) - y[i] * m;
  }
  return trainedModel(spec, data, {
    classes,
    features: specs,
    iterations: treeCount,
    objective: logLoss,
    body: { kind: "trees", initialScore, trees },
  });
}

/**
 * Sets each row's residual `y - p` and hessian `p(1 - p)` at the current scores, and resets the
 * row order (the hot loop of a boosting round, kept small so the JIT optimizes it on its own).
 */
function residuals(
  score: Float64Array,
  y: Float64Array,
  resid: Float64Array,
  hess: Float64Array,
  order: Uint32Array,
): void {
  for (let i = 0; i < score.length; i++) {
    const prob = sigmoid(score[i]);
    resid[i] = y[i] - prob;
    hess[i] = prob * (1 - prob);
    order[i] = i;
  }
}

/**
 * Bins every feature of the encoded training rows (categorical: one bin per level slot).
 *
 * @param enc - encoded training rows
 * @param featureCount - number of features
 */
export function binFeatures(enc: EncodedFeatures, featureCount: number): BinnedFeature[] {
  const out: BinnedFeature[] = new Array<BinnedFeature>(featureCount);
  for (const { feature, levelCount, codes } of enc.categorical) {
    const bins = new Uint16Array(codes.length);
    for (let i = 0; i < codes.length; i++) bins[i] = codes[i];
    out[feature] = {
      categorical: true,
      bins,
      binCount: Math.max(levelCount, 1),
      upper: new Float64Array(0),
    };
  }
  for (const { feature, values } of enc.numeric) {
    const upper = binBoundaries(values);
    const bins = new Uint16Array(values.length);
    const last = upper.length - 1;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      // First bin whose upper bound is ≥ v (binary search over ≤ 255 bounds).
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v <= upper[mid]) hi = mid;
        else lo = mid + 1;
      }
      bins[i] = lo;
    }
    out[feature] = { categorical: false, bins, binCount: upper.length, upper };
  }
  return out;
}

/** Upper bounds of quantile bins over the distinct values (midpoints between neighbours). */
function binBoundaries(values: Float64Array): Float64Array {
  const n = values.length;
  const stride = Math.max(1, Math.ceil(n / BIN_SAMPLE));
  const sample = new Float64Array(Math.ceil(n / stride));
  for (let i = 0, k = 0; i < n; i += stride, k++) sample[k] = values[i];
  sample.sort();
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sample.length; i++) {
    if (distinct.length > 0 && sample[i] === distinct[distinct.length - 1])
      counts[counts.length - 1]++;
    else {
      distinct.push(sample[i]);
      counts.push(1);
    }
  }
  const bounds: number[] = [];
  const midpoint = (a: number, b: number): number => {
    const m = a + (b - a) / 2;
    return m >= b ? a : m;
  };
  if (distinct.length <= MAX_BINS) {
    for (let i = 0; i + 1 < distinct.length; i++)
      bounds.push(midpoint(distinct[i], distinct[i + 1]));
  } else {
    const perBin = sample.length / MAX_BINS;
    let acc = 0;
    for (let i = 0; i + 1 < distinct.length && bounds.length < MAX_BINS - 1; i++) {
      acc += counts[i];
      if (acc >= perBin) {
        bounds.push(midpoint(distinct[i], distinct[i + 1]));
        acc = 0;
      }
    }
  }
  bounds.push(Infinity);
  return Float64Array.from(bounds);
}

/**
 * Log-odds of an ensemble for encoded rows (NaN when a feature is missing).
 *
 * @param model - a trained boosted-trees model
 * @param enc - encoded rows
 */
export function ensembleMargins(model: TrainedModel, enc: EncodedFeatures): Float64Array {
  if (model.body.kind !== "trees") throw new Error("boosted trees model without trees");
  const body = model.body;
  const n = enc.rowCount;
  const numeric: (Float64Array | undefined)[] = [];
  const codes: (Int32Array | undefined)[] = [];
  for (const f of enc.numeric) numeric[f.feature] = f.values;
  for (const f of enc.categorical) codes[f.feature] = f.codes;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!enc.complete[i]) {
      out[i] = NaN;
      continue;
    }
    let s = body.initialScore;
    for (const tree of body.trees) {
      if (tree.feature.length === 0) {
        s += tree.leafValues[0];
        continue;
      }
      let node = 0;
      while (node >= 0) {
        const f = tree.feature[node];
        const num = numeric[f];
        const goLeft =
          num !== undefined
            ? num[i] <= tree.threshold[node]
            : codes[f]![i] === tree.threshold[node];
        node = goLeft ? tree.left[node] : tree.right[node];
      }
      s += tree.leafValues[~node];
    }
    out[i] = s;
  }
  return out;
}

/** The Two-Class Boosted Decision Tree learner. */
export const boostedTreesLearner: LearnerImplementation = {
  train: trainBoostedTrees,
  score: (model, features) => toProbabilities(ensembleMargins(model, features)),
};
