import { parseCsvRecords } from "./csvText";

/**
 * Evaluation metrics as Evaluate Model writes them (`docs/modules.md`): their captions, which way
 * is better, their range, and the reading of Evaluate Model's CSV. The promotion gate applied to
 * them is in `gate.ts`. Pure functions.
 */

/** Whether a larger value of a metric is better. */
export type MetricDirection = "higher" | "lower";

/** Metric captions Evaluate Model writes, with their direction and valid range. */
export const KNOWN_METRICS: Readonly<
  Record<string, { direction: MetricDirection; range: [number, number] }>
> = {
  AUC: { direction: "higher", range: [0, 1] },
  Accuracy: { direction: "higher", range: [0, 1] },
  Precision: { direction: "higher", range: [0, 1] },
  Recall: { direction: "higher", range: [0, 1] },
  "F1 Score": { direction: "higher", range: [0, 1] },
  "Average Log Loss": { direction: "lower", range: [0, Infinity] },
  "Mean Absolute Error": { direction: "lower", range: [0, Infinity] },
  "Root Mean Squared Error": { direction: "lower", range: [0, Infinity] },
  "Relative Absolute Error": { direction: "lower", range: [0, Infinity] },
  "Relative Squared Error": { direction: "lower", range: [0, Infinity] },
  "Coefficient of Determination": { direction: "higher", range: [-Infinity, 1] },
};

/** The canonical caption of a metric name, or undefined when it is not one Evaluate Model writes. */
export function canonicalMetric(name: string): string | undefined {
  const wanted = name.trim().toLowerCase();
  return Object.keys(KNOWN_METRICS).find((k) => k.toLowerCase() === wanted);
}

/**
 * Reads Evaluate Model's CSV: a header of captions and one row per scored input (the left input
 * first). Returns the first row's numeric metrics by caption; non-numeric cells (labels) are skipped.
 */
export function parseEvaluationCsv(text: string): Record<string, number> {
  const records = parseCsvRecords(text.replace(/^\uFEFF/, "")).filter(
    (r) => r.length > 1 || r[0] !== "",
  );
  if (records.length < 2) throw new Error("the evaluation CSV has no data row");
  const [header, row] = records;
  const metrics: Record<string, number> = {};
  header.forEach((name, i) => {
    const raw = row[i]?.trim();
    if (raw === undefined || raw === "") return;
    const value = Number(raw);
    if (Number.isFinite(value)) metrics[canonicalMetric(name) ?? name] = value;
  });
  return metrics;
}
