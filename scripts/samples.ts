/**
 * The sample services (`npm run emulators -- --with-samples`): something for the portal and a
 * curl to show a minute after cloning. On a running emulator and its storage it publishes the
 * project's definitions (`definitions/`) in the resource group `samples`, trains a first model of
 * each through BES with the sample data (`data/`), and serves them:
 *
 * - ARM: `census-training` and `census-predictive` (serving the November model),
 *   `bike-demand-training` and `bike-demand-predictive`;
 * - classic: the web service `census` in the workspace `samples`, its `default` endpoint and
 *   `contoso` serving the November model, `fabrikam` (throttled Low) the October one.
 *
 * Everything goes through the public surfaces with the project's own clients, the way a user's
 * code would. A second run finds the samples served and changes nothing.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ArmWebServicesClient, executionBaseFromSwagger, type ArmServiceRef } from "../clients/arm";
import { BesClient } from "../clients/bes";
import { ClassicManagementClient, type ClassicServiceRef } from "../clients/classic";
import { credentialFor } from "../clients/http";
import { blobService, parseConnectionString } from "../clients/storage";
import type { ArmWebService, AzureBlobDataReference, AzureBlobDetails } from "../contract";

/** The subscription of the local stack (`index.ts` and `npm run emulators` use the same). */
export const SAMPLES_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
/** The resource group of the ARM samples (apart from the local stack's own `local`). */
export const SAMPLES_RESOURCE_GROUP = "samples";
/** The workspace of the classic sample. */
export const SAMPLES_WORKSPACE = "samples";
/** The classic sample web service. */
export const SAMPLES_WEB_SERVICE = "census";
/** The container the samples' data and models go to. */
export const SAMPLES_CONTAINER = "samples";

const PROJECT = path.resolve(__dirname, "..");

/** Where the samples are: what a person reads after they are published. */
export interface SamplesSummary {
  /** Whether this run published them (false: they were already served). */
  readonly published: boolean;
  /** Each ARM service's name and execution base URL. */
  readonly arm: readonly { readonly name: string; readonly apiLocation: string }[];
  /** Each classic endpoint's name and `ApiLocation`. */
  readonly endpoints: readonly { readonly name: string; readonly apiLocation: string }[];
}

/** What {@link publishSamples} needs. */
export interface SamplesOptions {
  /** The emulator's base URL. */
  readonly emulatorUrl: string;
  readonly armToken: string;
  readonly workspaceToken: string;
  /** Connection string of the storage the emulator's `--storage` points at (Azurite's account). */
  readonly connectionString: string;
  /** The container for the data and the models (default {@link SAMPLES_CONTAINER}). */
  readonly container?: string;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

function definition(name: string): ArmWebService {
  return JSON.parse(
    readFileSync(path.join(PROJECT, "definitions", `${name}.json`), "utf8"),
  ) as ArmWebService;
}

/** The name of a definition's trained-model asset. */
function trainedModelAssetName(service: ArmWebService): string {
  const asset = Object.values(service.properties.assets ?? {}).find((a) =>
    /\[trained model\]\s*$/i.test(a.name),
  );
  if (!asset) throw new Error(`definition ${service.name} has no trained-model asset`);
  return asset.name;
}

/**
 * Publishes the samples and trains their first models (about ten seconds on a laptop); does
 * nothing when `census-predictive` already serves a model.
 * @param options - the emulator, its tokens and the storage
 */
export async function publishSamples(options: SamplesOptions): Promise<SamplesSummary> {
  const log = options.log ?? (() => undefined);
  const arm = new ArmWebServicesClient(credentialFor(options.armToken));
  const classic = new ClassicManagementClient(options.workspaceToken);
  const storage = parseConnectionString(options.connectionString);
  const account = { name: storage.accountName, key: storage.accountKey };
  const ref = (name: string): ArmServiceRef => ({
    endpoint: options.emulatorUrl,
    subscriptionId: SAMPLES_SUBSCRIPTION,
    resourceGroup: SAMPLES_RESOURCE_GROUP,
    name,
  });
  const classicRef: ClassicServiceRef = {
    endpoint: options.emulatorUrl,
    workspaceId: SAMPLES_WORKSPACE,
    webServiceId: SAMPLES_WEB_SERVICE,
  };
  const summary = async (published: boolean): Promise<SamplesSummary> => {
    const services = await Promise.all(
      [
        "census-training",
        "census-predictive",
        "bike-demand-training",
        "bike-demand-predictive",
      ].map(async (name) => {
        const service = await arm.get(ref(name));
        return {
          name,
          apiLocation: executionBaseFromSwagger(service?.properties.swaggerLocation ?? ""),
        };
      }),
    );
    const endpoints = (await classic.listEndpoints(classicRef)).map((e) => ({
      name: e.Name,
      apiLocation: e.ApiLocation,
    }));
    return { published, arm: services, endpoints };
  };

  const existing = await arm.get(ref("census-predictive"));
  const served = Object.values(existing?.properties.assets ?? {}).some(
    (a) => /\[trained model\]\s*$/i.test(a.name) && a.locationInfo.uri !== "",
  );
  if (existing && served) {
    log("samples: already published (census-predictive serves a model)");
    return summary(false);
  }

  // 1. The sample data, in the storage account BES reads from.
  const containerName = options.container ?? SAMPLES_CONTAINER;
  const container = blobService(options.connectionString).getContainerClient(containerName);
  await container.createIfNotExists();
  const data = {
    "census-2026-10": "census-2026-10.csv",
    "census-2026-11": "census-2026-11.csv",
    "bike-demand": "bike-demand-sample.csv",
  } as const;
  await Promise.all(
    Object.values(data).map((file) =>
      container.getBlockBlobClient(`data/${file}`).uploadFile(path.join(PROJECT, "data", file), {
        blobHTTPHeaders: { blobContentType: "text/csv" },
      }),
    ),
  );
  log(`samples: uploaded ${Object.values(data).join(", ")} to ${containerName}/data/`);

  // 2. The training services.
  const training = async (name: string): Promise<ArmWebService> => {
    const body = definition(name);
    body.properties.storageAccount = account;
    return arm.createOrUpdate(ref(name), body, { pollIntervalMs: 100 });
  };
  const [censusTraining, bikeTraining] = await Promise.all([
    training("census-training"),
    training("bike-demand-training"),
  ]);
  log("samples: published census-training and bike-demand-training");

  // 3. The first models, trained by BES jobs.
  const train = async (
    service: ArmWebService,
    serviceName: string,
    dataFile: string,
    model: string,
  ): Promise<{ uri: string; location: AzureBlobDetails }> => {
    const keys = await arm.listKeys(ref(serviceName));
    const bes = new BesClient(
      executionBaseFromSwagger(service.properties.swaggerLocation ?? ""),
      keys.primary,
    );
    const blob = (relative: string): AzureBlobDataReference => ({
      ConnectionString: options.connectionString,
      RelativeLocation: `${containerName}/${relative}`,
    });
    const jobId = await bes.submit({
      Inputs: { input1: blob(`data/${dataFile}`) },
      Outputs: {
        output1: blob(`${model}/model.ilearner`),
        output2: blob(`${model}/evaluation.csv`),
      },
      GlobalParameters: {},
    });
    await bes.start(jobId);
    const status = await bes.waitForCompletion(jobId, {
      deadline: Date.now() + 5 * 60_000,
      initialIntervalMs: 100,
      maxIntervalMs: 500,
    });
    if (status.state !== "Finished")
      throw new Error(`samples: training ${model} ended ${status.state}: ${status.details ?? ""}`);
    const result = status.results.output1;
    if (!result?.BaseLocation || !result.RelativeLocation || !result.SasBlobToken)
      throw new Error(`samples: training ${model} gave no model location`);
    log(`samples: trained ${model} (BES job ${jobId})`);
    return {
      uri: `${result.BaseLocation.replace(/\/+$/, "")}/${result.RelativeLocation}`,
      location: {
        BaseLocation: result.BaseLocation,
        RelativeLocation: result.RelativeLocation,
        SasBlobToken: result.SasBlobToken,
      },
    };
  };
  const [october, november, bike] = await Promise.all([
    train(censusTraining, "census-training", data["census-2026-10"], "census/2026-10.1"),
    train(censusTraining, "census-training", data["census-2026-11"], "census/2026-11.1"),
    train(bikeTraining, "bike-demand-training", data["bike-demand"], "bike-demand/2026-11.1"),
  ]);

  // 4. The predictive services, serving those models.
  const predictive = async (name: string, uri: string): Promise<void> => {
    const body = definition(name);
    body.properties.storageAccount = account;
    const assetName = trainedModelAssetName(body);
    for (const asset of Object.values(body.properties.assets ?? {}))
      if (asset.name === assetName) asset.locationInfo = { ...asset.locationInfo, uri };
    await arm.createOrUpdate(ref(name), body, { pollIntervalMs: 100 });
  };
  await Promise.all([
    predictive("census-predictive", november.uri),
    predictive("bike-demand-predictive", bike.uri),
  ]);
  log("samples: census-predictive and bike-demand-predictive serve their first models");

  // 5. The classic web service and its endpoints.
  const census = definition("census-predictive");
  const resource = trainedModelAssetName(census);
  await classic.publishWebService(classicRef, {
    Name: SAMPLES_WEB_SERVICE,
    Description: "The census predictive service (a sample of npm run emulators -- --with-samples)",
    Properties: census.properties,
    StorageAccount: account,
    Resources: [{ Name: resource, Location: november.location }],
  });
  await classic.createEndpoint(classicRef, "contoso", {
    Description: "A consumer on the November model",
    ThrottleLevel: "High",
    MaxConcurrentCalls: 20,
  });
  await classic.patchEndpoint(classicRef, "contoso", {
    Resources: [{ Name: resource, Location: november.location }],
  });
  await classic.createEndpoint(classicRef, "fabrikam", {
    Description: "A consumer pinned to the October model",
    ThrottleLevel: "Low",
    MaxConcurrentCalls: 4,
  });
  await classic.patchEndpoint(classicRef, "fabrikam", {
    Resources: [{ Name: resource, Location: october.location }],
  });
  log("samples: classic web service census with endpoints default, contoso and fabrikam");
  return summary(true);
}
