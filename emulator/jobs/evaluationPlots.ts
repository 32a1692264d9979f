/**
 * The portal's plots of an evaluated model, computed from the scored rows Evaluate Model received
 * (its own output keeps only the metrics): the ROC curve and the confusion matrix of a binary or
 * multiclass classifier, actual against predicted values of a regression. Pure functions over the
 * rows (labels as text, the way RRS renders them; scores as numbers), run by the job's worker once
 * the graph has run. They cost a few percent of a job that trains on the same rows (sorting the
 * scores natively); `test/emulator/unit/evaluationPlots.test.ts` pins their results.
 */
import type { EvaluationPlots, RocPoint } from "../store/records";

/** The scored dataset's columns that matter: labels as text (null = missing), scores as numbers (NaN = missing). */
export interface ScoredColumns {
  /** The column flagged as label (the truth). */
  readonly truth: readonly (string | null)[];
  /** "Scored Labels". */
  readonly scoredLabels: readonly (string | null)[] | undefined;
  /** "Scored Probabilities" (binary classifiers). */
  readonly probabilities: ArrayLike<number> | undefined;
  /** `Scored Probabilities for Class "<label>"` (multiclass classifiers), by class label. */
  readonly classProbabilities: readonly {
    readonly label: string;
    readonly values: ArrayLike<number>;
  }[];
}

/** Points a ROC curve keeps at most (a smooth curve, a small record). */
export const ROC_POINTS = 200;
/** Rows a regression's actual-against-predicted plot keeps at most. */
export const REGRESSION_POINTS = 1000;
/** Score Model's prefix of a multiclass probability column. */
export const CLASS_PROBABILITY_PREFIX = "Scored Probabilities for Class ";

/**
 * The class label of a multiclass probability column, or undefined for any other column.
 * @param name - a column name, e.g. `Scored Probabilities for Class "setosa"`
 */
export function classOfProbabilityColumn(name: string): string | undefined {
  if (!name.startsWith(CLASS_PROBABILITY_PREFIX)) return undefined;
  const rest = name.slice(CLASS_PROBABILITY_PREFIX.length);
  return rest.length >= 2 && rest.startsWith('"') && rest.endsWith('"') ? rest.slice(1, -1) : rest;
}

function number(text: string | null): number {
  return text === null || text.trim() === "" ? NaN : Number(text);
}

/**
 * The ROC curve of scores against 0/1 truths: one point per distinct score (ties taken together),
 * from (0, 0) to (1, 1). Undefined when one of the classes has no row.
 * @param scores - higher means more positive
 * @param positives - 1 where the row is positive
 */
export function rocCurve(
  scores: ArrayLike<number>,
  positives: ArrayLike<number>,
): RocPoint[] | undefined {
  let count = 0;
  for (let i = 0; i < positives.length; i++) count += positives[i];
  const pos = new Float64Array(count);
  const neg = new Float64Array(positives.length - count);
  for (let i = 0, p = 0, n = 0; i < positives.length; i++) {
    if (positives[i] === 1) pos[p++] = scores[i];
    else neg[n++] = scores[i];
  }
  if (pos.length === 0 || neg.length === 0) return undefined;
  // Typed arrays sort numerically and natively: the rows are walked from the highest score down.
  pos.sort();
  neg.sort();
  const points: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  let i = pos.length - 1;
  let j = neg.length - 1;
  while (i >= 0 || j >= 0) {
    const score = Math.max(i >= 0 ? pos[i] : -Infinity, j >= 0 ? neg[j] : -Infinity);
    while (i >= 0 && pos[i] === score) i--;
    while (j >= 0 && neg[j] === score) j--;
    points.push({ fpr: (neg.length - 1 - j) / neg.length, tpr: (pos.length - 1 - i) / pos.length });
  }
  return points;
}

/**
 * At most `limit` points of a curve, evenly spaced along it, always keeping the first and last.
 * @param points - the curve
 * @param limit - how many to keep (at least 2)
 */
export function thin<T>(points: readonly T[], limit: number): T[] {
  if (points.length <= limit) return [...points];
  const kept: T[] = [];
  const step = (points.length - 1) / (limit - 1);
  for (let i = 0; i < limit; i++) kept.push(points[Math.round(i * step)]);
  return kept;
}

/**
 * The positive class of a binary evaluation: Evaluate Model's own `Positive Label` when it has
 * one; otherwise the label the model gives to rows it scores above the threshold.
 */
function positiveOf(
  scored: ScoredColumns,
  classes: readonly string[],
  threshold: number,
  positiveLabel: string | undefined,
): string | undefined {
  if (positiveLabel !== undefined && positiveLabel !== "" && classes.includes(positiveLabel))
    return positiveLabel;
  const votes = new Map<string, number>();
  scored.scoredLabels?.forEach((label, i) => {
    if (label !== null && scored.probabilities !== undefined && scored.probabilities[i] > threshold)
      votes.set(label, (votes.get(label) ?? 0) + 1);
  });
  const top = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return top ?? classes[1];
}

function binaryPlots(
  scored: ScoredColumns,
  scores: ArrayLike<number>,
  threshold: number,
  positiveLabel: string | undefined,
): EvaluationPlots | undefined {
  const truths: string[] = [];
  const probabilities: number[] = [];
  scored.truth.forEach((truth, i) => {
    const p = scores[i];
    if (truth === null || Number.isNaN(p)) return;
    truths.push(truth);
    probabilities.push(p);
  });
  const classes = [...new Set(truths)].sort();
  if (classes.length === 0 || classes.length > 2) return undefined;
  const positive = positiveOf(scored, classes, threshold, positiveLabel);
  if (positive === undefined) return undefined;
  const negative = classes.find((c) => c !== positive) ?? "";
  const positives = truths.map((t) => (t === positive ? 1 : 0));
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  positives.forEach((y, i) => {
    const predicted = probabilities[i] > threshold;
    if (y === 1) {
      if (predicted) tp++;
      else fn++;
    } else if (predicted) fp++;
    else tn++;
  });
  const roc = rocCurve(probabilities, positives);
  return {
    kind: "binary",
    rows: truths.length,
    positive,
    negative,
    threshold,
    roc: roc ? thin(roc, ROC_POINTS) : [],
    confusion: [
      [tp, fn],
      [fp, tn],
    ],
  };
}

function multiclassPlots(scored: ScoredColumns): EvaluationPlots | undefined {
  const labels = scored.scoredLabels;
  if (!labels) return undefined;
  const rows: number[] = [];
  scored.truth.forEach((truth, i) => {
    if (truth !== null && labels[i] !== null) rows.push(i);
  });
  const classes = [
    ...new Set([
      ...rows.map((i) => scored.truth[i] as string),
      ...rows.map((i) => labels[i] as string),
      ...scored.classProbabilities.map((c) => c.label),
    ]),
  ].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const confusion = classes.map(() => classes.map(() => 0));
  for (const i of rows)
    confusion[index.get(scored.truth[i] as string)!][index.get(labels[i] as string)!]++;
  const roc: { label: string; points: RocPoint[] }[] = [];
  for (const { label, values } of scored.classProbabilities) {
    const scores: number[] = [];
    const positives: number[] = [];
    for (const i of rows) {
      const p = values[i];
      if (Number.isNaN(p)) continue;
      scores.push(p);
      positives.push(scored.truth[i] === label ? 1 : 0);
    }
    const curve = rocCurve(scores, positives);
    if (curve) roc.push({ label, points: thin(curve, ROC_POINTS) });
  }
  roc.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { kind: "multiclass", rows: rows.length, classes, confusion, roc };
}

function regressionPlots(scored: ScoredColumns): EvaluationPlots | undefined {
  const labels = scored.scoredLabels;
  if (!labels) return undefined;
  const pairs: { actual: number; predicted: number }[] = [];
  scored.truth.forEach((truth, i) => {
    const actual = number(truth);
    const predicted = number(labels[i]);
    if (Number.isFinite(actual) && Number.isFinite(predicted)) pairs.push({ actual, predicted });
  });
  if (pairs.length === 0) return undefined;
  return { kind: "regression", rows: pairs.length, points: thin(pairs, REGRESSION_POINTS) };
}

/**
 * The plots of one scored dataset, or undefined when its scores are none of binary, multiclass
 * or regression (a clustering, or no label column).
 * @param scored - the scored rows' truth and score columns
 * @param evaluated - Evaluate Model's own reading: its threshold and positive class, when binary
 */
export function evaluationPlots(
  scored: ScoredColumns,
  evaluated: { readonly threshold?: number; readonly positiveLabel?: string } = {},
): EvaluationPlots | undefined {
  if (scored.classProbabilities.length > 0) return multiclassPlots(scored);
  if (scored.probabilities)
    return binaryPlots(
      scored,
      scored.probabilities,
      evaluated.threshold ?? 0.5,
      evaluated.positiveLabel,
    );
  return regressionPlots(scored);
}
