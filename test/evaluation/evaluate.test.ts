/**
 * `npm run evaluate` end to end on Azurite and the emulator, in scratch git repositories: a
 * version bump on drifted data (the candidate is better on the new data), a candidate the gate
 * refuses, and a regression model; the comment asserted exactly on the committed census files
 * (the training graph's split and learner are seeded); the HTML page opened in Debian's Chromium.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { computeMetric } from "../../components/retrain/champion";
import { bikeToCsv, censusToCsv, generateBikeRows, generateCensusRows } from "../../data/generate";
import { commentMarker } from "../../evaluation/markdown";
import { parseTable } from "../../evaluation/profile";
import { evaluate, type EvaluationResult } from "../../evaluation/run";
import { main } from "../../scripts/evaluate";
import { shuffledLabels } from "../../harness/localStack";
import { launchChromium } from "../helpers/browser";
import { expectCensusReportPage, figuresOf } from "../helpers/reportPage";
import { azuriteBlobEndpoint } from "../helpers/env";
import { projectFiles, scratchRepo, stackFile } from "../../harness/repo";

const GATE = { metric: "AUC", min: 0.75, maxRegression: 0.01 };
const PARAMETERS = { "L2 regularization weight": "1" };
const CENSUS = [
  "definitions/census-training.json",
  "definitions/census-predictive.json",
  "data/census-2026-10.csv",
  "data/census-2026-11.csv",
];
const FIXTURE = path.join(__dirname, "fixtures", "census-bump.md");

/** Runs `npm run evaluate`'s main with its output kept from the test log; returns the exit code. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  console.error = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    return { code: await main(args), out: lines.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe("evaluation: npm run evaluate on the emulator", function () {
  this.timeout(240_000);
  let browser: Browser;
  const repos: string[] = [];

  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    for (const repo of repos) fs.rmSync(repo, { recursive: true, force: true });
  });

  describe("a version bump on drifted data", () => {
    let repo: string;
    let first: EvaluationResult;

    before(async () => {
      repo = scratchRepo(
        {
          ...projectFiles(...CENSUS),
          "Pulumi.pr.yaml": stackFile({
            version: "2026-10-30.1",
            data: "data/census-2026-10.csv",
            parameters: PARAMETERS,
            gate: GATE,
          }),
        },
        {
          "Pulumi.pr.yaml": stackFile({
            version: "2026-11-27.1",
            data: "data/census-2026-11.csv",
            parameters: PARAMETERS,
            gate: GATE,
          }),
        },
      );
      repos.push(repo);
      first = await evaluate({
        projectDir: repo,
        stack: "pr",
        baseRef: "base",
        outDir: path.join(repo, ".evaluation"),
        azuriteBlobEndpoint: azuriteBlobEndpoint(),
      });
    });

    it("passes the candidate, better than the served model on the new data; the comment is exact", () => {
      const { report } = first;
      expect(report.gate.passed).to.equal(true);
      expect(report.gate.summary).to.match(
        /^AUC 0\.\d{4} >= min 0\.7500; vs served 0\.\d{4} \(better by 0\.\d{4}, allowed 0\.0100\)$/,
      );
      const auc = report.metrics.find((m) => m.metric === "AUC")!;
      expect(auc.favours).to.equal("candidate");
      expect(auc.delta).to.be.greaterThan(0.05);
      expect([report.candidate.source, report.served?.source]).to.deep.equal([
        "trained",
        "trained",
      ]);
      expect(first.markdown.startsWith(`${commentMarker("pr")}\n`)).to.equal(true);
      expect(fs.readFileSync(first.files.markdown, "utf8")).to.equal(first.markdown);
      expect(first.markdown).to.equal(fs.readFileSync(FIXTURE, "utf8"));
      expect(JSON.parse(fs.readFileSync(first.files.verdict, "utf8"))).to.deep.equal({
        stack: "pr",
        baseRef: "base",
        passed: true,
        summary: report.gate.summary,
      });
    });

    it("scores both on the same held-out rows: the candidate's metrics from them are Evaluate Model's", () => {
      const [entry] = fs
        .readdirSync(path.join(repo, ".evaluation", "cache"))
        .map((k) => path.join(repo, ".evaluation", "cache", k))
        .filter(
          (dir) =>
            JSON.parse(fs.readFileSync(path.join(dir, "record.json"), "utf8")).metrics.AUC ===
            first.report.metrics[0].candidate,
        );
      const scored = parseTable(fs.readFileSync(path.join(entry, "scored.csv"), "utf8"));
      const col = (name: string): string[] =>
        scored.rows.map((r) => r[scored.header.indexOf(name)]);
      expect(scored.rows.length).to.equal(first.report.heldOutRows);
      for (const row of first.report.metrics) {
        const value = computeMetric(
          row.metric,
          col("income"),
          col("Scored Labels"),
          col("Scored Probabilities").map(Number),
        );
        expect(value, row.metric).to.be.closeTo(row.candidate, 1e-9);
      }
      expect(first.report.notes).to.deep.equal([]);
    });

    it("writes one self-contained HTML page that Chromium draws with its plots, offline", async () => {
      await expectCensusReportPage(browser, first);
    });

    it("takes both sides from the cache on the next push (the CLI, with its own Azurite)", async () => {
      const { code, out } = await cli([
        "--stack",
        "pr",
        "--base",
        "base",
        "--project",
        repo,
        "--quiet",
      ]);
      expect(code, out).to.equal(0);
      expect(out).to.match(/^gate PASSED: AUC /);
      const second = fs.readFileSync(path.join(repo, ".evaluation", "report.md"), "utf8");
      expect(second).to.equal(
        fs
          .readFileSync(FIXTURE, "utf8")
          .replace(/trained by this run/g, "taken from the evaluation cache"),
      );
    });
  });

  it("bad input fails before any server starts, naming the field or the ref and the fix", async () => {
    const repo = scratchRepo(
      {
        ...projectFiles(CENSUS[0], CENSUS[1]),
        "Pulumi.pr.yaml": stackFile({ version: "1", data: "data/x.csv", gate: GATE }),
      },
      {
        "Pulumi.pr.yaml": stackFile({
          version: "2",
          data: "https://account.blob.core.windows.net/incoming/census.csv",
          gate: GATE,
        }),
      },
    );
    repos.push(repo);
    const run = (baseRef: string) =>
      evaluate({ projectDir: repo, stack: "pr", baseRef, outDir: path.join(repo, ".evaluation") });
    await expect(run("base")).to.be.rejectedWith(
      "azureml-retrain:model.data in Pulumi.pr.yaml (the working tree) is a blob URL: the evaluation trains on a file of the repository; declare the data as a CSV path, or evaluate after copying the blob into the repository",
    );
    fs.writeFileSync(
      path.join(repo, "Pulumi.pr.yaml"),
      stackFile({ version: "2", data: "data/x.csv", gate: { metric: "AUC", min: 2 } }),
    );
    await expect(run("base")).to.be.rejectedWith(
      "azureml-retrain:model.gate.min: AUC lies in [0, 1]; 2 can never be met",
    );
    fs.writeFileSync(
      path.join(repo, "Pulumi.pr.yaml"),
      stackFile({ version: "2", data: "data/x.csv", gate: GATE }),
    );
    await expect(run("origin/nope")).to.be.rejectedWith(
      'azureml-retrain:model.data "data/x.csv" does not exist',
    );
    fs.mkdirSync(path.join(repo, "data"));
    fs.writeFileSync(path.join(repo, "data", "x.csv"), "a\n1\n");
    await expect(run("origin/nope")).to.be.rejectedWith(
      'the base ref "origin/nope" is not known to git here: fetch it first (git fetch origin <branch>) or pass another --base',
    );
  });

  it("a candidate the gate refuses: the comment says so and the CLI exits 1", async () => {
    // Labels unrelated to the features: the model learns nothing and falls below the minimum.
    const noise = censusToCsv(
      shuffledLabels(generateCensusRows({ rows: 3000, seed: 5, drift: 1 })),
    );
    const repo = scratchRepo(
      {
        ...projectFiles(...CENSUS),
        "Pulumi.pr.yaml": stackFile({
          version: "2026-10-30.1",
          data: "data/census-2026-10.csv",
          parameters: PARAMETERS,
          gate: GATE,
        }),
      },
      {
        "data/census-noise.csv": noise,
        "Pulumi.pr.yaml": stackFile({
          version: "2026-11-28.1",
          data: "data/census-noise.csv",
          parameters: PARAMETERS,
          gate: GATE,
        }),
      },
    );
    repos.push(repo);
    const { code, out } = await cli([
      "-s",
      "pr",
      "-b",
      "base",
      "-C",
      repo,
      "--no-cache",
      "--quiet",
    ]);
    expect(code, out).to.equal(1);
    const verdict = JSON.parse(
      fs.readFileSync(path.join(repo, ".evaluation", "verdict.json"), "utf8"),
    ) as { passed: boolean; summary: string };
    expect(verdict.passed, verdict.summary).to.equal(false);
    expect(verdict.summary, verdict.summary).to.match(
      /^AUC 0\.\d{4} < min 0\.7500; vs served 0\.\d{4} \((better|worse) by 0\.\d{4}, allowed 0\.0100\)$/,
    );
    expect(out).to.equal(
      `gate REFUSED: ${verdict.summary}\nreport: ${path.relative(process.cwd(), path.join(repo, ".evaluation", "report.md"))}, ${path.relative(process.cwd(), path.join(repo, ".evaluation", "report.html"))}`,
    );
    const markdown = fs.readFileSync(path.join(repo, ".evaluation", "report.md"), "utf8");
    expect(markdown.split("\n").slice(0, 2)).to.deep.equal([
      commentMarker("pr"),
      "### Model evaluation for stack `pr`: ❌ the gate refuses the candidate",
    ]);
    expect(markdown).to.include(
      `**Gate** (AUC >= 0.75, at most 0.01 worse than the served model): **refused**: ${verdict.summary}\n`,
    );
    expect(fs.existsSync(path.join(repo, ".evaluation", "cache"))).to.equal(false);
    const { verdict: shown } = await figuresOf(
      browser,
      path.join(repo, ".evaluation", "report.html"),
    );
    expect(shown).to.equal("the gate refuses the candidate");
  });

  it("a regression model (bike demand): error metrics, predicted vs actual, residuals", async () => {
    const services = {
      trainingDefinition: "definitions/bike-demand-training.json",
      predictiveDefinition: "definitions/bike-demand-predictive.json",
      trainingName: "bike-training",
      predictiveName: "bike-predictive",
    };
    const gate = { metric: "Root Mean Squared Error", max: 12, maxRegression: 0.5 };
    const repo = scratchRepo(
      {
        ...projectFiles(services.trainingDefinition, services.predictiveDefinition),
        "data/bike-1.csv": bikeToCsv(generateBikeRows({ rows: 1500, seed: 11 })),
        "Pulumi.bike.yaml": stackFile({ version: "1", data: "data/bike-1.csv", gate }, services),
      },
      {
        "data/bike-2.csv": bikeToCsv(generateBikeRows({ rows: 2000, seed: 12 })),
        "Pulumi.bike.yaml": stackFile({ version: "2", data: "data/bike-2.csv", gate }, services),
      },
    );
    repos.push(repo);
    const { report, markdown, files } = await evaluate({
      projectDir: repo,
      stack: "bike",
      baseRef: "base",
      outDir: path.join(repo, ".evaluation"),
      cacheDir: false,
      azuriteBlobEndpoint: azuriteBlobEndpoint(),
    });
    // Both fit the same true model (noise σ = 10): the gate passes on RMSE, each close to 10.
    expect(report.gate.passed, report.gate.summary).to.equal(true);
    expect(report.gate.summary).to.match(
      /^Root Mean Squared Error \d+\.\d{4} <= max 12; vs served \d+\.\d{4} \((better|worse) by 0\.\d{4}, allowed 0\.5000\)$/,
    );
    expect(
      report.metrics.map((m) => [m.metric, m.direction, m.served !== undefined]),
    ).to.deep.equal([
      ["Mean Absolute Error", "lower", true],
      ["Root Mean Squared Error", "lower", true],
      ["Relative Absolute Error", "lower", true],
      ["Relative Squared Error", "lower", true],
      ["Coefficient of Determination", "higher", true],
    ]);
    const rmse = report.metrics[1];
    expect(rmse.candidate).to.be.within(9, 11);
    expect(rmse.served).to.be.within(9, 11);
    if (report.plots.task !== "regression") throw new Error("bike demand is a regression");
    expect(report.plots.bins).to.have.length(10);
    expect(report.plots.points).to.have.length(report.heldOutRows);
    expect(report.heldOutRows).to.equal(400);
    expect(report.notes).to.deep.equal([]);
    expect(markdown).to.include(
      '  title "Predicted vs actual (held-out rows in 10 bins by actual value)"',
    );
    expect(markdown).to.include('  title "Mean residual (predicted − actual) per bin"');
    expect(markdown).to.not.include("ROC");
    const { figures, verdict } = await figuresOf(browser, files.html);
    expect(verdict).to.equal("the gate passes the candidate");
    expect(figures.map((f) => f.id)).to.deep.equal(["predicted-actual", "residuals", "psi"]);
    // Every held-out row twice (candidate and served), and the perfect-model line.
    expect(figures[0].symbols).to.equal(2 * report.heldOutRows);
    expect(figures[0].lines).to.equal(1);
    expect(figures[1].rects).to.be.greaterThan(10);
    expect(figures[2].rects).to.equal(7);
  });
});
