/**
 * The provider of the ARM web services (`Microsoft.MachineLearning/webServices`, 2017-01-01):
 * `TrainingService` (its BES endpoint produces models) and `PredictiveService` (scores with the
 * model its "[trained model]" asset points at).
 *
 * A model swap is done the documented way: GET, replace the asset's `locationInfo.uri`, PATCH,
 * wait for the long-running operation, then GET again and verify the service reports the new
 * model.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  ArmWebServicesClient,
  armResourceId,
  executionBaseFromSwagger,
  findTrainedModelAsset,
  reportedAssetUris,
  reportedModelUri,
  withAssetUris,
  type ArmServiceRef,
} from "../../clients/arm";
import { credentialFor } from "../../clients/http";
import type { ArmWebService } from "../../contract";
import { progress } from "../shared/progress";
import { redactingProvider } from "../shared/redaction";
import { compactResults } from "../shared/results";
import { nextRollbackTarget, rollbackTarget, type RollbackTarget } from "../shared/rollbackTarget";
import { checkWebService, diffWebService, serviceBody, webServiceDiffAnswer } from "./logic";
import type { WebServiceInputs, WebServiceOutputs } from "./types";

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
  let servedTransformUris: Record<string, string> | undefined;
  if (inputs.role === "predictive") {
    servedModelUri = reportedModelUri(service, inputs.trainedModelAssetName);
    if (inputs.trainedModelUri !== undefined && servedModelUri !== inputs.trainedModelUri) {
      // azure-docs#41739: an update can succeed while the service keeps reporting the old model.
      throw new Error(
        `${inputs.name} reports model ${servedModelUri ?? "(none)"} after its update succeeded, not ${inputs.trainedModelUri}: ` +
          "it still serves the previous model; run up again, and if it persists check the asset name and the storage account",
      );
    }
    servedTransformUris = servedTransforms(service, inputs);
    const wanted = inputs.trainedTransformUris ?? {};
    const stale = Object.keys(wanted).filter(
      (name) => servedTransformUris?.[name] !== wanted[name],
    );
    if (stale.length > 0) {
      throw new Error(
        `${inputs.name} reports ${stale.map((n) => `"${n}" at ${servedTransformUris?.[n] ?? "(none)"}`).join(", ")} after its update succeeded, ` +
          `not the transformation trained with the model: run up again, and if it persists check the asset names`,
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
    ...(servedTransformUris !== undefined ? { servedTransformUris } : {}),
  };
}

/**
 * In a rollout stage, the model and transformations served before this update: the stage rolls
 * back to that pair when its check fails.
 */
function previousModel(olds: WebServiceOutputs, news: WebServiceInputs): RollbackTarget {
  return nextRollbackTarget({
    staged: news.role === "predictive" && news.rolloutStage !== undefined,
    served: {
      model: olds.servedModelUri ?? olds.trainedModelUri,
      transformOf: (n) => olds.servedTransformUris?.[n] ?? olds.trainedTransformUris?.[n],
    },
    now: { model: news.trainedModelUri, transforms: { ...news.trainedTransformUris } },
    recorded: olds,
  });
}

/** What the service serves for the transformations the inputs set (none set: undefined). */
function servedTransforms(
  service: ArmWebService,
  inputs: Pick<WebServiceInputs, "trainedTransformUris">,
): Record<string, string> | undefined {
  const names = Object.keys(inputs.trainedTransformUris ?? {});
  return names.length > 0 ? reportedAssetUris(service, names) : undefined;
}

const methods: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { inputs: news, failures: checkWebService(news) };
  },

  async diff(_id: string, olds: WebServiceOutputs, news: WebServiceInputs) {
    return webServiceDiffAnswer(olds, news);
  },

  async create(inputs: WebServiceInputs) {
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
      const outs = {
        ...(await finish(inputs, client, service)),
        ...rollbackTarget(
          inputs.role === "predictive" && inputs.rolloutStage !== undefined,
          Object.keys(inputs.trainedTransformUris ?? {}).length > 0,
          undefined,
          {},
        ),
      };
      if (outs.servedModelUri) log(inputs, `serving ${outs.servedModelUri}`);
      return { id: outs.resourceId, outs };
    } catch (e) {
      // The PUT may have created the service even though provisioning or the verification
      // failed: record it as partially created (the engine's init-error state), so the next up
      // updates it instead of tripping over "already exists". The redaction wrapper redacts the
      // reasons too: the engine prints them and stores them as `initErrors`.
      if (e instanceof Error && (await client.get(ref).catch(() => undefined))) {
        throw Object.assign(e, {
          id: armResourceId(ref),
          properties: { ...inputs },
          reasons: [e.message],
        });
      }
      throw e;
    }
  },

  async update(_id: string, olds: WebServiceOutputs, news: WebServiceInputs) {
    const client = new ArmWebServicesClient(credentialFor(news.token));
    const ref = refOf(news);
    const { updates } = diffWebService(olds, news);
    // A partially created service (no outputs yet) gets the full definition again.
    const partial = olds.swaggerLocation === undefined;
    const repoint = ["trainedModelUri", "trainedTransformUris", "token"];
    const graphChanged = partial || updates.some((u) => !repoint.includes(u));
    let service: ArmWebService;
    if (graphChanged) {
      log(
        news,
        partial
          ? "completing an earlier create"
          : `replacing the definition (${updates.join(", ")} changed)`,
      );
      service = await client.createOrUpdate(ref, serviceBody(news));
    } else if (
      (updates.includes("trainedModelUri") || updates.includes("trainedTransformUris")) &&
      news.trainedModelUri !== undefined
    ) {
      // GET, replace the trained-model asset's uri (and the transformations trained with it),
      // PATCH once, wait, verify (in finish): model and transformations change together.
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
      const transforms = news.trainedTransformUris ?? {};
      for (const [name, uri] of Object.entries(transforms))
        log(news, `repointing "${name}" to ${uri}`);
      const assets = withAssetUris(
        {
          assets: {
            ...current.properties.assets,
            [assetId]: {
              ...asset,
              locationInfo: { ...asset.locationInfo, uri: news.trainedModelUri },
            },
          },
        },
        transforms,
      );
      service = await client.patch(ref, { properties: { packageType: "Graph", assets } });
    } else {
      const current = await client.get(ref);
      if (!current)
        throw new Error(`${armResourceId(ref)} does not exist any more: refresh the stack`);
      service = current;
    }
    const outs = await finish(news, client, service);
    if (outs.servedModelUri) log(news, `serving ${outs.servedModelUri}`);
    return { outs: { ...outs, ...previousModel(olds, news) } };
  },

  async read(id: string, props: WebServiceOutputs) {
    const client = new ArmWebServicesClient(credentialFor(props.token));
    const service = await client.get(refOf(props));
    if (!service) return { id: "", props: {} };
    const keys = await client.listKeys(refOf(props));
    const servedModelUri =
      props.role === "predictive"
        ? reportedModelUri(service, props.trainedModelAssetName)
        : undefined;
    const servedTransformUris =
      props.role === "predictive" ? servedTransforms(service, props) : undefined;
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
        ...(props.previousModelUri !== undefined
          ? { previousModelUri: props.previousModelUri }
          : {}),
        ...(props.previousTransformUris !== undefined
          ? { previousTransformUris: props.previousTransformUris }
          : {}),
        ...(servedTransformUris !== undefined ? { servedTransformUris } : {}),
      },
    };
  },

  async delete(_id: string, props: WebServiceOutputs) {
    await new ArmWebServicesClient(credentialFor(props.token)).delete(refOf(props));
    log(props, "deleted");
  },
};

/** The provider of TrainingService and PredictiveService. */
export const webServiceProvider: pulumi.dynamic.ResourceProvider = compactResults(
  redactingProvider(methods, (p) => [
    p.token as string | undefined,
    (p.storageAccount as { key?: string } | undefined)?.key,
  ]),
);
