/**
 * The `LocalMlWorkspace` provider: the workspace on the emulator (its default datastores come
 * with it, on Azurite's development account). Deleting it deletes everything in it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { workspaceId } from "../../clients/v2";
import { mlClient } from "../shared/mlTarget";
import { progress } from "../shared/progress";
import { redactingProvider } from "../shared/redaction";
import { compactResults } from "../shared/results";
import { checkLocalWorkspace, diffLocalWorkspace } from "./logic";
import type { LocalMlWorkspaceInputs, LocalMlWorkspaceOutputs } from "./types";

async function converge(inputs: LocalMlWorkspaceInputs): Promise<LocalMlWorkspaceOutputs> {
  const client = mlClient(inputs.target);
  const workspace = await client.putAndWait<{ properties: { workspaceId: string } }>(
    "",
    {
      location: inputs.location,
      properties: { friendlyName: inputs.friendlyName ?? inputs.target.workspace },
    },
    {
      onProgress: (status, ms) =>
        progress(
          "MlWorkspace",
          inputs.target.workspace,
          `${status} after ${(ms / 1000).toFixed(1)} s`,
        ),
    },
  );
  const datastore = await client.get<{ properties: { containerName: string } }>(
    "/datastores/workspaceblobstore",
  );
  if (!datastore)
    throw new Error(
      `workspace ${inputs.target.workspace} has no default datastore workspaceblobstore`,
    );
  return {
    ...inputs,
    workspaceArmId: workspaceId(inputs.target),
    workspaceGuid: workspace.properties.workspaceId,
    datastoreContainer: datastore.properties.containerName,
  };
}

const methods: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { inputs: news, failures: checkLocalWorkspace(news) };
  },

  async diff(_id: string, olds: LocalMlWorkspaceOutputs, news: LocalMlWorkspaceInputs) {
    return diffLocalWorkspace(olds, news);
  },

  async create(inputs: LocalMlWorkspaceInputs) {
    const outs = await converge(inputs);
    progress(
      "MlWorkspace",
      inputs.target.workspace,
      `ready (datastore container ${outs.datastoreContainer})`,
    );
    return { id: outs.workspaceArmId, outs };
  },

  async update(_id: string, _olds: LocalMlWorkspaceOutputs, news: LocalMlWorkspaceInputs) {
    return { outs: await converge(news) };
  },

  async read(id: string, props: LocalMlWorkspaceOutputs) {
    const workspace = await mlClient(props.target).get("");
    return workspace ? { id, props } : { id: "", props: {} };
  },

  async delete(_id: string, props: LocalMlWorkspaceOutputs) {
    await mlClient(props.target).actAndWait("DELETE", "");
    progress("MlWorkspace", props.target.workspace, "deleted with everything in it");
  },
};

/** Provider of `LocalMlWorkspace`. */
export const localMlWorkspaceProvider: pulumi.dynamic.ResourceProvider = compactResults(
  redactingProvider(methods, (p) => [(p.target as { token?: string } | undefined)?.token]),
);
