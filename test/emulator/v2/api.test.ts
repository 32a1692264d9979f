/**
 * The v2 management surface over HTTP (no Python involved): credentials, the api-version range,
 * ARM error envelopes, workspaces and datastores on Azurite, asset versions and their
 * immutability, paging, and long-running operations with a delay and injected failures.
 */
import { expect } from "chai";
import type { V2OperationStatus, V2Page, V2Resource } from "../../../contract/v2";
import { uniqueName } from "../../helpers/env";
import {
  httpRequest,
  startTestEmulator,
  testStorageKey,
  type TestEmulator,
} from "../../helpers/emulator";
import { expectPresent } from "../../helpers/expect";
import { V2Api, type TestWorkspace } from "../../helpers/v2";

describe("emulator v2 surface: management API", function () {
  let emulator: TestEmulator;
  let api: V2Api;
  let ws: TestWorkspace;

  before(async function () {
    emulator = await startTestEmulator({
      listPageSize: 2,
      v2: { operationDelayMs: 150, retryAfterSeconds: 0 },
    });
    api = new V2Api(emulator);
    ws = await api.workspace();
  });
  after(async function () {
    await emulator?.close();
  });

  describe("request pipeline", function () {
    it("answers 401 in the ARM envelope, with the request id as correlation, without a token or with a wrong one", async function () {
      const url = `${emulator.url}${ws.path}?api-version=2025-12-01`;
      const missing = await httpRequest("GET", url, { token: null });
      expect(missing.status).to.equal(401);
      const id = missing.headers.get("x-ms-request-id");
      expectPresent(id);
      expect(missing.body).to.deep.equal({
        error: {
          code: "AuthenticationFailed",
          message: "Authentication failed. The 'Authorization' header is missing.",
          details: [],
          additionalInfo: [
            { type: "ComponentName", info: { value: "managementfrontend" } },
            { type: "Correlation", info: { value: { operation: id, request: id } } },
          ],
        },
      });
      const wrong = await httpRequest("GET", url, { token: "not-the-token" });
      expect(wrong.status).to.equal(401);
      expect((wrong.body as { error: { code: string } }).error.code).to.equal(
        "InvalidAuthenticationToken",
      );
      expect(wrong.headers.get("x-ms-error-code")).to.equal("InvalidAuthenticationToken");
    });

    it("accepts dated api-versions from 2022-10-01 to 2025-12-01 and refuses the others by name", async function () {
      for (const version of ["2022-10-01", "2023-04-01", "2024-04-01-preview", "2025-12-01"]) {
        const res = await api.call("GET", `${ws.path}?api-version=${version}`);
        expect(res.status, `${version}: ${res.text}`).to.equal(200);
      }
      for (const version of ["2022-05-01", "2026-01-01", "2017-01-01", "latest", "2024-13-40x"]) {
        const res = await api.call<{ error: { code: string; message: string } }>(
          "GET",
          `${ws.path}?api-version=${version}`,
        );
        expect(res.status, version).to.equal(400);
        expect(res.body.error.code).to.equal("InvalidApiVersionParameter");
        expect(res.body.error.message)
          .to.contain(`'${version}'`)
          .and.to.contain("2022-10-01 to 2025-12-01");
      }
      const none = await httpRequest("GET", `${emulator.url}${ws.path}`, {
        token: emulator.credentials.armToken,
      });
      expect(none.status).to.equal(400);
      expect((none.body as { error: { code: string } }).error.code).to.equal(
        "MissingApiVersionParameter",
      );
    });

    it("names the missing workspace (ResourceNotFound) and the missing child (UserError)", async function () {
      const gone = await api.call<{ error: { code: string; message: string } }>(
        "GET",
        ws.path.replace(ws.name, "nope"),
      );
      expect(gone.status).to.equal(404);
      expect(gone.body.error.code).to.equal("ResourceNotFound");
      expect(gone.body.error.message).to.equal(
        `The Resource 'Microsoft.MachineLearningServices/workspaces/nope' under resource group '${ws.resourceGroup}' was not found.`,
      );
      const child = await api.call<{ error: { code: string; message: string } }>(
        "GET",
        `${ws.path}/onlineEndpoints/missing-one`,
      );
      expect(child.status).to.equal(404);
      expect(child.body.error.code).to.equal("UserError");
      expect(child.body.error.message).to.equal(
        `Online endpoint missing-one not found in workspace ${ws.name}.`,
      );
    });

    it("refuses a body that is not JSON in the v2 envelope, naming the body", async function () {
      const res = await httpRequest(
        "PUT",
        `${emulator.url}${ws.path}/codes/x/versions/1?api-version=2025-12-01`,
        {
          token: emulator.credentials.armToken,
          body: "{not json",
          headers: { "Content-Type": "application/json" },
        },
      );
      expect(res.status).to.equal(400);
      const body = res.body as {
        error: { code: string; target: string; additionalInfo: unknown[] };
      };
      expect(body.error.code).to.equal("UserError");
      expect(body.error.target).to.equal("body");
      expect(body.error.additionalInfo).to.have.length(2);
    });
  });

  describe("workspaces and datastores", function () {
    it("creates a workspace as a long-running operation with its two default datastores", async function () {
      const name = uniqueName("ws");
      const path = `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${name}`;
      const put = await api.call<V2Resource<{ provisioningState: string; workspaceId: string }>>(
        "PUT",
        path,
        {
          location: "westeurope",
          properties: { description: "for the test" },
        },
      );
      expect(put.status).to.equal(201);
      expect(put.body.properties.provisioningState).to.equal("Creating");
      const statusUrl = put.headers.get("azure-asyncoperation");
      expectPresent(statusUrl);
      expect(statusUrl).to.match(
        /\/subscriptions\/00000000-0000-0000-0000-0000000000a2\/providers\/Microsoft\.MachineLearningServices\/locations\/westeurope\/mfeOperationsStatus\/[0-9a-f-]{36}\?api-version=2025-12-01$/,
      );
      const first = await api.call<V2OperationStatus>("GET", statusUrl);
      expect(first.body.status).to.equal("InProgress");
      const done = (await api.wait(put)) as V2OperationStatus;
      expect(done.status).to.equal("Succeeded");
      const got = await api.call<
        V2Resource<{ provisioningState: string; description: string; workspaceId: string }>
      >("GET", path);
      expect(got.body.properties.provisioningState).to.equal("Succeeded");
      expect(got.body.properties.description).to.equal("for the test");
      expect(got.body.properties.workspaceId).to.match(/^[0-9a-f-]{36}$/);
      const defaults = await api.call<V2Page<V2Resource<Record<string, unknown>>>>(
        "GET",
        `${path}/datastores?isDefault=true`,
      );
      expect(
        defaults.body.value.map((d) => [
          d.name,
          d.properties.isDefault,
          d.properties.containerName,
        ]),
      ).to.deep.equal([
        ["workspaceblobstore", true, `azureml-blobstore-${got.body.properties.workspaceId}`],
      ]);
      const all = await api.call<V2Page<V2Resource<Record<string, unknown>>>>(
        "GET",
        `${path}/datastores`,
      );
      expect(all.body.value.map((d) => d.name)).to.deep.equal([
        "workspaceblobstore",
        "workspaceartifactstore",
      ]);
      expect(all.body.value[0].properties.credentials).to.deep.equal({
        credentialsType: "AccountKey",
      });
      const secrets = await api.call<{ secretsType: string; key: string }>(
        "POST",
        `${path}/datastores/workspaceblobstore/listSecrets`,
      );
      expect(secrets.body).to.deep.equal({ secretsType: "AccountKey", key: testStorageKey() });
    });

    it("validates a datastore's container and key unless skipValidation=true, and never shows the key", async function () {
      const body = (container: string, key: string) => ({
        properties: {
          datastoreType: "AzureBlob",
          accountName: "devstoreaccount1",
          containerName: container,
          credentials: {
            credentialsType: "AccountKey",
            secrets: { secretsType: "AccountKey", key },
          },
        },
      });
      const missing = await api.call<{ error: { message: string } }>(
        "PUT",
        `${ws.path}/datastores/nope`,
        body("no-such-container-x", testStorageKey()),
      );
      expect(missing.status).to.equal(400);
      expect(missing.body.error.message).to.equal(
        "Datastore nope could not be validated: container no-such-container-x does not exist. Check the account, container and key, or PUT with ?skipValidation=true.",
      );
      const skipped = await api.call(
        "PUT",
        `${ws.path}/datastores/nope?skipValidation=true`,
        body("no-such-container-x", testStorageKey()),
      );
      expect(skipped.status).to.equal(201);
      const ok = await api.call<V2Resource<Record<string, unknown>>>(
        "PUT",
        `${ws.path}/datastores/mine`,
        body(ws.container, testStorageKey()),
      );
      expect(ok.status).to.equal(201);
      expect(ok.text).not.to.contain(testStorageKey());
      expect(ok.body.properties.isDefault).to.equal(false);
      const noKey = await api.call<{ error: { target: string } }>(
        "PUT",
        `${ws.path}/datastores/other`,
        {
          properties: {
            datastoreType: "AzureBlob",
            accountName: "devstoreaccount1",
            containerName: ws.container,
            credentials: { credentialsType: "AccountKey" },
          },
        },
      );
      expect(noKey.status).to.equal(400);
      expect(noKey.body.error.target).to.equal("properties.credentials.secrets.key");
    });
  });

  describe("assets", function () {
    it("keeps versions immutable: the same content is 200, another URI is 409, and the container counts versions", async function () {
      const v1 = `${ws.path}/models/census/versions/1`;
      const body = (uri: string, extra: Record<string, unknown> = {}) => ({
        properties: { modelUri: uri, modelType: "custom_model", ...extra },
      });
      const created = await api.call<V2Resource<Record<string, unknown>>>(
        "PUT",
        v1,
        body("azureml://datastores/workspaceblobstore/paths/m/1/", { properties: { AUC: "0.8" } }),
      );
      expect(created.status).to.equal(201);
      expect(created.body.id).to.equal(v1);
      expect(created.body.type).to.equal(
        "Microsoft.MachineLearningServices/workspaces/models/versions",
      );
      expect(created.body.properties).to.deep.include({
        modelUri: "azureml://datastores/workspaceblobstore/paths/m/1/",
        modelType: "custom_model",
        provisioningState: "Succeeded",
        properties: { AUC: "0.8" },
      });
      const again = await api.call(
        "PUT",
        v1,
        body("azureml://datastores/workspaceblobstore/paths/m/1/", {
          description: "first",
          tags: { stage: "prod" },
        }),
      );
      expect(again.status).to.equal(200);
      expect((again.body as V2Resource<Record<string, unknown>>).properties).to.deep.include({
        description: "first",
        tags: { stage: "prod" },
        properties: { AUC: "0.8" },
      });
      const moved = await api.call<{ error: { code: string; message: string; target: string } }>(
        "PUT",
        v1,
        body("azureml://datastores/workspaceblobstore/paths/m/other/"),
      );
      expect(moved.status).to.equal(409);
      expect(moved.body.error).to.deep.include({
        code: "UserError",
        target: "properties.modelUri",
        message:
          "Model census version 1 already exists and its 'properties.modelUri' cannot change: versions are immutable. Register a new version instead.",
      });
      const changedProperty = await api.call<{ error: { target: string } }>(
        "PUT",
        v1,
        body("azureml://datastores/workspaceblobstore/paths/m/1/", { properties: { AUC: "0.9" } }),
      );
      expect(changedProperty.status).to.equal(400);
      expect(changedProperty.body.error.target).to.equal("properties.properties.AUC");
      await api.call(
        "PUT",
        `${ws.path}/models/census/versions/2`,
        body("azureml://datastores/workspaceblobstore/paths/m/2/"),
      );
      const container = await api.call<V2Resource<{ latestVersion: string; nextVersion: string }>>(
        "GET",
        `${ws.path}/models/census`,
      );
      expect(container.status).to.equal(200);
      expect([
        container.body.properties.latestVersion,
        container.body.properties.nextVersion,
      ]).to.deep.equal(["2", "3"]);
    });

    it("validates each family's members and names the one at fault", async function () {
      const cases: [string, unknown, string][] = [
        [`${ws.path}/codes/c/versions/1`, { properties: {} }, "properties.codeUri"],
        [
          `${ws.path}/codes/c/versions/1`,
          { properties: { codeUri: "ftp://x/y" } },
          "properties.codeUri",
        ],
        [
          `${ws.path}/data/d/versions/1`,
          {
            properties: {
              dataType: "csv",
              dataUri: "azureml://datastores/workspaceblobstore/paths/x.csv",
            },
          },
          "properties.dataType",
        ],
        [
          `${ws.path}/environments/e/versions/1`,
          { properties: { condaFile: "x" } },
          "properties.image",
        ],
        [
          `${ws.path}/models/m/versions/1`,
          { properties: { modelUri: "azureml://datastores/x/paths/y", modelType: "onnx" } },
          "properties.modelType",
        ],
        [`${ws.path}/models/m/versions/1`, { nothing: true }, "properties"],
        [
          `${ws.path}/models/m/versions/bad version`,
          { properties: { modelUri: "azureml://datastores/x/paths/y" } },
          "name",
        ],
      ];
      for (const [path, body, target] of cases) {
        const res = await api.call<{ error: { code: string; target: string } }>("PUT", path, body);
        expect(res.status, `${path} ${JSON.stringify(body)}: ${res.text}`).to.equal(400);
        expect(res.body.error.target, res.text).to.equal(target);
      }
    });

    it("pages lists with nextLink", async function () {
      for (const v of ["1", "2", "3"])
        await api.call("PUT", `${ws.path}/data/paged/versions/${v}`, {
          properties: {
            dataType: "uri_file",
            dataUri: `azureml://datastores/workspaceblobstore/paths/d/${v}.csv`,
          },
        });
      const first = await api.call<V2Page<V2Resource<unknown>>>(
        "GET",
        `${ws.path}/data/paged/versions`,
      );
      expect(first.body.value.map((v) => v.name)).to.deep.equal(["1", "2"]);
      expectPresent(first.body.nextLink);
      const second = await api.call<V2Page<V2Resource<unknown>>>("GET", first.body.nextLink);
      expect(second.body.value.map((v) => v.name)).to.deep.equal(["3"]);
      expect(second.body.nextLink).to.equal(undefined);
    });
  });

  describe("long-running operations", function () {
    it("ends an operation Failed with the injected error and leaves the resource Failed", async function () {
      emulator.server.v2.operations.setFailurePattern(/^create .*\/workspaces\/doomed-/);
      try {
        const name = uniqueName("doomed");
        const path = `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${name}`;
        const put = await api.call("PUT", path, { location: "westeurope", properties: {} });
        expect(put.status).to.equal(201);
        const done = (await api.wait(put)) as V2OperationStatus;
        expect(done.status).to.equal("Failed");
        expect(done.error).to.deep.equal({
          code: "InternalServerError",
          message: "The operation failed (a failure injected with --v2-fail-operations).",
        });
        const got = await api.call<V2Resource<{ provisioningState: string }>>("GET", path);
        expect(got.body.properties.provisioningState).to.equal("Failed");
      } finally {
        emulator.server.v2.operations.setFailurePattern(undefined);
      }
    });

    it("answers a DELETE with 202 + Location, which answers 202 until the work is done, then 200", async function () {
      const name = uniqueName("gone");
      const path = `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${name}`;
      await api.putAndWait(path, { location: "westeurope", properties: {} });
      const del = await api.call("DELETE", path);
      expect(del.status).to.equal(202);
      const location = del.headers.get("location");
      expectPresent(location);
      expect(location).to.contain("/mfeOperationResults/");
      expect(del.headers.get("retry-after")).to.equal("0");
      const pending = await api.call("GET", location);
      expect(pending.status).to.equal(202);
      const final = (await api.wait(del)) as { status: number };
      expect(final.status).to.equal(200);
      expect((await api.call("GET", path)).status).to.equal(404);
      expect((await api.call("DELETE", path)).status).to.equal(204);
    });
  });
});
