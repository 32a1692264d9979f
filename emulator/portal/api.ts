/**
 * The portal's API: what `/portal/api/...` answers, shared by the emulator (which builds it in
 * `handlers/portalHandler.ts`) and the page (which renders it, `portal/web/`). Types only, so the
 * page's bundle takes nothing else from the server's code.
 *
 * Nothing here carries a key, a token or a SAS: keys come only from `POST .../keys` (the page's
 * "Show keys" button), and blob locations are `container/blob` or URLs without their query.
 *
 * The first types (a job's timeline, a model's summary and evaluations) are also what the store
 * keeps (`store/records.ts` re-exports them): the job's worker computes them, the page draws them.
 */

/** One module of a job's run (the portal's per-module timeline). */
export interface JobModuleRun {
  /** The graph node. */
  readonly nodeId: string;
  /** The Studio module's name. */
  readonly module: string;
  readonly startedAt: string;
  /** Null while the module runs. */
  readonly endedAt: string | null;
}

/** A point of a ROC curve. */
export interface RocPoint {
  readonly fpr: number;
  readonly tpr: number;
}

/**
 * What the portal plots of one scored dataset that Evaluate Model evaluated, computed by the job's
 * worker from the rows themselves (Evaluate Model's own output holds only the metrics).
 */
export type EvaluationPlots =
  | {
      readonly kind: "binary";
      /** Rows with a truth and a probability. */
      readonly rows: number;
      readonly positive: string;
      readonly negative: string;
      /** A row is predicted positive when its probability is above this (Evaluate Model's 0.5). */
      readonly threshold: number;
      /** From (0, 0) to (1, 1), thinned to at most a few hundred points. */
      readonly roc: readonly RocPoint[];
      /** Counts at the threshold: `[actual][predicted]`, positive first. */
      readonly confusion: readonly (readonly number[])[];
    }
  | {
      readonly kind: "multiclass";
      readonly rows: number;
      /** Class labels as text, in the order of the matrix. */
      readonly classes: readonly string[];
      /** Counts: `[actual][predicted]`. */
      readonly confusion: readonly (readonly number[])[];
      /** One-vs-rest ROC curve of each class (when the scores carry per-class probabilities). */
      readonly roc: readonly { readonly label: string; readonly points: readonly RocPoint[] }[];
    }
  | {
      readonly kind: "regression";
      readonly rows: number;
      /** Actual and predicted values of at most a thousand rows, evenly spaced over the rows. */
      readonly points: readonly { readonly actual: number; readonly predicted: number }[];
    };

/** One Evaluate Model input of a job: its metrics (Evaluate Model's output) and its plots. */
export interface ModelEvaluation {
  /** The Evaluate Model node. */
  readonly nodeId: string;
  /** `left` for "Scored dataset", `right` for "Scored dataset to compare". */
  readonly side: "left" | "right";
  /** Evaluate Model's output table, values as text (one row per scored input, or per class). */
  readonly metrics: {
    readonly columnNames: readonly string[];
    readonly rows: readonly (readonly (string | null)[])[];
  };
  /** Undefined when the scored rows could not be read as a binary, multiclass or regression score. */
  readonly plots: EvaluationPlots | undefined;
}

/** Header facts of an `.ilearner` (what the portal lists). */
export interface ModelSummary {
  readonly learner: string;
  readonly labelColumn: string;
  readonly featureColumns: readonly string[];
  readonly trainedAt: string;
}

/** A service or endpoint the execution API drives: an ARM web service or a classic endpoint. */
export type TargetKind = "arm" | "classic";

/** A few headline metrics of a model (Evaluate Model's), as name and value. */
export interface MetricReading {
  readonly name: string;
  readonly value: string;
}

/** The model one trained-model resource of a service or endpoint serves. */
export interface ServedModel {
  /** The resource (asset) name, e.g. `Census Model [trained model]`. */
  readonly resource: string;
  /** The model's sha-256, or null when the resource has no model yet. */
  readonly sha256: string | null;
  /** Where it was read from, without a query (no SAS). */
  readonly location: string;
  /**
   * The folder the `.ilearner` blob sits in (`models/{version}/{key}.ilearner` is how this
   * project stores them), or undefined for a blob at a container's top.
   */
  readonly version: string | undefined;
  /** When the resource started serving this model (undefined when unknown). */
  readonly since: string | undefined;
  /** A classic endpoint's PATCHed model waiting for its swap time. */
  readonly pending: { readonly sha256: string; readonly effectiveAt: string } | undefined;
  readonly summary: ModelSummary | undefined;
  /** The headline metrics of its evaluation, when a job of this emulator trained it. */
  readonly metrics: readonly MetricReading[];
}

/** What every service or endpoint shows. */
export interface TargetView {
  readonly kind: TargetKind;
  /** The 32-hex id of its execution URL: the portal's id for it. */
  readonly executionId: string;
  /** A display name (`name` of an ARM service, `service / endpoint` of a classic endpoint). */
  readonly label: string;
  /** Provisioning state (classic endpoints are always `Succeeded`). */
  readonly state: string;
  /** The execution base URL (`…/execute`, `…/jobs` below it). */
  readonly apiLocation: string;
  readonly models: readonly ServedModel[];
  /** Input port names. */
  readonly inputs: readonly string[];
  /** Output ports and what they return. */
  readonly outputs: readonly { readonly name: string; readonly kind: string }[];
  /** False for a service that returns a model (a training service): RRS refuses it. */
  readonly scorable: boolean;
}

/** An ARM `Microsoft.MachineLearning/webServices` resource. */
export interface ArmServiceView extends TargetView {
  readonly kind: "arm";
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly title: string | undefined;
  readonly description: string | undefined;
  readonly location: string;
  readonly createdOn: string;
  readonly modifiedOn: string;
}

/** A classic endpoint. */
export interface ClassicEndpointView extends TargetView {
  readonly kind: "classic";
  readonly workspaceId: string;
  readonly webServiceId: string;
  readonly webServiceName: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly creationTime: string;
  readonly throttleLevel: "Low" | "High";
  readonly maxConcurrentCalls: number;
  readonly diagnosticsTraceLevel: string;
  /** The published definition version it runs. */
  readonly definitionVersion: number;
}

/** A classic web service with its endpoints. */
export interface ClassicServiceView {
  readonly workspaceId: string;
  readonly id: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly creationTime: string;
  /** The latest published definition version. */
  readonly definitionVersion: number;
  readonly endpoints: readonly ClassicEndpointView[];
}

/** `GET /portal/api/services`. */
export interface ServicesView {
  readonly arm: readonly ArmServiceView[];
  readonly classic: readonly ClassicServiceView[];
}

/** A column of a service's input or output schema. */
export interface ColumnView {
  readonly name: string;
  /** `Integer`, `Number`, `String` or `Boolean`. */
  readonly type: string;
  readonly format: string | undefined;
  /** Allowed values, when the schema lists them. */
  readonly values: readonly string[] | undefined;
}

/** A service's web service parameter. */
export interface ParameterView {
  readonly name: string;
  readonly required: boolean;
  /** The definition's value, when it has one. */
  readonly value: string | undefined;
}

/** `GET /portal/api/targets/{executionId}`: a service or endpoint with what Test and Consume need. */
export interface TargetDetailView {
  readonly target: ArmServiceView | ClassicEndpointView;
  readonly input: readonly { readonly port: string; readonly columns: readonly ColumnView[] }[];
  readonly output: readonly { readonly port: string; readonly columns: readonly ColumnView[] }[];
  readonly parameters: readonly ParameterView[];
  /** The definition's example rows (`exampleRequest.inputs`), by input port, as text. */
  readonly example: Readonly<Record<string, readonly (readonly string[])[]>>;
  /** Its latest jobs, newest first. */
  readonly jobs: readonly JobSummaryView[];
  /** Its execution calls since the emulator started, and per minute over the last hour. */
  readonly calls?: CallsView;
}

/** One kind of execution call of a service or endpoint (`CallStats`, `services/callStats.ts`). */
export interface CallTotalsView {
  /** Calls answered (after authentication). */
  readonly calls: number;
  /** Calls answered with a status of 400 or more. */
  readonly failed: number;
  /** Mean time to answer in ms (undefined before the first call). */
  readonly meanMs: number | undefined;
  /** Longest time to answer in ms (undefined before the first call). */
  readonly maxMs: number | undefined;
  /** Time of the latest call (ISO 8601), if any. */
  readonly lastAt: string | undefined;
}

/** One minute of the last hour. */
export interface CallMinuteView {
  /** The minute's start (ISO 8601). */
  readonly minute: string;
  readonly rrs: number;
  readonly rrsFailed: number;
  readonly bes: number;
  readonly besFailed: number;
}

/**
 * A service's or endpoint's execution calls (RRS `…/execute`, BES job submissions) since the
 * emulator started: totals by kind, and the last hour by minute (oldest first).
 */
export interface CallsView {
  /** When counting started (the emulator's start). */
  readonly since: string;
  readonly rrs: CallTotalsView;
  readonly bes: CallTotalsView;
  readonly perMinute: readonly CallMinuteView[];
}

/** `POST /portal/api/targets/{executionId}/keys`. */
export interface KeysView {
  readonly primary: string;
  readonly secondary: string;
}

/** A job in a list. */
export interface JobSummaryView {
  readonly id: string;
  readonly target: {
    readonly executionId: string;
    readonly label: string;
    readonly kind: TargetKind | undefined;
  };
  /** `NotStarted`, `Running`, `Finished`, `Failed` or `Cancelled`. */
  readonly status: string;
  /** Started but waiting for a free slot. */
  readonly queued: boolean;
  readonly createdAt: string;
  readonly startTime: string | null;
  readonly endTime: string | null;
  /** From start (or submission to run) to end, or to now while it runs; null before it starts. */
  readonly durationMs: number | null;
  readonly details: string | null;
}

/** `GET /portal/api/jobs/{id}`. */
export interface JobView extends JobSummaryView {
  readonly timeline: readonly JobModuleRun[];
  readonly inputs: readonly { readonly port: string; readonly location: string }[];
  readonly outputs: readonly {
    readonly port: string;
    readonly kind: string;
    readonly format: string;
    readonly location: string;
    /** The portal's download link (the bytes pass through the emulator: no SAS in the page). */
    readonly download: string | undefined;
    /** The model's sha-256, for a model output of a finished job. */
    readonly sha256: string | undefined;
  }[];
  readonly globalParameters: Readonly<Record<string, string>>;
}

/** `GET /portal/api/jobs`. */
export interface JobsView {
  readonly jobs: readonly JobSummaryView[];
}

/** Who serves a model. */
export interface ServedByView {
  readonly kind: TargetKind;
  readonly executionId: string;
  readonly label: string;
  readonly resource: string;
  /** It is the model the resource will serve after a pending swap, not yet the served one. */
  readonly pending: boolean;
}

/** A model in the list. */
export interface ModelListItemView {
  readonly sha256: string;
  readonly bytes: number | undefined;
  readonly summary: ModelSummary | undefined;
  /** The blob folder of where its job wrote it (see {@link ServedModel.version}). */
  readonly version: string | undefined;
  readonly location: string | undefined;
  /** When its job finished, when a job of this emulator trained it. */
  readonly createdAt: string | undefined;
  readonly jobId: string | undefined;
  readonly metrics: readonly MetricReading[];
  /** The task the evaluation plots show. */
  readonly task: EvaluationPlots["kind"] | undefined;
  readonly servedBy: readonly ServedByView[];
  /** Its bytes are in the emulator's model store (it was served at some point). */
  readonly stored: boolean;
}

/** `GET /portal/api/models`. */
export interface ModelsView {
  readonly models: readonly ModelListItemView[];
}

/** `GET /portal/api/models/{sha256}`. */
export interface ModelView extends ModelListItemView {
  readonly evaluations: readonly ModelEvaluation[];
}

/** The portal's error body (the classic envelope). */
export interface PortalErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: readonly { readonly code: string; readonly message: string }[];
  };
}

// ---------------------------------------------------------------------------------------------
// Azure Machine Learning (v2): workspaces, online endpoints with their deployments and traffic,
// model versions and command jobs. Read-only; no endpoint key, datastore secret or environment
// variable is ever in these answers.
// ---------------------------------------------------------------------------------------------

/** A v2 deployment: which model version it serves and the share of the endpoint's calls it takes. */
export interface V2DeploymentView {
  readonly name: string;
  /** Provisioning state (`Creating`, `Succeeded`, `Failed`...). */
  readonly state: string;
  /** Percent of the endpoint's calls it answers. */
  readonly traffic: number;
  /** Percent of the calls copied to it (answers discarded). */
  readonly mirror: number;
  /** The model version it serves (from its `model` reference), when it names one. */
  readonly model: { readonly name: string; readonly version: string } | undefined;
  readonly instanceType: string | undefined;
  readonly instanceCount: number | undefined;
  readonly createdAt: string;
  /** The served version's metrics (registered with it, or its job's `metrics.json`). */
  readonly metrics: readonly MetricReading[];
  /** The job that trained the served version, when known. */
  readonly job: { readonly id: string; readonly name: string } | undefined;
}

/** A v2 managed online endpoint. */
export interface V2EndpointView {
  readonly name: string;
  readonly state: string;
  readonly authMode: string;
  /** Where it is called (the key is not shown: `POST …/listKeys` on the v2 surface gives it). */
  readonly scoringUri: string;
  readonly createdAt: string;
  /** Its deployments, in creation order. */
  readonly deployments: readonly V2DeploymentView[];
}

/** A registered model version. */
export interface V2ModelVersionView {
  readonly name: string;
  readonly version: string;
  readonly createdAt: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly metrics: readonly MetricReading[];
  readonly job: { readonly id: string; readonly name: string } | undefined;
  /** Deployments (`endpoint/deployment`) that serve it. */
  readonly servedBy: readonly string[];
}

/** A v2 workspace. */
export interface V2WorkspaceView {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly createdAt: string;
  readonly endpoints: readonly V2EndpointView[];
  /** Model versions, newest first. */
  readonly models: readonly V2ModelVersionView[];
}

/** `GET /portal/api/v2`. */
export interface V2View {
  readonly workspaces: readonly V2WorkspaceView[];
}

/** A v2 command job in a list. */
export interface V2JobSummaryView {
  /** The portal's id of the job (unique across workspaces). */
  readonly id: string;
  readonly name: string;
  readonly workspace: string;
  readonly displayName: string | undefined;
  readonly experimentName: string | undefined;
  /** `NotStarted`, `Starting`, `Preparing`, `Running`, `Finalizing`, `Completed`, `Failed`, `Canceled`... */
  readonly status: string;
  readonly createdAt: string;
  readonly startTime: string | null;
  readonly endTime: string | null;
  readonly durationMs: number | null;
  /** Why it failed or was canceled. */
  readonly reason: string | undefined;
}

/** `GET /portal/api/v2/jobs`. */
export interface V2JobsView {
  readonly jobs: readonly V2JobSummaryView[];
}

/** `GET /portal/api/v2/jobs/{id}`. */
export interface V2JobView extends V2JobSummaryView {
  readonly command: string;
  /** Literal values (secret-looking names `(hidden)`) or asset references. */
  readonly inputs: readonly {
    readonly name: string;
    readonly type: string;
    readonly value: string;
  }[];
  /** Each output's location and the files it holds (once uploaded). */
  readonly outputs: readonly {
    readonly name: string;
    readonly type: string;
    readonly uri: string;
    readonly files: readonly { readonly path: string; readonly bytes: number }[];
  }[];
  /** The end of its log (`user_logs/std_log.txt`: the command's output and the emulator's lines). */
  readonly log: string;
  /** True when the log is longer than what is shown (its last 64 KiB). */
  readonly logTruncated: boolean;
}

/**
 * `GET /portal/api/v2/endpoints/{name}`: what an endpoint's Test and Consume pages need. No key:
 * `POST …/credentials` answers it when the reader asks for it.
 */
export interface V2EndpointDetailView {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspace: string;
  readonly endpoint: V2EndpointView;
  /**
   * A request body for the deployment that takes most of the traffic: the first rows of the data
   * its model version was trained on, as `{"data": [{column: value, ...}, ...]}` (blank cells
   * `null`, numbers as numbers), the form the sample scoring script reads.
   */
  readonly sample: unknown;
  /**
   * Where the sample rows come from (the training data's location, without a query), or
   * undefined when no training data was found (the sample is then `{"data": []}`).
   */
  readonly sampleSource: string | undefined;
  /** The scoring calls each deployment answered, when the emulator counts them. */
  readonly calls?: V2CallsView;
}

/**
 * The scoring calls of a v2 endpoint by the deployment that answered (mirrored copies are not
 * calls), since the emulator started, with the last hour by minute.
 */
export interface V2CallsView {
  /** When counting started (the emulator's start). */
  readonly since: string;
  /** The minutes of the last hour, oldest first (ISO 8601 starts). */
  readonly minutes: readonly string[];
  /** One entry per deployment of the endpoint, in its order. */
  readonly deployments: readonly {
    readonly name: string;
    readonly totals: CallTotalsView;
    /** Calls per minute, in the order of `minutes`. */
    readonly perMinute: readonly number[];
    readonly failedPerMinute: readonly number[];
  }[];
}

/** `POST /portal/api/v2/endpoints/{name}/credentials`: what a client sends, when asked for. */
export interface V2CredentialsView {
  /** The endpoint's auth mode: `Key` (the keys) or `AMLToken` (a new token). */
  readonly authMode: string;
  /** The primary key, or the token. */
  readonly primary: string;
  /** The secondary key (`Key` only). */
  readonly secondary: string | undefined;
  /** When the token expires (`AMLToken` only). */
  readonly expiresOn: string | undefined;
}

/** `POST /portal/api/v2/endpoints/{name}/score`: a body to send to the endpoint's scoring URI. */
export interface V2ScoreRequest {
  /** The request body as text, sent as it is (the scoring script parses it). */
  readonly body: string;
  /** The deployment to call (`azureml-model-deployment`); absent: the endpoint's traffic picks. */
  readonly deployment?: string;
}

/** What the scoring router answered the Test page (the portal route itself answers 200). */
export interface V2ScoreView {
  /** The router's status. */
  readonly status: number;
  /** The deployment that answered (`azureml-model-deployment`), when the router named one. */
  readonly deployment: string | undefined;
  readonly contentType: string | undefined;
  /** The answer's body as text. */
  readonly body: string;
}
