/**
 * The emulator's configuration: what a caller may pass ({@link EmulatorOptions}), and the one
 * readonly object every layer receives ({@link EmulatorConfig}), built once by
 * {@link resolveConfig}. Nothing below this file reads `process.env` or the command line.
 */
import * as path from "node:path";
import {
  DEFAULT_HOST,
  DEFAULT_LIST_PAGE_SIZE,
  DEFAULT_LOCATION,
  DEFAULT_LOG_LEVEL,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_RRS_BODY_BYTES,
  DEFAULT_MAX_RUNNING_JOBS,
  DEFAULT_PORT,
  DEFAULT_PROVISIONING_DELAY_MS,
  DEFAULT_STATUS_CODE_FORMAT,
  DEFAULT_STORAGE,
  DEFAULT_SWAP_DELAY_MS,
} from "./constants";

/** How BES `StatusCode` is rendered. */
export type StatusCodeFormat = "name" | "int";

/** Log verbosity, from quietest. */
export type LogLevel = "silent" | "error" | "info" | "debug";

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
  /** Where log lines go (default: stdout, errors to stderr). Lines are already redacted. */
  readonly logSink?: (line: string, level: Exclude<LogLevel, "silent">) => void;
  /** Print the startup lines (URLs, where the credentials are). Default: true. */
  readonly printStartup?: boolean;
  /** Print generated tokens themselves (default: only when stdout is a TTY). */
  readonly printSecrets?: boolean;
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
  readonly logSink: ((line: string, level: Exclude<LogLevel, "silent">) => void) | undefined;
  readonly printStartup: boolean;
  readonly printSecrets: boolean;
}

const LOG_LEVELS: readonly LogLevel[] = ["silent", "error", "info", "debug"];

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (nonNegativeInteger(name, value) === 0) throw new RangeError(`${name} must be at least 1`);
  return value;
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
    logSink: options.logSink,
    printStartup: options.printStartup ?? true,
    printSecrets: options.printSecrets ?? Boolean(process.stdout.isTTY),
  });
}
