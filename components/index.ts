/**
 * The components and dynamic resources the program is made of. Each resource has a folder:
 * `types.ts` (inputs, outputs, arguments), `logic.ts` (pure check and diff), `provider.ts` (the
 * dynamic provider, the only code that calls a service) and `resource.ts` (the class a program
 * declares); `shared/` holds what every provider uses.
 */
export * from "./definition";

export * from "./storage/resource";
export { localContainersProvider } from "./storage/provider";
export * from "./storage/types";

export * from "./webService/resource";
export { webServiceProvider } from "./webService/provider";
export { diffWebService, serviceBody } from "./webService/logic";
export type * from "./webService/types";

export * from "./retrain/resource";
export { trainedModelProvider } from "./retrain/provider";
export * from "./retrain/gate";
export * from "./retrain/metrics";
export type * from "./retrain/types";

export * from "./classicWebService/resource";
export { classicWebServiceProvider } from "./classicWebService/provider";
export type * from "./classicWebService/types";

export * from "./classicEndpoint/resource";
export {
  CLASSIC_ENDPOINT_CONCURRENCY,
  classicEndpointProvider,
  withEndpointSlot,
} from "./classicEndpoint/provider";
export { diffClassicEndpoint } from "./classicEndpoint/logic";
export type * from "./classicEndpoint/types";

export * from "./rolloutStage/resource";
export { rolloutStageProvider } from "./rolloutStage/provider";
export type * from "./rolloutStage/types";

export { locationWithFreshSas, type ModelRef } from "./shared/sas";
export type { FieldFailure } from "./shared/checks";

export * from "./v2Workspace/resource";
export { localMlWorkspaceProvider } from "./v2Workspace/provider";
export type * from "./v2Workspace/types";

export * from "./v2Asset/resource";
export { assetProvider } from "./v2Asset/provider";
export type * from "./v2Asset/types";

export * from "./v2Endpoint/resource";
export { onlineEndpointProvider } from "./v2Endpoint/provider";
export type * from "./v2Endpoint/types";

export * from "./v2Retrain/resource";
export { mlTrainedModelProvider } from "./v2Retrain/provider";
export type * from "./v2Retrain/types";

export * from "./v2Rollout/resource";
export { servedModelProvider } from "./v2Rollout/provider";
export { deploymentName } from "./v2Rollout/logic";
export type * from "./v2Rollout/types";
