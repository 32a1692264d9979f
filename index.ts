/**
 * The azureml-retrain program: keeps the model served in step with the model version declared
 * in the stack config (`Pulumi.<stack>.yaml`, changed by pull requests), on one of two platforms:
 *
 * - `classic` (stacks/classic.ts): Azure ML Studio (classic) web services and endpoints;
 * - `v2` (stacks/v2.ts): Azure Machine Learning: a command job trains, the model registry keeps
 *   the versions, a managed online endpoint serves them blue/green.
 *
 * `local` runs on Azurite and the project's emulator; `azure` on Azure with the same code. The
 * stack outputs are the chosen platform's.
 */
// First: on an old Node, stop with how to get Node 22 (before any import can fail).
import "./bin/check-node.cjs";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "./config";
import { classicStack } from "./stacks/classic";
import { v2Stack } from "./stacks/v2";

const raw = new pulumi.Config();
const config = parseConfig({
  platform: raw.get("platform"),
  target: raw.get("target"),
  model: raw.get("model"),
  services: raw.get("services"),
  endpoints: raw.get("endpoints"),
  rollout: raw.get("rollout"),
  local: raw.get("local"),
  azure: raw.get("azure"),
  v2: raw.get("v2"),
  workspaceToken: raw.getSecret("workspaceToken") === undefined ? undefined : "set",
});

export = config.platform === "v2" ? v2Stack(config) : classicStack(config, raw);
