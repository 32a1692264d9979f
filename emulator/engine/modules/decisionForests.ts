/**
 * Two-Class Decision Forest, Multiclass Decision Forest and Decision Forest Regression: the same
 * parameters, one learner (`learners/forest.ts`) for the three tasks.
 */
import type { LearnerKind, LearnerTask } from "../learners/model";
import type { ParameterDefinition } from "../parameters";
import {
  RANDOM_NUMBER_SEED,
  TRAINER_MODES,
  sweepValues,
  untrainedLearner,
  type StudioModule,
} from "./types";

const SWEPT = [
  "Number of decision trees",
  "Maximum depth of the decision trees",
  "Number of random splits per node",
  "Minimum number of samples per leaf node",
];

const PARAMETERS: readonly ParameterDefinition[] = [
  TRAINER_MODES,
  {
    name: "Resampling method",
    type: "Enum",
    default: "Bagging",
    values: ["Bagging", "Replicate"],
    enumName: "ResamplingMethod",
  },
  { name: "Number of decision trees", type: "Integer", default: "8", min: 1 },
  { name: "Maximum depth of the decision trees", type: "Integer", default: "32", min: 1 },
  { name: "Number of random splits per node", type: "Integer", default: "128", min: 1 },
  { name: "Minimum number of samples per leaf node", type: "Integer", default: "1", min: 1 },
  RANDOM_NUMBER_SEED,
  {
    name: "Allow unknown values for categorical features",
    type: "Boolean",
    default: "True",
    keys: ["Allow unknown categorical levels"],
  },
];

function forestModule(
  name: string,
  learner: LearnerKind,
  task: LearnerTask,
  category: string,
): StudioModule {
  return {
    name,
    category,
    inputs: [],
    outputs: [{ name: "Untrained model", type: "ILearner", untrained: true }],
    parameters: PARAMETERS,
    differences: [
      "Each split is the best of \"Number of random splits per node\" random (feature, threshold) candidates on binned values (≤ 255 quantile bins per feature); a blank seed is 0. Scores are the trees' mean class frequencies (or mean label); Studio's Scored Label Standard Deviation is not produced.",
    ],
    run(_inputs, ctx) {
      const p = ctx.params;
      return [
        untrainedLearner(
          learner,
          name,
          task,
          {
            "Resampling method": p.enumValue("Resampling method"),
            "Number of decision trees": p.int("Number of decision trees"),
            "Maximum depth of the decision trees": p.int("Maximum depth of the decision trees"),
            "Number of random splits per node": p.int("Number of random splits per node"),
            "Minimum number of samples per leaf node": p.int(
              "Minimum number of samples per leaf node",
            ),
            "Random number seed": p.optionalInt("Random number seed") ?? 0,
            "Allow unknown categorical levels": p.bool(
              "Allow unknown values for categorical features",
            ),
          },
          sweepValues(ctx, SWEPT),
        ),
      ];
    },
  };
}

/** The Two-Class Decision Forest module. */
export const twoClassDecisionForest = forestModule(
  "Two-Class Decision Forest",
  "TwoClassDecisionForest",
  "binary",
  "Machine Learning / Initialize Model / Classification",
);
/** The Multiclass Decision Forest module. */
export const multiclassDecisionForest = forestModule(
  "Multiclass Decision Forest",
  "MulticlassDecisionForest",
  "multiclass",
  "Machine Learning / Initialize Model / Classification",
);
/** The Decision Forest Regression module. */
export const decisionForestRegression = forestModule(
  "Decision Forest Regression",
  "DecisionForestRegression",
  "regression",
  "Machine Learning / Initialize Model / Regression",
);
