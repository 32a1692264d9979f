/**
 * The running containers of online deployments, by deployment key. Provisioning a deployment
 * fetches its model (into `AZUREML_MODEL_DIR/<folder or file name>`, as Azure lays out a
 * registered model) and its code folder, then starts a {@link DeploymentHost}; an update starts
 * the new container first and swaps it in, so calls never find none. The storage initializer's
 * lines (what was fetched) are kept for `getLogs`.
 */
import { mkdir, rename, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import * as path from "node:path";
import type { OnlineDeploymentProperties } from "../../../contract/v2";
import type { Logger } from "../../logger";
import type { V2Config } from "../config";
import {
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_READINESS_MS,
  DEFAULT_REQUEST_TIMEOUT,
  MAX_LOG_LINES,
} from "../constants";
import { V2Errors } from "../errors";
import { parseDuration, type WorkspaceRef } from "../ids";
import type { ResourceRecord } from "../store/records";
import type { AssetResolver } from "./assets";
import type { DatastoreBlobs } from "./blobs";
import { DeploymentHost } from "./deploymentHost";
import { childEnvironment, pythonBinFolder, resolveInterpreter } from "./python";

/** The request settings a call needs. */
export interface CallSettings {
  readonly timeoutMs: number;
}

/** Runs and tracks deployment containers. */
export class DeploymentHosts {
  private readonly hosts = new Map<
    string,
    { host: DeploymentHost; settings: CallSettings; folder: string }
  >();
  private readonly storageLogs = new Map<string, string[]>();
  private generation = 0;

  /**
   * @param blobs - fetches models and code
   * @param assets - resolves model and code references
   * @param config - the interpreter
   * @param root - folder of deployment files
   * @param logger - log lines
   */
  constructor(
    private readonly blobs: DatastoreBlobs,
    private readonly assets: AssetResolver,
    private readonly config: V2Config,
    private readonly root: string,
    private readonly logger: Logger,
  ) {}

  /** The container of a deployment, if it runs. */
  get(key: string): { host: DeploymentHost; settings: CallSettings } | undefined {
    return this.hosts.get(key);
  }

  /**
   * The deployment's logs.
   * @param key - the deployment key
   * @param container - `InferenceServer` (the script's output) or `StorageInitializer`
   * @param tail - last lines
   */
  logs(key: string, container: "InferenceServer" | "StorageInitializer", tail?: number): string {
    if (container === "StorageInitializer") {
      const lines = this.storageLogs.get(key) ?? [];
      const shown = tail === undefined ? lines : lines.slice(-Math.max(0, tail));
      return shown.join("\n") + (shown.length > 0 ? "\n" : "");
    }
    return this.hosts.get(key)?.host.logs(tail) ?? this.lastLogs.get(key) ?? "";
  }

  /** The log of a container that failed to start (kept for getLogs). */
  private readonly lastLogs = new Map<string, string>();

  /**
   * Fetches the model and code and starts (or replaces) the container. Throws a V2Error that
   * becomes the operation's error.
   * @param deployment - the deployment record (properties as stored)
   * @param capacity - `sku.capacity`
   */
  async provision(deployment: ResourceRecord, capacity: number): Promise<void> {
    const ws: WorkspaceRef = deployment.workspace;
    const props = deployment.body.properties as unknown as OnlineDeploymentProperties;
    const notes: string[] = [];
    const note = (line: string): void => {
      notes.push(`${new Date().toISOString()} ${line}`);
      if (notes.length > MAX_LOG_LINES) notes.shift();
    };
    this.storageLogs.set(deployment.key, notes);
    const folder = path.join(
      this.root,
      encodeURIComponent(deployment.parent.split("/").slice(-1)[0]),
      `${encodeURIComponent(deployment.name)}-${++this.generation}`,
    );
    await rm(folder, { recursive: true, force: true });
    const interpreter = resolveInterpreter(this.config.python);
    if (!interpreter)
      throw V2Errors.resourceNotReady(
        `the interpreter '${this.config.python}' was not found (set --python)`,
      );
    let modelDir: string;
    let codeDir: string;
    let script: string;
    try {
      const model = this.assets.resolve(ws, "models", props.model, "properties.model");
      if (model.kind !== "version")
        throw V2Errors.invalidValue("properties.model", "registry models are not emulated");
      const modelUri = (model.record.body.properties as { modelUri: string }).modelUri;
      const versionName = model.record.name;
      const modelName = model.record.parent.split("/").slice(-1)[0];
      modelDir = path.join(folder, "azureml-models", modelName, versionName);
      const place = this.blobs.resolve(ws, modelUri);
      const segment =
        place.path
          .split("/")
          .filter((p) => p !== "")
          .at(-1) ?? "model";
      // Fetched aside first: a file lands as AZUREML_MODEL_DIR/<file name>, a folder as
      // AZUREML_MODEL_DIR/<folder name>/…, as Azure lays out a registered model.
      const staging = path.join(folder, "staging");
      const fetched = await this.blobs.download(place, staging, "auto");
      await mkdir(modelDir, { recursive: true });
      if (fetched.local === staging) await rename(staging, path.join(modelDir, segment));
      else {
        await rename(fetched.local, path.join(modelDir, path.basename(fetched.local)));
        await rm(staging, { recursive: true, force: true });
      }
      note(
        `model ${props.model}: ${fetched.files} file(s), ${fetched.bytes} bytes from ${modelUri}`,
      );
      codeDir = path.join(folder, "code");
      const codeConfig = props.codeConfiguration!;
      const code = this.assets.resolve(
        ws,
        "codes",
        codeConfig.codeId,
        "properties.codeConfiguration.codeId",
      );
      if (code.kind !== "version")
        throw V2Errors.invalidValue(
          "properties.codeConfiguration.codeId",
          "registry code is not emulated",
        );
      const codeUri = (code.record.body.properties as { codeUri: string }).codeUri;
      const codeFetched = await this.blobs.download(
        this.blobs.resolve(ws, codeUri),
        codeDir,
        "folder",
      );
      note(`code ${codeConfig.codeId}: ${codeFetched.files} file(s) from ${codeUri}`);
      script = path.join(codeDir, ...codeConfig.scoringScript.split("/"));
      if (!existsSync(script))
        throw V2Errors.resourceNotReady(
          `the scoring script ${codeConfig.scoringScript} is not in the code folder`,
        );
    } catch (error) {
      note(`failed: ${(error as Error).message}`);
      await rm(folder, { recursive: true, force: true });
      if ((error as { envelope?: string }).envelope) throw error;
      throw V2Errors.storageInitializerFailed((error as Error).message);
    }
    const bin = pythonBinFolder(path.join(folder, ".bin"), interpreter);
    const env = childEnvironment(bin, {
      ...(props.environmentVariables ?? {}),
      AZUREML_MODEL_DIR: modelDir,
      AZUREML_ENTRY_SCRIPT: props.codeConfiguration!.scoringScript,
    });
    const probe = props.readinessProbe;
    const readinessMs =
      probe?.initialDelay || probe?.period || probe?.failureThreshold
        ? (parseDuration(probe.initialDelay ?? "PT10S") ?? 10_000) +
          (probe.failureThreshold ?? 30) * (parseDuration(probe.period ?? "PT10S") ?? 10_000)
        : DEFAULT_READINESS_MS;
    const perInstance =
      props.requestSettings?.maxConcurrentRequestsPerInstance ?? DEFAULT_MAX_CONCURRENT;
    let host: DeploymentHost;
    try {
      host = await DeploymentHost.start({
        name: deployment.name,
        interpreter,
        script,
        codeDir,
        env,
        readinessMs,
        concurrency: Math.max(1, perInstance * Math.max(1, capacity)),
      });
    } catch (error) {
      this.lastLogs.set(deployment.key, (error as Error).message);
      await rm(folder, { recursive: true, force: true });
      throw V2Errors.resourceNotReady((error as Error).message.split("\n")[0]);
    }
    const timeoutMs =
      parseDuration(props.requestSettings?.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT) ?? 5000;
    const previous = this.hosts.get(deployment.key);
    this.hosts.set(deployment.key, { host, settings: { timeoutMs }, folder });
    this.lastLogs.delete(deployment.key);
    this.logger.info(`deployment ${deployment.name}: container ready on port ${host.port}`);
    if (previous) await this.retire(previous, timeoutMs);
  }

  private async retire(
    entry: { host: DeploymentHost; folder: string },
    drainMs: number,
  ): Promise<void> {
    await entry.host.stop(drainMs);
    await rm(entry.folder, { recursive: true, force: true });
  }

  /**
   * Stops a deployment's container after the calls in flight (deletion).
   * @param key - the deployment key
   */
  async remove(key: string): Promise<void> {
    const entry = this.hosts.get(key);
    this.hosts.delete(key);
    this.storageLogs.delete(key);
    this.lastLogs.delete(key);
    if (entry) await this.retire(entry, entry.settings.timeoutMs);
  }

  /** Stops every container. */
  async close(): Promise<void> {
    const entries = [...this.hosts.values()];
    this.hosts.clear();
    await Promise.allSettled(entries.map((entry) => this.retire(entry, 1000)));
  }
}
