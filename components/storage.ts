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
import { redactingErrors } from "../clients/redact";
import { blobService, parseConnectionString } from "../clients/storage";
import { containsUnknown, validateContainerName, compactResults } from "./util";

/** Default container names. */
export const DEFAULT_CONTAINERS = { data: "training-data", models: "models" } as const;

// ---------------------------------------------------------------------------------------------
// LocalContainers (Azurite)
// ---------------------------------------------------------------------------------------------

/** Inputs of {@link LocalContainers}. */
export interface LocalContainersInputs {
  /** Connection string of the account (secret). */
  readonly connectionString: string;
  /** Containers that must exist. */
  readonly containers: string[];
}

/** Outputs of {@link LocalContainers}. */
export interface LocalContainersOutputs extends LocalContainersInputs {
  /** Containers this resource created (and will delete); pre-existing ones are left alone. */
  readonly createdContainers: string[];
  readonly accountName: string;
  readonly blobEndpoint: string;
}

async function ensureContainers(
  inputs: LocalContainersInputs,
  alreadyCreated: string[],
): Promise<LocalContainersOutputs> {
  const service = blobService(inputs.connectionString);
  const created = alreadyCreated.filter((c) => inputs.containers.includes(c));
  for (const name of inputs.containers) {
    const result = await service.getContainerClient(name).createIfNotExists();
    if (result.succeeded && !created.includes(name)) created.push(name);
  }
  const info = parseConnectionString(inputs.connectionString);
  return {
    ...inputs,
    createdContainers: created,
    accountName: info.accountName,
    blobEndpoint: info.blobEndpoint,
  };
}

/** Provider of {@link LocalContainers}. */
export const localContainersProvider: pulumi.dynamic.ResourceProvider = compactResults({
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    const failures: { property: string; reason: string }[] = [];
    if (!containsUnknown(news.connectionString)) {
      try {
        parseConnectionString(String(news.connectionString ?? ""));
      } catch (e) {
        failures.push({ property: "connectionString", reason: (e as Error).message });
      }
    }
    const containers = news.containers;
    if (!Array.isArray(containers) || containers.length === 0) {
      failures.push({ property: "containers", reason: "must list at least one container name" });
    } else {
      containers.forEach((c, i) => failures.push(...validateContainerName(c, `containers[${i}]`)));
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: LocalContainersOutputs, news: LocalContainersInputs) {
    const account = (cs: string | undefined): string | undefined =>
      cs ? /AccountName=([^;]+)/i.exec(cs)?.[1] : undefined;
    const endpoint = (cs: string | undefined): string | undefined =>
      cs ? /BlobEndpoint=([^;]+)/i.exec(cs)?.[1] : undefined;
    const replaces =
      containsUnknown(news.connectionString) ||
      account(olds.connectionString) !== account(news.connectionString) ||
      endpoint(olds.connectionString) !== endpoint(news.connectionString)
        ? ["connectionString"]
        : [];
    const changes =
      replaces.length > 0 ||
      olds.connectionString !== news.connectionString ||
      JSON.stringify([...olds.containers].sort()) !== JSON.stringify([...news.containers].sort());
    return { changes, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: LocalContainersInputs) {
    return redactingErrors([inputs.connectionString], async () => {
      const outs = await ensureContainers(inputs, []);
      return { id: `${outs.accountName}:${inputs.containers.join(",")}`, outs };
    });
  },

  async update(_id: string, olds: LocalContainersOutputs, news: LocalContainersInputs) {
    return redactingErrors([news.connectionString], async () => {
      // Containers dropped from the list are kept: they may hold models a rollback needs.
      const outs = await ensureContainers(news, olds.createdContainers ?? []);
      return { outs };
    });
  },

  async read(id: string, props: LocalContainersOutputs) {
    return redactingErrors([props.connectionString], async () => {
      const service = blobService(props.connectionString);
      const present: string[] = [];
      for (const name of props.containers)
        if (await service.getContainerClient(name).exists()) present.push(name);
      // Missing containers show as a change of `containers`, so the next up creates them again.
      return {
        id,
        props: {
          ...props,
          containers: present,
          createdContainers: props.createdContainers.filter((c) => present.includes(c)),
        },
      };
    });
  },

  async delete(_id: string, props: LocalContainersOutputs) {
    await redactingErrors([props.connectionString], async () => {
      const service = blobService(props.connectionString);
      for (const name of props.createdContainers ?? [])
        await service.getContainerClient(name).deleteIfExists();
    });
  },
});

/** Containers in an existing account (Azurite), created when missing. */
export class LocalContainers extends pulumi.dynamic.Resource {
  declare readonly createdContainers: pulumi.Output<string[]>;
  declare readonly accountName: pulumi.Output<string>;
  declare readonly blobEndpoint: pulumi.Output<string>;

  constructor(
    name: string,
    args: {
      connectionString: pulumi.Input<string>;
      containers: pulumi.Input<pulumi.Input<string>[]>;
    },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      localContainersProvider,
      name,
      { ...args, createdContainers: undefined, accountName: undefined, blobEndpoint: undefined },
      opts,
      "azureml",
      "LocalContainers",
    );
  }
}

// ---------------------------------------------------------------------------------------------
// ModelStorage component
// ---------------------------------------------------------------------------------------------

/** Arguments of {@link ModelStorage}. */
export interface ModelStorageArgs {
  /** `local` (Azurite + emulator) or `azure`. */
  readonly target: "local" | "azure";
  /** Local target: the Azurite account's connection string (secret). */
  readonly connectionString?: pulumi.Input<string>;
  /** Azure target: resource group of the account. */
  readonly resourceGroupName?: pulumi.Input<string>;
  /** Azure target: region (default: the resource group's). */
  readonly location?: pulumi.Input<string>;
  /** Azure target: account name (3-24 lowercase letters and digits); auto-named when absent. */
  readonly accountName?: pulumi.Input<string>;
  /** Container names (defaults: `training-data`, `models`). */
  readonly containers?: { readonly data?: string; readonly models?: string };
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
