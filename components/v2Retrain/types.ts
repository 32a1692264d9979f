/**
 * Inputs and outputs of the v2 retrain resource (`MlTrainedModel`). Types only.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GateSpec } from "../retrain/gate";
import type { MlDatastore, MlTarget } from "../shared/mlTarget";

/** The training data, as the data asset registered it. */
export interface TrainingData {
  /** ARM id of the data version. */
  readonly assetId: string;
  /** SHA-256 of the file. */
  readonly sha256: string;
  /** The file, relative to the project (the gate scores a sample of it). */
  readonly path: string;
}

/** The endpoint whose live deployment the gate compares the candidate with. */
export interface GateServing {
  readonly endpointName: string;
  /** The label column of the data (the truth the scores are compared with). */
  readonly labelColumn: string;
  /** The columns the scoring script takes. */
  readonly inputColumns: readonly string[];
}

/** Inputs of an `MlTrainedModel`, after `check`. */
export interface MlTrainedModelInputs {
  readonly target: MlTarget;
  readonly datastore: MlDatastore;
  /** Registered model name, e.g. `census`. */
  readonly modelName: string;
  /** The declared version (a pull request changes it): the model version's name. */
  readonly version: string;
  readonly data: TrainingData;
  /** ARM id of the code version (the training script's folder). */
  readonly codeId: string;
  /** ARM id of the environment version. */
  readonly environmentId: string;
  /** The training script in the code folder (default `train.py`). */
  readonly trainScript: string;
  /** Passed to the script as `--<name> <value>` (literal job inputs). */
  readonly parameters: Readonly<Record<string, string>>;
  readonly gate: GateSpec;
  /** Keep the model version when the resource is deleted (rollbacks reuse it). */
  readonly retain: boolean;
  /** The job is cancelled after this many minutes. */
  readonly deadlineMinutes: number;
  /** Compute cluster name (Azure); absent: serverless on Azure, the local interpreter locally. */
  readonly compute?: string;
  readonly serving?: GateServing;
}

/** Outputs of an `MlTrainedModel`. */
export interface MlTrainedModelOutputs extends MlTrainedModelInputs {
  /** Hash of what the model is trained from (data, code, environment, script, parameters). */
  readonly trainingKey: string;
  /** ARM id of the registered model version. */
  readonly modelId: string;
  /** Where its files are. */
  readonly modelUri: string;
  readonly metrics: Readonly<Record<string, number>>;
  /** The command job that trained it. */
  readonly jobName: string;
  /** True when the registered version was reused (a rollback): no job ran. */
  readonly reused: boolean;
  readonly trainedAt: string;
  readonly gateSummary: string;
}

/** Arguments of `MlTrainedModel`. */
export interface MlTrainedModelArgs {
  readonly target: pulumi.Input<{ [K in keyof MlTarget]: pulumi.Input<MlTarget[K]> }>;
  readonly datastore: pulumi.Input<{ [K in keyof MlDatastore]: pulumi.Input<MlDatastore[K]> }>;
  readonly modelName: pulumi.Input<string>;
  readonly version: pulumi.Input<string>;
  readonly data: pulumi.Input<{ [K in keyof TrainingData]: pulumi.Input<TrainingData[K]> }>;
  readonly codeId: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
  readonly trainScript?: pulumi.Input<string>;
  readonly parameters?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly gate: pulumi.Input<GateSpec>;
  readonly retain?: pulumi.Input<boolean>;
  readonly deadlineMinutes?: pulumi.Input<number>;
  readonly compute?: pulumi.Input<string>;
  readonly serving?: pulumi.Input<{ [K in keyof GateServing]: pulumi.Input<GateServing[K]> }>;
}
