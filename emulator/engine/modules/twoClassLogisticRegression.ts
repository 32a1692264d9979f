/**
 * Two-Class Logistic Regression (`docs/modules.md`): outputs an untrained learner; Train Model
 * fits it (learners/logisticRegression.ts).
 */
import {
  ALLOW_UNKNOWN_LEVELS,
  RANDOM_NUMBER_SEED,
  TRAINER_MODES,
  untrainedLearner,
  type StudioModule,
} from "./types";

const NAME = "Two-Class Logistic Regression";

/** The Two-Class Logistic Regression module. */
export const twoClassLogisticRegression: StudioModule = {
  name: NAME,
  category: "Machine Learning / Initialize Model / Classification",
  differences: [
    "The loss is summed over rows (not averaged), numeric features are standardized and the bias is not penalized.",
  ],
  inputs: [],
  outputs: [{ name: "Untrained model", type: "ILearner", untrained: true }],
  parameters: [
    TRAINER_MODES,
    { name: "Optimization tolerance", type: "Float", default: "1E-07", min: 0, minExclusive: true },
    { name: "L1 regularization weight", type: "Float", default: "1", min: 0 },
    { name: "L2 regularization weight", type: "Float", default: "1", min: 0 },
    { name: "Memory size for L-BFGS", type: "Integer", default: "20", min: 1 },
    RANDOM_NUMBER_SEED,
    ALLOW_UNKNOWN_LEVELS,
  ],
  run(_inputs, ctx) {
    const p = ctx.params;
    p.enumValue("Create trainer mode");
    const allowUnknown = p.bool("Allow unknown categorical levels");
    return [
      untrainedLearner("TwoClassLogisticRegression", NAME, "binary", {
        "Optimization tolerance": p.float("Optimization tolerance"),
        "L1 regularization weight": p.float("L1 regularization weight"),
        "L2 regularization weight": p.float("L2 regularization weight"),
        "Memory size for L-BFGS": p.int("Memory size for L-BFGS"),
        // Blank seed = 0: runs stay reproducible (the optimizer draws nothing anyway).
        "Random number seed": p.optionalInt("Random number seed") ?? 0,
        "Allow unknown categorical levels": allowUnknown,
      }),
    ];
  },
};
