/**
 * The served model ("champion") measured on the new data, for the gate's regression check.
 *
 * The candidate's metrics come from Evaluate Model on rows of the *new* data it did not train on.
 * The served model's stored metrics were measured on *its* training data's held-out rows: under
 * drift the two are not comparable (a harder population lowers every model's AUC, and a gate would
 * then refuse the very model that fixes the drift). So the served model is scored through its own
 * scoring endpoint (RRS) on a sample of the new data, which it has never seen either, and the gate
 * compares the two on the same population.
 */
import { open } from "node:fs/promises";
import { ArmWebServicesClient, executionBaseFromSwagger } from "../../clients/arm";
import { ClassicManagementClient } from "../../clients/classic";
import { credentialFor } from "../../clients/http";
import { RrsClient } from "../../clients/rrs";
import { parseCsvRecords } from "./csvText";
import { KNOWN_METRICS } from "./metrics";
import type { ServingTarget } from "./types";

/** Rows scored at most (in batches of {@link BATCH_ROWS}). */
export const SAMPLE_ROWS = 2000;
const BATCH_ROWS = 500;
/** Bytes read from the start of the data file to draw the sample from. */
const SAMPLE_BYTES = 32 * 1024 * 1024;

/** Reads the header and an evenly spread sample of up to `max` rows from the start of a CSV file. */
export async function sampleCsv(
  file: string,
  max = SAMPLE_ROWS,
): Promise<{ header: string[]; rows: string[][] }> {
  const handle = await open(file, "r");
  let text: string;
  let truncated: boolean;
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
    await handle.read(buffer, 0, buffer.length, 0);
    text = buffer.toString("utf8").replace(/^\uFEFF/, "");
    truncated = size > SAMPLE_BYTES;
  } finally {
    await handle.close();
  }
  const [header, ...all] = parseCsvRecords(text, truncated).filter(
    (r) => r.length > 1 || r[0] !== "",
  );
  const step = Math.max(1, all.length / max);
  const rows: string[][] = [];
  for (let i = 0; i < all.length && rows.length < max; i += step) rows.push(all[Math.floor(i)]);
  return { header: header.map((h) => h.trim()), rows };
}

/**
 * Computes one Evaluate Model metric from truths and scores. For binary classification the
 * positive class is read off the scores themselves (the label scored when the probability is
 * above 0.5), so the result never depends on how a service orders its class levels.
 */
export function computeMetric(
  metric: string,
  truths: readonly string[],
  scoredLabels: readonly string[],
  scoredProbabilities: readonly number[] | undefined,
): number | undefined {
  const n = truths.length;
  if (n === 0) return undefined;
  if (KNOWN_METRICS[metric] === undefined) return undefined;
  const regression = [
    "Mean Absolute Error",
    "Root Mean Squared Error",
    "Relative Absolute Error",
    "Relative Squared Error",
    "Coefficient of Determination",
  ];
  if (regression.includes(metric)) {
    const y = truths.map(Number);
    const p = scoredLabels.map(Number);
    const mean = y.reduce((a, b) => a + b, 0) / n;
    let abs = 0;
    let sq = 0;
    let absDev = 0;
    let sqDev = 0;
    for (let i = 0; i < n; i++) {
      abs += Math.abs(y[i] - p[i]);
      sq += (y[i] - p[i]) ** 2;
      absDev += Math.abs(y[i] - mean);
      sqDev += (y[i] - mean) ** 2;
    }
    switch (metric) {
      case "Mean Absolute Error":
        return abs / n;
      case "Root Mean Squared Error":
        return Math.sqrt(sq / n);
      case "Relative Absolute Error":
        return abs / absDev;
      case "Relative Squared Error":
        return sq / sqDev;
      default:
        return 1 - sq / sqDev;
    }
  }
  if (!scoredProbabilities) return undefined;
  const positiveVotes = new Map<string, number>();
  scoredLabels.forEach((label, i) => {
    if (scoredProbabilities[i] > 0.5) positiveVotes.set(label, (positiveVotes.get(label) ?? 0) + 1);
  });
  const levels = [...new Set(truths)];
  const positive =
    [...positiveVotes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ??
    [...levels].sort()[1] ??
    levels[0];
  const y = truths.map((t) => (t === positive ? 1 : 0));
  if (metric === "AUC") return auc(scoredProbabilities, y);
  if (metric === "Average Log Loss") {
    const eps = 1e-15;
    let loss = 0;
    y.forEach((yi, i) => {
      const p = scoredProbabilities[i];
      loss -= yi ? Math.log(Math.max(eps, p)) : Math.log(Math.max(eps, 1 - p));
    });
    return loss / n;
  }
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  y.forEach((yi, i) => {
    const predicted = scoredProbabilities[i] > 0.5 ? 1 : 0;
    if (predicted && yi) tp++;
    else if (predicted) fp++;
    else if (yi) fn++;
    else tn++;
  });
  const precision = tp / (tp + fp || 1);
  const recall = tp / (tp + fn || 1);
  switch (metric) {
    case "Accuracy":
      return (tp + tn) / n;
    case "Precision":
      return precision;
    case "Recall":
      return recall;
    default:
      return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
}

/** Area under the ROC curve (rank formulation, ties averaged). */
export function auc(scores: readonly number[], positives: readonly number[]): number {
  const order = scores.map((s, i) => [s, positives[i]] as const).sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j][0] === order[i][0]) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) {
      if (order[k][1] === 1) {
        rankSum += rank;
        pos++;
      }
    }
    i = j;
  }
  const neg = order.length - pos;
  return pos === 0 || neg === 0 ? 0.5 : (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Execution URL and key of the serving target (what scores requests for it). */
async function scoringEndpoint(
  serving: ServingTarget,
  token: string | undefined,
): Promise<{ url: string; key: string } | undefined> {
  if (serving.kind === "arm") {
    const client = new ArmWebServicesClient(credentialFor(token));
    const service = await client.get(serving);
    if (!service?.properties.swaggerLocation) return undefined;
    const keys = await client.listKeys(serving);
    return { url: executionBaseFromSwagger(service.properties.swaggerLocation), key: keys.primary };
  }
  if (!token) return undefined;
  const endpoint = await new ClassicManagementClient(token).getEndpoint(
    serving,
    serving.endpointName,
  );
  return endpoint ? { url: endpoint.ApiLocation, key: endpoint.PrimaryKey } : undefined;
}

/**
 * Scores a sample of the data file through the serving target and computes `metric`. Returns
 * undefined when that cannot be done (no label or input columns declared, nothing served).
 */
export async function servedMetricOnData(
  serving: ServingTarget,
  token: string | undefined,
  dataFile: string,
  metric: string,
): Promise<{ value: number; rows: number } | undefined> {
  if (!serving.labelColumn || !serving.inputColumns?.length) return undefined;
  const endpoint = await scoringEndpoint(serving, token);
  if (!endpoint) return undefined;
  const { header, rows } = await sampleCsv(dataFile);
  const labelIndex = header.indexOf(serving.labelColumn);
  const columns = serving.inputColumns.map((c) => header.indexOf(c));
  if (labelIndex < 0 || columns.some((i) => i < 0)) return undefined;
  const rrs = new RrsClient(endpoint.url, endpoint.key);
  const truths: string[] = [];
  const labels: string[] = [];
  const probabilities: number[] = [];
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    const batch = rows
      .slice(start, start + BATCH_ROWS)
      .filter((r) => (r[labelIndex] ?? "").trim() !== "");
    if (batch.length === 0) continue;
    const results = await rrs.executeTable({
      [serving.inputPort ?? "input1"]: {
        ColumnNames: [...serving.inputColumns],
        Values: batch.map((r) => columns.map((i) => (r[i] === "" ? null : r[i]))),
      },
    });
    const table = Object.values(results)[0];
    const labelAt = table.ColumnNames.indexOf("Scored Labels");
    const probabilityAt = table.ColumnNames.indexOf("Scored Probabilities");
    if (labelAt < 0) return undefined;
    table.Values.forEach((v, i) => {
      // A row the model could not score (a missing value it cannot take) has no score: skip it,
      // as Evaluate Model does, rather than count it as a probability of 0.
      const probability = probabilityAt >= 0 ? v[probabilityAt] : undefined;
      if (v[labelAt] === null || probability === null) return;
      truths.push(batch[i][labelIndex].trim());
      labels.push(String(v[labelAt]));
      if (probability !== undefined) probabilities.push(Number(probability));
    });
  }
  const value = computeMetric(
    metric,
    truths,
    labels,
    probabilities.length === truths.length ? probabilities : undefined,
  );
  return value === undefined || !Number.isFinite(value)
    ? undefined
    : { value, rows: truths.length };
}
