/**
 * Summarize Data: one row of descriptive statistics per column (count, unique and missing
 * counts, extremes, mean and spread, quartiles, mode, sample moments, percentiles). Text columns
 * get the three counts only, the other cells missing. Booleans count as 0/1.
 */
import type { Column } from "../api";
import { cellText, makeColumn } from "../dataTable";
import { quantile, sortedPresent } from "../tableOps";
import { tableInput, tableOutput, type StudioModule } from "./types";

const STATISTICS = [
  "Min",
  "Max",
  "Mean",
  "Mean Deviation",
  "1st Quartile",
  "Median",
  "3rd Quartile",
  "Mode",
  "Range",
  "Sample Variance",
  "Sample Standard Deviation",
  "Sample Skewness",
  "Sample Kurtosis",
  "P0.5",
  "P1",
  "P5",
  "P95",
  "P99.5",
] as const;

function numericStatistics(values: Float64Array): Record<(typeof STATISTICS)[number], number> {
  const s = sortedPresent(values);
  const n = s.length;
  let mean = 0;
  for (const v of s) mean += v;
  mean /= n;
  let abs = 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const v of s) {
    const d = v - mean;
    abs += Math.abs(d);
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  const variance = n > 1 ? m2 / (n - 1) : NaN;
  const sd = Math.sqrt(variance);
  // Adjusted Fisher–Pearson skewness and excess kurtosis (what spreadsheets call SKEW and KURT).
  const skewness = n > 2 ? ((n / ((n - 1) * (n - 2))) * m3) / (sd * sd * sd) : NaN;
  const kurtosis =
    n > 3
      ? ((n * (n + 1)) / ((n - 1) * (n - 2) * (n - 3))) * (m4 / (variance * variance)) -
        (3 * (n - 1) * (n - 1)) / ((n - 2) * (n - 3))
      : NaN;
  let mode = NaN;
  let best = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && s[j] === s[i]) j++;
    if (j - i > best) {
      best = j - i;
      mode = s[i];
    }
    i = j;
  }
  return {
    Min: s[0],
    Max: s[n - 1],
    Mean: mean,
    "Mean Deviation": abs / n,
    "1st Quartile": quantile(s, 0.25),
    Median: quantile(s, 0.5),
    "3rd Quartile": quantile(s, 0.75),
    Mode: mode,
    Range: s[n - 1] - s[0],
    "Sample Variance": variance,
    "Sample Standard Deviation": sd,
    "Sample Skewness": skewness,
    "Sample Kurtosis": kurtosis,
    "P0.5": quantile(s, 0.005),
    P1: quantile(s, 0.01),
    P5: quantile(s, 0.05),
    P95: quantile(s, 0.95),
    "P99.5": quantile(s, 0.995),
  };
}

/** The Summarize Data module. */
export const summarizeData: StudioModule = {
  name: "Summarize Data",
  category: "Statistical Functions",
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [{ name: "Results dataset", type: "DataTable" }],
  parameters: [],
  differences: [
    "Quantiles and percentiles are linearly interpolated; skewness and kurtosis are the adjusted sample estimators (kurtosis in excess of 3).",
  ],
  run(inputs) {
    const table = tableInput(inputs[0], "Dataset");
    const rows = table.columns.map((col: Column) => {
      const distinct = new Set<string>();
      let missing = 0;
      for (let r = 0; r < table.rowCount; r++) {
        const t = cellText(col, r);
        if (t === null) missing++;
        else distinct.add(t);
      }
      const numeric = col.values instanceof Float64Array && missing < table.rowCount;
      return {
        name: col.name,
        count: table.rowCount,
        unique: distinct.size,
        missing,
        stats: numeric ? numericStatistics(col.values as Float64Array) : undefined,
      };
    });
    const columns = [
      makeColumn(
        "Feature",
        "String",
        rows.map((r) => r.name),
      ),
      makeColumn(
        "Count",
        "Int64",
        Float64Array.from(rows, (r) => r.count),
      ),
      makeColumn(
        "Unique Value Count",
        "Int64",
        Float64Array.from(rows, (r) => r.unique),
      ),
      makeColumn(
        "Missing Value Count",
        "Int64",
        Float64Array.from(rows, (r) => r.missing),
      ),
      ...STATISTICS.map((name) =>
        makeColumn(
          name,
          "Double",
          Float64Array.from(rows, (r) => (r.stats ? r.stats[name] : NaN)),
        ),
      ),
    ];
    return [tableOutput({ rowCount: rows.length, columns })];
  },
};
