/**
 * What Train Model hands a learner, and the learner registry (trainers and scorers by kind).
 */
import type { Column, DataTable } from "../api";
import type { EncodedFeatures } from "./features";
import type { LearnerKind, LearnerSpec, TrainedModel } from "./model";

/** Training rows chosen by Train Model. */
export interface TrainingSet {
  table: DataTable;
  label: Column;
  featureIndices: number[];
  /** Rows with a label and every feature (Train Model skips the others). */
  rows: Uint32Array;
  skippedRows: number;
  trainedAt: string;
}

/** Trains a learner on a training set. */
export type Trainer = (spec: LearnerSpec, data: TrainingSet) => TrainedModel;

/**
 * Scores encoded rows: the probability of the positive class (binary) or the predicted value
 * (regression); NaN for rows with a missing feature.
 */
export type Scorer = (model: TrainedModel, features: EncodedFeatures) => Float64Array;

/** A learner implementation. */
export interface LearnerImplementation {
  kind: LearnerKind;
  train: Trainer;
  score: Scorer;
}

/**
 * Margins of a linear body over encoded rows: `bias + Σ weights[slot] · value` (NaN when a
 * feature is missing).
 *
 * @param bias - intercept
 * @param weights - one weight per slot
 * @param features - encoded rows
 */
export function linearMargins(
  bias: number,
  weights: ArrayLike<number>,
  features: EncodedFeatures,
): Float64Array {
  const n = features.rowCount;
  const out = new Float64Array(n).fill(bias);
  for (const { slot, values } of features.numeric) {
    const w = weights[slot];
    if (w === 0) continue;
    for (let i = 0; i < n; i++) out[i] += w * values[i];
  }
  for (const { slot, codes } of features.categorical) {
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      if (c >= 0) out[i] += weights[slot + c];
    }
  }
  const complete = features.complete;
  for (let i = 0; i < n; i++) if (!complete[i]) out[i] = NaN;
  return out;
}

/**
 * The logistic function, stable for large |z|.
 *
 * @param z - log-odds
 */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
