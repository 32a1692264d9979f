/**
 * The online endpoint provider. It creates the endpoint with no traffic and, on update, sends back
 * the traffic the endpoint has: traffic is the rollout's alone (`ServedModel`), so a change of the
 * auth mode never moves calls.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EndpointKeys, OnlineEndpointProperties, V2Resource } from "../../contract/v2";
import { mlClient } from "../shared/mlTarget";
import { progress } from "../shared/progress";
import { redactingProvider } from "../shared/redaction";
import { compactResults } from "../shared/results";
import { checkOnlineEndpoint, diffOnlineEndpoint, endpointBody } from "./logic";
import type { OnlineEndpointInputs, OnlineEndpointOutputs } from "./types";

type Endpoint = V2Resource<OnlineEndpointProperties>;

async function put(
  inputs: OnlineEndpointInputs,
  current?: Endpoint,
): Promise<OnlineEndpointOutputs> {
  const client = mlClient(inputs.target);
  const path = `/onlineEndpoints/${inputs.name}`;
  const endpoint = await client.putAndWait<Endpoint>(
    path,
    endpointBody(inputs, current?.properties),
    {
      onProgress: (status, ms) =>
        progress("OnlineEndpoint", inputs.name, `${status} after ${(ms / 1000).toFixed(1)} s`),
    },
  );
  const keys = await client.post<EndpointKeys>(`${path}/listKeys`);
  return {
    ...inputs,
    endpointArmId: endpoint.id,
    scoringUri: endpoint.properties.scoringUri ?? "",
    primaryKey: keys.primaryKey,
  };
}

const methods: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { inputs: { authMode: "Key", ...news }, failures: checkOnlineEndpoint(news) };
  },

  async diff(_id: string, olds: OnlineEndpointOutputs, news: OnlineEndpointInputs) {
    return diffOnlineEndpoint(olds, news);
  },

  async create(inputs: OnlineEndpointInputs) {
    const existing = await mlClient(inputs.target).get(`/onlineEndpoints/${inputs.name}`);
    if (existing)
      throw new Error(
        `online endpoint ${inputs.name} already exists: import it into the stack or choose another name; it was not changed`,
      );
    const outs = await put(inputs);
    progress("OnlineEndpoint", inputs.name, `ready at ${outs.scoringUri}`);
    return { id: outs.endpointArmId, outs };
  },

  async update(_id: string, _olds: OnlineEndpointOutputs, news: OnlineEndpointInputs) {
    const current = await mlClient(news.target).get<Endpoint>(`/onlineEndpoints/${news.name}`);
    return { outs: await put(news, current) };
  },

  async read(id: string, props: OnlineEndpointOutputs) {
    const client = mlClient(props.target);
    const endpoint = await client.get<Endpoint>(`/onlineEndpoints/${props.name}`);
    if (!endpoint) return { id: "", props: {} };
    const keys = await client.post<EndpointKeys>(`/onlineEndpoints/${props.name}/listKeys`);
    return {
      id,
      props: {
        ...props,
        authMode: endpoint.properties.authMode === "AMLToken" ? "AMLToken" : "Key",
        scoringUri: endpoint.properties.scoringUri ?? props.scoringUri,
        primaryKey: keys.primaryKey,
      },
    };
  },

  async delete(_id: string, props: OnlineEndpointOutputs) {
    await mlClient(props.target).actAndWait("DELETE", `/onlineEndpoints/${props.name}`);
    progress("OnlineEndpoint", props.name, "deleted with its deployments");
  },
};

/** Provider of `OnlineEndpoint`. */
export const onlineEndpointProvider: pulumi.dynamic.ResourceProvider = compactResults(
  redactingProvider(methods, (p) => [
    (p.target as { token?: string } | undefined)?.token,
    p.primaryKey as string | undefined,
  ]),
);
