/**
 * The v2 retrain provider (`MlTrainedModel`): trains the declared model version with a command
 * job under a deterministic name, gates it, and registers it; a registered version is reused
 * without training (rollbacks).
 *
 * - check:  validates names, version, gate, parameters; no network.
 * - diff:   replace on what the model is trained from (version, data, code, environment, script,
 *           parameters); update on the gate, retain, deadline, serving; never on `__provider`.
 * - create: `trainOrReuse` (operations.ts).
 * - update: records the new settings; a refused or lost model is produced again.
 * - read:   the registered version still exists (or the next up produces it again).
 * - delete: keeps the version when `retain` is set or a deployment serves it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { mlClient } from "../shared/mlTarget";
import { progress } from "../shared/progress";
import { redactingProvider } from "../shared/redaction";
import { compactResults } from "../shared/results";
import { checkMlTrainedModel, diffMlTrainedModel } from "./logic";
import { isDeployed, trainOrReuse } from "./operations";
import type { MlTrainedModelInputs, MlTrainedModelOutputs } from "./types";

function logger(version: string): (line: string) => void {
  return (line) => progress("MlTrainedModel", version, line);
}

const methods: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    const { failures, normalized } = checkMlTrainedModel(news);
    return { inputs: { ...news, ...normalized }, failures };
  },

  async diff(_id: string, olds: MlTrainedModelOutputs, news: MlTrainedModelInputs) {
    return diffMlTrainedModel(olds, news);
  },

  async create(inputs: MlTrainedModelInputs) {
    const outs = await trainOrReuse(inputs, logger(inputs.version));
    return { id: outs.modelId, outs };
  },

  async update(_id: string, olds: MlTrainedModelOutputs, news: MlTrainedModelInputs) {
    const exists = olds.modelId
      ? await mlClient(news.target).get(`/models/${news.modelName}/versions/${news.version}`)
      : undefined;
    if (!exists) {
      logger(news.version)("the registered version is gone: producing it again");
      return { outs: await trainOrReuse(news, logger(news.version)) };
    }
    return { outs: { ...olds, ...news } };
  },

  async read(id: string, props: MlTrainedModelOutputs) {
    const version = await mlClient(props.target).get(
      `/models/${props.modelName}/versions/${props.version}`,
    );
    if (!version) {
      logger(props.version)(
        `model ${props.modelName}:${props.version} is no longer registered: the next up produces it again`,
      );
      return { id: "", props: {} };
    }
    return { id, props };
  },

  async delete(_id: string, props: MlTrainedModelOutputs) {
    const log = logger(props.version);
    if (props.retain) {
      log(
        `kept model ${props.modelName}:${props.version} (retain is set): a rollback can reuse it`,
      );
      return;
    }
    if (await isDeployed(props)) {
      log(`kept model ${props.modelName}:${props.version}: a deployment still serves it`);
      return;
    }
    await mlClient(props.target).actAndWait(
      "DELETE",
      `/models/${props.modelName}/versions/${props.version}`,
    );
    log(`deleted model ${props.modelName}:${props.version}`);
  },
};

/** Provider of `MlTrainedModel`. */
export const mlTrainedModelProvider: pulumi.dynamic.ResourceProvider = compactResults(
  redactingProvider(methods, (p) => [
    (p.target as { token?: string } | undefined)?.token,
    (p.datastore as { connectionString?: string } | undefined)?.connectionString,
  ]),
);
