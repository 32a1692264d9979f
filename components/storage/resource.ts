/**
 * Model storage: where training data, trained models and their evaluations live.
 *
 * - target `azure`: an azure-native StorageAccount (StorageV2, TLS 1.2, no public blob access) and
 *   its BlobContainers; the account key comes from `listStorageAccountKeys` and is kept secret.
 * - target `local`: the Azurite account of a connection string; containers are created if missing
 *   by a small dynamic resource (`LocalContainers`), which on destroy removes only the containers
 *   it created, so data it found there is never touched.
 */
import * as pulumi from "@pulumi/pulumi";
import * as azureStorage from "@pulumi/azure-native/storage";
import { parseConnectionString } from "../../clients/storage";
import { ProjectResource } from "../shared/shim";
import { DEFAULT_CONTAINERS, type LocalContainersArgs, type ModelStorageArgs } from "./types";

/** Containers in an existing account (Azurite), created when missing. */
export class LocalContainers extends ProjectResource {
  declare readonly createdContainers: pulumi.Output<string[]>;
  declare readonly accountName: pulumi.Output<string>;
  declare readonly blobEndpoint: pulumi.Output<string>;

  constructor(name: string, args: LocalContainersArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "localContainers",
      "LocalContainers",
      name,
      { ...args, createdContainers: undefined, accountName: undefined, blobEndpoint: undefined },
      opts,
    );
  }
}

/** Storage for training data and models, on Azure or on Azurite. */
export class ModelStorage extends pulumi.ComponentResource {
  /** Connection string with the account key (secret). */
  readonly connectionString: pulumi.Output<string>;
  readonly accountName: pulumi.Output<string>;
  /** Account key (secret). */
  readonly accountKey: pulumi.Output<string>;
  /** Blob endpoint without trailing slash. */
  readonly blobEndpoint: pulumi.Output<string>;
  readonly dataContainer: string;
  readonly modelContainer: string;

  constructor(name: string, args: ModelStorageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("azureml-retrain:index:ModelStorage", name, {}, opts);
    this.dataContainer = args.containers?.data ?? DEFAULT_CONTAINERS.data;
    this.modelContainer = args.containers?.models ?? DEFAULT_CONTAINERS.models;
    const containers = [this.dataContainer, this.modelContainer];

    if (args.target === "local") {
      if (!args.connectionString)
        throw new Error("ModelStorage: the local target needs connectionString (Azurite's)");
      const connectionString = pulumi.secret(args.connectionString);
      const local = new LocalContainers(
        `${name}-containers`,
        { connectionString, containers },
        { parent: this },
      );
      this.connectionString = connectionString;
      this.accountName = local.accountName;
      this.accountKey = pulumi.secret(
        pulumi.output(args.connectionString).apply((cs) => parseConnectionString(cs).accountKey),
      );
      this.blobEndpoint = local.blobEndpoint;
    } else if (args.target === "azure") {
      if (!args.resourceGroupName)
        throw new Error("ModelStorage: the azure target needs resourceGroupName");
      const account = new azureStorage.StorageAccount(
        `${name}-account`,
        {
          resourceGroupName: args.resourceGroupName,
          ...(args.location ? { location: args.location } : {}),
          ...(args.accountName ? { accountName: args.accountName } : {}),
          kind: azureStorage.Kind.StorageV2,
          sku: { name: azureStorage.SkuName.Standard_LRS },
          allowBlobPublicAccess: false,
          minimumTlsVersion: azureStorage.MinimumTlsVersion.TLS1_2,
          enableHttpsTrafficOnly: true,
        },
        { parent: this },
      );
      for (const container of containers) {
        new azureStorage.BlobContainer(
          `${name}-${container}`,
          {
            resourceGroupName: args.resourceGroupName,
            accountName: account.name,
            containerName: container,
            publicAccess: azureStorage.PublicAccess.None,
          },
          { parent: this },
        );
      }
      const keys = azureStorage.listStorageAccountKeysOutput({
        resourceGroupName: args.resourceGroupName,
        accountName: account.name,
      });
      this.accountName = account.name;
      this.accountKey = pulumi.secret(keys.keys[0].value);
      this.blobEndpoint = account.primaryEndpoints.blob.apply((b) => b.replace(/\/+$/, ""));
      this.connectionString = pulumi.secret(
        pulumi.interpolate`DefaultEndpointsProtocol=https;AccountName=${account.name};AccountKey=${keys.keys[0].value};EndpointSuffix=core.windows.net`,
      );
    } else {
      throw new Error(
        `ModelStorage: target must be "local" or "azure", got ${JSON.stringify(args.target)}`,
      );
    }
    this.registerOutputs({
      accountName: this.accountName,
      blobEndpoint: this.blobEndpoint,
      connectionString: this.connectionString,
      dataContainer: this.dataContainer,
      modelContainer: this.modelContainer,
    });
  }
}
