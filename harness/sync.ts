/**
 * The two ways the engine orders work: one at a time (the step generator handles one
 * registration at a time, the snapshot manager one write at a time) and at most N at once (the
 * step executor's workers, `--parallel`).
 */

/** At most `limit` holders at once, first come first served. */
export class Semaphore {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** The most holders seen at once. */
  peak = 0;

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`a semaphore needs a limit of 1 or more, got ${limit}`);
  }

  /** Runs `work` holding one permit. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.peak = Math.max(this.peak, this.running);
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** One holder at a time. */
export class Mutex extends Semaphore {
  constructor() {
    super(1);
  }
}
