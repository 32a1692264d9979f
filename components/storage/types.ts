/**
 * Inputs and outputs of model storage: the `ModelStorage` component and, on the local target, the
 * `LocalContainers` dynamic resource. Types only.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Default container names. */
export const DEFAULT_CONTAINERS = { data: "training-data", models: "models" } as const;

/** Inputs of {@link LocalContainers}. */
export interface LocalContainersInputs {
  /** Connection string of the account (secret). */
  readonly connectionString: string;
  /** Containers that must exist. */
  readonly containers: string[];
}

/** Outputs of {@link LocalContainers}. */
export interface LocalContainersOutputs extends LocalContainersInputs {
  /** Containers this resource created (and will delete); pre-existing ones are left alone. */
  readonly createdContainers: string[];
  readonly accountName: string;
  readonly blobEndpoint: string;
}

/** Arguments of `LocalContainers`. */
export interface LocalContainersArgs {
  readonly connectionString: pulumi.Input<string>;
  readonly containers: pulumi.Input<pulumi.Input<string>[]>;
}

/** Arguments of `ModelStorage`. */
export interface ModelStorageArgs {
  /** `local` (Azurite + emulator) or `azure`. */
  readonly target: "local" | "azure";
  /** Local target: the Azurite account's connection string (secret). */
  readonly connectionString?: pulumi.Input<string>;
  /** Azure target: resource group of the account. */
  readonly resourceGroupName?: pulumi.Input<string>;
  /** Azure target: region (default: the resource group's). */
  readonly location?: pulumi.Input<string>;
  /** Azure target: account name (3-24 lowercase letters and digits); auto-named when absent. */
  readonly accountName?: pulumi.Input<string>;
  /** Container names (defaults: `training-data`, `models`). */
  readonly containers?: { readonly data?: string; readonly models?: string };
}
