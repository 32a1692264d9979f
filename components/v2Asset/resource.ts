/**
 * The v2 asset versions the retrain flow registers: the code folder (`CodeAsset`), the training
 * data (`DataAsset`) and the environment (`EnvironmentAsset`, recorded on the emulator, built by
 * Azure). One provider; each names its version by its content.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProjectResource } from "../shared/shim";
import type { AssetArgs, AssetKind } from "./types";

const SEEDS = {
  contentSha256: undefined,
  version: undefined,
  assetId: undefined,
  uri: undefined,
  reused: undefined,
};

/** Base of the three asset resources. */
abstract class AssetVersion extends ProjectResource {
  declare readonly version: pulumi.Output<string>;
  declare readonly assetId: pulumi.Output<string>;
  declare readonly contentSha256: pulumi.Output<string>;
  declare readonly reused: pulumi.Output<boolean>;

  protected constructor(
    kind: AssetKind,
    type: string,
    name: string,
    args: AssetArgs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super("v2Asset", type, name, { ...args, kind, ...SEEDS }, opts);
  }
}

/** A code folder as a code version (the training and scoring scripts). */
export class CodeAsset extends AssetVersion {
  declare readonly uri: pulumi.Output<string>;
  constructor(
    name: string,
    args: AssetArgs & { readonly path: pulumi.Input<string> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super("code", "CodeAsset", name, args, opts);
  }
}

/** A CSV file as a data version (`uri_file`). */
export class DataAsset extends AssetVersion {
  declare readonly uri: pulumi.Output<string>;
  constructor(
    name: string,
    args: AssetArgs & { readonly path: pulumi.Input<string> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super("data", "DataAsset", name, args, opts);
  }
}

/** An environment version: a base image and a conda file. */
export class EnvironmentAsset extends AssetVersion {
  constructor(
    name: string,
    args: AssetArgs & { readonly image: pulumi.Input<string> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super("environment", "EnvironmentAsset", name, args, opts);
  }
}
