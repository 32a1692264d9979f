/**
 * Inputs and outputs of the TrainedModel (retrain) dynamic resource. Types only.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GateSpec } from "./gate";

/** The training service's BES endpoint and what its definition says about ports and columns. */
export interface TrainingTarget {
  /** Execution base URL of the training service (BES). */
  readonly executionUrl: string;
  /** Its API key (a secret). */
  readonly apiKey: string;
  /** Web service input the data goes to (e.g. `input1`). */
  readonly inputPort: string;
  /** Output fed by Train Model (the `.ilearner`). */
  readonly modelOutput: string;
  /** Output fed by Evaluate Model (the metrics `.csv`). */
  readonly evaluationOutput: string;
  /** Outputs holding a saved transformation, written beside the model (`.itransform`). */
  readonly transformOutputs?: readonly string[];
  /** Columns the input port expects, for the header check. */
  readonly inputColumns: readonly string[];
  /**
   * Output fed by Score Model (the held-out rows, scored by the candidate): kept beside the
   * model when set, for the checks of a staged rollout.
   */
  readonly scoresOutput?: string;
}

/** Where the data and models are stored. */
export interface ModelStore {
  /** Connection string with the account key (a secret). */
  readonly connectionString: string;
  /** Container of the uploaded training data. */
  readonly dataContainer: string;
  /** Container of the trained models, their evaluations and metrics. */
  readonly modelContainer: string;
}

/** How to score rows through the serving target (for the gate's champion/challenger check). */
export interface ScoringShape {
  /** The predictive service's input port (default `input1`). */
  readonly inputPort?: string;
  /** Columns the predictive service takes. */
  readonly inputColumns?: readonly string[];
  /** The label column of the training data (the truth the scores are compared with). */
  readonly labelColumn?: string;
}

/**
 * The service or endpoint that serves models of this lineage: the gate compares against what it
 * serves now, `delete` keeps a model it still serves, and `read` reports what it serves.
 */
export type ServingTarget = ScoringShape &
  (
    | {
        readonly kind: "arm";
        readonly endpoint: string;
        readonly subscriptionId: string;
        readonly resourceGroup: string;
        readonly name: string;
        /** Trained-model asset name; the one ending in "[trained model]" when absent. */
        readonly assetName?: string;
      }
    | {
        readonly kind: "classic";
        readonly endpoint: string;
        readonly workspaceId: string;
        readonly webServiceId: string;
        readonly endpointName: string;
        /** Updatable resource name, e.g. "Census Model [trained model]". */
        readonly resourceName?: string;
      }
  );

/** Inputs of a TrainedModel, after `check`. */
export interface TrainedModelInputs {
  /** The declared model version (a pull request changes it). */
  readonly version: string;
  /** A local CSV path (relative to the program directory) or a blob URL in the model storage account. */
  readonly data: string;
  /** SHA-256 of the data, computed by `check` (known at preview, shown in diffs). */
  readonly dataSha256?: string;
  /** BES GlobalParameters. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Promotion gate. */
  readonly gate: GateSpec;
  /** Keep the model blobs when the resource is deleted (rollbacks then reuse them). */
  readonly retain: boolean;
  /** Deadline of the BES job in minutes (default 120). */
  readonly deadlineMinutes: number;
  readonly training: TrainingTarget;
  readonly store: ModelStore;
  readonly serving?: ServingTarget;
  /** Bearer token for the serving target's API; absent for ARM on Azure (Entra ID is used). */
  readonly servingToken?: string;
}

/** Location of a trained model blob (what BES `Results` return, without the SAS). */
export interface ModelLocation {
  readonly baseLocation: string;
  readonly relativeLocation: string;
  /** `baseLocation` + `relativeLocation`: the URI set on an ARM service's trained-model asset. */
  readonly uri: string;
}

/** Outputs of a TrainedModel: its inputs plus what training produced. */
export interface TrainedModelOutputs extends TrainedModelInputs {
  readonly dataSha256: string;
  /** Content address: hash of version, data hash and parameters. */
  readonly modelKey: string;
  /** `ready` once gated and stored; `failed` after a failed or timed-out job (the next up retries). */
  readonly status: "ready" | "failed";
  readonly model?: ModelLocation;
  /**
   * The saved transformations trained with the model (`.itransform`, stored beside it), by the
   * training output that wrote each; absent when the training definition outputs none.
   */
  readonly transforms?: Readonly<Record<string, ModelLocation>>;
  /** Read-only SAS of the model blob (a secret). */
  readonly modelSasToken?: string;
  readonly metrics?: Readonly<Record<string, number>>;
  /** BES job that trained it (absent when the model was reused). */
  readonly jobId?: string;
  /** True when an earlier identical model was reused instead of training again. */
  readonly reused?: boolean;
  readonly trainedAt?: string;
  /** The gate's verdict line. */
  readonly gateSummary?: string;
  /** What the serving target served at the last read (drift shows here after a refresh). */
  readonly servedModelUri?: string;
  /**
   * Where the held-out rows scored by this model in its training job are stored (in the model
   * container, no SAS), when `training.scoresOutput` is set and the job wrote them.
   */
  readonly heldOutScores?: { readonly relativeLocation: string };
}

/** What is stored beside each model as `<key>.metrics.json`. */
export interface StoredModelRecord {
  readonly formatVersion: 1;
  readonly version: string;
  readonly dataSha256: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly jobId: string;
  readonly trainedAt: string;
  /** Set when a gate passed for this model (it was promoted). */
  readonly gatePassedAt?: string;
  readonly gateSummary?: string;
}

/** Arguments of `TrainedModel`. */
export interface TrainedModelArgs {
  /** The declared model version; a change trains (or reuses) another model. */
  readonly version: pulumi.Input<string>;
  /** CSV path relative to the project, or a blob URL in the model storage account. */
  readonly data: pulumi.Input<string>;
  /** BES GlobalParameters of the training service. */
  readonly parameters?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Promotion gate, e.g. `{ metric: "AUC", min: 0.8, maxRegression: 0.01 }`. */
  readonly gate: pulumi.Input<GateSpec>;
  /** Keep model blobs after the resource is deleted, so rollbacks reuse them (default false). */
  readonly retain?: pulumi.Input<boolean>;
  /** Deadline of the BES job in minutes (default 120); the job is cancelled at the deadline. */
  readonly deadlineMinutes?: pulumi.Input<number>;
  /** The training service (from `TrainingService`). */
  readonly training: pulumi.Input<{ [K in keyof TrainingTarget]: pulumi.Input<TrainingTarget[K]> }>;
  /** Where data and models are stored (from `ModelStorage`). */
  readonly store: pulumi.Input<{ [K in keyof ModelStore]: pulumi.Input<ModelStore[K]> }>;
  /** The service or endpoint serving this model lineage (gate comparison, drift, safe delete). */
  readonly serving?: pulumi.Input<ServingTarget>;
  /** Token for the serving target's API (emulator ARM token or workspace token); secret. */
  readonly servingToken?: pulumi.Input<string>;
}
