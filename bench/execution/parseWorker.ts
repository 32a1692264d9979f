/**
 * Item 8, the baseline side: reading and parsing the job's CSV alone, on a worker thread started
 * the way the emulator starts a BES job's worker (`emulator/jobs/jobRunner.ts`: a new `Worker`,
 * under tsx with `--require tsx/cjs`) and kept for the next parse, as the job runner's pool keeps
 * a job's worker (`emulator/jobs/workerPool.ts`): after the warm-up neither side pays thread
 * start-up or module loading.
 *
 * Reads the file into one Buffer (the job's `downloadBlob` also hands the parser one Buffer) and
 * runs the engine's `parseCsv` on it; posts one message with absolute times
 * (`performance.timeOrigin + performance.now()`, comparable across threads) and the table's size.
 */
import { readFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { parseCsv } from "../../emulator/engine";

/** What the worker posts once parsing is done. */
export interface ParseMessage {
  /** Absolute ms when the worker began this parse (its modules long loaded after the first). */
  readonly startedAt: number;
  /** Absolute ms after the file was read. */
  readonly readAt: number;
  /** Absolute ms after parseCsv returned. */
  readonly parsedAt: number;
  readonly rows: number;
  readonly columns: number;
  readonly bytes: number;
}

const now = (): number => performance.timeOrigin + performance.now();

/** What the bench posts: the file to read and parse. */
export interface ParseRequest {
  readonly file: string;
}

if (parentPort) {
  const port = parentPort;
  port.on("message", ({ file }: ParseRequest) => {
    const startedAt = now();
    const bytes = readFileSync(file);
    const readAt = now();
    const table = parseCsv(bytes, "input1");
    const parsedAt = now();
    const message: ParseMessage = {
      startedAt,
      readAt,
      parsedAt,
      rows: table.rowCount,
      columns: table.columns.length,
      bytes: bytes.length,
    };
    port.postMessage(message);
  });
}
