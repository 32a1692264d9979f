/**
 * `MlTrainedModel`: the model version declared in git, trained by a command job (or reused when
 * registered), gated against what the endpoint serves, and registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProjectResource } from "../shared/shim";
import type { MlTrainedModelArgs, MlTrainedModelOutputs } from "./types";

/** A registered model version produced for the declared version, data and code. */
export class MlTrainedModel extends ProjectResource {
  declare readonly version: pulumi.Output<string>;
  declare readonly modelId: pulumi.Output<string>;
  declare readonly modelUri: pulumi.Output<string>;
  declare readonly metrics: pulumi.Output<MlTrainedModelOutputs["metrics"]>;
  declare readonly jobName: pulumi.Output<string>;
  declare readonly reused: pulumi.Output<boolean>;
  declare readonly trainingKey: pulumi.Output<string>;
  declare readonly gateSummary: pulumi.Output<string>;
  declare readonly trainedAt: pulumi.Output<string>;

  constructor(name: string, args: MlTrainedModelArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "v2TrainedModel",
      "MlTrainedModel",
      name,
      {
        ...args,
        trainingKey: undefined,
        modelId: undefined,
        modelUri: undefined,
        metrics: undefined,
        jobName: undefined,
        reused: undefined,
        trainedAt: undefined,
        gateSummary: undefined,
      },
      opts,
    );
  }
}
