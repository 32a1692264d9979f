/**
 * Every dynamic provider of the project, by kind: what the shim each resource registers loads in
 * the provider host (`shared/shim.ts`). Resource classes never import this module.
 */
import type * as pulumi from "@pulumi/pulumi";
import { classicEndpointProvider } from "./classicEndpoint/provider";
import { classicWebServiceProvider } from "./classicWebService/provider";
import { trainedModelProvider } from "./retrain/provider";
import { rolloutStageProvider } from "./rolloutStage/provider";
import { localContainersProvider } from "./storage/provider";
import { assetProvider } from "./v2Asset/provider";
import { onlineEndpointProvider } from "./v2Endpoint/provider";
import { mlTrainedModelProvider } from "./v2Retrain/provider";
import { servedModelProvider } from "./v2Rollout/provider";
import { localMlWorkspaceProvider } from "./v2Workspace/provider";
import { webServiceProvider } from "./webService/provider";

/** The kinds of provider: what each resource's shim names (`shared/shim.ts`). */
export type ProviderKind =
  | "trainedModel"
  | "webService"
  | "classicWebService"
  | "classicEndpoint"
  | "rolloutStage"
  | "localContainers"
  | "v2Asset"
  | "v2Endpoint"
  | "v2TrainedModel"
  | "v2ServedModel"
  | "v2LocalWorkspace";

/** The providers, by the kind the shims name. */
export const providers: Record<ProviderKind, pulumi.dynamic.ResourceProvider> = {
  trainedModel: trainedModelProvider,
  webService: webServiceProvider,
  classicWebService: classicWebServiceProvider,
  classicEndpoint: classicEndpointProvider,
  rolloutStage: rolloutStageProvider,
  localContainers: localContainersProvider,
  v2Asset: assetProvider,
  v2Endpoint: onlineEndpointProvider,
  v2TrainedModel: mlTrainedModelProvider,
  v2ServedModel: servedModelProvider,
  v2LocalWorkspace: localMlWorkspaceProvider,
};
