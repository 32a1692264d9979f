/**
 * Two-Class Logistic Regression: P(positive | x) = σ(b + w·x), fitted by minimizing
 * `Σ log-loss + (L2/2)·‖w‖² + L1·‖w‖₁` with OWL-QN (`docs/modules.md`).
 *
 * Conventions (docs/designs/2026-11-engine.md): the loss is summed, not averaged, over rows, so
 * Studio's default weights (1, 1) are mild on large data; numeric features are standardized
 * (stored in the model, replayed at scoring); categorical features are one-hot; the bias is not
 * penalized. Performance: the data stays columnar (Float64Array per feature) and each objective
 * evaluation is one fused pass over row blocks, so a block's margins and residuals stay in cache.
 */
import type { EncodedFeatures } from "./features";
import type { LearnerSpec, TrainedModel } from "./model";
import { minimizeOwlqn } from "./owlqn";
import {
  linearMargins,
  prepareBinary,
  toProbabilities,
  trainedModel,
  type LearnerImplementation,
  type TrainingSet,
} from "./training";

/** Rows per block of the fused objective pass (margins + residuals fit in L1/L2 cache). */
const BLOCK = 2048;

/** Upper bound on optimizer iterations (the tolerance test normally stops far earlier). */
const MAX_ITERATIONS = 1000;

/**
 * Trains a logistic regression.
 *
 * @param spec - the untrained learner (parameters)
 * @param data - training rows
 */
export function trainLogisticRegression(spec: LearnerSpec, data: TrainingSet): TrainedModel {
  const p = spec.parameters;
  const l1 = Number(p["L1 regularization weight"]);
  const l2 = Number(p["L2 regularization weight"]);
  const { classes, specs, enc, y, baseLogOdds } = prepareBinary(spec, data, "standardize");
  const dim = enc.slotCount;

  const x0 = new Float64Array(dim + 1);
  // Starting from the base rate's log-odds saves the first few iterations.
  x0[dim] = baseLogOdds;
  const penalized = new Uint8Array(dim + 1).fill(1);
  penalized[dim] = 0;

  const result = minimizeOwlqn(logLossObjective(enc, y, l2), x0, {
    l1,
    penalized,
    memory: Number(p["Memory size for L-BFGS"]),
    tolerance: Number(p["Optimization tolerance"]),
    maxIterations: MAX_ITERATIONS,
  });
  return trainedModel(spec, data, {
    classes,
    features: specs,
    iterations: result.iterations,
    objective: result.value,
    body: { kind: "linear", bias: result.x[dim], weights: Array.from(result.x.subarray(0, dim)) },
  });
}

/**
 * The smooth objective `Σ log(1 + e^m) - y·m + (l2/2)·‖w‖²` and its gradient, with the bias as
 * the last coordinate.
 */
function logLossObjective(enc: EncodedFeatures, y: Float64Array, l2: number) {
  const n = enc.rowCount;
  const dim = enc.slotCount;
  const margin = new Float64Array(BLOCK);
  const resid = new Float64Array(BLOCK);
  const num = enc.numeric;
  const quads = num.length - (num.length % 4);
  return (x: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    const bias = x[dim];
    let loss = 0;
    let biasGrad = 0;
    for (let b0 = 0; b0 < n; b0 += BLOCK) {
      const b1 = Math.min(n, b0 + BLOCK);
      const len = b1 - b0;
      margin.fill(bias, 0, len);
      // Numeric features four at a time: one load/store of the margin per four features.
      for (let j = 0; j < quads; j += 4) {
        const w0 = x[num[j].slot];
        const w1 = x[num[j + 1].slot];
        const w2 = x[num[j + 2].slot];
        const w3 = x[num[j + 3].slot];
        const v0 = num[j].values;
        const v1 = num[j + 1].values;
        const v2 = num[j + 2].values;
        const v3 = num[j + 3].values;
        for (let i = 0, k = b0; i < len; i++, k++) {
          margin[i] += w0 * v0[k] + w1 * v1[k] + w2 * v2[k] + w3 * v3[k];
        }
      }
      for (let j = quads; j < num.length; j++) {
        const w = x[num[j].slot];
        const v = num[j].values;
        if (w === 0) continue;
        for (let i = 0, k = b0; i < len; i++, k++) margin[i] += w * v[k];
      }
      for (const { slot, codes } of enc.categorical) {
        for (let i = 0; i < len; i++) {
          const c = codes[b0 + i];
          if (c >= 0) margin[i] += x[slot + c];
        }
      }
      for (let i = 0; i < len; i++) {
        const m = margin[i];
        const yi = y[b0 + i];
        // One exp per row: e = exp(-|m|) gives both the softplus and the sigmoid.
        const e = Math.exp(m >= 0 ? -m : m);
        const softplus = (m > 0 ? m : 0) + Math.log1p(e);
        const prob = m >= 0 ? 1 / (1 + e) : e / (1 + e);
        loss += softplus - yi * m;
        const r = prob - yi;
        resid[i] = r;
        biasGrad += r;
      }
      // Four dot products per pass share the residual loads and run as independent chains.
      for (let j = 0; j < quads; j += 4) {
        const v0 = num[j].values;
        const v1 = num[j + 1].values;
        const v2 = num[j + 2].values;
        const v3 = num[j + 3].values;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let i = 0, k = b0; i < len; i++, k++) {
          const r = resid[i];
          s0 += r * v0[k];
          s1 += r * v1[k];
          s2 += r * v2[k];
          s3 += r * v3[k];
        }
        grad[num[j].slot] += s0;
        grad[num[j + 1].slot] += s1;
        grad[num[j + 2].slot] += s2;
        grad[num[j + 3].slot] += s3;
      }
      for (let j = quads; j < num.length; j++) {
        const v = num[j].values;
        let s0 = 0;
        for (let i = 0, k = b0; i < len; i++, k++) s0 += resid[i] * v[k];
        grad[num[j].slot] += s0;
      }
      for (const { slot, codes } of enc.categorical) {
        for (let i = 0; i < len; i++) {
          const c = codes[b0 + i];
          if (c >= 0) grad[slot + c] += resid[i];
        }
      }
    }
    grad[dim] = biasGrad;
    let penalty = 0;
    for (let j = 0; j < dim; j++) {
      penalty += x[j] * x[j];
      grad[j] += l2 * x[j];
    }
    return loss + 0.5 * l2 * penalty;
  };
}

/** The Two-Class Logistic Regression learner. */
export const logisticRegressionLearner: LearnerImplementation = {
  train: trainLogisticRegression,
  score(model, features) {
    if (model.body.kind !== "linear")
      throw new Error("logistic regression model without a linear body");
    return toProbabilities(linearMargins(model.body.bias, model.body.weights, features));
  },
};
