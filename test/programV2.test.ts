/**
 * The program on the v2 platform under Pulumi mocks, for both targets: the exact resource set,
 * the wiring (assets into the job, the registered model into the rollout, the endpoint into the
 * gate), secrets, the outputs, and the committed v2 stack files.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { CENSUS_V2_COLUMNS } from "../config";
import { expectPresent } from "./helpers/expect";
import {
  installMocks,
  isSecretInput,
  promiseOf,
  settle,
  unwrapSecrets,
  type Registration,
} from "./helpers/mocks";

const P = "azureml-retrain";
type Program = Record<string, pulumi.Output<unknown>>;
const FEATURES = CENSUS_V2_COLUMNS.filter((c) => c !== "income");

async function runProgram(
  config: Record<string, unknown>,
): Promise<{ program: Program; registrations: Registration[] }> {
  const registrations = await installMocks(P, "test");
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(config).map(([k, v]) => [
        `${P}:${k}`,
        typeof v === "string" ? v : JSON.stringify(v),
      ]),
    ),
  );
  for (const file of ["../index", "../config"]) delete require.cache[require.resolve(file)];
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

/** A stack file's config without the project prefix. */
function stackFile(name: string): Record<string, unknown> {
  const file = parse(fs.readFileSync(path.join(__dirname, "..", name), "utf8")) as {
    config: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries(file.config).map(([k, v]) => [k.replace(`${P}:`, ""), v]),
  );
}

describe("program (index.ts) on the v2 platform under mocks", function () {
  let emulatorDir: string;
  before(() => {
    emulatorDir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-v2-"));
    fs.writeFileSync(
      path.join(emulatorDir, "credentials.json"),
      JSON.stringify({
        armToken: "ARM-TOKEN-v2-0123456789",
        workspaceToken: "WS-TOKEN-0123456789",
      }),
    );
  });
  after(() => fs.rmSync(emulatorDir, { recursive: true, force: true }));

  describe("the committed local-v2 stack", function () {
    let program: Program;
    let registrations: Registration[];
    before(async () => {
      const config = stackFile("Pulumi.local-v2.yaml");
      config.local = {
        ...(config.local as Record<string, unknown>),
        emulatorLocation: emulatorDir,
      };
      ({ program, registrations } = await runProgram(config));
    });

    it("declares exactly the v2 resources", () => {
      expect(registrations.map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal(
        [
          "azureml-retrain:index:MlWorkspace ml",
          "pulumi-nodejs:dynamic/azureml:MlWorkspace ml-workspace",
          "pulumi-nodejs:dynamic/azureml:EnvironmentAsset environment",
          "pulumi-nodejs:dynamic/azureml:CodeAsset code",
          "pulumi-nodejs:dynamic/azureml:DataAsset data",
          "pulumi-nodejs:dynamic/azureml:OnlineEndpoint endpoint",
          "pulumi-nodejs:dynamic/azureml:MlTrainedModel model",
          "pulumi-nodejs:dynamic/azureml:ServedModel served",
        ].sort(),
      );
    });

    it("reaches the emulator with its ARM token and Azurite's account, as secrets", () => {
      const workspace = find(registrations, "ml-workspace");
      expect(isSecretInput(workspace.inputs.target)).to.equal(true);
      expect(unwrapSecrets(workspace.inputs.target)).to.deep.equal({
        endpoint: "http://127.0.0.1:9700",
        subscriptionId: "00000000-0000-0000-0000-000000000000",
        resourceGroup: "local",
        workspace: "census-ml",
        token: "ARM-TOKEN-v2-0123456789",
      });
      const data = find(registrations, "data");
      expect(isSecretInput(data.inputs.datastore)).to.equal(true);
      expect(unwrapSecrets(data.inputs.datastore)).to.deep.include({
        name: "workspaceblobstore",
        container: "azureml-blobstore-guid",
        artifactContainer: "azureml",
      });
      expect(data.inputs).to.deep.include({
        kind: "data",
        name: "census-data",
        path: "data/census-2026-11.csv",
        columns: CENSUS_V2_COLUMNS,
      });
      expect(find(registrations, "code").inputs).to.deep.include({
        kind: "code",
        name: "census-src",
        path: "definitions/v2/census/src",
      });
      expect(find(registrations, "environment").inputs).to.deep.include({
        kind: "environment",
        name: "census-env",
        image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04",
        path: "definitions/v2/census/environment.yml",
      });
    });

    it("wires the assets into the training job and the endpoint into its gate", () => {
      const model = find(registrations, "model");
      expect(model.inputs).to.deep.include({
        modelName: "census",
        version: "2026-11-27.1",
        codeId: "/ws/codes/census-src/versions/sha256-cccccccccccccccc",
        environmentId: "/ws/environments/census-env/versions/sha256-cccccccccccccccc",
        trainScript: "train.py",
        parameters: { C: "1.0" },
        gate: { metric: "AUC", min: 0.75, maxRegression: 0.02 },
        retain: true,
        deadlineMinutes: 30,
      });
      expect(model.inputs.data).to.deep.equal({
        assetId: "/ws/data/census-data/versions/sha256-cccccccccccccccc",
        sha256: "c".repeat(64),
        path: "data/census-2026-11.csv",
      });
      expect(model.inputs.serving).to.deep.equal({
        endpointName: "census-v2",
        labelColumn: "income",
        inputColumns: FEATURES,
      });
    });

    it("rolls the registered model out on the endpoint, mirrored first then in steps", () => {
      const served = find(registrations, "served");
      expect(served.inputs).to.deep.include({
        endpointName: "census-v2",
        location: "local",
        modelId: "/ws/models/census/versions/2026-11-27.1",
        modelVersion: "2026-11-27.1",
        codeId: "/ws/codes/census-src/versions/sha256-cccccccccccccccc",
        scoringScript: "score.py",
        instanceType: "Standard_DS3_v2",
        instanceCount: 1,
        rollout: { mirrorPercent: 10, steps: [20, 100] },
        keep: 1,
        check: { path: "data/census-2026-11.csv", inputColumns: FEATURES },
      });
      expect(find(registrations, "endpoint").inputs).to.deep.include({
        name: "census-v2",
        location: "local",
        authMode: "Key",
      });
    });

    it("exports the served version, its job and gate, the scoring URI, and the key as a secret", async () => {
      expect(Object.keys(program).sort()).to.deep.equal(
        [
          "servedVersion",
          "metrics",
          "reused",
          "trainingJob",
          "gate",
          "modelId",
          "scoringUri",
          "scoringKey",
          "liveDeployment",
          "deployments",
        ].sort(),
      );
      expect(await promiseOf(program.servedVersion)).to.equal("2026-11-27.1");
      expect(await promiseOf(program.scoringUri)).to.equal(
        "http://127.0.0.1:9700/inference/census-v2/score",
      );
      expect(await promiseOf(program.liveDeployment)).to.equal("v-2026-11-27.1");
      expect(await pulumi.isSecret(program.scoringKey)).to.equal(true);
      expect(await pulumi.isSecret(program.scoringUri)).to.equal(false);
    });
  });

  describe("the committed Azure v2 stack", function () {
    let registrations: Registration[];
    before(async () => {
      ({ registrations } = await runProgram(stackFile("Pulumi.dev-v2.yaml")));
    });

    it("creates the workspace with azure-native and the same dynamic resources against ARM", () => {
      expect(registrations.map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal(
        [
          "azureml-retrain:index:MlWorkspace ml",
          "azure-native:storage:StorageAccount ml-storage",
          "azure-native:keyvault:Vault ml-vault",
          "azure-native:operationalinsights:Workspace ml-logs",
          "azure-native:applicationinsights:Component ml-insights",
          "azure-native:machinelearningservices:Workspace ml-workspace",
          "pulumi-nodejs:dynamic/azureml:EnvironmentAsset environment",
          "pulumi-nodejs:dynamic/azureml:CodeAsset code",
          "pulumi-nodejs:dynamic/azureml:DataAsset data",
          "pulumi-nodejs:dynamic/azureml:OnlineEndpoint endpoint",
          "pulumi-nodejs:dynamic/azureml:MlTrainedModel model",
          "pulumi-nodejs:dynamic/azureml:ServedModel served",
        ].sort(),
      );
      const workspace = find(registrations, "ml-workspace");
      expect(workspace.inputs).to.deep.include({
        resourceGroupName: "rg-azureml-retrain-dev",
        location: "westeurope",
        workspaceName: "mlw-census-dev",
        identity: { type: "SystemAssigned" },
        storageAccount: "ml-storage-id",
        keyVault: "ml-vault-id",
        applicationInsights: "ml-insights-id",
      });
    });

    it("uses Entra ID (no token) and the workspace's own datastore container and key", () => {
      const data = find(registrations, "data");
      expect(unwrapSecrets(data.inputs.target)).to.deep.equal({
        endpoint: "https://management.azure.com",
        subscriptionId: "00000000-0000-0000-0000-000000000000",
        resourceGroup: "rg-azureml-retrain-dev",
        workspace: "mlw-census-dev",
      });
      expect(isSecretInput(data.inputs.datastore)).to.equal(true);
      expect(unwrapSecrets(data.inputs.datastore)).to.deep.equal({
        name: "workspaceblobstore",
        container: "azureml-blobstore-0f0f0f0f-guid",
        artifactContainer: "azureml",
        connectionString:
          "DefaultEndpointsProtocol=https;AccountName=amlretrainv2dev;AccountKey=AZKEY0123456789abcdefAZKEY==;EndpointSuffix=core.windows.net",
      });
      expect(find(registrations, "model").inputs.compute).to.equal(undefined);
    });
  });

  it("refuses classic endpoints and a blob URL as data on the v2 platform, before any resource", async () => {
    const registrations = await installMocks(P, "test");
    const { parseConfig } = await import("../config");
    expect(() =>
      parseConfig({
        platform: "v2",
        model: JSON.stringify({
          version: "1",
          data: "https://x.blob.core.windows.net/c/d.csv",
          gate: { metric: "AUC", min: 0.7 },
          parameters: { "bad flag": "1" },
        }),
        endpoints: JSON.stringify([{ name: "contoso" }]),
      }),
    ).to.throw(
      [
        "invalid stack configuration:",
        '  - azureml-retrain:model.parameters.bad flag: v2 passes parameters to the training script as --<name>: use letters, digits, "_" and "-", a letter first, not data, model or metrics',
        "  - azureml-retrain:model.data: the v2 platform registers a local CSV as a data asset: name a file relative to the project",
        "  - azureml-retrain:endpoints: classic endpoints belong to azureml-retrain:platform: classic; the v2 platform serves through its online endpoint (azureml-retrain:v2.endpoint)",
      ].join("\n"),
    );
    expect(registrations).to.deep.equal([]);
  });
});
