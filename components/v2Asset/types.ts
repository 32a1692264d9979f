/**
 * Inputs and outputs of a v2 asset version (`CodeAsset`, `DataAsset`, `EnvironmentAsset`). Types
 * only.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { MlDatastore, MlTarget } from "../shared/mlTarget";

/** The three asset families the flow registers. */
export type AssetKind = "code" | "data" | "environment";

/** Inputs of an asset, after `check`. */
export interface AssetInputs {
  readonly kind: AssetKind;
  readonly target: MlTarget;
  readonly datastore: MlDatastore;
  /** Asset name, e.g. `census-data`. */
  readonly name: string;
  /**
   * Relative to the project: the code folder (code), the CSV file (data), the conda file
   * (environment, optional).
   */
  readonly path?: string;
  /** Environment: the base image. */
  readonly image?: string;
  /** Data: the columns the training script reads (the header must have them). */
  readonly columns?: readonly string[];
  /** SHA-256 of the content, computed by `check`: the version's identity. */
  readonly contentSha256?: string;
  readonly description?: string;
}

/** Outputs of an asset. */
export interface AssetOutputs extends AssetInputs {
  readonly contentSha256: string;
  /** The version: `sha256-` and the first 16 hex digits of the content hash. */
  readonly version: string;
  /** ARM id of the version. */
  readonly assetId: string;
  /** Where it lives: codeUri or dataUri (none for an environment). */
  readonly uri?: string;
  /** Whether the version was already registered (nothing uploaded or registered). */
  readonly reused: boolean;
}

/** Arguments of the asset resources. */
export interface AssetArgs {
  readonly target: pulumi.Input<{ [K in keyof MlTarget]: pulumi.Input<MlTarget[K]> }>;
  readonly datastore: pulumi.Input<{ [K in keyof MlDatastore]: pulumi.Input<MlDatastore[K]> }>;
  readonly name: pulumi.Input<string>;
  readonly path?: pulumi.Input<string>;
  readonly image?: pulumi.Input<string>;
  readonly columns?: pulumi.Input<pulumi.Input<string>[]>;
  readonly description?: pulumi.Input<string>;
}
