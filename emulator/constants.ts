/**
 * Named defaults and fixed values of the emulator, gathered in one place so that the README,
 * the CLI help and the code cannot disagree.
 */

/** Loopback by default: the emulator hands out keys and must not be reachable from the network. */
export const DEFAULT_HOST = "127.0.0.1";
/** Fixed default port, so that a stack configuration can name it; 0 picks any free port. */
export const DEFAULT_PORT = 9700;
/** Data folder (database, model bytes, generated credentials), relative to the working directory. */
export const DEFAULT_LOCATION = "./.azureml-emulator";
/** Blob endpoint base of ARM web services' `storageAccount` (Azurite's default blob port). */
export const DEFAULT_STORAGE = "http://127.0.0.1:10000";
/** BES `StatusCode` rendering: `name` (swagger enum, default) or `int` (0..4, older docs). */
export const DEFAULT_STATUS_CODE_FORMAT = "name";
/** Azure FAQ: 40 BES jobs run at a time per endpoint, the rest are queued. */
export const DEFAULT_MAX_RUNNING_JOBS = 40;
/** Delay before a classic endpoint serves a PATCHed model (Azure: about 30 s; tests want 0). */
export const DEFAULT_SWAP_DELAY_MS = 0;
/** Delay before an ARM provisioning starts (lets clients observe `Provisioning`). */
export const DEFAULT_PROVISIONING_DELAY_MS = 0;
/** Largest request body on the management surfaces (ARM inline definitions go up to 3 MB). */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Largest RRS body: scoring runs on the main thread, so payloads must stay small. */
export const DEFAULT_MAX_RRS_BODY_BYTES = 1024 * 1024;
/** Page size of the ARM list operations (small enough that `nextLink` is exercised). */
export const DEFAULT_LIST_PAGE_SIZE = 20;
/** Log verbosity. */
export const DEFAULT_LOG_LEVEL = "info";
/** Status of an injected fault (fault injection is off unless a rate or an interval is set). */
export const DEFAULT_FAULT_STATUS = 503;
/** `Retry-After` (seconds) of an injected 429/503: short, so tests that survive faults stay fast. */
export const DEFAULT_FAULT_RETRY_AFTER_S = 1;

/** Python interpreter of Execute Python Script (looked up on PATH; it needs pandas). */
export const DEFAULT_PYTHON = "python3";
/** R interpreter of Execute R Script (looked up on PATH). */
export const DEFAULT_RSCRIPT = "Rscript";
/** Time a script module may run before its interpreter is killed (10 minutes). */
export const DEFAULT_SCRIPT_TIMEOUT_MS = 10 * 60 * 1000;

/** The ARM api-version the emulator implements. */
export const ARM_API_VERSION = "2017-01-01";
/** Older ARM api-version still sent by Data Factory; accepted with the same behaviour. */
export const ARM_API_VERSIONS: readonly string[] = [ARM_API_VERSION, "2016-05-01-preview"];
/** The only execution api-version of the published swagger. */
export const EXECUTION_API_VERSION = "2.0";
/** ARM resource type of a web service. */
export const ARM_RESOURCE_TYPE = "Microsoft.MachineLearning/webServices";
/** Name of the default endpoint of a classic web service. */
export const DEFAULT_ENDPOINT_NAME = "default";
/** Container of BES outputs written without an override (observed on Azure). */
export const DEFAULT_OUTPUT_CONTAINER = "experimentoutput";

/** SAS service version pinned for result tokens: old enough for any Azurite, new enough for Azure. */
export const SAS_VERSION = "2021-12-02";
/** Result SAS validity starts this long before now (clock skew between hosts). */
export const SAS_START_SKEW_MS = 5 * 60 * 1000;
/** Result SAS validity (Azure's examples show about 24 h). */
export const SAS_VALIDITY_MS = 24 * 60 * 60 * 1000;

/** File names inside the data folder. */
export const DATABASE_FILE = "emulator.db";
/** Generated tokens, readable by the owner only. */
export const CREDENTIALS_FILE = "credentials.json";
/** Content-addressed model bytes. */
export const MODELS_FOLDER = "models";

/** Bytes of entropy of generated keys (Azure keys are 88-character base64, i.e. 64 bytes). */
export const KEY_BYTES = 64;
/** Bytes of entropy of generated tokens. */
export const TOKEN_BYTES = 32;
