/**
 * The Azure Machine Learning (v2) workspace and its default datastore.
 *
 * - target `local`: the workspace on the emulator (`LocalMlWorkspace`, a small dynamic resource);
 *   its default datastores live on Azurite's development account, whose connection string the
 *   program passes.
 * - target `azure`: azure-native resources, as the portal would create them: a storage account,
 *   a key vault (RBAC), a Log Analytics workspace with Application Insights, and the workspace
 *   (system-assigned identity). Azure creates the default datastore `workspaceblobstore` with it,
 *   in the container `azureml-blobstore-<workspace GUID>`; uploads use the account's key.
 */
import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as azureStorage from "@pulumi/azure-native/storage";
import type { MlDatastore, MlTarget } from "../shared/mlTarget";
import { ProjectResource } from "../shared/shim";
import type { LocalMlWorkspaceArgs, MlWorkspaceArgs } from "./types";

/** A workspace on the emulator. */
export class LocalMlWorkspace extends ProjectResource {
  declare readonly workspaceArmId: pulumi.Output<string>;
  declare readonly workspaceGuid: pulumi.Output<string>;
  declare readonly datastoreContainer: pulumi.Output<string>;

  constructor(name: string, args: LocalMlWorkspaceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "v2LocalWorkspace",
      "MlWorkspace",
      name,
      {
        ...args,
        workspaceArmId: undefined,
        workspaceGuid: undefined,
        datastoreContainer: undefined,
      },
      opts,
    );
  }
}

/** The Azure ML (v2) workspace, on the emulator or on Azure. */
export class MlWorkspace extends pulumi.ComponentResource {
  /** How the v2 providers reach the workspace (the ARM token is secret). */
  readonly target: pulumi.Output<MlTarget>;
  /** The default datastore (its connection string is secret). */
  readonly datastore: pulumi.Output<MlDatastore>;
  /** ARM id of the workspace. */
  readonly workspaceArmId: pulumi.Output<string>;

  constructor(name: string, args: MlWorkspaceArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("azureml-retrain:index:MlWorkspace", name, {}, opts);
    if (args.target === "local") {
      const target = pulumi.secret(
        pulumi.output(args.token).apply((token): MlTarget => ({
          endpoint: args.endpoint,
          subscriptionId: args.subscriptionId,
          resourceGroup: args.resourceGroup,
          workspace: args.workspace,
          token,
        })),
      );
      const workspace = new LocalMlWorkspace(
        `${name}-workspace`,
        { target, location: args.location, friendlyName: args.workspace },
        { parent: this },
      );
      // Through the workspace's output: what uses the target waits until the workspace exists.
      this.target = pulumi.secret(
        pulumi.all([workspace.workspaceArmId, target]).apply(([, t]) => t),
      );
      this.workspaceArmId = workspace.workspaceArmId;
      this.datastore = pulumi.secret(
        pulumi
          .all([workspace.datastoreContainer, args.connectionString])
          .apply(([container, connectionString]): MlDatastore => ({
            name: "workspaceblobstore",
            container,
            artifactContainer: "azureml",
            connectionString,
          })),
      );
    } else if (args.target === "azure") {
      const common = { resourceGroupName: args.resourceGroup, location: args.location };
      const storage = new azureStorage.StorageAccount(
        `${name}-storage`,
        {
          ...common,
          ...(args.storageAccountName ? { accountName: args.storageAccountName } : {}),
          kind: azureStorage.Kind.StorageV2,
          sku: { name: azureStorage.SkuName.Standard_LRS },
          allowBlobPublicAccess: false,
          minimumTlsVersion: azureStorage.MinimumTlsVersion.TLS1_2,
          enableHttpsTrafficOnly: true,
        },
        { parent: this },
      );
      const client = authorization.getClientConfigOutput({ parent: this });
      const vault = new keyvault.Vault(
        `${name}-vault`,
        {
          ...common,
          properties: {
            tenantId: client.tenantId,
            sku: { family: "A", name: "standard" },
            enableRbacAuthorization: true,
          },
        },
        { parent: this },
      );
      const logs = new operationalinsights.Workspace(
        `${name}-logs`,
        { ...common, sku: { name: "PerGB2018" }, retentionInDays: 30 },
        { parent: this },
      );
      const insights = new applicationinsights.Component(
        `${name}-insights`,
        {
          ...common,
          kind: "web",
          applicationType: "web",
          ingestionMode: "LogAnalytics",
          workspaceResourceId: logs.id,
        },
        { parent: this },
      );
      const workspace = new machinelearningservices.Workspace(
        `${name}-workspace`,
        {
          ...common,
          workspaceName: args.workspace,
          friendlyName: args.workspace,
          identity: { type: "SystemAssigned" },
          sku: { name: "Basic", tier: "Basic" },
          storageAccount: storage.id,
          keyVault: vault.id,
          applicationInsights: insights.id,
        },
        { parent: this },
      );
      const keys = azureStorage.listStorageAccountKeysOutput(
        { resourceGroupName: args.resourceGroup, accountName: storage.name },
        { parent: this },
      );
      // From the workspace's id: the dynamic resources must wait until the workspace exists.
      this.target = workspace.id.apply((): MlTarget => ({
        endpoint: args.endpoint,
        subscriptionId: args.subscriptionId,
        resourceGroup: args.resourceGroup,
        workspace: args.workspace,
      }));
      this.workspaceArmId = workspace.id;
      this.datastore = pulumi.secret(
        pulumi
          .all([workspace.workspaceId, storage.name, keys.keys[0].value])
          .apply(([guid, account, key]): MlDatastore => ({
            name: "workspaceblobstore",
            container: `azureml-blobstore-${guid}`,
            artifactContainer: "azureml",
            connectionString: `DefaultEndpointsProtocol=https;AccountName=${account};AccountKey=${key};EndpointSuffix=core.windows.net`,
          })),
      );
    } else {
      throw new Error(
        `MlWorkspace: target must be "local" or "azure", got ${JSON.stringify((args as { target: unknown }).target)}`,
      );
    }
    this.registerOutputs({ workspaceArmId: this.workspaceArmId });
  }
}
