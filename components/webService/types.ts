/**
 * Inputs and outputs of the ARM web service resources (`TrainingService`, `PredictiveService`,
 * which share one provider). Types only.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { WebServiceProperties } from "../../contract";

/** Inputs of an ARM web service resource. */
export interface WebServiceInputs {
  readonly role: "training" | "predictive";
  /** ARM endpoint: `https://management.azure.com`, or the emulator's URL. */
  readonly endpoint: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  /** Static ARM bearer token (the emulator's); absent on Azure, where Entra ID is used. Secret. */
  readonly token?: string;
  /** The definition's properties (deployment members are added by the provider). */
  readonly definition: WebServiceProperties;
  readonly title?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** Storage account the service uses; the key is a secret and never returned by ARM. */
  readonly storageAccount: { readonly name: string; readonly key: string };
  /** Studio workspace id. */
  readonly workspaceId: string;
  /** ARM id of a commitment plan (Azure); immutable. */
  readonly commitmentPlanId?: string;
  /** Predictive only: URI of the model to serve (BaseLocation + RelativeLocation, no SAS). */
  readonly trainedModelUri?: string;
  /** Predictive only: the trained-model asset to set (default: the one ending in "[trained model]"). */
  readonly trainedModelAssetName?: string;
  /**
   * Predictive only: the rollout stage its own endpoint is in, when the stack stages its
   * rollouts; the service then records the model it served before each repoint.
   */
  readonly rolloutStage?: string;
  /**
   * Predictive only: the saved transformations trained with the model, by the name of the
   * "[transform]" asset each is set on (URIs without a SAS). Set with the model, in one PATCH.
   */
  readonly trainedTransformUris?: Readonly<Record<string, string>>;
}

/** Outputs of an ARM web service resource. */
export interface WebServiceOutputs extends WebServiceInputs {
  readonly resourceId: string;
  readonly swaggerLocation: string;
  /** Execution base URL (BES `/jobs`, RRS `/execute`). */
  readonly executionUrl: string;
  readonly primaryKey: string;
  readonly secondaryKey: string;
  readonly provisioningState: string;
  /** The model the service reported serving at the last create, update or read. */
  readonly servedModelUri?: string;
  /**
   * In a rollout stage: the model served before the last repoint (the rollback target); empty
   * when none is known.
   */
  readonly previousModelUri?: string;
  /** In a rollout stage: the transformations served with that model, by asset name. */
  readonly previousTransformUris?: Readonly<Record<string, string>>;
  /** The transformations it reported, by asset name (only those in `trainedTransformUris`). */
  readonly servedTransformUris?: Readonly<Record<string, string>>;
}

/** Arguments shared by `TrainingService` and `PredictiveService`. */
export interface WebServiceArgs {
  readonly endpoint: pulumi.Input<string>;
  readonly subscriptionId: pulumi.Input<string>;
  readonly resourceGroup: pulumi.Input<string>;
  /** Service name (the ARM resource name). */
  readonly name: pulumi.Input<string>;
  readonly location: pulumi.Input<string>;
  /** Static ARM token (emulator); leave unset on Azure. Secret. */
  readonly token?: pulumi.Input<string>;
  /** The definition's properties (from `loadDefinition(...).properties`). */
  readonly definition: pulumi.Input<WebServiceProperties>;
  readonly title?: pulumi.Input<string>;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly storageAccount: pulumi.Input<{ name: pulumi.Input<string>; key: pulumi.Input<string> }>;
  readonly workspaceId: pulumi.Input<string>;
  readonly commitmentPlanId?: pulumi.Input<string>;
}

/** Arguments of `PredictiveService`. */
export interface PredictiveServiceArgs extends WebServiceArgs {
  /** The model to serve: a `TrainedModel`'s `model.uri`. */
  readonly trainedModelUri: pulumi.Input<string>;
  /** The trained-model asset to set, when the definition has several. */
  readonly trainedModelAssetName?: pulumi.Input<string>;
  /** The rollout stage its own endpoint is in (see {@link WebServiceInputs.rolloutStage}). */
  readonly rolloutStage?: pulumi.Input<string>;
  /** The transformations trained with the model, by "[transform]" asset name. */
  readonly trainedTransformUris?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}
