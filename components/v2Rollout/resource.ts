/**
 * `ServedModel`: the declared model version served by an online endpoint, blue/green (one
 * deployment per version, traffic moved in steps, earlier deployments kept for rollbacks).
 */
import * as pulumi from "@pulumi/pulumi";
import { ProjectResource } from "../shared/shim";
import type { ServedModelArgs } from "./types";

/** The endpoint's traffic on the declared model version. */
export class ServedModel extends ProjectResource {
  declare readonly liveDeployment: pulumi.Output<string>;
  declare readonly deployments: pulumi.Output<string[]>;
  declare readonly traffic: pulumi.Output<Record<string, number>>;

  constructor(name: string, args: ServedModelArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "v2ServedModel",
      "ServedModel",
      name,
      {
        ...args,
        liveDeployment: undefined,
        deployments: undefined,
        traffic: undefined,
        mirrorTraffic: undefined,
      },
      opts,
    );
  }
}
