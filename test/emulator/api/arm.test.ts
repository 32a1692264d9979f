/**
 * The ARM surface over HTTP: `Microsoft.MachineLearning/webServices` 2017-01-01 on a real
 * emulator (port 0) with the run's Azurite as its storage.
 */
import assert from "node:assert/strict";
import type {
  ArmErrorBody,
  ArmListPage,
  ArmWebService,
  AsyncOperationStatus,
  WebServiceKeys,
} from "../../../clients/wire";
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
      assert.equal(put.status, 201, `${name}: ${put.text}`);
      const done = await waitForProvisioning(emulator, path);
      assert.equal(done.properties.provisioningState, "Succeeded", name);
    }
  });

  it("PUT creates (201) then replaces (200), long-running with Azure-AsyncOperation", async function () {
    const path = armServicePath(SUB, rg, "svc");
    const created = await emulator.arm<ArmWebService>("PUT", path, definition("census-predictive"));
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.properties.provisioningState, "Provisioning");
    assert.equal(created.body.type, "Microsoft.MachineLearning/webServices");
    assert.equal(
      created.body.id,
      `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.MachineLearning/webServices/svc`,
    );
    const operationUrl = created.headers.get("azure-asyncoperation");
    assert.ok(operationUrl, "Azure-AsyncOperation header");
    assert.match(
      operationUrl,
      /\/subscriptions\/.+\/providers\/Microsoft\.MachineLearning\/locations\/southcentralus\/operationsStatus\/[0-9a-f]{32}\?api-version=2017-01-01$/,
    );

    let status: AsyncOperationStatus | undefined;
    for (let i = 0; i < 400; i++) {
      const op: { status: number; text: string; body: AsyncOperationStatus } =
        await emulator.arm<AsyncOperationStatus>("GET", operationUrl);
      assert.equal(op.status, 200, op.text);
      status = op.body;
      if (op.body.provisioningState !== "Provisioning") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(status?.provisioningState, "Succeeded");
    assert.equal(status?.percentComplete, 100);
    assert.ok(status?.endTime);

    const replaced = await emulator.arm<ArmWebService>(
      "PUT",
      path,
      definition("census-predictive", (d) => (d.properties.title = "v2")),
    );
    assert.equal(replaced.status, 200, replaced.text);
    const after = await waitForProvisioning(emulator, path);
    assert.equal(after.properties.title, "v2");
    assert.equal(
      after.properties.createdOn,
      created.body.properties.createdOn,
      "createdOn survives a replace",
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
    assert.equal((await emulator.arm("PUT", path, body)).status, 201);
    const service = await waitForProvisioning(emulator, path);
    assert.equal(service.properties.keys, undefined);
    assert.equal(service.properties.commitmentPlan, undefined);
    assert.deepEqual(service.properties.storageAccount, { name: TEST_STORAGE_ACCOUNT });
    const get = await emulator.arm("GET", path);
    assert.ok(!get.text.includes(testStorageKey()), "the storage key is not in the GET body");
    assert.ok(!get.text.includes("primary-key-value-123"));
    const keys = await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`);
    assert.equal(keys.status, 200);
    assert.deepEqual(keys.body, {
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
    assert.match(ka.primary, /^[A-Za-z0-9+/]{86}==$/);
    assert.notEqual(ka.primary, ka.secondary);
    assert.notEqual(ka.primary, kb.primary);
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
    assert.equal(put.status, 201, put.text);
    const got = await waitForProvisioning(emulator, path);
    assert.equal(got.properties.provisioningState, "Succeeded");
    assert.equal(got.properties.title, "Pascal");
    assert.deepEqual(got.properties.package?.edges[0], d.properties.package!.edges[0]);
    assert.equal(got.properties.package?.nodes.node2.assetId, "asset1");
    assert.equal(got.properties.package?.nodes.node2.parameters?.["Data type"].value, "Unchanged");
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
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.body.properties.provisioningState, "Provisioning");
    assert.ok(patch.headers.get("azure-asyncoperation"));
    const after = await waitForProvisioning(emulator, path);
    assert.equal(after.properties.title, "patched");
    assert.equal(after.properties.description, "original");
    assert.deepEqual(after.tags, { team: "ml" });
    assert.equal(after.properties.provisioningState, "Succeeded");
  });

  it("PATCH of a missing service is 404 ResourceNotFound", async function () {
    const res = await emulator.arm<ArmErrorBody>("PATCH", armServicePath(SUB, rg, "nope"), {
      properties: { title: "x" },
    });
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, "ResourceNotFound");
  });

  it("rejects a change of storage account with CannotChangeStorageAccount", async function () {
    const path = armServicePath(SUB, rg, "storage");
    await emulator.arm("PUT", path, definition("census-predictive"));
    await waitForProvisioning(emulator, path);
    const res = await emulator.arm<ArmErrorBody>("PATCH", path, {
      properties: { storageAccount: { name: "otheraccount", key: "a2V5" }, packageType: "Graph" },
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.code, "BadRequest");
    assert.equal(res.body.error.details?.[0].code, "CannotChangeStorageAccount");
    assert.match(
      res.body.error.message,
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
    assert.equal(put.body.error.details?.[0].code, "CannotChangeStorageAccount");
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
    assert.equal(patch.status, 400);
    assert.equal(patch.body.error.details?.[0].code, "WebServiceIsReadOnly");
    const del = await emulator.arm("DELETE", path);
    assert.equal(del.status, 202);
  });

  it("DELETE answers 202 then the service is gone (404); deleting again is 204", async function () {
    const path = armServicePath(SUB, rg, "del");
    await emulator.arm("PUT", path, definition("census-predictive"));
    await waitForProvisioning(emulator, path);
    const del = await emulator.arm("DELETE", path);
    assert.equal(del.status, 202);
    assert.ok(del.headers.get("azure-asyncoperation"));
    const get = await emulator.arm<ArmErrorBody>("GET", path);
    assert.equal(get.status, 404);
    assert.equal(get.body.error.code, "ResourceNotFound");
    assert.equal((await emulator.arm("DELETE", path)).status, 204);
    assert.equal((await emulator.arm("GET", `${path}/listKeys`)).status, 404);
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
        assert.equal(page.status, 200);
        assert.ok(page.body.value.length <= 2, "page size 2");
        names.push(...page.body.value.map((s) => s.name ?? ""));
        url = page.body.nextLink;
        pages++;
      }
      assert.ok(pages >= 2, "more than one page");
      return names;
    };
    const byGroup = await collect(
      `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearning/webServices`,
    );
    assert.deepEqual(byGroup, ["a", "b", "c"]);
    const bySubscription = await collect(
      `/subscriptions/${sub}/providers/Microsoft.MachineLearning/webServices`,
    );
    assert.deepEqual([...bySubscription].sort(), ["a", "b", "c", "d"]);
    const listed = (
      await emulator.arm<ArmListPage<ArmWebService>>(
        "GET",
        `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearning/webServices`,
      )
    ).body.value[0];
    assert.equal(listed.properties.keys, undefined, "no keys in lists either");
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
      assert.equal(put.status, 201, put.text);
      const service = await waitForProvisioning(emulator, path);
      assert.equal(service.properties.provisioningState, "Failed");
      const op = await emulator.arm<AsyncOperationStatus>(
        "GET",
        put.headers.get("azure-asyncoperation") ?? "",
      );
      assert.equal(op.body.provisioningState, "Failed");
      assert.equal(op.body.errorInfo?.code, code);
      assert.equal(op.body.errorInfo?.target, "properties.assets.asset2.locationInfo.uri");
    }
  });

  it("rejects an unsupported module with WebServicePackageError naming it", async function () {
    const path = armServicePath(SUB, rg, "badmodule");
    const body = definition("census-predictive", (d) => {
      d.properties.assets!.asset4 = {
        name: "Execute Python Script",
        type: "Module",
        locationInfo: { uri: "aml://module/execute-python-script" },
      };
    });
    const res = await emulator.arm<ArmErrorBody>("PUT", path, body);
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.details?.[0].code, "WebServicePackageError");
    assert.match(res.body.error.message, /Execute Python Script/);
    assert.equal((await emulator.arm("GET", path)).status, 404, "nothing was created");
  });

  it("validates the body: JSON, location, packageType", async function () {
    const path = armServicePath(SUB, rg, "invalid");
    const notJson = await emulator.request<ArmErrorBody>("PUT", `${path}?api-version=2017-01-01`, {
      token: emulator.credentials.armToken,
      body: "{not json",
    });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error.code, "InvalidRequestContent");
    const noLocation = await emulator.arm<ArmErrorBody>("PUT", path, {
      properties: definition("census-predictive").properties,
    });
    assert.equal(noLocation.body.error.code, "InvalidRequestContent");
    assert.match(noLocation.body.error.message, /location/);
    const notGraph = await emulator.arm<ArmErrorBody>(
      "PUT",
      path,
      definition(
        "census-predictive",
        (d) => ((d.properties as { packageType: string }).packageType = "Other"),
      ),
    );
    assert.equal(notGraph.status, 400);
    assert.match(notGraph.body.error.message, /packageType/);
  });

  it("requires a known api-version", async function () {
    const path = armServicePath(SUB, rg, "x");
    const missing = await emulator.request<ArmErrorBody>("GET", path, {
      token: emulator.credentials.armToken,
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, "MissingApiVersionParameter");
    const wrong = await emulator.request<ArmErrorBody>("GET", `${path}?api-version=2099-01-01`, {
      token: emulator.credentials.armToken,
    });
    assert.equal(wrong.body.error.code, "InvalidApiVersionParameter");
  });

  it("answers 401 in the ARM envelope for a missing or wrong token", async function () {
    const path = `${armServicePath(SUB, rg, "x")}?api-version=2017-01-01`;
    const missing = await emulator.request<ArmErrorBody>("GET", path);
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error.code, "AuthenticationFailed");
    const wrong = await emulator.request<ArmErrorBody>("GET", path, { token: "wrong" });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, "InvalidAuthenticationToken");
    const workspaceToken = await emulator.request<ArmErrorBody>("GET", path, {
      token: emulator.credentials.workspaceToken,
    });
    assert.equal(workspaceToken.status, 401, "the workspace token does not open ARM");
    const basic = await emulator.request("GET", path, {
      headers: { Authorization: `Basic ${emulator.credentials.armToken}` },
    });
    assert.equal(basic.status, 401, "only the Bearer scheme");
  });

  it("answers 404 for an unknown operation and 501 for operations it does not implement", async function () {
    const op = await emulator.arm<ArmErrorBody>(
      "GET",
      `/subscriptions/${SUB}/providers/Microsoft.MachineLearning/locations/southcentralus/operationsStatus/${"0".repeat(32)}`,
    );
    assert.equal(op.status, 404);
    assert.equal(op.body.error.code, "OperationNotFound");
    const regional = await emulator.arm<ArmErrorBody>(
      "POST",
      `${armServicePath(SUB, rg, "x")}/CreateRegionalBlob`,
    );
    assert.equal(regional.status, 501);
    assert.equal(regional.body.error.code, "NotImplemented");
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
      assert.match(res.headers.get("x-ms-request-id") ?? "", /^[0-9a-f-]{36}$/);
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
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details?.[0].code, "UnsupportedProperty");
    assert.equal(res.body.error.target, "properties.bogus");
    const query = await emulator.arm<ArmErrorBody>("GET", `${path}?api-version=2017-01-01&foo=1`);
    assert.equal(query.body.error.details?.[0].code, "UnsupportedQueryParameter");
  });

  it("shows Provisioning until the delay passes, and refuses a second update meanwhile (409)", async function () {
    const path = armServicePath(SUB, uniqueName("rg"), "slow");
    const put = await emulator.arm<ArmWebService>("PUT", path, definition("census-predictive"));
    assert.equal(put.status, 201);
    const during = await emulator.arm<ArmWebService>("GET", path);
    assert.equal(during.body.properties.provisioningState, "Provisioning");
    const keys = (await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`)).body;
    const notReady = await emulator.request<ArmErrorBody>(
      "GET",
      `${during.body.properties.swaggerLocation}?api-version=2.0`,
      { token: keys.primary },
    );
    assert.equal(notReady.status, 503, "nothing to execute before the first provisioning");
    assert.equal(notReady.body.error.details?.[0].code, "InitializingContainers");
    assert.equal(notReady.headers.get("retry-after"), "1");
    const again = await emulator.arm<ArmErrorBody>("PATCH", path, {
      properties: { title: "t", packageType: "Graph" },
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.details?.[0].code, "AnotherOperationInProgress");
    const done = await waitForProvisioning(emulator, path);
    assert.equal(done.properties.provisioningState, "Succeeded");
  });
});
