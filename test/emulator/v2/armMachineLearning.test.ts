/**
 * Microsoft's own client, `@azure/arm-machinelearning` (api-version 2022-10-01), drives the
 * emulator's v2 surface unchanged: model versions, command jobs, online endpoints, deployments,
 * keys and traffic, with its own serializers, long-running-operation pollers and error mapping.
 *
 * The emulator serves HTTPS here (a self-signed certificate the client's agent trusts): the SDK
 * sends bearer tokens over TLS only. The credential is a plain TokenCredential that returns the
 * emulator's ARM token; `DefaultAzureCredential` is never constructed, so nothing probes the
 * network for a managed identity.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { Agent, request as httpsRequest } from "node:https";
import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import type { TokenCredential } from "@azure/core-auth";
import { RestError } from "@azure/core-rest-pipeline";
import { uniqueName } from "../../helpers/env";
import { azuriteOrigin, startTestEmulator, type TestEmulator } from "../../helpers/emulator";
import { expectInstance, expectPresent } from "../../helpers/expect";
import { selfSignedCertificate } from "../../helpers/tls";
import { CENSUS_NOVEMBER, CENSUS_V2_SOURCE, uploadBlob, uploadFolder } from "../../helpers/v2";
import { sklearnPython } from "../../../harness/interpreters";

const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000b3";
const LOCATION = "westeurope";

/** POSTs JSON over HTTPS, trusting `ca`. */
function postJson(
  url: string,
  key: string,
  body: unknown,
  ca: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpsRequest(
      url,
      {
        method: "POST",
        ca,
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

describe("@azure/arm-machinelearning drives the emulator's v2 surface", function () {
  this.timeout(180_000);
  let emulator: TestEmulator;
  let client: AzureMachineLearningWorkspaces;
  let ca: string;
  const rg = uniqueName("rg");
  const ws = uniqueName("ws");
  const poll = { updateIntervalInMs: 50 };

  before(async function () {
    const certificate = selfSignedCertificate();
    ca = certificate.cert;
    emulator = await startTestEmulator({
      tlsCertFile: certificate.certFile,
      tlsKeyFile: certificate.keyFile,
      python: sklearnPython(),
    });
    expect(emulator.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
    const token = emulator.credentials.armToken;
    const credential: TokenCredential = {
      getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    client = new AzureMachineLearningWorkspaces(credential, SUBSCRIPTION, {
      $host: emulator.url,
      endpoint: emulator.url,
      agent: new Agent({ ca, keepAlive: true }),
    });
  });
  after(async function () {
    await emulator?.close();
  });

  it("creates the workspace, registers code, data and environment, runs a job, and registers its model", async function () {
    const workspace = await client.workspaces.beginCreateOrUpdateAndWait(
      rg,
      ws,
      { location: LOCATION, friendlyName: ws },
      poll,
    );
    expect(workspace.provisioningState).to.equal("Succeeded");
    const store = await client.datastores.get(rg, ws, "workspaceblobstore");
    expect(store.properties.datastoreType).to.equal("AzureBlob");
    const container = (store.properties as { containerName: string }).containerName;
    // The data travels in the code folder: the SDK's serializer (2.1.1) drops `uri` and `mode`
    // from asset job inputs and outputs (it resolves their subtypes under `AssetJobInput`, not
    // `JobInput`), so with this client a job can only take literal inputs and default outputs.
    await uploadFolder(container, "LocalUpload/sdk/src", CENSUS_V2_SOURCE);
    await uploadBlob(
      container,
      "LocalUpload/sdk/src/census-2026-11.csv",
      readFileSync(CENSUS_NOVEMBER),
    );

    const environment = await client.environmentVersions.createOrUpdate(rg, ws, "sklearn", "1", {
      properties: {
        image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04",
        condaFile: "dependencies: [scikit-learn=1.2.1]",
      },
    });
    const code = await client.codeVersions.createOrUpdate(rg, ws, "census-src", "1", {
      properties: {
        codeUri: `${azuriteOrigin()}/devstoreaccount1/${container}/LocalUpload/sdk/src`,
      },
    });
    expect(code.id).to.equal(
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/codes/census-src/versions/1`,
    );

    const data = await client.dataVersions.createOrUpdate(rg, ws, "census", "2026-11", {
      properties: {
        dataType: "uri_file",
        dataUri:
          "azureml://datastores/workspaceblobstore/paths/LocalUpload/sdk/src/census-2026-11.csv",
      },
    });
    expect(data.properties.dataType).to.equal("uri_file");
    expect(
      (await client.dataVersions.get(rg, ws, "census", "2026-11")).properties.dataUri,
    ).to.equal(
      "azureml://datastores/workspaceblobstore/paths/LocalUpload/sdk/src/census-2026-11.csv",
    );

    const job = "census-v1-sdk";
    const submitted = await client.jobs.createOrUpdate(rg, ws, job, {
      properties: {
        jobType: "Command",
        experimentName: "census",
        codeId: code.id,
        environmentId: environment.id!,
        command:
          "python train.py --data census-2026-11.csv --C ${{inputs.C}} --model ${{outputs.model}} --metrics ${{outputs.metrics}}",
        inputs: { C: { jobInputType: "literal", value: "0.5" } },
        outputs: {
          model: {
            jobOutputType: "uri_folder",
            uri: "azureml://datastores/workspaceblobstore/paths/dropped/",
          },
          metrics: { jobOutputType: "uri_folder" },
        },
      },
    });
    expect(
      (submitted.properties as { outputs: Record<string, { uri?: string }> }).outputs.model.uri,
    ).to.equal(`azureml://datastores/workspaceblobstore/paths/azureml/${job}/model/`);
    expect(submitted.properties.status).to.equal("NotStarted");
    let status = submitted.properties.status;
    for (let i = 0; i < 600 && !["Completed", "Failed", "Canceled"].includes(status ?? ""); i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await client.jobs.get(rg, ws, job)).properties.status;
    }
    expect(status).to.equal("Completed");

    const model = await client.modelVersions.createOrUpdate(rg, ws, "census", "1", {
      properties: {
        modelUri: `azureml://jobs/${job}/outputs/model`,
        modelType: "custom_model",
        jobName: job,
        properties: { AUC: "0.79" },
      },
    });
    expect(model.properties).to.deep.include({
      modelUri: `azureml://jobs/${job}/outputs/model`,
      modelType: "custom_model",
      jobName: job,
    });
    const versions = [];
    for await (const version of client.modelVersions.list(rg, ws, "census"))
      versions.push(version.name);
    expect(versions).to.deep.equal(["1"]);
    const modelContainer = await client.modelContainers.get(rg, ws, "census");
    expect(modelContainer.properties.latestVersion).to.equal("1");
    const jobs = [];
    for await (const listed of client.jobs.list(rg, ws)) jobs.push(listed.name);
    expect(jobs).to.deep.equal([job]);
  });

  it("serves the model on an endpoint: deployment, traffic, keys, scoring, logs, and deletion", async function () {
    const endpoint = uniqueName("sdk-ep");
    const created = await client.onlineEndpoints.beginCreateOrUpdateAndWait(
      rg,
      ws,
      endpoint,
      { location: LOCATION, identity: { type: "SystemAssigned" }, properties: { authMode: "Key" } },
      poll,
    );
    expect(created.properties.provisioningState).to.equal("Succeeded");
    const modelId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/models/census/versions/1`;
    const deployment = await client.onlineDeployments.beginCreateOrUpdateAndWait(
      rg,
      ws,
      endpoint,
      "blue",
      {
        location: LOCATION,
        sku: { name: "Default", capacity: 1 },
        properties: {
          endpointComputeType: "Managed",
          model: modelId,
          codeConfiguration: { codeId: "azureml:census-src:1", scoringScript: "score.py" },
          environmentId: "azureml:sklearn:1",
          instanceType: "Standard_DS3_v2",
        },
      },
      poll,
    );
    expect(deployment.properties.provisioningState).to.equal("Succeeded");
    const withTraffic = await client.onlineEndpoints.beginCreateOrUpdateAndWait(
      rg,
      ws,
      endpoint,
      { location: LOCATION, properties: { authMode: "Key", traffic: { blue: 100 } } },
      poll,
    );
    expect(withTraffic.properties.traffic).to.deep.equal({ blue: 100 });
    expectPresent(withTraffic.properties.scoringUri);

    const keys = await client.onlineEndpoints.listKeys(rg, ws, endpoint);
    expectPresent(keys.primaryKey);
    const row = {
      age: 52,
      workclass: "Self-emp-inc",
      education: "Masters",
      "education-num": 14,
      "marital-status": "Married-civ-spouse",
      occupation: "Exec-managerial",
      relationship: "Husband",
      race: "White",
      sex: "Male",
      "capital-gain": 15024,
      "capital-loss": 0,
      "hours-per-week": 50,
      "native-country": "United-States",
    };
    const scored = await postJson(
      withTraffic.properties.scoringUri,
      keys.primaryKey,
      { data: [row] },
      ca,
    );
    expect(scored.status).to.equal(200);
    expect(scored.headers["azureml-model-deployment"]).to.equal("blue");
    expect((scored.body as { predictions: string[] }).predictions).to.deep.equal([">50K"]);

    const logs = await client.onlineDeployments.getLogs(rg, ws, endpoint, "blue", {
      containerType: "InferenceServer",
      tail: 20,
    });
    expect(logs.content).to.contain("init() done");
    const listed = [];
    for await (const d of client.onlineDeployments.list(rg, ws, endpoint)) listed.push(d.name);
    expect(listed).to.deep.equal(["blue"]);

    await client.onlineEndpoints.beginRegenerateKeysAndWait(
      rg,
      ws,
      endpoint,
      { keyType: "Secondary" },
      poll,
    );
    const regenerated = await client.onlineEndpoints.listKeys(rg, ws, endpoint);
    expect([
      regenerated.primaryKey === keys.primaryKey,
      regenerated.secondaryKey === keys.secondaryKey,
    ]).to.deep.equal([true, false]);

    const missing = await client.onlineDeployments.get(rg, ws, endpoint, "green").then(
      () => undefined,
      (error: unknown) => error,
    );
    expectInstance(missing, RestError);
    expect([missing.statusCode, missing.code]).to.deep.equal([404, "UserError"]);
    expect(missing.message).to.equal(
      `Deployment green not found in endpoint ${endpoint}, workspace ${ws}.`,
    );

    await client.onlineEndpoints.beginCreateOrUpdateAndWait(
      rg,
      ws,
      endpoint,
      { location: LOCATION, properties: { authMode: "Key", traffic: {} } },
      poll,
    );
    await client.onlineDeployments.beginDeleteAndWait(rg, ws, endpoint, "blue", poll);
    await client.onlineEndpoints.beginDeleteAndWait(rg, ws, endpoint, poll);
    const gone = await client.onlineEndpoints.get(rg, ws, endpoint).then(
      () => undefined,
      (error: unknown) => error,
    );
    expectInstance(gone, RestError);
    expect(gone.statusCode).to.equal(404);
  });

  it("cancels and deletes a job through the SDK's pollers", async function () {
    const job = uniqueName("sdk-sleep");
    await client.jobs.createOrUpdate(rg, ws, job, {
      properties: { jobType: "Command", environmentId: "azureml:sklearn:1", command: "sleep 60" },
    });
    for (
      let i = 0;
      i < 100 && (await client.jobs.get(rg, ws, job)).properties.status !== "Running";
      i++
    )
      await new Promise((r) => setTimeout(r, 50));
    await client.jobs.beginCancelAndWait(rg, ws, job, poll);
    expect((await client.jobs.get(rg, ws, job)).properties.status).to.equal("Canceled");
    await client.jobs.beginDeleteAndWait(rg, ws, job, poll);
    const gone = await client.jobs.get(rg, ws, job).then(
      () => undefined,
      (error: unknown) => error,
    );
    expectInstance(gone, RestError);
    expect(gone.statusCode).to.equal(404);
  });
});
