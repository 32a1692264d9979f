/**
 * The `ClassicEndpoint` resource: a non-default endpoint of a classic predictive web service
 * (one per consumer), serving a declared model.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProjectResource } from "../shared/shim";
import type { ClassicEndpointArgs } from "./types";

/** A non-default endpoint of a classic predictive web service, serving a declared model. */
export class ClassicEndpoint extends ProjectResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly apiLocation: pulumi.Output<string>;
  declare readonly helpLocation: pulumi.Output<string>;
  declare readonly primaryKey: pulumi.Output<string>;
  declare readonly secondaryKey: pulumi.Output<string>;
  declare readonly servedModelUri: pulumi.Output<string>;
  /** In a rollout stage: the model served before the last repoint. */
  declare readonly previousModelUri: pulumi.Output<string | undefined>;
  /** In a rollout stage: the transformations served with that model, by resource name. */
  declare readonly previousTransformUris: pulumi.Output<Record<string, string> | undefined>;

  constructor(name: string, args: ClassicEndpointArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "classicEndpoint",
      "ClassicEndpoint",
      name,
      {
        ...args,
        apiLocation: undefined,
        helpLocation: undefined,
        primaryKey: undefined,
        secondaryKey: undefined,
        servedModelUri: undefined,
        previousModelUri: undefined,
        previousTransformUris: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["primaryKey", "secondaryKey"] }),
    );
  }
}
