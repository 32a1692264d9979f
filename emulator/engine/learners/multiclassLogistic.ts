/**
 * Multiclass Logistic Regression: P(c | x) = softmax over classes of b_c + w_c·x, fitted by
 * minimizing `Σ −log P(y | x) + (L2/2)·‖W‖² + L1·‖W‖₁` with OWL-QN, the same conventions as the
 * two-class learner (summed loss, standardized numeric features, unpenalized biases).
 */
import type { EncodedFeatures } from "./features";
import { classIndices, multiclassLevels } from "./labels";
import type { LearnerSpec, TrainedModel } from "./model";
import { minimizeOwlqn } from "./owlqn";
import { argmax } from "./forest";
import {
  linearMargins,
  prepareFeatures,
  trainedModel,
  type LearnerImplementation,
  type TrainingSet,
} from "./training";

/** Upper bound on optimizer iterations (the tolerance test normally stops far earlier). */
const MAX_ITERATIONS = 1000;

/** Softmax of k margin arrays, in place (rows with a missing feature stay NaN). */
function softmax(margins: Float64Array[]): Float64Array[] {
  const n = margins[0]?.length ?? 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (const m of margins) if (m[i] > max) max = m[i];
    if (max !== max) continue;
    let sum = 0;
    for (const m of margins) {
      m[i] = Math.exp(m[i] - max);
      sum += m[i];
    }
    for (const m of margins) m[i] /= sum;
  }
  return margins;
}

/**
 * Trains a multiclass logistic regression.
 *
 * @param spec - the untrained learner (parameters)
 * @param data - training rows
 */
export function trainMulticlassLogistic(spec: LearnerSpec, data: TrainingSet): TrainedModel {
  const p = spec.parameters;
  const levels = multiclassLevels(data.label, data.rows, spec.moduleName);
  const { specs, enc } = prepareFeatures(spec, data, "standardize");
  const y = classIndices(data.label, data.rows, levels);
  const k = levels.length;
  const dim = enc.slotCount;
  const stride = dim + 1;
  const l2 = Number(p["L2 regularization weight"]);
  const x0 = new Float64Array(k * stride);
  const counts = new Float64Array(k);
  for (const c of y) counts[c]++;
  for (let c = 0; c < k; c++) x0[c * stride + dim] = Math.log(Math.max(counts[c], 1) / y.length);
  const penalized = new Uint8Array(k * stride).fill(1);
  for (let c = 0; c < k; c++) penalized[c * stride + dim] = 0;
  const n = enc.rowCount;
  const result = minimizeOwlqn(
    (x, grad) => {
      const probs = softmax(
        Array.from({ length: k }, (_, c) =>
          linearMargins(x[c * stride + dim], x.subarray(c * stride, c * stride + dim), enc),
        ),
      );
      let loss = 0;
      for (let i = 0; i < n; i++) loss -= Math.log(Math.max(probs[y[i]][i], 1e-300));
      grad.fill(0);
      for (let c = 0; c < k; c++) {
        const r = probs[c];
        for (let i = 0; i < n; i++) if (y[i] === c) r[i] -= 1;
        const base = c * stride;
        let bias = 0;
        for (let i = 0; i < n; i++) bias += r[i];
        grad[base + dim] = bias;
        for (const { slot, values } of enc.numeric) {
          let s = 0;
          for (let i = 0; i < n; i++) s += r[i] * values[i];
          grad[base + slot] = s;
        }
        for (const { slot, codes } of enc.categorical) {
          for (let i = 0; i < n; i++) if (codes[i] >= 0) grad[base + slot + codes[i]] += r[i];
        }
        for (let j = 0; j < dim; j++) {
          loss += 0.5 * l2 * x[base + j] * x[base + j];
          grad[base + j] += l2 * x[base + j];
        }
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
    levels,
    features: specs,
    iterations: result.iterations,
    objective: result.value,
    body: {
      kind: "multiclassLinear",
      biases: Array.from({ length: k }, (_, c) => result.x[c * stride + dim]),
      weights: Array.from({ length: k }, (_, c) =>
        Array.from(result.x.subarray(c * stride, c * stride + dim)),
      ),
    },
  });
}

/**
 * Class probabilities of a multiclass linear model.
 *
 * @param model - the model
 * @param enc - encoded rows
 */
export function multiclassProbabilities(model: TrainedModel, enc: EncodedFeatures): Float64Array[] {
  if (model.body.kind !== "multiclassLinear") throw new Error("not a multiclass linear model");
  const { biases, weights } = model.body;
  return softmax(biases.map((b, c) => linearMargins(b, weights[c], enc)));
}

/** The Multiclass Logistic Regression learner. */
export const multiclassLogisticLearner: LearnerImplementation = {
  train: trainMulticlassLogistic,
  score: (model, enc) => argmax(multiclassProbabilities(model, enc)),
  scoreClasses: multiclassProbabilities,
};
