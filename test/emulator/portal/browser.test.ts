/**
 * The portal in a real headless browser (Debian's Chromium through playwright-core, no browser
 * download), on an emulator with the samples published: signing in with the one-time link and
 * being refused without it; finding a service, its endpoints and the versions they serve;
 * an endpoint's calls counted as a client makes them; following a job live until it finishes; a
 * model's plots; scoring a row on the Test page with the answer RRS gives; the Consume page's
 * samples run for real (curl, C#, Python, R); the layout at
 * 1280 × 800 and on a narrow window; the keyboard; and no request leaving the emulator.
 *
 * Screenshots of the main views go to `test-results/portal/` (ignored by git).
 */
import { BlobServiceClient } from "@azure/storage-blob";
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { ClassicEndpoint, WebServiceKeys } from "../../../contract";
import { censusToCsv, generateCensusRows } from "../../../data/generate";
import type { ServicesView } from "../../../emulator/portal/api";
import { launchChromium } from "../../helpers/browser";
import { azuriteConnectionString } from "../../helpers/env";
import { httpRequest, type TestEmulator } from "../../helpers/emulator";
import { expectPresent } from "../../helpers/expect";
import {
  signIn,
  startSamplesEmulator,
  trainClustering,
  trainMulticlass,
} from "../../helpers/portal";

const run = promisify(execFile);
const SCREENSHOTS = path.resolve(__dirname, "..", "..", "..", "test-results", "portal");

const ROW: Record<string, string> = {
  age: "52",
  workclass: "Self-emp-inc",
  education: "Masters",
  "education-num": "14",
  "marital-status": "Married-civ-spouse",
  occupation: "Exec-managerial",
  relationship: "Husband",
  race: "White",
  sex: "Male",
  "capital-gain": "15024",
  "capital-loss": "0",
  "hours-per-week": "50",
  "native-country": "United-States",
};

/** How many pixels of a canvas are drawn on (a chart that drew nothing has none). */
async function drawnPixels(page: Page, testId: string): Promise<number> {
  // A string: the expression runs in the page, whose DOM types the test's compiler does not know.
  return page.evaluate(`(() => {
    const canvas = document.querySelector('[data-testid="${testId}"]');
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
    return drawn;
  })()`);
}

/** Whether the page scrolls sideways (it must not: wide tables scroll inside their own box). */
function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate(
    "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1",
  );
}

/** The element that has the focus: its tag, first line of text and link. */
function focused(page: Page): Promise<string> {
  return page.evaluate(`(() => {
    const e = document.activeElement;
    return [e.tagName, (e.innerText || "").trim().split("\\n")[0], e.getAttribute("href") || ""].join(" ");
  })()`);
}

describe("emulator portal in Chromium", function () {
  this.timeout(180_000);
  let emulator: TestEmulator;
  let container: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let services: ServicesView;
  /** Every URL the signed-in page requested. */
  const requested: string[] = [];

  const screenshot = (name: string, target: Page = page) =>
    target.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const open = async (fragment: string): Promise<void> => {
    await page.goto(`${emulator.url}/portal/${fragment}`);
  };
  const target = (label: string) => {
    const all = [...services.arm, ...services.classic.flatMap((s) => s.endpoints)];
    const found = all.find((t) => t.label === label);
    expectPresent(found, label);
    return found;
  };
  const keysOf = async (label: string): Promise<WebServiceKeys> =>
    (
      await (
        await signIn(emulator)
      ).request<WebServiceKeys>("POST", `targets/${target(label).executionId}/keys`)
    ).body;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // One job at a time per service: a second job waits (queued) while the first runs.
    ({ emulator, container } = await startSamplesEmulator({ maxRunningJobs: 1 }));
    services = await (await signIn(emulator)).get<ServicesView>("services");
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on("request", (request) => requested.push(request.url()));
    await page.goto(emulator.server.portalLink());
    await page.getByRole("heading", { level: 1, name: "Web services" }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await emulator?.close();
  });

  it("refuses the portal without the token, and signs in with the one-time link", async () => {
    const stranger = await browser.newContext();
    const tab = await stranger.newPage();
    const refused = await tab.goto(`${emulator.url}/portal/`);
    expect(refused?.status()).to.equal(401);
    await tab.locator("#login").waitFor();
    expect(await tab.locator("#app").count(), "no application without a session").to.equal(0);
    const api = await tab.goto(`${emulator.url}/portal/api/services`);
    expect(api?.status()).to.equal(401);
    expect(await tab.locator("body").innerText()).to.include("PortalSessionRequired");
    await tab.goto(`${emulator.url}/portal/`);
    await tab.locator("#token").fill("not-the-token");
    await tab.locator("#token").press("Enter");
    await tab
      .locator("#login-error")
      .getByText(/not valid/)
      .waitFor();
    await screenshot("sign-in", tab);
    await stranger.close();

    const link = emulator.server.portalLink();
    const browsing = await browser.newContext();
    const tab2 = await browsing.newPage();
    await tab2.goto(link);
    expect(tab2.url(), "the token leaves the address bar").to.equal(`${emulator.url}/portal/`);
    await tab2.getByRole("heading", { level: 1, name: "Web services" }).waitFor();
    const cookies = await browsing.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path])).to.deep.equal([
      [`azureml-portal-${emulator.port}`, true, "Strict", "/portal"],
    ]);
    expect(await tab2.evaluate("document.cookie"), "the page cannot read its session").to.equal("");
    await browsing.close();

    const late = await browser.newContext();
    const lateTab = await late.newPage();
    const reused = await lateTab.goto(link);
    expect(reused?.status(), "the link works once").to.equal(401);
    await lateTab.getByText("This sign-in link is not valid any more").waitFor();
    // The workspace token, pasted, signs in a second browser.
    await lateTab.locator("#token").fill(emulator.credentials.workspaceToken);
    await lateTab.getByRole("button", { name: "Sign in" }).click();
    await lateTab.getByRole("heading", { level: 1, name: "Web services" }).waitFor();
    await late.close();
  });

  it("finds a service, its endpoints and the versions they serve", async () => {
    await open("#/services");
    await page.locator("[data-testid=classic-endpoints]").waitFor();
    const versions: Record<string, string> = {};
    for (const name of ["default", "contoso", "fabrikam"]) {
      versions[name] = await page
        .locator(`[data-endpoint=${name}] [data-testid=served-version]`)
        .innerText();
    }
    expect(versions).to.deep.equal({
      default: "2026-11.1",
      contoso: "2026-11.1",
      fabrikam: "2026-10.1",
    });
    const armRow = page.locator("[data-testid=arm-services] tr", { hasText: "census-predictive" });
    expect(await armRow.locator("[data-testid=served-version]").innerText()).to.equal("2026-11.1");
    await screenshot("services");

    await page.locator("[data-endpoint=fabrikam] th a").click();
    await page.getByRole("heading", { level: 1, name: "census / fabrikam" }).waitFor();
    expect(await page.locator("[data-testid=throttle]").innerText()).to.equal("Low");
    expect(await page.locator("[data-testid=max-calls]").innerText()).to.equal("4");
    expect(
      await page.locator("[data-testid=served-models] [data-testid=served-version]").innerText(),
    ).to.equal("2026-10.1");
    const endpoint = (
      await emulator.classic<ClassicEndpoint>(
        "GET",
        "/workspaces/samples/webservices/census/endpoints/fabrikam",
      )
    ).body;
    expect(await page.locator("[data-testid=primary-key]").innerText()).to.equal("••••••••");
    expect(await page.content(), "no key in the page until asked for").to.not.include(
      endpoint.PrimaryKey,
    );
    await screenshot("endpoint");
    await page.getByRole("button", { name: "Show keys" }).click();
    await page.locator("[data-testid=primary-key]", { hasText: endpoint.PrimaryKey }).waitFor();
    expect(await page.locator("[data-testid=secondary-key]").innerText()).to.equal(
      endpoint.SecondaryKey,
    );
    await page.getByRole("button", { name: "Hide keys" }).click();
    expect(await page.locator("[data-testid=primary-key]").innerText()).to.equal("••••••••");
  });

  it("shows an endpoint's calls as the classic portal's dashboard did: counts, failures, per minute", async () => {
    const fabrikam = target("census / fabrikam");
    const keys = await keysOf("census / fabrikam");
    await open(`#/targets/${fabrikam.executionId}`);
    await page.locator("[data-testid=calls]").waitFor();
    const shown = async (id: string): Promise<number> =>
      Number(await page.locator(`[data-testid=${id}]`).innerText());
    const before = { calls: await shown("rrs-calls"), failed: await shown("rrs-failed") };
    const execute = (input: Record<string, string>) =>
      httpRequest("POST", `${fabrikam.apiLocation}/execute?api-version=2.0`, {
        token: keys.primary,
        body: {
          Inputs: { input1: { ColumnNames: Object.keys(input), Values: [Object.values(input)] } },
        },
      });
    const answered = [
      (await execute(ROW)).status,
      (await execute(ROW)).status,
      (await execute({ age: "52" })).status,
    ];
    expect(answered).to.deep.equal([200, 200, 400]);
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.locator(`[data-testid=rrs-calls]:text-is("${before.calls + 3}")`).waitFor();
    expect(await shown("rrs-failed")).to.equal(before.failed + 1);
    // Every call of this emulator is in its last hour: the chart says the same totals.
    const label = await page.locator("[data-testid=calls-chart]").getAttribute("aria-label");
    const bes = { calls: await shown("bes-calls"), failed: await shown("bes-failed") };
    expect(label).to.equal(
      `Calls per minute over the last hour: ${before.calls + 3 + bes.calls} in all, ${before.failed + 1 + bes.failed} failed`,
    );
    expect(await drawnPixels(page, "calls-chart"), "the bars are drawn").to.be.above(200);
    await screenshot("calls");
  });

  it("follows a job live from NotStarted through Running (queued) to Finished", async () => {
    const training = target("census-training");
    const keys = await keysOf("census-training");
    const ref = (blob: string) => ({
      ConnectionString: azuriteConnectionString(),
      RelativeLocation: `${container}/${blob}`,
    });
    // The first job holds the only slot while the page polls (every 500 ms): on a warm worker the
    // 3000-row sample trains in a few hundred ms, so it trains on 200k rows (seconds).
    const big = censusToCsv(generateCensusRows({ rows: 200_000, seed: 7, drift: 1 }));
    await BlobServiceClient.fromConnectionString(azuriteConnectionString())
      .getContainerClient(container)
      .getBlockBlobClient("live/census-200k.csv")
      .upload(big, Buffer.byteLength(big));
    const submit = async (name: string, input: string): Promise<string> => {
      const answer = await httpRequest<string>(
        "POST",
        `${training.apiLocation}/jobs?api-version=2.0`,
        {
          token: keys.primary,
          body: {
            Inputs: { input1: ref(input) },
            Outputs: { output1: ref(`live/${name}.ilearner`), output2: ref(`live/${name}.csv`) },
          },
        },
      );
      expect(answer.status, answer.text).to.equal(200);
      return answer.body;
    };
    const start = async (jobId: string): Promise<void> => {
      const answer = await httpRequest(
        "POST",
        `${training.apiLocation}/jobs/${jobId}/start?api-version=2.0`,
        {
          token: keys.primary,
          body: "",
        },
      );
      expect(answer.status).to.equal(204);
    };
    const first = await submit("first", "live/census-200k.csv");
    const followed = await submit("followed", "data/census-2026-11.csv");
    await open(`#/jobs/${followed}`);
    const status = page.locator("[data-testid=job-status] [data-testid=status]");
    await status.getByText("NotStarted", { exact: true }).waitFor();
    await page.evaluate("window.marker = 1");
    // The first job takes the only slot: the followed one waits, reported Running (queued).
    await start(first);
    await start(followed);
    await status.getByText("Running (queued)").waitFor({ timeout: 30_000 });
    await status.getByText("Finished", { exact: true }).waitFor({ timeout: 60_000 });
    expect(await page.evaluate("window.marker"), "followed without a reload").to.equal(1);
    const modules = await page
      .locator("[data-testid=timeline] tbody tr")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-module")));
    expect([...modules].sort()).to.deep.equal(
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
    expect(await drawnPixels(page, "timeline-chart")).to.be.above(1000);
    const download = page.locator("[data-testid=download-output2]");
    const [file] = await Promise.all([page.waitForEvent("download"), download.click()]);
    expect(file.suggestedFilename()).to.equal("followed.csv");
    await screenshot("job");
  });

  it("opens a model and sees its plots", async () => {
    await open("#/models");
    const census = target("census-predictive").models[0].sha256 ?? "";
    await page.locator(`[data-model="${census}"] th a`).click();
    await page.locator("[data-testid=roc-chart]").waitFor();
    expect(await page.locator("[data-testid=evaluation]").count()).to.equal(1);
    expect(await drawnPixels(page, "roc-chart"), "the ROC curve is drawn").to.be.above(2000);
    expect(await drawnPixels(page, "confusion-chart"), "the confusion matrix is drawn").to.be.above(
      2000,
    );
    expect(await page.locator("[data-testid=roc-chart]").getAttribute("aria-label")).to.match(
      /^ROC curve over \d+ scored rows, positive class >50K$/,
    );
    const matrix = await page.locator("[data-testid=confusion-table] tbody td").allInnerTexts();
    const metrics = async (name: string): Promise<string> =>
      page.locator(`[data-testid=metrics] td[data-metric="${name}"]`).innerText();
    expect(matrix).to.deep.equal([
      await metrics("True Positive"),
      await metrics("False Negative"),
      await metrics("False Positive"),
      await metrics("True Negative"),
    ]);
    await screenshot("model-binary");

    await open(`#/models/${target("bike-demand-predictive").models[0].sha256}`);
    await page.locator("[data-testid=residuals-chart]").waitFor();
    expect(await drawnPixels(page, "predicted-actual-chart")).to.be.above(2000);
    expect(await drawnPixels(page, "residuals-chart")).to.be.above(2000);
    await screenshot("model-regression");

    // A multiclass model: its confusion matrix and a ROC curve per class.
    const jobId = await trainMulticlass(emulator, container);
    await open(`#/jobs/${jobId}`);
    await page.getByRole("link", { name: /^model [0-9a-f]{12}$/ }).click();
    await page.locator("[data-testid=confusion-chart]").waitFor();
    expect(await drawnPixels(page, "confusion-chart")).to.be.above(2000);
    expect(await drawnPixels(page, "roc-chart")).to.be.above(2000);
    expect(
      await page.locator("[data-testid=confusion-table] thead th").allInnerTexts(),
    ).to.deep.equal(["a", "b", "c"]);
    await screenshot("model-multiclass");

    // A clustering (Train Clustering Model evaluated directly): its clusters, from the table.
    const clusteringJob = await trainClustering(emulator, container);
    await open(`#/jobs/${clusteringJob}`);
    await page.getByRole("link", { name: /^model [0-9a-f]{12}$/ }).click();
    await page.locator("[data-testid=cluster-chart]").waitFor();
    expect(await drawnPixels(page, "cluster-chart")).to.be.above(2000);
    const column = (name: string) =>
      page.locator(`[data-testid=metrics] td[data-metric="${name}"]`).allInnerTexts();
    // The combined row first, then one row per cluster.
    const points = (await column("Number of Points")).map(Number);
    expect(points).to.have.length(4);
    expect(points[0]).to.equal(300);
    expect(points[1] + points[2] + points[3]).to.equal(300);
    const averages = (await column("Average Distance to Cluster Center")).slice(1);
    expect(await page.locator("[data-testid=cluster-chart]").getAttribute("aria-label")).to.equal(
      `Clusters: ${[0, 1, 2].map((k) => `cluster ${k} ${points[k + 1]} points, average distance ${averages[k]}`).join("; ")}`,
    );
    await screenshot("model-clustering");
  });

  it("scores a row through the Test page and shows what RRS answers", async () => {
    const predictive = target("census-predictive");
    const keys = await keysOf("census-predictive");
    await open(`#/targets/${predictive.executionId}/test`);
    for (const [column, value] of Object.entries(ROW))
      await page.getByLabel(column, { exact: false }).first().fill(value);
    await page.getByRole("button", { name: "Score" }).click();
    const label = page.locator('[data-testid=score-result] td[data-column="Scored Labels"]');
    await label.first().waitFor();
    const rrs = await httpRequest<{ Results: { output1: { value: { Values: string[][] } } } }>(
      "POST",
      `${predictive.apiLocation}/execute?api-version=2.0&details=true`,
      {
        token: keys.primary,
        body: {
          Inputs: { input1: { ColumnNames: Object.keys(ROW), Values: [Object.values(ROW)] } },
        },
      },
    );
    expect(rrs.status).to.equal(200);
    const probability = page.locator(
      '[data-testid=score-result] td[data-column="Scored Probabilities"]',
    );
    expect([await label.innerText(), await probability.innerText()]).to.deep.equal(
      rrs.body.Results.output1.value.Values[0],
    );
    await screenshot("test");

    // Pasted CSV: two rows (one with a quoted field), scored as RRS scores them.
    const second = {
      ...ROW,
      age: "23",
      education: "HS-grad",
      "education-num": "9",
      "capital-gain": "0",
    };
    const csv = [
      Object.keys(ROW).join(","),
      Object.values(ROW)
        .map((v) => `"${v}"`)
        .join(","),
      Object.values(second).join(","),
    ].join("\n");
    await page.getByLabel("Paste CSV").check();
    await page.getByLabel(/Rows of input1 as CSV/).fill(csv);
    await page.getByRole("button", { name: "Score" }).click();
    await page.locator("[data-testid=score-result] tbody tr").nth(1).waitFor();
    const both = await httpRequest<{ Results: { output1: { value: { Values: string[][] } } } }>(
      "POST",
      `${predictive.apiLocation}/execute?api-version=2.0&details=true`,
      {
        token: keys.primary,
        body: {
          Inputs: {
            input1: {
              ColumnNames: Object.keys(ROW),
              Values: [Object.values(ROW), Object.values(second)],
            },
          },
        },
      },
    );
    const shown = await page
      .locator("[data-testid=score-result] tbody tr")
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll("td.scored")].map((td) => td.textContent ?? "")),
      );
    expect(shown).to.deep.equal(both.body.Results.output1.value.Values);
  });

  it("gives Consume samples that answer what RRS answers when run (curl, C#, Python, R)", async () => {
    const predictive = target("census-predictive");
    await open(`#/targets/${predictive.executionId}/consume`);
    const curl = page.locator("[data-testid=sample-curl]");
    await curl.waitFor();
    expect(await curl.innerText()).to.include("Authorization: Bearer <API key>");
    const keys = await keysOf("census-predictive");
    expect(await page.content(), "no key in the page until asked for").to.not.include(keys.primary);
    await page.getByRole("button", { name: "Put the primary key in the samples" }).click();
    await page.locator("[data-testid=sample-curl]", { hasText: keys.primary }).waitFor();
    const request = JSON.parse(
      await page.locator("[data-testid=request-shape]").innerText(),
    ) as unknown;
    const rrs = await httpRequest(
      "POST",
      `${predictive.apiLocation}/execute?api-version=2.0&details=true`,
      {
        token: keys.primary,
        body: request,
      },
    );
    expect(rrs.status).to.equal(200);
    const work = mkdtempSync(path.join(tmpdir(), "portal-samples-"));
    const outputs: Record<string, string> = {};
    outputs.curl = (await run("bash", ["-c", await curl.innerText()])).stdout;
    const python = path.join(work, "sample.py");
    writeFileSync(python, await page.locator("[data-testid=sample-python]").innerText());
    outputs.Python = (await run("python3", [python])).stdout;
    const r = path.join(work, "sample.R");
    writeFileSync(r, await page.locator("[data-testid=sample-r]").innerText());
    outputs.R = (await run("Rscript", [r])).stdout;
    // C#: compiled by Mono's C# compiler (Debian's mono-mcs) and run by Mono.
    const csharp = path.join(work, "Sample.cs");
    const exe = path.join(work, "Sample.exe");
    writeFileSync(csharp, await page.locator("[data-testid=sample-csharp]").innerText());
    await run("mcs", ["-r:System.Net.Http", `-out:${exe}`, csharp]);
    outputs["C#"] = (await run("mono", [exe])).stdout;
    for (const [language, output] of Object.entries(outputs))
      expect(JSON.parse(output), language).to.deep.equal(rrs.body);
    await page.getByRole("button", { name: "Hide the key" }).click();
    await screenshot("consume");
  });

  it("reads well at 1280 × 800 and on a narrow window, and loads nothing from elsewhere", async () => {
    const views = [
      "#/services",
      "#/jobs",
      "#/models",
      `#/targets/${target("census-predictive").executionId}`,
      `#/targets/${target("census-predictive").executionId}/test`,
      `#/targets/${target("census-predictive").executionId}/consume`,
      `#/models/${target("census-predictive").models[0].sha256}`,
    ];
    for (const size of [
      { width: 1280, height: 800 },
      { width: 375, height: 740 },
    ]) {
      await page.setViewportSize(size);
      for (const view of views) {
        await open(view);
        await page.locator("main h1").waitFor();
        await page.locator("main .loading").waitFor({ state: "detached" });
        expect(await overflowsSideways(page), `${view} at ${size.width} px`).to.equal(false);
      }
    }
    await open("#/services");
    await page.locator("[data-testid=classic-endpoints]").waitFor();
    await screenshot("services-narrow");
    await page.setViewportSize({ width: 1280, height: 800 });
    const elsewhere = requested.filter(
      (url) => !url.startsWith(`${emulator.url}/`) && !/^(data|blob):/.test(url),
    );
    expect(elsewhere, "every request goes to the emulator").to.deep.equal([]);
    expect(requested.filter((u) => u.endsWith("/portal/assets/app.js")).length).to.be.above(0);
  });

  it("is reachable from the keyboard", async () => {
    await open("#/services");
    await page.locator("[data-testid=arm-services]").waitFor();
    // Start where a reader's Tab starts: the top of the page (the brand in the header).
    await page.locator(".brand").click();
    const reached: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      reached.push(await focused(page));
    }
    const all = reached.join(" | ");
    for (const wanted of [
      /^A Web services #\/services/,
      /^A Jobs #\/jobs/,
      /^A Models #\/models/,
      /^BUTTON Sign out/,
    ])
      expect(
        reached.some((r) => wanted.test(r)),
        `${wanted} reached: ${all}`,
      ).to.equal(true);
    const test = `#/targets/${target("census-predictive").executionId}/test`;
    const index = reached.findIndex((r) => r.endsWith(` ${test}`));
    expect(index, `the Test link of census-predictive is reached: ${all}`).to.be.above(-1);
    // The skip link comes before the sections.
    await page.locator(".brand").click();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Shift+Tab");
    expect(await focused(page)).to.equal("A Skip to content #main");
    // Back to the Test link (the skip link hides once left), and Enter opens the Test page.
    await page.keyboard.press("Tab");
    await page.locator(".brand").click();
    for (let i = 0; i <= index; i++) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Score" }).waitFor();
    expect(page.url()).to.equal(`${emulator.url}/portal/${test}`);
    // The page's heading has the focus (announced); the next Tab reaches the form.
    expect(await focused(page)).to.match(/^H1 census-predictive/);
    let field = "";
    for (let i = 0; i < 6 && !field.startsWith("INPUT"); i++) {
      await page.keyboard.press("Tab");
      field = await focused(page);
    }
    expect(field, "a form field is reached").to.match(/^INPUT/);
  });
});
