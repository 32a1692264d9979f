/**
 * A one-resource program for the memory benchmark (item 6): a `TrainedModel` whose inputs come
 * straight from the config, so its check and create run through the provider host exactly as in
 * the project's program, without the services a full stack would first need.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrainedModel, type ModelStore, type TrainingTarget } from "../../components";

const config = new pulumi.Config();

/** The model's status (never resolves in the benchmark: its create stops at the BES submit). */
export const status = new TrainedModel("model", {
  version: config.require("version"),
  data: config.require("data"),
  gate: { metric: "AUC", min: 0.5 },
  training: config.requireObject<TrainingTarget>("training"),
  store: pulumi.secret(config.requireObject<ModelStore>("store")),
}).status;
