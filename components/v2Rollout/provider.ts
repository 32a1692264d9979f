/**
 * The rollout provider (`ServedModel`): the only code that writes an endpoint's traffic.
 *
 * create/update (one routine):
 * 1. the declared version's deployment: kept from before (a rollback: nothing is created), or
 *    created from the registered model and waited for;
 * 2. checked: a few rows scored through the endpoint with `azureml-model-deployment` (traffic is
 *    untouched when that fails);
 * 3. traffic moved: mirrored first when asked, then the steps, then all of it (each a full PUT of
 *    the endpoint, waited for);
 * 4. the previous deployments kept (`keep` of them, at 0 %), older ones deleted.
 * read:   the endpoint's traffic (a change made by hand shows as a diff; the next up restores it).
 * delete: traffic off, then the rollout's deployments deleted.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ScoringClient, type MlClient } from "../../clients/v2";
import type {
  EndpointKeys,
  OnlineDeploymentProperties,
  OnlineEndpointProperties,
  V2Resource,
} from "../../contract/v2";
import { sampleCsv } from "../retrain/champion";
import { resolveDataPath } from "../retrain/dataFile";
import { mlClient } from "../shared/mlTarget";
import { progress } from "../shared/progress";
import { redactingProvider } from "../shared/redaction";
import { compactResults } from "../shared/results";
import {
  checkServedModel,
  deploymentBody,
  deploymentName,
  describeTraffic,
  diffServedModel,
  keptDeployments,
  trafficPlan,
  type TrafficState,
} from "./logic";
import type { ServedModelInputs, ServedModelOutputs } from "./types";

type Endpoint = V2Resource<OnlineEndpointProperties>;
type Deployment = V2Resource<OnlineDeploymentProperties>;

function logger(endpoint: string): (line: string) => void {
  return (line) => progress("ServedModel", endpoint, line);
}

async function requireEndpoint(client: MlClient, name: string): Promise<Endpoint> {
  const endpoint = await client.get<Endpoint>(`/onlineEndpoints/${name}`);
  if (!endpoint)
    throw new Error(`online endpoint ${name} does not exist: run up again so it is created first`);
  return endpoint;
}

/** PUTs the endpoint with a traffic state (its other settings as they are) and waits. */
async function applyTraffic(
  client: MlClient,
  endpoint: Endpoint,
  state: TrafficState,
): Promise<Endpoint> {
  return client.putAndWait<Endpoint>(`/onlineEndpoints/${endpoint.name}`, {
    location: endpoint.location,
    ...(endpoint.identity ? { identity: { type: endpoint.identity.type } } : {}),
    ...(endpoint.tags ? { tags: endpoint.tags } : {}),
    properties: {
      authMode: endpoint.properties.authMode,
      ...(endpoint.properties.description ? { description: endpoint.properties.description } : {}),
      traffic: state.traffic,
      mirrorTraffic: state.mirrorTraffic,
    },
  });
}

/** The deployment of the declared version: kept from before, or created and waited for. */
async function ensureDeployment(
  client: MlClient,
  inputs: ServedModelInputs,
  name: string,
  log: (l: string) => void,
): Promise<void> {
  const path = `/onlineEndpoints/${inputs.endpointName}/deployments/${name}`;
  const existing = await client.get<Deployment>(path);
  if (existing && existing.properties.provisioningState === "Succeeded") {
    if ((existing.properties.model ?? "").toLowerCase() !== inputs.modelId.toLowerCase())
      throw new Error(
        `deployment ${name} serves ${existing.properties.model}, not ${inputs.modelId}: delete it or declare another version`,
      );
    log(
      `deployment ${name} is kept from before: serving model version ${inputs.modelVersion} again, nothing created`,
    );
    return;
  }
  log(
    `${existing ? "re-creating" : "creating"} deployment ${name} for model version ${inputs.modelVersion}`,
  );
  try {
    await client.putAndWait(path, deploymentBody(inputs), {
      onProgress: (status, ms) =>
        log(`deployment ${name}: ${status} after ${(ms / 1000).toFixed(1)} s`),
    });
  } catch (e) {
    let tail = "";
    try {
      tail = (
        await client.post<{ content: string }>(`${path}/getLogs`, {
          containerType: "InferenceServer",
          tail: 10,
        })
      ).content.trimEnd();
    } catch {
      // no logs to add
    }
    throw new Error(
      `deployment ${name} failed: ${(e as Error).message}${tail ? `; its log ends:\n${tail}` : ""}. Traffic is unchanged`,
      { cause: e },
    );
  }
}

/** Scores the check rows through the deployment; throws when it does not answer one per row. */
async function checkDeployment(
  client: MlClient,
  inputs: ServedModelInputs,
  endpoint: Endpoint,
  name: string,
  log: (l: string) => void,
): Promise<void> {
  const { header, rows } = await sampleCsv(resolveDataPath(inputs.check.path), inputs.check.rows);
  const columns = inputs.check.inputColumns.map((c) => [c, header.indexOf(c)] as const);
  const missing = columns.filter(([, i]) => i < 0).map(([c]) => c);
  if (missing.length)
    throw new Error(`the check file ${inputs.check.path} lacks columns ${missing.join(", ")}`);
  const keys = await client.post<EndpointKeys>(`/onlineEndpoints/${inputs.endpointName}/listKeys`);
  const scoring = new ScoringClient(endpoint.properties.scoringUri ?? "", keys.primaryKey);
  const body = {
    data: rows.map((r) =>
      Object.fromEntries(columns.map(([c, i]) => [c, r[i] === "" ? null : r[i]])),
    ),
  };
  let answer;
  try {
    answer = await scoring.score<{ predictions?: unknown[] }>(body, name);
  } catch (e) {
    throw new Error(
      `deployment ${name} failed its check (${rows.length} rows of ${inputs.check.path}): ${(e as Error).message}. Traffic is unchanged`,
      { cause: e },
    );
  }
  const predictions = answer.body?.predictions;
  if (!Array.isArray(predictions) || predictions.length !== rows.length)
    throw new Error(
      `deployment ${name} answered its check without one prediction per row (${JSON.stringify(answer.body).slice(0, 200)}). Traffic is unchanged`,
    );
  log(`deployment ${name} checked: scored ${rows.length} rows`);
}

async function converge(
  inputs: ServedModelInputs,
  history: readonly string[],
): Promise<ServedModelOutputs> {
  const log = logger(inputs.endpointName);
  const client = mlClient(inputs.target);
  const name = deploymentName(inputs.modelVersion);
  let endpoint = await requireEndpoint(client, inputs.endpointName);
  await ensureDeployment(client, inputs, name, log);
  await checkDeployment(client, inputs, endpoint, name, log);
  for (const state of trafficPlan(endpoint.properties, name, inputs.rollout)) {
    endpoint = await applyTraffic(client, endpoint, state);
    log(`traffic: ${describeTraffic(state)}`);
  }
  const { kept, removed } = keptDeployments(history, name, inputs.keep);
  for (const old of removed) {
    await client.actAndWait("DELETE", `/onlineEndpoints/${inputs.endpointName}/deployments/${old}`);
    log(
      `deleted deployment ${old} (keeping ${inputs.keep} earlier one${inputs.keep === 1 ? "" : "s"})`,
    );
  }
  if (kept.length > 1) log(`kept for rollbacks: ${kept.slice(1).join(", ")}`);
  return {
    ...inputs,
    liveDeployment: name,
    deployments: kept,
    traffic: { ...(endpoint.properties.traffic ?? {}) },
    mirrorTraffic: { ...(endpoint.properties.mirrorTraffic ?? {}) },
  };
}

const methods: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    const { failures, normalized } = checkServedModel(news);
    return { inputs: { ...news, ...normalized }, failures };
  },

  async diff(_id: string, olds: ServedModelOutputs, news: ServedModelInputs) {
    const { changes, replaces, deleteBeforeReplace } = diffServedModel(olds, news);
    return { changes, replaces, deleteBeforeReplace };
  },

  async create(inputs: ServedModelInputs) {
    const outs = await converge(inputs, []);
    return { id: `${inputs.endpointName}/${outs.liveDeployment}`, outs };
  },

  async update(_id: string, olds: ServedModelOutputs, news: ServedModelInputs) {
    return { outs: await converge(news, olds.deployments ?? []) };
  },

  async read(id: string, props: ServedModelOutputs) {
    const client = mlClient(props.target);
    const endpoint = await client.get<Endpoint>(`/onlineEndpoints/${props.endpointName}`);
    if (!endpoint) return { id: "", props: {} };
    const present = new Set(
      (await client.list<Deployment>(`/onlineEndpoints/${props.endpointName}/deployments`)).map(
        (d) => d.name,
      ),
    );
    const traffic = { ...(endpoint.properties.traffic ?? {}) };
    const mirrorTraffic = { ...(endpoint.properties.mirrorTraffic ?? {}) };
    const drifted =
      diffServedModel({ ...props, traffic, mirrorTraffic }, props).drift ||
      !present.has(props.liveDeployment);
    if (drifted)
      logger(props.endpointName)(
        `traffic is ${describeTraffic({ traffic, mirrorTraffic })}, not all on ${props.liveDeployment} (drift): up restores it`,
      );
    return {
      id,
      props: {
        ...props,
        deployments: (props.deployments ?? []).filter((d) => present.has(d)),
        traffic,
        mirrorTraffic,
      },
    };
  },

  async delete(_id: string, props: ServedModelOutputs) {
    const client = mlClient(props.target);
    const endpoint = await client.get<Endpoint>(`/onlineEndpoints/${props.endpointName}`);
    if (!endpoint) return;
    await applyTraffic(client, endpoint, { traffic: {}, mirrorTraffic: {} });
    for (const name of props.deployments ?? [])
      await client.actAndWait(
        "DELETE",
        `/onlineEndpoints/${props.endpointName}/deployments/${name}`,
      );
    logger(props.endpointName)(
      `traffic off; deleted ${(props.deployments ?? []).join(", ") || "no deployment"}`,
    );
  },
};

/** Provider of `ServedModel`. */
export const servedModelProvider: pulumi.dynamic.ResourceProvider = compactResults(
  redactingProvider(methods, (p) => [(p.target as { token?: string } | undefined)?.token]),
);
