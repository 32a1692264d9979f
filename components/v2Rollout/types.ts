/**
 * Inputs and outputs of the rollout (`ServedModel`): one deployment per model version on an
 * online endpoint, traffic moved to the declared one, the previous ones kept for rollbacks.
 * Types only.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { MlTarget } from "../shared/mlTarget";

/** How traffic moves to a new deployment. */
export interface RolloutSpec {
  /** Percent of calls on the new deployment at each step; the last is 100 (default `[100]`). */
  readonly steps: readonly number[];
  /** Mirror this percent of calls to the new deployment first (its answers discarded). */
  readonly mirrorPercent?: number;
}

/** The rows the check after a deployment scores (through `azureml-model-deployment`). */
export interface DeploymentCheck {
  /** A CSV file, relative to the project (its first rows are scored). */
  readonly path: string;
  /** The columns the scoring script takes. */
  readonly inputColumns: readonly string[];
  /** How many rows (default 5). */
  readonly rows: number;
}

/** Inputs of a `ServedModel`, after `check`. */
export interface ServedModelInputs {
  readonly target: MlTarget;
  readonly endpointName: string;
  readonly location: string;
  /** ARM id of the model version to serve. */
  readonly modelId: string;
  /** The declared version (it names the deployment). */
  readonly modelVersion: string;
  /** ARM id of the code version holding the scoring script. */
  readonly codeId: string;
  readonly scoringScript: string;
  readonly environmentId: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  /** `requestSettings.requestTimeout` (ISO 8601, default PT5S). */
  readonly requestTimeout: string;
  readonly rollout: RolloutSpec;
  /** Superseded deployments kept (at 0 %) for rollbacks; older ones are deleted. */
  readonly keep: number;
  readonly check: DeploymentCheck;
}

/** Outputs of a `ServedModel`. */
export interface ServedModelOutputs extends ServedModelInputs {
  /** The deployment that takes the traffic. */
  readonly liveDeployment: string;
  /** The deployments of this rollout, newest first (the live one and the kept ones). */
  readonly deployments: readonly string[];
  /** The endpoint's traffic as last read (a hand-made change shows here after a refresh). */
  readonly traffic: Readonly<Record<string, number>>;
  readonly mirrorTraffic: Readonly<Record<string, number>>;
}

/** Arguments of `ServedModel`. */
export interface ServedModelArgs {
  readonly target: pulumi.Input<{ [K in keyof MlTarget]: pulumi.Input<MlTarget[K]> }>;
  readonly endpointName: pulumi.Input<string>;
  readonly location: pulumi.Input<string>;
  readonly modelId: pulumi.Input<string>;
  readonly modelVersion: pulumi.Input<string>;
  readonly codeId: pulumi.Input<string>;
  readonly scoringScript?: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
  readonly instanceType?: pulumi.Input<string>;
  readonly instanceCount?: pulumi.Input<number>;
  readonly requestTimeout?: pulumi.Input<string>;
  readonly rollout?: pulumi.Input<{ steps?: number[]; mirrorPercent?: number }>;
  readonly keep?: pulumi.Input<number>;
  readonly check: pulumi.Input<{
    path: pulumi.Input<string>;
    inputColumns: pulumi.Input<string[]>;
    rows?: number;
  }>;
}
