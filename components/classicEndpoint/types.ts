/**
 * Inputs and outputs of the `ClassicEndpoint` resource: a non-default endpoint of a classic
 * predictive web service (one per consumer), serving a declared model. Types only.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ModelRef } from "../shared/sas";

/** Inputs of a classic endpoint. */
export interface ClassicEndpointInputs {
  readonly endpoint: string;
  readonly workspaceId: string;
  readonly webServiceId: string;
  /** Workspace authorization token (secret). */
  readonly token: string;
  /** Endpoint name: ≤ 24 lowercase letters, digits and inner hyphens; not `default`. */
  readonly name: string;
  readonly description?: string;
  readonly throttleLevel?: "Low" | "High";
  readonly maxConcurrentCalls?: number;
  /** Updatable resource to set, e.g. "Census Model [trained model]". */
  readonly resourceName: string;
  /** The model to serve. */
  readonly trainedModel: ModelRef;
  /** The transformations trained with the model, by the "[transform]" resource each is set on. */
  readonly trainedTransforms?: Readonly<Record<string, ModelRef>>;
  /** Storage connection string to mint the PATCH's SAS (secret). */
  readonly storageConnectionString: string;
  /**
   * The rollout stage the endpoint is in, when the stack stages its rollouts: the endpoint then
   * records the model it served before each repoint, for the stage's rollback.
   */
  readonly rolloutStage?: string;
  /**
   * The content hash of the definition the web service publishes (its `definitionSha256`; absent
   * for a referenced service). A republished graph reaches a non-default endpoint only when the
   * endpoint is refreshed: a new hash makes the update refresh it first (its own models kept).
   */
  readonly serviceDefinitionSha256?: string;
}

/** Outputs of a classic endpoint. */
export interface ClassicEndpointOutputs extends ClassicEndpointInputs {
  readonly apiLocation: string;
  readonly helpLocation: string;
  readonly primaryKey: string;
  readonly secondaryKey: string;
  /** What the endpoint reported serving at the last create, update or read. */
  readonly servedModelUri?: string;
  /**
   * In a rollout stage: the model it served before the last repoint (the rollback target); empty
   * when none is known.
   */
  readonly previousModelUri?: string;
  /** In a rollout stage: the transformations it served with that model, by resource name. */
  readonly previousTransformUris?: Readonly<Record<string, string>>;
  /** The transformations it reported, by resource name (only those in `trainedTransforms`). */
  readonly servedTransformUris?: Readonly<Record<string, string>>;
}

/** Arguments of `ClassicEndpoint`. */
export interface ClassicEndpointArgs {
  readonly endpoint: pulumi.Input<string>;
  readonly workspaceId: pulumi.Input<string>;
  readonly webServiceId: pulumi.Input<string>;
  readonly token: pulumi.Input<string>;
  readonly name: pulumi.Input<string>;
  readonly description?: pulumi.Input<string>;
  readonly throttleLevel?: pulumi.Input<"Low" | "High">;
  readonly maxConcurrentCalls?: pulumi.Input<number>;
  readonly resourceName: pulumi.Input<string>;
  readonly trainedModel: pulumi.Input<{
    baseLocation: pulumi.Input<string>;
    relativeLocation: pulumi.Input<string>;
  }>;
  /** The transformations trained with the model, by "[transform]" resource name. */
  readonly trainedTransforms?: pulumi.Input<
    Record<
      string,
      pulumi.Input<{ baseLocation: pulumi.Input<string>; relativeLocation: pulumi.Input<string> }>
    >
  >;
  readonly storageConnectionString: pulumi.Input<string>;
  /** The rollout stage it is in (see {@link ClassicEndpointInputs.rolloutStage}). */
  readonly rolloutStage?: pulumi.Input<string>;
  /** See {@link ClassicEndpointInputs.serviceDefinitionSha256}. */
  readonly serviceDefinitionSha256?: pulumi.Input<string | undefined>;
}
