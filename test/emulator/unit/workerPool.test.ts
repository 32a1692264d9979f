/**
 * The BES worker pool (`emulator/jobs/workerPool.ts`) with real worker threads: a released
 * worker runs the next job, a crashed or discarded one is replaced, idle workers are bounded in
 * number and time, and closing stops them all.
 */
import { expect } from "chai";
import { Worker } from "node:worker_threads";
import { WorkerPool } from "../../../emulator/jobs/workerPool";

/** A worker that answers each message with its thread id, and exits with code 7 on "crash". */
const ECHO = `
const { parentPort, threadId } = require("node:worker_threads");
parentPort.on("message", (m) => {
  if (m === "crash") process.exit(7);
  parentPort.postMessage({ threadId, m });
});`;

function echoWorker(): Worker {
  return new Worker(ECHO, { eval: true });
}

function ask(worker: Worker): Promise<{ threadId: number; m: string }> {
  return new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

function exitOf(worker: Worker): Promise<number> {
  return new Promise((resolve) => worker.once("exit", resolve));
}

describe("BES worker pool", function () {
  this.timeout(20_000);
  let pool: WorkerPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it("gives a released worker to the next job instead of starting one", async () => {
    pool = new WorkerPool(echoWorker, { maxIdle: 2, idleMs: 60_000 });
    const first = pool.acquire();
    expect(first.warm).to.equal(false);
    const reply = ask(first.worker);
    first.worker.postMessage("a");
    const { threadId } = await reply;
    pool.release(first.worker);
    expect(pool.stats()).to.deep.equal({ started: 1, reused: 0, idle: 1 });

    const second = pool.acquire();
    expect(second.warm).to.equal(true);
    expect(second.worker).to.equal(first.worker);
    const again = ask(second.worker);
    second.worker.postMessage("b");
    expect(await again).to.deep.equal({ threadId, m: "b" });
    expect(pool.stats()).to.deep.equal({ started: 1, reused: 1, idle: 0 });
    pool.discard(second.worker);
  });

  it("replaces an idle worker that crashed, and never reuses a discarded one", async () => {
    pool = new WorkerPool(echoWorker, { maxIdle: 2, idleMs: 60_000 });
    const a = pool.acquire().worker;
    pool.release(a);
    const exited = exitOf(a);
    a.postMessage("crash");
    expect(await exited).to.equal(7);
    expect(pool.stats().idle).to.equal(0);
    const b = pool.acquire();
    expect(b.warm).to.equal(false);
    expect(b.worker).not.to.equal(a);

    const bExit = exitOf(b.worker);
    pool.discard(b.worker);
    await bExit;
    const c = pool.acquire();
    expect(c.warm).to.equal(false);
    expect(pool.stats()).to.deep.equal({ started: 3, reused: 0, idle: 0 });
    const reply = ask(c.worker);
    c.worker.postMessage("still serves");
    expect((await reply).m).to.equal("still serves");
    pool.discard(c.worker);
  });

  it("keeps at most maxIdle workers and terminates the others", async () => {
    pool = new WorkerPool(echoWorker, { maxIdle: 1, idleMs: 60_000 });
    const a = pool.acquire().worker;
    const b = pool.acquire().worker;
    const bExit = exitOf(b);
    pool.release(a);
    pool.release(b);
    await bExit;
    expect(b.threadId, "b was terminated").to.equal(-1);
    expect(pool.stats()).to.deep.equal({ started: 2, reused: 0, idle: 1 });
    const again = pool.acquire().worker;
    expect(again).to.equal(a);
    pool.discard(again);
  });

  it("terminates a worker idle for longer than idleMs", async () => {
    pool = new WorkerPool(echoWorker, { maxIdle: 2, idleMs: 50 });
    const a = pool.acquire().worker;
    const exited = exitOf(a);
    pool.release(a);
    await exited;
    expect(a.threadId, "a was terminated").to.equal(-1);
    expect(pool.stats().idle).to.equal(0);
    const fresh = pool.acquire();
    expect(fresh.warm).to.equal(false);
    pool.discard(fresh.worker);
  });

  it("close() terminates idle workers, waits for them, and refuses new jobs", async () => {
    const closing = new WorkerPool(echoWorker, { maxIdle: 2, idleMs: 60_000 });
    const a = closing.acquire().worker;
    let exited = false;
    a.once("exit", () => (exited = true));
    closing.release(a);
    await closing.close();
    expect(exited).to.equal(true);
    expect(() => closing.acquire()).to.throw(/^the worker pool is closed$/);
  });
});
