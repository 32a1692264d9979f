/**
 * Runs BES jobs on worker threads, at most `--max-running-jobs` (Azure: 40) per service or
 * endpoint; started jobs beyond that wait in FIFO order. A waiting job reports `Running` with
 * `StartTime: null` (the swagger's status enum has no "Queued"; see `docs/emulator.md`).
 *
 * State lives in the metadata store, workers in memory. After a crash the store still says
 * `Running` for jobs whose worker died with the process: {@link JobRunner.recover} turns them
 * into `Failed` with Details on the next start.
 *
 * Worker threads and tsx: the worker file sits next to this one with the same extension; under
 * tsx (`.ts`) the worker needs tsx's CommonJS hook in its own execArgv. Workers come from a
 * {@link WorkerPool}: one whose job finished cleanly runs the next job (no thread start-up or
 * module loading per job); one whose job failed or was cancelled is terminated.
 */
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { EmulatorConfig } from "../config";
import { jobFailureDetails } from "../errors/engineErrors";
import { ErrorFactory } from "../errors/errorFactory";
import type { FaultInjector } from "../faults";
import type { Logger } from "../logger";
import type { ExecutionTarget } from "../services/executionTargets";
import type { MetadataStore } from "../store/metadataStore";
import type { ModelStore } from "../store/modelStore";
import type { JobModuleRun, JobRecord } from "../store/records";
import type { JobRemover } from "./jobRemover";
import type { ProducedModel, WorkerJob, WorkerMessage } from "./protocol";
import { WorkerPool } from "./workerPool";

/** Finds the target of a job by its execution id. */
export type TargetLookup = (executionId: string) => ExecutionTarget | undefined;

interface ActiveJob {
  readonly worker: Worker;
  readonly targetId: string;
  settled: boolean;
  /** The output log so far (progress lines and script output). */
  readonly log: OutputLog;
}

/** Most characters of output log a job keeps: the tail, when there is more. */
const OUTPUT_LOG_LIMIT = 256 * 1024;

/** A job's output log, bounded to its last {@link OUTPUT_LOG_LIMIT} characters. */
class OutputLog {
  private lines: string[] = [];
  private size = 0;
  private dropped = 0;

  /** @param line - one line */
  add(line: string): void {
    this.lines.push(line);
    this.size += line.length + 1;
    while (this.size > OUTPUT_LOG_LIMIT && this.lines.length > 1) {
      this.size -= this.lines[0].length + 1;
      this.lines.shift();
      this.dropped++;
    }
  }

  /** The log as text. */
  text(): string {
    const head = this.dropped > 0 ? [`... ${this.dropped} earlier line(s) not kept`] : [];
    return [...head, ...this.lines].join("\n");
  }
}

const WORKER_FILE = path.join(__dirname, "worker" + path.extname(__filename));

/**
 * Idle job workers kept warm, and for how long. Two: most emulators run one job at a time (a
 * retrain), and each idle worker holds the engine's heap (tens of MB).
 */
const POOL = { maxIdle: 2, idleMs: 60_000 } as const;

/** Starts a job worker (the worker waits for its job as a message). */
function startJobWorker(): Worker {
  return new Worker(WORKER_FILE, {
    execArgv: WORKER_FILE.endsWith(".ts") ? ["--require", require.resolve("tsx/cjs")] : [],
  });
}

/** Schedules, runs, cancels and recovers BES jobs. */
export class JobRunner implements JobRemover {
  private readonly active = new Map<string, ActiveJob>();
  private readonly exits = new Set<Promise<void>>();
  private readonly pool: WorkerPool;
  private closed = false;

  /**
   * @param config - job limit, strictness
   * @param store - job records
   * @param models - trained-model bytes
   * @param lookup - resolves a job's target
   * @param logger - log lines (progress at debug level)
   * @param faults - fault injection (`--fail-job-at-module`)
   */
  constructor(
    private readonly config: EmulatorConfig,
    private readonly store: MetadataStore,
    private readonly models: ModelStore,
    private readonly lookup: TargetLookup,
    private readonly logger: Logger,
    private readonly faults: Pick<FaultInjector, "failJobAtModule" | "recordJobFault">,
    createWorker: () => Worker = startJobWorker,
  ) {
    this.pool = new WorkerPool(createWorker, POOL);
  }

  /** Job workers started and reused so far, and idle now (for tests and logs). */
  workerStats(): { started: number; reused: number; idle: number } {
    return this.pool.stats();
  }

  /** Marks jobs that were running when the previous process died as Failed. */
  recover(): void {
    const now = new Date().toISOString();
    for (const job of this.store.listJobs(["Running"])) {
      const started = job.startTime ?? job.submittedToRunAt ?? job.createdAt;
      this.store.putJob({
        ...job,
        status: "Failed",
        endTime: now,
        details:
          `InternalError/EmulatorRestarted: the emulator stopped while this job was running ` +
          `(started ${started}); submit the job again.`,
      });
      this.logger.info(
        `job ${job.id}: marked Failed (the emulator restarted while it was running)`,
      );
    }
  }

  /** Number of jobs with a worker, per target (for tests and logs). */
  runningCount(targetId: string): number {
    let count = 0;
    for (const active of this.active.values()) if (active.targetId === targetId) count++;
    return count;
  }

  /**
   * Starts a NotStarted job: it runs now or waits for a slot.
   * @param job - the job
   */
  start(job: JobRecord): void {
    const now = new Date().toISOString();
    this.store.putJob({ ...job, status: "Running", submittedToRunAt: now, startTime: null });
    this.logger.info(`job ${job.id}: started`);
    this.pump(job.targetId);
  }

  /**
   * Cancels a NotStarted or Running job (terminating its worker).
   * @param job - the job
   */
  cancel(job: JobRecord): void {
    this.stopWorker(job.id);
    this.store.putJob({ ...job, status: "Cancelled", endTime: new Date().toISOString() });
    this.logger.info(`job ${job.id}: cancelled`);
    this.pump(job.targetId);
  }

  /**
   * Forgets a job (terminating its worker if any).
   * @param job - the job
   */
  remove(job: JobRecord): void {
    this.stopWorker(job.id);
    this.store.deleteJob(job.id);
    this.pump(job.targetId);
  }

  /**
   * Cancels and forgets every job of a service or endpoint being deleted.
   * @param targetId - its execution id
   */
  removeAllFor(targetId: string): void {
    for (const [jobId, active] of this.active)
      if (active.targetId === targetId) this.stopWorker(jobId);
    this.store.deleteJobsOf(targetId);
  }

  /** Terminates every worker; their jobs are marked Failed (the emulator stopped). */
  async close(): Promise<void> {
    this.closed = true;
    const now = new Date().toISOString();
    for (const jobId of [...this.active.keys()]) {
      const job = this.store.getJob(jobId);
      this.stopWorker(jobId);
      if (job) {
        this.store.putJob({
          ...job,
          status: "Failed",
          endTime: now,
          details:
            "InternalError/EmulatorStopped: the emulator was stopped while this job was running.",
        });
      }
    }
    await Promise.allSettled([...this.exits]);
    await this.pool.close();
  }

  private stopWorker(jobId: string): void {
    const active = this.active.get(jobId);
    if (!active) return;
    active.settled = true;
    this.active.delete(jobId);
    this.pool.discard(active.worker);
  }

  /** Gives free slots of a target to its oldest waiting jobs. */
  private pump(targetId: string): void {
    if (this.closed) return;
    let free = this.config.maxRunningJobs - this.runningCount(targetId);
    if (free <= 0) return;
    for (const job of this.store.listJobs(["Running"], targetId)) {
      if (free <= 0) break;
      if (job.startTime !== null || this.active.has(job.id)) continue;
      free--;
      this.launch(job);
    }
  }

  /**
   * Adds a module's start or end to a running job's timeline (what the portal shows live).
   * @param jobId - the job
   * @param event - the worker's message
   */
  private recordModule(jobId: string, event: Extract<WorkerMessage, { type: "module" }>): void {
    const current = this.store.getJob(jobId);
    if (!current || current.status !== "Running") return;
    const timeline: JobModuleRun[] = [...(current.timeline ?? [])];
    if (event.event === "started") {
      timeline.push({
        nodeId: event.nodeId,
        module: event.module,
        startedAt: event.at,
        endedAt: null,
      });
    } else {
      const at = timeline.findIndex((m) => m.nodeId === event.nodeId && m.endedAt === null);
      if (at < 0) return;
      timeline[at] = { ...timeline[at], endedAt: event.at };
    }
    this.store.putJob({ ...current, timeline });
  }

  private fail(job: JobRecord, details: string): void {
    this.store.putJob({ ...job, status: "Failed", endTime: new Date().toISOString(), details });
    this.logger.info(`job ${job.id}: failed: ${details}`);
  }

  private launch(queued: JobRecord): void {
    const target = this.lookup(queued.targetId);
    if (!target || !target.serving) {
      this.fail(
        queued,
        jobFailureDetails(ErrorFactory.serviceNotReady(target?.state ?? "unknown")),
      );
      return;
    }
    const trainedModels: Record<string, Uint8Array> = {};
    for (const { assetId, name } of target.serving.shape.trainedModels) {
      const sha = target.serving.models[assetId];
      if (!sha) {
        this.fail(queued, jobFailureDetails(ErrorFactory.missingTrainedModel(name)));
        return;
      }
      trainedModels[assetId] = this.models.get(sha);
    }
    const job = this.store.putJob({ ...queued, startTime: new Date().toISOString() });
    let data: WorkerJob = {
      jobId: job.id,
      properties: target.serving.properties,
      trainedModels,
      inputs: job.inputs,
      outputs: job.outputs,
      globalParameters: job.globalParameters,
      strict: this.config.strict,
      storageBase: this.config.storage,
      defaultStorage: target.defaultStorage,
      scripts: this.config.scripts,
    };
    const failAtModule = this.faults.failJobAtModule();
    if (failAtModule !== undefined) data = { ...data, failAtModule };
    const { worker, warm } = this.pool.acquire();
    const active: ActiveJob = {
      worker,
      targetId: job.targetId,
      settled: false,
      log: new OutputLog(),
    };
    this.active.set(job.id, active);
    let resolveExit: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => (resolveExit = resolve));
    this.exits.add(exited);
    const detach = (): void => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      this.exits.delete(exited);
      resolveExit();
    };
    const settle = (
      status: "Finished" | "Failed",
      details: string | null,
      models: readonly ProducedModel[] = [],
      workerAlive = true,
    ): void => {
      if (active.settled) return;
      active.settled = true;
      this.active.delete(job.id);
      const current = this.store.getJob(job.id);
      if (current && current.status === "Running") {
        if (details) active.log.add(`failed: ${details}`);
        const endTime = new Date().toISOString();
        this.store.transaction(() => {
          this.store.putJob({
            ...current,
            status,
            endTime,
            details,
            outputLog: active.log.text(),
            ...(models.length > 0
              ? { models: Object.fromEntries(models.map((m) => [m.port, m.sha256])) }
              : {}),
          });
          for (const model of models) {
            this.store.putModelReport({
              ...model,
              jobId: job.id,
              targetId: job.targetId,
              createdAt: endTime,
            });
          }
        });
        this.logger.info(`job ${job.id}: ${status}${details ? `: ${details}` : ""}`);
      }
      detach();
      // Only a worker whose job finished cleanly runs another: a failure may have left work
      // in flight (an upload, a script's process) that must not leak into the next job.
      if (status === "Finished" && workerAlive && !this.closed) this.pool.release(worker);
      else this.pool.discard(worker);
      this.pump(job.targetId);
    };
    const onMessage = (message: WorkerMessage): void => {
      if (active.settled) return;
      if (message.type === "progress") {
        active.log.add(message.line);
        this.logger.debug(`job ${job.id}: ${message.line}`);
      } else if (message.type === "module") this.recordModule(job.id, message);
      else if (message.type === "finished") settle("Finished", null, message.models);
      else {
        if (message.injectedAt !== undefined)
          this.faults.recordJobFault(job.id, message.injectedAt);
        settle("Failed", message.details);
      }
    };
    const onError = (error: Error): void => {
      this.logger.error(`job ${job.id}: worker error: ${error.stack ?? error.message}`);
      settle("Failed", `InternalError: the job's worker failed (${error.message}).`, [], false);
    };
    const onExit = (code: number): void => {
      settle(
        "Failed",
        `InternalError: the job's worker exited (code ${code}) without a result.`,
        [],
        false,
      );
      detach();
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage(data);
    this.logger.debug(
      `job ${job.id}: running on ${target.label} (${warm ? "warm" : "new"} worker)`,
    );
  }
}
