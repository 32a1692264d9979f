/**
 * The `ClassicEndpoint` provider: creates a non-default endpoint (PUT), sets its trained model
 * by PATCHing `Resources` with a freshly minted SAS, and reads until the endpoint reports it.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  ClassicManagementClient,
  endpointModelUri,
  type ClassicServiceRef,
} from "../../clients/classic";
import { sleep } from "../../clients/sleep";
import type { ClassicEndpoint as WireEndpoint } from "../../contract";
import { throughSlots, withSlot } from "../shared/concurrency";
import { progress } from "../shared/progress";
import { redactingProvider } from "../shared/redaction";
import { compactResults } from "../shared/results";
import { locationWithFreshSas, modelUri, type ModelRef } from "../shared/sas";
import {
  checkClassicEndpoint,
  classicEndpointDiffAnswer,
  definitionRepublished,
  settingsChanged,
} from "./logic";
import { nextRollbackTarget, rollbackTarget, type RollbackTarget } from "../shared/rollbackTarget";
import { transformUris } from "../shared/transforms";
import type { ClassicEndpointInputs, ClassicEndpointOutputs } from "./types";

/** Endpoint operations (create, update, read, delete) one provider process runs at once. */
export const CLASSIC_ENDPOINT_CONCURRENCY = 8;

/** The slot queue of endpoint operations (see `shared/concurrency.ts`). */
const SLOTS = "classicEndpoint";

/**
 * Runs `work` once fewer than {@link CLASSIC_ENDPOINT_CONCURRENCY} endpoint operations run in
 * this process, first come first served.
 */
export function withEndpointSlot<T>(work: () => Promise<T>): Promise<T> {
  return withSlot(SLOTS, CLASSIC_ENDPOINT_CONCURRENCY, work);
}

function serviceRef(i: ClassicEndpointInputs): ClassicServiceRef {
  return { endpoint: i.endpoint, workspaceId: i.workspaceId, webServiceId: i.webServiceId };
}

const log = (inputs: ClassicEndpointInputs, line: string): void =>
  progress("ClassicEndpoint", inputs.name, line);

/**
 * Brings the endpoint onto the web service's latest published graph, keeping its own models
 * (`OverwriteResources: False`): a non-default endpoint keeps serving the graph it was created
 * or last refreshed with until then. Runs before the models are set, so resources the new graph
 * adds exist to be set. Says so when the endpoint was behind; `quiet` leaves out the line when
 * it was not (a create, where it almost never is).
 */
async function refreshOntoDefinition(
  inputs: ClassicEndpointInputs,
  client: ClassicManagementClient,
  quiet: boolean,
): Promise<void> {
  const changed = await client.refreshEndpoint(serviceRef(inputs), inputs.name, false);
  if (changed) log(inputs, "refreshed onto the web service's published graph");
  else if (!quiet) log(inputs, "already serves the web service's published graph");
}

async function patchModel(
  inputs: ClassicEndpointInputs,
  client: ClassicManagementClient,
): Promise<WireEndpoint> {
  const ref = serviceRef(inputs);
  const current = await client.getEndpoint(ref, inputs.name);
  if (!current) throw new Error(`endpoint "${inputs.name}" does not exist`);
  if (!current.Resources.some((r) => r.Name === inputs.resourceName)) {
    const names = current.Resources.map((r) => `"${r.Name}"`).join(", ") || "none";
    throw new Error(
      `endpoint "${inputs.name}" has no updatable resource named "${inputs.resourceName}" (it has: ${names}); the name must match the predictive experiment's "[trained model]" asset`,
    );
  }
  // The model and the transformations trained with it are set in one PATCH, as a pair.
  const wanted: Record<string, string | undefined> = {
    [inputs.resourceName]: modelUri(inputs.trainedModel),
    ...transformUris(inputs.trainedTransforms),
  };
  const refs: Record<string, ModelRef> = {
    [inputs.resourceName]: inputs.trainedModel,
    ...inputs.trainedTransforms,
  };
  const missing = Object.keys(wanted).filter((n) => !current.Resources.some((r) => r.Name === n));
  if (missing.length > 0) {
    const names = current.Resources.map((r) => `"${r.Name}"`).join(", ") || "none";
    throw new Error(
      `endpoint "${inputs.name}" has no updatable resource named ${missing.map((n) => `"${n}"`).join(", ")} (it has: ${names}); each name must match an asset of the predictive experiment`,
    );
  }
  const stale = (endpoint: WireEndpoint): string[] =>
    Object.keys(wanted).filter((n) => endpointModelUri(endpoint, n) !== wanted[n]);
  const toSet = stale(current);
  if (toSet.length > 0) {
    for (const n of toSet) log(inputs, `setting "${n}" to ${wanted[n]}`);
    await client.patchEndpoint(ref, inputs.name, {
      Resources: toSet.map((n) => ({
        Name: n,
        Location: locationWithFreshSas(refs[n], inputs.storageConnectionString),
      })),
    });
  }
  // The swap takes effect asynchronously: read until the endpoint reports it.
  const deadline = Date.now() + 120_000;
  for (let wait = 100; ; wait = Math.min(wait * 2, 5_000)) {
    const after = await client.getEndpoint(ref, inputs.name);
    if (!after) throw new Error(`endpoint "${inputs.name}" disappeared during the update`);
    const left = stale(after);
    if (left.length === 0) return after;
    if (Date.now() > deadline) {
      throw new Error(
        `endpoint "${inputs.name}" still reports ${left.map((n) => `"${n}" at ${endpointModelUri(after, n) ?? "(none)"}`).join(", ")} two minutes after the PATCH, not ${left.map((n) => wanted[n]).join(", ")}`,
      );
    }
    await sleep(wait);
  }
}

function endpointOutputs(
  inputs: ClassicEndpointInputs,
  endpoint: WireEndpoint,
): ClassicEndpointOutputs {
  return {
    ...inputs,
    apiLocation: endpoint.ApiLocation,
    helpLocation: endpoint.HelpLocation,
    primaryKey: endpoint.PrimaryKey,
    secondaryKey: endpoint.SecondaryKey,
    servedModelUri: endpointModelUri(endpoint, inputs.resourceName),
    ...(inputs.trainedTransforms && Object.keys(inputs.trainedTransforms).length > 0
      ? {
          servedTransformUris: Object.fromEntries(
            Object.keys(inputs.trainedTransforms).flatMap((n) => {
              const uri = endpointModelUri(endpoint, n);
              return uri ? [[n, uri]] : [];
            }),
          ),
        }
      : {}),
  };
}

/**
 * In a rollout stage, the model and transformations served before this update: the stage rolls
 * back to that pair when its check fails.
 */
function previousModel(olds: ClassicEndpointOutputs, news: ClassicEndpointInputs): RollbackTarget {
  const declared = transformUris(olds.trainedTransforms);
  return nextRollbackTarget({
    staged: news.rolloutStage !== undefined,
    served: {
      model: olds.servedModelUri ?? modelUri(olds.trainedModel),
      transformOf: (n) => olds.servedTransformUris?.[n] ?? declared[n],
    },
    now: { model: modelUri(news.trainedModel), transforms: transformUris(news.trainedTransforms) },
    recorded: olds,
  });
}

const methods: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { inputs: news, failures: checkClassicEndpoint(news) };
  },

  async diff(_id: string, olds: ClassicEndpointOutputs, news: ClassicEndpointInputs) {
    return classicEndpointDiffAnswer(olds, news);
  },

  async create(inputs: ClassicEndpointInputs) {
    const client = new ClassicManagementClient(inputs.token);
    log(inputs, "creating");
    // PUT creates or updates: a retried create after a partial failure converges.
    await client.createEndpoint(serviceRef(inputs), inputs.name, {
      ...(inputs.description !== undefined ? { Description: inputs.description } : {}),
      ThrottleLevel: inputs.throttleLevel ?? "Low",
      ...(inputs.maxConcurrentCalls !== undefined
        ? { MaxConcurrentCalls: inputs.maxConcurrentCalls }
        : {}),
    });
    // A retried create may find the endpoint from a partial earlier attempt, on an older graph.
    if (inputs.serviceDefinitionSha256 !== undefined) {
      await refreshOntoDefinition(inputs, client, true);
    }
    const endpoint = await patchModel(inputs, client);
    return {
      id: `${inputs.workspaceId}/${inputs.webServiceId}/${inputs.name}`,
      outs: {
        ...endpointOutputs(inputs, endpoint),
        ...rollbackTarget(
          inputs.rolloutStage !== undefined,
          Object.keys(inputs.trainedTransforms ?? {}).length > 0,
          undefined,
          {},
        ),
      },
    };
  },

  async update(_id: string, olds: ClassicEndpointOutputs, news: ClassicEndpointInputs) {
    const client = new ClassicManagementClient(news.token);
    if (settingsChanged(olds, news)) {
      await client.patchEndpoint(serviceRef(news), news.name, {
        ...(news.description !== undefined ? { Description: news.description } : {}),
        ...(news.throttleLevel !== undefined ? { ThrottleLevel: news.throttleLevel } : {}),
        ...(news.maxConcurrentCalls !== undefined
          ? { MaxConcurrentCalls: news.maxConcurrentCalls }
          : {}),
      });
    }
    if (definitionRepublished(olds, news)) await refreshOntoDefinition(news, client, false);
    const endpoint = await patchModel(news, client);
    return { outs: { ...endpointOutputs(news, endpoint), ...previousModel(olds, news) } };
  },

  async read(id: string, props: ClassicEndpointOutputs) {
    const endpoint = await new ClassicManagementClient(props.token).getEndpoint(
      serviceRef(props),
      props.name,
    );
    if (!endpoint) return { id: "", props: {} };
    const outs = {
      ...endpointOutputs(props, endpoint),
      ...(props.previousModelUri !== undefined ? { previousModelUri: props.previousModelUri } : {}),
      ...(props.previousTransformUris !== undefined
        ? { previousTransformUris: props.previousTransformUris }
        : {}),
    };
    if (outs.servedModelUri !== modelUri(props.trainedModel)) {
      log(
        props,
        `serves ${outs.servedModelUri ?? "(none)"}, not the declared ${modelUri(props.trainedModel)} (drift): up restores it`,
      );
    }
    return { id, props: outs };
  },

  async delete(_id: string, props: ClassicEndpointOutputs) {
    await new ClassicManagementClient(props.token).deleteEndpoint(serviceRef(props), props.name);
    log(props, "deleted");
  },
};

/** Provider of `ClassicEndpoint`. */
export const classicEndpointProvider: pulumi.dynamic.ResourceProvider = compactResults(
  redactingProvider(throughSlots(methods, SLOTS, CLASSIC_ENDPOINT_CONCURRENCY), (p) => [
    p.token as string | undefined,
    p.storageConnectionString as string | undefined,
  ]),
);
