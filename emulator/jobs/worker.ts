/**
 * BES jobs, run on a worker thread so that training never blocks the event loop (status polls
 * and RRS scoring stay responsive). The worker waits for a job as a message, downloads the
 * inputs, parses and types them, runs the graph through the engine, writes every output and
 * posts progress lines; each job ends with exactly one `finished` or `failed` message, after
 * which the worker may be given another job (`workerPool.ts`). The main thread may terminate it
 * at any time (cancel).
 */
import { createHash } from "node:crypto";
import { parentPort } from "node:worker_threads";
import type { Column, DataTable, EngineApi, GraphRunResult } from "../engine/api";
import { describeBlob, describeStorageError, downloadBlob, uploadBlob } from "../blob/blobIo";
import { loadEngine } from "../engineLoader";
import { engineErrorDetails, isEngineError, jobFailureDetails } from "../errors/engineErrors";
import { ErrorFactory } from "../errors/errorFactory";
import type { HttpError } from "../errors/httpError";
import { createModuleRuntime } from "../runtime/moduleRuntime";
import type { ModelEvaluation } from "../store/records";
import { classOfProbabilityColumn, evaluationPlots, type ScoredColumns } from "./evaluationPlots";
import { CONTENT_TYPES, serializeTable } from "./formats";
import { observeEvaluations, type ObservedGraph } from "./observedGraph";
import type { ProducedModel, WorkerJob, WorkerMessage } from "./protocol";

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
/** A progress line of the engine about one module: `"<node id> <module>: started|finished in N ms"`. */
const MODULE_EVENT = /^(\S+) (.+): (started|finished) ?/;

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

/**
 * The graph to run: the job's own with the Evaluate Model ports the portal reads added as
 * outputs; the job's own alone if that cannot be built (the portal's view never fails a job).
 */
function observed(job: WorkerJob): ObservedGraph {
  try {
    return observeEvaluations(job.properties);
  } catch (error) {
    post({ type: "progress", line: `evaluations not observed: ${(error as Error).message}` });
    return { properties: job.properties, evaluations: [], outputSources: {} };
  }
}

/** A score column's numbers (NaN = missing). */
function numbers(engine: EngineApi, column: Column, rowCount: number): ArrayLike<number> {
  if (column.values instanceof Float64Array) return column.values;
  const { values } = engine.tableToRows({ rowCount, columns: [column] });
  return values.map(([v]) => (v === null || v.trim() === "" ? NaN : Number(v)));
}

/** The truth and score columns of a scored table (only those are read). */
function scoredColumns(engine: EngineApi, table: DataTable): ScoredColumns | undefined {
  const truth = table.columns.find((c) => c.usage === "label");
  if (!truth) return undefined;
  const scores = table.columns.filter((c) => c.usage === "score");
  const labels = scores.find((c) => c.name === "Scored Labels");
  // Labels as RRS renders them, so that classes compare as text whatever their storage.
  const text = engine.tableToRows({
    rowCount: table.rowCount,
    columns: labels ? [truth, labels] : [truth],
  }).values;
  const probabilities = scores.find((c) => c.name === "Scored Probabilities");
  return {
    truth: text.map((row) => row[0]),
    scoredLabels: labels ? text.map((row) => row[1]) : undefined,
    probabilities: probabilities ? numbers(engine, probabilities, table.rowCount) : undefined,
    classProbabilities: scores.flatMap((column) => {
      const label = classOfProbabilityColumn(column.name);
      return label === undefined
        ? []
        : [{ label, values: numbers(engine, column, table.rowCount) }];
    }),
  };
}

/** Evaluate Model's tables and the plots of their scored rows, by watched evaluation. */
function readEvaluations(
  engine: EngineApi,
  graph: ObservedGraph,
  result: GraphRunResult,
): { modelSource: string | undefined; evaluation: ModelEvaluation }[] {
  const read: { modelSource: string | undefined; evaluation: ModelEvaluation }[] = [];
  for (const watched of graph.evaluations) {
    const results = result.outputs[watched.resultsOutput];
    const scored = result.outputs[watched.scoredOutput];
    if (results?.kind !== "dataset" || scored?.kind !== "dataset") continue;
    const metrics = engine.tableToRows(results.table);
    const row = metrics.values[watched.side === "left" ? 0 : 1] ?? [];
    const cell = (name: string): string | null | undefined =>
      row[metrics.columnNames.indexOf(name)];
    const threshold = Number(cell("Threshold"));
    const columns = scoredColumns(engine, scored.table);
    read.push({
      modelSource: watched.modelSource,
      evaluation: {
        nodeId: watched.nodeId,
        side: watched.side,
        metrics: { columnNames: metrics.columnNames, rows: metrics.values },
        plots: columns
          ? evaluationPlots(columns, {
              ...(Number.isFinite(threshold) ? { threshold } : {}),
              positiveLabel: cell("Positive Label") ?? undefined,
            })
          : undefined,
      },
    });
  }
  return read;
}

/** What the portal keeps of each model the job wrote; never fails the job. */
function producedModels(
  engine: EngineApi,
  job: WorkerJob,
  graph: ObservedGraph,
  result: GraphRunResult,
): ProducedModel[] {
  let evaluations: ReturnType<typeof readEvaluations> = [];
  try {
    evaluations = readEvaluations(engine, graph, result);
  } catch (error) {
    post({ type: "progress", line: `evaluations not read: ${(error as Error).message}` });
  }
  const models: ProducedModel[] = [];
  for (const [port, output] of Object.entries(job.outputs)) {
    const produced = result.outputs[port];
    if (produced?.kind !== "model") continue;
    let summary: ProducedModel["summary"];
    try {
      const info = engine.inspectModel(produced.ilearner);
      summary = {
        learner: info.learner,
        labelColumn: info.labelColumn,
        featureColumns: info.featureColumns,
        trainedAt: info.trainedAt,
      };
    } catch {
      summary = undefined;
    }
    const source = graph.outputSources[port];
    models.push({
      port,
      sha256: createHash("sha256").update(produced.ilearner).digest("hex"),
      bytes: produced.ilearner.byteLength,
      location: describeBlob(output.ref),
      summary,
      evaluations: evaluations
        .filter((e) => source !== undefined && e.modelSource === source)
        .map((e) => e.evaluation),
    });
  }
  return models;
}

async function run(job: WorkerJob): Promise<ProducedModel[]> {
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
  const graph = observed(job);
  const result = await engine.runGraphAsync({
    properties: graph.properties,
    inputs,
    globalParameters: { ...job.globalParameters },
    trainedModels: { ...job.trainedModels },
    strict: job.strict,
    runtime,
    onProgress: (line) => {
      post({ type: "progress", line });
      const event = MODULE_EVENT.exec(line);
      if (event) {
        post({
          type: "module",
          nodeId: event[1],
          module: event[2],
          event: event[3] as "started" | "finished",
          at: new Date().toISOString(),
        });
      }
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
  return producedModels(engine, job, graph, result);
}

function detailsOf(error: unknown): string {
  if (error instanceof JobFailure) return error.message;
  if (isEngineError(error)) return engineErrorDetails(error);
  return `InternalError: the job failed unexpectedly (${(error as Error)?.message ?? String(error)})`;
}

/** Runs one job and posts its single `finished` or `failed` message. */
function runJob(job: WorkerJob): void {
  run(job).then(
    (models) => post({ type: "finished", models }),
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

// The engine loads with this module, before the first job arrives; one job at a time.
if (parentPort) parentPort.on("message", runJob);
