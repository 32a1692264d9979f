import { expect } from "chai";
import { expectPresent } from "../helpers/expect";
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
    expectPresent(
      found,
      `no registration named ${name}; have ${registrations.map((r) => r.name).join(", ")}`,
    );
    return found;
  };

  /**
   * The serialized provider: a string, loadable, the shim of at most 4 kB (the provider's code
   * is loaded from the project at run time, not kept in the state), with no secret in it.
   */
  function assertProvider(r: Registration): void {
    const text = r.inputs.__provider;
    expect(typeof text, `${r.name}: __provider must be serialized text`).to.equal("string");
    expect(text as string).to.match(/^exports\.handler = /m);
    expect(Buffer.byteLength(text as string), `${r.name}: __provider bytes`).to.be.at.most(4096);
    expect(text as string, "the provider's code is not in the state").to.not.match(
      /ClassicManagementClient|ArmWebServicesClient|BesClient|blobService/,
    );
    for (const secret of Object.values(SECRETS))
      expect((text as string).includes(secret), `${r.name}: __provider holds a secret`).to.equal(
        false,
      );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const provider = require("require-from-string")(text).handler();
    expect(Object.keys(provider).sort()).to.deep.equal([
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
    expect(registrations.map((r) => [r.type, r.name])).to.deep.equal([
      ["azureml-retrain:index:ModelStorage", "st"],
      ["pulumi-nodejs:dynamic/azureml:LocalContainers", "st-containers"],
    ]);
    const containers = byName("st-containers");
    expect(containers.inputs.containers).to.deep.equal(["training-data", "models"]);
    expect(
      isSecretInput(containers.inputs.connectionString),
      "connection string input is secret",
    ).to.equal(true);
    assertProvider(containers);
    expect(await isSecretOutput(storage.connectionString)).to.equal(true);
    expect(await isSecretOutput(storage.accountKey)).to.equal(true);
    expect(await promiseOf(storage.accountKey)).to.equal(SECRETS.storageKey);
    expect(await promiseOf(storage.blobEndpoint)).to.equal(
      "http://127.0.0.1:10000/devstoreaccount1",
    );
  });

  it("ModelStorage (azure) declares a locked-down StorageV2 account and private containers", async () => {
    const storage = new c.ModelStorage("st", {
      target: "azure",
      resourceGroupName: "rg",
      location: "westeurope",
      accountName: "amlretrain",
    });
    await settle();
    expect(registrations.map((r) => [r.type, r.name])).to.deep.equal([
      ["azureml-retrain:index:ModelStorage", "st"],
      ["azure-native:storage:StorageAccount", "st-account"],
      ["azure-native:storage:BlobContainer", "st-training-data"],
      ["azure-native:storage:BlobContainer", "st-models"],
    ]);
    expect(byName("st-account").inputs).to.deep.equal({
      resourceGroupName: "rg",
      location: "westeurope",
      accountName: "amlretrain",
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      allowBlobPublicAccess: false,
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
    });
    expect(byName("st-models").inputs).to.deep.equal({
      resourceGroupName: "rg",
      accountName: "amlretrain",
      containerName: "models",
      publicAccess: "None",
    });
    expect(await isSecretOutput(storage.connectionString)).to.equal(true);
    expect(await promiseOf(storage.connectionString)).to.match(
      /AccountName=amlretrain;AccountKey=AZKEY0123456789abcdefAZKEY==;/,
    );
    expect(await isSecretOutput(storage.accountKey)).to.equal(true);
  });

  it("ModelStorage rejects a target without what it needs", () => {
    expect(() => new c.ModelStorage("x", { target: "local" })).to.throw(
      /local target needs connectionString/,
    );
    expect(() => new c.ModelStorage("y", { target: "azure" })).to.throw(
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
    expect(r.type).to.equal("pulumi-nodejs:dynamic/azureml:TrainedModel");
    expect(r.custom).to.equal(true);
    // The SDK marks an object input secret as a whole when any member is secret.
    expect(isSecretInput(r.inputs.training), "training (with its apiKey) is secret").to.equal(true);
    const training = unwrapSecrets(r.inputs.training) as Record<string, unknown>;
    expect(training.executionUrl).to.equal("http://127.0.0.1:9700/subscriptions/a/services/b");
    expect(isSecretInput(r.inputs.store), "store (with its connection string) is secret").to.equal(
      true,
    );
    expect(isSecretInput(r.inputs.servingToken), "servingToken is secret").to.equal(true);
    expect(Object.keys(r.inputs).sort(), "computed outputs are not sent as inputs").to.deep.equal([
      "__provider",
      "data",
      "gate",
      "parameters",
      "retain",
      "servingToken",
      "store",
      "training",
      "version",
    ]);
    assertProvider(r);
    expect(await isSecretOutput(model.modelSasToken), "the model SAS output is secret").to.equal(
      true,
    );
    expect(await isSecretOutput(model.metrics)).to.equal(false);
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
    expect(registrations.map((r) => [r.type, r.name])).to.deep.equal([
      ["pulumi-nodejs:dynamic/azureml:TrainingService", "training"],
      ["pulumi-nodejs:dynamic/azureml:PredictiveService", "predictive"],
    ]);
    expect(byName("training").inputs.role).to.equal("training");
    expect(byName("predictive").inputs.role).to.equal("predictive");
    expect(byName("predictive").inputs.trainedModelUri).to.equal(
      "http://blob/acct/models/v1/key.ilearner",
    );
    expect(isSecretInput(byName("training").inputs.token)).to.equal(true);
    expect(
      isSecretInput(byName("training").inputs.storageAccount),
      "storage account (key) is secret",
    ).to.equal(true);
    assertProvider(byName("training"));
    expect(byName("training").inputs.__provider, "one provider text for both").to.equal(
      byName("predictive").inputs.__provider,
    );
    for (const s of [training, predictive]) {
      expect(await isSecretOutput(s.primaryKey)).to.equal(true);
      expect(await isSecretOutput(s.secondaryKey)).to.equal(true);
      expect(await isSecretOutput(s.executionUrl)).to.equal(false);
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
    expect(e.type).to.equal("pulumi-nodejs:dynamic/azureml:ClassicEndpoint");
    expect(e.inputs.webServiceId).to.equal("c0ffee00c0ffee00c0ffee00c0ffee00");
    expect(unwrapSecrets(e.inputs.trainedModel)).to.deep.equal({
      baseLocation: "http://blob/acct/",
      relativeLocation: "models/v1/key.ilearner",
    });
    expect(isSecretInput(e.inputs.token)).to.equal(true);
    expect(isSecretInput(e.inputs.storageConnectionString)).to.equal(true);
    assertProvider(e);
    assertProvider(byName("classic"));
    expect(await isSecretOutput(endpoint.primaryKey)).to.equal(true);
    expect(await isSecretOutput(service.defaultPrimaryKey)).to.equal(true);
  });
});
