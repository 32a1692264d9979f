/**
 * Calls per service or endpoint, for the portal's dashboards: the classic execution API's (the
 * classic portal showed each endpoint's request-response and batch calls), and each v2 online
 * deployment's scoring calls ({@link v2CallKey}). Totals since the emulator started, and counts
 * per minute over the last hour. Kept in memory, as a running counter: a restart starts them
 * again (the jobs themselves are in the store).
 *
 * Recording is a map lookup and a few additions, on the scoring path of every call.
 */
import type { CallMinuteView, CallsView, CallTotalsView } from "../portal/api";

/** The kind of call: an RRS `…/execute`, or a BES job submission (`POST …/jobs`). */
export type CallKind = "rrs" | "bes";

/** Minutes kept per kind of call (the dashboard's hour). */
export const CALL_MINUTES = 60;

interface Counter {
  calls: number;
  failed: number;
  totalMs: number;
  maxMs: number;
  lastAt: number;
  /** Ring of the last {@link CALL_MINUTES} minutes: the minute number held, and its counts. */
  readonly minute: Float64Array;
  readonly perMinute: Uint32Array;
  readonly failedPerMinute: Uint32Array;
}

function newCounter(): Counter {
  return {
    calls: 0,
    failed: 0,
    totalMs: 0,
    maxMs: 0,
    lastAt: 0,
    minute: new Float64Array(CALL_MINUTES).fill(-1),
    perMinute: new Uint32Array(CALL_MINUTES),
    failedPerMinute: new Uint32Array(CALL_MINUTES),
  };
}

function totals(counter: Counter | undefined): CallTotalsView {
  if (!counter || counter.calls === 0) {
    return { calls: 0, failed: 0, meanMs: undefined, maxMs: undefined, lastAt: undefined };
  }
  return {
    calls: counter.calls,
    failed: counter.failed,
    meanMs: counter.totalMs / counter.calls,
    maxMs: counter.maxMs,
    lastAt: new Date(counter.lastAt).toISOString(),
  };
}

/** Counts of one minute of a counter (0 when the ring holds another minute there). */
function inMinute(counter: Counter | undefined, minute: number): [number, number] {
  if (!counter) return [0, 0];
  const slot = minute % CALL_MINUTES;
  if (counter.minute[slot] !== minute) return [0, 0];
  return [counter.perMinute[slot], counter.failedPerMinute[slot]];
}

/** Calls by key (a classic target's execution id, or a v2 deployment's {@link v2CallKey}) and kind. */
export class CallStats {
  private readonly counters = new Map<string, { rrs?: Counter; bes?: Counter }>();
  private readonly since: number;

  /** @param now - the clock (tests move it) */
  constructor(private readonly now: () => number = Date.now) {
    this.since = now();
  }

  /**
   * Counts one answered call.
   * @param executionId - the service or endpoint (its execution id), or a v2 deployment's key
   * @param kind - RRS or BES (a v2 scoring call is an RRS call)
   * @param status - the HTTP status answered
   * @param ms - time to answer
   */
  record(executionId: string, kind: CallKind, status: number, ms: number): void {
    let byKind = this.counters.get(executionId);
    if (!byKind) {
      byKind = {};
      this.counters.set(executionId, byKind);
    }
    const counter = (byKind[kind] ??= newCounter());
    const at = this.now();
    const failed = status >= 400;
    counter.calls++;
    if (failed) counter.failed++;
    counter.totalMs += ms;
    if (ms > counter.maxMs) counter.maxMs = ms;
    counter.lastAt = at;
    const minute = Math.floor(at / 60_000);
    const slot = minute % CALL_MINUTES;
    if (counter.minute[slot] !== minute) {
      counter.minute[slot] = minute;
      counter.perMinute[slot] = 0;
      counter.failedPerMinute[slot] = 0;
    }
    counter.perMinute[slot]++;
    if (failed) counter.failedPerMinute[slot]++;
  }

  /** The minute now (minutes since the epoch): pass it to read several keys at one time. */
  currentMinute(): number {
    return Math.floor(this.now() / 60_000);
  }

  /**
   * When counting started, and the starts of the last {@link CALL_MINUTES} minutes up to
   * `current` (last).
   * @param current - the last minute (default: now)
   */
  window(current = this.currentMinute()): { since: string; minutes: string[] } {
    const minutes: string[] = [];
    for (let minute = current - CALL_MINUTES + 1; minute <= current; minute++) {
      minutes.push(new Date(minute * 60_000).toISOString());
    }
    return { since: new Date(this.since).toISOString(), minutes };
  }

  /**
   * A target's calls: totals, and the last {@link CALL_MINUTES} minutes up to `current` (last).
   * @param executionId - the service or endpoint
   * @param current - the last minute (default: now)
   */
  snapshot(executionId: string, current = this.currentMinute()): CallsView {
    const byKind = this.counters.get(executionId);
    const { since, minutes } = this.window(current);
    const perMinute: CallMinuteView[] = minutes.map((start, i) => {
      const minute = current - CALL_MINUTES + 1 + i;
      const [rrs, rrsFailed] = inMinute(byKind?.rrs, minute);
      const [bes, besFailed] = inMinute(byKind?.bes, minute);
      return { minute: start, rrs, rrsFailed, bes, besFailed };
    });
    return {
      since,
      rrs: totals(byKind?.rrs),
      bes: totals(byKind?.bes),
      perMinute,
    };
  }
}

/**
 * The key of a v2 online deployment's scoring calls (endpoint names are unique in the emulator,
 * and case-insensitive as Azure's).
 * @param endpoint - the endpoint
 * @param deployment - the deployment that answered
 */
export function v2CallKey(endpoint: string, deployment: string): string {
  return `v2:${endpoint.toLowerCase()}/${deployment.toLowerCase()}`;
}
