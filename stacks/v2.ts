/**
 * The v2 stack (Azure Machine Learning): the same GitOps retrain on a workspace, the model
 * registry and a managed online endpoint.
 *
 *   MlWorkspace ─► CodeAsset, DataAsset, EnvironmentAsset ─► MlTrainedModel ─► ServedModel
 *        └──────────────────────► OnlineEndpoint ─────────────┘ (gate)     └─► (traffic, blue/green)
 *
 * - `MlTrainedModel` runs the training script as a command job (or reuses the registered version:
 *   a rollback trains nothing), gates it against the deployment that serves now, and registers it.
 * - `ServedModel` gives the version its own deployment, checks it, moves traffic to it, and keeps
 *   the previous ones for rollbacks; reverting the version moves traffic back.
 *
 * `local` runs on Azurite and the emulator's v2 surface; `azure` on Azure (OIDC in CI).
 */
import * as pulumi from "@pulumi/pulumi";
import { azuriteConnectionString } from "../clients/azurite";
import { readEmulatorCredentials, type StackConfig } from "../config";
import {
  CodeAsset,
  DataAsset,
  EnvironmentAsset,
  MlTrainedModel,
  MlWorkspace,
  OnlineEndpoint,
  ServedModel,
} from "../components";

/** The subscription and resource group of the local target (the emulator takes any). */
const LOCAL = {
  subscriptionId: "00000000-0000-0000-0000-000000000000",
  resourceGroup: "local",
  location: "local",
};

/**
 * Declares the v2 stack's resources; returns its outputs.
 * @param config - the validated stack config (platform v2)
 */
export function v2Stack(config: StackConfig) {
  const v2 = config.v2!;
  let workspace: MlWorkspace;
  let location: string;
  if (config.target === "local") {
    const local = config.local!;
    const credentials = readEmulatorCredentials(local.emulatorLocation);
    location = LOCAL.location;
    workspace = new MlWorkspace("ml", {
      target: "local",
      endpoint: local.emulatorUrl,
      token: pulumi.secret(credentials.armToken),
      subscriptionId: LOCAL.subscriptionId,
      resourceGroup: LOCAL.resourceGroup,
      workspace: v2.workspace,
      location,
      connectionString: pulumi.secret(azuriteConnectionString(local.azuriteBlobEndpoint)),
    });
  } else {
    const azure = config.azure!;
    location = azure.location;
    workspace = new MlWorkspace("ml", {
      target: "azure",
      endpoint: azure.armEndpoint,
      subscriptionId: azure.subscriptionId,
      resourceGroup: azure.resourceGroup,
      workspace: v2.workspace,
      location,
      ...(azure.storageAccountName ? { storageAccountName: azure.storageAccountName } : {}),
    });
  }
  const common = { target: workspace.target, datastore: workspace.datastore };
  const columns = v2.columns;
  const features = columns.filter((c) => c !== v2.labelColumn);

  const environment = new EnvironmentAsset("environment", {
    ...common,
    name: `${v2.modelName}-env`,
    image: v2.environment.image,
    path: v2.environment.condaFile,
  });
  const code = new CodeAsset("code", { ...common, name: `${v2.modelName}-src`, path: v2.code });
  const data = new DataAsset("data", {
    ...common,
    name: `${v2.modelName}-data`,
    path: config.model.data,
    columns,
  });
  const endpoint = new OnlineEndpoint("endpoint", {
    target: workspace.target,
    name: v2.endpoint,
    location,
    authMode: "Key",
  });
  const model = new MlTrainedModel("model", {
    ...common,
    modelName: v2.modelName,
    version: config.model.version,
    data: { assetId: data.assetId, sha256: data.contentSha256, path: config.model.data },
    codeId: code.assetId,
    environmentId: environment.assetId,
    trainScript: v2.trainScript,
    parameters: config.model.parameters,
    gate: config.model.gate,
    retain: config.model.retain,
    deadlineMinutes: config.model.deadlineMinutes,
    ...(v2.compute ? { compute: v2.compute } : {}),
    serving: { endpointName: endpoint.name, labelColumn: v2.labelColumn, inputColumns: features },
  });
  const served = new ServedModel("served", {
    target: workspace.target,
    endpointName: endpoint.name,
    location,
    modelId: model.modelId,
    modelVersion: model.version,
    codeId: code.assetId,
    scoringScript: v2.scoringScript,
    environmentId: environment.assetId,
    instanceType: v2.instanceType,
    instanceCount: v2.instanceCount,
    rollout: v2.rollout,
    keep: v2.keepDeployments,
    check: { path: config.model.data, inputColumns: features },
  });

  return {
    /** The version the endpoint serves. */
    servedVersion: model.version,
    /** Its metrics (from the training script's metrics.json). */
    metrics: model.metrics,
    /** Whether the registered version was reused (a rollback) rather than trained. */
    reused: model.reused,
    /** The command job that trained it. */
    trainingJob: model.jobName,
    /** The promotion gate's verdict. */
    gate: model.gateSummary,
    /** The registered model version's ARM id. */
    modelId: model.modelId,
    /** The endpoint's scoring URI. */
    scoringUri: endpoint.scoringUri,
    /** The endpoint's primary key (secret). */
    scoringKey: endpoint.primaryKey,
    /** The deployment that takes the traffic, and the ones kept for rollbacks. */
    liveDeployment: served.liveDeployment,
    deployments: served.deployments,
  };
}
