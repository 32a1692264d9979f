/**
 * The emulator's authentication matrix (issue 7, item 4): every authenticated route of every
 * surface, taken from the route declarations themselves (so a new route is covered by default),
 * is called with every wrong credential: none, a wrong token, the right secret under another
 * scheme, the other surfaces' tokens, another service's or endpoint's key. Each answer must be
 * 401 in the surface's envelope with its code, and nothing may change (DELETE and PUT included).
 *
 * Also the `Results` SAS of a BES job: read-only (a write or delete through it is refused by
 * storage with 403), valid about 24 h, and refused once expired (minted through the same code
 * path with a clock 25 h back).
 */
import { expect } from "chai";
import {
  BES_STATUS_NAMES,
  type AzureBlobDataReference,
  type ClassicEndpoint,
  type WebServiceKeys,
} from "../../contract";
import { parseConnectionString, resultReference } from "../../emulator/blob/blobIo";
import { armRoutes } from "../../emulator/routes/armRoutes";
import { adminRoutes, classicRoutes } from "../../emulator/routes/classicRoutes";
import { executionRoutes } from "../../emulator/routes/executionRoutes";
import { portalRoutes } from "../../emulator/routes/portalRoutes";
import type { RouteSpec } from "../../emulator/routes/routeSpec";
import { azuriteConnectionString, uniqueId } from "../helpers/env";
import {
  Bes,
  armServicePath,
  createTestContainer,
  executionBase,
  httpRequest,
  loadServiceDefinition,
  publishClassic,
  putArmService,
  startTestEmulator,
  trainingDefinition,
  type TestContainer,
  type TestEmulator,
} from "../helpers/emulator";
import { censusCsv } from "../emulator/api/censusData";

const SUB = "00000000-0000-0000-0000-00000000a001";

/** Every route the emulator declares (handlers are never called: nothing gets past 401). */
function declaredRoutes(): RouteSpec[] {
  const none = {} as never;
  return [
    ...armRoutes(none),
    ...classicRoutes(none),
    ...adminRoutes(none),
    ...executionRoutes(none, none, 1024 * 1024),
  ];
}

describe("reliability: authentication matrix of every surface, and the Results SAS", function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let container: TestContainer;
  const ws = uniqueId("ws");
  const webServiceId = uniqueId("svc");
  /** Real ids for every path parameter. */
  const params: Record<string, string> = {};
  /** Keys of what exists: two ARM services, two classic endpoints. */
  const keys: Record<string, string> = {};
  let trainingExecution: string;
  let endpointA: ClassicEndpoint;
  let endpointB: ClassicEndpoint;
  let jobId: string;
  let results: Record<string, AzureBlobDataReference>;

  before(async () => {
    emulator = await startTestEmulator();
    container = await createTestContainer("auth");
    await container.upload("train.csv", censusCsv(300, 2));
    const definition = trainingDefinition();
    const trainingPath = armServicePath(SUB, "auth", "training");
    const training = await putArmService(emulator, trainingPath, definition);
    const otherPath = armServicePath(SUB, "auth", "other");
    await putArmService(emulator, otherPath, definition);
    keys.training = (
      await emulator.arm<WebServiceKeys>("GET", `${trainingPath}/listKeys`)
    ).body.primary;
    keys.other = (await emulator.arm<WebServiceKeys>("GET", `${otherPath}/listKeys`)).body.primary;
    trainingExecution = executionBase(training);

    await publishClassic(emulator, ws, webServiceId, {
      Name: "auth",
      Properties: loadServiceDefinition("census-predictive").properties,
    });
    const endpoint = async (name: string): Promise<ClassicEndpoint> => {
      const path = `/workspaces/${ws}/webservices/${webServiceId}/endpoints/${name}`;
      expect((await emulator.classic("PUT", path, {})).status).to.equal(201);
      return (await emulator.classic<ClassicEndpoint>("GET", path)).body;
    };
    endpointA = await endpoint("epa");
    endpointB = await endpoint("epb");
    keys.endpointA = endpointA.PrimaryKey;
    keys.endpointB = endpointB.PrimaryKey;

    const ref = (blob: string) => ({
      ConnectionString: azuriteConnectionString(),
      RelativeLocation: `${container.name}/${blob}`,
    });
    const bes = new Bes(trainingExecution, keys.training);
    jobId = await bes.submitOk({
      Inputs: { input1: ref("train.csv") },
      Outputs: { output1: ref("out/model.ilearner"), output2: ref("out/eval.csv") },
    });
    expect((await bes.start(jobId)).status).to.equal(204);
    const status = await bes.waitDone(jobId);
    expect(status.StatusCode, status.Details ?? "").to.equal("Finished");
    results = status.Results!;

    Object.assign(params, {
      subscriptionId: SUB,
      resourceGroup: "auth",
      name: "training",
      location: "local",
      operationId: "0".repeat(32),
      workspaceId: ws,
      webServiceId,
      endpointName: "epa",
      jobId,
    });
  });

  after(async () => {
    await emulator?.close();
  });

  /** What wrong credentials must not change. */
  const state = async (): Promise<string> =>
    JSON.stringify({
      arm: (
        await emulator.arm(
          "GET",
          `/subscriptions/${SUB}/providers/Microsoft.MachineLearning/webServices`,
        )
      ).body,
      endpoints: (
        await emulator.classic("GET", `/workspaces/${ws}/webservices/${webServiceId}/endpoints`)
      ).body,
      jobs: emulator.server.store
        .listJobs(BES_STATUS_NAMES)
        .map((j) => `${j.id}:${j.status}`)
        .sort(),
    });

  it("answers every wrong credential on every authenticated route with 401 in its envelope, changing nothing", async () => {
    const before = await state();
    const tokens = emulator.credentials;
    let checked = 0;
    const routes = declaredRoutes().filter((r) => r.auth !== "none");
    expect(routes.length, `${routes.length} routes`).to.be.at.least(25);
    for (const route of routes) {
      // Execution routes: the training service's URL, or classic endpoint A's.
      const executionId = route.url.startsWith("/workspaces/:workspaceId/services/")
        ? endpointA.ApiLocation.split("/").pop()!
        : trainingExecution.split("/").pop()!;
      const scope = route.url.startsWith("/subscriptions/:subscriptionId/services/")
        ? trainingExecution.split("/")[4]
        : SUB;
      const path = route.url.replace(/:(\w+)/g, (_m, name: string) => {
        if (name === "executionId") return executionId;
        if (name === "subscriptionId") return scope;
        return params[name];
      });
      const query = route.surface === "arm" ? "?api-version=2017-01-01" : "?api-version=2.0";
      const body = ["PUT", "POST", "PATCH"].includes(String(route.method)) ? {} : undefined;

      // The wrong credentials for this route: each must be refused.
      const wrong: [string, Record<string, string>][] = [
        ["no Authorization header", {}],
        ["a wrong bearer token", { Authorization: "Bearer not-a-valid-credential-at-all" }],
        ["an empty bearer token", { Authorization: "Bearer " }],
      ];
      const own =
        route.auth === "arm"
          ? tokens.armToken
          : route.auth === "executionKey"
            ? route.url.startsWith("/workspaces/")
              ? keys.endpointA
              : keys.training
            : tokens.workspaceToken;
      wrong.push(["the right secret under the Basic scheme", { Authorization: `Basic ${own}` }]);
      wrong.push(["the right secret without a scheme", { Authorization: own }]);
      const others: [string, string][] = [
        ["the ARM token", tokens.armToken],
        ["the workspace token", tokens.workspaceToken],
        ["another ARM service's key", keys.other],
        ["ARM service key", keys.training],
        ["endpoint A's key", keys.endpointA],
        ["endpoint B's key", keys.endpointB],
      ];
      for (const [label, token] of others) {
        if (token === own) continue;
        // The management routes of endpoint A itself accept A's own key (documented).
        if (route.auth === "workspaceOrEndpointKey" && token === keys.endpointA) continue;
        wrong.push([label, { Authorization: `Bearer ${token}` }]);
      }

      for (const [label, headers] of wrong) {
        const response = await httpRequest<{
          error: { code: string; details?: { code: string }[] };
        }>(String(route.method), `${emulator.url}${path}${query}`, {
          headers,
          ...(body !== undefined ? { body } : {}),
        });
        const where = `${route.method} ${route.url} with ${label}`;
        expect(response.status, `${where}: ${response.status} ${response.text}`).to.equal(401);
        const error = response.body.error;
        if (route.surface === "arm") {
          expect(error.code, where).to.equal(
            label === "no Authorization header"
              ? "AuthenticationFailed"
              : "InvalidAuthenticationToken",
          );
        } else {
          expect(error.code, where).to.equal("Unauthorized");
          expect(error.details?.[0].code, where).to.equal(
            route.surface === "execution"
              ? "ScoreRequestUnauthorized"
              : "ManagementRequestUnauthorized",
          );
        }
        expect(response.headers.get("x-ms-request-id"), where).to.be.ok;
        checked++;
      }
    }
    expect(checked, `${checked} requests`).to.be.above(200);
    expect(await state(), "no wrong credential changed anything").to.equal(before);
    expect((await emulator.request("GET", "/health", { token: null })).status).to.equal(200);
  });

  it("answers every portal route without a live session with 401, and another site with 403, changing nothing", async () => {
    const before = await state();
    const tokens = emulator.credentials;
    const routes = portalRoutes({} as never, 1024).filter((r) => r.auth === "portal");
    expect(routes.length, `${routes.length} portal routes`).to.be.at.least(10);
    // A real session, to show that another site cannot use it either.
    const link = await fetch(emulator.server.portalLink(), { redirect: "manual" });
    const session = (link.headers.get("set-cookie") ?? "").split(";")[0];
    const [cookieName, sessionId] = session.split("=");
    expect(cookieName).to.equal(`azureml-portal-${emulator.port}`);
    const values: Record<string, string> = {
      executionId: trainingExecution.split("/").pop()!,
      jobId,
      port: "output1",
      sha256: "0".repeat(64),
      endpoint: "census-v2",
    };
    let checked = 0;
    for (const route of routes) {
      const path = route.url.replace(/:(\w+)/g, (_m, name: string) => values[name]);
      const body = ["PUT", "POST", "PATCH"].includes(String(route.method)) ? {} : undefined;
      const wrong: [string, Record<string, string>][] = [
        ["no cookie", {}],
        ["a forged session", { Cookie: `${cookieName}=${"x".repeat(43)}` }],
        [
          "the workspace token as the session",
          { Cookie: `${cookieName}=${tokens.workspaceToken}` },
        ],
        ["the session under another port's name", { Cookie: `azureml-portal-1=${sessionId}` }],
        ...[tokens.armToken, tokens.workspaceToken, keys.training, keys.endpointA].map(
          (token, i): [string, Record<string, string>] => [
            `bearer credential ${i}`,
            { Authorization: `Bearer ${token}` },
          ],
        ),
      ];
      for (const [label, headers] of wrong) {
        const response = await httpRequest<{
          error: { code: string; details: { code: string }[] };
        }>(String(route.method), `${emulator.url}${path}`, {
          headers: { Origin: emulator.url, ...headers },
          ...(body !== undefined ? { body } : {}),
        });
        const where = `${route.method} ${route.url} with ${label}`;
        expect(response.status, `${where}: ${response.text}`).to.equal(401);
        expect(response.body.error.details[0].code, where).to.equal("PortalSessionRequired");
        checked++;
      }
      const crossSite = await httpRequest<{ error: { details: { code: string }[] } }>(
        String(route.method),
        `${emulator.url}${path}`,
        {
          headers: { Cookie: session, Origin: "http://evil.example" },
          ...(body !== undefined ? { body } : {}),
        },
      );
      expect(crossSite.status, `${route.method} ${route.url} from another site`).to.equal(403);
      expect(crossSite.body.error.details[0].code).to.equal("PortalOriginRefused");
      checked++;
    }
    expect(checked, `${checked} requests`).to.be.above(80);
    expect(await state(), "no wrong credential changed anything").to.equal(before);
  });

  it("drives each service or endpoint only with its own keys", async () => {
    const score = (base: string, token: string) =>
      httpRequest("GET", `${base}/swagger.json?api-version=2.0`, { token });
    expect((await score(endpointA.ApiLocation, keys.endpointA)).status).to.equal(200);
    expect((await score(endpointA.ApiLocation, endpointA.SecondaryKey)).status).to.equal(200);
    expect((await score(endpointA.ApiLocation, keys.endpointB)).status, "B's key on A").to.equal(
      401,
    );
    expect((await score(trainingExecution, keys.endpointA)).status, "A's key on ARM").to.equal(401);
    expect((await score(trainingExecution, keys.training)).status).to.equal(200);
    const endpointBPath = `/workspaces/${ws}/webservices/${webServiceId}/endpoints/epb`;
    const asA = await emulator.request("GET", endpointBPath, { token: keys.endpointA });
    expect(asA.status, "A's key cannot read endpoint B").to.equal(401);
    const patchAsA = await emulator.request("PATCH", endpointBPath, {
      token: keys.endpointA,
      body: { Description: "taken over" },
    });
    expect(patchAsA.status, "A's key cannot PATCH endpoint B").to.equal(401);
  });

  it("hands out a read-only Results SAS, valid about 24 h, refused once expired", async () => {
    const evaluation = results.output2;
    const url = `${evaluation.BaseLocation}${evaluation.RelativeLocation}${evaluation.SasBlobToken}`;
    const sas = new URLSearchParams(evaluation.SasBlobToken!.slice(1));
    expect(sas.get("sp"), "read permission only").to.equal("r");
    expect(sas.get("sr"), "one blob").to.equal("b");
    const expires = Date.parse(sas.get("se")!);
    expect(expires, "not expired").to.be.above(Date.now());
    expect(expires, "at most 24 h ahead").to.be.at.most(Date.now() + 24 * 3600_000 + 60_000);

    const read = await fetch(url);
    expect(read.status).to.equal(200);
    const original = await read.text();
    const write = await fetch(url, {
      method: "PUT",
      headers: { "x-ms-blob-type": "BlockBlob", "Content-Type": "text/csv" },
      body: "overwritten",
    });
    expect(write.status, "a write through the SAS is refused").to.equal(403);
    expect(write.headers.get("x-ms-error-code")).to.equal("AuthorizationPermissionMismatch");
    const remove = await fetch(url, { method: "DELETE" });
    expect(remove.status, "a delete through the SAS is refused").to.equal(403);
    expect(await (await fetch(url)).text(), "the blob is unchanged").to.equal(original);

    // The same code path with the clock 25 h back: an expired SAS, which storage refuses.
    const account = parseConnectionString(azuriteConnectionString())!;
    const [containerName, ...blob] = evaluation.RelativeLocation!.split("/");
    const expired = resultReference(
      { mode: "key", account, container: containerName, blob: blob.join("/") },
      new Date(Date.now() - 25 * 3600_000),
    );
    expect(Date.parse(new URLSearchParams(expired.SasBlobToken!.slice(1)).get("se")!)).to.be.below(
      Date.now(),
    );
    const late = await fetch(
      `${expired.BaseLocation}${expired.RelativeLocation}${expired.SasBlobToken}`,
    );
    expect(late.status, "an expired SAS is refused").to.equal(403);
    expect(late.headers.get("x-ms-error-code")).to.equal("AuthorizationFailure");
  });
});
