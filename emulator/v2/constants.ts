/**
 * Named defaults and fixed values of the emulator's Azure Machine Learning (v2) surface, in one
 * place so that `docs/v2.md`, the CLI help and the code cannot disagree.
 */
import { V2_API_VERSION, V2_OLDEST_API_VERSION, V2_PROVIDER } from "../../contract/v2";

/** Oldest and newest accepted api-versions (any dated version between them, `-preview` too). */
export const API_VERSION_RANGE = { oldest: V2_OLDEST_API_VERSION, newest: V2_API_VERSION } as const;

/** The resource type prefix of everything in a workspace. */
export const WORKSPACE_TYPE = `${V2_PROVIDER}/workspaces`;

/** The default blob datastore a workspace is created with. */
export const DEFAULT_DATASTORE = "workspaceblobstore";
/** The datastore of job artifacts (logs, the `default` output). */
export const ARTIFACT_DATASTORE = "workspaceartifactstore";
/** Container of {@link ARTIFACT_DATASTORE} (as on Azure). */
export const ARTIFACT_CONTAINER = "azureml";

/** Delay before a long-running operation does its work (lets clients observe `InProgress`). */
export const DEFAULT_OPERATION_DELAY_MS = 0;
/** `Retry-After` of long-running operations, in seconds (Azure: 10 to 600; short here). */
export const DEFAULT_RETRY_AFTER_S = 1;

/** Deployment defaults of Azure (doc'd in the REST reference). */
export const DEFAULT_INSTANCE_TYPE = "Standard_F4s_v2";
/** Default `requestSettings.requestTimeout`. */
export const DEFAULT_REQUEST_TIMEOUT = "PT5S";
/** Default `requestSettings.maxConcurrentRequestsPerInstance`. */
export const DEFAULT_MAX_CONCURRENT = 1;
/** Readiness wait: initialDelay + failureThreshold × period of Azure's default probe. */
export const DEFAULT_READINESS_MS = (10 + 30 * 10) * 1000;

/** Validity of an endpoint's AML token (`POST …/token`), and when to refresh it. */
export const TOKEN_VALIDITY_S = 60 * 60;
/** Refresh-after of an AML token. */
export const TOKEN_REFRESH_S = 30 * 60;

/** A job's or deployment's log lines kept in memory for `getLogs` (per container). */
export const MAX_LOG_LINES = 5000;
/** Grace period between SIGTERM and SIGKILL when a job or deployment is stopped. */
export const KILL_GRACE_MS = 3000;

/** Folder under the emulator's data folder that holds job and deployment files. */
export const V2_FOLDER = "v2";
/** The v2 database file in the data folder. */
export const V2_DATABASE_FILE = "v2.db";

/** Names in PUT paths (Azure's rule for workspaces' child resources). */
export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
/** Online endpoint names: Azure's rule (3-32 chars, letter first, letters, digits, hyphens). */
export const ENDPOINT_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/;
/** Deployment names: Azure's rule (3-32 chars, letter first). */
export const DEPLOYMENT_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/;

/** Marks the portal's own Test-page calls (made in process): the dashboard does not count them. */
export const PORTAL_TEST_HEADER = "x-emulator-portal-test";
