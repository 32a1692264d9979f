/**
 * Inputs and outputs of the `ClassicWebService` resource: a classic predictive web service,
 * referenced on Azure (they cannot be created any more) or published through the emulator's
 * admin route locally. Types only.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { WebServiceProperties } from "../../contract";
import type { ModelRef } from "../shared/sas";

/** Inputs of a classic web service. */
export interface ClassicWebServiceInputs {
  /** `reference` an existing service (Azure), or `publish` one through the emulator's admin route. */
  readonly mode: "reference" | "publish";
  /** Management endpoint (`https://management.azureml.net` or regional; the emulator's URL). */
  readonly endpoint: string;
  readonly workspaceId: string;
  readonly webServiceId: string;
  /** Workspace authorization token (secret). */
  readonly token: string;
  /** Publish mode: display name, definition and the model its default endpoint serves. */
  readonly name?: string;
  readonly description?: string;
  readonly definition?: WebServiceProperties;
  readonly trainedModel?: ModelRef;
  /** Trained-model resource name (default: the definition's asset ending in "[trained model]"). */
  readonly resourceName?: string;
  /** The transformations trained with the model, by "[transform]" resource name. */
  readonly trainedTransforms?: Readonly<Record<string, ModelRef>>;
  /** Storage connection string to mint the model SAS (secret). */
  readonly storageConnectionString?: string;
  /**
   * Allows a change that replaces the service (another id, workspace, endpoint or mode). Off by
   * default: a replacement deletes every endpoint under the service and creates it again under
   * the new one, so every consumer gets new keys.
   */
  readonly allowReplacement?: boolean;
  /**
   * Publish mode: the content hash of `definition`, computed by `check` (never set by hand), so a
   * preview knows it. Endpoints refresh onto a republished graph when it changes.
   */
  readonly definitionSha256?: string;
}

/** Outputs of a classic web service. */
export interface ClassicWebServiceOutputs extends ClassicWebServiceInputs {
  readonly defaultEndpointName: string;
  readonly defaultApiLocation: string;
  readonly defaultPrimaryKey: string;
  /** Trained-model resource names of the default endpoint (what endpoints can PATCH). */
  readonly resourceNames: string[];
}

/** Arguments of `ClassicWebService`. */
export interface ClassicWebServiceArgs {
  readonly mode: pulumi.Input<"reference" | "publish">;
  readonly endpoint: pulumi.Input<string>;
  readonly workspaceId: pulumi.Input<string>;
  readonly webServiceId: pulumi.Input<string>;
  readonly token: pulumi.Input<string>;
  readonly name?: pulumi.Input<string>;
  readonly description?: pulumi.Input<string>;
  readonly definition?: pulumi.Input<WebServiceProperties>;
  readonly trainedModel?: pulumi.Input<{
    baseLocation: pulumi.Input<string>;
    relativeLocation: pulumi.Input<string>;
  }>;
  readonly resourceName?: pulumi.Input<string>;
  /** The transformations trained with the model, by "[transform]" resource name. */
  readonly trainedTransforms?: pulumi.Input<
    Record<
      string,
      pulumi.Input<{ baseLocation: pulumi.Input<string>; relativeLocation: pulumi.Input<string> }>
    >
  >;
  readonly storageConnectionString?: pulumi.Input<string>;
  /** See {@link ClassicWebServiceInputs.allowReplacement}. */
  readonly allowReplacement?: pulumi.Input<boolean>;
}
