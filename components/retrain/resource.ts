/**
 * The `TrainedModel` resource: a model trained (or reused) for a declared version, data and
 * parameters, and gated for promotion. Its provider is `provider.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProjectResource } from "../shared/shim";
import type { TrainedModelArgs, TrainedModelOutputs } from "./types";

/** A model trained (or reused) for a declared version, data and parameters, gated for promotion. */
export class TrainedModel extends ProjectResource {
  declare readonly version: pulumi.Output<string>;
  declare readonly dataSha256: pulumi.Output<string>;
  declare readonly modelKey: pulumi.Output<string>;
  declare readonly status: pulumi.Output<"ready" | "failed">;
  declare readonly model: pulumi.Output<TrainedModelOutputs["model"]>;
  declare readonly transforms: pulumi.Output<TrainedModelOutputs["transforms"]>;
  declare readonly modelSasToken: pulumi.Output<string>;
  declare readonly metrics: pulumi.Output<Record<string, number>>;
  declare readonly jobId: pulumi.Output<string | undefined>;
  declare readonly reused: pulumi.Output<boolean>;
  declare readonly trainedAt: pulumi.Output<string>;
  declare readonly gateSummary: pulumi.Output<string>;
  declare readonly servedModelUri: pulumi.Output<string | undefined>;
  /** Where its training job's scored held-out rows are kept (staged rollouts only). */
  declare readonly heldOutScores: pulumi.Output<TrainedModelOutputs["heldOutScores"]>;

  constructor(name: string, args: TrainedModelArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "trainedModel",
      "TrainedModel",
      name,
      {
        ...args,
        dataSha256: undefined,
        modelKey: undefined,
        status: undefined,
        model: undefined,
        transforms: undefined,
        modelSasToken: undefined,
        metrics: undefined,
        jobId: undefined,
        reused: undefined,
        trainedAt: undefined,
        gateSummary: undefined,
        servedModelUri: undefined,
        heldOutScores: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["modelSasToken"] }),
    );
  }
}
