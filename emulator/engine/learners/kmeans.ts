/**
 * K-Means Clustering: Lloyd's algorithm from K-Means++ (or First N, or Random partition)
 * starting centroids, with the Euclidean or the cosine distance, over the selected columns
 * (numeric as they are, categorical one-hot). Stops after "Iterations" rounds or when no row
 * changes cluster. Seeded: the same rows, parameters and seed give the same centroids.
 */
import type { DataTable } from "../api";
import { engineErrors } from "../errors";
import { Rng } from "../rng";
import { buildFeatureSpecs, encodeFeatures, type EncodedFeatures } from "./features";
import { denseRow } from "./marginClassifiers";
import type { KMeansBody, LearnerSpec, TrainedModel } from "./model";

/** Rows as dense vectors (unit length for the cosine metric). */
function vectors(enc: EncodedFeatures, cosine: boolean): Float64Array[] {
  return Array.from({ length: enc.rowCount }, (_, i) => {
    const v = new Float64Array(enc.slotCount);
    denseRow(enc, i, v);
    if (cosine) normalize(v);
    return v;
  });
}

function normalize(v: Float64Array): void {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let j = 0; j < v.length; j++) v[j] /= norm;
}

function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const d = a[j] - b[j];
    s += d * d;
  }
  return s;
}

/**
 * Distance of a point to a centroid under the model's metric: Euclidean, or 1 − cosine similarity
 * (both vectors of unit length).
 *
 * @param metric - the metric
 * @param a - a point
 * @param b - a centroid
 */
export function clusterDistance(
  metric: KMeansBody["metric"],
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): number {
  if (metric === "Euclidean") return Math.sqrt(squaredDistance(a, b));
  let dot = 0;
  for (let j = 0; j < a.length; j++) dot += a[j] * b[j];
  return 1 - dot;
}

function initialCentroids(
  points: Float64Array[],
  k: number,
  method: string,
  rng: Rng,
): Float64Array[] {
  const n = points.length;
  if (method === "First N") return points.slice(0, k).map((p) => Float64Array.from(p));
  if (method === "Random") {
    const sums = Array.from({ length: k }, () => new Float64Array(points[0].length));
    const counts = new Float64Array(k);
    for (const p of points) {
      const c = rng.nextInt(k);
      counts[c]++;
      for (let j = 0; j < p.length; j++) sums[c][j] += p[j];
    }
    return sums.map((s, c) => s.map((x) => x / Math.max(counts[c], 1)));
  }
  // K-Means++: the first centroid uniformly, each next one with probability ∝ D².
  const centroids = [Float64Array.from(points[rng.nextInt(n)])];
  const d2 = points.map((p) => squaredDistance(p, centroids[0]));
  while (centroids.length < k) {
    let total = 0;
    for (const v of d2) total += v;
    let target = rng.nextDouble() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= d2[i];
      if (target < 0) {
        pick = i;
        break;
      }
    }
    const c = Float64Array.from(points[pick]);
    centroids.push(c);
    for (let i = 0; i < n; i++) d2[i] = Math.min(d2[i], squaredDistance(points[i], c));
  }
  return centroids;
}

/**
 * Trains k-means on the given columns of a table.
 *
 * @param spec - the untrained learner (parameters)
 * @param table - the training table
 * @param featureIndices - the columns to cluster on
 * @param trainedAt - ISO time recorded in the model
 */
export function trainKMeans(
  spec: LearnerSpec,
  table: DataTable,
  featureIndices: number[],
  trainedAt: string,
): TrainedModel {
  const p = spec.parameters;
  const k = Number(p["Number of Centroids"]);
  const metric = p["Metric"] === "Cosine" ? "Cosine" : "Euclidean";
  const init = String(p["Initialization"]);
  if (init === "Use label column" || init === "Evenly")
    throw engineErrors.module("0039", `initialization "${init}" is not supported by the emulator`);
  const all = Uint32Array.from({ length: table.rowCount }, (_, i) => i);
  const specs = buildFeatureSpecs(table, featureIndices, all, {
    allowUnknownLevels: spec.allowUnknownLevels,
    numericTransform: "none",
  });
  const enc = encodeFeatures(table, specs, null, "Dataset");
  const rows = [...all].filter((i) => enc.complete[i]);
  if (rows.length < k) throw engineErrors.module("0021", "Dataset", k);
  const points = vectors(enc, metric === "Cosine").filter((_v, i) => enc.complete[i]);
  const rng = new Rng(Number(p["Random number seed"] ?? 0));
  let centroids = initialCentroids(points, k, init, rng);
  const assignment = new Int32Array(points.length).fill(-1);
  let iterations = 0;
  for (; iterations < Number(p["Iterations"]); iterations++) {
    let changed = false;
    for (let i = 0; i < points.length; i++) {
      let best = 0;
      let bestDistance = Infinity;
      for (let c = 0; c < k; c++) {
        const d = clusterDistance(metric, points[i], centroids[c]);
        if (d < bestDistance) {
          bestDistance = d;
          best = c;
        }
      }
      if (assignment[i] !== best) {
        assignment[i] = best;
        changed = true;
      }
    }
    if (!changed) break;
    const sums = centroids.map((c) => new Float64Array(c.length));
    const counts = new Float64Array(k);
    points.forEach((pt, i) => {
      counts[assignment[i]]++;
      for (let j = 0; j < pt.length; j++) sums[assignment[i]][j] += pt[j];
    });
    // An empty cluster keeps its centroid.
    centroids = sums.map((s, c) => (counts[c] > 0 ? s.map((x) => x / counts[c]) : centroids[c]));
    if (metric === "Cosine") centroids.forEach(normalize);
  }
  let inertia = 0;
  points.forEach((pt, i) => (inertia += squaredDistance(pt, centroids[assignment[i]])));
  return {
    learner: "KMeansClustering",
    moduleName: spec.moduleName,
    task: "clustering",
    label: { name: "", type: "String" },
    features: specs,
    parameters: { ...spec.parameters },
    training: {
      rows: points.length,
      skippedRows: table.rowCount - points.length,
      trainedAt,
      iterations,
      objective: inertia,
    },
    body: { kind: "kmeans", metric, centroids: centroids.map((c) => Array.from(c)) },
  };
}

/**
 * Each row's nearest cluster and its distance to every centroid (NaN for rows with a missing
 * feature).
 *
 * @param model - a trained k-means model
 * @param table - rows to assign
 */
export function assignClusters(
  model: TrainedModel,
  table: DataTable,
): { assignments: Float64Array; distances: Float64Array[] } {
  if (model.body.kind !== "kmeans") throw engineErrors.module("0013", model.moduleName);
  const { centroids, metric } = model.body;
  const enc = encodeFeatures(table, model.features, null, "Dataset");
  const points = vectors(enc, metric === "Cosine");
  const distances = centroids.map(() => new Float64Array(table.rowCount));
  const assignments = new Float64Array(table.rowCount);
  for (let i = 0; i < table.rowCount; i++) {
    if (!enc.complete[i]) {
      assignments[i] = NaN;
      for (const d of distances) d[i] = NaN;
      continue;
    }
    let best = 0;
    centroids.forEach((c, j) => {
      distances[j][i] = clusterDistance(metric, points[i], c);
      if (distances[j][i] < distances[best][i]) best = j;
    });
    assignments[i] = best;
  }
  return { assignments, distances };
}
