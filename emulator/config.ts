/**
 * The emulator's configuration: what a caller may pass ({@link EmulatorOptions}), and the one
 * readonly object every layer receives ({@link EmulatorConfig}), built once by
 * {@link resolveConfig}. Nothing below this file reads `process.env` or the command line.
 */
import * as path from "node:path";
import {
  DEFAULT_FAULT_RETRY_AFTER_S,
  DEFAULT_FAULT_STATUS,
  DEFAULT_HOST,
  DEFAULT_LIST_PAGE_SIZE,
  DEFAULT_LOCATION,
  DEFAULT_LOG_LEVEL,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_RRS_BODY_BYTES,
  DEFAULT_MAX_RUNNING_JOBS,
  DEFAULT_PORT,
  DEFAULT_PROVISIONING_DELAY_MS,
  DEFAULT_PYTHON,
  DEFAULT_RSCRIPT,
  DEFAULT_SCRIPT_TIMEOUT_MS,
  DEFAULT_STATUS_CODE_FORMAT,
  DEFAULT_STORAGE,
  DEFAULT_SWAP_DELAY_MS,
} from "./constants";
import { resolveV2Config, type V2Config, type V2Options } from "./v2/config";

/** How BES `StatusCode` is rendered. */
export type StatusCodeFormat = "name" | "int";

/** Log verbosity, from quietest. */
export type LogLevel = "silent" | "error" | "info" | "debug";

/** Status codes an injected fault can answer with (both retryable, both with `Retry-After`). */
export type FaultStatus = 429 | 503;

/**
 * Fault injection (off by default): which requests are slowed down or refused, and which module
 * makes jobs fail. See `docs/emulator.md`, "Fault injection".
 */
export interface FaultSettings {
  /** Fraction of matching requests answered with {@link FaultSettings.status} (0 = none). */
  readonly rate: number;
  /** Deterministic alternative to `rate`: every n-th matching request is refused (0 = off). */
  readonly every: number;
  /** At most this many requests are refused (then none); undefined = no limit. */
  readonly count: number | undefined;
  /** Seed of the generator that draws `rate` (undefined = `Math.random`). */
  readonly seed: number | undefined;
  /** 429 or 503. */
  readonly status: FaultStatus;
  /** `Retry-After` of a refused request, in seconds. */
  readonly retryAfterSeconds: number;
  /** Delay added to every matching request, in ms. */
  readonly latencyMs: number;
  /** Regular expression tested against `"<METHOD> <path>"`; undefined = every request. */
  readonly paths: string | undefined;
  /** Studio module name at which every job fails with a module error (undefined = none). */
  readonly failJobAtModule: string | undefined;
}

/** Options of {@link startEmulator}; every field is optional and has a named default. */
export interface EmulatorOptions {
  /** Interface to bind (default 127.0.0.1; loopback keeps the keys off the network). */
  readonly host?: string;
  /** Port to bind; 0 picks a free port (the bound URL is returned and printed). */
  readonly port?: number;
  /** Data folder: database, model bytes, generated credentials. */
  readonly location?: string;
  /** Bearer token of the ARM surface; generated once and persisted when absent. */
  readonly armToken?: string;
  /** Bearer token of the classic management surface; generated once and persisted when absent. */
  readonly workspaceToken?: string;
  /** Blob endpoint base for ARM services' `storageAccount` (`{storage}/{account name}`). */
  readonly storage?: string;
  /** Unsupported parameters (query, body members, module parameters) are errors. */
  readonly strict?: boolean;
  /** BES `StatusCode` as a name (default) or as the integer 0..4. */
  readonly statusCodeFormat?: StatusCodeFormat;
  /** Delay before a classic endpoint serves a PATCHed model. */
  readonly swapDelayMs?: number;
  /** Delay before an ARM provisioning runs. */
  readonly provisioningDelayMs?: number;
  /** Running BES jobs per service or endpoint; more are queued. */
  readonly maxRunningJobs?: number;
  /** Request body limit of the management surfaces and BES. */
  readonly maxBodyBytes?: number;
  /** Request body limit of RRS scoring. */
  readonly maxRrsBodyBytes?: number;
  /** Page size of the ARM list operations. */
  readonly listPageSize?: number;
  /** Log verbosity. */
  readonly logLevel?: LogLevel;
  /** Fault injection: fraction of matching requests refused (0..1; default 0). */
  readonly faultRate?: number;
  /** Fault injection: refuse every n-th matching request instead (deterministic; default off). */
  readonly faultEvery?: number;
  /** Fault injection: refuse at most this many requests (default: no limit). */
  readonly faultCount?: number;
  /** Fault injection: seed of the `faultRate` draws (default: unseeded). */
  readonly faultSeed?: number;
  /** Fault injection: 429 or 503 (default 503). */
  readonly faultStatus?: FaultStatus;
  /** Fault injection: `Retry-After` seconds of a refused request (default 1). */
  readonly faultRetryAfter?: number;
  /** Fault injection: ms added to every matching request (default 0). */
  readonly faultLatencyMs?: number;
  /** Fault injection: regular expression on `"<METHOD> <path>"` (default: every request). */
  readonly faultPaths?: string;
  /** Fault injection: jobs fail with a module error when this Studio module starts. */
  readonly failJobAtModule?: string;
  /** Where log lines go (default: stdout, errors to stderr). Lines are already redacted. */
  readonly logSink?: (line: string, level: Exclude<LogLevel, "silent">) => void;
  /** Print the startup lines (URLs, where the credentials are). Default: true. */
  readonly printStartup?: boolean;
  /** Print generated tokens themselves (default: only when stdout is a TTY). */
  readonly printSecrets?: boolean;
  /** Run script modules (Execute Python Script, Execute R Script); default true. */
  readonly scripts?: boolean;
  /** Python interpreter of Execute Python Script (default `python3` on PATH). */
  readonly python?: string;
  /** R interpreter of Execute R Script (default `Rscript` on PATH). */
  readonly rscript?: string;
  /** Time limit of one script module run, in ms (default 10 minutes). */
  readonly scriptTimeoutMs?: number;
  /** The Azure Machine Learning (v2) surface: operation delay, routing seed, injected failures. */
  readonly v2?: V2Options;
  /** PEM certificate file: serve HTTPS (with {@link EmulatorOptions.tlsKeyFile}). */
  readonly tlsCertFile?: string;
  /** PEM private key file of {@link EmulatorOptions.tlsCertFile}. */
  readonly tlsKeyFile?: string;
}

/** How script modules run (see {@link EmulatorOptions}). */
export interface ScriptSettings {
  readonly enabled: boolean;
  readonly python: string;
  readonly rscript: string;
  readonly timeoutMs: number;
}

/** The resolved, immutable configuration. */
export interface EmulatorConfig {
  readonly host: string;
  readonly port: number;
  /** Absolute data folder. */
  readonly location: string;
  readonly armToken: string | undefined;
  readonly workspaceToken: string | undefined;
  /** Without a trailing slash. */
  readonly storage: string;
  readonly strict: boolean;
  readonly statusCodeFormat: StatusCodeFormat;
  readonly swapDelayMs: number;
  readonly provisioningDelayMs: number;
  readonly maxRunningJobs: number;
  readonly maxBodyBytes: number;
  readonly maxRrsBodyBytes: number;
  readonly listPageSize: number;
  readonly logLevel: LogLevel;
  /** Fault injection (inactive unless set: see {@link faultsActive}). */
  readonly faults: FaultSettings;
  readonly logSink: ((line: string, level: Exclude<LogLevel, "silent">) => void) | undefined;
  readonly printStartup: boolean;
  readonly printSecrets: boolean;
  readonly scripts: ScriptSettings;
  /** The v2 surface's settings. */
  readonly v2: V2Config;
  /** Certificate and key files when serving HTTPS. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
}

/**
 * The fault members of {@link EmulatorOptions} (for {@link resolveFaultSettings} and
 * `FaultInjector.configure`).
 */
export type FaultOptions = Pick<
  EmulatorOptions,
  | "faultRate"
  | "faultEvery"
  | "faultCount"
  | "faultSeed"
  | "faultStatus"
  | "faultRetryAfter"
  | "faultLatencyMs"
  | "faultPaths"
  | "failJobAtModule"
>;

const LOG_LEVELS: readonly LogLevel[] = ["silent", "error", "info", "debug"];

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}

function nonEmpty(name: string, value: string): string {
  if (value.trim() === "") throw new RangeError(`${name} is empty`);
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (nonNegativeInteger(name, value) === 0) throw new RangeError(`${name} must be at least 1`);
  return value;
}

/**
 * Applies the defaults to the fault options and validates them (a `RangeError` naming the
 * option). Also used when tests change faults at run time.
 * @param options - the fault members of {@link EmulatorOptions}
 */
export function resolveFaultSettings(options: FaultOptions): FaultSettings {
  const rate = options.faultRate ?? 0;
  if (!(typeof rate === "number" && rate >= 0 && rate <= 1)) {
    throw new RangeError(`faultRate must be a number between 0 and 1, got ${rate}`);
  }
  const every = nonNegativeInteger("faultEvery", options.faultEvery ?? 0);
  if (every > 0 && rate > 0) {
    throw new RangeError("faultRate and faultEvery are exclusive: choose random or every n-th");
  }
  const status = options.faultStatus ?? DEFAULT_FAULT_STATUS;
  if (status !== 429 && status !== 503) {
    throw new RangeError(`faultStatus must be 429 or 503, got ${status}`);
  }
  const paths = options.faultPaths === "" ? undefined : options.faultPaths;
  if (paths !== undefined) {
    try {
      new RegExp(paths);
    } catch (error) {
      throw new RangeError(`faultPaths is not a regular expression: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const module = options.failJobAtModule?.trim();
  return Object.freeze({
    rate,
    every,
    count:
      options.faultCount === undefined
        ? undefined
        : nonNegativeInteger("faultCount", options.faultCount),
    seed:
      options.faultSeed === undefined
        ? undefined
        : nonNegativeInteger("faultSeed", options.faultSeed),
    status,
    retryAfterSeconds: nonNegativeInteger(
      "faultRetryAfter",
      options.faultRetryAfter ?? DEFAULT_FAULT_RETRY_AFTER_S,
    ),
    latencyMs: nonNegativeInteger("faultLatencyMs", options.faultLatencyMs ?? 0),
    paths,
    failJobAtModule: module ? module : undefined,
  });
}

/**
 * True when any fault is injected: requests refused or slowed down, or jobs failed.
 * @param faults - the settings
 */
export function faultsActive(faults: FaultSettings): boolean {
  return (
    faults.rate > 0 ||
    faults.every > 0 ||
    faults.latencyMs > 0 ||
    faults.failJobAtModule !== undefined
  );
}

function resolveTls(
  options: Pick<EmulatorOptions, "tlsCertFile" | "tlsKeyFile">,
): EmulatorConfig["tls"] {
  const { tlsCertFile, tlsKeyFile } = options;
  if (tlsCertFile === undefined && tlsKeyFile === undefined) return undefined;
  if (!tlsCertFile || !tlsKeyFile)
    throw new RangeError("tlsCertFile and tlsKeyFile go together: give both PEM files, or neither");
  return { certFile: path.resolve(tlsCertFile), keyFile: path.resolve(tlsKeyFile) };
}

/**
 * Applies the defaults and validates every option; throws a `RangeError` naming the option.
 * @param options - what the caller passed (CLI, environment or code)
 */
export function resolveConfig(options: EmulatorOptions = {}): EmulatorConfig {
  const port = nonNegativeInteger("port", options.port ?? DEFAULT_PORT);
  if (port > 65535) throw new RangeError(`port must be at most 65535, got ${port}`);
  const statusCodeFormat = options.statusCodeFormat ?? DEFAULT_STATUS_CODE_FORMAT;
  if (statusCodeFormat !== "name" && statusCodeFormat !== "int") {
    throw new RangeError(`statusCodeFormat must be "name" or "int", got "${statusCodeFormat}"`);
  }
  const logLevel = options.logLevel ?? DEFAULT_LOG_LEVEL;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new RangeError(`logLevel must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  }
  const storage = (options.storage ?? DEFAULT_STORAGE).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+/.test(storage)) {
    throw new RangeError(`storage must be an http(s) URL, got "${storage}"`);
  }
  for (const [name, token] of [
    ["armToken", options.armToken],
    ["workspaceToken", options.workspaceToken],
  ] as const) {
    if (token !== undefined && token.trim() === "") throw new RangeError(`${name} is empty`);
  }
  return Object.freeze({
    host: options.host ?? DEFAULT_HOST,
    port,
    location: path.resolve(options.location ?? DEFAULT_LOCATION),
    armToken: options.armToken,
    workspaceToken: options.workspaceToken,
    storage,
    strict: options.strict ?? false,
    statusCodeFormat,
    swapDelayMs: nonNegativeInteger("swapDelayMs", options.swapDelayMs ?? DEFAULT_SWAP_DELAY_MS),
    provisioningDelayMs: nonNegativeInteger(
      "provisioningDelayMs",
      options.provisioningDelayMs ?? DEFAULT_PROVISIONING_DELAY_MS,
    ),
    maxRunningJobs: positiveInteger(
      "maxRunningJobs",
      options.maxRunningJobs ?? DEFAULT_MAX_RUNNING_JOBS,
    ),
    maxBodyBytes: positiveInteger("maxBodyBytes", options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
    maxRrsBodyBytes: positiveInteger(
      "maxRrsBodyBytes",
      options.maxRrsBodyBytes ?? DEFAULT_MAX_RRS_BODY_BYTES,
    ),
    listPageSize: positiveInteger("listPageSize", options.listPageSize ?? DEFAULT_LIST_PAGE_SIZE),
    logLevel,
    faults: resolveFaultSettings(options),
    logSink: options.logSink,
    printStartup: options.printStartup ?? true,
    printSecrets: options.printSecrets ?? Boolean(process.stdout.isTTY),
    scripts: Object.freeze({
      enabled: options.scripts ?? true,
      python: nonEmpty("python", options.python ?? DEFAULT_PYTHON),
      rscript: nonEmpty("rscript", options.rscript ?? DEFAULT_RSCRIPT),
      timeoutMs: positiveInteger(
        "scriptTimeoutMs",
        options.scriptTimeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS,
      ),
    }),
    v2: resolveV2Config(options.v2, options.python ?? DEFAULT_PYTHON),
    tls: resolveTls(options),
  });
}
