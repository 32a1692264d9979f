/**
 * The evaluation report as data: what the Markdown comment and the HTML page both render. Built by
 * {@link buildReport} from what the evaluation measured; pure and deterministic (no clock, no
 * paths of the machine), so the same inputs give the same comment byte for byte.
 */
import { computeMetric } from "../components/retrain/champion";
import type { GateSpec, GateVerdict } from "../components/retrain/gate";
import { KNOWN_METRICS } from "../components/retrain/metrics";
import {
  binaryFigures,
  positiveClass,
  regressionBins,
  type BinaryFigures,
  type RegressionBin,
  type ScoredRows,
} from "./curves";
import type { ColumnChange, DataProfile } from "./profile";

/** One side of the comparison: a model declaration and how its result was obtained. */
export interface SideSummary {
  readonly version: string;
  /** The data path as the stack declares it. */
  readonly data: string;
  readonly dataSha256: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** The training definition file the stack names. */
  readonly trainingDefinition: string;
  /** The model's content address (version, data hash, parameters). */
  readonly modelKey: string;
  /** Whether this run trained the model or took it from the evaluation cache. */
  readonly source: "trained" | "cached";
}

/** A row of the metrics table. */
export interface MetricRow {
  readonly metric: string;
  readonly direction: "higher" | "lower";
  readonly candidate: number;
  readonly served?: number;
  /** candidate − served. */
  readonly delta?: number;
  /** Which model the metric favours ("same" within 5e-5, the table's rounding). */
  readonly favours?: "candidate" | "served" | "same";
  /** The gate's metric. */
  readonly gated: boolean;
}

/** The figures of a binary classifier. */
export interface BinaryPlots {
  readonly task: "binary";
  readonly positive: string;
  readonly threshold: number;
  readonly candidate: BinaryFigures;
  readonly served?: BinaryFigures;
}

/** The figures of a regression. */
export interface RegressionPlots {
  readonly task: "regression";
  readonly bins: readonly RegressionBin[];
  /** Every held-out row: actual, candidate's and served model's predictions (for the scatter plot). */
  readonly points: readonly {
    readonly actual: number;
    readonly candidate: number;
    readonly served?: number;
  }[];
}

/** The whole report. */
export interface EvaluationReport {
  /** The stack's platform: Studio (classic) web services or Azure Machine Learning (v2). */
  readonly platform: "classic" | "v2";
  readonly stack: string;
  /** The git ref the served model's declaration was read from (e.g. `origin/main`). */
  readonly baseRef: string;
  readonly candidate: SideSummary;
  /** Absent when the base declares no model (nothing would be served). */
  readonly served?: SideSummary;
  /** True when both sides declare the same model: `up` would neither train nor gate. */
  readonly unchanged: boolean;
  /** Held-out rows both models were scored on. */
  readonly heldOutRows: number;
  readonly metrics: readonly MetricRow[];
  readonly gate: {
    readonly spec: GateSpec;
    readonly passed: boolean;
    /** The gate's own line, as `up` prints it. */
    readonly summary: string;
  };
  readonly plots: BinaryPlots | RegressionPlots;
  readonly data: {
    readonly candidate: DataProfile;
    readonly base?: DataProfile;
    readonly columns: readonly ColumnChange[];
  };
  /** Anything a reviewer should know about how the figures were obtained. */
  readonly notes: readonly string[];
}

/** What {@link buildReport} needs. */
export interface ReportInputs {
  /** Default `classic`. */
  readonly platform?: "classic" | "v2";
  readonly stack: string;
  readonly baseRef: string;
  readonly candidate: SideSummary;
  readonly served?: SideSummary;
  readonly gate: GateSpec;
  /** The gate's verdict, as the retrain operation reached it. */
  readonly verdict: GateVerdict;
  /** The candidate's Evaluate Model output, or its `metrics.json` on v2 (what the gate reads). */
  readonly evaluation: Readonly<Record<string, number>>;
  /** Both models' scores on the same held-out rows of the candidate's data. */
  readonly heldOut: { readonly candidate: ScoredRows; readonly served?: ScoredRows };
  readonly data: EvaluationReport["data"];
  readonly notes?: readonly string[];
}

const REGRESSION_METRICS = new Set([
  "Mean Absolute Error",
  "Root Mean Squared Error",
  "Relative Absolute Error",
  "Relative Squared Error",
  "Coefficient of Determination",
]);

/**
 * The task of an evaluation, from the metrics Evaluate Model wrote.
 * @param evaluation - Evaluate Model's metrics
 */
export function taskOf(evaluation: Readonly<Record<string, number>>): "binary" | "regression" {
  return Object.keys(evaluation).some((m) => REGRESSION_METRICS.has(m)) ? "regression" : "binary";
}

/** Rows a model scored (RRS leaves out a row it cannot score). */
function scoredOnly(scored: ScoredRows): ScoredRows {
  const keep = scored.labels.map(
    (l, i) =>
      l !== "" && (scored.probabilities === undefined || Number.isFinite(scored.probabilities[i])),
  );
  return {
    truths: scored.truths.filter((_, i) => keep[i]),
    labels: scored.labels.filter((_, i) => keep[i]),
    ...(scored.probabilities
      ? { probabilities: scored.probabilities.filter((_, i) => keep[i]) }
      : {}),
  };
}

/**
 * Builds the report. The candidate's metric values are Evaluate Model's (what the gate reads); the
 * served model's are computed by the champion scoring's `computeMetric` on the same held-out rows.
 * @param inputs - what the evaluation measured
 */
export function buildReport(inputs: ReportInputs): EvaluationReport {
  const task = taskOf(inputs.evaluation);
  const served = inputs.heldOut.served ? scoredOnly(inputs.heldOut.served) : undefined;
  const metrics: MetricRow[] = Object.keys(KNOWN_METRICS)
    .filter((m) => inputs.evaluation[m] !== undefined)
    .map((metric) => {
      const { direction } = KNOWN_METRICS[metric];
      const candidate = inputs.evaluation[metric];
      const servedValue = served
        ? computeMetric(metric, served.truths, served.labels, served.probabilities)
        : undefined;
      if (servedValue === undefined || !Number.isFinite(servedValue)) {
        return { metric, direction, candidate, gated: metric === inputs.gate.metric };
      }
      const delta = candidate - servedValue;
      const favours =
        Math.abs(delta) < 5e-5
          ? "same"
          : delta > 0 === (direction === "higher")
            ? "candidate"
            : "served";
      return {
        metric,
        direction,
        candidate,
        served: servedValue,
        delta,
        favours,
        gated: metric === inputs.gate.metric,
      };
    });
  const candidateRows = inputs.heldOut.candidate;
  let plots: BinaryPlots | RegressionPlots;
  if (task === "binary") {
    const positive = positiveClass(candidateRows);
    const threshold = inputs.evaluation.Threshold ?? 0.5;
    plots = {
      task,
      positive,
      threshold,
      candidate: binaryFigures(candidateRows, positive, threshold),
      ...(served ? { served: binaryFigures(served, positive, threshold) } : {}),
    };
  } else {
    const actual = candidateRows.truths.map(Number);
    const candidate = candidateRows.labels.map(Number);
    // The served model's predictions aligned with the candidate's rows (a row it could not score
    // has none, and is left out of both sides' figures).
    const servedAll = inputs.heldOut.served?.labels.map((l) => (l === "" ? NaN : Number(l)));
    const keep = actual.map((_, i) => servedAll === undefined || Number.isFinite(servedAll[i]));
    const pick = (values: readonly number[]): number[] => values.filter((_, i) => keep[i]);
    plots = {
      task,
      bins: regressionBins(pick(actual), pick(candidate), servedAll ? pick(servedAll) : undefined),
      points: actual
        .map((a, i) => ({
          actual: a,
          candidate: candidate[i],
          ...(servedAll ? { served: servedAll[i] } : {}),
        }))
        .filter((_, i) => keep[i]),
    };
  }
  const unchanged =
    inputs.served !== undefined && inputs.served.modelKey === inputs.candidate.modelKey;
  return {
    platform: inputs.platform ?? "classic",
    stack: inputs.stack,
    baseRef: inputs.baseRef,
    candidate: inputs.candidate,
    ...(inputs.served ? { served: inputs.served } : {}),
    unchanged,
    heldOutRows: candidateRows.truths.length,
    metrics,
    gate: { spec: inputs.gate, passed: inputs.verdict.passed, summary: inputs.verdict.summary },
    plots,
    data: inputs.data,
    notes: inputs.notes ?? [],
  };
}

/**
 * The gate as the stack declares it, in words: `AUC >= 0.75, at most 0.01 worse than served`.
 * @param gate - the gate
 */
export function describeGate(gate: GateSpec): string {
  const parts: string[] = [];
  if (gate.min !== undefined) parts.push(`${gate.metric} >= ${gate.min}`);
  if (gate.max !== undefined) parts.push(`${gate.metric} <= ${gate.max}`);
  if (parts.length === 0) parts.push(`${gate.metric} present`);
  if (gate.maxRegression !== undefined)
    parts.push(`at most ${gate.maxRegression} worse than the served model`);
  return parts.join(", ");
}
