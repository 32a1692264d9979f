/**
 * The other learner modules added after the first three: Two-Class Averaged Perceptron,
 * Two-Class Support Vector Machine, Multiclass Logistic Regression, Boosted Decision Tree
 * Regression, Poisson Regression and K-Means Clustering. Each outputs an untrained learner with
 * its resolved parameters (and, in Parameter Range mode, the values to sweep).
 */
import {
  ALLOW_UNKNOWN_LEVELS,
  RANDOM_NUMBER_SEED,
  TRAINER_MODES,
  sweepValues,
  untrainedLearner,
  type StudioModule,
} from "./types";

const UNTRAINED = [{ name: "Untrained model", type: "ILearner", untrained: true }] as const;
const CLASSIFICATION = "Machine Learning / Initialize Model / Classification";
const REGRESSION = "Machine Learning / Initialize Model / Regression";

/** The Two-Class Averaged Perceptron module. */
export const twoClassAveragedPerceptron: StudioModule = {
  name: "Two-Class Averaged Perceptron",
  category: CLASSIFICATION,
  inputs: [],
  outputs: UNTRAINED,
  parameters: [
    TRAINER_MODES,
    { name: "Learning rate", type: "Float", default: "1", min: 0, minExclusive: true },
    { name: "Maximum number of iterations", type: "Integer", default: "10", min: 1 },
    RANDOM_NUMBER_SEED,
    ALLOW_UNKNOWN_LEVELS,
  ],
  differences: [
    "Numeric features are standardized; probabilities come from Platt scaling fitted on the training margins.",
  ],
  run(_inputs, ctx) {
    const p = ctx.params;
    return [
      untrainedLearner(
        "TwoClassAveragedPerceptron",
        "Two-Class Averaged Perceptron",
        "binary",
        {
          "Learning rate": p.float("Learning rate"),
          "Maximum number of iterations": p.int("Maximum number of iterations"),
          "Random number seed": p.optionalInt("Random number seed") ?? 0,
          "Allow unknown categorical levels": p.bool("Allow unknown categorical levels"),
        },
        sweepValues(ctx, ["Learning rate", "Maximum number of iterations"]),
      ),
    ];
  },
};

/** The Two-Class Support Vector Machine module. */
export const twoClassSupportVectorMachine: StudioModule = {
  name: "Two-Class Support Vector Machine",
  category: CLASSIFICATION,
  inputs: [],
  outputs: UNTRAINED,
  parameters: [
    TRAINER_MODES,
    { name: "Number of iterations", type: "Integer", default: "1", min: 1 },
    { name: "Lambda", type: "Float", default: "0.001", min: 0, minExclusive: true },
    { name: "Normalize features", type: "Boolean", default: "True" },
    { name: "Project to the unit-sphere", type: "Boolean", default: "False" },
    RANDOM_NUMBER_SEED,
    ALLOW_UNKNOWN_LEVELS,
  ],
  differences: [
    'Linear SVM trained with Pegasos (the bias as a constant feature); "Normalize features" standardizes numeric features; probabilities come from Platt scaling fitted on the training margins.',
  ],
  run(_inputs, ctx) {
    const p = ctx.params;
    return [
      untrainedLearner(
        "TwoClassSupportVectorMachine",
        "Two-Class Support Vector Machine",
        "binary",
        {
          "Number of iterations": p.int("Number of iterations"),
          Lambda: p.float("Lambda"),
          "Normalize features": p.bool("Normalize features"),
          "Project to the unit-sphere": p.bool("Project to the unit-sphere"),
          "Random number seed": p.optionalInt("Random number seed") ?? 0,
          "Allow unknown categorical levels": p.bool("Allow unknown categorical levels"),
        },
        sweepValues(ctx, ["Number of iterations", "Lambda"]),
      ),
    ];
  },
};

const LBFGS = [
  TRAINER_MODES,
  { name: "Optimization tolerance", type: "Float", default: "1E-07", min: 0, minExclusive: true },
  { name: "L1 regularization weight", type: "Float", default: "1", min: 0 },
  { name: "L2 regularization weight", type: "Float", default: "1", min: 0 },
  { name: "Memory size for L-BFGS", type: "Integer", default: "20", min: 1 },
  RANDOM_NUMBER_SEED,
  ALLOW_UNKNOWN_LEVELS,
] as const;

function lbfgsParameters(ctx: Parameters<StudioModule["run"]>[1]) {
  const p = ctx.params;
  return {
    "Optimization tolerance": p.float("Optimization tolerance"),
    "L1 regularization weight": p.float("L1 regularization weight"),
    "L2 regularization weight": p.float("L2 regularization weight"),
    "Memory size for L-BFGS": p.int("Memory size for L-BFGS"),
    "Random number seed": p.optionalInt("Random number seed") ?? 0,
    "Allow unknown categorical levels": p.bool("Allow unknown categorical levels"),
  };
}

const LBFGS_SWEPT = [
  "Optimization tolerance",
  "L1 regularization weight",
  "L2 regularization weight",
  "Memory size for L-BFGS",
];

/** The Multiclass Logistic Regression module. */
export const multiclassLogisticRegression: StudioModule = {
  name: "Multiclass Logistic Regression",
  category: CLASSIFICATION,
  inputs: [],
  outputs: UNTRAINED,
  parameters: LBFGS,
  differences: [
    "Same conventions as Two-Class Logistic Regression: the loss is summed over rows, numeric features standardized, biases unpenalized.",
  ],
  run(_inputs, ctx) {
    return [
      untrainedLearner(
        "MulticlassLogisticRegression",
        "Multiclass Logistic Regression",
        "multiclass",
        lbfgsParameters(ctx),
        sweepValues(ctx, LBFGS_SWEPT),
      ),
    ];
  },
};

/** The Poisson Regression module. */
export const poissonRegression: StudioModule = {
  name: "Poisson Regression",
  category: REGRESSION,
  inputs: [],
  outputs: UNTRAINED,
  parameters: LBFGS,
  differences: [
    "The loss is the Poisson negative log-likelihood summed over rows, numeric features standardized; a negative label is Error 0083.",
  ],
  run(_inputs, ctx) {
    return [
      untrainedLearner(
        "PoissonRegression",
        "Poisson Regression",
        "regression",
        lbfgsParameters(ctx),
        sweepValues(ctx, LBFGS_SWEPT),
      ),
    ];
  },
};

/** The Boosted Decision Tree Regression module. */
export const boostedDecisionTreeRegression: StudioModule = {
  name: "Boosted Decision Tree Regression",
  category: REGRESSION,
  inputs: [],
  outputs: UNTRAINED,
  parameters: [
    TRAINER_MODES,
    { name: "Maximum number of leaves per tree", type: "Integer", default: "20", min: 1 },
    { name: "Minimum number of samples per leaf node", type: "Integer", default: "10", min: 1 },
    { name: "Learning rate", type: "Float", default: "0.2", min: 0, minExclusive: true, max: 1 },
    { name: "Total number of trees constructed", type: "Integer", default: "100", min: 1 },
    RANDOM_NUMBER_SEED,
    ALLOW_UNKNOWN_LEVELS,
  ],
  differences: [
    "Deterministic gradient boosting on the squared error (no row or feature sampling); the seed is only recorded.",
  ],
  run(_inputs, ctx) {
    const p = ctx.params;
    return [
      untrainedLearner(
        "BoostedDecisionTreeRegression",
        "Boosted Decision Tree Regression",
        "regression",
        {
          "Maximum number of leaves per tree": p.int("Maximum number of leaves per tree"),
          "Minimum number of samples per leaf node": p.int(
            "Minimum number of samples per leaf node",
          ),
          "Learning rate": p.float("Learning rate"),
          "Total number of trees constructed": p.int("Total number of trees constructed"),
          "Random number seed": p.optionalInt("Random number seed") ?? 0,
          "Allow unknown categorical levels": p.bool("Allow unknown categorical levels"),
        },
        sweepValues(ctx, [
          "Maximum number of leaves per tree",
          "Minimum number of samples per leaf node",
          "Learning rate",
          "Total number of trees constructed",
        ]),
      ),
    ];
  },
};

/** The K-Means Clustering module. */
export const kMeansClustering: StudioModule = {
  name: "K-Means Clustering",
  category: "Machine Learning / Initialize Model / Clustering",
  inputs: [],
  outputs: UNTRAINED,
  parameters: [
    TRAINER_MODES,
    { name: "Number of Centroids", type: "Integer", default: "2", min: 2 },
    {
      name: "Initialization",
      type: "Enum",
      default: "K-Means++",
      values: ["First N", "Random", "K-Means++", "K-Means++Fast", "Evenly", "Use label column"],
      enumName: "Centroid initialization method",
      aliases: { KMeansPlusPlus: "K-Means++", Default: "K-Means++" },
    },
    RANDOM_NUMBER_SEED,
    {
      name: "Metric",
      type: "Enum",
      default: "Euclidean",
      values: ["Euclidean", "Cosine"],
      enumName: "Metric",
    },
    { name: "Iterations", type: "Integer", default: "100", min: 1 },
    {
      name: "Assign Label Mode",
      type: "Enum",
      default: "Ignore label column",
      values: ["Ignore label column", "Fill missing values", "Overwrite from closest to center"],
      enumName: "Assign label mode",
    },
    ALLOW_UNKNOWN_LEVELS,
  ],
  differences: [
    "K-Means++Fast runs as K-Means++; Evenly and Use label column initializations are Error 0039; the label column is always ignored (Assign Label Mode is recorded only). Features are used as they are (no normalization), categorical ones one-hot.",
  ],
  run(_inputs, ctx) {
    const p = ctx.params;
    const init = p.enumValue("Initialization");
    return [
      untrainedLearner(
        "KMeansClustering",
        "K-Means Clustering",
        "clustering",
        {
          "Number of Centroids": p.int("Number of Centroids"),
          Initialization: init === "K-Means++Fast" ? "K-Means++" : init,
          "Random number seed": p.optionalInt("Random number seed") ?? 0,
          Metric: p.enumValue("Metric"),
          Iterations: p.int("Iterations"),
          "Assign Label Mode": p.enumValue("Assign Label Mode"),
          "Allow unknown categorical levels": p.bool("Allow unknown categorical levels"),
        },
        sweepValues(ctx, ["Number of Centroids", "Iterations"]),
      ),
    ];
  },
};
