/**
 * What Train Model hands a learner, what a learner implements, and what the learners share:
 * the binary set-up, the trained-model record, linear margins and the logistic function.
 */
import type { Column, DataTable } from "../api";
import {
  buildFeatureSpecs,
  encodeFeatures,
  type EncodedFeatures,
  type NumericTransform,
} from "./features";
import { engineErrors } from "../errors";
import { binaryClasses, binaryTargets } from "./labels";
import type { ClassValue, FeatureSpec, LearnerSpec, TrainedModel } from "./model";

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
  train: Trainer;
  /** Multiclass learners: the index of the most probable class; clustering: the cluster. */
  score: Scorer;
  /** Multiclass learners: one probability array per class (`model.label.levels` order). */
  scoreClasses?: (model: TrainedModel, features: EncodedFeatures) => Float64Array[];
}

/** A regression or multiclass learner's training problem. */
export interface FeatureProblem {
  specs: FeatureSpec[];
  enc: EncodedFeatures;
}

/**
 * Feature schema and encoded rows for a learner (the binary learners use {@link prepareBinary}).
 *
 * @param spec - the untrained learner
 * @param data - training rows
 * @param numericTransform - how the learner wants numeric features rescaled
 */
export function prepareFeatures(
  spec: LearnerSpec,
  data: TrainingSet,
  numericTransform: NumericTransform,
): FeatureProblem {
  const specs = buildFeatureSpecs(data.table, data.featureIndices, trainingRows(data), {
    allowUnknownLevels: spec.allowUnknownLevels,
    numericTransform,
  });
  return { specs, enc: encodeFeatures(data.table, specs, trainingRows(data), "Dataset") };
}

/**
 * The training rows for the feature code: null when they are every row of the table (the rows
 * are the complete rows in order, so as many as the table's means all of them), which spares
 * the passes over the data an index array.
 *
 * @param data - training rows
 */
export function trainingRows(data: TrainingSet): Uint32Array | null {
  return data.rows.length === data.table.rowCount ? null : data.rows;
}

/**
 * The numeric label of the training rows (regression); Error 0023 when it is not numeric.
 *
 * @param spec - the untrained learner (for the message)
 * @param data - training rows
 */
export function regressionTargets(spec: LearnerSpec, data: TrainingSet): Float64Array {
  const label = data.label;
  if (label.type !== "Int64" && label.type !== "Double")
    throw engineErrors.module("0023", label.name, spec.moduleName);
  const src = label.values as Float64Array;
  return Float64Array.from(data.rows, (r) => src[r]);
}

/** A binary learner's training problem. */
export interface BinaryProblem {
  /** `[negative, positive]`. */
  classes: [ClassValue, ClassValue];
  specs: FeatureSpec[];
  enc: EncodedFeatures;
  /** 1 for the positive class, else 0, per training row. */
  y: Float64Array;
  /** Log-odds of the positive rate (clamped to [1e-6, 1 - 1e-6]): the natural starting score. */
  baseLogOdds: number;
}

/**
 * What both binary learners start with: the two classes (Error 0083 unless there are exactly
 * two), the feature schema, the encoded rows, the 0/1 targets and the base rate's log-odds.
 *
 * @param spec - the untrained learner
 * @param data - training rows
 * @param numericTransform - how the learner wants numeric features rescaled
 */
export function prepareBinary(
  spec: LearnerSpec,
  data: TrainingSet,
  numericTransform: NumericTransform,
): BinaryProblem {
  const classes = binaryClasses(data.label, data.rows, spec.moduleName);
  const specs = buildFeatureSpecs(data.table, data.featureIndices, trainingRows(data), {
    allowUnknownLevels: spec.allowUnknownLevels,
    numericTransform,
  });
  const enc = encodeFeatures(data.table, specs, trainingRows(data), "Dataset");
  const y = binaryTargets(data.label, data.rows, classes[1]);
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i];
  const rate = Math.min(Math.max(positives / y.length, 1e-6), 1 - 1e-6);
  return { classes, specs, enc, y, baseLogOdds: Math.log(rate / (1 - rate)) };
}

/**
 * The trained model a learner returns (parameters copied, training facts from the set).
 *
 * @param spec - the untrained learner
 * @param data - training rows
 * @param fit - what the learner learnt: classes (binary), features, iterations, objective, body
 */
export function trainedModel(
  spec: LearnerSpec,
  data: TrainingSet,
  fit: {
    classes?: [ClassValue, ClassValue];
    levels?: ClassValue[];
    features: FeatureSpec[];
    iterations: number;
    objective: number;
    body: TrainedModel["body"];
  },
): TrainedModel {
  const { name, type } = data.label;
  return {
    learner: spec.learner,
    moduleName: spec.moduleName,
    task: spec.task,
    label: fit.classes
      ? { name, type, classes: fit.classes }
      : fit.levels
        ? { name, type, levels: fit.levels }
        : { name, type },
    features: fit.features,
    parameters: { ...spec.parameters },
    training: {
      rows: data.rows.length,
      skippedRows: data.skippedRows,
      trainedAt: data.trainedAt,
      iterations: fit.iterations,
      objective: fit.objective,
    },
    body: fit.body,
  };
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

/**
 * Turns log-odds into probabilities in place (NaN, a row with a missing feature, stays NaN).
 *
 * @param margins - log-odds per row
 */
export function toProbabilities(margins: Float64Array): Float64Array {
  for (let i = 0; i < margins.length; i++) {
    if (margins[i] === margins[i]) margins[i] = sigmoid(margins[i]);
  }
  return margins;
}
