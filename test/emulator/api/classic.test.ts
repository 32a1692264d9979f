/**
 * The classic management API and the emulator-only admin route over HTTP. Model replacement
 * with a really trained model is covered in `execution.test.ts`; here the endpoints carry no
 * model or a model that fails to download.
 */
import { expect } from "chai";
import type { ClassicEndpoint, ClassicErrorBody, ClassicWebService } from "../../../contract";
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
      expect(created.status, created.text).to.equal(201);
      expect(created.body.Id).to.equal(id);
      expect(created.body.DefaultEndpointName).to.equal("default");
      expect(created.body.EndpointCount).to.equal(1);
      const again = await emulator.classic<ClassicWebService>(
        "PUT",
        `/admin/workspaces/${ws}/webservices/${id}`,
        { ...body, Name: "renamed" },
      );
      expect(again.status).to.equal(200);
      expect(again.body.Name).to.equal("renamed");
    });

    it("requires the workspace token", async function () {
      const path = `/admin/workspaces/${ws}/webservices/${hex32()}`;
      const body = {
        Name: "svc",
        Properties: loadServiceDefinition("census-predictive").properties,
      };
      for (const token of [null, "wrong", emulator.credentials.armToken]) {
        const res = await emulator.request<ClassicErrorBody>("PUT", path, { token, body });
        expect(res.status).to.equal(401);
        expect(res.body.error.code).to.equal("Unauthorized");
        expect(res.body.error.details?.[0].code).to.equal("ManagementRequestUnauthorized");
      }
    });

    it("rejects a malformed definition (a port the module lacks: WebServicePackageError naming it)", async function () {
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
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal("WebServicePackageError");
      expect(res.body.error.message).to.match(
        /Module "Execute R Script" \(node node5\) has no input port "Dataset"/,
      );
    });

    it("rejects a body without Name or Properties, and an initial model that cannot be read", async function () {
      const path = `/admin/workspaces/${ws}/webservices/${hex32()}`;
      const noName = await emulator.classic<ClassicErrorBody>("PUT", path, { Properties: {} });
      expect(noName.body.error.details?.[0].code).to.equal("RequestBodyInvalid");
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
      expect(missing.status).to.equal(400);
      expect(missing.body.error.details?.[0].code).to.equal("InvalidBlob");
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
      expect(wrongName.body.error.details?.[0].code).to.equal("ResourceNameNotFound");
    });
  });

  describe("web services", function () {
    it("lists (200) and gets web services; 404 for unknown ones", async function () {
      const list = await emulator.classic<ClassicWebService[]>(
        "GET",
        `/workspaces/${ws}/webservices`,
      );
      expect(list.status).to.equal(200);
      expect(list.body.map((s) => s.Id).sort()).to.deep.equal([predictiveId, trainingId].sort());
      const get = await emulator.classic<ClassicWebService>("GET", base(predictiveId));
      expect(get.status).to.equal(200);
      expect(get.body.Name).to.equal("Census predictive");
      expect(get.body.Description).to.equal("scores census rows");
      expect(get.body.WorkspaceId).to.equal(ws);
      expect(Number.isNaN(Date.parse(get.body.CreationTime))).to.equal(false);
      const unknown = await emulator.classic<ClassicErrorBody>("GET", base(hex32()));
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.details?.[0].code).to.equal("WebServiceIdNotFoundInWorkspace");
      const workspace = await emulator.classic<ClassicErrorBody>(
        "GET",
        `/workspaces/${hex32()}/webservices`,
      );
      expect(workspace.status).to.equal(404);
      expect(workspace.body.error.details?.[0].code).to.equal("WorkspaceNotFound");
    });

    it("deletes a web service with its endpoints; an empty workspace lists 204", async function () {
      expect((await emulator.classic("DELETE", base(predictiveId))).status).to.equal(204);
      expect((await emulator.classic("GET", base(predictiveId))).status).to.equal(404);
      expect(
        (await emulator.classic("GET", `${base(predictiveId)}/endpoints/default`)).status,
      ).to.equal(404);
      expect((await emulator.classic("DELETE", base(trainingId))).status).to.equal(204);
      const list = await emulator.classic("GET", `/workspaces/${ws}/webservices`);
      expect(list.status).to.equal(204);
      expect(list.text).to.equal("");
    });
  });

  describe("endpoints", function () {
    it("lists and gets the default endpoint with the spec's schema", async function () {
      const list = await emulator.classic<ClassicEndpoint[]>(
        "GET",
        `${base(predictiveId)}/endpoints`,
      );
      expect(list.status).to.equal(200);
      expect(list.body.map((e) => e.Name)).to.deep.equal(["default"]);
      const ep = (
        await emulator.classic<ClassicEndpoint>("GET", `${base(predictiveId)}/endpoints/default`)
      ).body;
      expect(ep.WorkspaceId).to.equal(ws);
      expect(ep.WebServiceId).to.equal(predictiveId);
      expect(ep.PrimaryKey).to.match(/^[A-Za-z0-9+/]{86}==$/);
      expect(ep.PrimaryKey).to.not.equal(ep.SecondaryKey);
      expect(ep.ApiLocation).to.match(
        new RegExp(`^${emulator.url}/workspaces/${ws}/services/[0-9a-f]{32}$`),
      );
      expect(
        ep.HelpLocation.endsWith(`/workspaces/${ws}/webservices/${predictiveId}/endpoints/default`),
      ).to.equal(true);
      expect(ep.Resources).to.deep.equal([
        {
          Name: "Census Model [trained model]",
          Kind: "TrainedModel",
          Location: { BaseLocation: "", RelativeLocation: "", SasBlobToken: "" },
        },
      ]);
      expect(ep.ThrottleLevel).to.equal("Low");
      expect(ep.MaxConcurrentCalls).to.equal(4);
      expect(ep.DiagnosticsTraceLevel).to.equal("None");
      const training = (
        await emulator.classic<ClassicEndpoint>("GET", `${base(trainingId)}/endpoints/default`)
      ).body;
      expect(training.Resources, "a training service has no updatable resources").to.deep.equal([]);
    });

    it("creates an endpoint (201) with its own keys and URL, updates it with PUT (200)", async function () {
      const path = `${base(predictiveId)}/endpoints/contoso`;
      const created = await emulator.classic<ClassicEndpoint>("PUT", path, {
        Description: "for Contoso",
        ThrottleLevel: "High",
        MaxConcurrentCalls: "50",
      });
      expect(created.status, created.text).to.equal(201);
      expect(created.body.Name).to.equal("contoso");
      expect(created.body.ThrottleLevel).to.equal("High");
      expect(created.body.MaxConcurrentCalls, "a numeric string is accepted").to.equal(50);
      const def = (
        await emulator.classic<ClassicEndpoint>("GET", `${base(predictiveId)}/endpoints/default`)
      ).body;
      expect(created.body.ApiLocation).to.not.equal(def.ApiLocation);
      expect(created.body.PrimaryKey).to.not.equal(def.PrimaryKey);
      expect(created.body.Resources.map((r) => r.Name)).to.deep.equal([
        "Census Model [trained model]",
      ]);
      const updated = await emulator.classic<ClassicEndpoint>("PUT", path, {
        ThrottleLevel: "Low",
        MaxConcurrentCalls: 50,
      });
      expect(updated.status).to.equal(200);
      expect(updated.body.MaxConcurrentCalls, "ThrottleLevel Low caps concurrency at 4").to.equal(
        4,
      );
      expect(updated.body.Description, "PUT keeps what it does not send").to.equal("for Contoso");
      expect(updated.body.PrimaryKey).to.equal(created.body.PrimaryKey);
      const list = (
        await emulator.classic<ClassicEndpoint[]>("GET", `${base(predictiveId)}/endpoints`)
      ).body;
      expect(list.map((e) => e.Name)).to.deep.equal(["default", "contoso"]);
    });

    it("validates endpoint names and settings", async function () {
      for (const name of ["Upper", "-dash", "dash-", "a".repeat(25), "under_score"]) {
        const res = await emulator.classic<ClassicErrorBody>(
          "PUT",
          `${base(predictiveId)}/endpoints/${name}`,
          {},
        );
        expect(res.status, name).to.equal(400);
        expect(res.body.error.details?.[0].code, name).to.equal("InvalidEndpointName");
      }
      const calls = await emulator.classic<ClassicErrorBody>(
        "PUT",
        `${base(predictiveId)}/endpoints/ok`,
        { ThrottleLevel: "High", MaxConcurrentCalls: 500 },
      );
      expect(calls.body.error.details?.[0].code).to.equal("BadParameterValue");
      const level = await emulator.classic<ClassicErrorBody>(
        "PUT",
        `${base(predictiveId)}/endpoints/ok`,
        { ThrottleLevel: "Medium" },
      );
      expect(level.body.error.details?.[0].code).to.equal("BadParameterValue");
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
      expect(onDefault.status).to.equal(400);
      expect(onDefault.body.error.details?.[0].code).to.equal("DefaultEndpointNotUpdatable");
      await emulator.classic("PUT", `${base(trainingId)}/endpoints/retrain`, {});
      const onTraining = await emulator.classic<ClassicErrorBody>(
        "PATCH",
        `${base(trainingId)}/endpoints/retrain`,
        resource("Census Model [trained model]"),
      );
      expect(onTraining.status).to.equal(400);
      expect(onTraining.body.error.details?.[0].code).to.equal("NoUpdatableResources");
      expect(onTraining.body.error.message).to.match(/no updatable resources/);
      await emulator.classic("PUT", `${base(predictiveId)}/endpoints/contoso`, {});
      const unknown = await emulator.classic<ClassicErrorBody>(
        "PATCH",
        `${base(predictiveId)}/endpoints/contoso`,
        resource("Other Model [trained model]"),
      );
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.details?.[0].code).to.equal("ResourceNameNotFound");
      expect(unknown.body.error.message).to.match(/Census Model \[trained model\]/);
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
      expect(badBase.status).to.equal(400);
      expect(badBase.body.error.details?.[0].code).to.equal("RequestBodyInvalid");
      expect(badBase.body.error.message).to.match(
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
      expect(badSas.body.error.message).to.match(/'Resources\[0\]\.Location\.SasBlobToken'/);
      const noLocation = await patch([{ Name: name }]);
      expect(noLocation.body.error.message).to.match(/'Resources\[0\]\.Location' is required/);
      const unknownFirst = await patch([{ Name: "Other", Location: { BaseLocation: 5 } }]);
      expect(
        unknownFirst.body.error.details?.[0].code,
        "the name is checked before the Location",
      ).to.equal("ResourceNameNotFound");
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
      expect(publish.status).to.equal(400);
      expect(publish.body.error.message).to.match(
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
      expect(res.status).to.equal(400);
      expect(res.body.error.details?.[0].code).to.equal("InvalidBlob");
      const ep = (
        await emulator.classic<ClassicEndpoint>("GET", `${base(predictiveId)}/endpoints/contoso`)
      ).body;
      expect(ep.Resources[0].Location.RelativeLocation).to.equal("");
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
      expect(res.status).to.equal(200);
      expect(res.body.Description).to.equal("b");
      expect(res.body.DiagnosticsTraceLevel).to.equal("All");
    });

    it("refresh answers 304 when nothing changed and 200 after a republish", async function () {
      await emulator.classic("PUT", `${base(predictiveId)}/endpoints/contoso`, {});
      const path = `${base(predictiveId)}/endpoints/contoso/refresh`;
      const unchanged = await emulator.classic("POST", path, { OverwriteResources: "True" });
      expect(unchanged.status).to.equal(304);
      const properties = loadServiceDefinition("census-predictive").properties;
      properties.description = "republished";
      await publishClassic(emulator, ws, predictiveId, {
        Name: "Census predictive",
        Properties: properties,
      });
      const changed = await emulator.classic<ClassicEndpoint>("POST", path, {
        OverwriteResources: "False",
      });
      expect(changed.status).to.equal(200);
      expect(changed.body.Name).to.equal("contoso");
      expect((await emulator.classic("POST", path, {})).status).to.equal(304);
    });

    it("the default endpoint cannot be deleted while others exist", async function () {
      await emulator.classic("PUT", `${base(predictiveId)}/endpoints/contoso`, {});
      const refused = await emulator.classic<ClassicErrorBody>(
        "DELETE",
        `${base(predictiveId)}/endpoints/default`,
      );
      expect(refused.status).to.equal(400);
      expect(refused.body.error.details?.[0].code).to.equal("CannotDeleteDefaultEndpoint");
      expect(
        (await emulator.classic("DELETE", `${base(predictiveId)}/endpoints/contoso`)).status,
      ).to.equal(204);
      const gone = await emulator.classic<ClassicErrorBody>(
        "GET",
        `${base(predictiveId)}/endpoints/contoso`,
      );
      expect(gone.status).to.equal(404);
      expect(gone.body.error.details?.[0].code).to.equal("EndpointNotFound");
      expect(
        (await emulator.classic("DELETE", `${base(predictiveId)}/endpoints/default`)).status,
      ).to.equal(204);
      expect((await emulator.classic("GET", `${base(predictiveId)}/endpoints`)).status).to.equal(
        204,
      );
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
        expect(res.status).to.equal(401);
        expect(res.body).to.deep.equal({
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
      expect(own.status).to.equal(200);
      const patch = await emulator.request<ClassicEndpoint>(
        "PATCH",
        `${base(predictiveId)}/endpoints/contoso`,
        { token: contoso.PrimaryKey, body: { Description: "by key" } },
      );
      expect(patch.status).to.equal(200);
      const cross = await emulator.request("GET", `${base(predictiveId)}/endpoints/${other.Name}`, {
        token: contoso.PrimaryKey,
      });
      expect(cross.status, "one endpoint's key does not open another endpoint").to.equal(401);
      const list = await emulator.request("GET", `${base(predictiveId)}/endpoints`, {
        token: contoso.PrimaryKey,
      });
      expect(list.status, "an endpoint key does not list").to.equal(401);
      const del = await emulator.request("DELETE", `${base(predictiveId)}/endpoints/contoso`, {
        token: contoso.PrimaryKey,
      });
      expect(del.status, "an endpoint key does not delete").to.equal(401);
    });
  });

  describe("errors", function () {
    it("answers unknown routes with 404 in the classic envelope and 501 for help pages", async function () {
      const res = await emulator.classic<ClassicErrorBody>("GET", `/workspaces/${ws}/nothing`);
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal("NotFound");
      const help = await emulator.request<ClassicErrorBody>(
        "GET",
        `/apihelp/workspaces/${ws}/webservices/${predictiveId}/endpoints/default`,
      );
      expect(help.status).to.equal(501);
      expect(help.body.error.details?.[0].code).to.equal("APINotImplemented");
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
      expect(res.status).to.equal(400);
      expect(res.body.error.details?.[0].code).to.equal("RequestBodyInvalid");
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
    expect(body.status).to.equal(400);
    expect(body.body.error.details?.[0].code).to.equal("UnsupportedParameter");
    expect(body.body.error.details?.[0].target).to.equal("Colour");
    const known = await emulator.classic(
      "PUT",
      `/workspaces/${ws}/webservices/${id}/endpoints/e1`,
      { Description: "d", WebServiceId: id, EndpointName: "e1" },
    );
    expect(known.status, "the PowerShell SDK's extra members are known").to.equal(201);
    const query = await emulator.classic<ClassicErrorBody>(
      "GET",
      `/workspaces/${ws}/webservices?foo=bar`,
    );
    expect(query.body.error.details?.[0].code).to.equal("UnsupportedParameter");
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
    expect(wrongVersion.status).to.equal(400);
    expect(wrongVersion.body.error.details?.[0].code).to.equal("BadVersionCall");
    const pool = await emulator.request<ClassicErrorBody>(
      "POST",
      `${endpoint.ApiLocation}/jobs?api-version=2.0`,
      { token: endpoint.PrimaryKey, body: { AzureBatchPoolId: "pool1" } },
    );
    expect(pool.body.error.details?.[0].code).to.equal("UnsupportedParameter");
    expect(pool.body.error.details?.[0].target).to.equal("AzureBatchPoolId");
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
    expect(res.status).to.equal(400);
    expect(res.body.error.details?.[0].code).to.equal("NoDefaultStorageAccount");
    expect(res.body.error.details?.[0].target).to.equal("output2");
  });
});
