/**
 * The whole program under Pulumi mocks, for both stacks: the exact resource set, the wiring
 * between resources, secrets, and config errors raised before any resource is declared.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CENSUS_COLUMNS } from "../data/generate";
import {
  installMocks,
  isSecretInput,
  promiseOf,
  settle,
  unwrapSecrets,
  type Registration,
} from "./helpers/mocks";

const P = "azureml-retrain";
const model = {
  version: "2026-11-27.1",
  data: "data/census-2026-11.csv",
  gate: { metric: "AUC", min: 0.8, maxRegression: 0.01 },
};
const endpoints = [
  { name: "contoso" },
  { name: "fabrikam", model: { version: "2026-10-30.1", data: "data/census-2026-10.csv" } },
  { name: "northwind", model: { version: "2026-10-30.1", data: "data/census-2026-10.csv" } },
];
const CREDS = {
  armToken: "EMULATOR-ARM-TOKEN-123456",
  workspaceToken: "EMULATOR-WS-TOKEN-123456",
  workspaceId: "10ca1000000000000000000000000001",
};

type Program = Record<string, pulumi.Output<unknown>>;
const PREDICTIVE_COLUMNS = CENSUS_COLUMNS.filter((c) => c !== "income");

/** Imports index.ts afresh with the given config; returns its exports and the registrations. */
async function runProgram(
  config: Record<string, unknown>,
  secretKeys: string[] = [],
): Promise<{ program: Program; registrations: Registration[] }> {
  const registrations = await installMocks(P, "test");
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(config).map(([k, v]) => [
        `${P}:${k}`,
        typeof v === "string" ? v : JSON.stringify(v),
      ]),
    ),
    secretKeys.map((k) => `${P}:${k}`),
  );
  for (const file of ["../index", "../config"]) delete require.cache[require.resolve(file)];
  // require, not import(): the ESM loader's cache cannot be cleared between stacks.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../index") as Program;
  await settle();
  return { program, registrations };
}

function find(registrations: Registration[], name: string): Registration {
  const r = registrations.find((x) => x.name === name);
  assert.ok(r, `no resource ${name}; have ${registrations.map((x) => x.name).join(", ")}`);
  return r;
}

describe("program (index.ts) under mocks", () => {
  let emulatorDir: string;
  before(() => {
    emulatorDir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-"));
    fs.writeFileSync(
      path.join(emulatorDir, "credentials.json"),
      JSON.stringify({ armToken: CREDS.armToken, workspaceToken: CREDS.workspaceToken }),
    );
  });
  after(() => fs.rmSync(emulatorDir, { recursive: true, force: true }));

  describe("local stack", () => {
    let program: Program;
    let registrations: Registration[];
    before(async () => {
      ({ program, registrations } = await runProgram({
        target: "local",
        model,
        endpoints,
        local: { emulatorLocation: emulatorDir },
      }));
    });

    // Registration order follows the async resolution of inputs, so the sets are compared.
    it("declares exactly the resources of the local stack", () => {
      assert.deepEqual(
        registrations.map((r) => `${r.type} ${r.name}`).sort(),
        [
          "azureml-retrain:index:ModelStorage storage",
          "pulumi-nodejs:dynamic/azureml:LocalContainers storage-containers",
          "pulumi-nodejs:dynamic/azureml:TrainingService training",
          "pulumi-nodejs:dynamic/azureml:TrainedModel model",
          "pulumi-nodejs:dynamic/azureml:PredictiveService predictive",
          "pulumi-nodejs:dynamic/azureml:ClassicWebService classic",
          "pulumi-nodejs:dynamic/azureml:TrainedModel model-2026-10-30.1",
          "pulumi-nodejs:dynamic/azureml:ClassicEndpoint endpoint-contoso",
          "pulumi-nodejs:dynamic/azureml:ClassicEndpoint endpoint-fabrikam",
          "pulumi-nodejs:dynamic/azureml:ClassicEndpoint endpoint-northwind",
        ].sort(),
      );
      assert.equal(registrations.length, 10, "two pinned endpoints share one pinned model");
    });

    it("points the services at the emulator and Azurite with the emulator's tokens, as secrets", () => {
      const training = find(registrations, "training");
      assert.equal(training.inputs.endpoint, "http://127.0.0.1:9700");
      assert.equal(training.inputs.name, "census-training");
      assert.ok(isSecretInput(training.inputs.token));
      assert.equal(unwrapSecrets(training.inputs.token), CREDS.armToken);
      assert.deepEqual(unwrapSecrets(training.inputs.storageAccount), {
        name: "devstoreaccount1",
        key: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
      });
      assert.equal(training.inputs.workspaceId, CREDS.workspaceId);
      const definition = training.inputs.definition as { package: { nodes: object } };
      assert.ok(
        Object.keys(definition.package.nodes).length > 5,
        "the training definition is sent",
      );
      const containers = find(registrations, "storage-containers");
      assert.match(
        String(unwrapSecrets(containers.inputs.connectionString)),
        /BlobEndpoint=http:\/\/127\.0\.0\.1:10000\/devstoreaccount1;/,
      );
    });

    it("wires the training service's BES endpoint and key into the model", () => {
      const m = find(registrations, "model");
      const training = unwrapSecrets(m.inputs.training) as Record<string, unknown>;
      assert.deepEqual(training, {
        executionUrl: "http://127.0.0.1:9700/subscriptions/abc/services/census-training",
        apiKey: "pk-training",
        inputPort: "input1",
        modelOutput: "output1",
        evaluationOutput: "output2",
        inputColumns: [...CENSUS_COLUMNS],
      });
      assert.ok(isSecretInput(m.inputs.training), "the training key keeps the object secret");
      assert.equal(m.inputs.version, "2026-11-27.1");
      assert.equal(m.inputs.data, "data/census-2026-11.csv");
      assert.deepEqual(m.inputs.gate, { metric: "AUC", min: 0.8, maxRegression: 0.01 });
      assert.equal(m.inputs.retain, true);
      assert.deepEqual(m.inputs.serving, {
        kind: "arm",
        endpoint: "http://127.0.0.1:9700",
        subscriptionId: "00000000-0000-0000-0000-000000000000",
        resourceGroup: "local",
        name: "census-predictive",
        assetName: "Census Model [trained model]",
        inputPort: "input1",
        inputColumns: PREDICTIVE_COLUMNS,
        labelColumn: "income",
      });
    });

    it("serves the declared model on the predictive service and the unpinned endpoint", () => {
      const predictive = find(registrations, "predictive");
      assert.equal(
        predictive.inputs.trainedModelUri,
        "http://blob/acct/models/2026-11-27.1/key.ilearner",
      );
      assert.equal(predictive.inputs.trainedModelAssetName, "Census Model [trained model]");
      const contoso = find(registrations, "endpoint-contoso");
      assert.deepEqual(unwrapSecrets(contoso.inputs.trainedModel), {
        baseLocation: "http://blob/acct/",
        relativeLocation: "models/2026-11-27.1/key.ilearner",
      });
      assert.equal(contoso.inputs.webServiceId, "c0ffee00c0ffee00c0ffee00c0ffee00");
      assert.equal(contoso.inputs.resourceName, "Census Model [trained model]");
      assert.ok(isSecretInput(contoso.inputs.token));
      assert.ok(isSecretInput(contoso.inputs.storageConnectionString));
    });

    it("pins endpoints to their own model, gated against that endpoint", () => {
      const pinned = find(registrations, "model-2026-10-30.1");
      assert.equal(pinned.inputs.version, "2026-10-30.1");
      assert.equal(pinned.inputs.data, "data/census-2026-10.csv");
      assert.deepEqual(pinned.inputs.serving, {
        kind: "classic",
        endpoint: "http://127.0.0.1:9700",
        workspaceId: CREDS.workspaceId,
        webServiceId: "c0ffee00c0ffee00c0ffee00c0ffee00",
        endpointName: "fabrikam",
        resourceName: "Census Model [trained model]",
        inputPort: "input1",
        inputColumns: PREDICTIVE_COLUMNS,
        labelColumn: "income",
      });
      for (const name of ["endpoint-fabrikam", "endpoint-northwind"]) {
        assert.equal(
          (
            unwrapSecrets(find(registrations, name).inputs.trainedModel) as {
              relativeLocation: string;
            }
          ).relativeLocation,
          "models/2026-10-30.1/key.ilearner",
        );
      }
    });

    it("publishes the classic service on the emulator with the declared model", () => {
      const classic = find(registrations, "classic");
      assert.equal(classic.inputs.mode, "publish");
      assert.equal(classic.inputs.name, "census-predictive (classic)");
      assert.deepEqual(unwrapSecrets(classic.inputs.trainedModel), {
        baseLocation: "http://blob/acct/",
        relativeLocation: "models/2026-11-27.1/key.ilearner",
      });
    });

    it("exports the served version, metrics, endpoints, and the model location as a secret", async () => {
      assert.equal(await promiseOf(program.servedVersion), "2026-11-27.1");
      assert.deepEqual(await promiseOf(program.metrics), { AUC: 0.9 });
      assert.equal(
        await promiseOf(program.predictiveUrl),
        "http://127.0.0.1:9700/subscriptions/abc/services/census-predictive",
      );
      assert.deepEqual(await promiseOf(pulumi.output(program.endpoints)), {
        contoso: {
          apiLocation: `http://127.0.0.1:9700/workspaces/${CREDS.workspaceId}/services/contoso`,
          version: "2026-11-27.1",
        },
        fabrikam: {
          apiLocation: `http://127.0.0.1:9700/workspaces/${CREDS.workspaceId}/services/fabrikam`,
          version: "2026-10-30.1",
        },
        northwind: {
          apiLocation: `http://127.0.0.1:9700/workspaces/${CREDS.workspaceId}/services/northwind`,
          version: "2026-10-30.1",
        },
      });
      assert.equal(await pulumi.isSecret(program.predictiveKey), true);
      assert.equal(await promiseOf(program.predictiveKey), "pk-predictive");
      assert.equal(await pulumi.isSecret(program.modelLocation), true);
      assert.equal(
        await promiseOf(program.modelLocation),
        "http://blob/acct/models/2026-11-27.1/key.ilearner?sv=x&sig=mocksig",
      );
    });

    it("serializes no secret into any provider text", () => {
      for (const r of registrations.filter((x) => typeof x.inputs.__provider === "string")) {
        const text = r.inputs.__provider as string;
        for (const secret of [
          CREDS.armToken,
          CREDS.workspaceToken,
          "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq",
        ]) {
          assert.ok(!text.includes(secret), `${r.name}'s provider holds a secret`);
        }
      }
    });
  });

  describe("azure (dev) stack", () => {
    let registrations: Registration[];
    const azure = {
      subscriptionId: "11111111-2222-3333-4444-555555555555",
      resourceGroup: "rg-dev",
      location: "westeurope",
      workspaceId: "ws-dev",
      storageAccountName: "amlretraindev",
    };
    before(async () => {
      ({ registrations } = await runProgram(
        {
          target: "azure",
          model,
          endpoints: [{ name: "contoso" }],
          azure,
          workspaceToken: "AZURE-WS-TOKEN-123456",
        },
        ["workspaceToken"],
      ));
    });

    it("declares an Azure storage account and references the existing classic service", () => {
      assert.deepEqual(
        registrations.map((r) => `${r.type} ${r.name}`).sort(),
        [
          "azureml-retrain:index:ModelStorage storage",
          "azure-native:storage:StorageAccount storage-account",
          "azure-native:storage:BlobContainer storage-training-data",
          "azure-native:storage:BlobContainer storage-models",
          "pulumi-nodejs:dynamic/azureml:TrainingService training",
          "pulumi-nodejs:dynamic/azureml:TrainedModel model",
          "pulumi-nodejs:dynamic/azureml:PredictiveService predictive",
          "pulumi-nodejs:dynamic/azureml:ClassicWebService classic",
          "pulumi-nodejs:dynamic/azureml:ClassicEndpoint endpoint-contoso",
        ].sort(),
      );
      const classic = find(registrations, "classic");
      assert.equal(classic.inputs.mode, "reference");
      assert.equal(classic.inputs.endpoint, "https://management.azureml.net");
      assert.equal(unwrapSecrets(classic.inputs.token), "AZURE-WS-TOKEN-123456");
      assert.ok(isSecretInput(classic.inputs.token));
    });

    it("uses ARM on Azure with Entra ID (no static token) and the account key as a secret", () => {
      const training = find(registrations, "training");
      assert.equal(training.inputs.endpoint, "https://management.azure.com");
      assert.equal(training.inputs.token, undefined);
      assert.equal(training.inputs.subscriptionId, azure.subscriptionId);
      assert.equal(training.inputs.resourceGroup, "rg-dev");
      assert.equal(training.inputs.location, "westeurope");
      assert.ok(isSecretInput(training.inputs.storageAccount));
      assert.deepEqual(unwrapSecrets(training.inputs.storageAccount), {
        name: "amlretraindev",
        key: "AZKEY0123456789abcdefAZKEY==",
      });
      const m = find(registrations, "model");
      assert.match(
        String((unwrapSecrets(m.inputs.store) as { connectionString: string }).connectionString),
        /^DefaultEndpointsProtocol=https;AccountName=amlretraindev;AccountKey=AZKEY/,
      );
      assert.equal(m.inputs.servingToken, undefined, "ARM serving target uses Entra ID");
    });
  });

  describe("bad configuration", () => {
    it("fails before declaring any resource, naming the field", async () => {
      await assert.rejects(
        runProgram({
          target: "local",
          model: { ...model, version: "not valid!" },
          local: { emulatorLocation: emulatorDir },
        }),
        /azureml-retrain:model\.version: "not valid!" is not a valid version/,
      );
    });
    it("says to start the emulators when their credentials are missing", async () => {
      await assert.rejects(
        runProgram({
          target: "local",
          model,
          local: { emulatorLocation: path.join(emulatorDir, "nope") },
        }),
        /start the emulators first \(npm run emulators\)/,
      );
    });
  });
});
