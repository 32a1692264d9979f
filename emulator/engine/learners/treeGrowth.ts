/**
 * Growing one regression tree on binned features for the forests and for boosted regression:
 * least-squares splits on a vector target (k dimensions: one for regression or residuals, one
 * per class for classification, where the sum of squares of one-hot targets is the Gini
 * impurity), histograms per node with the subtraction trick, one level against the rest for
 * categorical features.
 *
 * Two growth orders: best-first up to a leaf cap (boosting, as the binary booster does), or
 * depth-first without a cap (forests: a node's histograms are freed as soon as it is split, so
 * memory stays bounded by the depth). Split candidates are either every (feature, bin) or, as
 * Studio's forests describe ("Number of random splits per node"), a number of random ones.
 */
import type { Rng } from "../rng";
import type { BinnedFeature } from "./boostedTrees";
import type { EncodedFeatures } from "./features";
import type { TreeSpec } from "./model";

/** How a tree grows. */
export interface GrowOptions {
  /** Leaf cap (best-first growth); Infinity grows depth-first until nothing splits. */
  maxLeaves: number;
  /** Deepest level a split may happen at (the root is depth 0). */
  maxDepth: number;
  /** Fewest rows on each side of a split. */
  minLeaf: number;
  /** Random (feature, threshold) candidates per node; Infinity tries them all. */
  randomSplits: number;
  /** Draws the random candidates. */
  rng?: Rng;
}

/** A grown tree: its structure (leaf values to be filled) and the training rows of each leaf. */
export interface GrownTree {
  tree: TreeSpec;
  /** Per leaf, in leaf order: the rows (indices into the target arrays) it holds. */
  leaves: Uint32Array[];
}

/** Smallest gain that justifies a split. */
const MIN_GAIN = 1e-12;
/** A node's histograms before it has its own (random-split growth never builds them). */
const NO_HISTOGRAM = new Float64Array(0);

interface Node {
  begin: number;
  end: number;
  depth: number;
  /** Per dimension: the sum of the targets. */
  sums: Float64Array;
  /** Per bin of every feature, per dimension: sums of targets; per bin: row counts. */
  hist: Float64Array;
  count: Float64Array;
  parent: number;
  isLeft: boolean;
  gain: number;
  feature: number;
  bin: number;
}

/**
 * Grows one tree.
 *
 * @param features - binned training features
 * @param targets - k target arrays over the training rows
 * @param rows - the rows to grow on (a bootstrap sample may repeat rows)
 * @param options - caps and split search
 */
export function growTree(
  features: readonly BinnedFeature[],
  targets: readonly Float64Array[],
  rows: Uint32Array,
  options: GrowOptions,
): GrownTree {
  const k = targets.length;
  const binOffset: number[] = [];
  let totalBins = 0;
  for (const f of features) {
    binOffset.push(totalBins);
    totalBins += f.binCount;
  }
  const order = Uint32Array.from(rows);
  const exhaustive = options.randomSplits === Infinity;
  const tree: TreeSpec = { feature: [], threshold: [], left: [], right: [], leafValues: [] };
  const leaves: Uint32Array[] = [];

  const buildHist = (node: Node): void => {
    node.hist = new Float64Array(totalBins * k);
    node.count = new Float64Array(totalBins);
    for (let f = 0; f < features.length; f++) {
      const bins = features[f].bins;
      const off = binOffset[f];
      for (let i = node.begin; i < node.end; i++) {
        const row = order[i];
        const j = off + bins[row];
        node.count[j] += 1;
        for (let d = 0; d < k; d++) node.hist[j * k + d] += targets[d][row];
      }
    }
  };

  const score = (sums: Float64Array, offset: number, n: number): number => {
    let s = 0;
    for (let d = 0; d < k; d++) s += (sums[offset + d] * sums[offset + d]) / n;
    return s;
  };

  const left = new Float64Array(k);
  const right = new Float64Array(k);
  /** Gain of sending `cl` rows with target sums `left` to the left. */
  const gainOf = (node: Node, cl: number): number => {
    const total = node.end - node.begin;
    const cr = total - cl;
    if (cl < options.minLeaf || cr < options.minLeaf) return -Infinity;
    for (let d = 0; d < k; d++) right[d] = node.sums[d] - left[d];
    return score(left, 0, cl) + score(right, 0, cr) - score(node.sums, 0, total);
  };

  const consider = (node: Node, f: number, b: number, gain: number): void => {
    if (gain > node.gain + MIN_GAIN) {
      node.gain = gain;
      node.feature = f;
      node.bin = b;
    }
  };

  const findBest = (node: Node): void => {
    node.gain = 0;
    node.feature = -1;
    if (node.depth >= options.maxDepth || node.end - node.begin < 2 * options.minLeaf) return;
    if (exhaustive) {
      for (let f = 0; f < features.length; f++) {
        const { categorical, binCount } = features[f];
        const off = binOffset[f];
        if (categorical) {
          for (let b = 0; b < binCount; b++) {
            for (let d = 0; d < k; d++) left[d] = node.hist[(off + b) * k + d];
            consider(node, f, b, gainOf(node, node.count[off + b]));
          }
        } else {
          left.fill(0);
          let cl = 0;
          for (let b = 0; b < binCount - 1; b++) {
            cl += node.count[off + b];
            for (let d = 0; d < k; d++) left[d] += node.hist[(off + b) * k + d];
            consider(node, f, b, gainOf(node, cl));
          }
        }
      }
      return;
    }
    // Random candidates: a feature, then a threshold among the bins this node's rows occupy.
    // Statistics come straight from the node's rows (no histograms: deep forest nodes are small),
    // once per feature drawn.
    const rng = options.rng!;
    const stamp = ++nodeSerial;
    const total = node.end - node.begin;
    const minLeaf = options.minLeaf;
    const sums = node.sums;
    let base = 0;
    for (let d = 0; d < k; d++) base += (sums[d] * sums[d]) / total;
    let bestGain = 0;
    let bestFeature = -1;
    let bestBin = 0;
    for (let c = 0; c < options.randomSplits; c++) {
      const f = rng.nextInt(featureCount);
      const stats = featureStats[f];
      if (statsStamp[f] !== stamp) {
        fillStats(node, f, stats);
        statsStamp[f] = stamp;
      }
      const m = stats.occupied.length;
      if (m < 2) continue;
      // Categorical: one level against the rest. Numeric: a cut after an occupied bin, read from
      // running totals (bins up to it go left).
      const categorical = categoricalFeature[f] === 1;
      const i = categorical ? rng.nextInt(m) : rng.nextInt(m - 1);
      const cl = categorical ? stats.counts[i] : stats.cumulativeCounts[i];
      const cr = total - cl;
      if (cl < minLeaf || cr < minLeaf) continue;
      const source = categorical ? stats.sums : stats.cumulative;
      let gain = -base;
      for (let d = 0; d < k; d++) {
        const l = source[i * k + d];
        const r = sums[d] - l;
        gain += (l * l) / cl + (r * r) / cr;
      }
      if (gain > bestGain + MIN_GAIN) {
        bestGain = gain;
        bestFeature = f;
        bestBin = stats.occupied[i];
      }
    }
    node.gain = bestGain;
    node.feature = bestFeature;
    node.bin = bestBin;
  };

  /** A feature's statistics over one node's rows, by occupied bin (buffers reused per node). */
  interface FeatureStats {
    /** Bins holding rows of the node, ascending for numeric features. */
    occupied: number[];
    counts: Float64Array;
    sums: Float64Array;
    /** Numeric features: running totals over `occupied`. */
    cumulative: Float64Array;
    cumulativeCounts: Float64Array;
  }

  let nodeSerial = 0;
  const featureCount = features.length;
  const categoricalFeature = Uint8Array.from(features, (f) => (f.categorical ? 1 : 0));
  const statsStamp = new Int32Array(features.length);
  const featureStats: FeatureStats[] = features.map((f) => ({
    occupied: [],
    counts: new Float64Array(f.binCount),
    sums: new Float64Array(f.binCount * k),
    cumulative: new Float64Array(f.binCount * k),
    cumulativeCounts: new Float64Array(f.binCount),
  }));
  const scratchCount = new Float64Array(256);
  const scratchSums = new Float64Array(256 * k);
  const fillStats = (node: Node, f: number, stats: FeatureStats): void => {
    const bins = features[f].bins;
    const touched = stats.occupied;
    touched.length = 0;
    for (let i = node.begin; i < node.end; i++) {
      const row = order[i];
      const b = bins[row];
      if (scratchCount[b] === 0) touched.push(b);
      scratchCount[b] += 1;
      for (let d = 0; d < k; d++) scratchSums[b * k + d] += targets[d][row];
    }
    if (!features[f].categorical) touched.sort((a, b) => a - b);
    const { counts, sums, cumulative, cumulativeCounts } = stats;
    for (let i = 0; i < touched.length; i++) {
      const b = touched[i];
      counts[i] = scratchCount[b];
      cumulativeCounts[i] = counts[i] + (i > 0 ? cumulativeCounts[i - 1] : 0);
      for (let d = 0; d < k; d++) {
        sums[i * k + d] = scratchSums[b * k + d];
        cumulative[i * k + d] = sums[i * k + d] + (i > 0 ? cumulative[(i - 1) * k + d] : 0);
        scratchSums[b * k + d] = 0;
      }
      scratchCount[b] = 0;
    }
  };

  const newNode = (
    begin: number,
    end: number,
    depth: number,
    parent: number,
    isLeft: boolean,
  ): Node => ({
    begin,
    end,
    depth,
    sums: new Float64Array(k),
    hist: NO_HISTOGRAM,
    count: NO_HISTOGRAM,
    parent,
    isLeft,
    gain: 0,
    feature: -1,
    bin: 0,
  });

  const link = (node: Node, index: number): void => {
    if (node.parent < 0) return;
    if (node.isLeft) tree.left[node.parent] = index;
    else tree.right[node.parent] = index;
  };

  const finishLeaf = (node: Node): void => {
    link(node, ~leaves.length);
    leaves.push(order.slice(node.begin, node.end));
    node.hist = NO_HISTOGRAM;
    node.count = NO_HISTOGRAM;
  };

  /** Splits a node: partitions its rows, records the split, returns the children (histograms built). */
  const split = (node: Node): [Node, Node] => {
    const feat = features[node.feature];
    const bins = feat.bins;
    const cut = node.bin;
    let lo = node.begin;
    let hi = node.end - 1;
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
    const index = tree.feature.length;
    tree.feature.push(node.feature);
    tree.threshold.push(feat.categorical ? cut : feat.upper[cut]);
    tree.left.push(0);
    tree.right.push(0);
    link(node, index);
    const l = newNode(node.begin, lo, node.depth + 1, index, true);
    const r = newNode(lo, node.end, node.depth + 1, index, false);
    if (!exhaustive) {
      for (let i = l.begin; i < l.end; i++)
        for (let d = 0; d < k; d++) l.sums[d] += targets[d][order[i]];
      for (let d = 0; d < k; d++) r.sums[d] = node.sums[d] - l.sums[d];
      findBest(l);
      findBest(r);
      return [l, r];
    }
    const off = binOffset[node.feature];
    if (feat.categorical) {
      for (let d = 0; d < k; d++) l.sums[d] = node.hist[(off + cut) * k + d];
    } else {
      for (let b = 0; b <= cut; b++)
        for (let d = 0; d < k; d++) l.sums[d] += node.hist[(off + b) * k + d];
    }
    for (let d = 0; d < k; d++) r.sums[d] = node.sums[d] - l.sums[d];
    const [small, large] = l.end - l.begin <= r.end - r.begin ? [l, r] : [r, l];
    buildHist(small);
    for (let j = 0; j < node.hist.length; j++) node.hist[j] -= small.hist[j];
    for (let j = 0; j < totalBins; j++) node.count[j] -= small.count[j];
    large.hist = node.hist;
    large.count = node.count;
    node.hist = NO_HISTOGRAM;
    node.count = NO_HISTOGRAM;
    findBest(l);
    findBest(r);
    return [l, r];
  };

  const root = newNode(0, order.length, 0, -1, false);
  if (exhaustive) buildHist(root);
  for (let i = 0; i < order.length; i++)
    for (let d = 0; d < k; d++) root.sums[d] += targets[d][order[i]];
  findBest(root);

  if (options.maxLeaves === Infinity) {
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.feature < 0) {
        finishLeaf(node);
        continue;
      }
      const [l, r] = split(node);
      stack.push(r, l);
    }
  } else {
    const open: Node[] = [root];
    let leafCount = 1;
    while (leafCount < options.maxLeaves) {
      let pick = -1;
      for (let i = 0; i < open.length; i++) {
        if (open[i].feature >= 0 && (pick < 0 || open[i].gain > open[pick].gain)) pick = i;
      }
      if (pick < 0) break;
      const [l, r] = split(open[pick]);
      open.splice(pick, 1, l, r);
      leafCount++;
    }
    for (const node of open) finishLeaf(node);
  }
  return { tree, leaves };
}

/**
 * The leaf (0-based) a row of encoded features reaches in a tree.
 *
 * @param tree - the tree
 * @param numeric - numeric feature values by feature index (undefined for categorical ones)
 * @param codes - categorical level codes by feature index
 * @param row - the row
 */
export function leafOf(
  tree: TreeSpec,
  numeric: readonly (Float64Array | undefined)[],
  codes: readonly (Int32Array | undefined)[],
  row: number,
): number {
  if (tree.feature.length === 0) return 0;
  let node = 0;
  while (node >= 0) {
    const f = tree.feature[node];
    const num = numeric[f];
    const goLeft =
      num !== undefined
        ? num[row] <= tree.threshold[node]
        : codes[f]![row] === tree.threshold[node];
    node = goLeft ? tree.left[node] : tree.right[node];
  }
  return ~node;
}

/**
 * Encoded features indexed by feature (for {@link leafOf}).
 *
 * @param enc - encoded rows
 */
export function featureColumns(enc: EncodedFeatures): {
  numeric: (Float64Array | undefined)[];
  codes: (Int32Array | undefined)[];
} {
  const numeric: (Float64Array | undefined)[] = [];
  const codes: (Int32Array | undefined)[] = [];
  for (const f of enc.numeric) numeric[f.feature] = f.values;
  for (const f of enc.categorical) codes[f.feature] = f.codes;
  return { numeric, codes };
}
