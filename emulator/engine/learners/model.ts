/**
 * In-memory form of a trained model: what Train Model produces, Score Model consumes and the
 * `.ilearner` format (`ilearner.ts`, docs/ilearner-format.md) stores.
 */
import type { ElementType } from "../api";

/** Learners the engine implements. */
export type LearnerKind =
  | "TwoClassLogisticRegression"
  | "TwoClassBoostedDecisionTree"
  | "LinearRegression"
  | "TwoClassDecisionForest"
  | "TwoClassAveragedPerceptron"
  | "TwoClassSupportVectorMachine"
  | "MulticlassLogisticRegression"
  | "MulticlassDecisionForest"
  | "BoostedDecisionTreeRegression"
  | "DecisionForestRegression"
  | "PoissonRegression"
  | "KMeansClustering";

/** What a learner predicts. */
export type LearnerTask = "binary" | "regression" | "multiclass" | "clustering";

/** A class value as stored in its column: number for Int64/Double/Boolean labels, else string. */
export type ClassValue = string | number;

/** The label column a model was trained on. */
export interface LabelInfo {
  name: string;
  type: ElementType;
  /** Binary models: `[negative, positive]` (positive class by Evaluate Model's rule, `docs/modules.md`). */
  classes?: [ClassValue, ClassValue];
  /** Multiclass models: every class, in ordinal order (numbers ascending, text by code point). */
  levels?: ClassValue[];
}

/** A numeric feature, transformed as `(x - shift) / scale` before the learner sees it. */
export interface NumericFeature {
  name: string;
  kind: "numeric";
  /** Column type at training time. */
  type: ElementType;
  shift: number;
  scale: number;
}

/**
 * A categorical feature, one indicator slot per training level, plus an "unknown" slot when the
 * learner allows unknown levels (unseen values at scoring time go there).
 */
export interface CategoricalFeature {
  name: string;
  kind: "categorical";
  type: ElementType;
  /** Levels as text, sorted by ordinal string order. */
  levels: string[];
  unknownLevel: boolean;
}

/** A feature of a model's input schema. */
export type FeatureSpec = NumericFeature | CategoricalFeature;

/** Linear models: score = bias + Σ weights[slot] · transformed value of slot. */
export interface LinearBody {
  kind: "linear";
  bias: number;
  /** One weight per slot: numeric features one slot each, categorical features one per level (+ unknown). */
  weights: number[];
  /**
   * Platt scaling of a margin classifier (perceptron, SVM): P(positive) = σ(a · margin + b),
   * fitted on the training margins.
   */
  calibration?: { a: number; b: number };
}

/** Multiclass linear model: class c's score = biases[c] + Σ weights[c][slot] · value; softmax. */
export interface MulticlassLinearBody {
  kind: "multiclassLinear";
  biases: number[];
  weights: number[][];
}

/**
 * Decision forest: the average of each tree's leaf vector. Leaf `l` of a tree holds
 * `leafValues[l * width .. l * width + width)`: class probabilities (width = class count) or a
 * regression value (width 1).
 */
export interface ForestBody {
  kind: "forest";
  width: number;
  trees: TreeSpec[];
}

/** K-means: centroids in the encoded feature space (one-hot categorical slots). */
export interface KMeansBody {
  kind: "kmeans";
  metric: "Euclidean" | "Cosine";
  centroids: number[][];
}

/**
 * One regression tree. Internal nodes are 0..n-1; a child index < 0 is leaf `~index`.
 * Numeric split: `x <= threshold` goes left. Categorical split: level index `== threshold` goes
 * left (unknown levels go right).
 */
export interface TreeSpec {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  /** Leaf outputs, already multiplied by the learning rate. */
  leafValues: number[];
}

/** Boosted trees: score (log-odds) = initialScore + Σ tree outputs. */
export interface TreeEnsembleBody {
  kind: "trees";
  initialScore: number;
  trees: TreeSpec[];
}

/** Facts recorded at training time. */
export interface TrainingInfo {
  /** Rows used for training. */
  rows: number;
  /** Rows skipped because the label or a feature was missing. */
  skippedRows: number;
  /** ISO 8601 time of training. */
  trainedAt: string;
  /** Optimizer iterations or boosting rounds. */
  iterations: number;
  /** Final training objective (log loss + penalties, or squared error), when meaningful. */
  objective?: number;
}

/** A trained model. */
export interface TrainedModel {
  learner: LearnerKind;
  /** Studio module name of the learner ("Two-Class Logistic Regression"). */
  moduleName: string;
  task: LearnerTask;
  label: LabelInfo;
  features: FeatureSpec[];
  /** Learner parameters as resolved at training time. */
  parameters: Record<string, string | number | boolean>;
  training: TrainingInfo;
  body: LinearBody | TreeEnsembleBody | MulticlassLinearBody | ForestBody | KMeansBody;
}

/** An untrained learner (the output of an Initialize Model module). */
export interface LearnerSpec {
  learner: LearnerKind;
  moduleName: string;
  task: LearnerTask;
  /** `parameters["Allow unknown categorical levels"]`, set by `untrainedLearner` (modules/types.ts). */
  allowUnknownLevels: boolean;
  /** Resolved parameters (names are the Studio parameter names). */
  parameters: Record<string, string | number | boolean>;
  /**
   * "Parameter Range" mode: every value given for each sweepable parameter (Tune Model
   * Hyperparameters tries their combinations; Train Model uses `parameters`).
   */
  sweep?: Record<string, number[]>;
}
