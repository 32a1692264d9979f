/**
 * Linear Regression (`docs/modules.md`).
 *
 * Ordinary Least Squares: solves the ridge normal equations `(XᵀX + λ·I) w = Xᵀy` by Cholesky,
 * with an unpenalized intercept. Numeric features are standardized first (stored in the model)
 * so λ means the same whatever the units; with no intercept they are only scaled, not centred.
 *
 * Online Gradient Descent: plain SGD on the squared loss plus `(λ/2)‖w‖²`, features rescaled to
 * [0, 1] when "Normalize features" is on, rows shuffled each epoch with the seed, step
 * `η/√t` when "Decrease learning rate" is on, and the average of the iterates when "Average
 * final hypothesis" is on.
 */
import { isNumericType } from "../dataTable";
import { engineErrors } from "../errors";
import { Rng } from "../rng";
import { buildFeatureSpecs, encodeFeatures, slotWidth, type EncodedFeatures } from "./features";
import type { LearnerSpec, TrainedModel } from "./model";
import {
  linearMargins,
  trainedModel,
  trainingRows,
  type LearnerImplementation,
  type TrainingSet,
} from "./training";

/** Rows per block when accumulating XᵀX. */
const BLOCK = 1024;

/**
 * Trains a linear regression. Error 0023 when the label is not numeric (Int64 or Double).
 *
 * @param spec - the untrained learner (parameters)
 * @param data - training rows
 */
export function trainLinearRegression(spec: LearnerSpec, data: TrainingSet): TrainedModel {
  const p = spec.parameters;
  const method = String(p["Solution method"]);
  const label = data.label;
  if (!isNumericType(label.type)) throw engineErrors.module("0023", label.name, spec.moduleName);
  const ols = method === "Ordinary Least Squares";
  const intercept = ols ? Boolean(p["Include intercept term"]) : true;
  const normalize = ols ? true : Boolean(p["Normalize features"]);
  const specs = buildFeatureSpecs(data.table, data.featureIndices, trainingRows(data), {
    allowUnknownLevels: spec.allowUnknownLevels,
    numericTransform: ols ? (intercept ? "standardize" : "scale") : normalize ? "minmax" : "none",
  });
  const enc = encodeFeatures(data.table, specs, trainingRows(data), "Dataset");
  const y = new Float64Array(data.rows.length);
  const src = label.values as Float64Array;
  for (let k = 0; k < y.length; k++) y[k] = src[data.rows[k]];
  const l2 = Number(p["L2 regularization weight"]);
  const fit = ols
    ? solveOls(enc, y, l2, intercept)
    : runOgd(enc, y, {
        l2,
        learningRate: Number(p["Learning rate"]),
        epochs: Number(p["Number of training epochs"]),
        average: Boolean(p["Average final hypothesis"]),
        decrease: Boolean(p["Decrease learning rate"]),
        seed: Number(p["Random number seed"] ?? 0),
      });
  const margins = linearMargins(fit.bias, fit.weights, enc);
  let sse = 0;
  for (let i = 0; i < y.length; i++) sse += (y[i] - margins[i]) ** 2;
  return trainedModel(spec, data, {
    features: specs,
    iterations: fit.iterations,
    objective: sse,
    body: { kind: "linear", bias: fit.bias, weights: Array.from(fit.weights) },
  });
}

interface LinearFit {
  bias: number;
  weights: Float64Array;
  iterations: number;
}

/** Dense design row of row `i`: slots, then the intercept column. */
function fillRow(enc: EncodedFeatures, i: number, row: Float64Array, intercept: boolean): void {
  row.fill(0);
  for (const { slot, values } of enc.numeric) row[slot] = values[i];
  for (const { slot, codes } of enc.categorical) if (codes[i] >= 0) row[slot + codes[i]] = 1;
  if (intercept) row[enc.slotCount] = 1;
}

/** Ridge normal equations by Cholesky. */
function solveOls(
  enc: EncodedFeatures,
  y: Float64Array,
  l2: number,
  intercept: boolean,
): LinearFit {
  const d = enc.slotCount + (intercept ? 1 : 0);
  const n = enc.rowCount;
  const xtx = new Float64Array(d * d);
  const xty = new Float64Array(d);
  const block = new Float64Array(BLOCK * d);
  const row = new Float64Array(d);
  for (let b0 = 0; b0 < n; b0 += BLOCK) {
    const len = Math.min(BLOCK, n - b0);
    for (let i = 0; i < len; i++) {
      fillRow(enc, b0 + i, row, intercept);
      block.set(row, i * d);
    }
    // Upper triangle of XᵀX for this block; rows of the block are contiguous in memory.
    for (let a = 0; a < d; a++) {
      for (let c = a; c < d; c++) {
        let s = 0;
        for (let i = 0; i < len; i++) s += block[i * d + a] * block[i * d + c];
        xtx[a * d + c] += s;
      }
      let t = 0;
      for (let i = 0; i < len; i++) t += block[i * d + a] * y[b0 + i];
      xty[a] += t;
    }
  }
  for (let a = 0; a < d; a++) for (let c = 0; c < a; c++) xtx[a * d + c] = xtx[c * d + a];
  const penalizedCount = enc.slotCount;
  let solution = choleskySolve(xtx, xty, d, penalizedCount, l2);
  if (!solution) {
    // Collinear columns with no ridge (λ = 0): a tiny ridge picks the minimum-norm-like solution.
    let trace = 0;
    for (let a = 0; a < d; a++) trace += xtx[a * d + a];
    solution = choleskySolve(xtx, xty, d, penalizedCount, (1e-10 * trace) / d);
  }
  if (!solution) throw engineErrors.module("0039", "the least-squares system is singular");
  return {
    bias: intercept ? solution[d - 1] : 0,
    weights: solution.subarray(0, enc.slotCount),
    iterations: 1,
  };
}

/** Solves (A + λ·I_penalized) x = b; undefined when not positive definite. */
function choleskySolve(
  a: Float64Array,
  b: Float64Array,
  d: number,
  penalized: number,
  lambda: number,
): Float64Array | undefined {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j] + (i === j && i < penalized ? lambda : 0);
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > 1e-12 * Math.max(1, Math.abs(a[i * d + i])))) return undefined;
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / l[j * d + j];
    }
  }
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * z[k];
    z[i] = s / l[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * x[k];
    x[i] = s / l[i * d + i];
  }
  return x;
}

/** Stochastic gradient descent on the squared loss. */
function runOgd(
  enc: EncodedFeatures,
  y: Float64Array,
  o: {
    l2: number;
    learningRate: number;
    epochs: number;
    average: boolean;
    decrease: boolean;
    seed: number;
  },
): LinearFit {
  const d = enc.slotCount + 1;
  const n = enc.rowCount;
  const w = new Float64Array(d);
  const avg = new Float64Array(d);
  const row = new Float64Array(d);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = new Rng(o.seed);
  let t = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    rng.shuffle(order);
    for (let k = 0; k < n; k++) {
      const i = order[k];
      fillRow(enc, i, row, true);
      let pred = 0;
      for (let j = 0; j < d; j++) pred += w[j] * row[j];
      t++;
      const eta = o.decrease ? o.learningRate / Math.sqrt(t) : o.learningRate;
      const err = pred - y[i];
      for (let j = 0; j < d; j++) {
        const reg = j < d - 1 ? o.l2 * w[j] : 0;
        w[j] -= eta * (err * row[j] + reg);
      }
      if (o.average) for (let j = 0; j < d; j++) avg[j] += (w[j] - avg[j]) / t;
    }
  }
  const final = o.average && t > 0 ? avg : w;
  return { bias: final[d - 1], weights: final.subarray(0, d - 1), iterations: o.epochs };
}

/** The Linear Regression learner. */
export const linearRegressionLearner: LearnerImplementation = {
  train: trainLinearRegression,
  score(model, features) {
    if (model.body.kind !== "linear")
      throw new Error("linear regression model without a linear body");
    return linearMargins(model.body.bias, model.body.weights, features);
  },
};

/**
 * The model's coefficients in the units of the original columns: `intercept + Σ coef·x` for
 * numeric features, plus one coefficient per categorical level (for inspection and tests).
 *
 * @param model - a trained linear model (logistic or linear regression)
 */
export function rawCoefficients(model: TrainedModel): {
  intercept: number;
  numeric: Record<string, number>;
  levels: Record<string, Record<string, number>>;
} {
  if (model.body.kind !== "linear") throw new Error("not a linear model");
  const { weights } = model.body;
  let intercept = model.body.bias;
  const numeric: Record<string, number> = {};
  const levels: Record<string, Record<string, number>> = {};
  let slot = 0;
  for (const f of model.features) {
    if (f.kind === "numeric") {
      const coef = weights[slot] / f.scale;
      numeric[f.name] = coef;
      intercept -= coef * f.shift;
    } else {
      const byLevel: Record<string, number> = {};
      f.levels.forEach((l, i) => (byLevel[l] = weights[slot + i]));
      levels[f.name] = byLevel;
    }
    slot += slotWidth(f);
  }
  return { intercept, numeric, levels };
}
