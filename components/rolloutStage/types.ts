/**
 * Inputs and outputs of the `RolloutStage` resource: one stage of a staged rollout of the main
 * model across endpoints, checked after its endpoints were repointed and before the next stage's
 * are. Types only.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { StageCheckSettings } from "../shared/limits";
import type { ModelRef } from "../shared/sas";

/** An endpoint of a stage: a classic endpoint, or the predictive service's own (`default`). */
export type StageEndpoint =
  | {
      readonly kind: "classic";
      readonly name: string;
      /** Its execution base URL (RRS `/execute`). */
      readonly executionUrl: string;
      /** The classic management API and the web service the endpoint belongs to. */
      readonly management: {
        readonly endpoint: string;
        readonly workspaceId: string;
        readonly webServiceId: string;
      };
      /** The updatable resource that holds the model. */
      readonly resourceName: string;
      /** The model it served before the last repoint (its rollback target), when known. */
      readonly previousModelUri?: string;
      /**
       * The transformations it served with that model, by "[transform]" resource name (URIs
       * without a SAS), when the definition applies saved transformations: rolled back with it.
       */
      readonly previousTransformUris?: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: "arm";
      /** Always `default`: the predictive service's own endpoint. */
      readonly name: string;
      readonly executionUrl: string;
      /** The predictive service, by its ARM reference. */
      readonly service: {
        readonly endpoint: string;
        readonly subscriptionId: string;
        readonly resourceGroup: string;
        readonly name: string;
      };
      /** The trained-model asset. */
      readonly assetName: string;
      readonly previousModelUri?: string;
      /** The transformations served with that model, by "[transform]" asset name. */
      readonly previousTransformUris?: Readonly<Record<string, string>>;
    };

/** The model the stage rolls out. */
export interface StageCandidate {
  readonly version: string;
  /** Its blob, without SAS. */
  readonly model: ModelRef;
  /**
   * The transformations trained with it, by the "[transform]" asset (classic: resource) each is
   * set on; absent when the predictive definition applies none. Served and rolled back with the
   * model, as a pair.
   */
  readonly transforms?: Readonly<Record<string, ModelRef>>;
  /** Where its training job's scored held-out rows are (`container/blob` in the model storage). */
  readonly heldOutScores: string;
}

/** Inputs of a stage. */
export interface RolloutStageInputs {
  /** The stage's name (`canary`, ...). */
  readonly stage: string;
  /** Its place in the rollout: 1-based, and how many stages there are. */
  readonly position: number;
  readonly stages: number;
  readonly candidate: StageCandidate;
  /** How the endpoints take rows: the predictive graph's input port and columns. */
  readonly scoring: { readonly inputPort: string; readonly inputColumns: readonly string[] };
  readonly check: StageCheckSettings;
  readonly endpoints: readonly StageEndpoint[];
  /** Each endpoint's API key, by endpoint name (secret). */
  readonly keys: Readonly<Record<string, string>>;
  /** The workspace token for the classic management API (secret); with classic endpoints. */
  readonly workspaceToken?: string;
  /** The static ARM token (the emulator's; secret); absent on Azure, where Entra ID is used. */
  readonly armToken?: string;
  /** The model storage's connection string: reads the held-out scores, mints SAS (secret). */
  readonly storageConnectionString: string;
}

/** How one endpoint's rollback went. */
export interface Rollback {
  readonly endpoint: string;
  /** The model it was repointed to, or undefined when none was known. */
  readonly to?: string;
  /** The transformations repointed with it (in the same PATCH), by "[transform]" name. */
  readonly transforms?: Readonly<Record<string, string>>;
  /** `verified`: it reports that model again; otherwise why not. */
  readonly outcome: string;
}

/** Outputs of a stage. */
export interface RolloutStageOutputs extends RolloutStageInputs {
  /**
   * `passed`: every endpoint served the candidate's scores through the bake time; `rolled-back`:
   * a check failed and the stage's endpoints were repointed back; `pending`: a refresh found an
   * endpoint not serving the candidate. Anything but `passed` makes the next up check again.
   */
  readonly status: "passed" | "rolled-back" | "pending";
  /** When the last check ended. */
  readonly checkedAt?: string;
  /** Check rounds run by the last check (1 + the re-checks during the bake time). */
  readonly rounds?: number;
  /** The p99 latency of each endpoint's calls in the last round, in ms. */
  readonly p99Ms?: Readonly<Record<string, number>>;
  /** What each endpoint served at the last check or refresh. */
  readonly serving?: Readonly<Record<string, string>>;
  /**
   * The transformations each endpoint served at the last check or refresh, by endpoint and then
   * "[transform]" name; only when the candidate has transformations.
   */
  readonly servingTransforms?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The failed check, as `up` reported it. */
  readonly failure?: string;
  readonly rollbacks?: readonly Rollback[];
}

/** Arguments of `RolloutStage`. */
export interface RolloutStageArgs {
  readonly stage: pulumi.Input<string>;
  readonly position: pulumi.Input<number>;
  readonly stages: pulumi.Input<number>;
  readonly candidate: pulumi.Input<{
    version: pulumi.Input<string>;
    model: pulumi.Input<{
      baseLocation: pulumi.Input<string>;
      relativeLocation: pulumi.Input<string>;
    }>;
    heldOutScores: pulumi.Input<string>;
    transforms?: pulumi.Input<
      Record<
        string,
        pulumi.Input<{
          baseLocation: pulumi.Input<string>;
          relativeLocation: pulumi.Input<string>;
        }>
      >
    >;
  }>;
  readonly scoring: pulumi.Input<{ inputPort: string; inputColumns: string[] }>;
  readonly check: pulumi.Input<StageCheckSettings>;
  readonly endpoints: pulumi.Input<pulumi.Input<StageEndpoint>[]>;
  readonly keys: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly workspaceToken?: pulumi.Input<string>;
  readonly armToken?: pulumi.Input<string>;
  readonly storageConnectionString: pulumi.Input<string>;
}
