/**
 * The second thread of a large CSV parse (`csv.ts`, `parseInTwo`): a worker
 * (`csvHelperWorker.ts`) that parses the second half of the rows while the calling thread parses
 * the first. `parseCsv` is synchronous, so the caller blocks on a shared flag (`Atomics.wait`)
 * and takes the result off a message port synchronously (`receiveMessageOnPort`).
 *
 * The helper never makes a parse much slower than one thread: if the caller finishes its half
 * before the helper has begun (a cold helper still loading its modules, or no core free), it
 * takes the half back and parses it itself; if the helper has begun but takes far longer than
 * the caller's own half did (it died, or starves), the caller gives up on it the same way. The
 * helper is started on the first large parse of a thread and kept (unreferenced, so it never
 * holds the process open) for the next one; a BES job worker that is reused keeps its helper.
 */
import * as path from "node:path";
import {
  MessageChannel,
  type MessagePort,
  Worker,
  receiveMessageOnPort,
} from "node:worker_threads";

/** A request's flag: posted, claimed by the helper, done, or taken back by the caller. */
export const POSTED = 0;
/** The helper began parsing the request. */
export const CLAIMED = 1;
/** The helper's reply is on the port. */
export const DONE = 2;
/** The caller parses the request itself (the helper skips it). */
export const TAKEN_BACK = 3;

/** What the caller posts to the helper. */
export interface HelperRequest {
  readonly id: number;
  /** Whole rows, no header (the helper's own copy). */
  readonly bytes: Uint8Array;
  readonly header: readonly string[];
  /** One Int32 in shared memory: {@link POSTED} → {@link CLAIMED} → {@link DONE}. */
  readonly flag: Int32Array;
}

/** What the helper replies: the parsed rows, or that they did not parse. */
export type HelperReply<T> =
  | { readonly id: number; readonly ok: true; readonly parsed: T }
  | { readonly id: number; readonly ok: false };

interface Helper {
  readonly worker: Worker;
  readonly port: MessagePort;
}

/** The helper of this thread, once started. */
let helper: Helper | undefined;
let nextId = 0;
let answered = 0;

/** Halves the helper of this thread has parsed and the caller joined (for tests). */
export function helperAnswers(): number {
  return answered;
}

const HELPER_FILE = path.join(__dirname, "csvHelperWorker" + path.extname(__filename));

/** Least the caller waits for a helper that has begun, ms, before parsing its half itself. */
const MIN_PATIENCE_MS = 30_000;

function startHelper(): Helper | undefined {
  try {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(HELPER_FILE, {
      workerData: { port: port2 },
      transferList: [port2],
      execArgv: HELPER_FILE.endsWith(".ts") ? ["--require", require.resolve("tsx/cjs")] : [],
    });
    worker.unref();
    const started: Helper = { worker, port: port1 };
    const gone = (): void => {
      if (helper === started) helper = undefined;
    };
    worker.on("error", gone);
    worker.on("exit", gone);
    return started;
  } catch {
    return undefined;
  }
}

function dropHelper(h: Helper): void {
  if (helper === h) helper = undefined;
  void h.worker.terminate();
}

/** The second half, being parsed on the helper. */
export interface PendingHalf<T> {
  /**
   * Blocks until the helper's answer: the parsed rows, `"failed"` when they did not parse, or
   * `"yours"` when the caller must parse them itself (the helper had not begun, or gave no
   * answer in time).
   * @param ownMs - how long the caller's own half took (sets how long to wait)
   */
  result(ownMs: number): T | "failed" | "yours";
}

/**
 * Hands rows to this thread's helper. Undefined when no helper can be started.
 *
 * @param bytes - whole rows without the header (copied: the caller keeps its buffer)
 * @param header - the column names
 * @param waitForHelper - never take the rows back from a helper that has not begun (tests)
 */
export function parseOnHelper<T>(
  bytes: Uint8Array,
  header: readonly string[],
  waitForHelper = false,
): PendingHalf<T> | undefined {
  helper ??= startHelper();
  const h = helper;
  if (!h) return undefined;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const id = nextId++;
  const request: HelperRequest = { id, bytes: copy, header, flag };
  h.worker.postMessage(request, [copy.buffer]);
  return {
    result(ownMs: number): T | "failed" | "yours" {
      if (!waitForHelper && Atomics.compareExchange(flag, 0, POSTED, TAKEN_BACK) === POSTED)
        return "yours";
      const deadline = performance.now() + Math.max(MIN_PATIENCE_MS, 10 * ownMs);
      while (Atomics.load(flag, 0) !== DONE) {
        const left = deadline - performance.now();
        if (left <= 0) {
          dropHelper(h);
          return "yours";
        }
        Atomics.wait(flag, 0, Atomics.load(flag, 0), left);
      }
      for (;;) {
        const received = receiveMessageOnPort(h.port);
        if (!received) {
          dropHelper(h);
          return "yours";
        }
        const reply = received.message as HelperReply<T>;
        if (reply.id !== id) continue;
        if (!reply.ok) return "failed";
        answered++;
        return reply.parsed;
      }
    },
  };
}
