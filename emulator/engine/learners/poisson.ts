/**
 * Poisson Regression: E[y | x] = exp(b + w·x), fitted by minimizing the Poisson deviance's
 * data term `Σ exp(η) − y·η` plus `(L2/2)·‖w‖² + L1·‖w‖₁` with OWL-QN (standardized numeric
 * features, unpenalized bias started at ln mean(y)). Labels must be counts: Error 0083 for a
 * negative label.
 */
import { engineErrors } from "../errors";
import type { LearnerSpec, TrainedModel } from "./model";
import { minimizeOwlqn } from "./owlqn";
import {
  linearMargins,
  prepareFeatures,
  regressionTargets,
  trainedModel,
  type LearnerImplementation,
  type TrainingSet,
} from "./training";

/** Largest linear predictor passed to exp (keeps the objective finite). */
const MAX_ETA = 700;
const MAX_ITERATIONS = 1000;

/**
 * Trains a Poisson regression.
 *
 * @param spec - the untrained learner (parameters)
 * @param data - training rows
 */
export function trainPoisson(spec: LearnerSpec, data: TrainingSet): TrainedModel {
  const p = spec.parameters;
  const y = regressionTargets(spec, data);
  if (y.some((v) => v < 0)) {
    throw engineErrors.module(
      "0083",
      "Dataset",
      `${spec.moduleName} (the label column "${data.label.name}" has negative values; Poisson regression predicts counts)`,
    );
  }
  const { specs, enc } = prepareFeatures(spec, data, "standardize");
  const dim = enc.slotCount;
  const n = y.length;
  const l2 = Number(p["L2 regularization weight"]);
  let mean = 0;
  for (const v of y) mean += v;
  mean /= n;
  const x0 = new Float64Array(dim + 1);
  x0[dim] = Math.log(Math.max(mean, 1e-9));
  const penalized = new Uint8Array(dim + 1).fill(1);
  penalized[dim] = 0;
  const result = minimizeOwlqn(
    (x, grad) => {
      const eta = linearMargins(x[dim], x.subarray(0, dim), enc);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const e = Math.min(eta[i], MAX_ETA);
        const mu = Math.exp(e);
        loss += mu - y[i] * e;
        eta[i] = mu - y[i];
      }
      grad.fill(0);
      let bias = 0;
      for (let i = 0; i < n; i++) bias += eta[i];
      grad[dim] = bias;
      for (const { slot, values } of enc.numeric) {
        let s = 0;
        for (let i = 0; i < n; i++) s += eta[i] * values[i];
        grad[slot] = s;
      }
      for (const { slot, codes } of enc.categorical) {
        for (let i = 0; i < n; i++) if (codes[i] >= 0) grad[slot + codes[i]] += eta[i];
      }
      for (let j = 0; j < dim; j++) {
        loss += 0.5 * l2 * x[j] * x[j];
        grad[j] += l2 * x[j];
      }
      return loss;
    },
    x0,
    {
      l1: Number(p["L1 regularization weight"]),
      penalized,
      memory: Number(p["Memory size for L-BFGS"]),
      tolerance: Number(p["Optimization tolerance"]),
      maxIterations: MAX_ITERATIONS,
    },
  );
  return trainedModel(spec, data, {
    features: specs,
    iterations: result.iterations,
    objective: result.value,
    body: { kind: "linear", bias: result.x[dim], weights: Array.from(result.x.subarray(0, dim)) },
  });
}

/** The Poisson Regression learner: the predicted mean count. */
export const poissonLearner: LearnerImplementation = {
  train: trainPoisson,
  score(model, enc) {
    if (model.body.kind !== "linear") throw new Error("Poisson model without a linear body");
    const eta = linearMargins(model.body.bias, model.body.weights, enc);
    for (let i = 0; i < eta.length; i++) eta[i] = Math.exp(Math.min(eta[i], MAX_ETA));
    return eta;
  },
};
