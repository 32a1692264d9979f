/**
 * Inputs and outputs of the v2 workspace: the `MlWorkspace` component and, on the local target,
 * the `LocalMlWorkspace` dynamic resource. Types only.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { MlDatastore, MlTarget } from "../shared/mlTarget";

/** Inputs of {@link LocalMlWorkspace}. */
export interface LocalMlWorkspaceInputs {
  readonly target: MlTarget;
  readonly location: string;
  readonly friendlyName?: string;
}

/** Outputs of {@link LocalMlWorkspace}. */
export interface LocalMlWorkspaceOutputs extends LocalMlWorkspaceInputs {
  /** ARM id of the workspace. */
  readonly workspaceArmId: string;
  /** The workspace's GUID. */
  readonly workspaceGuid: string;
  /** Container of its default datastore (`workspaceblobstore`). */
  readonly datastoreContainer: string;
}

/** Arguments of `LocalMlWorkspace`. */
export interface LocalMlWorkspaceArgs {
  readonly target: pulumi.Input<{ [K in keyof MlTarget]: pulumi.Input<MlTarget[K]> }>;
  readonly location: pulumi.Input<string>;
  readonly friendlyName?: pulumi.Input<string>;
}

/** Arguments of `MlWorkspace`. */
export type MlWorkspaceArgs =
  | {
      /** The emulator: the workspace is created on it, its datastores on Azurite. */
      readonly target: "local";
      /** The emulator's URL. */
      readonly endpoint: string;
      /** The emulator's ARM token (secret). */
      readonly token: pulumi.Input<string>;
      readonly subscriptionId: string;
      readonly resourceGroup: string;
      readonly workspace: string;
      readonly location: string;
      /** Connection string of Azurite's development account (secret): the datastores' account. */
      readonly connectionString: pulumi.Input<string>;
    }
  | {
      /** Azure: an azure-native workspace with its storage account, key vault and insights. */
      readonly target: "azure";
      readonly endpoint: string;
      readonly subscriptionId: string;
      readonly resourceGroup: string;
      readonly workspace: string;
      readonly location: string;
      /** Storage account name (3-24 lowercase letters and digits); auto-named when absent. */
      readonly storageAccountName?: string;
    };

/** What the v2 components need of the workspace. */
export interface MlWorkspaceOutputs {
  readonly target: pulumi.Output<MlTarget>;
  readonly datastore: pulumi.Output<MlDatastore>;
}
