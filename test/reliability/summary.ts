/**
 * The reliability summary (issue 7): what the reliability tests injected, tried and measured,
 * counted while they run and reported once at the end of the mocha run: printed, and written to
 * `test-results/reliability-summary.json` (`reliability-summary.<group>.json` for each group of
 * `npm test`, whose groups are mocha processes of their own).
 *
 * Tests record only what they observed (a fault counts as survived only after the test checked
 * the served model), so the numbers are those of the assertions that passed: a failed test stops
 * before it records.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** One injected fault scenario and how the stack came through it. */
export interface FaultRecord {
  /** What was injected, e.g. "503 on 1 request in 4 (every surface)". */
  readonly fault: string;
  /** Faults the emulator (or the test) injected in this scenario (refused requests, kills...). */
  readonly injected: number;
  /** `survived`: the up succeeded and serves the new model; `failed clearly`: a named error. */
  readonly outcome: "survived" | "failed clearly";
  /** After a failure: the previous model was still served. */
  readonly previousModelServed?: boolean;
  /** The next up (fault removed) converged. */
  readonly converged: boolean;
  /** The test that checked it. */
  readonly test: string;
}

/** One bad (or edge-case) input and what rejected it. */
export interface BadInputRecord {
  /** Corpus entry, e.g. "header only". */
  readonly input: string;
  /** Where it was tried. */
  readonly stage: "provider check" | "emulator";
  /** `rejected` with a named error, or `accepted` (a valid edge case that must be accepted). */
  readonly outcome: "rejected" | "accepted";
  /** The named error: `property: reason` for check, `code/detail` for the emulator. */
  readonly error?: string;
}

/** The RRS load test. */
export interface LoadRecord {
  readonly seconds: number;
  readonly concurrency: number;
  readonly served: number;
  readonly failed: number;
  /** Responses matching the old / the new model (by the model each response came from). */
  readonly byModel: Readonly<Record<string, number>>;
  /** Responses matching neither model, e.g. a mix of rows of both. */
  readonly mixed: number;
  readonly patches: number;
  readonly besJobs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Everything recorded in this run. */
export interface ReliabilitySummary {
  faults: FaultRecord[];
  badInputs: BadInputRecord[];
  load: LoadRecord[];
  secrets: { scanned: Record<string, number>; secrets: number; leaks: number }[];
}

const summary: ReliabilitySummary = { faults: [], badInputs: [], load: [], secrets: [] };

/** Records a fault scenario (call after its assertions passed). */
export function recordFault(record: FaultRecord): void {
  summary.faults.push(record);
}

/** Records a corpus entry's outcome at one stage. */
export function recordBadInput(record: BadInputRecord): void {
  summary.badInputs.push(record);
}

/** Records a load run. */
export function recordLoad(record: LoadRecord): void {
  summary.load.push(record);
}

/** Records a secrets scan: bytes scanned per source, secrets looked for, leaks found. */
export function recordSecretsScan(
  scanned: Record<string, number>,
  secrets: number,
  leaks: number,
): void {
  summary.secrets.push({ scanned, secrets, leaks });
}

/** The totals the issue asks for. */
export function totals(): Record<string, number> {
  const rejected = summary.badInputs.filter((b) => b.outcome === "rejected");
  const inputs = new Set(summary.badInputs.map((b) => b.input));
  const rejectedInputs = new Set(rejected.map((b) => b.input));
  return {
    faultScenarios: summary.faults.length,
    faultsInjected: summary.faults.reduce((n, f) => n + f.injected, 0),
    faultScenariosSurvived: summary.faults.filter((f) => f.outcome === "survived").length,
    faultScenariosFailedClearly: summary.faults.filter((f) => f.outcome === "failed clearly")
      .length,
    faultScenariosConverged: summary.faults.filter((f) => f.converged).length,
    badInputsTried: inputs.size,
    badInputAttempts: summary.badInputs.length,
    badInputsRejectedWithNamedError: rejectedInputs.size,
    badInputAttemptsRejected: rejected.length,
    edgeCasesAccepted: [...inputs].filter((i) => !rejectedInputs.has(i)).length,
    requestsServed: summary.load.reduce((n, l) => n + l.served, 0),
    requestsFailed: summary.load.reduce((n, l) => n + l.failed, 0),
    secretLeaks: summary.secrets.reduce((n, x) => n + x.leaks, 0),
  };
}

function report(): void {
  const empty =
    summary.faults.length + summary.badInputs.length + summary.load.length + summary.secrets.length;
  if (empty === 0) return;
  const t = totals();
  const lines = ["", "  Reliability summary (issue 7)"];
  if (summary.faults.length > 0) {
    lines.push(
      `    faults: ${t.faultsInjected} injected in ${t.faultScenarios} scenarios; ${t.faultScenariosSurvived} survived, ${t.faultScenariosFailedClearly} failed clearly (named error, previous model kept), ${t.faultScenariosConverged} converged once the fault was gone`,
      ...summary.faults.map(
        (f) =>
          `      - ${f.fault}: ${f.injected} injected, ${f.outcome}${f.previousModelServed ? " (previous model served)" : ""}${f.converged ? ", converged" : ""}`,
      ),
    );
  }
  if (summary.badInputs.length > 0) {
    lines.push(
      `    bad inputs: ${t.badInputsTried} tried (${t.badInputAttempts} attempts), ${t.badInputsRejectedWithNamedError} rejected with a named error (${t.badInputAttemptsRejected} attempts), ${t.edgeCasesAccepted} valid edge cases accepted`,
    );
  }
  for (const l of summary.load) {
    const models = Object.entries(l.byModel)
      .map(([m, n]) => `${m} ${n}`)
      .join(", ");
    lines.push(
      `    load: ${l.served} requests served, ${l.failed} failed (${l.mixed} mixed), ${l.seconds} s at concurrency ${l.concurrency}; ${models}; ${l.patches} PATCHes, ${l.besJobs} BES jobs; p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms`,
    );
  }
  for (const s of summary.secrets) {
    const sources = Object.entries(s.scanned)
      .map(([k, v]) => `${k} (${v} B)`)
      .join(", ");
    lines.push(`    secrets: ${s.secrets} secrets looked for in ${sources}: ${s.leaks} found`);
  }
  lines.push("");
  process.stdout.write(lines.join("\n") + "\n");
  const dir = path.resolve(__dirname, "..", "..", "test-results");
  fs.mkdirSync(dir, { recursive: true });
  // Under `npm test` each group of suites is a mocha process of its own, with its own summary.
  const group = process.env.TEST_GROUP;
  fs.writeFileSync(
    path.join(dir, group ? `reliability-summary.${group}.json` : "reliability-summary.json"),
    JSON.stringify({ writtenAt: new Date().toISOString(), totals: t, ...summary }, null, 2) + "\n",
  );
}

// A root-level hook (this module is loaded once per run, whichever test file imports it first):
// the report comes after every suite, once.
after(report);
