/**
 * The figures of the report, computed from scored rows: the ROC curve and the confusion matrix of a
 * binary classifier, and predicted against actual values of a regression, binned for a chart.
 * Pure functions over arrays; the renderers (Markdown/Mermaid, HTML/SVG) only draw them.
 */

/** What a model said about the held-out rows, in row order. */
export interface ScoredRows {
  /** The label column's true values. */
  readonly truths: readonly string[];
  /** "Scored Labels" (a class, or a number for a regression). */
  readonly labels: readonly string[];
  /** "Scored Probabilities" (binary classification only). */
  readonly probabilities?: readonly number[];
}

/** A point of a ROC curve. */
export interface RocPoint {
  readonly fpr: number;
  readonly tpr: number;
}

/** Counts at a threshold. */
export interface Confusion {
  readonly threshold: number;
  readonly positive: string;
  readonly negative: string;
  readonly truePositive: number;
  readonly falseNegative: number;
  readonly falsePositive: number;
  readonly trueNegative: number;
}

/**
 * The positive class, chosen the way the champion scoring does (`components/retrain/champion.ts`):
 * the label scored most often with a probability above 0.5, else the second level in sort order.
 * @param scored - the scored rows (with probabilities)
 */
export function positiveClass(scored: ScoredRows): string {
  const votes = new Map<string, number>();
  scored.labels.forEach((label, i) => {
    if ((scored.probabilities?.[i] ?? 0) > 0.5) votes.set(label, (votes.get(label) ?? 0) + 1);
  });
  const levels = [...new Set(scored.truths)];
  return (
    [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ??
    [...levels].sort()[1] ??
    levels[0] ??
    ""
  );
}

/**
 * The ROC curve: one point per distinct score, from (0, 0) to (1, 1), tied scores taken together.
 * @param scores - the probability of the positive class per row
 * @param positives - 1 where the row's truth is the positive class
 */
export function rocCurve(scores: readonly number[], positives: readonly number[]): RocPoint[] {
  const order = scores.map((s, i) => [s, positives[i]] as const).sort((a, b) => b[0] - a[0]);
  const pos = positives.reduce((a, b) => a + b, 0);
  const neg = positives.length - pos;
  const points: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j][0] === order[i][0]) {
      if (order[j][1] === 1) tp++;
      else fp++;
      j++;
    }
    points.push({ fpr: neg === 0 ? 0 : fp / neg, tpr: pos === 0 ? 0 : tp / pos });
    i = j;
  }
  return points;
}

/**
 * The curve read at evenly spaced false-positive rates (the best true-positive rate reached at or
 * below each), for charts that take one value per x position.
 * @param curve - a ROC curve (ascending fpr)
 * @param steps - intervals between 0 and 1
 */
export function rocAtGrid(curve: readonly RocPoint[], steps = 20): number[] {
  return Array.from({ length: steps + 1 }, (_, k) => {
    const x = k / steps + 1e-12;
    let best = 0;
    for (const p of curve) if (p.fpr <= x && p.tpr > best) best = p.tpr;
    return best;
  });
}

/**
 * Drops points of a curve so at most `max` are left, keeping the first and the last.
 * @param points - the points
 * @param max - how many to keep at most
 */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, k) => points[Math.round(k * step)]);
}

/** Binary-classification figures of one model. */
export interface BinaryFigures {
  readonly roc: readonly RocPoint[];
  readonly confusion: Confusion;
}

/**
 * The ROC curve and the confusion matrix at `threshold` of scored rows.
 * @param scored - rows with probabilities
 * @param positive - the positive class (the same for both models compared)
 * @param threshold - the probability above which a row is predicted positive (Evaluate Model's)
 */
export function binaryFigures(
  scored: ScoredRows,
  positive: string,
  threshold = 0.5,
): BinaryFigures {
  // "Scored Probabilities" is the probability of the positive class, as the champion scoring reads it.
  const scores = scored.probabilities ?? [];
  const y = scored.truths.map((t) => (t === positive ? 1 : 0));
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  scores.forEach((s, i) => {
    const predicted = s > threshold;
    if (predicted && y[i]) tp++;
    else if (predicted) fp++;
    else if (y[i]) fn++;
    else tn++;
  });
  const negative = [...new Set(scored.truths)].find((t) => t !== positive) ?? "";
  return {
    roc: rocCurve(scores, y),
    confusion: {
      threshold,
      positive,
      negative,
      truePositive: tp,
      falseNegative: fn,
      falsePositive: fp,
      trueNegative: tn,
    },
  };
}

/** One bin of a regression: rows whose actual value falls in it. */
export interface RegressionBin {
  /** Mean actual value of the rows in the bin. */
  readonly actual: number;
  /** Mean prediction of the candidate for those rows. */
  readonly candidate: number;
  /** Mean prediction of the served model for those rows. */
  readonly served?: number;
  readonly rows: number;
}

/**
 * Predicted against actual values in `bins` bins of equal row counts (by actual value): what a
 * chart of one value per x position can show of a scatter plot. A well-fitted model's line
 * follows the actual values.
 * @param truths - actual values
 * @param candidate - the candidate's predictions
 * @param served - the served model's predictions (same rows), if any
 * @param bins - how many bins
 */
export function regressionBins(
  truths: readonly number[],
  candidate: readonly number[],
  served: readonly number[] | undefined,
  bins = 10,
): RegressionBin[] {
  const order = truths.map((_, i) => i).sort((a, b) => truths[a] - truths[b] || a - b);
  const count = Math.min(bins, order.length);
  const result: RegressionBin[] = [];
  for (let k = 0; k < count; k++) {
    const slice = order.slice(
      Math.floor((k * order.length) / count),
      Math.floor(((k + 1) * order.length) / count),
    );
    const mean = (values: readonly number[]): number =>
      slice.reduce((a, i) => a + values[i], 0) / slice.length;
    result.push({
      actual: mean(truths),
      candidate: mean(candidate),
      ...(served ? { served: mean(served) } : {}),
      rows: slice.length,
    });
  }
  return result;
}
