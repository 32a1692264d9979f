/**
 * ARM web services (`Microsoft.MachineLearning/webServices`, 2017-01-01) as dynamic resources:
 * `TrainingService` (its BES endpoint produces models) and `PredictiveService` (scores with the
 * model its "[trained model]" asset points at).
 *
 * azure-native 3.x has no resource for these (ML Studio classic is retired), and a generic
 * `resources.Resource` would PUT the whole graph for every model change; a dynamic provider does
 * what the docs prescribe instead (§4.3): GET, replace the asset's `locationInfo.uri`, PATCH, wait
 * for the long-running operation, then GET again and verify the service reports the new model.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  ArmWebServicesClient,
  armResourceId,
  executionBaseFromSwagger,
  findTrainedModelAsset,
  reportedModelUri,
  type ArmServiceRef,
} from "../clients/arm";
import { credentialFor } from "../clients/http";
import { redactingErrors } from "../clients/redact";
import type { ArmWebService, WebServiceProperties } from "../contract";
import { compactResults, containsUnknown, differs, progress } from "./util";

/** Inputs of an ARM web service resource. */
export interface WebServiceInputs {
  readonly role: "training" | "predictive";
  /** ARM endpoint: `https://management.azure.com`, or the emulator's URL. */
  readonly endpoint: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  /** Static ARM bearer token (the emulator's); absent on Azure, where Entra ID is used. Secret. */
  readonly token?: string;
  /** The definition's properties (deployment members are added by the provider). */
  readonly definition: WebServiceProperties;
  readonly title?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** Storage account the service uses; the key is a secret and never returned by ARM. */
  readonly storageAccount: { readonly name: string; readonly key: string };
  /** Studio workspace id. */
  readonly workspaceId: string;
  /** ARM id of a commitment plan (Azure); immutable. */
  readonly commitmentPlanId?: string;
  /** Predictive only: URI of the model to serve (BaseLocation + RelativeLocation, no SAS). */
  readonly trainedModelUri?: string;
  /** Predictive only: the trained-model asset to set (default: the one ending in "[trained model]"). */
  readonly trainedModelAssetName?: string;
}

/** Outputs of an ARM web service resource. */
export interface WebServiceOutputs extends WebServiceInputs {
  readonly resourceId: string;
  readonly swaggerLocation: string;
  /** Execution base URL (BES `/jobs`, RRS `/execute`). */
  readonly executionUrl: string;
  readonly primaryKey: string;
  readonly secondaryKey: string;
  readonly provisioningState: string;
  /** The model the service reported serving at the last create, update or read. */
  readonly servedModelUri?: string;
}

/** Fields whose change needs a new service (ARM names and immutable members). */
const IDENTITY_FIELDS = [
  "role",
  "endpoint",
  "subscriptionId",
  "resourceGroup",
  "name",
  "location",
  "commitmentPlanId",
] as const;

function refOf(inputs: WebServiceInputs): ArmServiceRef {
  return {
    endpoint: inputs.endpoint,
    subscriptionId: inputs.subscriptionId,
    resourceGroup: inputs.resourceGroup,
    name: inputs.name,
  };
}

function log(inputs: Pick<WebServiceInputs, "role" | "name">, line: string): void {
  progress(inputs.role === "training" ? "TrainingService" : "PredictiveService", inputs.name, line);
}

/** The full PUT body for the declared service. */
export function serviceBody(inputs: WebServiceInputs): ArmWebService {
  const properties: WebServiceProperties = {
    ...inputs.definition,
    ...(inputs.title ? { title: inputs.title } : {}),
    packageType: "Graph",
    storageAccount: { name: inputs.storageAccount.name, key: inputs.storageAccount.key },
    machineLearningWorkspace: { id: inputs.workspaceId },
    ...(inputs.commitmentPlanId ? { commitmentPlan: { id: inputs.commitmentPlanId } } : {}),
  };
  if (inputs.role === "predictive" && inputs.trainedModelUri !== undefined) {
    const { assetId, asset } = findTrainedModelAsset(properties, inputs.trainedModelAssetName);
    properties.assets = {
      ...properties.assets,
      [assetId]: { ...asset, locationInfo: { ...asset.locationInfo, uri: inputs.trainedModelUri } },
    };
  }
  return {
    location: inputs.location,
    ...(inputs.tags ? { tags: { ...inputs.tags } } : {}),
    properties,
  };
}

/** Diff of an ARM web service: which fields replace, which update. */
export function diffWebService(
  olds: Partial<WebServiceOutputs>,
  news: Partial<WebServiceInputs>,
): { changes: boolean; replaces: string[]; updates: string[] } {
  const replaces: string[] = IDENTITY_FIELDS.filter((f) => differs(olds[f], news[f]));
  // ARM refuses another storage account (CannotChangeStorageAccount): a new service is needed.
  if (differs(olds.storageAccount?.name, news.storageAccount?.name))
    replaces.push("storageAccount.name");
  const updates: string[] = [];
  if (differs(olds.definition, news.definition)) updates.push("definition");
  for (const f of ["title", "tags", "workspaceId", "token", "trainedModelAssetName"] as const) {
    if (differs(olds[f], news[f])) updates.push(f);
  }
  if (
    !replaces.includes("storageAccount.name") &&
    differs(olds.storageAccount?.key, news.storageAccount?.key)
  ) {
    updates.push("storageAccount.key");
  }
  if (news.role === "predictive") {
    // Compare with what the service *serves* (refreshed by read), so hand-made drift is repaired.
    const served = olds.servedModelUri ?? olds.trainedModelUri;
    if (differs(served, news.trainedModelUri)) updates.push("trainedModelUri");
  }
  return { changes: replaces.length + updates.length > 0, replaces, updates };
}

async function finish(
  inputs: WebServiceInputs,
  client: ArmWebServicesClient,
  service: ArmWebService,
): Promise<WebServiceOutputs> {
  const ref = refOf(inputs);
  const swaggerLocation = service.properties.swaggerLocation;
  if (!swaggerLocation)
    throw new Error(
      `${armResourceId(ref)} reports no swaggerLocation: cannot derive its execution URL`,
    );
  let servedModelUri: string | undefined;
  if (inputs.role === "predictive") {
    servedModelUri = reportedModelUri(service, inputs.trainedModelAssetName);
    if (inputs.trainedModelUri !== undefined && servedModelUri !== inputs.trainedModelUri) {
      // azure-docs#41739: an update can succeed while the service keeps reporting the old model.
      throw new Error(
        `${inputs.name} reports model ${servedModelUri ?? "(none)"} after its update succeeded, not ${inputs.trainedModelUri}: ` +
          "it still serves the previous model; run up again, and if it persists check the asset name and the storage account",
      );
    }
  }
  const keys = await client.listKeys(ref);
  return {
    ...inputs,
    resourceId: armResourceId(ref),
    swaggerLocation,
    executionUrl: executionBaseFromSwagger(swaggerLocation),
    primaryKey: keys.primary,
    secondaryKey: keys.secondary,
    provisioningState: service.properties.provisioningState ?? "Succeeded",
    ...(servedModelUri !== undefined ? { servedModelUri } : {}),
  };
}

/** The provider of TrainingService and PredictiveService. */
export const webServiceProvider: pulumi.dynamic.ResourceProvider = compactResults({
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    const failures: { property: string; reason: string }[] = [];
    const name = news.name;
    if (
      !containsUnknown(name) &&
      (typeof name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(name))
    ) {
      failures.push({
        property: "name",
        reason: `${JSON.stringify(name)} is not a valid web service name: 1-100 letters, digits, "_", "." or "-"`,
      });
    }
    for (const key of ["endpoint", "subscriptionId", "resourceGroup", "location", "workspaceId"]) {
      if (
        !containsUnknown(news[key]) &&
        (typeof news[key] !== "string" || !(news[key] as string))
      ) {
        failures.push({ property: key, reason: "is required" });
      }
    }
    const storage = news.storageAccount as { name?: unknown; key?: unknown } | undefined;
    if (
      !containsUnknown(storage) &&
      (typeof storage?.name !== "string" || typeof storage?.key !== "string")
    ) {
      failures.push({
        property: "storageAccount",
        reason: "needs { name, key } of the service's storage account",
      });
    }
    const definition = news.definition as WebServiceProperties | undefined;
    if (!definition || typeof definition !== "object" || definition.packageType !== "Graph") {
      failures.push({
        property: "definition",
        reason: 'must be the "properties" of an exported Graph web service definition',
      });
    } else if (news.role === "predictive") {
      try {
        findTrainedModelAsset(
          definition,
          typeof news.trainedModelAssetName === "string" ? news.trainedModelAssetName : undefined,
        );
      } catch (e) {
        failures.push({ property: "definition", reason: (e as Error).message });
      }
      const uri = news.trainedModelUri;
      if (
        uri !== undefined &&
        !containsUnknown(uri) &&
        (typeof uri !== "string" || !/^https?:\/\/[^?]+$/.test(uri))
      ) {
        failures.push({
          property: "trainedModelUri",
          reason: `must be the model blob's http(s) URI without a SAS query, got ${JSON.stringify(uri)}`,
        });
      }
    }
    if (news.role !== "training" && news.role !== "predictive") {
      failures.push({ property: "role", reason: 'must be "training" or "predictive"' });
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: WebServiceOutputs, news: WebServiceInputs) {
    const { changes, replaces } = diffWebService(olds, news);
    // Same ARM id (only location, role, plan or storage account changed): the old service must
    // go first, or the create would find the name taken.
    const sameId = !["endpoint", "subscriptionId", "resourceGroup", "name"].some((f) =>
      replaces.includes(f),
    );
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && sameId };
  },

  async create(inputs: WebServiceInputs) {
    return redactingErrors([inputs.token, inputs.storageAccount?.key], async () => {
      const client = new ArmWebServicesClient(credentialFor(inputs.token));
      const ref = refOf(inputs);
      if (await client.get(ref)) {
        throw new Error(
          `web service ${armResourceId(ref)} already exists: import it into the stack or choose another name; it was not changed`,
        );
      }
      log(inputs, "creating");
      try {
        const service = await client.createOrUpdate(ref, serviceBody(inputs), {
          onProgress: (state, ms) => log(inputs, `${state} after ${(ms / 1000).toFixed(1)} s`),
        });
        const outs = await finish(inputs, client, service);
        if (outs.servedModelUri) log(inputs, `serving ${outs.servedModelUri}`);
        return { id: outs.resourceId, outs };
      } catch (e) {
        // The PUT may have created the service even though provisioning or the verification
        // failed: record it as partially created (the engine's init-error state), so the next up
        // updates it instead of tripping over "already exists".
        if (e instanceof Error && (await client.get(ref).catch(() => undefined))) {
          throw Object.assign(e, {
            id: armResourceId(ref),
            properties: { ...inputs },
            reasons: [e.message],
          });
        }
        throw e;
      }
    });
  },

  async update(_id: string, olds: WebServiceOutputs, news: WebServiceInputs) {
    return redactingErrors([news.token, news.storageAccount?.key], async () => {
      const client = new ArmWebServicesClient(credentialFor(news.token));
      const ref = refOf(news);
      const { updates } = diffWebService(olds, news);
      // A partially created service (no outputs yet) gets the full definition again.
      const partial = olds.swaggerLocation === undefined;
      const graphChanged = partial || updates.some((u) => u !== "trainedModelUri" && u !== "token");
      let service: ArmWebService;
      if (graphChanged) {
        log(
          news,
          partial
            ? "completing an earlier create"
            : `replacing the definition (${updates.join(", ")} changed)`,
        );
        service = await client.createOrUpdate(ref, serviceBody(news));
      } else if (updates.includes("trainedModelUri") && news.trainedModelUri !== undefined) {
        // §4.3: GET, replace the trained-model asset's uri, PATCH, wait, verify (in finish).
        const current = await client.get(ref);
        if (!current)
          throw new Error(`${armResourceId(ref)} does not exist any more: refresh the stack`);
        const { assetId, asset } = findTrainedModelAsset(
          current.properties,
          news.trainedModelAssetName,
        );
        log(
          news,
          `repointing "${asset.name}" from ${asset.locationInfo.uri || "(none)"} to ${news.trainedModelUri}`,
        );
        service = await client.patch(ref, {
          properties: {
            packageType: "Graph",
            assets: {
              ...current.properties.assets,
              [assetId]: {
                ...asset,
                locationInfo: { ...asset.locationInfo, uri: news.trainedModelUri },
              },
            },
          },
        });
      } else {
        const current = await client.get(ref);
        if (!current)
          throw new Error(`${armResourceId(ref)} does not exist any more: refresh the stack`);
        service = current;
      }
      const outs = await finish(news, client, service);
      if (outs.servedModelUri) log(news, `serving ${outs.servedModelUri}`);
      return { outs };
    });
  },

  async read(id: string, props: WebServiceOutputs) {
    return redactingErrors([props.token, props.storageAccount?.key], async () => {
      const client = new ArmWebServicesClient(credentialFor(props.token));
      const service = await client.get(refOf(props));
      if (!service) return { id: "", props: {} };
      const keys = await client.listKeys(refOf(props));
      const servedModelUri =
        props.role === "predictive"
          ? reportedModelUri(service, props.trainedModelAssetName)
          : undefined;
      if (props.role === "predictive" && servedModelUri !== props.trainedModelUri) {
        log(
          props,
          `serves ${servedModelUri ?? "(none)"} but ${props.trainedModelUri} is declared (drift): up restores it`,
        );
      }
      return {
        id,
        props: {
          ...props,
          primaryKey: keys.primary,
          secondaryKey: keys.secondary,
          provisioningState: service.properties.provisioningState ?? "Succeeded",
          ...(props.role === "predictive" ? { servedModelUri } : {}),
        },
      };
    });
  },

  async delete(_id: string, props: WebServiceOutputs) {
    await redactingErrors([props.token, props.storageAccount?.key], async () => {
      await new ArmWebServicesClient(credentialFor(props.token)).delete(refOf(props));
      log(props, "deleted");
    });
  },
});

/** Arguments shared by {@link TrainingService} and {@link PredictiveService}. */
export interface WebServiceArgs {
  readonly endpoint: pulumi.Input<string>;
  readonly subscriptionId: pulumi.Input<string>;
  readonly resourceGroup: pulumi.Input<string>;
  /** Service name (the ARM resource name). */
  readonly name: pulumi.Input<string>;
  readonly location: pulumi.Input<string>;
  /** Static ARM token (emulator); leave unset on Azure. Secret. */
  readonly token?: pulumi.Input<string>;
  /** The definition's properties (from `loadDefinition(...).properties`). */
  readonly definition: pulumi.Input<WebServiceProperties>;
  readonly title?: pulumi.Input<string>;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly storageAccount: pulumi.Input<{ name: pulumi.Input<string>; key: pulumi.Input<string> }>;
  readonly workspaceId: pulumi.Input<string>;
  readonly commitmentPlanId?: pulumi.Input<string>;
}

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
export class TrainingService extends pulumi.dynamic.Resource {
  declare readonly resourceId: pulumi.Output<string>;
  declare readonly executionUrl: pulumi.Output<string>;
  declare readonly swaggerLocation: pulumi.Output<string>;
  declare readonly primaryKey: pulumi.Output<string>;
  declare readonly secondaryKey: pulumi.Output<string>;

  constructor(name: string, args: WebServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      webServiceProvider,
      name,
      { ...args, role: "training", ...OUTPUT_SEEDS },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["primaryKey", "secondaryKey"] }),
      "azureml",
      "TrainingService",
    );
  }
}

/** Arguments of {@link PredictiveService}. */
export interface PredictiveServiceArgs extends WebServiceArgs {
  /** The model to serve: a `TrainedModel`'s `model.uri`. */
  readonly trainedModelUri: pulumi.Input<string>;
  /** The trained-model asset to set, when the definition has several. */
  readonly trainedModelAssetName?: pulumi.Input<string>;
}

/** A predictive web service, serving the model set on its "[trained model]" asset. */
export class PredictiveService extends pulumi.dynamic.Resource {
  declare readonly resourceId: pulumi.Output<string>;
  declare readonly executionUrl: pulumi.Output<string>;
  declare readonly swaggerLocation: pulumi.Output<string>;
  declare readonly primaryKey: pulumi.Output<string>;
  declare readonly secondaryKey: pulumi.Output<string>;
  declare readonly servedModelUri: pulumi.Output<string>;

  constructor(name: string, args: PredictiveServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      webServiceProvider,
      name,
      { ...args, role: "predictive", ...OUTPUT_SEEDS },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["primaryKey", "secondaryKey"] }),
      "azureml",
      "PredictiveService",
    );
  }
}
