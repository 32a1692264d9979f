/**
 * The two margin classifiers: Two-Class Averaged Perceptron (perceptron updates on misclassified
 * rows, weights averaged over every step) and Two-Class Support Vector Machine (Pegasos: SGD on
 * the hinge loss with step 1/(λt), the bias as a constant feature, the iterates averaged). Both see standardized
 * numeric features and one-hot categorical ones, visit rows in a seeded shuffle each pass, and
 * turn margins into probabilities with Platt scaling fitted on the training margins.
 */
import { Rng } from "../rng";
import type { EncodedFeatures } from "./features";
import type { LearnerSpec, TrainedModel } from "./model";
import { minimizeOwlqn } from "./owlqn";
import {
  linearMargins,
  prepareBinary,
  sigmoid,
  trainedModel,
  type LearnerImplementation,
  type TrainingSet,
} from "./training";

/**
 * Writes one encoded row into a dense vector (numeric slots, 1 at each categorical level's slot).
 *
 * @param enc - encoded rows
 * @param i - the row
 * @param out - a vector of `enc.slotCount` entries, overwritten
 */
export function denseRow(enc: EncodedFeatures, i: number, out: Float64Array): void {
  out.fill(0);
  for (const { slot, values } of enc.numeric) out[slot] = values[i];
  for (const { slot, codes } of enc.categorical) {
    const c = codes[i];
    if (c >= 0) out[slot + c] = 1;
  }
}

/**
 * Platt scaling: the (a, b) minimizing the log loss of σ(a·margin + b) against 0/1 targets.
 *
 * @param margins - training margins
 * @param y - 0/1 targets
 */
export function plattScaling(margins: Float64Array, y: Float64Array): { a: number; b: number } {
  const result = minimizeOwlqn(
    (x, grad) => {
      let loss = 0;
      let ga = 0;
      let gb = 0;
      for (let i = 0; i < margins.length; i++) {
        const z = x[0] * margins[i] + x[1];
        const e = Math.exp(-Math.abs(z));
        loss += (z > 0 ? z : 0) + Math.log1p(e) - y[i] * z;
        const r = sigmoid(z) - y[i];
        ga += r * margins[i];
        gb += r;
      }
      grad[0] = ga;
      grad[1] = gb;
      return loss;
    },
    Float64Array.from([1, 0]),
    { l1: 0, penalized: new Uint8Array(2), memory: 5, tolerance: 1e-9, maxIterations: 200 },
  );
  return { a: result.x[0], b: result.x[1] };
}

function shuffled(n: number, rng: Rng): Uint32Array {
  return rng.shuffle(Uint32Array.from({ length: n }, (_, i) => i));
}

/**
 * Trains an averaged perceptron.
 *
 * @param spec - the untrained learner (parameters)
 * @param data - training rows
 */
export function trainAveragedPerceptron(spec: LearnerSpec, data: TrainingSet): TrainedModel {
  const p = spec.parameters;
  const { classes, specs, enc, y } = prepareBinary(spec, data, "standardize");
  const d = enc.slotCount;
  const rate = Number(p["Learning rate"]);
  const rng = new Rng(Number(p["Random number seed"] ?? 0));
  const w = new Float64Array(d);
  const u = new Float64Array(d);
  let b = 0;
  let ub = 0;
  let c = 1;
  const row = new Float64Array(d);
  const epochs = Number(p["Maximum number of iterations"]);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const i of shuffled(enc.rowCount, rng)) {
      denseRow(enc, i, row);
      let m = b;
      for (let j = 0; j < d; j++) m += w[j] * row[j];
      const sign = y[i] === 1 ? 1 : -1;
      if (sign * m <= 0) {
        for (let j = 0; j < d; j++) {
          const step = rate * sign * row[j];
          w[j] += step;
          u[j] += c * step;
        }
        b += rate * sign;
        ub += c * rate * sign;
      }
      c++;
    }
  }
  // Averaging without keeping every iterate: avg = w − u / c.
  const weights = Array.from(w, (v, j) => v - u[j] / c);
  const bias = b - ub / c;
  return finish(spec, data, { classes, specs, enc, y }, bias, weights, epochs);
}

/**
 * Trains a linear SVM with Pegasos.
 *
 * @param spec - the untrained learner (parameters)
 * @param data - training rows
 */
export function trainSvm(spec: LearnerSpec, data: TrainingSet): TrainedModel {
  const p = spec.parameters;
  const normalize = Boolean(p["Normalize features"]);
  const { classes, specs, enc, y } = prepareBinary(spec, data, normalize ? "standardize" : "none");
  const unitSphere = Boolean(p["Project to the unit-sphere"]);
  const d = enc.slotCount + 1; // the last slot is the constant 1 (the bias)
  const lambda = Number(p["Lambda"]);
  const rng = new Rng(Number(p["Random number seed"] ?? 0));
  const v = new Float64Array(d);
  // The average of every iterate (averaged SGD): steadier than the last one after few passes.
  const average = new Float64Array(d);
  let scale = 1;
  const row = new Float64Array(d);
  const features = row.subarray(0, d - 1);
  let t = 0;
  const epochs = Number(p["Number of iterations"]);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const i of shuffled(enc.rowCount, rng)) {
      denseRow(enc, i, features);
      row[d - 1] = 1;
      if (unitSphere) projectRow(row);
      t++;
      const eta = 1 / (lambda * t);
      let m = 0;
      for (let j = 0; j < d; j++) m += v[j] * row[j];
      m *= scale;
      const sign = y[i] === 1 ? 1 : -1;
      const shrink = 1 - eta * lambda;
      if (shrink <= 0) {
        v.fill(0);
        scale = 1;
      } else scale *= shrink;
      if (sign * m < 1) {
        const step = (eta * sign) / scale;
        for (let j = 0; j < d; j++) v[j] += step * row[j];
      }
      if (scale < 1e-9) {
        for (let j = 0; j < d; j++) v[j] *= scale;
        scale = 1;
      }
      for (let j = 0; j < d; j++) average[j] += (v[j] * scale - average[j]) / t;
    }
  }
  const weights = Array.from(average.subarray(0, d - 1));
  return finish(spec, data, { classes, specs, enc, y }, average[d - 1], weights, epochs);
}

/** Scales a row (features and the constant) to unit length. */
function projectRow(row: Float64Array): void {
  let norm = 0;
  for (const x of row) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let j = 0; j < row.length; j++) row[j] /= norm;
}

function finish(
  spec: LearnerSpec,
  data: TrainingSet,
  problem: Pick<ReturnType<typeof prepareBinary>, "classes" | "specs" | "enc" | "y">,
  bias: number,
  weights: number[],
  iterations: number,
): TrainedModel {
  const margins = modelMargins(spec, bias, weights, problem.enc);
  const calibration = plattScaling(margins, problem.y);
  return trainedModel(spec, data, {
    classes: problem.classes,
    features: problem.specs,
    iterations,
    objective: NaN,
    body: { kind: "linear", bias, weights, calibration },
  });
}

/** Margins of rows, with the SVM's unit-sphere projection when the model asks for it. */
function modelMargins(
  spec: Pick<LearnerSpec, "parameters">,
  bias: number,
  weights: ArrayLike<number>,
  enc: EncodedFeatures,
): Float64Array {
  if (!spec.parameters["Project to the unit-sphere"]) return linearMargins(bias, weights, enc);
  const d = enc.slotCount;
  const row = new Float64Array(d + 1);
  const out = new Float64Array(enc.rowCount);
  for (let i = 0; i < enc.rowCount; i++) {
    if (!enc.complete[i]) {
      out[i] = NaN;
      continue;
    }
    denseRow(enc, i, row.subarray(0, d));
    row[d] = 1;
    projectRow(row);
    let m = bias * row[d];
    for (let j = 0; j < d; j++) m += weights[j] * row[j];
    out[i] = m;
  }
  return out;
}

/** Probabilities of a calibrated margin classifier. */
function calibratedScores(model: TrainedModel, enc: EncodedFeatures): Float64Array {
  if (model.body.kind !== "linear" || !model.body.calibration)
    throw new Error("margin classifier without a calibrated linear body");
  const { a, b } = model.body.calibration;
  const margins = modelMargins(model, model.body.bias, model.body.weights, enc);
  for (let i = 0; i < margins.length; i++) {
    if (margins[i] === margins[i]) margins[i] = sigmoid(a * margins[i] + b);
  }
  return margins;
}

/** The Two-Class Averaged Perceptron learner. */
export const averagedPerceptronLearner: LearnerImplementation = {
  train: trainAveragedPerceptron,
  score: calibratedScores,
};

/** The Two-Class Support Vector Machine learner. */
export const svmLearner: LearnerImplementation = {
  train: trainSvm,
  score: calibratedScores,
};
