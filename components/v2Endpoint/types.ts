/**
 * Inputs and outputs of a managed online endpoint (`OnlineEndpoint`). Types only.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { MlTarget } from "../shared/mlTarget";

/** Inputs of an endpoint. */
export interface OnlineEndpointInputs {
  readonly target: MlTarget;
  /** Endpoint name (unique in the region). */
  readonly name: string;
  readonly location: string;
  /** `Key` (default) or `AMLToken`. */
  readonly authMode: "Key" | "AMLToken";
  readonly description?: string;
}

/** Outputs of an endpoint. */
export interface OnlineEndpointOutputs extends OnlineEndpointInputs {
  readonly endpointArmId: string;
  readonly scoringUri: string;
  /** Primary key (secret). */
  readonly primaryKey: string;
}

/** Arguments of `OnlineEndpoint`. */
export interface OnlineEndpointArgs {
  readonly target: pulumi.Input<{ [K in keyof MlTarget]: pulumi.Input<MlTarget[K]> }>;
  readonly name: pulumi.Input<string>;
  readonly location: pulumi.Input<string>;
  readonly authMode?: pulumi.Input<"Key" | "AMLToken">;
  readonly description?: pulumi.Input<string>;
}
