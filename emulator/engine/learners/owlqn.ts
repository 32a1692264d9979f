/**
 * L-BFGS with Andrew & Gao's orthant-wise extension (OWL-QN) for an L1 penalty: the optimizer
 * Studio's Two-Class Logistic Regression documents (`docs/modules.md`).
 *
 * Minimizes `f(x) + l1 · Σ_{i penalized} |x_i|` where `f` is smooth (loss + L2 term) and supplied
 * with its gradient. With `l1 = 0` it is plain L-BFGS.
 *
 * Reference: G. Andrew, J. Gao, "Scalable training of L1-regularized log-linear models",
 * ICML 2007.
 */

/** Options of {@link minimizeOwlqn}. */
export interface OwlqnOptions {
  /** L1 weight (0 = none). */
  l1: number;
  /** 1 for coordinates the L1 term applies to (the bias is not penalized). */
  penalized: Uint8Array;
  /** Number of (s, y) pairs kept ("Memory size for L-BFGS"). */
  memory: number;
  /**
   * Stop when the mean relative improvement of the objective over the last 5 iterations falls
   * below this ("Optimization tolerance"; the same test as TLC/ML.NET's L-BFGS).
   */
  tolerance: number;
  /** Hard cap on iterations. */
  maxIterations: number;
}

/** Result of {@link minimizeOwlqn}. */
export interface OwlqnResult {
  x: Float64Array;
  value: number;
  iterations: number;
}

/**
 * Smooth objective: writes the gradient into `grad` and returns the value.
 */
export type SmoothObjective = (x: Float64Array, grad: Float64Array) => number;

/** Iterations averaged by the relative-improvement stopping test. */
const IMPROVEMENT_WINDOW = 5;

/**
 * Runs OWL-QN from `x0`.
 *
 * @param objective - smooth part of the objective and its gradient
 * @param x0 - starting point (not modified)
 * @param options - penalty, memory and stopping rule
 */
export function minimizeOwlqn(
  objective: SmoothObjective,
  x0: Float64Array,
  options: OwlqnOptions,
): OwlqnResult {
  const n = x0.length;
  const { l1, penalized } = options;
  const m = Math.max(1, options.memory);
  const l1Term = (v: Float64Array): number => {
    if (l1 === 0) return 0;
    let s = 0;
    for (let i = 0; i < n; i++) if (penalized[i]) s += Math.abs(v[i]);
    return l1 * s;
  };

  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = objective(x, g) + l1Term(x);
  let xn = new Float64Array(n);
  let gn = new Float64Array(n);
  const pg = new Float64Array(n);
  const d = new Float64Array(n);
  const S = Array.from({ length: m }, () => new Float64Array(n));
  const Y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m);
  const alphaBuf = new Float64Array(m);
  let stored = 0;
  let head = 0; // next slot to write
  const past: number[] = [f];
  let iterations = 0;

  const pseudoGradient = (): void => {
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      if (l1 === 0 || !penalized[i]) pg[i] = gi;
      else if (x[i] > 0) pg[i] = gi + l1;
      else if (x[i] < 0) pg[i] = gi - l1;
      else if (gi + l1 < 0) pg[i] = gi + l1;
      else if (gi - l1 > 0) pg[i] = gi - l1;
      else pg[i] = 0;
    }
  };
  pseudoGradient();

  while (iterations < options.maxIterations) {
    // Two-loop recursion: d = -H · pg.
    for (let i = 0; i < n; i++) d[i] = -pg[i];
    for (let k = 0; k < stored; k++) {
      const j = (head - 1 - k + m) % m;
      const a = rho[j] * dot(S[j], d, n);
      alphaBuf[j] = a;
      axpy(-a, Y[j], d, n);
    }
    if (stored > 0) {
      const j = (head - 1 + m) % m;
      const yy = dot(Y[j], Y[j], n);
      const gamma = 1 / (rho[j] * yy);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let k = stored - 1; k >= 0; k--) {
      const j = (head - 1 - k + m) % m;
      const b = rho[j] * dot(Y[j], d, n);
      axpy(alphaBuf[j] - b, S[j], d, n);
    }
    // Keep the direction in the orthant the pseudo-gradient points away from.
    if (l1 !== 0) for (let i = 0; i < n; i++) if (penalized[i] && d[i] * pg[i] >= 0) d[i] = 0;
    let slope = dot(pg, d, n);
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs went stale): restart from steepest descent.
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -pg[i];
      slope = dot(pg, d, n);
      if (!(slope < 0)) break;
    }
    let step = iterations === 0 && stored === 0 ? 1 / Math.sqrt(dot(pg, pg, n)) : 1;
    let accepted = false;
    for (let attempt = 0; attempt < 60; attempt++) {
      for (let i = 0; i < n; i++) {
        let v = x[i] + step * d[i];
        if (l1 !== 0 && penalized[i]) {
          // Orthant projection: a coordinate may not cross zero in one step.
          const orthant = x[i] !== 0 ? Math.sign(x[i]) : -Math.sign(pg[i]);
          if (v * orthant <= 0) v = 0;
        }
        xn[i] = v;
      }
      const fn = objective(xn, gn) + l1Term(xn);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += pg[i] * (xn[i] - x[i]);
      if (fn <= f + 1e-4 * decrease) {
        accepted = true;
        iterations++;
        // Curvature pair from the smooth gradients.
        const s = S[head];
        const y = Y[head];
        let sy = 0;
        for (let i = 0; i < n; i++) {
          s[i] = xn[i] - x[i];
          y[i] = gn[i] - g[i];
          sy += s[i] * y[i];
        }
        if (sy > 1e-16) {
          rho[head] = 1 / sy;
          head = (head + 1) % m;
          stored = Math.min(stored + 1, m);
        }
        [x, xn] = [xn, x];
        [g, gn] = [gn, g];
        f = fn;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    pseudoGradient();
    if (converged(past, f, options.tolerance)) break;
  }
  return { x, value: f, iterations };
}

/** ML.NET's MeanRelativeImprovementCriterion over the last {@link IMPROVEMENT_WINDOW} values. */
function converged(past: number[], f: number, tolerance: number): boolean {
  if (!Number.isFinite(f)) return true;
  if (past.length < IMPROVEMENT_WINDOW) {
    past.push(f);
    return f === 0;
  }
  const improvement = (past[0] - f) / IMPROVEMENT_WINDOW;
  past.shift();
  past.push(f);
  return f === 0 || improvement / Math.abs(f) < tolerance;
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] += alpha * x[i];
}
