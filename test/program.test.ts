/**
 * The whole program under Pulumi mocks, for both stacks: the exact resource set, the wiring
 * between resources, secrets, and config errors raised before any resource is declared.
 */
import { expect } from "chai";
import { expectPresent } from "./helpers/expect";
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
  expectPresent(r, `no resource ${name}; have ${registrations.map((x) => x.name).join(", ")}`);
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
      expect(registrations.map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal(
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
      expect(registrations.length, "two pinned endpoints share one pinned model").to.equal(10);
    });

    it("points the services at the emulator and Azurite with the emulator's tokens, as secrets", () => {
      const training = find(registrations, "training");
      expect(training.inputs.endpoint).to.equal("http://127.0.0.1:9700");
      expect(training.inputs.name).to.equal("census-training");
      expect(isSecretInput(training.inputs.token)).to.equal(true);
      expect(unwrapSecrets(training.inputs.token)).to.equal(CREDS.armToken);
      expect(unwrapSecrets(training.inputs.storageAccount)).to.deep.equal({
        name: "devstoreaccount1",
        key: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
      });
      expect(training.inputs.workspaceId).to.equal(CREDS.workspaceId);
      const definition = training.inputs.definition as { package: { nodes: object } };
      expect(
        Object.keys(definition.package.nodes).length,
        "the training definition is sent",
      ).to.be.above(5);
      const containers = find(registrations, "storage-containers");
      expect(String(unwrapSecrets(containers.inputs.connectionString))).to.match(
        /BlobEndpoint=http:\/\/127\.0\.0\.1:10000\/devstoreaccount1;/,
      );
    });

    it("wires the training service's BES endpoint and key into the model", () => {
      const m = find(registrations, "model");
      const training = unwrapSecrets(m.inputs.training) as Record<string, unknown>;
      expect(training).to.deep.equal({
        executionUrl: "http://127.0.0.1:9700/subscriptions/abc/services/census-training",
        apiKey: "pk-training",
        inputPort: "input1",
        modelOutput: "output1",
        evaluationOutput: "output2",
        inputColumns: [...CENSUS_COLUMNS],
      });
      expect(isSecretInput(m.inputs.training), "the training key keeps the object secret").to.equal(
        true,
      );
      expect(m.inputs.version).to.equal("2026-11-27.1");
      expect(m.inputs.data).to.equal("data/census-2026-11.csv");
      expect(m.inputs.gate).to.deep.equal({ metric: "AUC", min: 0.8, maxRegression: 0.01 });
      expect(m.inputs.retain).to.equal(true);
      expect(m.inputs.serving).to.deep.equal({
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
      expect(predictive.inputs.trainedModelUri).to.equal(
        "http://blob/acct/models/2026-11-27.1/key.ilearner",
      );
      expect(predictive.inputs.trainedModelAssetName).to.equal("Census Model [trained model]");
      const contoso = find(registrations, "endpoint-contoso");
      expect(unwrapSecrets(contoso.inputs.trainedModel)).to.deep.equal({
        baseLocation: "http://blob/acct/",
        relativeLocation: "models/2026-11-27.1/key.ilearner",
      });
      expect(contoso.inputs.webServiceId).to.equal("c0ffee00c0ffee00c0ffee00c0ffee00");
      expect(contoso.inputs.resourceName).to.equal("Census Model [trained model]");
      expect(isSecretInput(contoso.inputs.token)).to.equal(true);
      expect(isSecretInput(contoso.inputs.storageConnectionString)).to.equal(true);
    });

    it("pins endpoints to their own model, gated against that endpoint", () => {
      const pinned = find(registrations, "model-2026-10-30.1");
      expect(pinned.inputs.version).to.equal("2026-10-30.1");
      expect(pinned.inputs.data).to.equal("data/census-2026-10.csv");
      expect(pinned.inputs.serving).to.deep.equal({
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
        expect(
          (
            unwrapSecrets(find(registrations, name).inputs.trainedModel) as {
              relativeLocation: string;
            }
          ).relativeLocation,
        ).to.equal("models/2026-10-30.1/key.ilearner");
      }
    });

    it("publishes the classic service on the emulator with the declared model", () => {
      const classic = find(registrations, "classic");
      expect(classic.inputs.mode).to.equal("publish");
      expect(classic.inputs.name).to.equal("census-predictive (classic)");
      expect(unwrapSecrets(classic.inputs.trainedModel)).to.deep.equal({
        baseLocation: "http://blob/acct/",
        relativeLocation: "models/2026-11-27.1/key.ilearner",
      });
    });

    it("exports the served version, metrics, endpoints, and the model location as a secret", async () => {
      expect(await promiseOf(program.servedVersion)).to.equal("2026-11-27.1");
      expect(await promiseOf(program.metrics)).to.deep.equal({ AUC: 0.9 });
      expect(await promiseOf(program.predictiveUrl)).to.equal(
        "http://127.0.0.1:9700/subscriptions/abc/services/census-predictive",
      );
      expect(await promiseOf(pulumi.output(program.endpoints))).to.deep.equal({
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
      expect(await pulumi.isSecret(program.predictiveKey)).to.equal(true);
      expect(await promiseOf(program.predictiveKey)).to.equal("pk-predictive");
      expect(await pulumi.isSecret(program.modelLocation)).to.equal(true);
      expect(await promiseOf(program.modelLocation)).to.equal(
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
          expect(text.includes(secret), `${r.name}'s provider holds a secret`).to.equal(false);
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
      expect(registrations.map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal(
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
      expect(classic.inputs.mode).to.equal("reference");
      expect(classic.inputs.endpoint).to.equal("https://management.azureml.net");
      expect(unwrapSecrets(classic.inputs.token)).to.equal("AZURE-WS-TOKEN-123456");
      expect(isSecretInput(classic.inputs.token)).to.equal(true);
    });

    it("uses ARM on Azure with Entra ID (no static token) and the account key as a secret", () => {
      const training = find(registrations, "training");
      expect(training.inputs.endpoint).to.equal("https://management.azure.com");
      expect(training.inputs.token).to.equal(undefined);
      expect(training.inputs.subscriptionId).to.equal(azure.subscriptionId);
      expect(training.inputs.resourceGroup).to.equal("rg-dev");
      expect(training.inputs.location).to.equal("westeurope");
      expect(isSecretInput(training.inputs.storageAccount)).to.equal(true);
      expect(unwrapSecrets(training.inputs.storageAccount)).to.deep.equal({
        name: "amlretraindev",
        key: "AZKEY0123456789abcdefAZKEY==",
      });
      const m = find(registrations, "model");
      expect(
        String((unwrapSecrets(m.inputs.store) as { connectionString: string }).connectionString),
      ).to.match(/^DefaultEndpointsProtocol=https;AccountName=amlretraindev;AccountKey=AZKEY/);
      expect(m.inputs.servingToken, "ARM serving target uses Entra ID").to.equal(undefined);
    });
  });

  describe("a definition with a saved transformation (bike-sql)", () => {
    const bike = {
      target: "local",
      model: {
        version: "2026-11-27.1",
        data: "data/bike-demand-sample.csv",
        gate: { metric: "Coefficient of Determination", min: 0.8 },
      },
      services: {
        trainingDefinition: "definitions/bike-sql-training.json",
        predictiveDefinition: "definitions/bike-sql-predictive.json",
      },
      endpoints: [
        { name: "contoso" },
        {
          name: "fabrikam",
          model: { version: "2026-10-30.1", data: "data/bike-demand-sample.csv" },
        },
      ],
    };
    const ASSET = "Bike Demand SQL Normalization [transform]";
    const at = (version: string) => ({
      baseLocation: "http://blob/acct/",
      relativeLocation: `models/${version}/key.output3.itransform`,
    });
    let registrations: Registration[];
    before(async () => {
      ({ registrations } = await runProgram({
        ...bike,
        local: { emulatorLocation: emulatorDir },
      }));
    });

    it("trains the transformation with the model and sets both on the predictive service", () => {
      // The training object holds the BES key, so it is secret as a whole.
      const training = unwrapSecrets(find(registrations, "model").inputs.training) as {
        transformOutputs: string[];
      };
      expect(training.transformOutputs).to.deep.equal(["output3"]);
      const predictive = find(registrations, "predictive");
      expect(predictive.inputs.trainedModelAssetName).to.equal("Bike Demand SQL [trained model]");
      expect(predictive.inputs.trainedTransformUris).to.deep.equal({
        [ASSET]: "http://blob/acct/models/2026-11-27.1/key.output3.itransform",
      });
    });

    it("sets each endpoint's and the classic service's transformation from the model it serves", () => {
      expect(unwrapSecrets(find(registrations, "classic").inputs.trainedTransforms)).to.deep.equal({
        [ASSET]: at("2026-11-27.1"),
      });
      expect(
        unwrapSecrets(find(registrations, "endpoint-contoso").inputs.trainedTransforms),
      ).to.deep.equal({ [ASSET]: at("2026-11-27.1") });
      expect(
        unwrapSecrets(find(registrations, "endpoint-fabrikam").inputs.trainedTransforms),
      ).to.deep.equal({ [ASSET]: at("2026-10-30.1") });
    });

    it("sets none where the definitions have none (census)", async () => {
      const { registrations: census } = await runProgram({
        target: "local",
        model,
        endpoints,
        local: { emulatorLocation: emulatorDir },
      });
      for (const name of ["predictive", "classic", "endpoint-contoso"]) {
        const inputs = find(census, name).inputs;
        expect(inputs.trainedTransformUris, name).to.equal(undefined);
        expect(inputs.trainedTransforms, name).to.equal(undefined);
      }
    });

    it("refuses stages when the saved transformation rewrites input columns, naming them and the fix", async () => {
      await expect(
        runProgram({
          ...bike,
          rollout: { stages: [{ name: "canary", endpoints: ["contoso"] }] },
          local: { emulatorLocation: emulatorDir },
        }),
      ).to.be.rejectedWith(
        'azureml-retrain:rollout.stages: the saved transformation "output3" rewrites input columns ' +
          '(temperature, humidity, windspeed) of "definitions/bike-sql-training.json": a stage checks ' +
          "endpoints with the held-out rows as Score Model saw them, already transformed, so no " +
          "endpoint would agree. Remove rollout.stages for this definition, or transform only " +
          "columns derived in both graphs",
      );
    });

    it("stages a definition whose saved transformation rewrites derived columns only: each stage's candidate carries it with the model", async () => {
      // bike-sql's training graph with its normalization narrowed to the column its SQL derives.
      const training = JSON.parse(
        fs.readFileSync("definitions/bike-sql-training.json", "utf8"),
      ) as {
        properties: {
          package: { nodes: Record<string, { parameters?: Record<string, unknown> }> };
        };
      };
      const normalize = Object.values(training.properties.package.nodes).find(
        (n) => n.parameters?.["Columns to transform"] !== undefined,
      );
      expectPresent(normalize, "bike-sql's Normalize Data node");
      normalize.parameters!["Columns to transform"] = {
        value: JSON.stringify({
          isFilter: true,
          rules: [{ ruleType: "ColumnNames", exclude: false, columns: ["comfort"] }],
        }),
      };
      const file = path.join(emulatorDir, "bike-sql-derived-training.json");
      fs.writeFileSync(file, JSON.stringify(training));
      const { registrations: staged } = await runProgram({
        ...bike,
        services: { ...bike.services, trainingDefinition: file },
        rollout: { stages: [{ name: "canary", endpoints: ["contoso"] }] },
        local: { emulatorLocation: emulatorDir },
      });
      const candidate = unwrapSecrets(find(staged, "stage-canary").inputs.candidate) as Record<
        string,
        unknown
      >;
      expect(candidate.transforms).to.deep.equal({ [ASSET]: at("2026-11-27.1") });
      expect(candidate.model).to.deep.equal({
        baseLocation: "http://blob/acct/",
        relativeLocation: "models/2026-11-27.1/key.ilearner",
      });
    });

    it("refuses a transformAssets pairing that names no such output or asset", async () => {
      await expect(
        runProgram({
          ...bike,
          services: { ...bike.services, transformAssets: { output9: "Other [transform]" } },
          local: { emulatorLocation: emulatorDir },
        }),
      ).to.be.rejectedWith(
        'azureml-retrain:services.transformAssets: "output9" is not a transformation output of the training definition (it has "output3"); ' +
          '"Other [transform]" is not a "[transform]" asset of "definitions/bike-sql-predictive.json" (it has "Bike Demand SQL Normalization [transform]"); ' +
          '"Bike Demand SQL Normalization [transform]" would keep serving the transformation in the definition: pair each with an output',
      );
    });
  });

  describe("bad configuration", () => {
    it("fails before declaring any resource, naming the field", async () => {
      await expect(
        runProgram({
          target: "local",
          model: { ...model, version: "not valid!" },
          local: { emulatorLocation: emulatorDir },
        }),
      ).to.be.rejectedWith(/azureml-retrain:model\.version: "not valid!" is not a valid version/);
    });
    it("says to start the emulators when their credentials are missing", async () => {
      await expect(
        runProgram({
          target: "local",
          model,
          local: { emulatorLocation: path.join(emulatorDir, "nope") },
        }),
      ).to.be.rejectedWith(/start the emulators first \(npm run emulators\)/);
    });
  });
});
