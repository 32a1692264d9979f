/**
 * `RolloutStage`: one stage of a staged rollout of the main model. It depends on the stage's
 * endpoints (its inputs are their outputs) and the next stage's endpoints depend on it, so a
 * preview shows the order and an up checks each stage before repointing the next.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProjectResource } from "../shared/shim";
import type { RolloutStageArgs } from "./types";

/** A stage of a staged rollout: its endpoints' check, bake time and rollback. */
export class RolloutStage extends ProjectResource {
  declare readonly status: pulumi.Output<string>;
  declare readonly checkedAt: pulumi.Output<string>;
  declare readonly rounds: pulumi.Output<number>;
  declare readonly p99Ms: pulumi.Output<Record<string, number>>;

  constructor(name: string, args: RolloutStageArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "rolloutStage",
      "RolloutStage",
      name,
      {
        ...args,
        status: undefined,
        checkedAt: undefined,
        rounds: undefined,
        p99Ms: undefined,
        serving: undefined,
        failure: undefined,
        rollbacks: undefined,
      },
      pulumi.mergeOptions(opts, {
        additionalSecretOutputs: ["keys", "workspaceToken", "armToken", "storageConnectionString"],
      }),
    );
  }
}
