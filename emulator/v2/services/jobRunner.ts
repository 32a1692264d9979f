/**
 * Runs command jobs for real: the code folder and the asset inputs are fetched from blob storage
 * through the workspace's datastores, `${{inputs.x}}` / `${{outputs.y}}` are bound to local paths
 * (literals to their values), the command runs under `/bin/sh` with `python` / `python3` mapped
 * to the configured interpreter, and on success every output folder is uploaded to its URI.
 * The log (`user_logs/std_log.txt`: the command's stdout and stderr, plus the emulator's own
 * `[emulator]` lines) is uploaded to the artifact datastore whatever the outcome, under
 * `ExperimentRun/dcid.<job>/`, where Azure keeps it.
 *
 * States: NotStarted → Starting → Preparing → Running → Finalizing → Completed; Failed (setup
 * or a non-zero exit); CancelRequested → Canceled (cancel, delete, or `limits.timeout`).
 * A job that was running when the emulator stopped reads Failed after the restart.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import * as path from "node:path";
import type { CommandJobProperties, JobInput, JobOutput, V2JobStatus } from "../../../contract/v2";
import type { Logger } from "../../logger";
import type { V2Config } from "../config";
import { ARTIFACT_DATASTORE, KILL_GRACE_MS } from "../constants";
import { parseDuration, type WorkspaceRef } from "../ids";
import type { JobInternal, ResourceRecord } from "../store/records";
import type { V2Store } from "../store/v2Store";
import type { AssetResolver } from "./assets";
import { BlobAccessError, type DatastoreBlobs } from "./blobs";
import { bindCommand } from "./commandLine";
import { childEnvironment, pythonBinFolder, resolveInterpreter } from "./python";

type JobRecord = ResourceRecord<unknown, JobInternal>;

interface ActiveJob {
  child?: ChildProcess;
  /** Why the job is being stopped (cancel, timeout, delete, shutdown). */
  stopReason?: string;
  timer?: NodeJS.Timeout;
  readonly done: Promise<void>;
}

/** A failure of the job itself (its message ends the log and the job). */
class JobFailure extends Error {}

/** Runs, cancels and recovers command jobs. */
export class CommandJobRunner {
  private readonly active = new Map<string, ActiveJob>();
  private closed = false;

  /**
   * @param store - job records
   * @param blobs - datastore blob access
   * @param assets - resolves code, data and model references
   * @param config - interpreter
   * @param root - folder of job working directories
   * @param logger - one line per state change
   */
  constructor(
    private readonly store: V2Store,
    private readonly blobs: DatastoreBlobs,
    private readonly assets: AssetResolver,
    private readonly config: V2Config,
    private readonly root: string,
    private readonly logger: Logger,
  ) {}

  /** The local folder of a job. */
  folderOf(job: Pick<JobRecord, "key">): string {
    return path.join(this.root, encodeURIComponent(job.key.split("/").slice(-1)[0]));
  }

  /**
   * The job's local log file (`user_logs/std_log.txt`), written while it runs and kept after it;
   * read-only for the portal, which follows a running job with it.
   * @param job - the job
   */
  logFileOf(job: Pick<JobRecord, "key">): string {
    return path.join(this.folderOf(job), "user_logs", "std_log.txt");
  }

  /** True while the job has work in this process. */
  isActive(key: string): boolean {
    return this.active.has(key);
  }

  /**
   * Starts a job recorded as NotStarted.
   * @param job - the record
   */
  start(job: JobRecord): void {
    const entry: ActiveJob = { done: Promise.resolve() };
    this.active.set(job.key, entry);
    (entry as { done: Promise<void> }).done = this.run(job.key, entry)
      .catch((error: unknown) => {
        this.logger.error(
          `job ${job.name}: runner failed: ${(error as Error)?.stack ?? String(error)}`,
        );
      })
      .finally(() => {
        if (entry.timer) clearTimeout(entry.timer);
        this.active.delete(job.key);
      });
  }

  /**
   * Requests a stop: the job's process group gets SIGTERM (SIGKILL after a grace period) and
   * the job ends Canceled. Resolves when it has ended. False when the job was not running here.
   * @param key - the job key
   * @param reason - why, for the log
   */
  async stop(key: string, reason: string): Promise<boolean> {
    const entry = this.active.get(key);
    if (!entry) return false;
    entry.stopReason ??= reason;
    this.setStatus(key, "CancelRequested");
    this.kill(entry);
    await entry.done;
    return true;
  }

  private kill(entry: ActiveJob): void {
    const child = entry.child;
    if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
      return;
    const signal = (name: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        // already gone
      }
    };
    signal("SIGTERM");
    const force = setTimeout(() => signal("SIGKILL"), KILL_GRACE_MS);
    force.unref();
    child.once("exit", () => clearTimeout(force));
  }

  /** Marks jobs left running by a previous process as Failed. */
  recover(): void {
    for (const record of this.store.listKind("jobs") as JobRecord[]) {
      const status = record.internal?.status;
      if (status && !["Completed", "Failed", "Canceled"].includes(status)) {
        this.update(record.key, {
          status: "Failed",
          endTime: new Date().toISOString(),
          reason:
            "the emulator stopped while this job was running; submit it again under a new name",
        });
        this.logger.info(`job ${record.name}: marked Failed (the emulator restarted while it ran)`);
      }
    }
  }

  /** Stops every running job (they end Canceled) and waits for them. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(
      [...this.active.keys()].map((key) => this.stop(key, "the emulator is stopping")),
    );
  }

  private update(key: string, change: Partial<JobInternal>): JobRecord | undefined {
    if (this.closed && change.status === undefined) return undefined;
    const record = this.store.get<unknown, JobInternal>(key);
    if (!record?.internal) return undefined;
    const next: JobRecord = {
      ...record,
      modifiedAt: new Date().toISOString(),
      internal: { ...record.internal, ...change },
    };
    this.store.put(next);
    return next;
  }

  private setStatus(key: string, status: V2JobStatus): void {
    const record = this.store.get<unknown, JobInternal>(key);
    const current = record?.internal?.status;
    if (!record || (current && ["Completed", "Failed", "Canceled"].includes(current))) return;
    this.update(key, { status });
    this.logger.debug(`job ${record.name}: ${status}`);
  }

  private async run(key: string, entry: ActiveJob): Promise<void> {
    const initial = this.store.get<unknown, JobInternal>(key);
    if (!initial) return;
    const ws = initial.workspace;
    const props = initial.body.properties as unknown as CommandJobProperties;
    const folder = this.folderOf(initial);
    await rm(folder, { recursive: true, force: true });
    await mkdir(path.join(folder, "user_logs"), { recursive: true });
    const logFile = path.join(folder, "user_logs", "std_log.txt");
    const log = createWriteStream(logFile, { flags: "a" });
    const note = (line: string): void => {
      log.write(`[emulator] ${line}\n`);
    };
    const stopped = (): string | undefined => entry.stopReason;

    const timeoutMs = props.limits?.timeout ? parseDuration(props.limits.timeout) : undefined;
    if (timeoutMs !== undefined) {
      entry.timer = setTimeout(() => {
        entry.stopReason ??= `the job exceeded its limits.timeout of ${props.limits!.timeout}`;
        this.setStatus(key, "CancelRequested");
        this.kill(entry);
      }, timeoutMs);
      entry.timer.unref();
    }

    let outcome: { status: V2JobStatus; reason?: string };
    try {
      this.update(key, { status: "Starting", startTime: new Date().toISOString() });
      this.setStatus(key, "Preparing");
      const interpreter = resolveInterpreter(this.config.python);
      if (!interpreter)
        throw new JobFailure(
          `the interpreter '${this.config.python}' was not found (set the emulator's --python)`,
        );
      const prepared = await this.prepare(
        ws,
        props,
        initial.internal!.outputUris,
        folder,
        note,
        stopped,
      );
      if (stopped()) throw new JobFailure(stopped()!);
      const bin = pythonBinFolder(path.join(folder, ".bin"), interpreter);
      let command: string;
      try {
        command = bindCommand(props.command, prepared.bindings);
      } catch (error) {
        throw new JobFailure(`the command cannot be bound: ${(error as Error).message}`);
      }
      note(`running: ${command}`);
      this.setStatus(key, "Running");
      const env = childEnvironment(bin, {
        ...(props.environmentVariables ?? {}),
        AZUREML_RUN_ID: initial.name,
        AZUREML_EXPERIMENT_NAME: props.experimentName ?? "Default",
      });
      const exit = await this.exec(command, prepared.codeDir, env, log, entry);
      if (stopped()) throw new JobFailure(stopped()!);
      if (exit.code !== 0)
        throw new JobFailure(
          `the command exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}`,
        );
      this.setStatus(key, "Finalizing");
      for (const [name, local] of Object.entries(prepared.outputs)) {
        const uri = initial.internal!.outputUris[name];
        const place = this.blobs.resolve(ws, uri);
        const count = await this.blobs.upload(local, place);
        note(`output ${name}: uploaded ${count} file(s) to ${uri}`);
      }
      outcome = { status: "Completed" };
    } catch (error) {
      const reason =
        error instanceof JobFailure || error instanceof BlobAccessError
          ? error.message
          : `the emulator failed to run the job: ${(error as Error)?.message ?? String(error)}`;
      if (!(error instanceof JobFailure || error instanceof BlobAccessError))
        this.logger.error(`job ${initial.name}: ${(error as Error)?.stack ?? String(error)}`);
      outcome = stopped()
        ? { status: "Canceled", reason: stopped() }
        : { status: "Failed", reason };
      note(`${outcome.status}: ${outcome.reason}`);
    }
    await new Promise<void>((resolve) => log.end(resolve));
    try {
      const place = this.blobs.inDatastore(
        ws,
        ARTIFACT_DATASTORE,
        `ExperimentRun/dcid.${initial.name}/user_logs/std_log.txt`,
      );
      await this.blobs.upload(logFile, place);
    } catch (error) {
      this.logger.info(`job ${initial.name}: log not uploaded (${(error as Error).message})`);
    }
    await Promise.all(
      ["code", "inputs", "outputs", ".bin"].map((dir) =>
        rm(path.join(folder, dir), { recursive: true, force: true }),
      ),
    );
    this.update(key, {
      status: outcome.status,
      endTime: new Date().toISOString(),
      ...(outcome.reason ? { reason: outcome.reason } : {}),
    });
    this.logger.info(
      `job ${initial.name}: ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ""}`,
    );
  }

  private async prepare(
    ws: WorkspaceRef,
    props: CommandJobProperties,
    outputUris: Readonly<Record<string, string>>,
    folder: string,
    note: (line: string) => void,
    stopped: () => string | undefined,
  ): Promise<{
    codeDir: string;
    bindings: {
      literals: Record<string, string>;
      inputPaths: Record<string, string>;
      outputPaths: Record<string, string>;
    };
    outputs: Record<string, string>;
  }> {
    const codeDir = path.join(folder, "code");
    await mkdir(codeDir, { recursive: true });
    if (props.codeId) {
      const code = this.assets.resolve(ws, "codes", props.codeId, "properties.codeId");
      if (code.kind !== "version")
        throw new JobFailure(
          "registry code assets are not emulated: register the code in the workspace",
        );
      const codeUri = (code.record.body.properties as { codeUri: string }).codeUri;
      const fetched = await this.blobs.download(this.blobs.resolve(ws, codeUri), codeDir, "folder");
      note(`code ${props.codeId}: ${fetched.files} file(s) from ${codeUri}`);
    }
    const literals: Record<string, string> = {};
    const inputPaths: Record<string, string> = {};
    for (const [name, input] of Object.entries(props.inputs ?? {})) {
      if (stopped())
        return { codeDir, bindings: { literals, inputPaths, outputPaths: {} }, outputs: {} };
      if (input.jobInputType === "literal") {
        literals[name] = String(input.value ?? "");
        continue;
      }
      const uri = this.inputUri(ws, name, input);
      const want =
        input.jobInputType === "uri_file"
          ? "file"
          : input.jobInputType === "uri_folder" || input.jobInputType === "mltable"
            ? "folder"
            : "auto";
      const fetched = await this.blobs.download(
        this.blobs.resolve(ws, uri),
        path.join(folder, "inputs", name),
        want,
      );
      inputPaths[name] = fetched.local;
      note(`input ${name}: ${fetched.files} file(s), ${fetched.bytes} bytes from ${uri}`);
    }
    const outputPaths: Record<string, string> = {};
    const outputs: Record<string, string> = {};
    for (const [name, output] of Object.entries(props.outputs ?? {}) as [string, JobOutput][]) {
      const dir = path.join(folder, "outputs", name);
      await mkdir(dir, { recursive: true });
      if (output.jobOutputType === "uri_file") {
        const file = path.join(dir, path.posix.basename(outputUris[name] ?? name) || name);
        outputPaths[name] = file;
        outputs[name] = file;
      } else {
        outputPaths[name] = dir;
        outputs[name] = dir;
      }
    }
    return { codeDir, bindings: { literals, inputPaths, outputPaths }, outputs };
  }

  /** The storage URI of an asset input (data and model references resolved to their URIs). */
  private inputUri(ws: WorkspaceRef, name: string, input: JobInput): string {
    const uri = input.uri ?? "";
    if (!/^azureml:[^/]/i.test(uri) && !/\/(data|models)\/[^/]+\/versions\//i.test(uri)) return uri;
    const family = ["custom_model", "mlflow_model", "triton_model"].includes(input.jobInputType)
      ? "models"
      : "data";
    const resolved = this.assets.resolve(ws, family, uri, `properties.inputs.${name}.uri`);
    if (resolved.kind !== "version")
      throw new JobFailure(`input ${name}: registry assets are not emulated`);
    const props = resolved.record.body.properties as { dataUri?: string; modelUri?: string };
    return (family === "models" ? props.modelUri : props.dataUri) ?? "";
  }

  private exec(
    command: string,
    cwd: string,
    env: Record<string, string>,
    log: WriteStream,
    entry: ActiveJob,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return new Promise((resolve, reject) => {
      const child = spawn("/bin/sh", ["-c", command], {
        cwd,
        env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      entry.child = child;
      child.stdout!.pipe(log, { end: false });
      child.stderr!.pipe(log, { end: false });
      child.once("error", reject);
      child.once("close", (code, signal) => resolve({ code, signal }));
      if (entry.stopReason) this.kill(entry);
    });
  }
}
