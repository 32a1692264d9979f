/**
 * Pure logic of the `RolloutStage` provider: `check`, `diff`, the sample of held-out rows, the
 * comparison of an endpoint's scores with the candidate's own, the p99, the failure text, and
 * what a rollback sets each endpoint back to (a model and its transformations, as a pair).
 * No I/O.
 */
import { parseCsvRecords } from "../retrain/csvText";
import { limitFailures, requiredStrings, type FieldFailure } from "../shared/checks";
import { stageCheck, stageName } from "../shared/limits";
import { containsUnknown, differs } from "../shared/values";
import { modelUri } from "../shared/sas";
import { transformUris } from "../shared/transforms";
import type { Rollback, RolloutStageInputs, RolloutStageOutputs, StageEndpoint } from "./types";

/** The candidate's score columns in Score Model's output (and in what the endpoints return). */
export const LABEL_COLUMN = "Scored Labels";
export const PROBABILITY_COLUMN = "Scored Probabilities";

/** The failures of `check`. */
export function checkRolloutStage(news: Readonly<Record<string, unknown>>): FieldFailure[] {
  const failures: FieldFailure[] = [
    ...limitFailures(stageName(), news.stage, "stage"),
    ...limitFailures(stageCheck(), news.check, "check"),
    ...requiredStrings(news, ["storageConnectionString"]),
  ];
  const candidate = news.candidate as Partial<RolloutStageInputs["candidate"]> | undefined;
  if (!containsUnknown(candidate)) {
    if (
      typeof candidate?.version !== "string" ||
      typeof candidate.model?.baseLocation !== "string" ||
      typeof candidate.model?.relativeLocation !== "string"
    ) {
      failures.push({
        property: "candidate",
        reason: "needs { version, model: { baseLocation, relativeLocation } } of a TrainedModel",
      });
    }
  }
  const endpoints = news.endpoints;
  if (!containsUnknown(endpoints) && (!Array.isArray(endpoints) || endpoints.length === 0)) {
    failures.push({ property: "endpoints", reason: "must list the stage's endpoints" });
  }
  const keys = news.keys as Record<string, unknown> | undefined;
  if (Array.isArray(endpoints) && !containsUnknown(keys)) {
    for (const e of endpoints as { name?: unknown }[]) {
      if (containsUnknown(e) || typeof e?.name !== "string") continue;
      if (typeof keys?.[e.name] !== "string" && !containsUnknown(keys?.[e.name]))
        failures.push({ property: "keys", reason: `has no key for endpoint "${e.name}"` });
    }
  }
  return failures;
}

/** Diff of a stage: any change of what it checks, or a stage not `passed`, runs the check again. */
export function diffRolloutStage(
  olds: Partial<RolloutStageOutputs>,
  news: Partial<RolloutStageInputs>,
): { changes: boolean; replaces: string[]; updates: string[] } {
  const updates: string[] = (
    [
      "stage",
      "position",
      "stages",
      "candidate",
      "scoring",
      "check",
      "endpoints",
      "keys",
      "workspaceToken",
      "armToken",
      "storageConnectionString",
    ] as const
  ).filter((f) => differs(olds[f], news[f]));
  if (olds.status !== undefined && olds.status !== "passed") updates.push("status");
  return { changes: updates.length > 0, replaces: [], updates };
}

/** A held-out row: its features and the candidate's own scores. */
export interface ReferenceRow {
  /** Its 1-based position among the data rows of the held-out scores file. */
  readonly row: number;
  readonly features: Record<string, string | null>;
  readonly label: string;
  /**
   * The candidate's probability; null for a regression, whose Score Model writes no
   * probabilities: its label is then a number, compared within the tolerance.
   */
  readonly probability: number | null;
}

/**
 * Reads Score Model's output (CSV with a header) and picks `count` rows spread evenly over it,
 * keeping rows the candidate scored. A classifier's output has `Scored Probabilities`; a
 * regression's has only `Scored Labels` (numbers). Throws naming what the file lacks.
 * @param csv - the held-out scores file's text
 * @param columns - the columns the endpoints take
 * @param count - how many rows
 */
export function sampleReference(
  csv: string,
  columns: readonly string[],
  count: number,
): ReferenceRow[] {
  const [header, ...records] = parseCsvRecords(csv).filter((r) => r.length > 1 || r[0] !== "");
  if (!header) throw new Error("the held-out scores file is empty");
  const at = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0)
      throw new Error(`the held-out scores file has no "${name}" column (it has ${header.length})`);
    return i;
  };
  const label = at(LABEL_COLUMN);
  const probability = header.includes(PROBABILITY_COLUMN) ? at(PROBABILITY_COLUMN) : undefined;
  const features = columns.map((c) => [c, at(c)] as const);
  const scoredBy = probability ?? label;
  const scored = records
    .map((r, i) => ({ r, row: i + 1 }))
    .filter(({ r }) => r[scoredBy] !== undefined && r[scoredBy] !== "");
  if (scored.length === 0) throw new Error("the held-out scores file has no scored row");
  const n = Math.min(count, scored.length);
  const picked = Array.from({ length: n }, (_, k) => scored[Math.floor((k * scored.length) / n)]);
  return picked.map(({ r, row }) => ({
    row,
    features: Object.fromEntries(features.map(([c, i]) => [c, r[i] === "" ? null : r[i]])),
    label: r[label],
    probability: probability === undefined ? null : Number(r[probability]),
  }));
}

/** A row an endpoint scored otherwise than the candidate did. */
export interface Disagreement {
  readonly row: number;
  readonly expected: { label: string; probability: number | null };
  readonly got: { label: string; probability: number | null };
}

/**
 * The rows an endpoint scored otherwise: another label, or a probability further than
 * `tolerance` from the candidate's own (a missing one always counts). For a regression (no
 * probability in the reference) the label is a number, further than `tolerance` counts.
 * @param reference - the rows sent, with the candidate's scores
 * @param served - what the endpoint returned for them, in order
 * @param tolerance - the largest difference allowed
 */
export function disagreements(
  reference: readonly ReferenceRow[],
  served: readonly Record<string, unknown>[],
  tolerance: number,
): Disagreement[] {
  const out: Disagreement[] = [];
  reference.forEach((ref, i) => {
    const got = served[i] ?? {};
    const label =
      got[LABEL_COLUMN] === undefined || got[LABEL_COLUMN] === null
        ? ""
        : String(got[LABEL_COLUMN]);
    const raw = got[PROBABILITY_COLUMN];
    const probability = raw === undefined || raw === null || raw === "" ? null : Number(raw);
    const within = (a: number | null, b: number): boolean =>
      a !== null && Number.isFinite(a) && Math.abs(a - b) <= tolerance;
    const agrees =
      ref.probability === null
        ? label !== "" && within(Number(label), Number(ref.label))
        : label === ref.label && within(probability, ref.probability);
    if (!agrees) {
      out.push({
        row: ref.row,
        expected: { label: ref.label, probability: ref.probability },
        got: { label, probability },
      });
    }
  });
  return out;
}

/** The nearest-rank 99th percentile of latencies (ms), 0 for none. */
export function p99(latencies: readonly number[]): number {
  if (latencies.length === 0) return 0;
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(0.99 * sorted.length) - 1)];
}

/** A failed RRS call of a check. */
export interface FailedCall {
  /** 1-based call number, and the held-out rows it carried. */
  readonly call: number;
  readonly rows: readonly number[];
  readonly error: string;
}

/** One endpoint's result in one round of checks. */
export interface EndpointCheck {
  readonly endpoint: string;
  readonly calls: number;
  readonly failedCalls: readonly FailedCall[];
  readonly rowsChecked: number;
  readonly disagreements: readonly Disagreement[];
  readonly p99Ms: number;
}

/** Whether an endpoint's round passed. */
export function endpointPassed(check: EndpointCheck, maxP99Ms: number): boolean {
  return (
    check.failedCalls.length === 0 && check.disagreements.length === 0 && check.p99Ms <= maxP99Ms
  );
}

/** Rows or calls listed in a failure, at most (the rest are counted). */
const LISTED = 5;

const num = (p: number | null): string => (p === null ? "none" : String(p));

/** What failed on one endpoint, one line per kind of failure. */
export function endpointProblems(check: EndpointCheck, maxP99Ms: number): string[] {
  const lines: string[] = [];
  const more = (n: number): string => (n > LISTED ? `; and ${n - LISTED} more` : "");
  if (check.failedCalls.length > 0) {
    const listed = check.failedCalls
      .slice(0, LISTED)
      .map((c) => `call ${c.call} (rows ${c.rows.join(", ")}): ${c.error}`)
      .join("; ");
    lines.push(
      `endpoint "${check.endpoint}": ${check.failedCalls.length} of ${check.calls} calls failed: ${listed}${more(check.failedCalls.length)}`,
    );
  }
  if (check.disagreements.length > 0) {
    const listed = check.disagreements
      .slice(0, LISTED)
      .map((d) =>
        d.expected.probability === null
          ? `row ${d.row}: served ${d.got.label === "" ? "none" : d.got.label}, the candidate ${d.expected.label}`
          : `row ${d.row}: served "${d.got.label}" ${num(d.got.probability)}, the candidate "${d.expected.label}" ${d.expected.probability}`,
      )
      .join("; ");
    lines.push(
      `endpoint "${check.endpoint}": ${check.disagreements.length} of ${check.rowsChecked} rows disagreed with the candidate's own scores: ${listed}${more(check.disagreements.length)}`,
    );
  }
  if (check.failedCalls.length === 0 && check.p99Ms > maxP99Ms) {
    lines.push(
      `endpoint "${check.endpoint}": p99 latency ${check.p99Ms} ms over ${check.calls} calls, above the bound of ${maxP99Ms} ms`,
    );
  }
  return lines;
}

/** What an endpoint serves: its model and the transformations the stage sets (URIs, no SAS). */
export interface ServedPair {
  readonly model?: string;
  /** By "[transform]" name; only those asked for, and only those the endpoint reports. */
  readonly transforms: Readonly<Record<string, string>>;
}

/** What a stage sets an endpoint to: a model and, with it, its transformations. */
export interface PairTarget {
  readonly model: string;
  readonly transforms: Readonly<Record<string, string>>;
}

/** Whether an endpoint serves exactly the target's model and transformations. */
export function servesPair(served: ServedPair | undefined, target: PairTarget): boolean {
  return (
    served?.model === target.model &&
    Object.entries(target.transforms).every(([name, uri]) => served.transforms[name] === uri)
  );
}

/** A served pair as a failure names it: the model, then each transformation. */
export function describePair(pair: ServedPair | undefined): string {
  const transforms = Object.entries(pair?.transforms ?? {});
  return `${pair?.model ?? "(none)"}${transforms.map(([n, uri]) => ` with "${n}" at ${uri}`).join("")}`;
}

/** The candidate as a stage sets it: its model and its transformations, by "[transform]" name. */
export function candidatePair(inputs: Pick<RolloutStageInputs, "candidate">): PairTarget {
  return {
    model: modelUri(inputs.candidate.model)!,
    transforms: Object.fromEntries(
      Object.entries(transformUris(inputs.candidate.transforms)).flatMap(([name, uri]) =>
        uri !== undefined ? [[name, uri]] : [],
      ),
    ),
  };
}

/**
 * Where a rollback takes an endpoint: the model it served before and the transformations it
 * served with it (`target`), or, when there is nothing to set, the endpoint's rollback as it
 * ends (`done`, with why).
 * @param endpoint - the staged endpoint, with what it recorded before its repoint
 * @param candidate - what the stage rolled out
 */
export function rollbackPlan(
  endpoint: StageEndpoint,
  candidate: PairTarget,
): { target: PairTarget } | { done: Rollback } {
  const names = Object.keys(candidate.transforms);
  const to = endpoint.previousModelUri;
  if (to === undefined) {
    return {
      done: {
        endpoint: endpoint.name,
        outcome:
          "not rolled back: no earlier model is recorded for it (created, or not repointed, since it joined a stage)",
      },
    };
  }
  // The old model behind the new transformation (or the reverse) is a pair that was never
  // trained together: without the earlier transformations the endpoint is left as it is.
  const unknown = names.filter((n) => endpoint.previousTransformUris?.[n] === undefined);
  if (unknown.length > 0) {
    return {
      done: {
        endpoint: endpoint.name,
        to,
        outcome: `not rolled back: no earlier transformation is recorded for it (${unknown.map((n) => `"${n}"`).join(", ")}), and its earlier model alone would not match the transformation it serves`,
      },
    };
  }
  const target: PairTarget = {
    model: to,
    transforms: Object.fromEntries(names.map((n) => [n, endpoint.previousTransformUris![n]])),
  };
  if (servesPair(candidate, target)) {
    return {
      done: {
        endpoint: endpoint.name,
        to,
        ...(names.length > 0 ? { transforms: target.transforms } : {}),
        outcome:
          names.length > 0
            ? "not rolled back: it served this model and these transformations before"
            : "not rolled back: it served this model before",
      },
    };
  }
  return { target };
}
