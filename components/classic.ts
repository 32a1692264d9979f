/**
 * Classic web services and their endpoints (`azureml-classic-api.md` §3) as dynamic resources.
 *
 * `ClassicWebService` either references an existing classic predictive service (Azure: they can no
 * longer be created) or, on the local stack, publishes one through the emulator's admin route.
 * `ClassicEndpoint` is a non-default endpoint (one per consumer); its trained model is set by
 * PATCHing `Resources`, then verified by GET.
 *
 * SAS tokens for the PATCH are minted at PATCH time from the storage key, valid for an hour: the
 * service copies the model when patched, and a SAS copied from a BES result would expire after
 * ~24 h, the "expired SAS" pitfall of the docs (§6) for any later rollback.
 */
import * as pulumi from "@pulumi/pulumi";
import { sleep } from "../clients/sleep";
import {
  blobUri,
  ClassicManagementClient,
  endpointModelUri,
  ENDPOINT_NAME_PATTERN,
  type ClassicServiceRef,
} from "../clients/classic";
import { redactingErrors } from "../clients/redact";
import { mintReadSas, parseConnectionString, splitRelativeLocation } from "../clients/storage";
import type {
  AzureBlobDetails,
  ClassicEndpoint as WireEndpoint,
  WebServiceProperties,
} from "../contract";
import { canonicalJson, compactResults, containsUnknown, differs, progress } from "./util";

/** A model location without SAS (from a TrainedModel's `model`). */
export interface ModelRef {
  readonly baseLocation: string;
  readonly relativeLocation: string;
}

const log = progress;

/** A full Azure blob location with a fresh read SAS for a model in the given storage account. */
export function locationWithFreshSas(
  model: ModelRef,
  storageConnectionString: string,
): AzureBlobDetails {
  const connection = parseConnectionString(storageConnectionString);
  const base = model.baseLocation.replace(/\/+$/, "");
  if (base !== connection.blobEndpoint) {
    throw new Error(
      `model ${model.baseLocation}${model.relativeLocation} is not in the storage account ${connection.accountName}: cannot mint a SAS for it`,
    );
  }
  const { container, blobName } = splitRelativeLocation(model.relativeLocation);
  return {
    BaseLocation: `${base}/`,
    RelativeLocation: `${container}/${blobName}`,
    SasBlobToken: mintReadSas(connection, container, blobName, 60),
  };
}

const uriOf = (m: ModelRef | undefined): string | undefined =>
  m ? blobUri(m.baseLocation, m.relativeLocation) : undefined;

// ---------------------------------------------------------------------------------------------
// ClassicWebService
// ---------------------------------------------------------------------------------------------

/** Inputs of a classic web service. */
export interface ClassicWebServiceInputs {
  /** `reference` an existing service (Azure), or `publish` one through the emulator's admin route. */
  readonly mode: "reference" | "publish";
  /** Management endpoint (`https://management.azureml.net` or regional; the emulator's URL). */
  readonly endpoint: string;
  readonly workspaceId: string;
  readonly webServiceId: string;
  /** Workspace authorization token (secret). */
  readonly token: string;
  /** Publish mode: display name, definition and the model its default endpoint serves. */
  readonly name?: string;
  readonly description?: string;
  readonly definition?: WebServiceProperties;
  readonly trainedModel?: ModelRef;
  /** Trained-model resource name (default: the definition's asset ending in "[trained model]"). */
  readonly resourceName?: string;
  /** Storage connection string to mint the model SAS (secret). */
  readonly storageConnectionString?: string;
}

/** Outputs of a classic web service. */
export interface ClassicWebServiceOutputs extends ClassicWebServiceInputs {
  readonly defaultEndpointName: string;
  readonly defaultApiLocation: string;
  readonly defaultPrimaryKey: string;
  /** Trained-model resource names of the default endpoint (what endpoints can PATCH). */
  readonly resourceNames: string[];
}

function serviceRef(i: {
  endpoint: string;
  workspaceId: string;
  webServiceId: string;
}): ClassicServiceRef {
  return { endpoint: i.endpoint, workspaceId: i.workspaceId, webServiceId: i.webServiceId };
}

async function publish(
  inputs: ClassicWebServiceInputs,
  client: ClassicManagementClient,
): Promise<void> {
  if (!inputs.definition) throw new Error("publish mode needs a definition");
  const resources =
    inputs.trainedModel && inputs.storageConnectionString
      ? [
          {
            Name: inputs.resourceName ?? trainedModelResourceName(inputs.definition),
            Location: locationWithFreshSas(inputs.trainedModel, inputs.storageConnectionString),
          },
        ]
      : undefined;
  const connection = inputs.storageConnectionString
    ? parseConnectionString(inputs.storageConnectionString)
    : undefined;
  await client.publishWebService(serviceRef(inputs), {
    Name: inputs.name ?? inputs.webServiceId,
    ...(inputs.description ? { Description: inputs.description } : {}),
    Properties: inputs.definition,
    ...(connection
      ? { StorageAccount: { name: connection.accountName, key: connection.accountKey } }
      : {}),
    ...(resources ? { Resources: resources } : {}),
  });
}

function trainedModelResourceName(definition: WebServiceProperties): string {
  const asset = Object.values(definition.assets ?? {}).find(
    (a) => a.type === "Resource" && /\[trained model\]\s*$/i.test(a.name),
  );
  if (!asset) throw new Error('the definition has no asset whose name ends in "[trained model]"');
  return asset.name;
}

async function describeClassicService(
  inputs: ClassicWebServiceInputs,
  client: ClassicManagementClient,
): Promise<ClassicWebServiceOutputs> {
  const ref = serviceRef(inputs);
  const service = await client.getWebService(ref);
  if (!service) {
    throw new Error(
      `classic web service ${inputs.webServiceId} is not in workspace ${inputs.workspaceId}` +
        (inputs.mode === "reference"
          ? ": classic services cannot be created any more; reference an existing one"
          : ""),
    );
  }
  const defaultEndpoint = await client.getEndpoint(ref, service.DefaultEndpointName);
  if (!defaultEndpoint)
    throw new Error(
      `the default endpoint "${service.DefaultEndpointName}" of ${inputs.webServiceId} is missing`,
    );
  return {
    ...inputs,
    defaultEndpointName: service.DefaultEndpointName,
    defaultApiLocation: defaultEndpoint.ApiLocation,
    defaultPrimaryKey: defaultEndpoint.PrimaryKey,
    resourceNames: defaultEndpoint.Resources.map((r) => r.Name),
  };
}

/** Provider of {@link ClassicWebService}. */
export const classicWebServiceProvider: pulumi.dynamic.ResourceProvider = compactResults({
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    const failures: { property: string; reason: string }[] = [];
    if (news.mode !== "reference" && news.mode !== "publish") {
      failures.push({
        property: "mode",
        reason: 'must be "reference" (Azure) or "publish" (emulator)',
      });
    }
    for (const key of ["endpoint", "workspaceId", "webServiceId", "token"]) {
      if (
        !containsUnknown(news[key]) &&
        (typeof news[key] !== "string" || !(news[key] as string))
      ) {
        failures.push({ property: key, reason: "is required" });
      }
    }
    if (
      news.mode === "publish" &&
      (typeof news.definition !== "object" || news.definition === null)
    ) {
      failures.push({
        property: "definition",
        reason: "publish mode needs the predictive definition's properties",
      });
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: ClassicWebServiceOutputs, news: ClassicWebServiceInputs) {
    const replaces = (["mode", "endpoint", "workspaceId", "webServiceId"] as const).filter((f) =>
      differs(olds[f], news[f]),
    );
    const updates = (
      [
        "name",
        "description",
        "definition",
        "trainedModel",
        "resourceName",
        "token",
        "storageConnectionString",
      ] as const
    ).filter((f) => differs(olds[f], news[f]));
    return {
      changes: replaces.length + updates.length > 0,
      replaces,
      deleteBeforeReplace: replaces.length > 0,
    };
  },

  async create(inputs: ClassicWebServiceInputs) {
    return redactingErrors([inputs.token, inputs.storageConnectionString], async () => {
      const client = new ClassicManagementClient(inputs.token);
      if (inputs.mode === "publish") {
        log(
          "ClassicWebService",
          inputs.webServiceId,
          "publishing through the emulator's admin route",
        );
        await publish(inputs, client);
      }
      const outs = await describeClassicService(inputs, client);
      return { id: `${inputs.workspaceId}/${inputs.webServiceId}`, outs };
    });
  },

  async update(_id: string, _olds: ClassicWebServiceOutputs, news: ClassicWebServiceInputs) {
    return redactingErrors([news.token, news.storageConnectionString], async () => {
      const client = new ClassicManagementClient(news.token);
      if (news.mode === "publish") {
        log("ClassicWebService", news.webServiceId, "republishing");
        await publish(news, client);
      }
      return { outs: await describeClassicService(news, client) };
    });
  },

  async read(id: string, props: ClassicWebServiceOutputs) {
    return redactingErrors([props.token], async () => {
      const client = new ClassicManagementClient(props.token);
      if (!(await client.getWebService(serviceRef(props)))) return { id: "", props: {} };
      return { id, props: await describeClassicService(props, client) };
    });
  },

  async delete(_id: string, props: ClassicWebServiceOutputs) {
    if (props.mode !== "publish") return; // a referenced service is not ours to delete
    await redactingErrors([props.token], async () => {
      await new ClassicManagementClient(props.token).deleteWebService(serviceRef(props));
      log("ClassicWebService", props.webServiceId, "deleted");
    });
  },
});

/** Arguments of {@link ClassicWebService}. */
export interface ClassicWebServiceArgs {
  readonly mode: pulumi.Input<"reference" | "publish">;
  readonly endpoint: pulumi.Input<string>;
  readonly workspaceId: pulumi.Input<string>;
  readonly webServiceId: pulumi.Input<string>;
  readonly token: pulumi.Input<string>;
  readonly name?: pulumi.Input<string>;
  readonly description?: pulumi.Input<string>;
  readonly definition?: pulumi.Input<WebServiceProperties>;
  readonly trainedModel?: pulumi.Input<{
    baseLocation: pulumi.Input<string>;
    relativeLocation: pulumi.Input<string>;
  }>;
  readonly resourceName?: pulumi.Input<string>;
  readonly storageConnectionString?: pulumi.Input<string>;
}

/** A classic predictive web service (referenced on Azure, published on the emulator). */
export class ClassicWebService extends pulumi.dynamic.Resource {
  declare readonly workspaceId: pulumi.Output<string>;
  declare readonly webServiceId: pulumi.Output<string>;
  declare readonly defaultEndpointName: pulumi.Output<string>;
  declare readonly defaultApiLocation: pulumi.Output<string>;
  declare readonly defaultPrimaryKey: pulumi.Output<string>;
  declare readonly resourceNames: pulumi.Output<string[]>;

  constructor(name: string, args: ClassicWebServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      classicWebServiceProvider,
      name,
      {
        ...args,
        defaultEndpointName: undefined,
        defaultApiLocation: undefined,
        defaultPrimaryKey: undefined,
        resourceNames: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["defaultPrimaryKey"] }),
      "azureml",
      "ClassicWebService",
    );
  }
}

// ---------------------------------------------------------------------------------------------
// ClassicEndpoint
// ---------------------------------------------------------------------------------------------

/** Inputs of a classic endpoint. */
export interface ClassicEndpointInputs {
  readonly endpoint: string;
  readonly workspaceId: string;
  readonly webServiceId: string;
  /** Workspace authorization token (secret). */
  readonly token: string;
  /** Endpoint name: ≤ 24 lowercase letters, digits and inner hyphens; not `default`. */
  readonly name: string;
  readonly description?: string;
  readonly throttleLevel?: "Low" | "High";
  readonly maxConcurrentCalls?: number;
  /** Updatable resource to set, e.g. "Census Model [trained model]". */
  readonly resourceName: string;
  /** The model to serve. */
  readonly trainedModel: ModelRef;
  /** Storage connection string to mint the PATCH's SAS (secret). */
  readonly storageConnectionString: string;
}

/** Outputs of a classic endpoint. */
export interface ClassicEndpointOutputs extends ClassicEndpointInputs {
  readonly apiLocation: string;
  readonly helpLocation: string;
  readonly primaryKey: string;
  readonly secondaryKey: string;
  /** What the endpoint reported serving at the last create, update or read. */
  readonly servedModelUri?: string;
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
  const wanted = uriOf(inputs.trainedModel);
  if (endpointModelUri(current, inputs.resourceName) !== wanted) {
    log("ClassicEndpoint", inputs.name, `setting "${inputs.resourceName}" to ${wanted}`);
    await client.patchEndpoint(ref, inputs.name, {
      Resources: [
        {
          Name: inputs.resourceName,
          Location: locationWithFreshSas(inputs.trainedModel, inputs.storageConnectionString),
        },
      ],
    });
  }
  // The docs say the swap takes effect asynchronously; read until the endpoint reports it.
  const deadline = Date.now() + 120_000;
  for (let wait = 100; ; wait = Math.min(wait * 2, 5_000)) {
    const after = await client.getEndpoint(ref, inputs.name);
    if (!after) throw new Error(`endpoint "${inputs.name}" disappeared during the update`);
    const served = endpointModelUri(after, inputs.resourceName);
    if (served === wanted) return after;
    if (Date.now() > deadline) {
      throw new Error(
        `endpoint "${inputs.name}" still reports ${served ?? "(none)"} two minutes after the PATCH, not ${wanted}`,
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
  };
}

/** Diff of a classic endpoint. */
export function diffClassicEndpoint(
  olds: Partial<ClassicEndpointOutputs>,
  news: Partial<ClassicEndpointInputs>,
): { changes: boolean; replaces: string[]; updates: string[] } {
  const replaces = (["endpoint", "workspaceId", "webServiceId", "name"] as const).filter((f) =>
    differs(olds[f], news[f]),
  );
  const updates: string[] = (
    [
      "description",
      "throttleLevel",
      "maxConcurrentCalls",
      "resourceName",
      "token",
      "storageConnectionString",
    ] as const
  ).filter((f) => differs(olds[f], news[f]));
  const wanted = containsUnknown(news.trainedModel) ? news.trainedModel : uriOf(news.trainedModel);
  if (differs(olds.servedModelUri ?? uriOf(olds.trainedModel), wanted))
    updates.push("trainedModel");
  return { changes: replaces.length + updates.length > 0, replaces, updates };
}

/** Endpoint operations (create, update, read, delete) one provider process runs at once. */
export const CLASSIC_ENDPOINT_CONCURRENCY = 8;

/**
 * Runs `work` once fewer than {@link CLASSIC_ENDPOINT_CONCURRENCY} endpoint operations run in this process,
 * first come first served. Why: the engine calls the provider for every endpoint of a run at
 * once (its default parallelism is unbounded), so repointing 100 endpoints opened 100 PATCH-and-
 * read sequences on the management API together, the kind of burst that API answers with 429s.
 * The queue lives on `globalThis`: module-scope state is copied into each deserialized provider
 * (an older state's `__provider` serves its deletes), and one queue must cover all of them.
 */
export async function withEndpointSlot<T>(work: () => Promise<T>): Promise<T> {
  // Under a symbol: the closure serializer turns values it can reach from string keys of the
  // global object into references to them (see hashCache in retrain/provider.ts).
  const registry = globalThis as unknown as Record<
    symbol,
    { running: number; waiting: (() => void)[] } | undefined
  >;
  const slots = (registry[Symbol.for("azureml-retrain.endpointSlots")] ??= {
    running: 0,
    waiting: [],
  });
  if (slots.running < CLASSIC_ENDPOINT_CONCURRENCY) slots.running++;
  else await new Promise<void>((resolve) => slots.waiting.push(resolve));
  try {
    return await work();
  } finally {
    // Hand the slot to the next waiter, or give it back.
    const next = slots.waiting.shift();
    if (next) next();
    else slots.running--;
  }
}

/** The provider with its operations that call the management API taken through the slots. */
function throughEndpointSlots(
  provider: pulumi.dynamic.ResourceProvider,
): pulumi.dynamic.ResourceProvider {
  const wrapped: Record<string, unknown> = { ...provider };
  for (const name of ["create", "update", "read", "delete"] as const) {
    const method = provider[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (method) wrapped[name] = (...args: unknown[]) => withEndpointSlot(() => method(...args));
  }
  return wrapped as unknown as pulumi.dynamic.ResourceProvider;
}

/** The methods of {@link classicEndpointProvider}, before slots and result compaction. */
const classicEndpointMethods: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    const failures: { property: string; reason: string }[] = [];
    const name = news.name;
    if (
      !containsUnknown(name) &&
      (typeof name !== "string" || !ENDPOINT_NAME_PATTERN.test(name) || name === "default")
    ) {
      failures.push({
        property: "name",
        reason: `${JSON.stringify(name)} is not a valid endpoint name: 1-24 lowercase letters, digits and inner hyphens, not "default" (the default endpoint cannot take a retrained model)`,
      });
    }
    if (
      news.throttleLevel !== undefined &&
      news.throttleLevel !== "Low" &&
      news.throttleLevel !== "High"
    ) {
      failures.push({ property: "throttleLevel", reason: 'must be "Low" or "High"' });
    }
    const calls = news.maxConcurrentCalls;
    if (
      calls !== undefined &&
      !containsUnknown(calls) &&
      (typeof calls !== "number" || !Number.isInteger(calls) || calls < 1 || calls > 200)
    ) {
      failures.push({
        property: "maxConcurrentCalls",
        reason: `must be an integer in 1..200, got ${JSON.stringify(calls)}`,
      });
    }
    if (typeof news.description === "string" && news.description.length > 2000) {
      failures.push({ property: "description", reason: "must be at most 2000 characters" });
    }
    for (const key of [
      "endpoint",
      "workspaceId",
      "webServiceId",
      "token",
      "resourceName",
      "storageConnectionString",
    ]) {
      if (
        !containsUnknown(news[key]) &&
        (typeof news[key] !== "string" || !(news[key] as string))
      ) {
        failures.push({ property: key, reason: "is required" });
      }
    }
    const model = news.trainedModel as Partial<ModelRef> | undefined;
    if (
      !containsUnknown(model) &&
      (typeof model?.baseLocation !== "string" || typeof model?.relativeLocation !== "string")
    ) {
      failures.push({
        property: "trainedModel",
        reason: "needs { baseLocation, relativeLocation } (a TrainedModel's model output)",
      });
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: ClassicEndpointOutputs, news: ClassicEndpointInputs) {
    const { changes, replaces } = diffClassicEndpoint(olds, news);
    return {
      changes,
      replaces,
      deleteBeforeReplace: replaces.length > 0 && !replaces.includes("name"),
    };
  },

  async create(inputs: ClassicEndpointInputs) {
    return redactingErrors([inputs.token, inputs.storageConnectionString], async () => {
      const client = new ClassicManagementClient(inputs.token);
      log("ClassicEndpoint", inputs.name, "creating");
      // PUT creates or updates: a retried create after a partial failure converges.
      await client.createEndpoint(serviceRef(inputs), inputs.name, {
        ...(inputs.description !== undefined ? { Description: inputs.description } : {}),
        ThrottleLevel: inputs.throttleLevel ?? "Low",
        ...(inputs.maxConcurrentCalls !== undefined
          ? { MaxConcurrentCalls: inputs.maxConcurrentCalls }
          : {}),
      });
      const endpoint = await patchModel(inputs, client);
      return {
        id: `${inputs.workspaceId}/${inputs.webServiceId}/${inputs.name}`,
        outs: endpointOutputs(inputs, endpoint),
      };
    });
  },

  async update(_id: string, olds: ClassicEndpointOutputs, news: ClassicEndpointInputs) {
    return redactingErrors([news.token, news.storageConnectionString], async () => {
      const client = new ClassicManagementClient(news.token);
      const settings = (["description", "throttleLevel", "maxConcurrentCalls"] as const).some(
        (f) => canonicalJson(olds[f]) !== canonicalJson(news[f]),
      );
      if (settings) {
        await client.patchEndpoint(serviceRef(news), news.name, {
          ...(news.description !== undefined ? { Description: news.description } : {}),
          ...(news.throttleLevel !== undefined ? { ThrottleLevel: news.throttleLevel } : {}),
          ...(news.maxConcurrentCalls !== undefined
            ? { MaxConcurrentCalls: news.maxConcurrentCalls }
            : {}),
        });
      }
      const endpoint = await patchModel(news, client);
      return { outs: endpointOutputs(news, endpoint) };
    });
  },

  async read(id: string, props: ClassicEndpointOutputs) {
    return redactingErrors([props.token], async () => {
      const endpoint = await new ClassicManagementClient(props.token).getEndpoint(
        serviceRef(props),
        props.name,
      );
      if (!endpoint) return { id: "", props: {} };
      const outs = endpointOutputs(props, endpoint);
      if (outs.servedModelUri !== uriOf(props.trainedModel)) {
        log(
          "ClassicEndpoint",
          props.name,
          `serves ${outs.servedModelUri ?? "(none)"}, not the declared ${uriOf(props.trainedModel)} (drift): up restores it`,
        );
      }
      return { id, props: outs };
    });
  },

  async delete(_id: string, props: ClassicEndpointOutputs) {
    await redactingErrors([props.token], async () => {
      await new ClassicManagementClient(props.token).deleteEndpoint(serviceRef(props), props.name);
      log("ClassicEndpoint", props.name, "deleted");
    });
  },
};

/** Provider of {@link ClassicEndpoint}. */
export const classicEndpointProvider: pulumi.dynamic.ResourceProvider = compactResults(
  throughEndpointSlots(classicEndpointMethods),
);

/** Arguments of {@link ClassicEndpoint}. */
export interface ClassicEndpointArgs {
  readonly endpoint: pulumi.Input<string>;
  readonly workspaceId: pulumi.Input<string>;
  readonly webServiceId: pulumi.Input<string>;
  readonly token: pulumi.Input<string>;
  readonly name: pulumi.Input<string>;
  readonly description?: pulumi.Input<string>;
  readonly throttleLevel?: pulumi.Input<"Low" | "High">;
  readonly maxConcurrentCalls?: pulumi.Input<number>;
  readonly resourceName: pulumi.Input<string>;
  readonly trainedModel: pulumi.Input<{
    baseLocation: pulumi.Input<string>;
    relativeLocation: pulumi.Input<string>;
  }>;
  readonly storageConnectionString: pulumi.Input<string>;
}

/** A non-default endpoint of a classic predictive web service, serving a declared model. */
export class ClassicEndpoint extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly apiLocation: pulumi.Output<string>;
  declare readonly helpLocation: pulumi.Output<string>;
  declare readonly primaryKey: pulumi.Output<string>;
  declare readonly secondaryKey: pulumi.Output<string>;
  declare readonly servedModelUri: pulumi.Output<string>;

  constructor(name: string, args: ClassicEndpointArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      classicEndpointProvider,
      name,
      {
        ...args,
        apiLocation: undefined,
        helpLocation: undefined,
        primaryKey: undefined,
        secondaryKey: undefined,
        servedModelUri: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["primaryKey", "secondaryKey"] }),
      "azureml",
      "ClassicEndpoint",
    );
  }
}
