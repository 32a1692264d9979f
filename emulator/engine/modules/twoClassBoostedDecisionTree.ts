/**
 * Two-Class Boosted Decision Tree (`docs/modules.md`): outputs an untrained learner; Train
 * Model fits it (learners/boostedTrees.ts).
 */
import {
  ALLOW_UNKNOWN_LEVELS,
  RANDOM_NUMBER_SEED,
  TRAINER_MODES,
  untrainedLearner,
  type StudioModule,
} from "./types";

const NAME = "Two-Class Boosted Decision Tree";

/** The Two-Class Boosted Decision Tree module. */
export const twoClassBoostedDecisionTree: StudioModule = {
  name: NAME,
  category: "Machine Learning / Initialize Model / Classification",
  differences: [
    "Deterministic gradient boosting (no row or feature sampling); numeric features in at most 255 quantile bins; the seed is only recorded.",
  ],
  inputs: [],
  outputs: [{ name: "Untrained model", type: "ILearner", untrained: true }],
  parameters: [
    TRAINER_MODES,
    { name: "Maximum number of leaves per tree", type: "Integer", default: "20", min: 1 },
    // The parameter table says 10, the step text 1; the table wins (design note, gap 3).
    { name: "Minimum number of samples per leaf node", type: "Integer", default: "10", min: 1 },
    { name: "Learning rate", type: "Float", default: "0.2", min: 0, minExclusive: true, max: 1 },
    { name: "Number of trees constructed", type: "Integer", default: "100", min: 1 },
    RANDOM_NUMBER_SEED,
    ALLOW_UNKNOWN_LEVELS,
  ],
  run(_inputs, ctx) {
    const p = ctx.params;
    p.enumValue("Create trainer mode");
    const allowUnknown = p.bool("Allow unknown categorical levels");
    return [
      untrainedLearner("TwoClassBoostedDecisionTree", NAME, "binary", {
        "Maximum number of leaves per tree": p.int("Maximum number of leaves per tree"),
        "Minimum number of samples per leaf node": p.int("Minimum number of samples per leaf node"),
        "Learning rate": p.float("Learning rate"),
        "Number of trees constructed": p.int("Number of trees constructed"),
        "Random number seed": p.optionalInt("Random number seed") ?? 0,
        "Allow unknown categorical levels": allowUnknown,
      }),
    ];
  },
};
