/**
 * A BES job, run on its own worker thread so that training never blocks the event loop (status
 * polls and RRS scoring stay responsive). The worker downloads the inputs, parses and types
 * them, runs the graph through the engine, writes every output and posts progress lines; it
 * ends with exactly one `finished` or `failed` message. The main thread may terminate it at any
 * time (cancel).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { DataTable } from "../engine/api";
import { describeBlob, describeStorageError, downloadBlob, uploadBlob } from "../blob/blobIo";
import { loadEngine } from "../engineLoader";
import { engineErrorDetails, isEngineError, jobFailureDetails } from "../errors/engineErrors";
import { ErrorFactory } from "../errors/errorFactory";
import type { HttpError } from "../errors/httpError";
import { createModuleRuntime } from "../runtime/moduleRuntime";
import { CONTENT_TYPES, serializeTable } from "./formats";
import type { WorkerJob, WorkerMessage } from "./protocol";

/** A failure of the job: an `ErrorFactory` error, whose `Details` line is the message. */
class JobFailure extends Error {
  /** Set for a failure injected by `--fail-job-at-module`: the module. */
  injectedAt?: string;

  /**
   * @param http - the catalogued error; its `Details` line becomes the message
   */
  constructor(http: HttpError) {
    super(jobFailureDetails(http));
  }
}

/**
 * The module a progress line says is starting. The engine reports `"<node id> <module>: started"`
 * before it runs each module; fault injection fails the job right there, as if the module had.
 */
const MODULE_STARTED = /^\S+ (.+): started$/;

/**
 * The failure `--fail-job-at-module` injects: a module error like the engine's own, with Studio's
 * generic "Error 0039" so that it reads as the module failing, not as a bad input.
 * @param module - the Studio module name
 */
function injectedModuleFailure(module: string): JobFailure {
  const failure = new JobFailure(
    ErrorFactory.moduleExecutionError(
      module,
      `Error 0039: Error while completing operation: fault injected by --fail-job-at-module "${module}".`,
    ),
  );
  failure.injectedAt = module;
  return failure;
}

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

async function run(job: WorkerJob): Promise<void> {
  const engine = loadEngine();
  const inputs: Record<string, DataTable> = {};
  for (const [port, ref] of Object.entries(job.inputs)) {
    post({ type: "progress", line: `reading ${port} from ${describeBlob(ref)}` });
    let bytes: Buffer;
    try {
      bytes = await downloadBlob(ref);
    } catch (error) {
      const failure = describeStorageError(error);
      throw new JobFailure(
        failure.notFound
          ? ErrorFactory.blobNotFound(port, describeBlob(ref))
          : ErrorFactory.blobAccessFailed(port, failure.reason),
      );
    }
    let table = engine.parseCsv(bytes, port);
    const spec = job.properties.input?.properties?.[port];
    if (spec) table = engine.applySchema(table, spec, port);
    inputs[port] = table;
    post({
      type: "progress",
      line: `${port}: ${table.rowCount} rows, ${table.columns.length} columns`,
    });
  }

  const runtime = createModuleRuntime({
    storageBase: job.storageBase,
    defaultStorage: job.defaultStorage,
    scripts: job.scripts,
    log: (line) => post({ type: "progress", line }),
  });
  const result = await engine.runGraphAsync({
    properties: job.properties,
    inputs,
    globalParameters: { ...job.globalParameters },
    trainedModels: { ...job.trainedModels },
    strict: job.strict,
    runtime,
    onProgress: (line) => {
      post({ type: "progress", line });
      const started = MODULE_STARTED.exec(line)?.[1];
      if (
        job.failAtModule !== undefined &&
        started !== undefined &&
        started.toLowerCase() === job.failAtModule.toLowerCase()
      ) {
        throw injectedModuleFailure(started);
      }
    },
  });

  for (const [port, output] of Object.entries(job.outputs)) {
    const produced = result.outputs[port];
    if (!produced)
      throw new JobFailure(
        ErrorFactory.webServicePackageError(`the graph produced no output '${port}'.`),
      );
    let bytes: Uint8Array;
    if (produced.kind === "model") {
      if (output.format !== "ilearner")
        throw new JobFailure(ErrorFactory.invalidBlobExtension(port, ".ilearner"));
      bytes = produced.ilearner;
    } else if (produced.kind === "transform") {
      if (output.format !== "itransform")
        throw new JobFailure(ErrorFactory.invalidBlobExtension(port, ".itransform"));
      bytes = produced.itransform;
    } else {
      if (output.format === "ilearner" || output.format === "itransform")
        throw new JobFailure(ErrorFactory.invalidBlobExtension(port, ".csv, .tsv, .arff"));
      bytes = serializeTable(engine, produced.table, output.format, port);
    }
    post({
      type: "progress",
      line: `writing ${port} to ${describeBlob(output.ref)} (${bytes.byteLength} bytes)`,
    });
    try {
      await uploadBlob(output.ref, bytes, CONTENT_TYPES[output.format]);
    } catch (error) {
      throw new JobFailure(
        ErrorFactory.blobAccessFailed(
          port,
          `writing '${describeBlob(output.ref)}' failed: ${describeStorageError(error).reason}`,
        ),
      );
    }
  }
}

function detailsOf(error: unknown): string {
  if (error instanceof JobFailure) return error.message;
  if (isEngineError(error)) return engineErrorDetails(error);
  return `InternalError: the job failed unexpectedly (${(error as Error)?.message ?? String(error)})`;
}

if (parentPort) {
  run(workerData as WorkerJob).then(
    () => post({ type: "finished" }),
    (error: unknown) =>
      post({
        type: "failed",
        details: detailsOf(error),
        ...(error instanceof JobFailure && error.injectedAt !== undefined
          ? { injectedAt: error.injectedAt }
          : {}),
      }),
  );
}
