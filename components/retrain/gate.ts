/**
 * The promotion gate: what a stack declares (`gate: { metric, min | max, maxRegression }`), its
 * validation (shared by the stack config and the provider's `check`), and its verdict on a
 * candidate model's metrics against the model served now. Pure functions.
 */
import type { FieldFailure } from "../shared/checks";
import { canonicalMetric, KNOWN_METRICS } from "./metrics";

/** The promotion gate declared in the stack config. */
export interface GateSpec {
  /** Metric caption, e.g. `AUC` (matched case-insensitively, stored canonical). */
  readonly metric: string;
  /** Lowest acceptable value, for metrics where higher is better. */
  readonly min?: number;
  /** Highest acceptable value, for metrics where lower is better (errors, log loss). */
  readonly max?: number;
  /** Largest allowed regression against the model served now (absolute, in metric units). */
  readonly maxRegression?: number;
}

/**
 * Validates a gate; returns the canonical gate and the failures (each naming the field and the fix).
 * @param gate - the declared gate (unknown shape: it comes from config or the engine)
 * @param property - the property path to name in failures (e.g. `gate`)
 */
export function validateGate(
  gate: unknown,
  property = "gate",
): { gate?: GateSpec; failures: FieldFailure[] } {
  const failures: FieldFailure[] = [];
  if (typeof gate !== "object" || gate === null || Array.isArray(gate)) {
    return {
      failures: [
        {
          property,
          reason: `must be an object like { metric: "AUC", min: 0.8, maxRegression: 0.01 }`,
        },
      ],
    };
  }
  const g = gate as Record<string, unknown>;
  const known = Object.keys(KNOWN_METRICS).join(", ");
  const metric = typeof g.metric === "string" ? canonicalMetric(g.metric) : undefined;
  if (!metric) {
    failures.push({
      property: `${property}.metric`,
      reason: `${JSON.stringify(g.metric)} is not a metric Evaluate Model writes; use one of: ${known}`,
    });
  }
  for (const key of Object.keys(g)) {
    if (!["metric", "min", "max", "maxRegression"].includes(key)) {
      failures.push({
        property: `${property}.${key}`,
        reason: `unknown gate field; allowed: metric, min, max, maxRegression`,
      });
    }
  }
  const number = (key: "min" | "max" | "maxRegression"): number | undefined => {
    const v = g[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      failures.push({
        property: `${property}.${key}`,
        reason: `must be a finite number, got ${JSON.stringify(v)}`,
      });
      return undefined;
    }
    return v;
  };
  const min = number("min");
  const max = number("max");
  const maxRegression = number("maxRegression");
  if (metric) {
    const { direction, range } = KNOWN_METRICS[metric];
    if (direction === "higher" && max !== undefined) {
      failures.push({
        property: `${property}.max`,
        reason: `${metric} is better when higher: use "min", not "max"`,
      });
    }
    if (direction === "lower" && min !== undefined) {
      failures.push({
        property: `${property}.min`,
        reason: `${metric} is better when lower: use "max", not "min"`,
      });
    }
    for (const [key, v] of [
      ["min", min],
      ["max", max],
    ] as const) {
      if (v !== undefined && (v < range[0] || v > range[1])) {
        failures.push({
          property: `${property}.${key}`,
          reason: `${metric} lies in [${range[0]}, ${range[1]}]; ${v} can never be met`,
        });
      }
    }
  }
  if (maxRegression !== undefined && maxRegression < 0) {
    failures.push({
      property: `${property}.maxRegression`,
      reason: `must be 0 or more (it is an allowed drop), got ${maxRegression}`,
    });
  }
  if (failures.length > 0 || !metric) return { failures };
  return {
    gate: {
      metric,
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
      ...(maxRegression !== undefined ? { maxRegression } : {}),
    },
    failures,
  };
}

/** Outcome of a gate. */
export interface GateVerdict {
  readonly passed: boolean;
  /** One line with the values compared, e.g. `AUC 0.8123 >= min 0.80; vs served 0.8201 (drop 0.0078 <= 0.01)`. */
  readonly summary: string;
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(4));

/**
 * Applies a gate to a candidate's metrics, against the served model's metrics when known.
 * `skipRegression` is set for a model that already passed this gate when it was trained (a
 * rollback re-declares it on purpose; its old metrics were measured on other data).
 */
export function evaluateGate(
  gate: GateSpec,
  candidate: Readonly<Record<string, number>>,
  served?: Readonly<Record<string, number>>,
  options: { skipRegression?: boolean } = {},
): GateVerdict {
  const { direction } = KNOWN_METRICS[gate.metric] ?? { direction: "higher" as const };
  const value = candidate[gate.metric];
  if (value === undefined || !Number.isFinite(value)) {
    const have = Object.keys(candidate).join(", ") || "none";
    return { passed: false, summary: `the evaluation has no ${gate.metric} (it has: ${have})` };
  }
  const parts: string[] = [];
  let passed = true;
  if (gate.min !== undefined) {
    const ok = value >= gate.min;
    passed &&= ok;
    parts.push(`${gate.metric} ${fmt(value)} ${ok ? ">=" : "<"} min ${fmt(gate.min)}`);
  }
  if (gate.max !== undefined) {
    const ok = value <= gate.max;
    passed &&= ok;
    parts.push(`${gate.metric} ${fmt(value)} ${ok ? "<=" : ">"} max ${fmt(gate.max)}`);
  }
  if (parts.length === 0) parts.push(`${gate.metric} ${fmt(value)}`);
  const servedValue = served?.[gate.metric];
  if (gate.maxRegression !== undefined) {
    if (options.skipRegression) {
      parts.push("regression check skipped (model re-declared; it passed when trained)");
    } else if (servedValue === undefined || !Number.isFinite(servedValue)) {
      parts.push("no served model metrics to compare with");
    } else {
      const drop = direction === "higher" ? servedValue - value : value - servedValue;
      const ok = drop <= gate.maxRegression + 1e-12;
      passed &&= ok;
      parts.push(
        `vs served ${fmt(servedValue)} (${drop > 0 ? `worse by ${fmt(drop)}` : `better by ${fmt(-drop)}`}, allowed ${fmt(gate.maxRegression)})`,
      );
    }
  }
  return { passed, summary: parts.join("; ") };
}
