/**
 * The classic management API and the emulator-only admin route over HTTP. Model replacement
 * with a really trained model is covered in `execution.test.ts`; here the endpoints carry no
 * model or a model that fails to download.
 */
import assert from "node:assert/strict";
import type { ClassicEndpoint, ClassicErrorBody, ClassicWebService } from "../../../clients/wire";
import { azuriteConnectionString, uniqueName } from "../../helpers/env";
import {
  createTestContainer,
  loadServiceDefinition,
  publishClassic,
  startTestEmulator,
  type TestEmulator,
} from "../../helpers/emulator";

function hex32(): string {
  return uniqueName("x")
    .replace(/[^0-9a-f]/g, "")
    .padEnd(32, "0")
    .slice(0, 32);
}

describe("emulator classic management API", function () {
  let emulator: TestEmulator;
  let ws: string;
  let predictiveId: string;
  let trainingId: string;
  const base = (id: string): string => `/workspaces/${ws}/webservices/${id}`;

  before(async function () {
    emulator = await startTestEmulator();
  });
  after(async function () {
    await emulator?.close();
  });
  beforeEach(async function () {
    ws = hex32();
    predictiveId = hex32();
    trainingId = hex32();
    await publishClassic(emulator, ws, predictiveId, {
      Name: "Census predictive",
      Description: "scores census rows",
      Properties: loadServiceDefinition("census-predictive").properties,
    });
    await publishClassic(emulator, ws, trainingId, {
      Name: "Census training",
      Properties: loadServiceDefinition("census-training").properties,
    });
  });

  describe("admin route (emulator-only publish)", function () {
    it("creates (201) then republishes (200) a web service with its default endpoint", async function () {
      const id = hex32();
      const body = {
        Name: "svc",
        Properties: loadServiceDefinition("census-predictive").properties,
      };
      const created = await emulator.classic<ClassicWebService>(
        "PUT",
        `/admin/workspaces/${ws}/webservices/${id}`,
        body,
      );
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.Id, id);
      assert.equal(created.body.DefaultEndpointName, "default");
      assert.equal(created.body.EndpointCount, 1);
      const again = await emulator.classic<ClassicWebService>(
        "PUT",
        `/admin/workspaces/${ws}/webservices/${id}`,
        { ...body, Name: "renamed" },
      );
      assert.equal(again.status, 200);
      assert.equal(again.body.Name, "renamed");
    });

    it("requires the workspace token", async function () {
      const path = `/admin/workspaces/${ws}/webservices/${hex32()}`;
      const body = {
        Name: "svc",
        Properties: loadServiceDefinition("census-predictive").properties,
      };
      for (const token of [null, "wrong", emulator.credentials.armToken]) {
        const res = await emulator.request<ClassicErrorBody>("PUT", path, { token, body });
        assert.equal(res.status, 401);
        assert.equal(res.body.error.code, "Unauthorized");
        assert.equal(res.body.error.details?.[0].code, "ManagementRequestUnauthorized");
      }
    });

    it("rejects a definition with an unsupported module (WebServicePackageError naming it)", async function () {
      const properties = loadServiceDefinition("census-predictive").properties;
      properties.assets!.asset4 = {
        name: "Execute R Script",
        type: "Module",
        locationInfo: { uri: "aml://module/execute-r-script" },
      };
      const res = await emulator.classic<ClassicErrorBody>(
        "PUT",
        `/admin/workspaces/${ws}/webservices/${hex32()}`,
        { Name: "bad", Properties: properties },
      );
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, "WebServicePackageError");
      assert.match(res.body.error.message, /Execute R Script/);
    });

    it("rejects a body without Name or Properties, and an initial model that cannot be read", async function () {
      const path = `/admin/workspaces/${ws}/webservices/${hex32()}`;
      const noName = await emulator.classic<ClassicErrorBody>("PUT", path, { Properties: {} });
      assert.equal(noName.body.error.details?.[0].code, "RequestBodyInvalid");
      const container = await createTestContainer("adm");
      const missing = await emulator.classic<ClassicErrorBody>("PUT", path, {
        Name: "m",
        Properties: loadServiceDefinition("census-predictive").properties,
        Resources: [
          {
            Name: "Census Model [trained model]",
            Location: {
              BaseLocation: new URL(container.client.url).origin + "/devstoreaccount1/",
              RelativeLocation: `${container.name}/none.ilearner`,
              SasBlobToken: "",
            },
          },
        ],
      });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error.details?.[0].code, "InvalidBlob");
      const wrongName = await emulator.classic<ClassicErrorBody>("PUT", path, {
        Name: "m",
        Properties: loadServiceDefinition("census-predictive").properties,
        Resources: [
          {
            Name: "Other [trained model]",
            Location: {
              BaseLocation: "http://127.0.0.1/",
              RelativeLocation: "c/b.ilearner",
              SasBlobToken: "",
            },
          },
        ],
      });
      assert.equal(wrongName.body.error.details?.[0].code, "ResourceNameNotFound");
    });
  });

  describe("web services", function () {
    it("lists (200) and gets web services; 404 for unknown ones", async function () {
      const list = await emulator.classic<ClassicWebService[]>(
        "GET",
        `/workspaces/${ws}/webservices`,
      );
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.map((s) => s.Id).sort(), [predictiveId, trainingId].sort());
      const get = await emulator.classic<ClassicWebService>("GET", base(predictiveId));
      assert.equal(get.status, 200);
      assert.equal(get.body.Name, "Census predictive");
      assert.equal(get.body.Description, "scores census rows");
      assert.equal(get.body.WorkspaceId, ws);
      assert.ok(!Number.isNaN(Date.parse(get.body.CreationTime)));
      const unknown = await emulator.classic<ClassicErrorBody>("GET", base(hex32()));
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error.details?.[0].code, "WebServiceIdNotFoundInWorkspace");
      const workspace = await emulator.classic<ClassicErrorBody>(
        "GET",
        `/workspaces/${hex32()}/webservices`,
      );
      assert.equal(workspace.status, 404);
      assert.equal(workspace.body.error.details?.[0].code, "WorkspaceNotFound");
    });

    it("deletes a web service with its endpoints; an empty workspace lists 204", async function () {
      assert.equal((await emulator.classic("DELETE", base(predictiveId))).status, 204);
      assert.equal((await emulator.classic("GET", base(predictiveId))).status, 404);
      assert.equal(
        (await emulator.classic("GET", `${base(predictiveId)}/endpoints/default`)).status,
        404,
      );
      assert.equal((await emulator.classic("DELETE", base(trainingId))).status, 204);
      const list = await emulator.classic("GET", `/workspaces/${ws}/webservices`);
      assert.equal(list.status, 204);
      assert.equal(list.text, "");
    });
  });

  describe("endpoints", function () {
    it("lists and gets the default endpoint with the spec's schema", async function () {
      const list = await emulator.classic<ClassicEndpoint[]>(
        "GET",
        `${base(predictiveId)}/endpoints`,
      );
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.map((e) => e.Name),
        ["default"],
      );
      const ep = (
        await emulator.classic<ClassicEndpoint>("GET", `${base(predictiveId)}/endpoints/default`)
      ).body;
      assert.equal(ep.WorkspaceId, ws);
      assert.equal(ep.WebServiceId, predictiveId);
      assert.match(ep.PrimaryKey, /^[A-Za-z0-9+/]{86}==$/);
      assert.notEqual(ep.PrimaryKey, ep.SecondaryKey);
      assert.match(
        ep.ApiLocation,
        new RegExp(`^${emulator.url}/workspaces/${ws}/services/[0-9a-f]{32}$`),
      );
      assert.ok(
        ep.HelpLocation.endsWith(`/workspaces/${ws}/webservices/${predictiveId}/endpoints/default`),
      );
      assert.deepEqual(ep.Resources, [
        {
          Name: "Census Model [trained model]",
          Kind: "TrainedModel",
          Location: { BaseLocation: "", RelativeLocation: "", SasBlobToken: "" },
        },
      ]);
      assert.equal(ep.ThrottleLevel, "Low");
      assert.equal(ep.MaxConcurrentCalls, 4);
      assert.equal(ep.DiagnosticsTraceLevel, "None");
      const training = (
        await emulator.classic<ClassicEndpoint>("GET", `${base(trainingId)}/endpoints/default`)
      ).body;
      assert.deepEqual(training.Resources, [], "a training service has no updatable resources");
    });

    it("creates an endpoint (201) with its own keys and URL, updates it with PUT (200)", async function () {
      const path = `${base(predictiveId)}/endpoints/contoso`;
      const created = await emulator.classic<ClassicEndpoint>("PUT", path, {
        Description: "for Contoso",
        ThrottleLevel: "High",
        MaxConcurrentCalls: "50",
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.Name, "contoso");
      assert.equal(created.body.ThrottleLevel, "High");
      assert.equal(created.body.MaxConcurrentCalls, 50, "a numeric string is accepted");
      const def = (
        await emulator.classic<ClassicEndpoint>("GET", `${base(predictiveId)}/endpoints/default`)
      ).body;
      assert.notEqual(created.body.ApiLocation, def.ApiLocation);
      assert.notEqual(created.body.PrimaryKey, def.PrimaryKey);
      assert.deepEqual(
        created.body.Resources.map((r) => r.Name),
        ["Census Model [trained model]"],
      );
      const updated = await emulator.classic<ClassicEndpoint>("PUT", path, {
        ThrottleLevel: "Low",
        MaxConcurrentCalls: 50,
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.MaxConcurrentCalls, 4, "ThrottleLevel Low caps concurrency at 4");
      assert.equal(updated.body.Description, "for Contoso", "PUT keeps what it does not send");
      assert.equal(updated.body.PrimaryKey, created.body.PrimaryKey);
      const list = (
        await emulator.classic<ClassicEndpoint[]>("GET", `${base(predictiveId)}/endpoints`)
      ).body;
      assert.deepEqual(
        list.map((e) => e.Name),
        ["default", "contoso"],
      );
    });

    it("validates endpoint names and settings", async function () {
      for (const name of ["Upper", "-dash", "dash-", "a".repeat(25), "under_score"]) {
        const res = await emulator.classic<ClassicErrorBody>(
          "PUT",
          `${base(predictiveId)}/endpoints/${name}`,
          {},
        );
        assert.equal(res.status, 400, name);
        assert.equal(res.body.error.details?.[0].code, "InvalidEndpointName", name);
      }
      const calls = await emulator.classic<ClassicErrorBody>(
        "PUT",
        `${base(predictiveId)}/endpoints/ok`,
        { ThrottleLevel: "High", MaxConcurrentCalls: 500 },
      );
      assert.equal(calls.body.error.details?.[0].code, "BadParameterValue");
      const level = await emulator.classic<ClassicErrorBody>(
        "PUT",
        `${base(predictiveId)}/endpoints/ok`,
        { ThrottleLevel: "Medium" },
      );
      assert.equal(level.body.error.details?.[0].code, "BadParameterValue");
    });

    it("PATCH of Resources: the default endpoint, a training service and an unknown name each fail as documented", async function () {
      const resource = (name: string) => ({
        Resources: [
          {
            Name: name,
            Location: {
              BaseLocation: "http://127.0.0.1:1/",
              RelativeLocation: "c/m.ilearner",
              SasBlobToken: "?sv=x&sig=y",
            },
          },
        ],
      });
      const onDefault = await emulator.classic<ClassicErrorBody>(
        "PATCH",
        `${base(predictiveId)}/endpoints/default`,
        resource("Census Model [trained model]"),
      );
      assert.equal(onDefault.status, 400);
      assert.equal(onDefault.body.error.details?.[0].code, "DefaultEndpointNotUpdatable");
      await emulator.classic("PUT", `${base(trainingId)}/endpoints/retrain`, {});
      const onTraining = await emulator.classic<ClassicErrorBody>(
        "PATCH",
        `${base(trainingId)}/endpoints/retrain`,
        resource("Census Model [trained model]"),
      );
      assert.equal(onTraining.status, 400);
      assert.equal(onTraining.body.error.details?.[0].code, "NoUpdatableResources");
      assert.match(onTraining.body.error.message, /no updatable resources/);
      await emulator.classic("PUT", `${base(predictiveId)}/endpoints/contoso`, {});
      const unknown = await emulator.classic<ClassicErrorBody>(
        "PATCH",
        `${base(predictiveId)}/endpoints/contoso`,
        resource("Other Model [trained model]"),
      );
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error.details?.[0].code, "ResourceNameNotFound");
      assert.match(unknown.body.error.message, /Census Model \[trained model\]/);
    });

    it("names the Resources member at fault on PATCH and on publish, checking the name first", async function () {
      await emulator.classic("PUT", `${base(predictiveId)}/endpoints/contoso`, {});
      const patch = (resources: unknown) =>
        emulator.classic<ClassicErrorBody>("PATCH", `${base(predictiveId)}/endpoints/contoso`, {
          Resources: resources,
        });
      const name = "Census Model [trained model]";
      const badBase = await patch([
        { Name: name, Location: { BaseLocation: 5, RelativeLocation: "c/m.ilearner" } },
      ]);
      assert.equal(badBase.status, 400);
      assert.equal(badBase.body.error.details?.[0].code, "RequestBodyInvalid");
      assert.match(
        badBase.body.error.message,
        /'Resources\[0\]\.Location\.BaseLocation' must be a string/,
      );
      const badSas = await patch([
        {
          Name: name,
          Location: {
            BaseLocation: "http://127.0.0.1:1/",
            RelativeLocation: "c/m.ilearner",
            SasBlobToken: {},
          },
        },
      ]);
      assert.match(badSas.body.error.message, /'Resources\[0\]\.Location\.SasBlobToken'/);
      const noLocation = await patch([{ Name: name }]);
      assert.match(noLocation.body.error.message, /'Resources\[0\]\.Location' is required/);
      const unknownFirst = await patch([{ Name: "Other", Location: { BaseLocation: 5 } }]);
      assert.equal(
        unknownFirst.body.error.details?.[0].code,
        "ResourceNameNotFound",
        "the name is checked before the Location",
      );
      const publish = await emulator.classic<ClassicErrorBody>(
        "PUT",
        `/admin/workspaces/${ws}/webservices/${hex32()}`,
        {
          Name: "m",
          Properties: loadServiceDefinition("census-predictive").properties,
          Resources: [
            { Name: name, Location: { BaseLocation: "http://127.0.0.1:1/", RelativeLocation: 7 } },
          ],
        },
      );
      assert.equal(publish.status, 400);
      assert.match(
        publish.body.error.message,
        /'Resources\[0\]\.Location\.RelativeLocation' must be a string/,
      );
    });

    it("PATCH with a model blob that cannot be read is 400 InvalidBlob and changes nothing", async function () {
      await emulator.classic("PUT", `${base(predictiveId)}/endpoints/contoso`, {});
      const container = await createTestContainer("cls");
      const res = await emulator.classic<ClassicErrorBody>(
        "PATCH",
        `${base(predictiveId)}/endpoints/contoso`,
        {
          Resources: [
            {
              Name: "Census Model [trained model]",
              Location: {
                BaseLocation: `${new URL(container.client.url).origin}/devstoreaccount1/`,
                RelativeLocation: `${container.name}/missing.ilearner`,
                SasBlobToken: "",
              },
            },
          ],
        },
      );
      assert.equal(res.status, 400);
      assert.equal(res.body.error.details?.[0].code, "InvalidBlob");
      const ep = (
        await emulator.classic<ClassicEndpoint>("GET", `${base(predictiveId)}/endpoints/contoso`)
      ).body;
      assert.equal(ep.Resources[0].Location.RelativeLocation, "");
    });

    it("PATCH merges Description and DiagnosticsTraceLevel", async function () {
      await emulator.classic("PUT", `${base(predictiveId)}/endpoints/contoso`, {
        Description: "a",
      });
      const res = await emulator.classic<ClassicEndpoint>(
        "PATCH",
        `${base(predictiveId)}/endpoints/contoso`,
        { Description: "b", DiagnosticsTraceLevel: "All" },
      );
      assert.equal(res.status, 200);
      assert.equal(res.body.Description, "b");
      assert.equal(res.body.DiagnosticsTraceLevel, "All");
    });

    it("refresh answers 304 when nothing changed and 200 after a republish", async function () {
      await emulator.classic("PUT", `${base(predictiveId)}/endpoints/contoso`, {});
      const path = `${base(predictiveId)}/endpoints/contoso/refresh`;
      const unchanged = await emulator.classic("POST", path, { OverwriteResources: "True" });
      assert.equal(unchanged.status, 304);
      const properties = loadServiceDefinition("census-predictive").properties;
      properties.description = "republished";
      await publishClassic(emulator, ws, predictiveId, {
        Name: "Census predictive",
        Properties: properties,
      });
      const changed = await emulator.classic<ClassicEndpoint>("POST", path, {
        OverwriteResources: "False",
      });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.Name, "contoso");
      assert.equal((await emulator.classic("POST", path, {})).status, 304);
    });

    it("the default endpoint cannot be deleted while others exist", async function () {
      await emulator.classic("PUT", `${base(predictiveId)}/endpoints/contoso`, {});
      const refused = await emulator.classic<ClassicErrorBody>(
        "DELETE",
        `${base(predictiveId)}/endpoints/default`,
      );
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.details?.[0].code, "CannotDeleteDefaultEndpoint");
      assert.equal(
        (await emulator.classic("DELETE", `${base(predictiveId)}/endpoints/contoso`)).status,
        204,
      );
      const gone = await emulator.classic<ClassicErrorBody>(
        "GET",
        `${base(predictiveId)}/endpoints/contoso`,
      );
      assert.equal(gone.status, 404);
      assert.equal(gone.body.error.details?.[0].code, "EndpointNotFound");
      assert.equal(
        (await emulator.classic("DELETE", `${base(predictiveId)}/endpoints/default`)).status,
        204,
      );
      assert.equal((await emulator.classic("GET", `${base(predictiveId)}/endpoints`)).status, 204);
    });
  });

  describe("authentication", function () {
    it("answers 401 ManagementRequestUnauthorized without the workspace token", async function () {
      for (const token of [null, "nope", emulator.credentials.armToken]) {
        const res = await emulator.request<ClassicErrorBody>(
          "GET",
          `/workspaces/${ws}/webservices`,
          { token },
        );
        assert.equal(res.status, 401);
        assert.deepEqual(res.body, {
          error: {
            code: "Unauthorized",
            message: "Invalid credentials provided.",
            details: [
              { code: "ManagementRequestUnauthorized", message: "Invalid credentials provided." },
            ],
          },
        });
      }
    });

    it("an endpoint's own key opens GET/PATCH of that endpoint only", async function () {
      const contoso = (
        await emulator.classic<ClassicEndpoint>(
          "PUT",
          `${base(predictiveId)}/endpoints/contoso`,
          {},
        )
      ).body;
      const other = (
        await emulator.classic<ClassicEndpoint>(
          "PUT",
          `${base(predictiveId)}/endpoints/fabrikam`,
          {},
        )
      ).body;
      const own = await emulator.request<ClassicEndpoint>(
        "GET",
        `${emulator.url}/${base(predictiveId).slice(1)}/endpoints/contoso`,
        { token: contoso.SecondaryKey },
      );
      assert.equal(own.status, 200);
      const patch = await emulator.request<ClassicEndpoint>(
        "PATCH",
        `${base(predictiveId)}/endpoints/contoso`,
        { token: contoso.PrimaryKey, body: { Description: "by key" } },
      );
      assert.equal(patch.status, 200);
      const cross = await emulator.request("GET", `${base(predictiveId)}/endpoints/${other.Name}`, {
        token: contoso.PrimaryKey,
      });
      assert.equal(cross.status, 401, "one endpoint's key does not open another endpoint");
      const list = await emulator.request("GET", `${base(predictiveId)}/endpoints`, {
        token: contoso.PrimaryKey,
      });
      assert.equal(list.status, 401, "an endpoint key does not list");
      const del = await emulator.request("DELETE", `${base(predictiveId)}/endpoints/contoso`, {
        token: contoso.PrimaryKey,
      });
      assert.equal(del.status, 401, "an endpoint key does not delete");
    });
  });

  describe("errors", function () {
    it("answers unknown routes with 404 in the classic envelope and 501 for help pages", async function () {
      const res = await emulator.classic<ClassicErrorBody>("GET", `/workspaces/${ws}/nothing`);
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, "NotFound");
      const help = await emulator.request<ClassicErrorBody>(
        "GET",
        `/apihelp/workspaces/${ws}/webservices/${predictiveId}/endpoints/default`,
      );
      assert.equal(help.status, 501);
      assert.equal(help.body.error.details?.[0].code, "APINotImplemented");
    });

    it("answers a body that is not JSON with 400 RequestBodyInvalid", async function () {
      const res = await emulator.request<ClassicErrorBody>(
        "PUT",
        `${base(predictiveId)}/endpoints/x`,
        {
          token: emulator.credentials.workspaceToken,
          body: "{oops",
        },
      );
      assert.equal(res.status, 400);
      assert.equal(res.body.error.details?.[0].code, "RequestBodyInvalid");
    });
  });
});

describe("emulator classic management API with --strict", function () {
  let emulator: TestEmulator;
  before(async function () {
    emulator = await startTestEmulator({ strict: true });
  });
  after(async function () {
    await emulator?.close();
  });

  it("rejects unknown body members and query parameters", async function () {
    const ws = hex32();
    const id = hex32();
    await publishClassic(emulator, ws, id, {
      Name: "s",
      Properties: loadServiceDefinition("census-predictive").properties,
    });
    const body = await emulator.classic<ClassicErrorBody>(
      "PUT",
      `/workspaces/${ws}/webservices/${id}/endpoints/e1`,
      { Description: "d", Colour: "red" },
    );
    assert.equal(body.status, 400);
    assert.equal(body.body.error.details?.[0].code, "UnsupportedParameter");
    assert.equal(body.body.error.details?.[0].target, "Colour");
    const known = await emulator.classic(
      "PUT",
      `/workspaces/${ws}/webservices/${id}/endpoints/e1`,
      { Description: "d", WebServiceId: id, EndpointName: "e1" },
    );
    assert.equal(known.status, 201, "the PowerShell SDK's extra members are known");
    const query = await emulator.classic<ClassicErrorBody>(
      "GET",
      `/workspaces/${ws}/webservices?foo=bar`,
    );
    assert.equal(query.body.error.details?.[0].code, "UnsupportedParameter");
  });

  it("requires execution api-version 2.0 and rejects AzureBatchPoolId", async function () {
    const ws = hex32();
    const endpoint = await publishClassic(emulator, ws, hex32(), {
      Name: "t",
      Properties: loadServiceDefinition("census-training").properties,
    });
    const wrongVersion = await emulator.request<ClassicErrorBody>(
      "GET",
      `${endpoint.ApiLocation}/swagger.json?api-version=1.0`,
      { token: endpoint.PrimaryKey },
    );
    assert.equal(wrongVersion.status, 400);
    assert.equal(wrongVersion.body.error.details?.[0].code, "BadVersionCall");
    const pool = await emulator.request<ClassicErrorBody>(
      "POST",
      `${endpoint.ApiLocation}/jobs?api-version=2.0`,
      { token: endpoint.PrimaryKey, body: { AzureBatchPoolId: "pool1" } },
    );
    assert.equal(pool.body.error.details?.[0].code, "UnsupportedParameter");
    assert.equal(pool.body.error.details?.[0].target, "AzureBatchPoolId");
  });
});

describe("emulator execution API on a service without a storage account", function () {
  let emulator: TestEmulator;
  before(async function () {
    emulator = await startTestEmulator();
  });
  after(async function () {
    await emulator?.close();
  });

  it("needs an override for every output (NoDefaultStorageAccount)", async function () {
    const endpoint = await publishClassic(emulator, hex32(), hex32(), {
      Name: "no storage",
      Properties: loadServiceDefinition("census-training").properties,
    });
    const container = await createTestContainer("nostore");
    const input = await container.upload("in.csv", "age\n1\n");
    const res = await emulator.request<ClassicErrorBody>(
      "POST",
      `${endpoint.ApiLocation}/jobs?api-version=2.0`,
      {
        token: endpoint.PrimaryKey,
        body: {
          Inputs: {
            input1: { ConnectionString: azuriteConnectionString(), RelativeLocation: input },
          },
          Outputs: {
            output1: {
              ConnectionString: azuriteConnectionString(),
              RelativeLocation: `${container.name}/m.ilearner`,
            },
          },
        },
      },
    );
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details?.[0].code, "NoDefaultStorageAccount");
    assert.equal(res.body.error.details?.[0].target, "output2");
  });
});
