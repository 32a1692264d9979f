/**
 * Fault injection: the emulator misbehaving on purpose, so that the clients' retries and the
 * providers' failure paths can be tested against something real (issue 7). Off by default; the
 * settings come from the `--fault-*` flags ({@link FaultSettings}) and can be changed while the
 * emulator runs ({@link FaultInjector.configure}, for tests that switch a fault off and check that
 * the next `up` converges).
 *
 * Two seams:
 * - requests: {@link FaultInjector.interceptor} runs in `createApp`'s interceptor hook, after the
 *   request id and before authentication and any work. A refused request therefore changes
 *   nothing (a client may retry even a POST), and it is answered in its surface's envelope with
 *   `Retry-After`, as a throttling gateway in front of the service would.
 * - jobs: {@link FaultInjector.failJobAtModule} is read by the job runner when a job gets its
 *   worker; the worker fails the job with a module error when that module starts.
 *
 * `/health` is never slowed down or refused: readiness checks must keep telling the truth.
 */
import type { FastifyRequest } from "fastify";
import {
  faultsActive,
  resolveFaultSettings,
  type FaultOptions,
  type FaultSettings,
} from "./config";
import { ErrorFactory } from "./errors";
import type { Logger } from "./logger";
import type { RequestInterceptor } from "./requestContext";

export type { FaultOptions } from "./config";

/** What the injector did since the emulator started. */
export interface FaultStats {
  /** Requests that matched `--fault-paths` (all but `/health` when unset), while active. */
  readonly matched: number;
  /** Requests that were slowed down by `--fault-latency-ms`. */
  readonly delayed: number;
  /** Requests refused with 429/503. */
  readonly injected: number;
  /** Jobs failed at `--fail-job-at-module`. */
  readonly jobsFailed: number;
}

/** What to do with one request. */
export interface FaultDecision {
  /** Delay before going on, in ms (0 = none). */
  readonly delayMs: number;
  /** Refuse the request with the configured status. */
  readonly refuse: boolean;
}

/**
 * A small seeded generator (mulberry32): the same seed gives the same sequence of draws, so a
 * `--fault-rate` run can be replayed.
 * @param seed - any 32-bit integer
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides, per request and per job, which faults to inject. */
export class FaultInjector {
  private current!: FaultSettings;
  private pattern: RegExp | undefined;
  private random: () => number = Math.random;
  /** Matching requests and refusals since the settings last changed (`every`, `count`). */
  private window = { matched: 0, refused: 0 };
  private totals = { matched: 0, delayed: 0, injected: 0, jobsFailed: 0 };

  /**
   * @param settings - the resolved settings (`config.faults`)
   * @param logger - one info line per injected fault
   */
  constructor(
    settings: FaultSettings,
    private readonly logger: Logger,
  ) {
    this.apply(settings);
  }

  private apply(settings: FaultSettings): void {
    this.current = settings;
    this.pattern = settings.paths === undefined ? undefined : new RegExp(settings.paths);
    this.random = settings.seed === undefined ? Math.random : seededRandom(settings.seed);
    this.window = { matched: 0, refused: 0 };
  }

  /** The settings in force. */
  get settings(): FaultSettings {
    return this.current;
  }

  /** Whether any fault is injected. */
  get active(): boolean {
    return faultsActive(this.current);
  }

  /** Counters since the emulator started (a copy). */
  get stats(): FaultStats {
    return { ...this.totals };
  }

  /**
   * Replaces the settings (options not given take their defaults, as on the command line) and
   * restarts the `every`/`count` window and the seeded sequence. Throws a `RangeError` naming a
   * bad option, leaving the settings unchanged.
   * @param options - the new fault options; `{}` switches every fault off
   */
  configure(options: FaultOptions): void {
    this.apply(resolveFaultSettings(options));
    this.logger.info(`fault injection ${this.active ? `set: ${this.describe()}` : "off"}`);
  }

  /** One line describing the settings, for the startup banner and logs. */
  describe(): string {
    const s = this.current;
    const parts: string[] = [];
    if (s.rate > 0 || s.every > 0) {
      const which =
        s.every > 0
          ? `one request in ${s.every}`
          : `${s.rate * 100}% of requests${s.seed !== undefined ? ` (seed ${s.seed})` : ""}`;
      const limit = s.count !== undefined ? `, at most ${s.count}` : "";
      parts.push(`${s.status} (Retry-After ${s.retryAfterSeconds} s) on ${which}${limit}`);
    }
    if (s.latencyMs > 0) parts.push(`+${s.latencyMs} ms on every request`);
    if (s.paths !== undefined && parts.length > 0) parts.push(`matching /${s.paths}/`);
    if (s.failJobAtModule !== undefined) parts.push(`jobs fail at module "${s.failJobAtModule}"`);
    return parts.length > 0 ? parts.join(", ") : "none";
  }

  /**
   * The decision for one request (counts it). Exposed for unit tests; the interceptor uses it.
   * @param method - HTTP method
   * @param path - the path, without the query
   */
  decide(method: string, path: string): FaultDecision {
    const s = this.current;
    const requestFaults = s.rate > 0 || s.every > 0;
    const health = path.toLowerCase().replace(/\/+$/, "") === "/health";
    if (health || (!requestFaults && s.latencyMs === 0)) {
      return { delayMs: 0, refuse: false };
    }
    if (this.pattern && !this.pattern.test(`${method.toUpperCase()} ${path}`)) {
      return { delayMs: 0, refuse: false };
    }
    this.window.matched++;
    this.totals.matched++;
    let refuse = false;
    if (requestFaults && (s.count === undefined || this.window.refused < s.count)) {
      refuse = s.every > 0 ? this.window.matched % s.every === 0 : this.random() < s.rate;
    }
    if (refuse) {
      this.window.refused++;
      this.totals.injected++;
    }
    if (s.latencyMs > 0) this.totals.delayed++;
    return { delayMs: s.latencyMs, refuse };
  }

  /**
   * The request hook: delays, then refuses with 429/503 (the error handler answers it in the
   * envelope of the request's surface).
   */
  readonly interceptor: RequestInterceptor = async (request: FastifyRequest) => {
    const path = request.url.split("?")[0];
    // The settings of this request's decision, even if a test changes them during the delay.
    const settings = this.current;
    const decision = this.decide(request.method, path);
    if (decision.delayMs > 0) await new Promise((r) => setTimeout(r, decision.delayMs));
    if (!decision.refuse) return;
    const retryAfter = String(settings.retryAfterSeconds);
    this.logger.info(
      `fault injected: ${settings.status} on ${request.method} ${path} (${request.id})`,
    );
    throw settings.status === 429
      ? ErrorFactory.faultThrottled(retryAfter)
      : ErrorFactory.faultUnavailable(retryAfter);
  };

  /** The Studio module at which jobs launched now must fail, if any. */
  failJobAtModule(): string | undefined {
    return this.current.failJobAtModule;
  }

  /**
   * Counts a job failed on purpose (the runner calls it when the worker reports the fault).
   * @param jobId - the job
   * @param module - the module it failed at
   */
  recordJobFault(jobId: string, module: string): void {
    this.totals.jobsFailed++;
    this.logger.info(`fault injected: job ${jobId} failed at module "${module}"`);
  }
}
