/**
 * Filter Based Feature Selection: scores every candidate column against the target column and
 * keeps the target plus the best "Number of desired features" (in table order). Scores:
 * |Pearson|, |Spearman| and |Kendall τ-b| correlations, mutual information and the chi-squared
 * statistic (numeric columns cut into 10 equal-frequency bins), Fisher score, and the count of
 * non-zero values (Count Based). The second output lists every scored feature and its score,
 * best first.
 */
import type { Column } from "../api";
import { parseColumnSelection, selectSingleColumn } from "../columnPicker";
import { cellText, makeColumn } from "../dataTable";
import { engineErrors } from "../errors";
import { quantile, sortedPresent } from "../tableOps";
import { tableInput, tableOutput, type StudioModule } from "./types";

const METHODS = [
  "Pearson Correlation",
  "Mutual Information",
  "Kendall Correlation",
  "Spearman Correlation",
  "Chi Squared",
  "Fisher Score",
  "Count Based",
] as const;
/** Kendall's τ costs O(n²): above this many rows an evenly spaced subset is scored. */
const KENDALL_ROWS = 5000;
const BINS = 10;

function numeric(col: Column): Float64Array | undefined {
  return col.values instanceof Float64Array ? col.values : undefined;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i] || y[i] !== y[i]) continue;
    n++;
    sx += x[i];
    sy += y[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let cov = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i] || y[i] !== y[i]) continue;
    cov += (x[i] - mx) * (y[i] - my);
    vx += (x[i] - mx) ** 2;
    vy += (y[i] - my) ** 2;
  }
  return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : 0;
}

/** Average ranks (ties share their mean rank); missing values stay missing. */
function ranks(x: Float64Array): Float64Array {
  const idx = Array.from(x.keys()).filter((i) => x[i] === x[i]);
  idx.sort((a, b) => x[a] - x[b]);
  const out = new Float64Array(x.length).fill(NaN);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && x[idx[j + 1]] === x[idx[i]]) j++;
    for (let k = i; k <= j; k++) out[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

function kendall(x: Float64Array, y: Float64Array): number {
  const rows: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] === x[i] && y[i] === y[i]) rows.push(i);
  const step = Math.max(1, Math.ceil(rows.length / KENDALL_ROWS));
  const r = rows.filter((_v, k) => k % step === 0);
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let a = 0; a < r.length; a++) {
    for (let b = a + 1; b < r.length; b++) {
      const dx = Math.sign(x[r[a]] - x[r[b]]);
      const dy = Math.sign(y[r[a]] - y[r[b]]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt(
    (concordant + discordant + tiesX) * (concordant + discordant + tiesY),
  );
  return denominator > 0 ? (concordant - discordant) / denominator : 0;
}

/** Discrete codes of a column: levels for text/categorical, 10 equal-frequency bins for numbers. */
function codes(col: Column): Int32Array {
  const out = new Int32Array(col.values.length).fill(-1);
  const values = numeric(col);
  if (values && !col.categorical && col.type !== "Boolean") {
    const sorted = sortedPresent(values);
    const edges: number[] = [];
    for (let k = 1; k < BINS; k++) edges.push(quantile(sorted, k / BINS));
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) continue;
      let b = 0;
      while (b < edges.length && v > edges[b]) b++;
      out[i] = b;
    }
    return out;
  }
  const levels = new Map<string, number>();
  for (let i = 0; i < col.values.length; i++) {
    const t = cellText(col, i);
    if (t === null) continue;
    let c = levels.get(t);
    if (c === undefined) {
      c = levels.size;
      levels.set(t, c);
    }
    out[i] = c;
  }
  return out;
}

/** Joint counts of two code arrays over rows where both are present. */
function contingency(
  a: Int32Array,
  b: Int32Array,
): { table: Map<string, number>; ca: Map<number, number>; cb: Map<number, number>; n: number } {
  const table = new Map<string, number>();
  const ca = new Map<number, number>();
  const cb = new Map<number, number>();
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < 0 || b[i] < 0) continue;
    n++;
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    ca.set(a[i], (ca.get(a[i]) ?? 0) + 1);
    cb.set(b[i], (cb.get(b[i]) ?? 0) + 1);
  }
  return { table, ca, cb, n };
}

function mutualInformation(a: Int32Array, b: Int32Array): number {
  const { table, ca, cb, n } = contingency(a, b);
  let mi = 0;
  for (const [key, count] of table) {
    const [i, j] = key.split(",").map(Number);
    mi += (count / n) * Math.log((count * n) / (ca.get(i)! * cb.get(j)!));
  }
  return mi;
}

function chiSquared(a: Int32Array, b: Int32Array): number {
  const { table, ca, cb, n } = contingency(a, b);
  let chi = 0;
  for (const [i, ni] of ca) {
    for (const [j, nj] of cb) {
      const expected = (ni * nj) / n;
      const observed = table.get(`${i},${j}`) ?? 0;
      chi += ((observed - expected) * (observed - expected)) / expected;
    }
  }
  return chi;
}

function fisherScore(x: Float64Array, target: Int32Array): number {
  const groups = new Map<number, { n: number; sum: number; sq: number }>();
  let n = 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i] || target[i] < 0) continue;
    const g = groups.get(target[i]) ?? { n: 0, sum: 0, sq: 0 };
    g.n++;
    g.sum += x[i];
    g.sq += x[i] * x[i];
    groups.set(target[i], g);
    n++;
    sum += x[i];
  }
  const mean = sum / n;
  let between = 0;
  let within = 0;
  for (const g of groups.values()) {
    const m = g.sum / g.n;
    between += g.n * (m - mean) * (m - mean);
    within += g.sq - g.n * m * m;
  }
  return within > 0 ? between / within : 0;
}

/** The Filter Based Feature Selection module. */
export const filterBasedFeatureSelection: StudioModule = {
  name: "Filter Based Feature Selection",
  category: "Feature Selection",
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [
    { name: "Filtered dataset", type: "DataTable" },
    { name: "Features", type: "DataTable" },
  ],
  parameters: [
    {
      name: "Feature scoring method",
      type: "Enum",
      default: "Pearson Correlation",
      values: METHODS,
      enumName: "Scoring method",
      aliases: {
        PearsonCorrelation: "Pearson Correlation",
        MutualInformation: "Mutual Information",
        KendallCorrelation: "Kendall Correlation",
        SpearmanCorrelation: "Spearman Correlation",
        ChiSquared: "Chi Squared",
        FisherScore: "Fisher Score",
        CountBased: "Count Based",
      },
    },
    { name: "Operate on feature columns only", type: "Boolean", default: "True" },
    { name: "Target column", type: "ColumnSelection" },
    { name: "Number of desired features", type: "Integer", default: "1", min: 1 },
    { name: "Minimum number of non-zero elements", type: "Integer", default: "1", min: 1 },
  ],
  differences: [
    `Mutual information and chi-squared cut numeric columns into ${BINS} equal-frequency bins; Kendall's τ is computed on at most ${KENDALL_ROWS} evenly spaced rows. The "Features" output is a two-column table (Feature, Score), best first.`,
  ],
  run(inputs, ctx) {
    const table = tableInput(inputs[0], "Dataset");
    const p = ctx.params;
    const method = p.enumValue("Feature scoring method");
    const targetIndex = selectSingleColumn(
      table,
      parseColumnSelection(p.string("Target column"), "Target column"),
      "Target column",
      "Dataset",
    );
    const target = table.columns[targetIndex];
    const featuresOnly = p.bool("Operate on feature columns only");
    const candidates = table.columns
      .map((c, i) => ({ c, i }))
      .filter(({ c, i }) => i !== targetIndex && (!featuresOnly || c.usage === "feature"));
    const targetNumbers = numeric(target);
    const targetCodes = codes(target);
    const needsNumbers = [
      "Pearson Correlation",
      "Kendall Correlation",
      "Spearman Correlation",
    ].includes(method);
    if (needsNumbers && !targetNumbers) throw engineErrors.module("0017", target.type, target.name);
    const targetRanks = method === "Spearman Correlation" ? ranks(targetNumbers!) : undefined;
    const minNonZero = p.int("Minimum number of non-zero elements");
    const scored = candidates.flatMap(({ c, i }) => {
      const x = numeric(c);
      let score: number;
      switch (method) {
        case "Pearson Correlation":
        case "Spearman Correlation":
        case "Kendall Correlation":
          if (!x) throw engineErrors.module("0017", c.type, c.name);
          score = Math.abs(
            method === "Pearson Correlation"
              ? pearson(x, targetNumbers!)
              : method === "Spearman Correlation"
                ? pearson(ranks(x), targetRanks!)
                : kendall(x, targetNumbers!),
          );
          break;
        case "Mutual Information":
          score = mutualInformation(codes(c), targetCodes);
          break;
        case "Chi Squared":
          score = chiSquared(codes(c), targetCodes);
          break;
        case "Fisher Score":
          if (!x) throw engineErrors.module("0017", c.type, c.name);
          score = fisherScore(x, targetCodes);
          break;
        default: {
          let nonZero = 0;
          for (let r = 0; r < table.rowCount; r++) {
            const v = c.values[r];
            if (v !== null && v !== 0 && !(typeof v === "number" && v !== v)) nonZero++;
          }
          if (nonZero < minNonZero) return [];
          score = nonZero;
        }
      }
      return [{ i, name: c.name, score }];
    });
    const best = [...scored].sort((a, b) => b.score - a.score || a.i - b.i);
    const keep = new Set(best.slice(0, p.int("Number of desired features")).map((s) => s.i));
    keep.add(targetIndex);
    const filtered = {
      rowCount: table.rowCount,
      columns: table.columns.filter((_c, i) => keep.has(i)),
    };
    const features = {
      rowCount: best.length,
      columns: [
        makeColumn(
          "Feature",
          "String",
          best.map((s) => s.name),
        ),
        makeColumn(
          "Score",
          "Double",
          Float64Array.from(best, (s) => s.score),
        ),
      ],
    };
    return [tableOutput(filtered), tableOutput(features)];
  },
};
