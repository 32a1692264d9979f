/**
 * Linear Regression (`docs/modules.md`): outputs an untrained learner; Train Model fits it
 * (learners/linearRegression.ts). With "Parameter Range" values, Train Model uses the minimum of
 * each list, as this module's page says (the classifiers use the first value).
 */
import {
  ALLOW_UNKNOWN_LEVELS,
  RANDOM_NUMBER_SEED,
  TRAINER_MODES,
  untrainedLearner,
  type StudioModule,
} from "./types";

const NAME = "Linear Regression";

/** The Linear Regression module. */
export const linearRegression: StudioModule = {
  name: NAME,
  category: "Machine Learning / Initialize Model / Regression",
  differences: [
    "Ordinary least squares solves the ridge normal equations on standardized features; in Parameter Range mode Train Model takes the smallest value of each list.",
  ],
  inputs: [],
  outputs: [{ name: "Untrained model", type: "ILearner", untrained: true }],
  parameters: [
    {
      name: "Solution method",
      type: "Enum",
      default: "Ordinary Least Squares",
      values: ["Ordinary Least Squares", "Online Gradient Descent"],
      enumName: "Solution method",
      aliases: { OLS: "Ordinary Least Squares", OGD: "Online Gradient Descent" },
    },
    { name: "L2 regularization weight", type: "Float", default: "0.001", min: 0 },
    { name: "Include intercept term", type: "Boolean", default: "True" },
    TRAINER_MODES,
    { name: "Learning rate", type: "Float", default: "0.1", min: 0, minExclusive: true },
    { name: "Number of training epochs", type: "Integer", default: "10", min: 0 },
    { name: "Normalize features", type: "Boolean", default: "True" },
    { name: "Average final hypothesis", type: "Boolean", default: "True" },
    { name: "Decrease learning rate", type: "Boolean", default: "True" },
    RANDOM_NUMBER_SEED,
    ALLOW_UNKNOWN_LEVELS,
  ],
  run(_inputs, ctx) {
    const p = ctx.params;
    const method = p.enumValue("Solution method");
    const common = {
      "Solution method": method,
      "L2 regularization weight": p.float("L2 regularization weight", "min"),
      "Random number seed": p.optionalInt("Random number seed") ?? 0,
      "Allow unknown categorical levels": p.bool("Allow unknown categorical levels"),
    };
    const parameters =
      method === "Ordinary Least Squares"
        ? { ...common, "Include intercept term": p.bool("Include intercept term") }
        : {
            ...common,
            "Learning rate": p.float("Learning rate", "min"),
            "Number of training epochs": p.int("Number of training epochs", "min"),
            "Normalize features": p.bool("Normalize features"),
            "Average final hypothesis": p.bool("Average final hypothesis"),
            "Decrease learning rate": p.bool("Decrease learning rate"),
          };
    return [untrainedLearner("LinearRegression", NAME, "regression", parameters)];
  },
};
