/**
 * The `ClassicWebService` resource: a classic predictive web service (referenced on Azure,
 * published on the emulator) whose non-default endpoints the `ClassicEndpoint`s are.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProjectResource } from "../shared/shim";
import type { ClassicWebServiceArgs } from "./types";

/** A classic predictive web service (referenced on Azure, published on the emulator). */
export class ClassicWebService extends ProjectResource {
  declare readonly workspaceId: pulumi.Output<string>;
  declare readonly webServiceId: pulumi.Output<string>;
  declare readonly defaultEndpointName: pulumi.Output<string>;
  declare readonly defaultApiLocation: pulumi.Output<string>;
  declare readonly defaultPrimaryKey: pulumi.Output<string>;
  declare readonly resourceNames: pulumi.Output<string[]>;
  /** Publish mode: the content hash of the published definition (undefined when referenced). */
  declare readonly definitionSha256: pulumi.Output<string | undefined>;

  constructor(name: string, args: ClassicWebServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "classicWebService",
      "ClassicWebService",
      name,
      {
        ...args,
        defaultEndpointName: undefined,
        defaultApiLocation: undefined,
        defaultPrimaryKey: undefined,
        resourceNames: undefined,
        definitionSha256: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["defaultPrimaryKey"] }),
    );
  }
}
