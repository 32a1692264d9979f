/**
 * What the emulator remembers: the records the metadata store keeps. They are plain JSON-able
 * objects (secrets included: the database file is created readable by its owner only, like
 * Azurite's). Model bytes are not in here: records name them by sha-256 (see `ModelStore`).
 */
import type {
  AzureBlobDetails,
  BesStatusName,
  ProvisioningState,
  WebServiceProperties,
} from "../../contract";
import type { ServiceShape } from "../engine/api";
import type { ResolvedBlob, StorageAccount } from "../blob/blobIo";
import type { JobModuleRun, ModelEvaluation, ModelSummary } from "../portal/api";

export type {
  EvaluationPlots,
  JobModuleRun,
  ModelEvaluation,
  ModelSummary,
  RocPoint,
} from "../portal/api";

/** What a service runs: its definition, the engine's description of it, its trained models. */
export interface ServingState {
  /** Definition properties (secrets removed). */
  readonly properties: WebServiceProperties;
  /** `describeService` of the definition, computed once at publish time. */
  readonly shape: ServiceShape;
  /** Trained-model bytes by asset id: a sha-256 in the model store, or null (no model yet). */
  readonly models: Readonly<Record<string, string | null>>;
  /**
   * When each asset's model started being served, by asset id (absent on records stored before
   * it existed): a provisioning that keeps an asset's model keeps its time.
   */
  readonly servedSince?: Readonly<Record<string, string>>;
}

/** An ARM `Microsoft.MachineLearning/webServices` resource. */
export interface ArmServiceRecord {
  /** `lower(subscription)/lower(resourceGroup)/lower(name)`: ARM names are case-insensitive. */
  readonly key: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  /** The 32-hex segment after `/subscriptions/` in the execution URL. */
  readonly executionScope: string;
  /** The 32-hex service id of the execution URL (stable across updates). */
  readonly executionId: string;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>> | undefined;
  /** The desired definition, as GET shows it (without keys, storage key, commitment plan). */
  readonly properties: WebServiceProperties;
  /** `describeService` of the desired definition. */
  readonly shape: ServiceShape;
  readonly primaryKey: string;
  readonly secondaryKey: string;
  readonly storageAccount: { readonly name: string; readonly key: string | undefined } | undefined;
  readonly commitmentPlan: { readonly id: string } | undefined;
  readonly provisioningState: ProvisioningState;
  readonly createdOn: string;
  readonly modifiedOn: string;
  /** What the execution API serves: the last definition whose provisioning succeeded. */
  readonly active: ServingState | undefined;
  /** The operation provisioning the desired definition, while `Provisioning`. */
  readonly operationId: string | undefined;
}

/** An ARM async operation (`Azure-AsyncOperation`). */
export interface OperationRecord {
  readonly id: string;
  /** The ARM service key the operation works on. */
  readonly serviceKey: string;
  readonly subscriptionId: string;
  readonly location: string;
  readonly kind: "put" | "patch" | "delete";
  readonly status: ProvisioningState;
  readonly startTime: string;
  readonly endTime: string | null;
  readonly percentComplete: number;
  readonly errorInfo: {
    code: string;
    target?: string;
    message: string;
    details?: unknown[];
  } | null;
}

/** A classic web service (published through the admin route). */
export interface ClassicServiceRecord {
  /** `lower(workspaceId)/lower(webServiceId)`. */
  readonly key: string;
  readonly workspaceId: string;
  readonly id: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly creationTime: string;
  readonly storageAccount: StorageAccount | undefined;
  /** Latest definition version (1, 2, ...); the default endpoint always runs it. */
  readonly definitionVersion: number;
}

/** One published definition of a classic web service. */
export interface ClassicDefinitionRecord {
  readonly serviceKey: string;
  readonly version: number;
  readonly properties: WebServiceProperties;
  readonly shape: ServiceShape;
  /** When this version was published. */
  readonly publishedAt: string;
}

/** The trained model bound to one resource of a classic endpoint. */
export interface EndpointResourceState {
  readonly name: string;
  readonly assetId: string;
  /** Where the model came from, as GET shows it (empty strings when never set). */
  readonly location: AzureBlobDetails;
  /** The model served now (sha-256), or null. */
  readonly sha: string | null;
  /** A PATCHed model waiting for its swap time (`--swap-delay-ms`). */
  readonly pending: { readonly sha: string; readonly effectiveAt: string } | undefined;
}

/** A classic endpoint. */
export interface ClassicEndpointRecord {
  readonly serviceKey: string;
  readonly workspaceId: string;
  readonly webServiceId: string;
  readonly name: string;
  /** The 32-hex id of its execution URL (`ApiLocation`). */
  readonly executionId: string;
  readonly description: string | undefined;
  readonly creationTime: string;
  readonly primaryKey: string;
  readonly secondaryKey: string;
  readonly throttleLevel: "Low" | "High";
  readonly maxConcurrentCalls: number;
  readonly diagnosticsTraceLevel: "None" | "Error" | "All";
  /** The definition version this endpoint runs (moves on refresh). */
  readonly definitionVersion: number;
  /** When the endpoint's model was last fixed (the wire's `Version`). */
  readonly version: string;
  readonly resources: readonly EndpointResourceState[];
}

/** Kind of a job output, with the file format it is written in. */
export interface JobOutput {
  readonly ref: ResolvedBlob;
  readonly kind: "dataset" | "model" | "transform";
  readonly format: "csv" | "tsv" | "arff" | "ilearner" | "itransform";
}

/** A BES job. */
export interface JobRecord {
  readonly id: string;
  /** Execution id of the ARM service or classic endpoint it belongs to. */
  readonly targetId: string;
  /** Submission order (FIFO queueing). */
  readonly seq: number;
  readonly status: BesStatusName;
  readonly createdAt: string;
  /** When start was requested (the job is queued or running from then on). */
  readonly submittedToRunAt: string | null;
  /** When the job got a worker (null while queued). */
  readonly startTime: string | null;
  readonly endTime: string | null;
  readonly inputs: Readonly<Record<string, ResolvedBlob>>;
  readonly outputs: Readonly<Record<string, JobOutput>>;
  readonly globalParameters: Readonly<Record<string, string>>;
  readonly details: string | null;
  /**
   * The job's output log: progress lines and what script modules printed (stdout and stderr),
   * the tail kept when long. Absent on jobs stored before it existed.
   */
  readonly outputLog?: string;
  /** Modules run so far, in start order (absent on jobs stored before it existed). */
  readonly timeline?: readonly JobModuleRun[];
  /** Sha-256 of each model output the job wrote, by port (set when it finishes). */
  readonly models?: Readonly<Record<string, string>>;
}

/**
 * A model a BES job wrote, indexed by the sha-256 of its bytes (the model store's key too), so
 * that a model served by a service or endpoint can be traced to the job that trained it.
 */
export interface ModelReportRecord {
  readonly sha256: string;
  readonly bytes: number;
  readonly jobId: string;
  /** Execution id of the service or endpoint that ran the job. */
  readonly targetId: string;
  /** The output port that wrote it. */
  readonly port: string;
  /** Where it was written: `container/blob` or a URL without its query (never a key or SAS). */
  readonly location: string;
  readonly createdAt: string;
  readonly summary: ModelSummary | undefined;
  /** Evaluations of this model in the same job (the Score Model it fed was evaluated). */
  readonly evaluations: readonly ModelEvaluation[];
}
