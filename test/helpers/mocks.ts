/**
 * Pulumi mocks that record every registration, for tests of components and of the program.
 * Provider methods never run under mocks; the mocks answer with the inputs plus plausible
 * computed outputs, and the tests assert on what was *registered* (types, names, inputs, secrets).
 */
import * as pulumi from "@pulumi/pulumi";
import { onRegisterResource } from "../../harness/monitor";
import { SECRET_SIG, SECRET_VALUE } from "../../harness/secrets";

/** One recorded registration. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
}

export { SECRET_SIG, SECRET_VALUE } from "../../harness/secrets";
/** True when a mock input value is a secret. */
export function isSecretInput(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG] !== undefined
  );
}

/** Unwraps secret sentinels recursively (to compare values). */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretInput(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** Computed outputs the mocks add per resource type, so dependents see realistic values. */
function computed(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  const i = unwrapSecrets(inputs) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (type) {
    case "pulumi-nodejs:dynamic/azureml:TrainingService":
    case "pulumi-nodejs:dynamic/azureml:PredictiveService":
      return {
        resourceId: `/subscriptions/${i.subscriptionId}/resourceGroups/${i.resourceGroup}/providers/Microsoft.MachineLearning/webServices/${i.name}`,
        swaggerLocation: `${i.endpoint}/subscriptions/abc/services/${i.name}/swagger.json`,
        executionUrl: `${i.endpoint}/subscriptions/abc/services/${i.name}`,
        primaryKey: `pk-${name}`,
        secondaryKey: `sk-${name}`,
        provisioningState: "Succeeded",
        servedModelUri: i.trainedModelUri,
      };
    case "pulumi-nodejs:dynamic/azureml:TrainedModel":
      return {
        dataSha256: "d".repeat(64),
        modelKey: `key${i.version}`,
        status: "ready",
        model: {
          baseLocation: "http://blob/acct/",
          relativeLocation: `models/${i.version}/key.ilearner`,
          uri: `http://blob/acct/models/${i.version}/key.ilearner`,
        },
        // The retrain provider's own naming: `<key>.<output>.itransform` beside the model.
        ...(i.training?.transformOutputs?.length
          ? {
              transforms: Object.fromEntries(
                (i.training.transformOutputs as string[]).map((o) => [
                  o,
                  {
                    baseLocation: "http://blob/acct/",
                    relativeLocation: `models/${i.version}/key.${o}.itransform`,
                    uri: `http://blob/acct/models/${i.version}/key.${o}.itransform`,
                  },
                ]),
              ),
            }
          : {}),
        modelSasToken: "?sv=x&sig=mocksig",
        metrics: { AUC: 0.9 },
        reused: false,
        jobId: "job1",
        gateSummary: "AUC 0.9 >= min 0.8",
      };
    case "pulumi-nodejs:dynamic/azureml:ClassicWebService":
      return {
        defaultEndpointName: "default",
        defaultApiLocation: `${i.endpoint}/workspaces/${i.workspaceId}/services/x`,
        defaultPrimaryKey: "dk",
        resourceNames: ["Census Model [trained model]"],
      };
    case "pulumi-nodejs:dynamic/azureml:ClassicEndpoint":
      return {
        apiLocation: `${i.endpoint}/workspaces/${i.workspaceId}/services/${i.name}`,
        helpLocation: "h",
        primaryKey: `ek-${i.name}`,
        secondaryKey: "ek2",
        servedModelUri: "u",
      };
    case "pulumi-nodejs:dynamic/azureml:LocalContainers":
      return {
        createdContainers: i.containers,
        accountName: "devstoreaccount1",
        blobEndpoint: "http://127.0.0.1:10000/devstoreaccount1",
      };
    case "pulumi-nodejs:dynamic/azureml:MlWorkspace":
      return {
        workspaceArmId: `/subscriptions/${i.target?.subscriptionId}/resourceGroups/${i.target?.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${i.target?.workspace}`,
        workspaceGuid: "guid",
        datastoreContainer: "azureml-blobstore-guid",
      };
    case "pulumi-nodejs:dynamic/azureml:CodeAsset":
    case "pulumi-nodejs:dynamic/azureml:DataAsset":
    case "pulumi-nodejs:dynamic/azureml:EnvironmentAsset": {
      const collection = { code: "codes", data: "data", environment: "environments" }[
        i.kind as "code" | "data" | "environment"
      ];
      return {
        contentSha256: "c".repeat(64),
        version: "sha256-cccccccccccccccc",
        assetId: `/ws/${collection}/${i.name}/versions/sha256-cccccccccccccccc`,
        reused: false,
      };
    }
    case "pulumi-nodejs:dynamic/azureml:OnlineEndpoint":
      return {
        endpointArmId: `/ws/onlineEndpoints/${i.name}`,
        scoringUri: `${i.target?.endpoint}/inference/${i.name}/score`,
        primaryKey: `ek-${i.name}`,
      };
    case "pulumi-nodejs:dynamic/azureml:MlTrainedModel":
      return {
        trainingKey: "k".repeat(16),
        modelId: `/ws/models/${i.modelName}/versions/${i.version}`,
        modelUri: "azureml://datastores/workspaceblobstore/paths/models/x/",
        metrics: { AUC: 0.9 },
        jobName: `${i.modelName}-job`,
        reused: false,
        trainedAt: "2026-11-27T00:00:00Z",
        gateSummary: "AUC 0.9 >= min 0.8",
      };
    case "pulumi-nodejs:dynamic/azureml:ServedModel":
      return {
        liveDeployment: `v-${i.modelVersion}`,
        deployments: [`v-${i.modelVersion}`],
        traffic: { [`v-${i.modelVersion}`]: 100 },
      };
    case "azure-native:machinelearningservices:Workspace":
      return { workspaceId: "0f0f0f0f-guid" };
    case "azure-native:storage:StorageAccount":
      return {
        name: i.accountName ?? `${name}acct`,
        primaryEndpoints: { blob: `https://${i.accountName ?? "acct"}.blob.core.windows.net/` },
      };
    default:
      return {};
  }
}

/** `additionalSecretOutputs` of each registration, by `type::name` (see installMocks). */
const secretOutputs = new Map<string, string[]>();
let recordingSecretOutputs = false;

/** Installs recording mocks; returns the list they fill (cleared by the caller when needed). */
export async function installMocks(
  project = "azureml-retrain",
  stack = "test",
  preview = false,
): Promise<Registration[]> {
  const registrations: Registration[] = [];
  if (!recordingSecretOutputs) {
    recordingSecretOutputs = true;
    onRegisterResource((r) => secretOutputs.set(`${r.type}::${r.name}`, r.additionalSecretOutputs));
  }
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registrations.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          custom: args.custom ?? false,
        });
        const state: Record<string, unknown> = {
          ...args.inputs,
          ...computed(args.type, args.name, args.inputs),
        };
        for (const key of secretOutputs.get(`${args.type}::${args.name}`) ?? []) {
          if (state[key] !== undefined && !isSecretInput(state[key])) {
            state[key] = { [SECRET_SIG]: SECRET_VALUE, value: state[key] };
          }
        }
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        if (args.token === "azure-native:storage:listStorageAccountKeys") {
          return {
            keys: [{ keyName: "key1", value: "AZKEY0123456789abcdefAZKEY==", permissions: "Full" }],
          };
        }
        return {};
      },
    },
    project,
    stack,
    preview,
  );
  return registrations;
}

/** Resolves an Output's value (tests only; unknowns never resolve under preview). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Whether an Output is secret. */
export function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(output);
}

/** Waits for pending registrations to be recorded. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 50));
}
