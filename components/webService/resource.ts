/**
 * The ARM web service resources: `TrainingService` (its BES endpoint retrains the model) and
 * `PredictiveService` (serves the model set on its "[trained model]" asset). One provider.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProjectResource } from "../shared/shim";
import type { PredictiveServiceArgs, WebServiceArgs } from "./types";

/** Outputs the provider computes, declared so the SDK resolves them. */
const OUTPUT_SEEDS = {
  resourceId: undefined,
  swaggerLocation: undefined,
  executionUrl: undefined,
  primaryKey: undefined,
  secondaryKey: undefined,
  provisioningState: undefined,
  servedModelUri: undefined,
};

/** A training web service: its BES endpoint retrains the model. */
export class TrainingService extends ProjectResource {
  declare readonly resourceId: pulumi.Output<string>;
  declare readonly executionUrl: pulumi.Output<string>;
  declare readonly swaggerLocation: pulumi.Output<string>;
  declare readonly primaryKey: pulumi.Output<string>;
  declare readonly secondaryKey: pulumi.Output<string>;

  constructor(name: string, args: WebServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "webService",
      "TrainingService",
      name,
      { ...args, role: "training", ...OUTPUT_SEEDS },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["primaryKey", "secondaryKey"] }),
    );
  }
}

/** A predictive web service, serving the model set on its "[trained model]" asset. */
export class PredictiveService extends ProjectResource {
  declare readonly resourceId: pulumi.Output<string>;
  declare readonly executionUrl: pulumi.Output<string>;
  declare readonly swaggerLocation: pulumi.Output<string>;
  declare readonly primaryKey: pulumi.Output<string>;
  declare readonly secondaryKey: pulumi.Output<string>;
  declare readonly servedModelUri: pulumi.Output<string>;
  /** In a rollout stage: the model served before the last repoint. */
  declare readonly previousModelUri: pulumi.Output<string | undefined>;
  /** In a rollout stage: the transformations served with that model, by asset name. */
  declare readonly previousTransformUris: pulumi.Output<Record<string, string> | undefined>;

  constructor(name: string, args: PredictiveServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "webService",
      "PredictiveService",
      name,
      {
        ...args,
        role: "predictive",
        ...OUTPUT_SEEDS,
        previousModelUri: undefined,
        previousTransformUris: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["primaryKey", "secondaryKey"] }),
    );
  }
}
