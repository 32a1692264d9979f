/**
 * The portal's Azure ML v2 views in Chromium (Debian's, through playwright-core), after the v2
 * API calls the project's own providers make in `up` (a workspace, the sample train.py run as a
 * command job twice, both versions registered and deployed on one online endpoint) and a traffic
 * split set by hand: the page finds the endpoint, each deployment with the model version it serves,
 * its share of the traffic and its job's metrics, and the job with its status, outputs and log.
 * The endpoint's Test page sends a sample (the live version's first training rows) and shows what
 * a direct scoring call answers, by traffic or by deployment; its Consume page hides the key until
 * asked, and its curl and Python samples, run for real, answer what the Test page showed.
 * Every answer of the v2 portal API and the page itself are scanned for the endpoint's keys, the
 * ARM and workspace tokens and the storage key: none may appear (the credentials route answers
 * the keys, when asked, and is checked for exactly that).
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { AZURITE_ACCOUNT, AZURITE_KEY } from "../../../clients/azurite";
import type { EndpointKeys, OnlineEndpointProperties, V2Resource } from "../../../contract/v2";
import { mlClient, type MlDatastore, type MlTarget } from "../../../components/shared/mlTarget";
import { assetProvider } from "../../../components/v2Asset/provider";
import type { AssetOutputs } from "../../../components/v2Asset/types";
import { onlineEndpointProvider } from "../../../components/v2Endpoint/provider";
import { trainOrReuse } from "../../../components/v2Retrain/operations";
import type { MlTrainedModelOutputs } from "../../../components/v2Retrain/types";
import { servedModelProvider } from "../../../components/v2Rollout/provider";
import type { ServedModelOutputs } from "../../../components/v2Rollout/types";
import { localMlWorkspaceProvider } from "../../../components/v2Workspace/provider";
import type { LocalMlWorkspaceOutputs } from "../../../components/v2Workspace/types";
import { CENSUS_V2_COLUMNS } from "../../../config";
import type {
  V2CredentialsView,
  V2EndpointDetailView,
  V2JobsView,
  V2ScoreView,
  V2View,
} from "../../../emulator/portal/api";
import { sklearnPython } from "../../../harness/interpreters";
import { launchChromium } from "../../helpers/browser";
import { azuriteBlobEndpoint, setEnv } from "../../helpers/env";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator";
import { signIn } from "../../helpers/portal";

const SCREENSHOTS = path.resolve(__dirname, "..", "..", "..", "test-results", "portal");
const ROOT = path.resolve(__dirname, "..", "..", "..");
const WORKSPACE = "census-portal";
const ENDPOINT = "census-portal";
const OCTOBER = { version: "2026-10-30.1", data: "data/census-2026-10.csv" };
const NOVEMBER = { version: "2026-11-27.1", data: "data/census-2026-11.csv" };
const DEPLOYMENTS = { [OCTOBER.version]: "v2026-10-30-1", [NOVEMBER.version]: "v2026-11-27-1" };
/** The first two rows of November's data (the live version's), as the Test page's sample has them. */
const NOVEMBER_ROWS = [
  {
    age: 40,
    workclass: "Private",
    education: "Some-college",
    "education-num": 10,
    "marital-status": "Never-married",
    occupation: "Craft-repair",
    relationship: "Not-in-family",
    race: "White",
    sex: "Female",
    "capital-gain": 0,
    "capital-loss": 0,
    "hours-per-week": 52,
    "native-country": "United-States",
    income: "<=50K",
  },
  {
    age: 38,
    workclass: "Private",
    education: "HS-grad",
    "education-num": 9,
    "marital-status": "Never-married",
    occupation: "Tech-support",
    relationship: "Unmarried",
    race: "Black",
    sex: "Male",
    "capital-gain": 0,
    "capital-loss": 0,
    "hours-per-week": 44,
    "native-country": "United-States",
    income: "<=50K",
  },
];
const run = promisify(execFile);

/** What the sample scoring script answers. */
interface Scores {
  readonly predictions: string[];
  readonly probabilities: number[];
  readonly model: { readonly dataSha256: string; readonly run: string };
}

/**
 * The cells of a table's body rows, as the reader sees them; a cell of metrics as one line,
 * `AUC 0.7970; Accuracy 0.8107; …`.
 */
function rowsOf(page: Page, selector: string): Promise<string[][]> {
  // A string: the expression runs in the page, whose DOM types the test's compiler does not know.
  return page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)} + " tbody tr")].map(
    (tr) => [...tr.children].map((c) => {
      const metrics = [...c.querySelectorAll(".metric")];
      return metrics.length > 0
        ? metrics.map((m) => m.textContent.trim()).join("; ")
        : c.innerText.trim();
    }))`);
}

describe("emulator portal: Azure ML v2 in Chromium", function () {
  this.timeout(300_000);
  let emulator: TestEmulator;
  let browser: Browser;
  let page: Page;
  let restore: () => void;
  let target: MlTarget;
  const models: Record<string, MlTrainedModelOutputs> = {};
  let rollout: ServedModelOutputs;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The providers print progress lines for `pulumi up`; the test keeps its log short.
    restore = setEnv({ AZUREML_RETRAIN_LOG: "silent" });
    emulator = await startTestEmulator({
      python: sklearnPython(),
      v2: { retryAfterSeconds: 0 },
    });
    // What `up -s local-v2` does, through the same providers and the same HTTP calls.
    target = {
      endpoint: emulator.url,
      subscriptionId: "00000000-0000-0000-0000-000000000000",
      resourceGroup: "local",
      workspace: WORKSPACE,
      token: emulator.credentials.armToken,
    };
    const ws = (await localMlWorkspaceProvider.create!({ target, location: "local" }))
      .outs as LocalMlWorkspaceOutputs;
    const datastore: MlDatastore = {
      name: "workspaceblobstore",
      container: ws.datastoreContainer,
      artifactContainer: "azureml",
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${azuriteBlobEndpoint()};`,
    };
    const asset = async (news: Record<string, unknown>): Promise<AssetOutputs> => {
      const checked = await assetProvider.check!({}, { target, datastore, ...news });
      expect(checked.failures ?? []).to.deep.equal([]);
      return (await assetProvider.create!(checked.inputs)).outs as AssetOutputs;
    };
    const code = await asset({
      kind: "code",
      name: "census-src",
      path: path.join(ROOT, "definitions/v2/census/src"),
    });
    const environment = await asset({
      kind: "environment",
      name: "census-env",
      image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04",
      path: path.join(ROOT, "definitions/v2/census/environment.yml"),
    });
    const endpoint = await onlineEndpointProvider.check!(
      {},
      { target, name: ENDPOINT, location: "local" },
    );
    await onlineEndpointProvider.create!(endpoint.inputs);
    const features = CENSUS_V2_COLUMNS.filter((c) => c !== "income");
    let history: readonly string[] = [];
    for (const declared of [OCTOBER, NOVEMBER]) {
      const file = path.join(ROOT, declared.data);
      const data = await asset({
        kind: "data",
        name: "census-data",
        path: file,
        columns: CENSUS_V2_COLUMNS,
      });
      models[declared.version] = await trainOrReuse(
        {
          target,
          datastore,
          modelName: "census",
          version: declared.version,
          data: { assetId: data.assetId, sha256: data.contentSha256, path: file },
          codeId: code.assetId,
          environmentId: environment.assetId,
          trainScript: "train.py",
          parameters: { C: "1.0" },
          gate: { metric: "AUC", min: 0.7 },
          retain: true,
          deadlineMinutes: 10,
        },
        () => undefined,
      );
      const served = await servedModelProvider.check!(
        {},
        {
          target,
          endpointName: ENDPOINT,
          location: "local",
          modelId: models[declared.version].modelId,
          modelVersion: declared.version,
          codeId: code.assetId,
          scoringScript: "score.py",
          environmentId: environment.assetId,
          rollout: { steps: [100] },
          keep: 1,
          check: { path: file, inputColumns: features },
        },
      );
      expect(served.failures ?? []).to.deep.equal([]);
      rollout = (
        history.length === 0
          ? await servedModelProvider.create!(served.inputs)
          : await servedModelProvider.update!(
              "",
              { ...rollout, deployments: history },
              served.inputs,
            )
      ).outs as ServedModelOutputs;
      history = rollout.deployments;
    }
    // A split set by hand (as `az ml online-endpoint update --traffic` would).
    const ml = mlClient(target);
    const current = (await ml.get<V2Resource<OnlineEndpointProperties>>(
      `/onlineEndpoints/${ENDPOINT}`,
    ))!;
    await ml.putAndWait(`/onlineEndpoints/${ENDPOINT}`, {
      location: current.location,
      properties: {
        authMode: current.properties.authMode,
        traffic: { "v2026-10-30-1": 25, "v2026-11-27-1": 75 },
      },
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(emulator.server.portalLink());
    await page.getByRole("heading", { level: 1, name: "Web services" }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await emulator?.close();
    restore?.();
  });

  it("answers nothing of v2 without a session", async () => {
    const answer = await fetch(`${emulator.url}/portal/api/v2`);
    expect(answer.status).to.equal(401);
    expect(await answer.text()).to.include("PortalSessionRequired");
  });

  it("finds the endpoint, each deployment's model version, its traffic and its job's metrics", async () => {
    await page.getByRole("link", { name: "Azure ML v2" }).click();
    await page.getByRole("heading", { level: 1, name: "Azure ML v2" }).waitFor();
    const endpoint = `section[data-endpoint="${ENDPOINT}"]`;
    await page.locator(`${endpoint} table[data-testid="deployments"]`).waitFor();
    const jobOf = (version: string): string => models[version].jobName;
    expect(await rowsOf(page, `${endpoint} table[data-testid="deployments"]`)).to.deep.equal([
      [
        "v2026-10-30-1",
        "census:2026-10-30.1",
        "25 %",
        "0 %",
        "Succeeded",
        metricsText(OCTOBER.version),
        jobOf(OCTOBER.version),
      ],
      [
        "v2026-11-27-1",
        "census:2026-11-27.1",
        "75 %",
        "0 %",
        "Succeeded",
        metricsText(NOVEMBER.version),
        jobOf(NOVEMBER.version),
      ],
    ]);
    expect(metricsText(NOVEMBER.version)).to.match(/^AUC 0\.\d{4}; Accuracy 0\.\d{4}; /);
    const uri = await page.locator(`${endpoint} dd code`).first().innerText();
    expect(uri).to.equal(`${emulator.url}/inference/${ENDPOINT}/score`);
    expect(
      await rowsOf(
        page,
        `section[data-workspace="${WORKSPACE}"] table[data-testid="model-versions"]`,
      ),
    ).to.have.length(2);
    await page.screenshot({ path: path.join(SCREENSHOTS, "v2.png"), fullPage: true });
  });

  it("opens the job that trained the live version: Completed, its outputs and its log", async () => {
    const job = models[NOVEMBER.version].jobName;
    await page.getByRole("link", { name: job }).first().click();
    await page.getByRole("heading", { level: 1, name: `Command job ${job}` }).waitFor();
    expect(await page.locator('dl.facts [data-testid="status"]').innerText()).to.equal("Completed");
    const outputs = await rowsOf(page, 'table[data-testid="outputs"]');
    expect(outputs.map((r) => [r[0], r[1]])).to.deep.equal([
      [
        "model",
        `azureml://datastores/workspaceblobstore/paths/models/census/${NOVEMBER.version}/${job}/model/`,
      ],
      [
        "metrics",
        `azureml://datastores/workspaceblobstore/paths/models/census/${NOVEMBER.version}/${job}/metrics/`,
      ],
    ]);
    expect(outputs[0][2]).to.match(
      /^model\.json \(\d+ B\), model\.pkl \(\d+(\.\d)? (B|KiB|MiB)\)$/,
    );
    expect(outputs[1][2]).to.match(/^metrics\.json \(\d+ B\)$/);
    const log = await page.locator('[data-testid="log"]').innerText();
    expect(log).to.include(`read 3000 rows from`);
    expect(log).to.include(
      `metrics: AUC ${models[NOVEMBER.version].metrics.AUC.toFixed(4)}, Accuracy`,
    );
    expect(log).to.match(/\[emulator\] output metrics: uploaded 1 file\(s\) to azureml:/);
    await page.screenshot({ path: path.join(SCREENSHOTS, "v2-job.png"), fullPage: true });
  });

  it("reads on a narrow window without sideways scrolling: the job's log and command, the Test and Consume pages", async () => {
    const narrow = await (
      await browser.newContext({ viewport: { width: 375, height: 740 } })
    ).newPage();
    try {
      await narrow.goto(emulator.server.portalLink());
      // Signed in once the redirect's page is there (else the next navigation races it).
      await narrow.getByRole("heading", { level: 1, name: "Web services" }).waitFor();
      for (const fragment of [
        "#/v2",
        `#/v2/jobs/${await jobId(NOVEMBER.version)}`,
        `#/v2/endpoints/${ENDPOINT}/test`,
        `#/v2/endpoints/${ENDPOINT}/consume`,
      ]) {
        await narrow.goto(`${emulator.url}/portal/${fragment}`);
        await narrow
          .locator("h1")
          .filter({ hasText: /Azure ML v2|Command job|Endpoint/ })
          .waitFor();
        await narrow.locator("table, textarea, [data-testid=sample-curl]").first().waitFor();
        expect(
          await narrow.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1",
          ),
          fragment,
        ).to.equal(false);
      }
    } finally {
      await narrow.context().close();
    }
  });

  /** The Test page's answers, by the deployment that gave them (the Consume test compares). */
  const testPageAnswers: Record<string, Scores> = {};

  /** A direct call on the scoring URI with the endpoint's key, as a client makes it. */
  async function scoreDirectly(
    body: string,
    deployment: string,
  ): Promise<{ status: number; deployment: string | null; body: Scores }> {
    const keys = await mlClient(target).post<EndpointKeys>(`/onlineEndpoints/${ENDPOINT}/listKeys`);
    const answer = await fetch(`${emulator.url}/inference/${ENDPOINT}/score`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${keys.primaryKey}`,
        "Content-Type": "application/json",
        "azureml-model-deployment": deployment,
      },
      body,
    });
    return {
      status: answer.status,
      deployment: answer.headers.get("azureml-model-deployment"),
      body: (await answer.json()) as Scores,
    };
  }

  /** Sends the Test page's body and reads the answer it shows. */
  async function sendOnTestPage(): Promise<{ status: string; deployment: string; shown: Scores }> {
    const before = page.locator("section[data-answer]");
    const count =
      (await before.count()) === 0 ? 0 : Number(await before.getAttribute("data-answer"));
    await page.getByRole("button", { name: "Send" }).click();
    const answer = page.locator(`section[data-answer="${count + 1}"]`);
    await answer.waitFor();
    return {
      status: await answer.locator('[data-testid="v2-status"]').innerText(),
      deployment: await answer.locator('[data-testid="v2-deployment"]').innerText(),
      shown: JSON.parse(await answer.locator('[data-testid="v2-response"]').innerText()) as Scores,
    };
  }

  it("tests the endpoint: the sample from the live version's data, scored as a direct call scores it", async () => {
    await page.goto(`${emulator.url}/portal/#/v2`);
    await page
      .locator(`section[data-endpoint="${ENDPOINT}"]`)
      .getByRole("link", { name: "Test" })
      .click();
    await page.getByRole("heading", { level: 1, name: `Endpoint ${ENDPOINT} — Test` }).waitFor();
    const editor = page.getByLabel("Request body (JSON)");
    const body = await editor.inputValue();
    expect(JSON.parse(body)).to.deep.equal({ data: NOVEMBER_ROWS });

    // As the traffic picks (25 / 75): whichever answered, its answer is the direct call's.
    const picked = await sendOnTestPage();
    expect(picked.status).to.equal("200");
    expect(Object.values(DEPLOYMENTS)).to.include(picked.deployment);
    const direct = await scoreDirectly(body, picked.deployment);
    expect([direct.status, direct.deployment]).to.deep.equal([200, picked.deployment]);
    expect(picked.shown).to.deep.equal(direct.body);
    testPageAnswers[picked.deployment] = picked.shown;

    // Each deployment by name: its own model answers, the scores in the table are its own.
    for (const version of [OCTOBER.version, NOVEMBER.version]) {
      const name = DEPLOYMENTS[version];
      await page.getByLabel("Deployment").selectOption(name);
      const chosen = await sendOnTestPage();
      const expected = await scoreDirectly(body, name);
      expect([chosen.status, chosen.deployment]).to.deep.equal(["200", name]);
      expect(chosen.shown).to.deep.equal(expected.body);
      expect(chosen.shown.predictions).to.have.length(2);
      expect(chosen.shown.model.run).to.equal(models[version].jobName);
      expect(await rowsOf(page, 'table[data-testid="v2-predictions"]')).to.deep.equal(
        expected.body.predictions.map((p, i) => [
          String(i + 1),
          p,
          String(expected.body.probabilities[i]),
        ]),
      );
      testPageAnswers[name] = chosen.shown;
    }
    // The two versions were trained on other data: their answers tell them apart.
    expect(testPageAnswers[DEPLOYMENTS[OCTOBER.version]].model.dataSha256).to.not.equal(
      testPageAnswers[DEPLOYMENTS[NOVEMBER.version]].model.dataSha256,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, "v2-test.png"), fullPage: true });

    // A body the script cannot read: the router's 424, shown as such.
    await editor.fill('{"rows": []}');
    const refused = await sendOnTestPage();
    expect([refused.status, refused.deployment]).to.deep.equal([
      "424",
      DEPLOYMENTS[NOVEMBER.version],
    ]);
    expect(await page.locator('[data-testid="v2-predictions"]').count()).to.equal(0);
  });

  it("consumes the endpoint: the key hidden until asked, then curl and Python answer what the Test page did", async () => {
    const keys = await mlClient(target).post<EndpointKeys>(`/onlineEndpoints/${ENDPOINT}/listKeys`);
    await page.getByRole("link", { name: "Consume" }).click();
    await page.getByRole("heading", { level: 1, name: `Endpoint ${ENDPOINT} — Consume` }).waitFor();
    const curl = page.locator('[data-testid="sample-curl"]');
    await curl.waitFor();
    expect(await page.locator('[data-testid="v2-primary-key"]').innerText()).to.equal("••••••••");
    expect(await page.locator('[data-testid="v2-secondary-key"]').innerText()).to.equal("••••••••");
    expect(await curl.innerText()).to.include("Authorization: Bearer <endpoint key>");
    const hidden = await page.content();
    expect(hidden.includes(keys.primaryKey), "primary key before asking").to.equal(false);
    expect(hidden.includes(keys.secondaryKey), "secondary key before asking").to.equal(false);

    const name = DEPLOYMENTS[OCTOBER.version];
    await page.getByLabel("Deployment").selectOption(name);
    await page
      .getByRole("button", { name: "Show the keys and put the primary key in the samples" })
      .click();
    await page.locator('[data-testid="sample-curl"]', { hasText: keys.primaryKey }).waitFor();
    expect(await page.locator('[data-testid="v2-primary-key"]').innerText()).to.equal(
      keys.primaryKey,
    );
    expect(await page.locator('[data-testid="v2-secondary-key"]').innerText()).to.equal(
      keys.secondaryKey,
    );
    const work = mkdtempSync(path.join(tmpdir(), "portal-v2-samples-"));
    const curlOut = (await run("bash", ["-c", await curl.innerText()])).stdout;
    const python = path.join(work, "sample.py");
    writeFileSync(python, await page.locator('[data-testid="sample-python"]').innerText());
    const pythonOut = (await run("python3", [python])).stdout;
    expect(testPageAnswers[name], "the Test page scored on this deployment").to.not.equal(
      undefined,
    );
    expect(JSON.parse(curlOut), "curl").to.deep.equal(testPageAnswers[name]);
    expect(JSON.parse(pythonOut), "Python").to.deep.equal(testPageAnswers[name]);
    expect(await page.locator('[data-testid="sample-azure-cli"]').innerText()).to.equal(
      [
        "# request.json holds the body; on Azure (the CLI reads the scoring URI from the endpoint)",
        `az ml online-endpoint invoke --name ${ENDPOINT} --request-file request.json --deployment-name ${name} --resource-group local --workspace-name ${WORKSPACE}`,
      ].join("\n"),
    );
    await page.getByRole("button", { name: "Hide the keys" }).click();
    await page.locator('[data-testid="sample-curl"]', { hasText: "<endpoint key>" }).waitFor();
    expect((await page.content()).includes(keys.primaryKey), "hidden again").to.equal(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, "v2-consume.png"), fullPage: true });
  });

  it("counts the calls each deployment answered on the Calls page; not the Test page's, a refused key's or an unknown deployment's", async () => {
    const body = JSON.stringify({ data: NOVEMBER_ROWS });
    const [october, november] = [DEPLOYMENTS[OCTOBER.version], DEPLOYMENTS[NOVEMBER.version]];
    await page.goto(`${emulator.url}/portal/#/v2`);
    await page
      .locator(`section[data-endpoint="${ENDPOINT}"]`)
      .getByRole("link", { name: "Calls" })
      .click();
    await page.getByRole("heading", { level: 1, name: `Endpoint ${ENDPOINT} — Calls` }).waitFor();
    const shown = async (): Promise<Record<string, [number, number]>> => {
      const out: Record<string, [number, number]> = {};
      for (const name of [october, november]) {
        const row = page.locator(`[data-testid=v2-calls] tr[data-deployment="${name}"]`);
        out[name] = [
          Number(await row.locator("[data-testid=calls]").innerText()),
          Number(await row.locator("[data-testid=failed]").innerText()),
        ];
      }
      return out;
    };
    await page.locator("[data-testid=v2-calls]").waitFor();
    const before = await shown();

    const statuses = [];
    for (const name of [october, october, october, november, november])
      statuses.push((await scoreDirectly(body, name)).status);
    statuses.push((await scoreDirectly('{"rows": []}', november)).status);
    const direct = (headers: Record<string, string>) =>
      fetch(`${emulator.url}/inference/${ENDPOINT}/score`, { method: "POST", headers, body });
    statuses.push(
      (await direct({ Authorization: "Bearer not-a-key", "Content-Type": "application/json" }))
        .status,
    );
    const keys = await mlClient(target).post<EndpointKeys>(`/onlineEndpoints/${ENDPOINT}/listKeys`);
    statuses.push(
      (
        await direct({
          Authorization: `Bearer ${keys.primaryKey}`,
          "Content-Type": "application/json",
          "azureml-model-deployment": "no-such-deployment",
        })
      ).status,
    );
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 424, 401, 404]);
    await page.getByRole("button", { name: "Refresh" }).click();
    const expected = {
      [october]: [before[october][0] + 3, before[october][1]],
      [november]: [before[november][0] + 3, before[november][1] + 1],
    };
    await page
      .locator(
        `[data-testid=v2-calls] tr[data-deployment="${november}"] [data-testid=calls]:text-is("${expected[november][0]}")`,
      )
      .waitFor();
    expect(await shown()).to.deep.equal(expected);
    // Every call of this emulator is in its last hour: the chart says the same counts.
    expect(await page.locator("[data-testid=v2-calls-chart]").getAttribute("aria-label")).to.equal(
      `Calls per minute over the last hour by deployment: ${october} ${expected[october][0]}, ${november} ${expected[november][0]}`,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, "v2-calls.png"), fullPage: true });

    // The Test page's calls go through the router too, but are not a client's: not counted.
    await page.getByRole("link", { name: "Test" }).click();
    await page.getByRole("heading", { level: 1, name: `Endpoint ${ENDPOINT} — Test` }).waitFor();
    expect((await sendOnTestPage()).status).to.equal("200");
    await page.getByRole("link", { name: "Calls" }).click();
    await page.locator("[data-testid=v2-calls]").waitFor();
    expect(await shown()).to.deep.equal(expected);
  });

  it("answers no Test or Consume page, credential or score without a session", async () => {
    const routes: [string, string, unknown][] = [
      ["GET", `v2/endpoints/${ENDPOINT}`, undefined],
      ["POST", `v2/endpoints/${ENDPOINT}/credentials`, {}],
      ["POST", `v2/endpoints/${ENDPOINT}/score`, { body: JSON.stringify({ data: NOVEMBER_ROWS }) }],
    ];
    for (const [method, route, body] of routes) {
      const answer = await fetch(`${emulator.url}/portal/api/${route}`, {
        method,
        headers: { Origin: emulator.url, "Content-Type": "application/json" },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      expect(answer.status, `${method} ${route}`).to.equal(401);
      expect(await answer.text()).to.include("PortalSessionRequired");
    }
    const stranger = await browser.newContext();
    try {
      for (const view of ["test", "consume"]) {
        // A tab per view: a second address differing only in its fragment loads nothing.
        const tab = await stranger.newPage();
        const refused = await tab.goto(`${emulator.url}/portal/#/v2/endpoints/${ENDPOINT}/${view}`);
        expect(refused?.status(), view).to.equal(401);
        await tab.locator("#login").waitFor();
        expect(await tab.locator("#app").count(), `no ${view} page without a session`).to.equal(0);
        expect(await tab.locator("#v2-body").count()).to.equal(0);
      }
    } finally {
      await stranger.close();
    }
  });

  it("answers bad Test requests with the field to fix, and an unknown endpoint with 404", async () => {
    const portal = await signIn(emulator);
    const score = (body: unknown, name = ENDPOINT) =>
      portal.request<{ error: { details: { code: string; message: string }[] } }>(
        "POST",
        `v2/endpoints/${name}/score`,
        body,
      );
    const noBody = await score({ data: [] });
    expect([noBody.status, noBody.body.error.details[0]]).to.deep.equal([
      400,
      {
        code: "PortalBadRequest",
        message:
          'Send {"body": "<the request body as text>"} with an optional "deployment": "<name>".',
      },
    ]);
    const badDeployment = await score({ body: "{}", deployment: 3 });
    expect(badDeployment.status).to.equal(400);
    expect(badDeployment.body.error.details[0].message).to.match(/^"deployment" must be/);
    for (const [method, route, body] of [
      ["GET", "v2/endpoints/nope", undefined],
      ["POST", "v2/endpoints/nope/credentials", {}],
      ["POST", "v2/endpoints/nope/score", { body: "{}" }],
    ] as const) {
      const answer = await portal.request<{ error: { details: { code: string }[] } }>(
        method,
        route,
        body,
      );
      expect([answer.status, answer.body.error.details[0].code], route).to.deep.equal([
        404,
        "PortalItemNotFound",
      ]);
    }
    const unknown = await score({ body: "{}", deployment: "blue" });
    expect(unknown.status).to.equal(200);
    const view = unknown.body as unknown as V2ScoreView;
    expect([view.status, view.deployment]).to.deep.equal([404, "blue"]);
  });

  it("shows no endpoint key, token or storage key in the page or any v2 answer", async () => {
    const ml = mlClient(target);
    const keys = await ml.post<EndpointKeys>(`/onlineEndpoints/${ENDPOINT}/listKeys`);
    const portal = await signIn(emulator);
    const answers: string[] = [];
    const read = async <T>(route: string): Promise<T> => {
      const answer = await portal.request<T>("GET", route);
      expect(answer.status, route).to.equal(200);
      answers.push(answer.text);
      return answer.body;
    };
    const overview = await read<V2View>("v2");
    expect(overview.workspaces.map((w) => w.name)).to.deep.equal([WORKSPACE]);
    const { jobs } = await read<V2JobsView>("v2/jobs");
    expect(jobs.map((j) => [j.name, j.status])).to.deep.equal([
      [models[NOVEMBER.version].jobName, "Completed"],
      [models[OCTOBER.version].jobName, "Completed"],
    ]);
    for (const j of jobs) await read(`v2/jobs/${j.id}`);
    const detail = await read<V2EndpointDetailView>(`v2/endpoints/${ENDPOINT}`);
    expect(detail.endpoint.name).to.equal(ENDPOINT);
    const scored = await portal.request<V2ScoreView>("POST", `v2/endpoints/${ENDPOINT}/score`, {
      body: JSON.stringify(detail.sample),
    });
    expect([scored.status, scored.body.status]).to.deep.equal([200, 200]);
    answers.push(scored.text);
    // The one route that answers the keys, when asked for them.
    const asked = await portal.request<V2CredentialsView>(
      "POST",
      `v2/endpoints/${ENDPOINT}/credentials`,
      {},
    );
    expect(asked.body).to.deep.equal({
      authMode: "Key",
      primary: keys.primaryKey,
      secondary: keys.secondaryKey,
    });
    await page.goto(`${emulator.url}/portal/#/v2`);
    await page.locator(`section[data-endpoint="${ENDPOINT}"]`).waitFor();
    answers.push(await page.content());
    await page.goto(`${emulator.url}/portal/#/v2/endpoints/${ENDPOINT}/test`);
    await page.getByRole("button", { name: "Send" }).click();
    await page.locator('[data-testid="v2-status"]').waitFor();
    answers.push(await page.content());
    const secrets = {
      "primary key": keys.primaryKey,
      "secondary key": keys.secondaryKey,
      "ARM token": emulator.credentials.armToken,
      "workspace token": emulator.credentials.workspaceToken,
      "storage key": AZURITE_KEY,
    };
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length, name).to.be.greaterThan(10);
      for (const text of answers) expect(text.includes(value), `${name} shown`).to.equal(false);
    }
  });

  it("hands an AMLToken endpoint's page a working token, and an AADToken endpoint none; the Test page's calls pass either", async () => {
    const ml = mlClient(target);
    for (const [name, authMode] of [
      ["census-portal-aml", "AMLToken"],
      ["census-portal-aad", "AADToken"],
    ]) {
      await ml.putAndWait(`/onlineEndpoints/${name}`, {
        location: "local",
        properties: { authMode },
      });
    }
    const portal = await signIn(emulator);
    const token = await portal.request<V2CredentialsView>(
      "POST",
      "v2/endpoints/census-portal-aml/credentials",
      {},
    );
    expect(token.status).to.equal(200);
    expect([token.body.authMode, token.body.secondary]).to.deep.equal(["AMLToken", undefined]);
    expect(Date.parse(token.body.expiresOn!)).to.be.greaterThan(Date.now());
    const call = (name: string, credential: string) =>
      fetch(`${emulator.url}/inference/${name}/score`, {
        method: "POST",
        headers: { Authorization: `Bearer ${credential}`, "Content-Type": "application/json" },
        body: "{}",
      });
    // Accepted (no deployment yet: 404), where another credential is refused (401).
    expect((await call("census-portal-aml", token.body.primary)).status).to.equal(404);
    expect((await call("census-portal-aml", "x".repeat(43))).status).to.equal(401);
    const aad = await portal.request<{ error: { details: { code: string; message: string }[] } }>(
      "POST",
      "v2/endpoints/census-portal-aad/credentials",
      {},
    );
    expect([aad.status, aad.body.error.details[0]]).to.deep.equal([
      400,
      {
        code: "PortalBadRequest",
        message:
          "The endpoint 'census-portal-aad' takes AADToken: a Microsoft Entra token (on the emulator, its ARM token), not a credential of the endpoint.",
      },
    ]);
    for (const name of ["census-portal-aml", "census-portal-aad"]) {
      const scored = await portal.request<V2ScoreView>("POST", `v2/endpoints/${name}/score`, {
        body: "{}",
      });
      // The router took the portal's credential and found no deployment to call.
      expect([scored.status, scored.body.status, scored.body.deployment], name).to.deep.equal([
        200,
        404,
        undefined,
      ]);
      expect(scored.text.includes(emulator.credentials.armToken), name).to.equal(false);
    }
  });

  /** The portal's id of the job that trained a version. */
  async function jobId(version: string): Promise<string> {
    const { jobs } = await (await signIn(emulator)).get<V2JobsView>("v2/jobs");
    const job = jobs.find((j) => j.name === models[version].jobName);
    expect(job, models[version].jobName).to.not.equal(undefined);
    return job!.id;
  }

  /** The metrics cell of a version as {@link rowsOf} reads it: the job's metrics.json, rounded. */
  function metricsText(version: string): string {
    const m = models[version].metrics;
    return ["AUC", "Accuracy", "Precision", "Recall", "F1 Score"]
      .map((name) => `${name} ${m[name].toFixed(4)}`)
      .join("; ");
  }
});
