/**
 * Online endpoints, deployments and the scoring router over HTTP, with real Python containers
 * running a small scoring script: provisioning (and an init() crash), keys and tokens, the
 * `azureml-model-deployment` header, weighted and mirrored routing, the router's 404/408/413/
 * 424/429, the traffic rules, and the deployment rules (immutable members, no delete with
 * traffic).
 */
import { expect } from "chai";
import type {
  EndpointKeys,
  OnlineEndpointProperties,
  V2OperationStatus,
  V2Resource,
} from "../../../contract/v2";
import { uniqueName } from "../../helpers/env";
import {
  httpRequest,
  startTestEmulator,
  type TestEmulator,
  type TestResponse,
} from "../../helpers/emulator";
import { expectPresent } from "../../helpers/expect";
import { V2Api, echoScoringFolder, uploadBlob, type TestWorkspace } from "../../helpers/v2";
import { sklearnPython } from "../../../harness/interpreters";

interface Echo {
  model: string;
  echo: unknown;
}

describe("emulator v2 surface: online endpoints and the scoring router", function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let api: V2Api;
  let ws: TestWorkspace;
  let codeId: string;
  let environmentId: string;
  let endpointPath: string;
  let scoringUri: string;
  let keys: EndpointKeys;

  async function model(label: string): Promise<string> {
    await uploadBlob(ws.container, `models/${label}/label.txt`, label);
    const id = `${ws.path}/models/echo-${label}/versions/1`;
    const put = await api.call("PUT", id, {
      properties: { modelUri: `azureml://datastores/workspaceblobstore/paths/models/${label}/` },
    });
    expect(put.status, put.text).to.equal(201);
    return id;
  }

  function deploymentBody(modelId: string, requestSettings: Record<string, unknown> = {}): unknown {
    return {
      location: "westeurope",
      sku: { name: "Default", capacity: 1 },
      properties: {
        endpointComputeType: "Managed",
        model: modelId,
        codeConfiguration: { codeId, scoringScript: "score.py" },
        environmentId,
        requestSettings,
      },
    };
  }

  async function deploy(
    name: string,
    label: string,
    requestSettings: Record<string, unknown> = {},
  ): Promise<void> {
    await api.putAndWait(
      `${endpointPath}/deployments/${name}`,
      deploymentBody(await model(label), requestSettings),
    );
  }

  async function setTraffic(
    traffic: Record<string, number>,
    mirrorTraffic: Record<string, number> = {},
  ): Promise<void> {
    await api.putAndWait(`${endpointPath}`, {
      location: "westeurope",
      properties: { authMode: "Key", traffic, mirrorTraffic },
    });
  }

  function score(
    body: unknown,
    options: { key?: string | null; deployment?: string; raw?: string | Uint8Array } = {},
  ): Promise<TestResponse> {
    return httpRequest("POST", scoringUri, {
      token: options.key === undefined ? keys.primaryKey : options.key,
      body: options.raw ?? body,
      headers: {
        "Content-Type": "application/json",
        ...(options.deployment ? { "azureml-model-deployment": options.deployment } : {}),
      },
    });
  }

  before(async function () {
    emulator = await startTestEmulator({
      python: sklearnPython(),
      v2: { retryAfterSeconds: 0, routingSeed: 7 },
    });
    api = new V2Api(emulator);
    ws = await api.workspace();
    codeId = await api.code(ws, echoScoringFolder(), "echo-score");
    environmentId = await api.environment(ws);
    const name = uniqueName("ep");
    endpointPath = `${ws.path}/onlineEndpoints/${name}`;
    const put = await api.call<V2Resource<OnlineEndpointProperties>>("PUT", endpointPath, {
      location: "westeurope",
      identity: { type: "SystemAssigned" },
      properties: { authMode: "Key", traffic: {} },
    });
    expect(put.status, put.text).to.equal(201);
    expect(put.body.properties.provisioningState).to.equal("Creating");
    const asyncUrl = put.headers.get("azure-asyncoperation");
    expectPresent(asyncUrl);
    expect(put.body.properties.properties).to.deep.equal({ AzureAsyncOperationUri: asyncUrl });
    expect(((await api.wait(put)) as V2OperationStatus).status).to.equal("Succeeded");
    const got = await api.call<V2Resource<OnlineEndpointProperties>>("GET", endpointPath);
    expectPresent(got.body.properties.scoringUri);
    scoringUri = got.body.properties.scoringUri;
    expect(scoringUri).to.equal(`${emulator.url}/inference/${name}/score`);
    keys = (await api.call<EndpointKeys>("POST", `${endpointPath}/listKeys`)).body;
    expect(keys.primaryKey).to.have.length(32);
    await deploy("blue", "blue");
    await deploy("green", "green");
  });
  after(async function () {
    await emulator?.close();
  });

  it("answers 404 while no deployment takes traffic, and the named deployment with the header", async function () {
    const none = await score({ data: 1 });
    expect(none.status).to.equal(404);
    expect((none.body as { error: { code: string } }).error.code).to.equal("NotFound");
    const named = await score({ data: [1, 2] }, { deployment: "green" });
    expect(named.status, named.text).to.equal(200);
    expect(named.body).to.deep.equal({ model: "green", echo: [1, 2] });
    expect(named.headers.get("azureml-model-deployment")).to.equal("green");
    expect(named.headers.get("x-ms-run-function-failed")).to.equal("False");
    const unknown = await score({ data: 1 }, { deployment: "purple" });
    expect(unknown.status).to.equal(404);
  });

  it("refuses traffic that breaks the rules, naming the rule", async function () {
    const cases: [Record<string, number>, Record<string, number>, string][] = [
      [
        { blue: 60, green: 30 },
        {},
        "Invalid properties.traffic: the percents must add up to 100 (or all be 0), got 90",
      ],
      [
        { purple: 100 },
        {},
        "Invalid properties.traffic: deployment purple does not exist on this endpoint (deployments: blue, green)",
      ],
      [
        { blue: 100 },
        { blue: 10 },
        "Invalid properties.mirrorTraffic: deployment blue takes live traffic and cannot also receive mirrored traffic",
      ],
      [
        { blue: 100 },
        { green: 60 },
        "Invalid properties.mirrorTraffic: at most 50 percent can be mirrored, got 60",
      ],
    ];
    for (const [traffic, mirrorTraffic, message] of cases) {
      const res = await api.call<{ error: { code: string; message: string } }>(
        "PUT",
        endpointPath,
        {
          location: "westeurope",
          properties: { authMode: "Key", traffic, mirrorTraffic },
        },
      );
      expect(res.status, res.text).to.equal(400);
      expect(res.body.error).to.deep.include({ code: "UserError", message });
    }
  });

  it("routes by weight, answers identical re-PUTs at once, and keeps header and body in step", async function () {
    await setTraffic({ blue: 70, green: 30 });
    const again = await api.call("PUT", endpointPath, {
      location: "westeurope",
      properties: { authMode: "Key", traffic: { blue: 70, green: 30 }, mirrorTraffic: {} },
    });
    expect(again.status).to.equal(200);
    expect(again.headers.get("azure-asyncoperation")).to.equal(null);
    const counts: Record<string, number> = { blue: 0, green: 0 };
    for (let i = 0; i < 200; i++) {
      const res = await score({ data: i });
      expect(res.status, res.text).to.equal(200);
      const deployment = res.headers.get("azureml-model-deployment") ?? "";
      expect((res.body as Echo).model).to.equal(deployment);
      counts[deployment]++;
    }
    // 200 draws at 70 %: 140 expected, sd 6.5; 4 sd either side.
    expect(counts.blue + counts.green).to.equal(200);
    expect(counts.blue).to.be.within(114, 166);
  });

  it("mirrors a share of unnamed calls to the mirror deployment and discards its answers", async function () {
    await setTraffic({ blue: 100 }, { green: 50 });
    const logsBefore = await api.call<{ content: string }>(
      "POST",
      `${endpointPath}/deployments/green/getLogs`,
      { tail: 10000 },
    );
    const before = (logsBefore.body.content.match(/^run green$/gm) ?? []).length;
    for (let i = 0; i < 100; i++) {
      const res = await score({ data: i });
      expect(res.status).to.equal(200);
      expect(res.headers.get("azureml-model-deployment")).to.equal("blue");
    }
    const named = await score({ data: "x" }, { deployment: "blue" });
    expect(named.status).to.equal(200);
    await new Promise((r) => setTimeout(r, 300));
    const logs = await api.call<{ content: string }>(
      "POST",
      `${endpointPath}/deployments/green/getLogs`,
      { tail: 10000 },
    );
    const mirrored = (logs.body.content.match(/^run green$/gm) ?? []).length - before;
    // 100 draws at 50 %: 4 sd either side of 50.
    expect(mirrored).to.be.within(30, 70);
    await setTraffic({ blue: 100 });
  });

  it("authenticates by key: none or a wrong one is 401, the secondary works, a regenerated primary replaces the old", async function () {
    expect((await score({ data: 1 }, { key: null })).status).to.equal(401);
    expect((await score({ data: 1 }, { key: "wrong" })).status).to.equal(401);
    expect((await score({ data: 1 }, { key: keys.secondaryKey })).status).to.equal(200);
    const regen = await api.call("POST", `${endpointPath}/regenerateKeys`, { keyType: "Primary" });
    expect(regen.status).to.equal(202);
    await api.wait(regen);
    const fresh = (await api.call<EndpointKeys>("POST", `${endpointPath}/listKeys`)).body;
    expect(fresh.secondaryKey).to.equal(keys.secondaryKey);
    expect(fresh.primaryKey).not.to.equal(keys.primaryKey);
    expect((await score({ data: 1 }, { key: keys.primaryKey })).status).to.equal(401);
    keys = fresh;
    expect((await score({ data: 1 })).status).to.equal(200);
  });

  it("turns the script's failures into 424 with the container's status, and a big body into 413", async function () {
    const failed = await score({ fail: true });
    expect(failed.status).to.equal(424);
    expect(failed.headers.get("ms-azureml-model-error-statuscode")).to.equal("500");
    expect(failed.headers.get("ms-azureml-model-error-reason")).to.equal("model_error");
    expect(failed.headers.get("azureml-model-deployment")).to.equal("blue");
    expect(failed.body).to.deep.equal({
      error: {
        code: "ModelError",
        message: "Deployment blue's scoring script answered 500; see its InferenceServer logs.",
      },
    });
    const refused = await score({ status: 503 });
    expect(refused.status).to.equal(424);
    expect(refused.headers.get("ms-azureml-model-error-statuscode")).to.equal("503");
    const notUtf8 = await score(undefined, { raw: new Uint8Array([0xff, 0xfe, 0x7b]) });
    expect(notUtf8.status).to.equal(424);
    expect(notUtf8.headers.get("ms-azureml-model-error-statuscode")).to.equal("400");
    const big = await score(undefined, {
      raw: JSON.stringify({ data: "x".repeat(1.6 * 1024 * 1024) }),
    });
    expect(big.status).to.equal(413);
    expect((big.body as { error: { code: string } }).error.code).to.equal("RequestEntityTooLarge");
    const logs = await api.call<{ content: string }>(
      "POST",
      `${endpointPath}/deployments/blue/getLogs`,
      { tail: 200 },
    );
    expect(logs.body.content).to.contain("ValueError: asked to fail");
  });

  it("answers 408 past the deployment's requestTimeout and 429 beyond 2 x concurrency waiting", async function () {
    await deploy("slow", "slow", { requestTimeout: "PT0.5S", maxConcurrentRequestsPerInstance: 1 });
    const started = Date.now();
    const late = await score({ sleep: 3 }, { deployment: "slow" });
    expect(late.status).to.equal(408);
    expect(Date.now() - started).to.be.below(2500);
    await deploy("busy", "busy", { requestTimeout: "PT10S", maxConcurrentRequestsPerInstance: 1 });
    const answers = await Promise.all(
      [0, 1, 2, 3].map(() => score({ sleep: 0.4 }, { deployment: "busy" })),
    );
    expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 200, 200, 429]);
  });

  it("fails a deployment whose init() crashes with ResourceNotReady, keeping its log", async function () {
    const put = await api.call(
      "PUT",
      `${endpointPath}/deployments/crash`,
      deploymentBody(await model("crash")),
    );
    expect(put.status).to.equal(201);
    const done = (await api.wait(put)) as V2OperationStatus;
    expect(done.status).to.equal("Failed");
    expect(done.error?.code).to.equal("ResourceNotReady");
    expect(done.error?.message).to.match(
      /^User container has crashed or terminated: the scoring container exited during init\(\) \(code 1\)/,
    );
    const got = await api.call<V2Resource<{ provisioningState: string }>>(
      "GET",
      `${endpointPath}/deployments/crash`,
    );
    expect(got.body.properties.provisioningState).to.equal("Failed");
    const logs = await api.call<{ content: string }>(
      "POST",
      `${endpointPath}/deployments/crash/getLogs`,
      {},
    );
    expect(logs.body.content).to.contain("RuntimeError: init refuses the crash model");
    const storage = await api.call<{ content: string }>(
      "POST",
      `${endpointPath}/deployments/crash/getLogs`,
      { containerType: "StorageInitializer" },
    );
    expect(storage.body.content).to.match(
      /model \S+\/models\/echo-crash\/versions\/1: 1 file\(s\), 5 bytes from azureml:\/\/datastores\/workspaceblobstore\/paths\/models\/crash\/\n/,
    );
    const traffic = await api.call<{ error: { message: string } }>("PUT", endpointPath, {
      location: "westeurope",
      properties: { authMode: "Key", traffic: { crash: 100 } },
    });
    expect(traffic.status).to.equal(400);
    expect(traffic.body.error.message).to.equal(
      "Invalid properties.traffic: deployment crash is Failed, not Succeeded",
    );
  });

  it("keeps a deployment's model and code fixed, and asks for a scoring script", async function () {
    const changed = await api.call<{ error: { message: string } }>(
      "PUT",
      `${endpointPath}/deployments/blue`,
      deploymentBody(`${ws.path}/models/echo-green/versions/1`),
    );
    expect(changed.status).to.equal(400);
    expect(changed.body.error.message).to.equal(
      "'properties.model' of a deployment cannot be changed in place: create a new deployment and move traffic to it.",
    );
    const noScript = await api.call<{ error: { code: string; details: { code: string }[] } }>(
      "PUT",
      `${endpointPath}/deployments/noscript`,
      {
        location: "westeurope",
        properties: {
          endpointComputeType: "Managed",
          model: `${ws.path}/models/echo-blue/versions/1`,
          environmentId,
        },
      },
    );
    expect(noScript.status).to.equal(400);
    expect([noScript.body.error.code, noScript.body.error.details[0].code]).to.deep.equal([
      "BadRequest",
      "MissingDriverProgram",
    ]);
  });

  it("refuses to delete a deployment with traffic, deletes it at 0 %, and drops it from routing", async function () {
    const refused = await api.call<{ error: { message: string } }>(
      "DELETE",
      `${endpointPath}/deployments/blue`,
    );
    expect(refused.status).to.equal(400);
    expect(refused.body.error.message).to.match(
      /^Deployment blue of endpoint \S+ still takes traffic/,
    );
    await setTraffic({ green: 100 });
    const del = await api.call("DELETE", `${endpointPath}/deployments/blue`);
    expect(del.status).to.equal(202);
    expect(((await api.wait(del)) as { status: number }).status).to.equal(200);
    expect((await score({ data: 1 }, { deployment: "blue" })).status).to.equal(404);
    const routed = await score({ data: 1 });
    expect([routed.status, (routed.body as Echo).model]).to.deep.equal([200, "green"]);
    const endpoint = await api.call<V2Resource<OnlineEndpointProperties>>("GET", endpointPath);
    expect(endpoint.body.properties.traffic).to.deep.equal({ green: 100 });
  });

  it("issues AML tokens for AMLToken endpoints only, and scores with them", async function () {
    const keyed = await api.call<{ error: { message: string } }>("POST", `${endpointPath}/token`);
    expect(keyed.status).to.equal(400);
    const name = uniqueName("tok");
    const path = `${ws.path}/onlineEndpoints/${name}`;
    await api.putAndWait(path, { location: "westeurope", properties: { authMode: "AMLToken" } });
    await api.putAndWait(
      `${path}/deployments/only`,
      deploymentBody(`${ws.path}/models/echo-green/versions/1`),
    );
    await api.putAndWait(path, {
      location: "westeurope",
      properties: { authMode: "AMLToken", traffic: { only: 100 } },
    });
    const token = await api.call<{
      accessToken: string;
      tokenType: string;
      expiryTimeUtc: number;
      refreshAfterTimeUtc: number;
    }>("POST", `${path}/token`);
    expect(token.status).to.equal(200);
    const now = Date.now() / 1000;
    expect(token.body.tokenType).to.equal("Bearer");
    expect(token.body.expiryTimeUtc - now).to.be.within(3590, 3610);
    expect(token.body.refreshAfterTimeUtc - now).to.be.within(1790, 1810);
    const url = `${emulator.url}/inference/${name}/score`;
    const ok = await httpRequest("POST", url, { token: token.body.accessToken, body: { data: 1 } });
    expect([ok.status, (ok.body as Echo).model]).to.deep.equal([200, "green"]);
    const keysOfIt = (await api.call<EndpointKeys>("POST", `${path}/listKeys`)).body;
    expect(
      (await httpRequest("POST", url, { token: keysOfIt.primaryKey, body: { data: 1 } })).status,
    ).to.equal(401);
  });

  it("refuses an endpoint name used in another workspace", async function () {
    const other = await api.workspace();
    const name = endpointPath.split("/").at(-1)!;
    const res = await api.call<{ error: { message: string } }>(
      "PUT",
      `${other.path}/onlineEndpoints/${name}`,
      {
        location: "westeurope",
        properties: { authMode: "Key" },
      },
    );
    expect(res.status).to.equal(409);
    expect(res.body.error.message).to.match(
      /^An online endpoint named \S+ already exists in another workspace/,
    );
  });
});
