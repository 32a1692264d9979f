import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  installMocks,
  isSecretInput,
  isSecretOutput,
  promiseOf,
  settle,
  unwrapSecrets,
  type Registration,
} from "../helpers/mocks";

type Components = typeof import("../../components");

const SECRETS = {
  apiKey: "TRAINING-KEY-0123456789",
  connectionString:
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=STORAGEKEY0123456789==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
  token: "ARM-TOKEN-0123456789",
  storageKey: "STORAGEKEY0123456789==",
};

describe("components under Pulumi mocks", () => {
  let registrations: Registration[];
  let c: Components;

  before(async () => {
    registrations = await installMocks();
    c = await import("../../components");
  });
  beforeEach(() => registrations.splice(0));

  const byName = (name: string): Registration => {
    const found = registrations.find((r) => r.name === name);
    assert.ok(
      found,
      `no registration named ${name}; have ${registrations.map((r) => r.name).join(", ")}`,
    );
    return found;
  };

  /** The serialized provider: a string, loadable, with none of the secret values in it. */
  function assertProvider(r: Registration): void {
    const text = r.inputs.__provider;
    assert.equal(typeof text, "string", `${r.name}: __provider must be serialized text`);
    assert.match(text as string, /^exports\.handler = __f0;/);
    for (const secret of Object.values(SECRETS))
      assert.ok(!(text as string).includes(secret), `${r.name}: __provider holds a secret`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const provider = require("require-from-string")(text).handler();
    assert.deepEqual(Object.keys(provider).sort(), [
      "check",
      "create",
      "delete",
      "diff",
      "read",
      "update",
    ]);
  }

  it("ModelStorage (local) declares Azurite containers and keeps the connection string secret", async () => {
    const storage = new c.ModelStorage("st", {
      target: "local",
      connectionString: SECRETS.connectionString,
    });
    await settle();
    assert.deepEqual(
      registrations.map((r) => [r.type, r.name]),
      [
        ["azureml-retrain:index:ModelStorage", "st"],
        ["pulumi-nodejs:dynamic/azureml:LocalContainers", "st-containers"],
      ],
    );
    const containers = byName("st-containers");
    assert.deepEqual(containers.inputs.containers, ["training-data", "models"]);
    assert.ok(
      isSecretInput(containers.inputs.connectionString),
      "connection string input is secret",
    );
    assertProvider(containers);
    assert.equal(await isSecretOutput(storage.connectionString), true);
    assert.equal(await isSecretOutput(storage.accountKey), true);
    assert.equal(await promiseOf(storage.accountKey), SECRETS.storageKey);
    assert.equal(await promiseOf(storage.blobEndpoint), "http://127.0.0.1:10000/devstoreaccount1");
  });

  it("ModelStorage (azure) declares a locked-down StorageV2 account and private containers", async () => {
    const storage = new c.ModelStorage("st", {
      target: "azure",
      resourceGroupName: "rg",
      location: "westeurope",
      accountName: "amlretrain",
    });
    await settle();
    assert.deepEqual(
      registrations.map((r) => [r.type, r.name]),
      [
        ["azureml-retrain:index:ModelStorage", "st"],
        ["azure-native:storage:StorageAccount", "st-account"],
        ["azure-native:storage:BlobContainer", "st-training-data"],
        ["azure-native:storage:BlobContainer", "st-models"],
      ],
    );
    assert.deepEqual(byName("st-account").inputs, {
      resourceGroupName: "rg",
      location: "westeurope",
      accountName: "amlretrain",
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      allowBlobPublicAccess: false,
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
    });
    assert.deepEqual(byName("st-models").inputs, {
      resourceGroupName: "rg",
      accountName: "amlretrain",
      containerName: "models",
      publicAccess: "None",
    });
    assert.equal(await isSecretOutput(storage.connectionString), true);
    assert.match(
      await promiseOf(storage.connectionString),
      /AccountName=amlretrain;AccountKey=AZKEY0123456789abcdefAZKEY==;/,
    );
    assert.equal(await isSecretOutput(storage.accountKey), true);
  });

  it("ModelStorage rejects a target without what it needs", () => {
    assert.throws(
      () => new c.ModelStorage("x", { target: "local" }),
      /local target needs connectionString/,
    );
    assert.throws(
      () => new c.ModelStorage("y", { target: "azure" }),
      /azure target needs resourceGroupName/,
    );
  });

  it("TrainedModel registers its inputs, secret ones as secrets, and a serializable provider", async () => {
    const model = new c.TrainedModel("model", {
      version: "v1",
      data: "data/census-2026-11.csv",
      parameters: { "L2 regularization weight": "1" },
      gate: { metric: "AUC", min: 0.8, maxRegression: 0.01 },
      retain: true,
      training: {
        executionUrl: "http://127.0.0.1:9700/subscriptions/a/services/b",
        apiKey: pulumi.secret(SECRETS.apiKey),
        inputPort: "input1",
        modelOutput: "output1",
        evaluationOutput: "output2",
        inputColumns: ["age", "income"],
      },
      store: {
        connectionString: pulumi.secret(SECRETS.connectionString),
        dataContainer: "training-data",
        modelContainer: "models",
      },
      servingToken: pulumi.secret(SECRETS.token),
    });
    await settle();
    const r = byName("model");
    assert.equal(r.type, "pulumi-nodejs:dynamic/azureml:TrainedModel");
    assert.equal(r.custom, true);
    // The SDK marks an object input secret as a whole when any member is secret.
    assert.ok(isSecretInput(r.inputs.training), "training (with its apiKey) is secret");
    const training = unwrapSecrets(r.inputs.training) as Record<string, unknown>;
    assert.equal(training.executionUrl, "http://127.0.0.1:9700/subscriptions/a/services/b");
    assert.ok(isSecretInput(r.inputs.store), "store (with its connection string) is secret");
    assert.ok(isSecretInput(r.inputs.servingToken), "servingToken is secret");
    assert.deepEqual(
      Object.keys(r.inputs).sort(),
      [
        "__provider",
        "data",
        "gate",
        "parameters",
        "retain",
        "servingToken",
        "store",
        "training",
        "version",
      ],
      "computed outputs are not sent as inputs",
    );
    assertProvider(r);
    assert.equal(await isSecretOutput(model.modelSasToken), true, "the model SAS output is secret");
    assert.equal(await isSecretOutput(model.metrics), false);
  });

  it("TrainingService and PredictiveService register the ARM inputs and keep keys secret", async () => {
    const common = {
      endpoint: "http://127.0.0.1:9700",
      subscriptionId: "sub",
      resourceGroup: "rg",
      location: "local",
      token: pulumi.secret(SECRETS.token),
      storageAccount: { name: "devstoreaccount1", key: pulumi.secret(SECRETS.storageKey) },
      workspaceId: "ws",
    };
    const training = new c.TrainingService("training", {
      ...common,
      name: "census-training",
      definition: { packageType: "Graph" },
    });
    const predictive = new c.PredictiveService("predictive", {
      ...common,
      name: "census-predictive",
      definition: { packageType: "Graph" },
      trainedModelUri: "http://blob/acct/models/v1/key.ilearner",
    });
    await settle();
    assert.deepEqual(
      registrations.map((r) => [r.type, r.name]),
      [
        ["pulumi-nodejs:dynamic/azureml:TrainingService", "training"],
        ["pulumi-nodejs:dynamic/azureml:PredictiveService", "predictive"],
      ],
    );
    assert.equal(byName("training").inputs.role, "training");
    assert.equal(byName("predictive").inputs.role, "predictive");
    assert.equal(
      byName("predictive").inputs.trainedModelUri,
      "http://blob/acct/models/v1/key.ilearner",
    );
    assert.ok(isSecretInput(byName("training").inputs.token));
    assert.ok(
      isSecretInput(byName("training").inputs.storageAccount),
      "storage account (key) is secret",
    );
    assertProvider(byName("training"));
    assert.equal(
      byName("training").inputs.__provider,
      byName("predictive").inputs.__provider,
      "one provider text for both",
    );
    for (const s of [training, predictive]) {
      assert.equal(await isSecretOutput(s.primaryKey), true);
      assert.equal(await isSecretOutput(s.secondaryKey), true);
      assert.equal(await isSecretOutput(s.executionUrl), false);
    }
  });

  it("ClassicWebService and ClassicEndpoint register their inputs; keys are secret outputs", async () => {
    const service = new c.ClassicWebService("classic", {
      mode: "publish",
      endpoint: "http://127.0.0.1:9700",
      workspaceId: "ws",
      webServiceId: "c0ffee00c0ffee00c0ffee00c0ffee00",
      token: pulumi.secret(SECRETS.token),
      definition: { packageType: "Graph" },
    });
    const endpoint = new c.ClassicEndpoint("endpoint-contoso", {
      endpoint: "http://127.0.0.1:9700",
      workspaceId: "ws",
      webServiceId: service.webServiceId,
      token: pulumi.secret(SECRETS.token),
      name: "contoso",
      resourceName: "Census Model [trained model]",
      trainedModel: {
        baseLocation: "http://blob/acct/",
        relativeLocation: "models/v1/key.ilearner",
      },
      storageConnectionString: pulumi.secret(SECRETS.connectionString),
    });
    await settle();
    const e = byName("endpoint-contoso");
    assert.equal(e.type, "pulumi-nodejs:dynamic/azureml:ClassicEndpoint");
    assert.equal(e.inputs.webServiceId, "c0ffee00c0ffee00c0ffee00c0ffee00");
    assert.deepEqual(unwrapSecrets(e.inputs.trainedModel), {
      baseLocation: "http://blob/acct/",
      relativeLocation: "models/v1/key.ilearner",
    });
    assert.ok(isSecretInput(e.inputs.token));
    assert.ok(isSecretInput(e.inputs.storageConnectionString));
    assertProvider(e);
    assertProvider(byName("classic"));
    assert.equal(await isSecretOutput(endpoint.primaryKey), true);
    assert.equal(await isSecretOutput(service.defaultPrimaryKey), true);
  });
});
