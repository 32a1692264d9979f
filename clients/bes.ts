/**
 * Batch Execution Service client (`docs/contracts.md` §1): submit, start, status, cancel,
 * and a wait loop with its own deadline (the Pulumi engine enforces none on a dynamic provider).
 */
import { sleep } from "./sleep";
import { namedError, type NamedError } from "./errors";
import { JsonHttpClient, isServiceError, type HttpClientOptions } from "./http";
import {
  BES_STATUS_NAMES,
  type AzureBlobDataReference,
  type BatchExecutionRequest,
  type BatchExecutionStatus,
  type BesStatusName,
} from "../contract";

const API_VERSION = "api-version=2.0";

/** A job status in one shape, whatever form the service used. */
export interface JobStatus {
  /** State name. */
  readonly state: BesStatusName;
  /** Output blob references by output port name (empty until Finished). */
  readonly results: Record<string, AzureBlobDataReference>;
  /** Error text of a failed job. */
  readonly details?: string;
  /** When the job started running (ISO 8601), when the service reports it. */
  readonly startTime?: string;
  /** When the job ended (ISO 8601), when the service reports it. */
  readonly endTime?: string;
}

/** States after which a job never changes. */
export const TERMINAL_STATES: readonly BesStatusName[] = ["Finished", "Failed", "Cancelled"];

/**
 * Reads `StatusCode` as the swagger's name, the older integer 0..4, or a numeric string, as
 * python-azureml-client does. Unknown values throw: guessing a state could promote a failed job.
 */
export function normalizeStatusCode(code: unknown): BesStatusName {
  if (
    typeof code === "number" &&
    Number.isInteger(code) &&
    code >= 0 &&
    code < BES_STATUS_NAMES.length
  ) {
    return BES_STATUS_NAMES[code];
  }
  if (typeof code === "string") {
    const trimmed = code.trim();
    if (/^\d+$/.test(trimmed)) return normalizeStatusCode(Number(trimmed));
    const byName = BES_STATUS_NAMES.find((n) => n.toLowerCase() === trimmed.toLowerCase());
    if (byName) return byName;
  }
  throw new Error(`unknown BES StatusCode ${JSON.stringify(code)}`);
}

/** Normalizes a raw status body: `Results`, or the legacy single `Result` as `output1`. */
export function normalizeJobStatus(raw: BatchExecutionStatus): JobStatus {
  const statusCode = raw.StatusCode ?? (raw as unknown as Record<string, unknown>)["Status Code"];
  const results = raw.Results ?? (raw.Result ? { output1: raw.Result } : {});
  return {
    state: normalizeStatusCode(statusCode),
    results: results ?? {},
    details: raw.Details ?? undefined,
    ...(raw.StartTime ? { startTime: raw.StartTime } : {}),
    ...(raw.EndTime ? { endTime: raw.EndTime } : {}),
  };
}

/** Options of {@link BesClient.waitForCompletion}. */
export interface WaitOptions {
  /** Absolute deadline (ms since epoch); the job is cancelled when it passes. */
  readonly deadline: number;
  /** Shortest poll interval in ms (default 250). */
  readonly initialIntervalMs?: number;
  /** Longest poll interval in ms (default 15 000). */
  readonly maxIntervalMs?: number;
  /** Called when the state changes, with the time since waiting started. */
  readonly onStateChange?: (state: BesStatusName, elapsedMs: number) => void;
}

/** Members of the error raised when a job misses its deadline (it is cancelled). */
export interface JobTimeout {
  readonly jobId: string;
  readonly lastState: BesStatusName;
}

/** Builds the error raised when a job misses its deadline. */
export function jobTimeoutError(
  jobId: string,
  lastState: BesStatusName,
  deadlineMinutes: number,
): NamedError<JobTimeout> {
  return namedError(
    "JobTimeoutError",
    `BES job ${jobId} did not finish within its deadline (${deadlineMinutes.toFixed(1)} min; last state ${lastState}); it was cancelled`,
    { jobId, lastState },
  );
}

/**
 * How long to wait before the next status read: a twentieth of the time waited so far, between
 * `min` and `max`. The end of a job is then noticed late by at most ~5 % of its run time (or
 * `min`), with a few hundred reads for a 2 h job. A geometric back-off (1.5x per read) noticed a
 * 2.5 s job up to 2.2 s late, most of a retrain's overhead (bench item 4).
 * @param waitedMs - time since waiting started
 * @param min - shortest interval (default 250 ms)
 * @param max - longest interval (default 15 s)
 */
export function pollIntervalMs(waitedMs: number, min = 250, max = 15_000): number {
  return Math.min(max, Math.max(min, waitedMs / 20));
}

/** Client of one service's or endpoint's BES API. */
export class BesClient {
  private readonly http: JsonHttpClient;
  private readonly base: string;

  /**
   * @param base - the execution base URL (a classic endpoint's `ApiLocation`, or an ARM service's
   *   swagger location without `/swagger.json`)
   * @param apiKey - the service's or endpoint's primary or secondary key
   * @param options - retry and timeout options
   */
  constructor(base: string, apiKey: string, options: Omit<HttpClientOptions, "credential"> = {}) {
    this.base = base.replace(/\/+$/, "");
    this.http = new JsonHttpClient({ ...options, credential: { kind: "token", token: apiKey } });
  }

  /** Registers a job (state NotStarted) and returns its id. */
  async submit(request: BatchExecutionRequest): Promise<string> {
    const res = await this.http.request<unknown>(
      "POST",
      `${this.base}/jobs?${API_VERSION}`,
      request,
    );
    const id = typeof res.body === "string" ? res.body.replace(/^"|"$/g, "") : undefined;
    if (!id) throw new Error(`BES submit answered without a job id (status ${res.status})`);
    return id;
  }

  /**
   * Starts a submitted job. A retried start whose first attempt got through answers
   * `CannotStartJob`; that is success when the job is already past NotStarted.
   */
  async start(jobId: string): Promise<void> {
    try {
      await this.http.request(
        "POST",
        `${this.base}/jobs/${encodeURIComponent(jobId)}/start?${API_VERSION}`,
        "",
      );
    } catch (e) {
      if (isServiceError(e, 400) && e.detailCode === "CannotStartJob") {
        const status = await this.status(jobId);
        if (status.state !== "NotStarted") return;
      }
      throw e;
    }
  }

  /** Reads a job's status (each read mints fresh SAS tokens for the results). */
  async status(jobId: string): Promise<JobStatus> {
    const res = await this.http.request<BatchExecutionStatus>(
      "GET",
      `${this.base}/jobs/${encodeURIComponent(jobId)}?${API_VERSION}`,
    );
    return normalizeJobStatus(res.body);
  }

  /** Cancels a running job, or deletes a finished one. A job already gone is not an error. */
  async cancel(jobId: string): Promise<void> {
    await this.http.request(
      "DELETE",
      `${this.base}/jobs/${encodeURIComponent(jobId)}?${API_VERSION}`,
      undefined,
      {
        passStatuses: [404],
      },
    );
  }

  /**
   * Polls until the job is Finished, Failed or Cancelled, at {@link pollIntervalMs}. At the
   * deadline the job is cancelled and a `JobTimeoutError` ({@link jobTimeoutError}) thrown.
   */
  async waitForCompletion(jobId: string, options: WaitOptions): Promise<JobStatus> {
    const started = Date.now();
    let last: BesStatusName | undefined;
    for (;;) {
      const status = await this.status(jobId);
      if (status.state !== last) {
        last = status.state;
        options.onStateChange?.(status.state, Date.now() - started);
      }
      if (TERMINAL_STATES.includes(status.state)) return status;
      const remaining = options.deadline - Date.now();
      if (remaining <= 0) {
        await this.cancel(jobId).catch(() => undefined);
        throw jobTimeoutError(jobId, status.state, (options.deadline - started) / 60_000);
      }
      const wait = pollIntervalMs(
        Date.now() - started,
        options.initialIntervalMs,
        options.maxIntervalMs,
      );
      await sleep(Math.min(wait, remaining));
    }
  }
}
