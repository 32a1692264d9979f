/**
 * Evaluation metrics (`docs/modules.md`): binary classification and regression.
 */

/** Binary classification metrics at a threshold. */
export interface BinaryMetrics {
  auc: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  threshold: number;
  truePositive: number;
  falseNegative: number;
  falsePositive: number;
  trueNegative: number;
  averageLogLoss: number;
}

/** Probabilities are clipped this far from 0 and 1 in the log loss (an exact 0 would be infinite). */
const LOG_LOSS_EPSILON = 1e-15;

/**
 * Area under the ROC curve (Mann–Whitney statistic; tied scores count one half).
 *
 * @param truth - 1 for positive rows, 0 for negative
 * @param scores - scores, higher = more positive
 */
export function rocAuc(truth: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = truth.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1; // average 1-based rank of the tie group
    for (let k = i; k <= j; k++) {
      if (truth[order[k]] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Binary metrics of scored rows (rows with a missing truth or probability must be left out by
 * the caller). Precision, recall and F1 are 0 when undefined (no predicted or no actual
 * positives).
 *
 * @param truth - 1 for positive rows, 0 for negative
 * @param probs - probability of the positive class
 * @param threshold - a row is predicted positive when its probability is above this
 */
export function binaryMetrics(
  truth: ArrayLike<number>,
  probs: ArrayLike<number>,
  threshold = 0.5,
): BinaryMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  let logLoss = 0;
  const n = truth.length;
  for (let i = 0; i < n; i++) {
    const y = truth[i];
    const p = probs[i];
    const predicted = p > threshold;
    if (y === 1) {
      if (predicted) tp++;
      else fn++;
    } else if (predicted) fp++;
    else tn++;
    const q = Math.min(Math.max(p, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
    logLoss -= y === 1 ? Math.log(q) : Math.log(1 - q);
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return {
    auc: rocAuc(truth, probs),
    accuracy: n > 0 ? (tp + tn) / n : NaN,
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    threshold,
    truePositive: tp,
    falseNegative: fn,
    falsePositive: fp,
    trueNegative: tn,
    averageLogLoss: n > 0 ? logLoss / n : NaN,
  };
}

/** Regression metrics (the five captions of the classic results view). */
export interface RegressionMetrics {
  meanAbsoluteError: number;
  rootMeanSquaredError: number;
  relativeAbsoluteError: number;
  relativeSquaredError: number;
  coefficientOfDetermination: number;
}

/**
 * Regression metrics of predictions against true values.
 *
 * @param truth - true values
 * @param predicted - predictions
 */
export function regressionMetrics(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
): RegressionMetrics {
  const n = truth.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i];
  mean /= n;
  let absErr = 0;
  let sqErr = 0;
  let absDev = 0;
  let sqDev = 0;
  for (let i = 0; i < n; i++) {
    const e = truth[i] - predicted[i];
    absErr += Math.abs(e);
    sqErr += e * e;
    const d = truth[i] - mean;
    absDev += Math.abs(d);
    sqDev += d * d;
  }
  return {
    meanAbsoluteError: absErr / n,
    rootMeanSquaredError: Math.sqrt(sqErr / n),
    relativeAbsoluteError: absErr / absDev,
    relativeSquaredError: sqErr / sqDev,
    coefficientOfDetermination: 1 - sqErr / sqDev,
  };
}
