/**
 * The local stack as the end-to-end tests, the demo and the stack benchmarks run it: the emulator
 * as its own process (data in `<work>/emulator`, blobs in an Azurite), the SDK's dynamic-provider
 * host in the project directory (hash cache in `<work>/cache`), and the engine double on the
 * checkpoint `<work>/state.json` running the project's `index.ts`; the stack config pointing at those
 * servers; and what the scenarios check: the model the predictive service serves, its AUC on rows
 * scored through RRS, census files with real or shuffled labels.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ArmWebServicesClient, findTrainedModelAsset, type ArmServiceRef } from "../clients/arm";
import { RrsClient, type Row } from "../clients/rrs";
import type { RrsSwaggerResponse } from "../contract";
import { auc } from "../components/retrain/champion";
import { censusToCsv, generateCensusRows, type CensusRow } from "../data/generate";
import { EmulatorProcess } from "./emulatorProcess";
import { EngineDouble } from "./engine";
import type { Persister } from "./snapshot";
import { PROJECT_DIR, ProviderHost } from "./providerHost";

/** The project's program, `index.ts`. */
export const PROGRAM = path.join(PROJECT_DIR, "index.ts");
/** The subscription of the local target's ARM services. */
const LOCAL_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
/** The local target's workspace id (config.ts default). */
const LOCAL_WORKSPACE_ID = "10ca1000000000000000000000000001";
/** The local target's classic web service id (config.ts default). */
const LOCAL_WEB_SERVICE_ID = "c0ffee00c0ffee00c0ffee00c0ffee00";
/** The trained-model asset of the census definitions. */
export const MODEL_ASSET = "Census Model [trained model]";

// -------------------------------------------------------------------------------------------
// Starting the stack
// -------------------------------------------------------------------------------------------

/**
 * The engine double running `program` (default: the project's `index.ts`) on a checkpoint, as
 * stack `local` of project `azureml-retrain`.
 * @param host - the provider host
 * @param checkpoint - the checkpoint file, or a persister (a blob in Azurite)
 * @param passphrase - encrypts the checkpoint's secrets
 * @param program - absolute path of the program
 * @param parallel - steps at once (default: the CLI's, 4 × CPUs)
 */
export function engineFor(
  host: ProviderHost,
  checkpoint: string | Persister,
  passphrase: string,
  program = PROGRAM,
  parallel?: number,
): EngineDouble {
  return new EngineDouble({
    host,
    checkpoint,
    passphrase,
    project: "azureml-retrain",
    stack: "local",
    program,
    reload: [program, path.join(PROJECT_DIR, "config.ts")],
    ...(parallel ? { parallel } : {}),
  });
}

/**
 * `NODE_OPTIONS` that preload `file` in a child process (after the inherited options).
 * @param file - absolute path of a CommonJS module
 */
export function nodeOptionsRequiring(file: string): string {
  return `${process.env.NODE_OPTIONS ?? ""} --require ${file}`;
}

/**
 * Starts the SDK's provider host in the project directory, with the process's environment and
 * `AZUREML_RETRAIN_CACHE_DIR` set to `cacheDir`.
 * @param cacheDir - the providers' hash cache
 * @param env - further variables (they win over the cache directory too)
 */
export function startLocalHost(
  cacheDir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<ProviderHost> {
  return ProviderHost.start(PROJECT_DIR, {
    ...process.env,
    AZUREML_RETRAIN_CACHE_DIR: cacheDir,
    ...env,
  });
}

/**
 * Starts the emulator's bin with its data in `location` and its blobs in an Azurite.
 * @param location - the data folder
 * @param blobEndpoint - the Azurite blob endpoint (the emulator is given its origin)
 * @param args - extra flags
 */
export function startLocalEmulator(
  location: string,
  blobEndpoint: string,
  args: readonly string[] = [],
): Promise<EmulatorProcess> {
  return EmulatorProcess.start({ location, storage: new URL(blobEndpoint).origin, args });
}

/** Where the local stack's servers are: what the stack config's `local` holds. */
export interface LocalServers {
  /** The emulator (its URL is read each time a config is built). */
  readonly emulator: { readonly url: string };
  /** The Azurite blob endpoint, `http://127.0.0.1:port/devstoreaccount1`. */
  readonly azuriteBlobEndpoint: string;
  /** The emulator's data folder (its credentials file is there). */
  readonly emulatorLocation: string;
}

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  /** Encrypts the state's secrets. */
  readonly passphrase: string;
  /** Extra emulator flags. */
  readonly emulatorArgs?: readonly string[];
  /** Extra environment of the provider host. */
  readonly hostEnv?: NodeJS.ProcessEnv;
  /** The Azurite blob endpoint to use (`http://127.0.0.1:port/devstoreaccount1`). */
  readonly azuriteBlobEndpoint: string;
}

/** A running local stack. */
export interface LocalStack extends LocalServers {
  readonly emulator: EmulatorProcess;
  readonly host: ProviderHost;
  readonly engine: EngineDouble;
  /** The checkpoint file. */
  readonly stateFile: string;
  /** Stops the provider host, then the emulator. */
  stop(): Promise<void>;
}

/**
 * Starts the emulator (data in `<work>/emulator`), the provider host (hash cache in
 * `<work>/cache`) and the engine double on `<work>/state.json`. `work` stays the caller's to remove.
 * @param work - the scratch folder
 * @param options - passphrase, emulator flags, host environment, Azurite
 */
export async function startLocalStack(
  work: string,
  options: LocalStackOptions,
): Promise<LocalStack> {
  const blobEndpoint = options.azuriteBlobEndpoint;
  const emulatorLocation = path.join(work, "emulator");
  const emulator = await startLocalEmulator(emulatorLocation, blobEndpoint, options.emulatorArgs);
  let host: ProviderHost;
  try {
    host = await startLocalHost(path.join(work, "cache"), options.hostEnv);
  } catch (e) {
    await emulator.stop();
    throw e;
  }
  const stateFile = path.join(work, "state.json");
  return {
    emulator,
    host,
    engine: engineFor(host, stateFile, options.passphrase),
    stateFile,
    azuriteBlobEndpoint: blobEndpoint,
    emulatorLocation,
    async stop() {
      await host.stop();
      await emulator.stop();
    },
  };
}

// -------------------------------------------------------------------------------------------
// The stack config
// -------------------------------------------------------------------------------------------

/** The `local` section of the stack config: where the servers are. */
export function localSection(servers: LocalServers): Record<string, string> {
  return {
    emulatorUrl: servers.emulator.url,
    azuriteBlobEndpoint: servers.azuriteBlobEndpoint,
    emulatorLocation: servers.emulatorLocation,
  };
}

/** Options of {@link localConfig}. */
export interface LocalConfigOptions {
  /** The servers (`local`). */
  readonly servers: LocalServers;
  /** The declared model's version and data. */
  readonly model: { readonly version: string; readonly data: string };
  /** The promotion gate (default AUC ≥ 0.75, regression ≤ 0.02). */
  readonly gate?: { readonly metric: string; readonly min: number; readonly maxRegression: number };
  /** The BES job's deadline (default: unset, the provider's). */
  readonly deadlineMinutes?: number;
  /** The classic endpoints (default: `contoso`, following the model). */
  readonly endpoints?: readonly unknown[];
  /** Further top-level keys (they win over the above). */
  readonly extra?: Record<string, unknown>;
}

/** The config of the local stack (what `Pulumi.local.yaml` holds), at these servers. */
export function localConfig(options: LocalConfigOptions): Record<string, unknown> {
  return {
    target: "local",
    model: {
      ...options.model,
      gate: options.gate ?? { metric: "AUC", min: 0.75, maxRegression: 0.02 },
      retain: true,
      ...(options.deadlineMinutes !== undefined
        ? { deadlineMinutes: options.deadlineMinutes }
        : {}),
    },
    endpoints: options.endpoints ?? [{ name: "contoso" }],
    local: localSection(options.servers),
    ...options.extra,
  };
}

// -------------------------------------------------------------------------------------------
// What the scenarios check
// -------------------------------------------------------------------------------------------

/**
 * The local predictive service (or another ARM service of the stack, by name).
 * @param emulator - the emulator
 * @param name - the service
 */
export function localServiceRef(
  emulator: { readonly url: string },
  name = "census-predictive",
): ArmServiceRef {
  return {
    endpoint: emulator.url,
    subscriptionId: LOCAL_SUBSCRIPTION,
    resourceGroup: "local",
    name,
  };
}

/** The local classic web service (its workspace and id). */
export function localWebServiceRef(emulator: { readonly url: string }): {
  endpoint: string;
  workspaceId: string;
  webServiceId: string;
} {
  return {
    endpoint: emulator.url,
    workspaceId: LOCAL_WORKSPACE_ID,
    webServiceId: LOCAL_WEB_SERVICE_ID,
  };
}

/** An ARM client with the emulator's ARM token. */
export function localArm(emulator: EmulatorProcess): ArmWebServicesClient {
  return new ArmWebServicesClient({ kind: "token", token: emulator.credentials.armToken });
}

/** The model URI the predictive ARM service serves (its trained-model asset). */
export async function servedByPredictive(emulator: EmulatorProcess): Promise<string> {
  const service = await localArm(emulator).get(localServiceRef(emulator));
  if (!service) throw new Error("the predictive service does not exist");
  return findTrainedModelAsset(service.properties, MODEL_ASSET).asset.locationInfo.uri;
}

/**
 * Scores census rows (their label left out) through RRS in the swagger format.
 * @param executionUrl - the service's or endpoint's execution base URL
 * @param key - its key
 * @param rows - the rows
 */
export async function scoreCensusRows(
  executionUrl: string,
  key: string,
  rows: readonly CensusRow[],
): Promise<RrsSwaggerResponse["Results"][string]> {
  const inputs: Row[] = rows.map(({ income: _income, ...features }) =>
    Object.fromEntries(
      Object.entries(features).map(([k, v]) => [k, v === null ? null : String(v)]),
    ),
  );
  const results = await new RrsClient(executionUrl, key).executeRows({ input1: inputs });
  return results.output1;
}

/**
 * The AUC of scores against the rows' labels. Rows the model cannot score (a missing value) come
 * back without a score: left out.
 * @param scored - RRS's answer for `rows`, in order
 * @param rows - the scored rows
 */
export function aucOfScores(
  scored: RrsSwaggerResponse["Results"][string],
  rows: readonly CensusRow[],
): number {
  const kept = scored
    .map((r, i) => ({ p: r["Scored Probabilities"], truth: rows[i].income }))
    .filter((s) => s.p !== null);
  return auc(
    kept.map((s) => Number(s.p)),
    kept.map((s) => (s.truth === ">50K" ? 1 : 0)),
  );
}

/** The AUC of a served model's scores on `rows`, scored through RRS (the swagger format). */
export async function servedAucOnRows(
  executionUrl: string,
  key: string,
  rows: readonly CensusRow[],
): Promise<number> {
  return aucOfScores(await scoreCensusRows(executionUrl, key, rows), rows);
}

/**
 * The rows with their labels shuffled (a fixed permutation): labels unrelated to the features, so
 * any model trained on them fails an AUC gate.
 */
export function shuffledLabels(rows: readonly CensusRow[]): CensusRow[] {
  return rows.map((r, i, all) => ({ ...r, income: all[(i * 7919) % all.length].income }));
}

/**
 * Writes census rows as a CSV file; returns its path.
 * @param dir - the folder
 * @param name - the file name
 * @param rows - the rows
 */
export function writeCensusCsv(dir: string, name: string, rows: readonly CensusRow[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, censusToCsv(rows));
  return file;
}

/**
 * Generates census rows and writes them as a CSV file (the scenarios' months of data); returns
 * its path.
 * @param dir - the folder
 * @param name - the file name
 * @param sample - the generator's seed, its drift (0: October's world, 1: later months) and the
 *   row count (default 3000)
 */
export function writeCensusSample(
  dir: string,
  name: string,
  sample: { readonly seed: number; readonly drift: number; readonly rows?: number },
): string {
  return writeCensusCsv(dir, name, generateCensusRows({ rows: 3000, ...sample }));
}

// -------------------------------------------------------------------------------------------
// Output
// -------------------------------------------------------------------------------------------

/** Reads a process's output (the host's or the emulator's) from where the last read stopped. */
export class OutputCursor {
  private mark = 0;

  /** @param source - the process, whose `output` grows */
  constructor(private readonly source: { readonly output: readonly string[] }) {}

  /** Lines printed since the last {@link OutputCursor.take}, without moving past them. */
  peek(): string[] {
    return this.source.output.slice(this.mark);
  }

  /** Lines printed since the last call (the first: since the start), moving past them. */
  take(): string[] {
    const lines = this.peek();
    this.mark += lines.length;
    return lines;
  }
}
