/**
 * Warm worker threads for BES jobs. Starting a thread and loading the engine into it (under tsx,
 * compiling every module again) cost a job 0.2–6 s, depending on the machine's load (bench row 8);
 * a worker whose job finished cleanly is kept and given the next job instead.
 *
 * Isolation stays per job where it matters: a job that is cancelled, fails or times out has its
 * worker terminated, never reused; a worker that dies while idle is dropped, and the next job
 * gets a fresh one. Idle workers do not keep the process alive (`unref`), and one idle for
 * longer than the idle time is terminated, so an emulator that ran one job does not hold a
 * thread for ever.
 */
import type { Worker } from "node:worker_threads";

/** How many idle workers a pool keeps, and for how long. */
export interface WorkerPoolOptions {
  /** Most idle workers kept; a released worker beyond that is terminated. */
  readonly maxIdle: number;
  /** An idle worker is terminated after this many milliseconds without a job. */
  readonly idleMs: number;
}

interface IdleWorker {
  readonly worker: Worker;
  readonly timer: NodeJS.Timeout;
  readonly onGone: () => void;
}

/** A pool of reusable worker threads (lazily started: an emulator that runs no job starts none). */
export class WorkerPool {
  private readonly idle: IdleWorker[] = [];
  private closed = false;
  private started = 0;
  private reused = 0;

  /**
   * @param create - starts a fresh worker (its module loaded, waiting for a job message)
   * @param options - idle limits
   */
  constructor(
    private readonly create: () => Worker,
    private readonly options: WorkerPoolOptions,
  ) {}

  /** Workers started so far, and jobs given to an already started one (for tests and logs). */
  stats(): { started: number; reused: number; idle: number } {
    return { started: this.started, reused: this.reused, idle: this.idle.length };
  }

  /**
   * A worker for one job: an idle one if any, else a fresh one. The caller owns it until it
   * hands it back with {@link release} or {@link discard}.
   */
  acquire(): { worker: Worker; warm: boolean } {
    if (this.closed) throw new Error("the worker pool is closed");
    const taken = this.idle.pop();
    if (taken) {
      clearTimeout(taken.timer);
      taken.worker.off("exit", taken.onGone);
      taken.worker.off("error", taken.onGone);
      taken.worker.ref();
      this.reused++;
      return { worker: taken.worker, warm: true };
    }
    const worker = this.create();
    this.started++;
    return { worker, warm: false };
  }

  /**
   * Takes back a worker whose job finished cleanly: kept for the next job, or terminated when
   * the pool is closed or already holds its most idle workers.
   * @param worker - a worker from {@link acquire}, with its job's listeners removed
   */
  release(worker: Worker): void {
    if (this.closed || this.idle.length >= this.options.maxIdle) {
      void worker.terminate();
      return;
    }
    const onGone = (): void => this.drop(worker);
    worker.once("exit", onGone);
    worker.once("error", onGone);
    const timer = setTimeout(() => {
      this.drop(worker);
      void worker.terminate();
    }, this.options.idleMs);
    timer.unref();
    worker.unref();
    this.idle.push({ worker, timer, onGone });
  }

  /**
   * Terminates a worker that must not run another job (its job failed, was cancelled, or the
   * worker itself failed).
   * @param worker - a worker from {@link acquire}
   */
  discard(worker: Worker): void {
    void worker.terminate();
  }

  /**
   * Terminates the idle workers and waits for them to exit; later releases terminate too. The
   * workers acquired and not handed back are their holders' to stop.
   */
  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    for (const { worker, timer, onGone } of idle) {
      clearTimeout(timer);
      worker.off("exit", onGone);
      worker.off("error", onGone);
    }
    await Promise.allSettled(idle.map(({ worker }) => worker.terminate()));
  }

  private drop(worker: Worker): void {
    const at = this.idle.findIndex((w) => w.worker === worker);
    if (at < 0) return;
    const [gone] = this.idle.splice(at, 1);
    clearTimeout(gone.timer);
    worker.off("exit", gone.onGone);
    worker.off("error", gone.onGone);
  }
}
