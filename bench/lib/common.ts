/**
 * Shared pieces of the benchmarks: the result shape every item returns, medians of interleaved
 * runs, and small formatting helpers.
 *
 * Rule of the suite (issue 6): every verdict is a ratio of two things measured side by side in
 * the same run, interleaved (A, B, A, B, ...) so that a noisy neighbour hurts both sides alike;
 * the goal is stated next to the measured ratio, and a missed goal is reported, never tuned away.
 */
import * as fs from "node:fs";

/** One line of RESULTS.md: a goal, the measured ratio, and whether it was met. */
export interface ItemResult {
  /** Item number and letter, e.g. "1a". */
  readonly id: string;
  /** Short title, e.g. "Content hash vs openssl". */
  readonly title: string;
  /** The goal as the issue states it, e.g. "≥ 0.9×". */
  readonly goal: string;
  /** The measured ratio (the verdict's number), or undefined when not measured. */
  readonly ratio?: number;
  /** How the ratio reads, e.g. "0.97× (ours 812 ms vs openssl 790 ms, medians of 5)". */
  readonly measured: string;
  /** True met, false missed, undefined not measured. */
  readonly met?: boolean;
  /** How it was measured, and why a goal was missed. */
  readonly notes: string;
  /** Raw numbers for results.json. */
  readonly raw?: Record<string, unknown>;
}

/** What every item gets. */
export interface BenchContext {
  /** A scratch directory, removed after the run. */
  readonly tmp: string;
  /** Size of the big training file in bytes. */
  readonly sizeBytes: number;
  /** Interleaved rounds for the big-file items. */
  readonly rounds: number;
  /**
   * Interleaved rounds for the rows whose verdict is the median of short per-round ratios
   * (training, BES, RRS: seconds per round, so noise from a shared machine moves single rounds).
   */
  readonly ratioRounds: number;
  /** Progress output (stderr). */
  log(line: string): void;
  /** The big census CSV (created on first use, shared by items 1, 2 and 6). */
  bigFile(): Promise<string>;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile (`p` in 0..1) of a non-empty list, e.g. p99 = percentile(xs, 0.99). */
export function percentile(values: ArrayLike<number>, p: number): number {
  return sortedPercentile(Float64Array.from(values).sort(), p);
}

/** {@link percentile} of a list already sorted in ascending order (no copy, no sort). */
export function sortedPercentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new Error("percentile of nothing");
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** The per-round ratios of two interleaved series, with their minimum, median and maximum. */
export interface RoundRatios {
  /** `a[i] / b[i]` for each round i. */
  readonly perRound: readonly number[];
  readonly min: number;
  /** The verdict's number. */
  readonly median: number;
  readonly max: number;
}

/**
 * Ratios round by round: each round's two runs are interleaved (same minute, same neighbours),
 * so a round's ratio cancels what a busy machine does to both, and the median of the rounds
 * ignores the odd round a neighbour spoiled for one side only.
 *
 * @param a - the numerator's value in each round
 * @param b - the denominator's value in each round (same length)
 */
export function roundRatios(a: readonly number[], b: readonly number[]): RoundRatios {
  if (a.length !== b.length || a.length === 0)
    throw new Error(`round ratios of ${a.length} and ${b.length} values`);
  const perRound = a.map((x, i) => x / b[i]);
  return {
    perRound,
    min: Math.min(...perRound),
    median: median(perRound),
    max: Math.max(...perRound),
  };
}

/**
 * A {@link RoundRatios} as the results table shows it, e.g. "median 0.74×, min 0.70× (per-round
 * 0.70–0.81, 7 rounds)".
 *
 * @param r - the ratios
 */
export function ratioText(r: RoundRatios): string {
  return `median ${times(r.median)}, min ${times(r.min)} (per-round ${range([...r.perRound], 2)}, ${r.perRound.length} rounds)`;
}

/** Min and max of a list, as "a–b". */
export function range(values: readonly number[], digits = 0): string {
  return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
}

/**
 * Runs each named contender once per round, rotating the order every round (A,B,C then B,C,A
 * ...) so no contender always runs first (cold caches) or last (a warmed-up machine).
 * Returns the durations in ms by name, plus whatever each run returned.
 */
export async function interleave<T>(
  rounds: number,
  contenders: Record<string, (round: number) => Promise<T>>,
  hooks: {
    beforeRound?: (round: number) => Promise<void>;
    afterRound?: (round: number) => Promise<void>;
    log?: (line: string) => void;
  } = {},
): Promise<{ ms: Record<string, number[]>; values: Record<string, T[]> }> {
  const names = Object.keys(contenders);
  const ms: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const values: Record<string, T[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    await hooks.beforeRound?.(round);
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      const t0 = performance.now();
      const value = await contenders[name](round);
      const elapsed = performance.now() - t0;
      ms[name].push(elapsed);
      values[name].push(value);
      hooks.log?.(`  round ${round + 1}/${rounds} ${name}: ${elapsed.toFixed(0)} ms`);
    }
    await hooks.afterRound?.(round);
  }
  return { ms, values };
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/** Throughput in MiB/s. */
export function mibPerSecond(bytes: number, ms: number): number {
  return bytes / (1024 * 1024) / (ms / 1000);
}

/** `x` with two decimals (two significant digits below 0.1) and a times sign. */
export function times(x: number): string {
  return `${x < 0.095 ? x.toPrecision(2) : x.toFixed(2)}×`;
}

/** Peak (VmHWM) and current (VmRSS) resident set of a process, in bytes. */
export function rssOf(pid: number): { peak: number; current: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key: string): number => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status);
    if (!match) throw new Error(`no ${key} in /proc/${pid}/status`);
    return Number(match[1]) * 1024;
  };
  return { peak: kib("VmHWM"), current: kib("VmRSS") };
}

/** Wall-clock union of [start, end] intervals (the time at least one was running), in ms. */
export function busyTime(intervals: readonly { start: number; end: number }[]): number {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const { start, end } of sorted) {
    if (start > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = start;
      curEnd = end;
    } else curEnd = Math.max(curEnd, end);
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

/** A result for an item that could not run, saying why. */
export function notMeasured(id: string, title: string, goal: string, why: string): ItemResult {
  return { id, title, goal, measured: `not measured: ${why}`, notes: why };
}
