/**
 * The `azureml-emulator` command: flags and environment variables → {@link EmulatorOptions} →
 * {@link startEmulator}, plus signal handling and what a person starting it needs to hear (the
 * version, examples, a hint when the port is taken, a warning when storage does not answer).
 * This is the only file that reads the command line or the environment. Every flag is
 * documented in `docs/emulator.md`.
 */
import * as net from "node:net";
import { Command, InvalidArgumentError, Option } from "commander";
import type { EmulatorOptions, FaultStatus, LogLevel, StatusCodeFormat } from "./config";
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
import { startEmulator, type EmulatorHandle } from "./startEmulator";
import { version as PACKAGE_VERSION } from "../package.json";
import { DEFAULT_OPERATION_DELAY_MS, DEFAULT_RETRY_AFTER_S } from "./v2/constants";
import type { V2Options } from "./v2/config";

/** Prefix of every environment variable the emulator reads. */
export const ENV_PREFIX = "AZUREML_EMULATOR_";

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError("expected a non-negative integer");
  return n;
}

function fraction(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError("expected a number between 0 and 1");
  return n;
}

function truthy(value: string | undefined, name = "STRICT"): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new InvalidArgumentError(`${ENV_PREFIX}${name} must be true or false, got "${value}"`);
}

/**
 * The end of `--help`: how to run it, always this project's own copy (`npm run emulator` and
 * `node bin/azureml-emulator.js` cannot fetch a package of the same name from the registry).
 */
export const HELP_EXAMPLES = `
Examples:
  npm run emulators                               Azurite and the emulator together, on the
                                                  ports the local stack expects (10000, 9700)
  npm run emulator                                the emulator alone on 127.0.0.1:9700, with
                                                  Azurite already on 127.0.0.1:10000
  npm run emulator -- --port 0 --location /tmp/emu
                                                  a free port and a throw-away data folder
  npm run emulator -- --storage http://127.0.0.1:10001
                                                  Azurite on another port
  npm run emulator -- --fault-every 4 --fault-status 429
                                                  every 4th request refused with 429
  AZUREML_EMULATOR_PORT=0 node bin/azureml-emulator.js
                                                  every flag has a variable: AZUREML_EMULATOR_<FLAG>

Tokens are generated once and kept in <location>/credentials.json. Reference: docs/emulator.md`;

/** Builds the command-line parser (exported for the help text test). */
export function buildCommand(): Command {
  const env = (name: string) => `${ENV_PREFIX}${name}`;
  return new Command("azureml-emulator")
    .description(
      "Local emulator of the Azure ML Studio (classic) web services: ARM webServices, the classic " +
        "management API, and the execution API (BES jobs, RRS scoring).",
    )
    .version(`azureml-emulator ${PACKAGE_VERSION}`, "-V, --version", "Print the version and exit")
    .addHelpText("after", HELP_EXAMPLES)
    .addOption(
      new Option("--host <host>", `Optional. Interface to bind (default ${DEFAULT_HOST})`).env(
        env("HOST"),
      ),
    )
    .addOption(
      new Option("--port <port>", `Optional. Port; 0 picks a free one (default ${DEFAULT_PORT})`)
        .env(env("PORT"))
        .argParser(integer),
    )
    .addOption(
      new Option("--location <dir>", `Optional. Data folder (default ${DEFAULT_LOCATION})`).env(
        env("LOCATION"),
      ),
    )
    .addOption(
      new Option(
        "--arm-token <token>",
        "Optional. ARM bearer token (default: generated once, kept in the data folder)",
      ).env(env("ARM_TOKEN")),
    )
    .addOption(
      new Option(
        "--workspace-token <token>",
        "Optional. Classic management bearer token (default: generated once, kept in the data folder)",
      ).env(env("WORKSPACE_TOKEN")),
    )
    .addOption(
      new Option(
        "--storage <url>",
        `Optional. Blob endpoint base of ARM services' storage accounts; {account} is replaced by the name (default ${DEFAULT_STORAGE})`,
      ).env(env("STORAGE")),
    )
    .addOption(
      new Option(
        "--strict",
        `Optional. Unsupported parameters are errors, not ignored (env: ${env("STRICT")}=true)`,
      ),
    )
    .addOption(
      new Option(
        "--no-scripts",
        `Optional. Turn script modules (Execute Python/R Script) off (env: ${env("SCRIPTS")}=false)`,
      ),
    )
    .addOption(
      new Option(
        "--python <path>",
        `Optional. Python 3 for Execute Python Script (with pandas) and the v2 surface's jobs and deployments (with what their scripts import) (default ${DEFAULT_PYTHON})`,
      ).env(env("PYTHON")),
    )
    .addOption(
      new Option(
        "--rscript <path>",
        `Optional. Rscript for Execute R Script (default ${DEFAULT_RSCRIPT})`,
      ).env(env("RSCRIPT")),
    )
    .addOption(
      new Option(
        "--script-timeout-ms <ms>",
        `Optional. Time limit of one script module run (default ${DEFAULT_SCRIPT_TIMEOUT_MS})`,
      )
        .env(env("SCRIPT_TIMEOUT_MS"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--status-code-format <format>",
        `Optional. BES StatusCode as a name or an int (default ${DEFAULT_STATUS_CODE_FORMAT})`,
      )
        .choices(["name", "int"])
        .env(env("STATUS_CODE_FORMAT")),
    )
    .addOption(
      new Option(
        "--swap-delay-ms <ms>",
        `Optional. Delay before a PATCHed classic model serves (default ${DEFAULT_SWAP_DELAY_MS})`,
      )
        .env(env("SWAP_DELAY_MS"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--provisioning-delay-ms <ms>",
        `Optional. Delay before an ARM provisioning runs (default ${DEFAULT_PROVISIONING_DELAY_MS})`,
      )
        .env(env("PROVISIONING_DELAY_MS"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--max-running-jobs <n>",
        `Optional. Running BES jobs per service/endpoint (default ${DEFAULT_MAX_RUNNING_JOBS})`,
      )
        .env(env("MAX_RUNNING_JOBS"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--max-body-bytes <n>",
        `Optional. Request body limit (default ${DEFAULT_MAX_BODY_BYTES})`,
      )
        .env(env("MAX_BODY_BYTES"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--max-rrs-body-bytes <n>",
        `Optional. RRS request body limit (default ${DEFAULT_MAX_RRS_BODY_BYTES})`,
      )
        .env(env("MAX_RRS_BODY_BYTES"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--list-page-size <n>",
        `Optional. ARM list page size (default ${DEFAULT_LIST_PAGE_SIZE})`,
      )
        .env(env("LIST_PAGE_SIZE"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--log-level <level>",
        `Optional. silent, error, info or debug (default ${DEFAULT_LOG_LEVEL})`,
      )
        .choices(["silent", "error", "info", "debug"])
        .env(env("LOG_LEVEL")),
    )
    .addOption(
      new Option(
        "--fault-rate <0..1>",
        "Optional. Fault injection: fraction of matching requests answered 429/503 with Retry-After (default 0: off)",
      )
        .env(env("FAULT_RATE"))
        .argParser(fraction),
    )
    .addOption(
      new Option(
        "--fault-every <n>",
        "Optional. Fault injection, deterministic: answer every n-th matching request 429/503 (default 0: off)",
      )
        .env(env("FAULT_EVERY"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--fault-count <n>",
        "Optional. Fault injection: refuse at most n requests, then none (default: no limit)",
      )
        .env(env("FAULT_COUNT"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--fault-seed <n>",
        "Optional. Fault injection: seed of the --fault-rate draws, to replay a run (default: unseeded)",
      )
        .env(env("FAULT_SEED"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--fault-status <status>",
        `Optional. Fault injection: status of a refused request, 429 or 503 (default ${DEFAULT_FAULT_STATUS})`,
      )
        .choices(["429", "503"])
        .env(env("FAULT_STATUS")),
    )
    .addOption(
      new Option(
        "--fault-retry-after <s>",
        `Optional. Fault injection: Retry-After of a refused request, in seconds (default ${DEFAULT_FAULT_RETRY_AFTER_S})`,
      )
        .env(env("FAULT_RETRY_AFTER"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--fault-latency-ms <ms>",
        "Optional. Fault injection: delay added to every matching request (default 0)",
      )
        .env(env("FAULT_LATENCY_MS"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--fault-paths <regex>",
        'Optional. Fault injection: only requests whose "<METHOD> <path>" matches, e.g. "POST .*/jobs$" (default: all but /health)',
      ).env(env("FAULT_PATHS")),
    )
    .addOption(
      new Option(
        "--fail-job-at-module <name>",
        'Optional. Fault injection: BES jobs fail with a module error when this Studio module starts, e.g. "Train Model"',
      ).env(env("FAIL_JOB_AT_MODULE")),
    )
    .addOption(
      new Option(
        "--tls-cert <file>",
        "Optional. PEM certificate: serve HTTPS (Azure SDKs send bearer tokens over TLS only); needs --tls-key",
      ).env(env("TLS_CERT")),
    )
    .addOption(
      new Option("--tls-key <file>", "Optional. PEM private key of --tls-cert").env(env("TLS_KEY")),
    )
    .addOption(
      new Option(
        "--v2-operation-delay-ms <ms>",
        `Optional. v2: delay before a long-running operation does its work (default ${DEFAULT_OPERATION_DELAY_MS})`,
      )
        .env(env("V2_OPERATION_DELAY_MS"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--v2-retry-after <s>",
        `Optional. v2: Retry-After of long-running operations, in seconds (default ${DEFAULT_RETRY_AFTER_S})`,
      )
        .env(env("V2_RETRY_AFTER"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--routing-seed <n>",
        "Optional. v2: seed of the scoring router's weighted and mirrored choices (default: unseeded)",
      )
        .env(env("ROUTING_SEED"))
        .argParser(integer),
    )
    .addOption(
      new Option(
        "--v2-fail-operations <regex>",
        'Optional. v2 fault injection: long-running operations whose "<kind> <resource id>" matches end Failed, e.g. "create .*/deployments/green$"',
      ).env(env("V2_FAIL_OPERATIONS")),
    );
}

/**
 * Parses the command line and the `AZUREML_EMULATOR_*` environment variables into options
 * (commander reads the variables and runs each option's parser on them too).
 * @param argv - `process.argv`
 */
export function parseOptions(argv: readonly string[]): EmulatorOptions {
  const command = buildCommand();
  command.parse([...argv]);
  const o = command.opts<{
    host?: string;
    port?: number;
    location?: string;
    armToken?: string;
    workspaceToken?: string;
    storage?: string;
    strict?: boolean;
    statusCodeFormat?: StatusCodeFormat;
    swapDelayMs?: number;
    provisioningDelayMs?: number;
    maxRunningJobs?: number;
    maxBodyBytes?: number;
    maxRrsBodyBytes?: number;
    listPageSize?: number;
    logLevel?: LogLevel;
    faultRate?: number;
    faultEvery?: number;
    faultCount?: number;
    faultSeed?: number;
    faultStatus?: string;
    faultRetryAfter?: number;
    faultLatencyMs?: number;
    faultPaths?: string;
    failJobAtModule?: string;
    scripts?: boolean;
    python?: string;
    rscript?: string;
    scriptTimeoutMs?: number;
    v2OperationDelayMs?: number;
    v2RetryAfter?: number;
    routingSeed?: number;
    v2FailOperations?: string;
    tlsCert?: string;
    tlsKey?: string;
  }>();
  // Commander treats any value of a boolean flag's variable as true; "false" must mean false.
  const strict = o.strict ?? truthy(process.env[`${ENV_PREFIX}STRICT`]);
  // `--no-scripts` makes Commander default `scripts` to true; the variable can turn them off too.
  const scriptsVariable = process.env[`${ENV_PREFIX}SCRIPTS`];
  const scripts = o.scripts === false ? false : truthy(scriptsVariable, "SCRIPTS");
  return {
    ...(o.host !== undefined ? { host: o.host } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
    ...(o.location !== undefined ? { location: o.location } : {}),
    ...(o.armToken !== undefined ? { armToken: o.armToken } : {}),
    ...(o.workspaceToken !== undefined ? { workspaceToken: o.workspaceToken } : {}),
    ...(o.storage !== undefined ? { storage: o.storage } : {}),
    ...(strict !== undefined ? { strict } : {}),
    ...(o.statusCodeFormat !== undefined ? { statusCodeFormat: o.statusCodeFormat } : {}),
    ...(o.swapDelayMs !== undefined ? { swapDelayMs: o.swapDelayMs } : {}),
    ...(o.provisioningDelayMs !== undefined ? { provisioningDelayMs: o.provisioningDelayMs } : {}),
    ...(o.maxRunningJobs !== undefined ? { maxRunningJobs: o.maxRunningJobs } : {}),
    ...(o.maxBodyBytes !== undefined ? { maxBodyBytes: o.maxBodyBytes } : {}),
    ...(o.maxRrsBodyBytes !== undefined ? { maxRrsBodyBytes: o.maxRrsBodyBytes } : {}),
    ...(o.listPageSize !== undefined ? { listPageSize: o.listPageSize } : {}),
    ...(o.logLevel !== undefined ? { logLevel: o.logLevel } : {}),
    ...(o.faultRate !== undefined ? { faultRate: o.faultRate } : {}),
    ...(o.faultEvery !== undefined ? { faultEvery: o.faultEvery } : {}),
    ...(o.faultCount !== undefined ? { faultCount: o.faultCount } : {}),
    ...(o.faultSeed !== undefined ? { faultSeed: o.faultSeed } : {}),
    ...(o.faultStatus !== undefined ? { faultStatus: Number(o.faultStatus) as FaultStatus } : {}),
    ...(o.faultRetryAfter !== undefined ? { faultRetryAfter: o.faultRetryAfter } : {}),
    ...(o.faultLatencyMs !== undefined ? { faultLatencyMs: o.faultLatencyMs } : {}),
    ...(o.faultPaths !== undefined ? { faultPaths: o.faultPaths } : {}),
    ...(o.failJobAtModule !== undefined ? { failJobAtModule: o.failJobAtModule } : {}),
    ...(scripts !== undefined ? { scripts } : {}),
    ...(o.python !== undefined ? { python: o.python } : {}),
    ...(o.rscript !== undefined ? { rscript: o.rscript } : {}),
    ...(o.scriptTimeoutMs !== undefined ? { scriptTimeoutMs: o.scriptTimeoutMs } : {}),
    ...(v2Options(o) ? { v2: v2Options(o) } : {}),
    ...(o.tlsCert !== undefined ? { tlsCertFile: o.tlsCert } : {}),
    ...(o.tlsKey !== undefined ? { tlsKeyFile: o.tlsKey } : {}),
  };
}

/** Where a server that could not listen was asked to listen, and the flag that moves it. */
export interface ListenTarget {
  /** What was started, e.g. `the emulator`. */
  readonly what: string;
  readonly host: string;
  readonly port: number;
  /** The flag that sets the port, e.g. `--port`. */
  readonly flag: string;
}

/**
 * The hint for a port already taken (`EADDRINUSE`), or undefined for any other error.
 * @param error - what starting the server threw
 * @param target - where it was to listen
 */
export function addressInUseHint(error: unknown, target: ListenTarget): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  if (code !== "EADDRINUSE" && !/EADDRINUSE/.test(text)) return undefined;
  return (
    `${target.what} cannot listen on ${target.host}:${target.port}: the port is already in use ` +
    `(EADDRINUSE). Another emulator may be running (npm run emulators starts one): stop it, or ` +
    `choose another port with ${target.flag} (${target.flag} 0 picks a free one).`
  );
}

/**
 * Why storage cannot be reached, or undefined when a connection to it opens (what it answers
 * does not matter here). A `--storage` template (`{account}`) names no host to try.
 * @param storage - the `--storage` base URL
 * @param timeoutMs - how long to wait for the connection
 */
export async function storageUnreachable(
  storage: string,
  timeoutMs = 2_000,
): Promise<string | undefined> {
  if (storage.includes("{account}")) return undefined;
  const url = new URL(storage);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (reason: string | undefined): void => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no connection in ${timeoutMs / 1000} s`));
    socket.once("connect", () => done(undefined));
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

/** The v2 surface's options among the parsed flags, or undefined when none was given. */
function v2Options(o: {
  v2OperationDelayMs?: number;
  v2RetryAfter?: number;
  routingSeed?: number;
  v2FailOperations?: string;
}): V2Options | undefined {
  const v2: V2Options = {
    ...(o.v2OperationDelayMs !== undefined ? { operationDelayMs: o.v2OperationDelayMs } : {}),
    ...(o.v2RetryAfter !== undefined ? { retryAfterSeconds: o.v2RetryAfter } : {}),
    ...(o.routingSeed !== undefined ? { routingSeed: o.routingSeed } : {}),
    ...(o.v2FailOperations !== undefined ? { failOperations: o.v2FailOperations } : {}),
  };
  return Object.keys(v2).length > 0 ? v2 : undefined;
}

/**
 * Runs the command: starts the emulator and stops it on SIGINT/SIGTERM.
 * @param argv - `process.argv`
 */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  let options: EmulatorOptions = {};
  let handle: EmulatorHandle;
  try {
    options = parseOptions(argv);
    handle = await startEmulator(options);
  } catch (error) {
    const hint = addressInUseHint(error, {
      what: "the emulator",
      host: options.host ?? DEFAULT_HOST,
      port: options.port ?? DEFAULT_PORT,
      flag: "--port",
    });
    process.stderr.write(`azureml-emulator: ${hint ?? (error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`azureml-emulator: ${signal}, stopping\n`);
    handle.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`azureml-emulator: stop failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  // The emulator starts without storage (it is only needed by jobs and model updates), so a
  // missing Azurite would otherwise show up much later, as a failed job.
  const storage = options.storage ?? DEFAULT_STORAGE;
  const unreachable = await storageUnreachable(storage);
  if (unreachable !== undefined && !stopping) {
    process.stderr.write(
      `azureml-emulator: warning: storage at ${storage} cannot be reached (${unreachable}): BES ` +
        "jobs, model updates and provisioning will fail until it answers. Start Azurite (npm run " +
        "emulators starts it with the emulator), or point --storage at a blob endpoint.\n",
    );
  }
}
