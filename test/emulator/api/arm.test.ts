/**
 * The ARM surface over HTTP: `Microsoft.MachineLearning/webServices` 2017-01-01 on a real
 * emulator (port 0) with the run's Azurite as its storage.
 */
import { expect } from "chai";
import { expectPresent } from "../../helpers/expect";
import type {
  ArmErrorBody,
  ArmListPage,
  ArmWebService,
  AsyncOperationStatus,
  WebServiceKeys,
} from "../../../contract";
import { uniqueName } from "../../helpers/env";
import {
  TEST_STORAGE_ACCOUNT,
  armServicePath,
  createTestContainer,
  loadServiceDefinition,
  startTestEmulator,
  testStorageKey,
  waitForProvisioning,
  type TestEmulator,
} from "../../helpers/emulator";

const SUB = "00000000-0000-0000-0000-000000000001";

function definition(
  name: string,
  changes: (d: ArmWebService) => void = () => undefined,
): ArmWebService {
  const d = loadServiceDefinition(name);
  d.properties.storageAccount = { name: TEST_STORAGE_ACCOUNT, key: testStorageKey() };
  changes(d);
  return d;
}

describe("emulator ARM surface (Microsoft.MachineLearning/webServices)", function () {
  let emulator: TestEmulator;
  let rg: string;

  before(async function () {
    emulator = await startTestEmulator({ listPageSize: 2 });
  });
  after(async function () {
    await emulator?.close();
  });
  beforeEach(function () {
    rg = uniqueName("rg");
  });

  it("publishes every sample definition unchanged and reaches Succeeded", async function () {
    for (const name of [
      "census-training",
      "census-predictive",
      "bike-demand-training",
      "bike-demand-predictive",
    ]) {
      const path = armServicePath(SUB, rg, name);
      const put = await emulator.arm<ArmWebService>("PUT", path, loadServiceDefinition(name));
      expect(put.status, `${name}: ${put.text}`).to.equal(201);
      const done = await waitForProvisioning(emulator, path);
      expect(done.properties.provisioningState, name).to.equal("Succeeded");
    }
  });

  it("PUT creates (201) then replaces (200), long-running with Azure-AsyncOperation", async function () {
    const path = armServicePath(SUB, rg, "svc");
    const created = await emulator.arm<ArmWebService>("PUT", path, definition("census-predictive"));
    expect(created.status, created.text).to.equal(201);
    expect(created.body.properties.provisioningState).to.equal("Provisioning");
    expect(created.body.type).to.equal("Microsoft.MachineLearning/webServices");
    expect(created.body.id).to.equal(
      `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.MachineLearning/webServices/svc`,
    );
    const operationUrl = created.headers.get("azure-asyncoperation");
    expectPresent(operationUrl, "Azure-AsyncOperation header");
    expect(operationUrl).to.match(
      /\/subscriptions\/.+\/providers\/Microsoft\.MachineLearning\/locations\/southcentralus\/operationsStatus\/[0-9a-f]{32}\?api-version=2017-01-01$/,
    );

    let status: AsyncOperationStatus | undefined;
    for (let i = 0; i < 400; i++) {
      const op: { status: number; text: string; body: AsyncOperationStatus } =
        await emulator.arm<AsyncOperationStatus>("GET", operationUrl);
      expect(op.status, op.text).to.equal(200);
      status = op.body;
      if (op.body.provisioningState !== "Provisioning") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(status?.provisioningState).to.equal("Succeeded");
    expect(status?.percentComplete).to.equal(100);
    expect(status?.endTime).to.be.ok;

    const replaced = await emulator.arm<ArmWebService>(
      "PUT",
      path,
      definition("census-predictive", (d) => (d.properties.title = "v2")),
    );
    expect(replaced.status, replaced.text).to.equal(200);
    const after = await waitForProvisioning(emulator, path);
    expect(after.properties.title).to.equal("v2");
    expect(after.properties.createdOn, "createdOn survives a replace").to.equal(
      created.body.properties.createdOn,
    );
  });

  it("GET never returns keys, the storage key or the commitment plan; listKeys returns the keys", async function () {
    const path = armServicePath(SUB, rg, "secrets");
    const body = definition("census-predictive", (d) => {
      d.properties.keys = {
        primary: "primary-key-value-123",
        secondary: "secondary-key-value-456",
      };
      d.properties.commitmentPlan = {
        id: "/subscriptions/x/resourceGroups/y/providers/Microsoft.MachineLearning/commitmentPlans/z",
      };
    });
    expect((await emulator.arm("PUT", path, body)).status).to.equal(201);
    const service = await waitForProvisioning(emulator, path);
    expect(service.properties.keys).to.equal(undefined);
    expect(service.properties.commitmentPlan).to.equal(undefined);
    expect(service.properties.storageAccount).to.deep.equal({ name: TEST_STORAGE_ACCOUNT });
    const get = await emulator.arm("GET", path);
    expect(get.text.includes(testStorageKey()), "the storage key is not in the GET body").to.equal(
      false,
    );
    expect(get.text.includes("primary-key-value-123")).to.equal(false);
    const keys = await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`);
    expect(keys.status).to.equal(200);
    expect(keys.body).to.deep.equal({
      primary: "primary-key-value-123",
      secondary: "secondary-key-value-456",
    });
  });

  it("generates random keys when none are given", async function () {
    const a = armServicePath(SUB, rg, "gen-a");
    const b = armServicePath(SUB, rg, "gen-b");
    await emulator.arm("PUT", a, definition("census-predictive"));
    await emulator.arm("PUT", b, definition("census-predictive"));
    const ka = (await emulator.arm<WebServiceKeys>("GET", `${a}/listKeys`)).body;
    const kb = (await emulator.arm<WebServiceKeys>("GET", `${b}/listKeys`)).body;
    expect(ka.primary).to.match(/^[A-Za-z0-9+/]{86}==$/);
    expect(ka.primary).to.not.equal(ka.secondary);
    expect(ka.primary).to.not.equal(kb.primary);
  });

  it("matches input property names case-insensitively and answers in camelCase", async function () {
    const path = armServicePath(SUB, rg, "casing");
    const d = definition("census-predictive");
    const nodes = d.properties.package!.nodes;
    // PascalCase as in Azure's own PATCH example: AssetId, Parameters, Value, SourceNodeId...
    const pascalNodes = Object.fromEntries(
      Object.entries(nodes).map(([id, node]) => [
        id,
        {
          ...(node.assetId ? { AssetId: node.assetId } : {}),
          ...(node.inputId ? { InputId: node.inputId } : {}),
          ...(node.outputId ? { OutputId: node.outputId } : {}),
          Parameters: Object.fromEntries(
            Object.entries(node.parameters ?? {}).map(([k, v]) => [k, { Value: v.value }]),
          ),
        },
      ]),
    );
    const pascalEdges = d.properties.package!.edges.map((e) => ({
      SourceNodeId: e.sourceNodeId,
      SourcePortId: e.sourcePortId,
      TargetNodeId: e.targetNodeId,
      TargetPortId: e.targetPortId,
    }));
    const body = {
      Location: d.location,
      Properties: {
        ...d.properties,
        Title: "Pascal",
        package: undefined,
        Package: { Nodes: pascalNodes, Edges: pascalEdges },
      },
    };
    const put = await emulator.arm<ArmWebService>("PUT", path, body);
    expect(put.status, put.text).to.equal(201);
    const got = await waitForProvisioning(emulator, path);
    expect(got.properties.provisioningState).to.equal("Succeeded");
    expect(got.properties.title).to.equal("Pascal");
    expect(got.properties.package?.edges[0]).to.deep.equal(d.properties.package!.edges[0]);
    expect(got.properties.package?.nodes.node2.assetId).to.equal("asset1");
    expect(got.properties.package?.nodes.node2.parameters?.["Data type"].value).to.equal(
      "Unchanged",
    );
  });

  it("PATCH changes only what it sends and is long-running", async function () {
    const path = armServicePath(SUB, rg, "patch");
    await emulator.arm(
      "PUT",
      path,
      definition("census-predictive", (d) => (d.properties.description = "original")),
    );
    await waitForProvisioning(emulator, path);
    const patch = await emulator.arm<ArmWebService>("PATCH", path, {
      properties: { title: "patched", packageType: "Graph" },
      tags: { team: "ml" },
    });
    expect(patch.status, patch.text).to.equal(200);
    expect(patch.body.properties.provisioningState).to.equal("Provisioning");
    expect(patch.headers.get("azure-asyncoperation")).to.be.ok;
    const after = await waitForProvisioning(emulator, path);
    expect(after.properties.title).to.equal("patched");
    expect(after.properties.description).to.equal("original");
    expect(after.tags).to.deep.equal({ team: "ml" });
    expect(after.properties.provisioningState).to.equal("Succeeded");
  });

  it("PATCH of a missing service is 404 ResourceNotFound", async function () {
    const res = await emulator.arm<ArmErrorBody>("PATCH", armServicePath(SUB, rg, "nope"), {
      properties: { title: "x" },
    });
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal("ResourceNotFound");
  });

  it("rejects a change of storage account with CannotChangeStorageAccount", async function () {
    const path = armServicePath(SUB, rg, "storage");
    await emulator.arm("PUT", path, definition("census-predictive"));
    await waitForProvisioning(emulator, path);
    const res = await emulator.arm<ArmErrorBody>("PATCH", path, {
      properties: { storageAccount: { name: "otheraccount", key: "a2V5" }, packageType: "Graph" },
    });
    expect(res.status, res.text).to.equal(400);
    expect(res.body.error.code).to.equal("BadRequest");
    expect(res.body.error.details?.[0].code).to.equal("CannotChangeStorageAccount");
    expect(res.body.error.message).to.match(
      /Currently configured storage account name = 'devstoreaccount1'/,
    );
    const put = await emulator.arm<ArmErrorBody>(
      "PUT",
      path,
      definition(
        "census-predictive",
        (d) => (d.properties.storageAccount = { name: "x2", key: "a2V5" }),
      ),
    );
    expect(put.body.error.details?.[0].code).to.equal("CannotChangeStorageAccount");
  });

  it("rejects updates of a readOnly service but still deletes it", async function () {
    const path = armServicePath(SUB, rg, "readonly");
    await emulator.arm(
      "PUT",
      path,
      definition("census-predictive", (d) => (d.properties.readOnly = true)),
    );
    await waitForProvisioning(emulator, path);
    const patch = await emulator.arm<ArmErrorBody>("PATCH", path, {
      properties: { title: "no", packageType: "Graph" },
    });
    expect(patch.status).to.equal(400);
    expect(patch.body.error.details?.[0].code).to.equal("WebServiceIsReadOnly");
    const del = await emulator.arm("DELETE", path);
    expect(del.status).to.equal(202);
  });

  it("DELETE answers 202 then the service is gone (404); deleting again is 204", async function () {
    const path = armServicePath(SUB, rg, "del");
    await emulator.arm("PUT", path, definition("census-predictive"));
    await waitForProvisioning(emulator, path);
    const del = await emulator.arm("DELETE", path);
    expect(del.status).to.equal(202);
    expect(del.headers.get("azure-asyncoperation")).to.be.ok;
    const get = await emulator.arm<ArmErrorBody>("GET", path);
    expect(get.status).to.equal(404);
    expect(get.body.error.code).to.equal("ResourceNotFound");
    expect((await emulator.arm("DELETE", path)).status).to.equal(204);
    expect((await emulator.arm("GET", `${path}/listKeys`)).status).to.equal(404);
  });

  it("lists by resource group and by subscription, following nextLink", async function () {
    const sub = `00000000-0000-0000-0000-${Date.now().toString().slice(-12)}`;
    const rg2 = uniqueName("rg");
    for (const [group, name] of [
      [rg, "a"],
      [rg, "b"],
      [rg, "c"],
      [rg2, "d"],
    ] as const) {
      await emulator.arm("PUT", armServicePath(sub, group, name), definition("census-predictive"));
    }
    const collect = async (first: string): Promise<string[]> => {
      const names: string[] = [];
      let url: string | undefined = first;
      let pages = 0;
      while (url) {
        const page: { status: number; body: ArmListPage<ArmWebService> } = await emulator.arm(
          "GET",
          url,
        );
        expect(page.status).to.equal(200);
        expect(page.body.value.length, "page size 2").to.be.at.most(2);
        names.push(...page.body.value.map((s) => s.name ?? ""));
        url = page.body.nextLink;
        pages++;
      }
      expect(pages, "more than one page").to.be.at.least(2);
      return names;
    };
    const byGroup = await collect(
      `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearning/webServices`,
    );
    expect(byGroup).to.deep.equal(["a", "b", "c"]);
    const bySubscription = await collect(
      `/subscriptions/${sub}/providers/Microsoft.MachineLearning/webServices`,
    );
    expect([...bySubscription].sort()).to.deep.equal(["a", "b", "c", "d"]);
    const listed = (
      await emulator.arm<ArmListPage<ArmWebService>>(
        "GET",
        `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearning/webServices`,
      )
    ).body.value[0];
    expect(listed.properties.keys, "no keys in lists either").to.equal(undefined);
  });

  it("reports a provisioning failure in the operation status (missing and unreadable model blobs)", async function () {
    const container = await createTestContainer("arm");
    await container.upload("not-a-model.ilearner", "hello");
    for (const [blob, code] of [
      ["missing.ilearner", "TrainedModelUnavailable"],
      ["not-a-model.ilearner", "IncompatibleModel"],
    ] as const) {
      const path = armServicePath(SUB, rg, `fail-${code.toLowerCase()}`);
      const body = definition("census-predictive", (d) => {
        d.properties.assets!.asset2.locationInfo.uri = `${container.client.url}/${blob}`;
      });
      const put = await emulator.arm("PUT", path, body);
      expect(put.status, put.text).to.equal(201);
      const service = await waitForProvisioning(emulator, path);
      expect(service.properties.provisioningState).to.equal("Failed");
      const op = await emulator.arm<AsyncOperationStatus>(
        "GET",
        put.headers.get("azure-asyncoperation") ?? "",
      );
      expect(op.body.provisioningState).to.equal("Failed");
      expect(op.body.errorInfo?.code).to.equal(code);
      expect(op.body.errorInfo?.target).to.equal("properties.assets.asset2.locationInfo.uri");
    }
  });

  it("rejects a malformed package (a port the module lacks) with WebServicePackageError naming it; accepts a module it lacks", async function () {
    const path = armServicePath(SUB, rg, "badmodule");
    // The edges of Select Columns in Dataset ("Dataset", "Results dataset") on Execute Python
    // Script, whose ports are Dataset1, Dataset2, Script Bundle: an inconsistent graph.
    const body = definition("census-predictive", (d) => {
      d.properties.assets!.asset4 = {
        name: "Execute Python Script",
        type: "Module",
        locationInfo: { uri: "aml://module/execute-python-script" },
      };
    });
    const res = await emulator.arm<ArmErrorBody>("PUT", path, body);
    expect(res.status, res.text).to.equal(400);
    expect(res.body.error.details?.[0].code).to.equal("WebServicePackageError");
    expect(res.body.error.message).to.match(
      /Module "Execute Python Script" \(node node5\) has no input port "Dataset"/,
    );
    expect((await emulator.arm("GET", path)).status, "nothing was created").to.equal(404);

    // A module the emulator does not implement is accepted, as Azure accepted it.
    const lacking = definition("census-predictive", (d) => {
      d.properties.assets!.asset4 = {
        name: "Preprocess Text",
        type: "Module",
        locationInfo: { uri: "aml://module/preprocess-text" },
      };
    });
    const accepted = await emulator.arm("PUT", armServicePath(SUB, rg, "lacking"), lacking);
    expect(accepted.status, accepted.text).to.equal(201);
  });

  it("validates the body: JSON, location, packageType", async function () {
    const path = armServicePath(SUB, rg, "invalid");
    const notJson = await emulator.request<ArmErrorBody>("PUT", `${path}?api-version=2017-01-01`, {
      token: emulator.credentials.armToken,
      body: "{not json",
    });
    expect(notJson.status).to.equal(400);
    expect(notJson.body.error.code).to.equal("InvalidRequestContent");
    const noLocation = await emulator.arm<ArmErrorBody>("PUT", path, {
      properties: definition("census-predictive").properties,
    });
    expect(noLocation.body.error.code).to.equal("InvalidRequestContent");
    expect(noLocation.body.error.message).to.match(/location/);
    const notGraph = await emulator.arm<ArmErrorBody>(
      "PUT",
      path,
      definition(
        "census-predictive",
        (d) => ((d.properties as { packageType: string }).packageType = "Other"),
      ),
    );
    expect(notGraph.status).to.equal(400);
    expect(notGraph.body.error.message).to.match(/packageType/);
  });

  it("requires a known api-version", async function () {
    const path = armServicePath(SUB, rg, "x");
    const missing = await emulator.request<ArmErrorBody>("GET", path, {
      token: emulator.credentials.armToken,
    });
    expect(missing.status).to.equal(400);
    expect(missing.body.error.code).to.equal("MissingApiVersionParameter");
    const wrong = await emulator.request<ArmErrorBody>("GET", `${path}?api-version=2099-01-01`, {
      token: emulator.credentials.armToken,
    });
    expect(wrong.body.error.code).to.equal("InvalidApiVersionParameter");
  });

  it("answers 401 in the ARM envelope for a missing or wrong token", async function () {
    const path = `${armServicePath(SUB, rg, "x")}?api-version=2017-01-01`;
    const missing = await emulator.request<ArmErrorBody>("GET", path);
    expect(missing.status).to.equal(401);
    expect(missing.body.error.code).to.equal("AuthenticationFailed");
    const wrong = await emulator.request<ArmErrorBody>("GET", path, { token: "wrong" });
    expect(wrong.status).to.equal(401);
    expect(wrong.body.error.code).to.equal("InvalidAuthenticationToken");
    const workspaceToken = await emulator.request<ArmErrorBody>("GET", path, {
      token: emulator.credentials.workspaceToken,
    });
    expect(workspaceToken.status, "the workspace token does not open ARM").to.equal(401);
    const basic = await emulator.request("GET", path, {
      headers: { Authorization: `Basic ${emulator.credentials.armToken}` },
    });
    expect(basic.status, "only the Bearer scheme").to.equal(401);
  });

  it("answers 404 for an unknown operation and 501 for operations it does not implement", async function () {
    const op = await emulator.arm<ArmErrorBody>(
      "GET",
      `/subscriptions/${SUB}/providers/Microsoft.MachineLearning/locations/southcentralus/operationsStatus/${"0".repeat(32)}`,
    );
    expect(op.status).to.equal(404);
    expect(op.body.error.code).to.equal("OperationNotFound");
    const regional = await emulator.arm<ArmErrorBody>(
      "POST",
      `${armServicePath(SUB, rg, "x")}/CreateRegionalBlob`,
    );
    expect(regional.status).to.equal(501);
    expect(regional.body.error.code).to.equal("NotImplemented");
  });

  it("puts x-ms-request-id on every response, errors included", async function () {
    const ok = await emulator.arm(
      "GET",
      `/subscriptions/${SUB}/providers/Microsoft.MachineLearning/webServices`,
    );
    const err = await emulator.request(
      "GET",
      `${armServicePath(SUB, rg, "x")}?api-version=2017-01-01`,
    );
    const unknown = await emulator.request("GET", "/no/such/route");
    for (const res of [ok, err, unknown])
      expect(res.headers.get("x-ms-request-id") ?? "").to.match(/^[0-9a-f-]{36}$/);
  });
});

describe("emulator ARM surface with --strict and a provisioning delay", function () {
  let emulator: TestEmulator;
  before(async function () {
    emulator = await startTestEmulator({ strict: true, provisioningDelayMs: 400 });
  });
  after(async function () {
    await emulator?.close();
  });

  it("rejects unknown properties and query parameters under --strict", async function () {
    const path = armServicePath(SUB, uniqueName("rg"), "strict");
    const body = definition(
      "census-predictive",
      (d) => ((d.properties as unknown as Record<string, unknown>).bogus = 1),
    );
    const res = await emulator.arm<ArmErrorBody>("PUT", path, body);
    expect(res.status).to.equal(400);
    expect(res.body.error.details?.[0].code).to.equal("UnsupportedProperty");
    expect(res.body.error.target).to.equal("properties.bogus");
    const query = await emulator.arm<ArmErrorBody>("GET", `${path}?api-version=2017-01-01&foo=1`);
    expect(query.body.error.details?.[0].code).to.equal("UnsupportedQueryParameter");
  });

  it("shows Provisioning until the delay passes, and refuses a second update meanwhile (409)", async function () {
    const path = armServicePath(SUB, uniqueName("rg"), "slow");
    const put = await emulator.arm<ArmWebService>("PUT", path, definition("census-predictive"));
    expect(put.status).to.equal(201);
    const during = await emulator.arm<ArmWebService>("GET", path);
    expect(during.body.properties.provisioningState).to.equal("Provisioning");
    const keys = (await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`)).body;
    const notReady = await emulator.request<ArmErrorBody>(
      "GET",
      `${during.body.properties.swaggerLocation}?api-version=2.0`,
      { token: keys.primary },
    );
    expect(notReady.status, "nothing to execute before the first provisioning").to.equal(503);
    expect(notReady.body.error.details?.[0].code).to.equal("InitializingContainers");
    expect(notReady.headers.get("retry-after")).to.equal("1");
    const again = await emulator.arm<ArmErrorBody>("PATCH", path, {
      properties: { title: "t", packageType: "Graph" },
    });
    expect(again.status).to.equal(409);
    expect(again.body.error.details?.[0].code).to.equal("AnotherOperationInProgress");
    const done = await waitForProvisioning(emulator, path);
    expect(done.properties.provisioningState).to.equal("Succeeded");
  });
});
