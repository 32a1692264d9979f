/**
 * Wire types of the Azure Machine Learning (v2) surfaces the retrain flow uses:
 * `Microsoft.MachineLearningServices` on ARM (workspace, datastores, code/data/environment/model
 * versions, command jobs, managed online endpoints and deployments, long-running operations) and
 * the scoring data plane of an online endpoint. camelCase, as Azure answers. Types and constants
 * only: the emulator and the v2 clients both compile against them.
 */

/** Resource provider namespace of Azure Machine Learning (v2). */
export const V2_PROVIDER = "Microsoft.MachineLearningServices";

/** The api-version the v2 clients pin (what `@pulumi/azure-native` 3.28 uses). */
export const V2_API_VERSION = "2025-12-01";

/** Oldest api-version the emulator accepts (`@azure/arm-machinelearning` 2.x default). */
export const V2_OLDEST_API_VERSION = "2022-10-01";

/** Header naming the deployment a scoring call goes to, whatever the traffic weights. */
export const MODEL_DEPLOYMENT_HEADER = "azureml-model-deployment";

/** Largest scoring request body a managed online endpoint accepts (1.5 MiB). */
export const MAX_SCORING_BODY_BYTES = 1.5 * 1024 * 1024;

/** `systemData` of every resource. */
export interface SystemData {
  createdAt: string;
  createdBy: string;
  createdByType: "User" | "Application" | "ManagedIdentity" | "Key";
  lastModifiedAt: string;
  lastModifiedBy: string;
  lastModifiedByType: "User" | "Application" | "ManagedIdentity" | "Key";
}

/** The ARM envelope of a v2 resource. */
export interface V2Resource<P> {
  id: string;
  name: string;
  type: string;
  properties: P;
  systemData?: SystemData;
  location?: string;
  tags?: Record<string, string>;
  identity?: { type: string; principalId?: string; tenantId?: string };
  kind?: string;
  sku?: { name: string; tier?: string; capacity?: number; size?: string; family?: string };
}

/** A page of a list operation. */
export interface V2Page<T> {
  value: T[];
  nextLink?: string;
}

/** Provisioning states of endpoints, deployments and assets. */
export type V2ProvisioningState =
  "Creating" | "Updating" | "Deleting" | "Scaling" | "Succeeded" | "Failed" | "Canceled";

// ---------------------------------------------------------------------------------------------
// Workspace and datastores
// ---------------------------------------------------------------------------------------------

/** Workspace properties (the fields the flow reads or sends). */
export interface WorkspaceProperties {
  friendlyName?: string;
  description?: string;
  /** ARM id of the storage account behind the default datastores. */
  storageAccount?: string;
  keyVault?: string;
  applicationInsights?: string;
  containerRegistry?: string;
  /** Read-only GUID. */
  workspaceId?: string;
  provisioningState?: V2ProvisioningState;
  discoveryUrl?: string;
  mlFlowTrackingUri?: string;
}

/** Datastore credentials (`secrets` is write-only: GET never returns the key). */
export interface DatastoreCredentials {
  credentialsType: "AccountKey" | "Sas" | "None" | "ServicePrincipal" | "Certificate";
  secrets?: { secretsType: "AccountKey"; key?: string } | { secretsType: "Sas"; sasToken?: string };
}

/** An Azure Blob datastore. */
export interface DatastoreProperties {
  datastoreType: "AzureBlob";
  accountName: string;
  containerName: string;
  endpoint?: string;
  protocol?: string;
  credentials: DatastoreCredentials;
  description?: string;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  /** Read-only. */
  isDefault?: boolean;
}

/** `POST …/datastores/{name}/listSecrets`. */
export interface DatastoreSecrets {
  secretsType: "AccountKey" | "Sas";
  key?: string;
  sasToken?: string;
}

// ---------------------------------------------------------------------------------------------
// Assets
// ---------------------------------------------------------------------------------------------

/** What every asset version shares. */
export interface AssetBase {
  description?: string;
  tags?: Record<string, string>;
  /** Add-only. */
  properties?: Record<string, string>;
  isAnonymous?: boolean;
  isArchived?: boolean;
  provisioningState?: V2ProvisioningState;
}

/** A code version: a folder in blob storage. */
export interface CodeVersionProperties extends AssetBase {
  codeUri: string;
}

/** A data version. */
export interface DataVersionProperties extends AssetBase {
  dataType: "uri_file" | "uri_folder" | "mltable";
  dataUri: string;
}

/** An environment version: recorded, never built by the emulator. */
export interface EnvironmentVersionProperties extends AssetBase {
  image?: string;
  condaFile?: string;
  build?: { contextUri: string; dockerfilePath?: string };
  osType?: "Linux" | "Windows";
}

/** A model version. */
export interface ModelVersionProperties extends AssetBase {
  modelUri: string;
  modelType?: "custom_model" | "mlflow_model" | "triton_model";
  jobName?: string;
  stage?: string;
  flavors?: Record<string, { data?: Record<string, string> }>;
}

/** An asset container (name level): `latestVersion` and `nextVersion` are read-only. */
export interface AssetContainerProperties {
  description?: string;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  isArchived?: boolean;
  latestVersion?: string;
  nextVersion?: string;
  provisioningState?: V2ProvisioningState;
}

// ---------------------------------------------------------------------------------------------
// Command jobs
// ---------------------------------------------------------------------------------------------

/** Job states; terminal ones are Completed, Failed and Canceled (and NotResponding, Paused). */
export type V2JobStatus =
  | "NotStarted"
  | "Starting"
  | "Provisioning"
  | "Preparing"
  | "Queued"
  | "Running"
  | "Finalizing"
  | "CancelRequested"
  | "Completed"
  | "Failed"
  | "Canceled"
  | "NotResponding"
  | "Paused"
  | "Unknown";

/** Terminal job states. */
export const TERMINAL_JOB_STATUSES: readonly V2JobStatus[] = ["Completed", "Failed", "Canceled"];

/** Input types of a command job. */
export type JobInputType =
  | "literal"
  | "uri_file"
  | "uri_folder"
  | "mltable"
  | "custom_model"
  | "mlflow_model"
  | "triton_model";

/** A job input: a literal value or an asset reference. */
export interface JobInput {
  jobInputType: JobInputType;
  /** For `literal`. */
  value?: string;
  /** For asset inputs. */
  uri?: string;
  mode?: "ReadOnlyMount" | "ReadWriteMount" | "Download" | "Direct" | "EvalMount" | "EvalDownload";
  description?: string;
}

/** A job output. */
export interface JobOutput {
  jobOutputType: "uri_file" | "uri_folder" | "mltable" | "custom_model" | "mlflow_model";
  uri?: string;
  mode?: "ReadWriteMount" | "Upload" | "Direct";
  description?: string;
}

/** A command job (`jobType: "Command"`). */
export interface CommandJobProperties {
  jobType: "Command";
  command: string;
  codeId?: string;
  environmentId: string;
  computeId?: string;
  experimentName?: string;
  displayName?: string;
  description?: string;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  environmentVariables?: Record<string, string>;
  inputs?: Record<string, JobInput>;
  outputs?: Record<string, JobOutput>;
  limits?: { jobLimitsType: "Command"; timeout?: string };
  isArchived?: boolean;
  /** Read-only. */
  status?: V2JobStatus;
  /** Read-only: where the job's pages live (the emulator fills `Studio` with nothing useful). */
  services?: Record<string, { jobServiceType?: string; endpoint?: string; status?: string }>;
}

// ---------------------------------------------------------------------------------------------
// Online endpoints and deployments
// ---------------------------------------------------------------------------------------------

/** How callers authenticate to an endpoint's scoring URI. */
export type EndpointAuthMode = "Key" | "AMLToken" | "AADToken";

/** A managed online endpoint. */
export interface OnlineEndpointProperties {
  authMode: EndpointAuthMode;
  description?: string;
  /** Deployment name → percent (sum 100, or all 0). */
  traffic?: Record<string, number>;
  /** At most one deployment, ≤ 50 %, never one with live traffic. */
  mirrorTraffic?: Record<string, number>;
  publicNetworkAccess?: "Enabled" | "Disabled";
  properties?: Record<string, string>;
  /** Read-only. */
  scoringUri?: string;
  swaggerUri?: string;
  provisioningState?: V2ProvisioningState;
}

/** `POST …/listKeys` and `regenerateKeys` bodies. */
export interface EndpointKeys {
  primaryKey: string;
  secondaryKey: string;
}

/** `POST …/token`. */
export interface EndpointToken {
  accessToken: string;
  tokenType: string;
  /** Epoch seconds. */
  expiryTimeUtc: number;
  refreshAfterTimeUtc: number;
}

/** A managed online deployment. */
export interface OnlineDeploymentProperties {
  endpointComputeType: "Managed" | "Kubernetes" | "AzureMLCompute";
  model?: string;
  codeConfiguration?: { codeId: string; scoringScript: string };
  environmentId?: string;
  environmentVariables?: Record<string, string>;
  instanceType?: string;
  description?: string;
  properties?: Record<string, string>;
  appInsightsEnabled?: boolean;
  requestSettings?: {
    requestTimeout?: string;
    maxConcurrentRequestsPerInstance?: number;
    maxQueueWait?: string;
  };
  livenessProbe?: ProbeSettings;
  readinessProbe?: ProbeSettings;
  scaleSettings?: { scaleType: "Default" | "TargetUtilization" };
  provisioningState?: V2ProvisioningState;
}

/** A probe of a deployment's container. */
export interface ProbeSettings {
  failureThreshold?: number;
  successThreshold?: number;
  timeout?: string;
  period?: string;
  initialDelay?: string;
}

/** `POST …/deployments/{d}/getLogs`. */
export interface DeploymentLogsRequest {
  containerType?: "InferenceServer" | "StorageInitializer";
  tail?: number;
}

// ---------------------------------------------------------------------------------------------
// Long-running operations
// ---------------------------------------------------------------------------------------------

/** The body of an `Azure-AsyncOperation` status URL. */
export interface V2OperationStatus {
  id: string;
  name: string;
  status: "InProgress" | "Succeeded" | "Failed" | "Canceled";
  startTime: string;
  endTime?: string;
  error?: { code: string; message: string };
}

/** The ARM error body of the v2 surface (`additionalInfo` carries the correlation ids). */
export interface V2ErrorBody {
  error: {
    code: string;
    message: string;
    target?: string;
    details: { code: string; message: string; target?: string }[];
    additionalInfo: { type: string; info: unknown }[];
  };
}

/** Error body of the scoring data plane. */
export interface ScoringErrorBody {
  error: { code: string; message: string };
}
