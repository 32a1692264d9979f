/**
 * The portal's API over HTTP, on an emulator with the samples published: no page or data without
 * a session, a one-time link that signs in once, other sites and host names refused; then what
 * each view reads (services and the models they serve, keys only when asked, jobs with their
 * timeline and outputs, models with Evaluate Model's metrics and plots) checked against the
 * emulator's own surfaces, and scoring that answers exactly what RRS answers. The page itself is
 * driven in Chromium by `test/emulator/portal/browser.test.ts`.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import type { ClassicEndpoint, WebServiceKeys } from "../../../contract";
import type {
  JobsView,
  JobView,
  ModelsView,
  ModelView,
  ServicesView,
  TargetDetailView,
  V2View,
} from "../../../emulator/portal/api";
import {
  publishSamples,
  SAMPLES_RESOURCE_GROUP,
  SAMPLES_SUBSCRIPTION,
} from "../../../scripts/samples";
import { expectPresent } from "../../helpers/expect";
import { azuriteConnectionString } from "../../helpers/env";
import { httpRequest, startTestEmulator, type TestEmulator } from "../../helpers/emulator";
import { selfSignedCertificate } from "../../helpers/tls";
import { V2Api } from "../../helpers/v2";
import {
  signIn,
  startSamplesEmulator,
  trainMulticlass,
  type PortalClient,
} from "../../helpers/portal";
import { BlobServiceClient } from "@azure/storage-blob";

const CENSUS_ROW = {
  ColumnNames: [
    "age",
    "workclass",
    "education",
    "education-num",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
    "native-country",
  ],
  Values: [
    [
      "52",
      "Self-emp-inc",
      "Masters",
      "14",
      "Married-civ-spouse",
      "Exec-managerial",
      "Husband",
      "White",
      "Male",
      "15024",
      "0",
      "50",
      "United-States",
    ],
  ],
};

/** A request with any `Host` header (fetch may not set it). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
  });
}

/** A GET over HTTPS trusting one certificate (fetch has no per-request CA). */
function httpsGet(
  url: string,
  ca: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca, headers }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    request.on("error", reject);
  });
}

describe("emulator portal API", function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let container: string;
  let portal: PortalClient;
  /** Every answer of the API read by the tests (scanned for secrets at the end). */
  const answers: string[] = [];

  const armPath = (name: string): string =>
    `/subscriptions/${SAMPLES_SUBSCRIPTION}/resourceGroups/${SAMPLES_RESOURCE_GROUP}/providers/Microsoft.MachineLearning/webServices/${name}`;
  const endpointPath = (name: string): string =>
    `/workspaces/samples/webservices/census/endpoints/${name}`;

  const get = async <T>(path: string): Promise<T> => {
    const answer = await portal.request<T>("GET", path);
    expect(answer.status, `GET ${path}: ${answer.text.slice(0, 300)}`).to.equal(200);
    answers.push(answer.text);
    return answer.body;
  };

  before(async () => {
    ({ emulator, container } = await startSamplesEmulator());
    portal = await signIn(emulator);
  });

  after(async () => {
    await emulator?.close();
  });

  describe("access", function () {
    it("answers no page and no data without a session", async () => {
      const page = await httpRequest("GET", `${emulator.url}/portal/`);
      expect(page.status).to.equal(401);
      expect(page.headers.get("content-type")).to.equal("text/html; charset=utf-8");
      expect(page.text).to.include('<form id="login">');
      expect(page.text).to.not.match(/census|bike/i);
      for (const path of [
        "/portal/api/services",
        "/portal/api/jobs",
        "/portal/api/models",
        "/portal/assets/app.js",
      ]) {
        const answer = await httpRequest<{ error: { code: string; details: { code: string }[] } }>(
          "GET",
          `${emulator.url}${path}`,
        );
        expect(answer.status, path).to.equal(401);
        expect(answer.body.error.details[0].code, path).to.equal("PortalSessionRequired");
      }
      const forged = await httpRequest("GET", `${emulator.url}/portal/api/services`, {
        headers: { Cookie: `${portal.cookie.split("=")[0]}=not-a-session` },
      });
      expect(forged.status, "a forged session").to.equal(401);
      const bearer = await httpRequest("GET", `${emulator.url}/portal/api/services`, {
        token: emulator.credentials.workspaceToken,
      });
      expect(bearer.status, "the workspace token is not a session").to.equal(401);
    });

    it("signs in once with a one-time link, with an HttpOnly SameSite=Strict cookie", async () => {
      const link = emulator.server.portalLink();
      expect(link).to.match(new RegExp(`^${emulator.url}/portal/\\?token=[\\w-]{43}$`));
      const first = await fetch(link, { redirect: "manual" });
      expect(first.status).to.equal(303);
      expect(first.headers.get("location")).to.equal("/portal/");
      const cookie = first.headers.get("set-cookie") ?? "";
      expect(cookie).to.match(
        new RegExp(
          `^azureml-portal-${emulator.port}=[\\w-]{43}; Path=/portal; HttpOnly; SameSite=Strict$`,
        ),
      );
      const again = await fetch(link, { redirect: "manual" });
      expect(again.status, "the link works once").to.equal(401);
      expect(await again.text()).to.include("This sign-in link is not valid any more");

      const app = await httpRequest("GET", `${emulator.url}/portal/`, {
        headers: { Cookie: cookie.split(";")[0] },
      });
      expect(app.status).to.equal(200);
      expect(app.text).to.include('<script type="module" src="/portal/assets/app.js"></script>');
      expect(app.headers.get("content-security-policy")).to.equal(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
          "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(app.headers.get("x-frame-options")).to.equal("DENY");
      expect(app.headers.get("cache-control")).to.equal("no-store");
    });

    it("over HTTPS, marks the session cookie Secure, so a browser never sends it in clear", async () => {
      const certificate = selfSignedCertificate();
      const secure = await startTestEmulator({
        tlsCertFile: certificate.certFile,
        tlsKeyFile: certificate.keyFile,
      });
      try {
        const link = secure.server.portalLink();
        expect(link).to.match(
          new RegExp(`^https://127\\.0\\.0\\.1:${secure.port}/portal/\\?token=`),
        );
        const signedIn = await httpsGet(link, certificate.cert);
        expect(signedIn.status).to.equal(303);
        const cookies = signedIn.headers["set-cookie"] ?? [];
        expect(cookies).to.have.length(1);
        expect(cookies[0]).to.match(
          new RegExp(
            `^azureml-portal-${secure.port}=[\\w-]{43}; Path=/portal; HttpOnly; SameSite=Strict; Secure$`,
          ),
        );
        const session = cookies[0].split(";")[0];
        const services = await httpsGet(`${secure.url}/portal/api/services`, certificate.cert, {
          Cookie: session,
        });
        expect(services.status, services.body.slice(0, 300)).to.equal(200);
        expect(JSON.parse(services.body)).to.deep.equal({ arm: [], classic: [] });
      } finally {
        await secure.close();
      }
    });

    it("signs in with the workspace token, refuses another token, and signs out", async () => {
      const signInWith = (token: string) =>
        httpRequest("POST", `${emulator.url}/portal/api/session`, {
          body: { token },
          headers: { Origin: emulator.url },
        });
      const refused = await signInWith(emulator.credentials.armToken);
      expect(refused.status).to.equal(401);
      expect(
        (refused.body as { error: { details: { code: string }[] } }).error.details[0].code,
      ).to.equal("PortalTokenInvalid");
      const accepted = await signInWith(emulator.credentials.workspaceToken);
      expect(accepted.status).to.equal(204);
      const cookie = (accepted.headers.get("set-cookie") ?? "").split(";")[0];
      const headers = { Cookie: cookie, Origin: emulator.url };
      expect(
        (await httpRequest("GET", `${emulator.url}/portal/api/services`, { headers })).status,
      ).to.equal(200);
      expect(
        (await httpRequest("DELETE", `${emulator.url}/portal/api/session`, { headers })).status,
      ).to.equal(204);
      expect(
        (await httpRequest("GET", `${emulator.url}/portal/api/services`, { headers })).status,
        "signed out",
      ).to.equal(401);
    });

    it("refuses other sites and host names other than this machine's", async () => {
      const url = `${emulator.url}/portal/api/services`;
      const cookie = { Cookie: portal.cookie };
      const refusals: [string, Record<string, string>][] = [
        ["another host name (DNS rebinding)", { Host: `evil.example:${emulator.port}` }],
        ["another site's Origin", { Origin: "http://evil.example" }],
        ["another port's Origin", { Origin: `http://127.0.0.1:${emulator.port + 1}` }],
        ["Origin null", { Origin: "null" }],
        ["a cross-site fetch", { "Sec-Fetch-Site": "cross-site" }],
        ["a same-site fetch from another origin", { "Sec-Fetch-Site": "same-site" }],
      ];
      for (const [label, headers] of refusals) {
        const answer = await rawGet(url, { ...cookie, ...headers });
        expect(answer.status, label).to.equal(403);
        expect(JSON.parse(answer.body).error.details[0].code, label).to.equal(
          "PortalOriginRefused",
        );
      }
      const login = await rawGet(`${emulator.url}/portal/`, {
        Host: `evil.example:${emulator.port}`,
      });
      expect(login.status, "not even the sign-in page").to.equal(403);
      for (const host of [`localhost:${emulator.port}`, `127.0.0.1:${emulator.port}`]) {
        const answer = await rawGet(url, {
          ...cookie,
          Host: host,
          "Sec-Fetch-Site": "same-origin",
        });
        expect(answer.status, host).to.equal(200);
      }
    });
  });

  describe("views", function () {
    let services: ServicesView;
    const endpoint = (name: string) => {
      const found = services.classic[0].endpoints.find((e) => e.name === name);
      expectPresent(found, `endpoint ${name}`);
      return found;
    };
    const arm = (name: string) => {
      const found = services.arm.find((s) => s.name === name);
      expectPresent(found, `ARM service ${name}`);
      return found;
    };

    before(async () => {
      services = await get<ServicesView>("services");
    });

    it("lists every service with the model each serves, its version and metrics", async () => {
      expect(services.arm.map((s) => [s.name, s.state, s.scorable])).to.deep.equal([
        ["bike-demand-predictive", "Succeeded", true],
        ["bike-demand-training", "Succeeded", false],
        ["census-predictive", "Succeeded", true],
        ["census-training", "Succeeded", false],
      ]);
      const predictive = arm("census-predictive");
      expect(predictive.models.map((m) => [m.resource, m.version])).to.deep.equal([
        ["Census Model [trained model]", "2026-11.1"],
      ]);
      expect(predictive.models[0].location).to.match(
        new RegExp(`/${container}/census/2026-11\\.1/model\\.ilearner$`),
      );
      expect(predictive.models[0].metrics.map((m) => m.name)).to.deep.equal([
        "AUC",
        "Accuracy",
        "Precision",
        "Recall",
        "F1 Score",
      ]);
      expect(arm("bike-demand-predictive").models[0].metrics.map((m) => m.name)).to.deep.equal([
        "Mean Absolute Error",
        "Root Mean Squared Error",
        "Coefficient of Determination",
      ]);
      expect(services.classic.map((s) => [s.workspaceId, s.id, s.name])).to.deep.equal([
        ["samples", "census", "census"],
      ]);
      expect(
        services.classic[0].endpoints.map((e) => [
          e.name,
          e.models[0].version,
          e.throttleLevel,
          e.maxConcurrentCalls,
        ]),
      ).to.deep.equal([
        ["default", "2026-11.1", "Low", 4],
        ["contoso", "2026-11.1", "High", 20],
        ["fabrikam", "2026-10.1", "Low", 4],
      ]);
      // The same model bytes, wherever they are served from.
      expect(endpoint("contoso").models[0].sha256).to.equal(predictive.models[0].sha256);
      expect(endpoint("fabrikam").models[0].sha256).to.not.equal(predictive.models[0].sha256);
      // As the classic surface reports it: when the endpoint's model was last set.
      const fabrikam = await emulator.classic<ClassicEndpoint>("GET", endpointPath("fabrikam"));
      expect(endpoint("fabrikam").models[0].since).to.equal(fabrikam.body.Version);
    });

    it("shows the keys only when asked for, the ones the surfaces use", async () => {
      const fabrikam = (await emulator.classic<ClassicEndpoint>("GET", endpointPath("fabrikam")))
        .body;
      const detail = await get<TargetDetailView>(`targets/${endpoint("fabrikam").executionId}`);
      expect(detail.target.apiLocation).to.equal(fabrikam.ApiLocation);
      const keys = await portal.request("POST", `targets/${endpoint("fabrikam").executionId}/keys`);
      expect(keys.status).to.equal(200);
      expect(keys.body).to.deep.equal({
        primary: fabrikam.PrimaryKey,
        secondary: fabrikam.SecondaryKey,
      });
      const armKeys = (
        await emulator.arm<WebServiceKeys>("GET", `${armPath("census-predictive")}/listKeys`)
      ).body;
      const shown = await portal.request(
        "POST",
        `targets/${arm("census-predictive").executionId}/keys`,
      );
      expect(shown.body).to.deep.equal({ primary: armKeys.primary, secondary: armKeys.secondary });
      const crossSite = await httpRequest(
        "POST",
        `${emulator.url}/portal/api/targets/${arm("census-predictive").executionId}/keys`,
        {
          headers: { Cookie: portal.cookie, Origin: "http://evil.example" },
          body: {},
        },
      );
      expect(crossSite.status, "another site cannot ask for them").to.equal(403);
    });

    it("builds the Test and Consume pages from the input schema", async () => {
      const detail = await get<TargetDetailView>(`targets/${arm("census-predictive").executionId}`);
      expect(detail.input.map((i) => [i.port, i.columns.map((c) => c.name)])).to.deep.equal([
        ["input1", CENSUS_ROW.ColumnNames],
      ]);
      // (JSON: an absent list of values is no member.)
      expect(detail.input[0].columns[0]).to.deep.equal({
        name: "age",
        type: "Integer",
        format: "Int32",
      });
      expect(detail.output.map((o) => [o.port, o.columns.map((c) => c.name)])).to.deep.equal([
        ["output1", ["Scored Labels", "Scored Probabilities"]],
      ]);
      const training = await get<TargetDetailView>(`targets/${arm("census-training").executionId}`);
      expect(training.parameters).to.deep.equal([
        { name: "L2 regularization weight", required: false, value: "1" },
        { name: "Training fraction", required: false, value: "0.75" },
        { name: "Random seed", required: false, value: "42" },
      ]);
      expect(training.jobs.map((j) => j.status)).to.deep.equal(["Finished", "Finished"]);
    });

    it("scores a row exactly as RRS does, errors included", async () => {
      for (const target of [arm("census-predictive"), endpoint("fabrikam")]) {
        const keys = (
          await portal.request<WebServiceKeys>("POST", `targets/${target.executionId}/keys`)
        ).body;
        for (const body of [
          { Inputs: { input1: CENSUS_ROW }, GlobalParameters: {} },
          { Inputs: { input1: { ...CENSUS_ROW, ColumnNames: ["age"] } } },
          {
            Inputs: {
              input1: {
                ...CENSUS_ROW,
                Values: [
                  [...CENSUS_ROW.Values[0].slice(0, 12), "Atlantis"],
                  ["x", ...CENSUS_ROW.Values[0].slice(1)],
                ],
              },
            },
          },
        ]) {
          const rrs = await httpRequest(
            "POST",
            `${target.apiLocation}/execute?api-version=2.0&details=true`,
            {
              token: keys.primary,
              body,
            },
          );
          const page = await portal.request("POST", `targets/${target.executionId}/score`, body);
          answers.push(page.text);
          expect(page.status, `${target.label}: ${page.text.slice(0, 200)}`).to.equal(rrs.status);
          expect(page.body, target.label).to.deep.equal(rrs.body);
        }
      }
      const scored = await portal.request<{
        Results: {
          output1: { value: { ColumnNames: string[]; ColumnTypes: string[]; Values: string[][] } };
        };
      }>("POST", `targets/${arm("census-predictive").executionId}/score`, {
        Inputs: { input1: CENSUS_ROW },
      });
      expect(scored.body.Results.output1.value.ColumnNames).to.deep.equal([
        "Scored Labels",
        "Scored Probabilities",
      ]);
      expect(scored.body.Results.output1.value.ColumnTypes).to.deep.equal(["String", "Double"]);
    });

    it("counts each service's execution calls, failed ones and per minute; not the Test page's, not a refused key's", async () => {
      const target = endpoint("fabrikam");
      const keys = (
        await portal.request<WebServiceKeys>("POST", `targets/${target.executionId}/keys`)
      ).body;
      const callsOf = async () => {
        const { calls } = await get<TargetDetailView>(`targets/${target.executionId}`);
        expectPresent(calls, "the target's calls");
        return calls;
      };
      const before = await callsOf();
      const call = async (path: string, body: unknown, token = keys.primary) =>
        (
          await httpRequest("POST", `${target.apiLocation}/${path}?api-version=2.0`, {
            token,
            body,
          })
        ).status;
      const scored = { Inputs: { input1: CENSUS_ROW } };
      expect([
        await call("execute", scored),
        await call("execute", scored),
        await call("execute", { Inputs: { input1: { ...CENSUS_ROW, ColumnNames: ["age"] } } }),
        await call("execute", scored, "not-the-key"),
        await call("jobs", {}),
      ]).to.deep.equal([200, 200, 400, 401, 400]);
      // The Test page scores through the portal's own route: not a call of the endpoint.
      expect(
        (await portal.request("POST", `targets/${target.executionId}/score`, scored)).status,
      ).to.equal(200);
      const after = await callsOf();
      expect({
        rrs: after.rrs.calls - before.rrs.calls,
        rrsFailed: after.rrs.failed - before.rrs.failed,
        bes: after.bes.calls - before.bes.calls,
        besFailed: after.bes.failed - before.bes.failed,
      }).to.deep.equal({ rrs: 3, rrsFailed: 1, bes: 1, besFailed: 1 });
      expect(after.since).to.equal(before.since);
      // The emulator started less than an hour ago: the minutes hold every call.
      expect(after.perMinute).to.have.length(60);
      const sum = (key: "rrs" | "rrsFailed" | "bes" | "besFailed") =>
        after.perMinute.reduce((total, m) => total + m[key], 0);
      expect([sum("rrs"), sum("rrsFailed"), sum("bes"), sum("besFailed")]).to.deep.equal([
        after.rrs.calls,
        after.rrs.failed,
        after.bes.calls,
        after.bes.failed,
      ]);
      const minutes = after.perMinute.map((m) => Date.parse(m.minute));
      expect(minutes.slice(1).map((m, i) => m - minutes[i])).to.deep.equal(
        Array<number>(59).fill(60_000),
      );
      expect(Date.now() - minutes[59]).to.be.within(0, 120_000);
      expect(after.rrs.maxMs!).to.be.at.least(after.rrs.meanMs!);
      expect(Date.now() - Date.parse(after.rrs.lastAt!)).to.be.within(0, 60_000);
    });

    it("shows each job with its per-module timeline, and downloads its outputs", async () => {
      const { jobs } = await get<JobsView>("jobs");
      expect(jobs.map((j) => j.status)).to.deep.equal(["Finished", "Finished", "Finished"]);
      expect(jobs.map((j) => j.target.label).sort()).to.deep.equal([
        "bike-demand-training",
        "census-training",
        "census-training",
      ]);
      const views = await Promise.all(jobs.map((j) => get<JobView>(`jobs/${j.id}`)));
      const november = views.find((v) => v.outputs[0].location.includes("census/2026-11.1"));
      expectPresent(november, "the November training job");
      expect(november.timeline.map((m) => m.module).sort()).to.deep.equal(
        [
          "Clean Missing Data",
          "Edit Metadata",
          "Evaluate Model",
          "Score Model",
          "Split Data",
          "Train Model",
          "Two-Class Logistic Regression",
        ].sort(),
      );
      for (const m of november.timeline) {
        expectPresent(m.endedAt, `${m.module} ended`);
        expect(Date.parse(m.endedAt), m.module).to.be.at.least(Date.parse(m.startedAt));
        expect(Date.parse(m.startedAt), m.module).to.be.at.least(
          Date.parse(november.startTime ?? ""),
        );
      }
      expect(november.durationMs).to.equal(
        Date.parse(november.endTime ?? "") - Date.parse(november.startTime ?? ""),
      );
      expect(november.outputs.map((o) => [o.port, o.kind, o.format, o.location])).to.deep.equal([
        ["output1", "model", "ilearner", `${container}/census/2026-11.1/model.ilearner`],
        ["output2", "dataset", "csv", `${container}/census/2026-11.1/evaluation.csv`],
      ]);
      const blobs =
        BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(
          container,
        );
      for (const output of november.outputs) {
        expectPresent(output.download, `${output.port} downloadable`);
        const answer = await fetch(`${emulator.url}${output.download}`, {
          headers: { Cookie: portal.cookie },
        });
        expect(answer.status).to.equal(200);
        const bytes = Buffer.from(await answer.arrayBuffer());
        const stored = await blobs
          .getBlobClient(output.location.slice(container.length + 1))
          .downloadToBuffer();
        expect(bytes.equals(stored), `${output.port}: the blob's bytes`).to.equal(true);
        expect(answer.headers.get("content-disposition")).to.equal(
          `attachment; filename="${output.location.split("/").pop()}"`,
        );
        if (output.kind === "model")
          expect(output.sha256).to.equal(createHash("sha256").update(bytes).digest("hex"));
      }
    });

    it("shows a failed job's Details, as BES reports them", async () => {
      const training = arm("census-training");
      const keys = (
        await portal.request<WebServiceKeys>("POST", `targets/${training.executionId}/keys`)
      ).body;
      const blobs =
        BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(
          container,
        );
      const bad = "age,income\nold,>50K\n";
      await blobs.getBlockBlobClient("bad.csv").upload(bad, Buffer.byteLength(bad));
      const ref = (blob: string) => ({
        ConnectionString: azuriteConnectionString(),
        RelativeLocation: `${container}/${blob}`,
      });
      const submit = await httpRequest<string>(
        "POST",
        `${training.apiLocation}/jobs?api-version=2.0`,
        {
          token: keys.primary,
          body: {
            Inputs: { input1: ref("bad.csv") },
            Outputs: { output1: ref("bad/model.ilearner"), output2: ref("bad/eval.csv") },
          },
        },
      );
      const jobId = submit.body;
      await httpRequest("POST", `${training.apiLocation}/jobs/${jobId}/start?api-version=2.0`, {
        token: keys.primary,
        body: "",
      });
      let status: { StatusCode: string; Details: string | null } = {
        StatusCode: "Running",
        Details: null,
      };
      for (
        let i = 0;
        i < 200 && (status.StatusCode === "Running" || status.StatusCode === "NotStarted");
        i++
      ) {
        await new Promise((r) => setTimeout(r, 100));
        status = (
          await httpRequest<typeof status>(
            "GET",
            `${training.apiLocation}/jobs/${jobId}?api-version=2.0`,
            { token: keys.primary },
          )
        ).body;
      }
      expect(status.StatusCode).to.equal("Failed");
      const view = await get<JobView>(`jobs/${jobId}`);
      expect(view.status).to.equal("Failed");
      expect(view.details).to.equal(status.Details);
      expect(view.details).to.match(/^BadUserArgument\/InputMismatchError: /);
      expect(view.outputs.map((o) => o.download)).to.deep.equal([undefined, undefined]);
      const download = await portal.request("GET", `jobs/${jobId}/outputs/output1`);
      expect(download.status, "a failed job has no output to download").to.equal(404);
    });

    it("lists every model with its metrics and who serves it", async () => {
      const { models } = await get<ModelsView>("models");
      expect(
        models.map((m) => [m.version, m.summary?.learner, m.task, m.stored]).sort(),
      ).to.deep.equal([
        ["2026-10.1", "Two-Class Logistic Regression", "binary", true],
        ["2026-11.1", "Linear Regression", "regression", true],
        ["2026-11.1", "Two-Class Logistic Regression", "binary", true],
      ]);
      const november = models.find((m) => m.sha256 === arm("census-predictive").models[0].sha256);
      expectPresent(november, "the November model");
      expect(november.servedBy.map((s) => s.label)).to.deep.equal([
        "census-predictive",
        "census / default",
        "census / contoso",
      ]);
      const october = models.find((m) => m.sha256 === endpoint("fabrikam").models[0].sha256);
      expect(october?.servedBy.map((s) => s.label)).to.deep.equal(["census / fabrikam"]);
    });

    it("shows a classifier's Evaluate Model metrics with its ROC curve and confusion matrix", async () => {
      const sha = arm("census-predictive").models[0].sha256 ?? "";
      const model = await get<ModelView>(`models/${sha}`);
      expect(model.evaluations).to.have.length(1);
      const [evaluation] = model.evaluations;
      // Evaluate Model's own output, as the job wrote it.
      const job = await get<JobView>(`jobs/${model.jobId}`);
      const csv = await (
        await fetch(`${emulator.url}${job.outputs[1].download}`, {
          headers: { Cookie: portal.cookie },
        })
      ).text();
      const [header, row] = csv
        .trim()
        .split("\n")
        .map((line) => line.split(","));
      expect(evaluation.metrics.columnNames).to.deep.equal(header);
      expect(evaluation.metrics.rows[0].map(Number)).to.deep.equal(row.map(Number));
      const metric = (name: string): string =>
        evaluation.metrics.rows[0][header.indexOf(name)] ?? "";
      const plots = evaluation.plots;
      expectPresent(plots, "plots");
      if (plots.kind !== "binary") throw new Error(`a binary model's plots, not ${plots.kind}`);
      expect([plots.positive, plots.negative, plots.threshold]).to.deep.equal([
        ">50K",
        "<=50K",
        0.5,
      ]);
      expect(plots.confusion).to.deep.equal([
        [Number(metric("True Positive")), Number(metric("False Negative"))],
        [Number(metric("False Positive")), Number(metric("True Negative"))],
      ]);
      expect(plots.rows).to.equal(plots.confusion.flat().reduce((a, b) => a + b, 0));
      expect(plots.roc[0]).to.deep.equal({ fpr: 0, tpr: 0 });
      expect(plots.roc[plots.roc.length - 1]).to.deep.equal({ fpr: 1, tpr: 1 });
      expect(plots.roc.length).to.be.within(50, 200);
      let area = 0;
      for (let i = 1; i < plots.roc.length; i++) {
        expect(plots.roc[i].fpr).to.be.at.least(plots.roc[i - 1].fpr);
        expect(plots.roc[i].tpr).to.be.at.least(plots.roc[i - 1].tpr);
        area +=
          ((plots.roc[i].fpr - plots.roc[i - 1].fpr) * (plots.roc[i].tpr + plots.roc[i - 1].tpr)) /
          2;
      }
      expect(area, "the area under the plotted curve is Evaluate Model's AUC").to.be.closeTo(
        Number(metric("AUC")),
        0.01,
      );
    });

    it("shows a regression's metrics with actual against predicted values", async () => {
      const sha = arm("bike-demand-predictive").models[0].sha256 ?? "";
      const model = await get<ModelView>(`models/${sha}`);
      const [evaluation] = model.evaluations;
      const plots = evaluation.plots;
      expectPresent(plots, "plots");
      if (plots.kind !== "regression") throw new Error(`a regression's plots, not ${plots.kind}`);
      expect(plots.points.length).to.equal(plots.rows);
      const mae =
        plots.points.reduce((s, p) => s + Math.abs(p.actual - p.predicted), 0) / plots.rows;
      const column = evaluation.metrics.columnNames.indexOf("Mean Absolute Error");
      expect(mae, "the plotted rows are the ones Evaluate Model measured").to.be.closeTo(
        Number(evaluation.metrics.rows[0][column]),
        1e-9,
      );
    });

    it("shows a multiclass model's confusion matrix and one ROC curve per class", async () => {
      const jobId = await trainMulticlass(emulator, container);
      const job = await get<JobView>(`jobs/${jobId}`);
      const sha = job.outputs[0].sha256;
      expectPresent(sha, "the model's sha-256");
      const model = await get<ModelView>(`models/${sha}`);
      expect([model.summary?.learner, model.task]).to.deep.equal([
        "Multiclass Logistic Regression",
        "multiclass",
      ]);
      expect(model.metrics.map((m) => m.name)).to.deep.equal([
        "Overall Accuracy",
        "Macro-averaged Precision",
        "Macro-averaged Recall",
      ]);
      const [evaluation] = model.evaluations;
      const plots = evaluation.plots;
      expectPresent(plots, "plots");
      if (plots.kind !== "multiclass")
        throw new Error(`a multiclass model's plots, not ${plots.kind}`);
      expect(plots.classes).to.deep.equal(["a", "b", "c"]);
      // Evaluate Model's own counts: one row per actual class, a "Predicted <class>" column each.
      const { columnNames, rows } = evaluation.metrics;
      const counts = plots.classes.map((actual) => {
        const row = rows.find(
          (r) => r[columnNames.indexOf("Result Description")] === `Evaluation For Class ${actual}`,
        );
        expectPresent(row, `Evaluate Model's row of class ${actual}`);
        return plots.classes.map((predicted) =>
          Number(row[columnNames.indexOf(`Predicted ${predicted}`)]),
        );
      });
      expect(plots.confusion).to.deep.equal(counts);
      expect(plots.rows).to.equal(counts.flat().reduce((a, b) => a + b, 0));
      expect(
        plots.confusion
          .flat()
          .filter((_n, i) => i % 4 !== 0)
          .some((n) => n > 0),
        "some rows confused",
      ).to.equal(true);
      expect(
        plots.roc.map((r) => [r.label, r.points[0], r.points[r.points.length - 1]]),
      ).to.deep.equal(plots.classes.map((c) => [c, { fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }]));
    });

    it("says when an ARM service started serving its model", async () => {
      const before = arm("census-predictive").models[0];
      // The same definition again: the same model, served since the same time.
      const current = await emulator.arm<{ properties: Record<string, unknown> }>(
        "GET",
        armPath("census-predictive"),
      );
      const patch = await emulator.arm("PATCH", armPath("census-predictive"), {
        properties: { description: "patched" },
      });
      expect(patch.status).to.equal(200);
      await waitSucceeded(emulator, armPath("census-predictive"));
      let after = (await get<ServicesView>("services")).arm.find(
        (s) => s.name === "census-predictive",
      )!.models[0];
      expect([after.sha256, after.since]).to.deep.equal([before.sha256, before.since]);
      // October's model: another model, served from now on.
      const october = endpoint("fabrikam").models[0];
      const assets = current.body.properties.assets as Record<
        string,
        { name: string; locationInfo: { uri: string } }
      >;
      const assetId = Object.keys(assets).find((id) =>
        assets[id].name.endsWith("[trained model]"),
      )!;
      const uri = assets[assetId].locationInfo.uri.replace("/2026-11.1/", "/2026-10.1/");
      const repoint = await emulator.arm("PATCH", armPath("census-predictive"), {
        properties: {
          assets: { ...assets, [assetId]: { ...assets[assetId], locationInfo: { uri } } },
        },
      });
      expect(repoint.status).to.equal(200);
      await waitSucceeded(emulator, armPath("census-predictive"));
      after = (await get<ServicesView>("services")).arm.find((s) => s.name === "census-predictive")!
        .models[0];
      expect([after.sha256, after.version]).to.deep.equal([october.sha256, "2026-10.1"]);
      expect(Date.parse(after.since ?? "")).to.be.above(Date.parse(before.since ?? ""));
    });

    it("puts no key, token or SAS in anything it answered", async () => {
      const secrets = new Map<string, string>([
        [emulator.credentials.armToken, "ARM token"],
        [emulator.credentials.workspaceToken, "workspace token"],
      ]);
      for (const name of [
        "census-training",
        "census-predictive",
        "bike-demand-training",
        "bike-demand-predictive",
      ]) {
        const keys = (await emulator.arm<WebServiceKeys>("GET", `${armPath(name)}/listKeys`)).body;
        secrets
          .set(keys.primary, `${name} primary key`)
          .set(keys.secondary, `${name} secondary key`);
      }
      for (const name of ["default", "contoso", "fabrikam"]) {
        const e = (await emulator.classic<ClassicEndpoint>("GET", endpointPath(name))).body;
        secrets
          .set(e.PrimaryKey, `${name} primary key`)
          .set(e.SecondaryKey, `${name} secondary key`);
        for (const r of e.Resources) {
          const sig = new URLSearchParams(r.Location.SasBlobToken.replace(/^\?/, "")).get("sig");
          if (sig) secrets.set(sig, `${name}'s model SAS signature`);
        }
      }
      const accountKey = /AccountKey=([^;]+)/.exec(azuriteConnectionString())?.[1] ?? "";
      secrets.set(accountKey, "storage account key");
      // Everything a view reads, once more, on top of what the tests above read.
      await get<ServicesView>("services");
      await get<ModelsView>("models");
      for (const s of services.arm) await get<TargetDetailView>(`targets/${s.executionId}`);
      for (const e of services.classic[0].endpoints)
        await get<TargetDetailView>(`targets/${e.executionId}`);
      for (const j of (await get<JobsView>("jobs")).jobs) await get<JobView>(`jobs/${j.id}`);
      for (const m of (await get<ModelsView>("models")).models)
        await get<ModelView>(`models/${m.sha256}`);
      const text = answers.join("\n");
      expect(text.length).to.be.above(20_000);
      const found = [...secrets].filter(
        ([secret]) => text.includes(secret) || text.includes(encodeURIComponent(secret)),
      );
      expect(found.map(([, kind]) => kind)).to.deep.equal([]);
      expect(text).to.not.match(/sig=|AccountKey=/);
    });

    it("publishes the samples once: a second run changes nothing", async () => {
      const jobsBefore = (await get<JobsView>("jobs")).jobs.length;
      const again = await publishSamples({
        emulatorUrl: emulator.url,
        armToken: emulator.credentials.armToken,
        workspaceToken: emulator.credentials.workspaceToken,
        connectionString: azuriteConnectionString(),
        container,
      });
      expect(again.published).to.equal(false);
      expect(again.endpoints.map((e) => e.name)).to.deep.equal(["default", "contoso", "fabrikam"]);
      expect((await get<JobsView>("jobs")).jobs.length).to.equal(jobsBefore);
    });

    it("keeps v2 resources out of the classic views, and lists them in the v2 view", async () => {
      const views = async () => ({
        services: await get<ServicesView>("services"),
        jobs: await get<JobsView>("jobs"),
        models: await get<ModelsView>("models"),
      });
      const before = await views();
      const v2 = new V2Api(emulator);
      const ws = await v2.workspace();
      const model = await v2.call("PUT", `${ws.path}/models/census/versions/1`, {
        properties: {
          modelUri: "azureml://datastores/workspaceblobstore/paths/census/1/",
          modelType: "custom_model",
        },
      });
      expect(model.status, model.text).to.equal(201);
      expect(await views()).to.deep.equal(before);
      const overview = await get<V2View>("v2");
      const listed = overview.workspaces.find((w) => w.name === ws.name);
      expect(listed?.endpoints).to.deep.equal([]);
      expect(listed?.models.map((m) => [m.name, m.version, m.metrics, m.servedBy])).to.deep.equal([
        ["census", "1", [], []],
      ]);
    });
  });
});

async function waitSucceeded(emulator: TestEmulator, path: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const service = await emulator.arm<{ properties: { provisioningState: string } }>("GET", path);
    if (service.body.properties.provisioningState === "Succeeded") return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} did not provision`);
}
