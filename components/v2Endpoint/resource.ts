/**
 * `OnlineEndpoint`: a managed online endpoint. Its deployments and traffic belong to the rollout
 * (`ServedModel`).
 */
import * as pulumi from "@pulumi/pulumi";
import { ProjectResource } from "../shared/shim";
import type { OnlineEndpointArgs } from "./types";

/** A managed online endpoint (key auth by default). */
export class OnlineEndpoint extends ProjectResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly endpointArmId: pulumi.Output<string>;
  declare readonly scoringUri: pulumi.Output<string>;
  /** Primary key (secret). */
  declare readonly primaryKey: pulumi.Output<string>;

  constructor(name: string, args: OnlineEndpointArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "v2Endpoint",
      "OnlineEndpoint",
      name,
      { ...args, endpointArmId: undefined, scoringUri: undefined, primaryKey: undefined },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["primaryKey"] }),
    );
  }
}
