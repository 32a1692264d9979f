/**
 * `npm run evaluate` for a v2 stack, end to end on Azurite and the emulator's v2 surface, with the
 * sample train.py and score.py run by Debian's Python (scikit-learn): a version bump on new data
 * (the candidate trained by a command job, the base's model served by an online deployment and
 * scored through the endpoint on the candidate's held-out rows), the figures checked against
 * scikit-learn run directly on the same files, the HTML page opened in Debian's Chromium, and a
 * candidate the gate refuses (exit code 1).
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { stringify } from "yaml";
import { computeMetric } from "../../components/retrain/champion";
import { commentMarker } from "../../evaluation/markdown";
import { candidateRows } from "../../evaluation/output";
import { evaluate, type EvaluationResult } from "../../evaluation/run";
import { sklearnPython } from "../../harness/interpreters";
import { projectFiles, scratchRepo } from "../../harness/repo";
import { main } from "../../scripts/evaluate";
import { launchChromium } from "../helpers/browser";
import { azuriteBlobEndpoint, setEnv } from "../helpers/env";
import { expectCensusReportPage } from "../helpers/reportPage";

const V2_FILES = [
  "definitions/v2/census/src/train.py",
  "definitions/v2/census/src/score.py",
  "definitions/v2/census/environment.yml",
  "data/census-2026-10.csv",
  "data/census-2026-11.csv",
];
const GATE = { metric: "AUC", min: 0.75, maxRegression: 0.02 };

/** A v2 local stack file declaring `model`. */
function v2StackFile(model: Record<string, unknown>): string {
  return stringify({
    config: {
      "azureml-retrain:platform": "v2",
      "azureml-retrain:target": "local",
      "azureml-retrain:model": model,
      "azureml-retrain:v2": { workspace: "census-ml", endpoint: "census-v2", modelName: "census" },
    },
  });
}

/**
 * What scikit-learn gives run directly (no emulator): the candidate's metrics.json and held-out
 * rows from train.py, and the base's model (train.py on the base's data) scoring those rows.
 */
function direct(candidateData: string, baseData: string) {
  const python = sklearnPython();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "v2-direct-"));
  try {
    const script = path.join(__dirname, "..", "..", "definitions", "v2", "census", "src");
    const train = (data: string, out: string, scored: boolean): void => {
      execFileSync(python, [
        path.join(script, "train.py"),
        "--data",
        data,
        "--model",
        path.join(dir, out, "model"),
        "--metrics",
        path.join(dir, out, "metrics"),
        "--C",
        "1.0",
        ...(scored ? ["--scored", path.join(dir, out, "scored")] : []),
      ]);
    };
    train(candidateData, "candidate", true);
    train(baseData, "base", false);
    // The base model scores the candidate's held-out rows as score.py does (rounded to 6 places).
    const probabilities = execFileSync(
      python,
      [
        "-c",
        [
          "import os, sys, json, pandas as pd",
          `sys.path.insert(0, ${JSON.stringify(script)})`,
          `os.environ["AZUREML_MODEL_DIR"] = ${JSON.stringify(path.join(dir, "base", "model"))}`,
          "import score",
          "score.init()",
          `rows = pd.read_csv(${JSON.stringify(path.join(dir, "candidate", "scored", "scored.csv"))}, dtype=str, keep_default_na=False)`,
          "records = [{k: (None if v == '' else v) for k, v in r.items()} for r in rows.drop(columns=['income', 'Scored Labels', 'Scored Probabilities']).to_dict('records')]",
          "print(json.dumps(score.run(json.dumps({'data': records}))['probabilities']))",
        ].join("\n"),
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
    return {
      metrics: JSON.parse(
        fs.readFileSync(path.join(dir, "candidate", "metrics", "metrics.json"), "utf8"),
      ) as Record<string, number>,
      scored: fs.readFileSync(path.join(dir, "candidate", "scored", "scored.csv"), "utf8"),
      // score.init() prints a line first: the answer is the last one.
      baseProbabilities: JSON.parse(probabilities.trimEnd().split("\n").slice(-1)[0]) as number[],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("evaluation: npm run evaluate for a v2 stack", function () {
  this.timeout(300_000);
  const repos: string[] = [];
  let restore: () => void;

  before(() => {
    restore = setEnv({ AZUREML_EMULATOR_PYTHON: sklearnPython() });
  });

  after(() => {
    restore?.();
    for (const repo of repos) fs.rmSync(repo, { recursive: true, force: true });
  });

  describe("a version bump on new data", () => {
    let repo: string;
    let result: EvaluationResult;
    let expected: ReturnType<typeof direct>;

    before(async () => {
      repo = scratchRepo(
        {
          ...projectFiles(...V2_FILES),
          "Pulumi.pr-v2.yaml": v2StackFile({
            version: "2026-10-30.1",
            data: "data/census-2026-10.csv",
            parameters: { C: "1.0" },
            gate: GATE,
          }),
        },
        {
          "Pulumi.pr-v2.yaml": v2StackFile({
            version: "2026-11-27.1",
            data: "data/census-2026-11.csv",
            parameters: { C: "1.0" },
            gate: GATE,
          }),
        },
      );
      repos.push(repo);
      result = await evaluate({
        projectDir: repo,
        stack: "pr-v2",
        baseRef: "base",
        outDir: path.join(repo, ".evaluation"),
        python: sklearnPython(),
        azuriteBlobEndpoint: azuriteBlobEndpoint(),
      });
      expected = direct(
        path.join(repo, "data", "census-2026-11.csv"),
        path.join(repo, "data", "census-2026-10.csv"),
      );
    });

    it("trains both sides with the command job and reports the candidate's metrics.json", () => {
      const { report } = result;
      expect(report.platform).to.equal("v2");
      expect(report.candidate.source).to.equal("trained");
      expect(report.served?.source).to.equal("trained");
      expect(report.candidate.trainingDefinition).to.equal("definitions/v2/census/src/train.py");
      expect(report.heldOutRows).to.equal(750);
      // The job's metrics.json is exactly what train.py writes when run directly.
      expect(Object.fromEntries(report.metrics.map((m) => [m.metric, m.candidate]))).to.deep.equal(
        expected.metrics,
      );
      // And the held-out rows are train.py's own, with the same scores.
      const rows = candidateRows(expected.scored, "income");
      const auc = computeMetric(
        "AUC",
        rows.scored.truths,
        rows.scored.labels,
        rows.scored.probabilities,
      );
      expect(auc).to.be.closeTo(expected.metrics.AUC, 1e-9);
    });

    it("scores the served model through its deployment on the candidate's held-out rows", () => {
      const rows = candidateRows(expected.scored, "income");
      const labels = expected.baseProbabilities.map((p) => (p >= 0.5 ? ">50K" : "<=50K"));
      const served = Object.fromEntries(result.report.metrics.map((m) => [m.metric, m.served]));
      for (const metric of ["AUC", "Accuracy", "Precision", "Recall", "F1 Score"])
        expect(served[metric], metric).to.equal(
          computeMetric(metric, rows.scored.truths, labels, expected.baseProbabilities),
        );
    });

    it("gates with up's gate: the candidate's AUC against the served deployment on the new data", () => {
      // The served value is the gate's own sampling of the candidate's file, scored through the
      // endpoint; its arithmetic against the candidate's metrics.json is checked here.
      const { gate } = result.report;
      expect(gate.passed, gate.summary).to.equal(true);
      const match =
        /^AUC (0\.\d{4}) >= min 0\.7500; vs served (0\.\d{4}) \((better|worse) by (0\.\d{4}), allowed 0\.0200\)$/.exec(
          gate.summary,
        );
      expect(match, gate.summary).to.not.equal(null);
      const [, candidate, served, direction, by] = match!;
      expect(candidate).to.equal(expected.metrics.AUC.toFixed(4));
      expect(Number(by)).to.be.closeTo(Math.abs(expected.metrics.AUC - Number(served)), 0.00011);
      expect(direction).to.equal(expected.metrics.AUC >= Number(served) ? "better" : "worse");
    });

    it("writes the same comment as the classic evaluation, under the stack's own marker", () => {
      const lines = result.markdown.split("\n");
      expect(lines.slice(0, 5)).to.deep.equal([
        commentMarker("pr-v2"),
        "### Model evaluation for stack `pr-v2`: ✅ the gate passes the candidate",
        "",
        `- **Candidate** \`2026-11-27.1\` (this branch): \`data/census-2026-11.csv\` (sha256 \`${result.report.candidate.dataSha256.slice(0, 12)}\`), \`definitions/v2/census/src/train.py\`, C=1.0; trained by this run`,
        `- **Served** \`2026-10-30.1\` (\`base\`): \`data/census-2026-10.csv\` (sha256 \`${result.report.served!.dataSha256.slice(0, 12)}\`), \`definitions/v2/census/src/train.py\`, C=1.0; trained by this run`,
      ]);
      expect(result.markdown).to.include(
        "<sub>The gate's line is the one `up` prints: the candidate's value in its training job's `metrics.json` against the served deployment scored through the endpoint on a sample of the candidate's data.</sub>",
      );
      expect(result.markdown).to.include('xychart-beta\n  title "ROC curve on the held-out rows"');
    });

    it("writes one self-contained HTML page that Chromium draws with its plots, offline", async () => {
      const browser: Browser = await launchChromium();
      try {
        await expectCensusReportPage(browser, result);
      } finally {
        await browser.close();
      }
    });

    it("takes both sides from the cache on the next push and reaches the same verdict", async () => {
      const again = await evaluate({
        projectDir: repo,
        stack: "pr-v2",
        baseRef: "base",
        outDir: path.join(repo, ".evaluation"),
        python: sklearnPython(),
        azuriteBlobEndpoint: azuriteBlobEndpoint(),
      });
      expect([again.report.candidate.source, again.report.served?.source]).to.deep.equal([
        "cached",
        "cached",
      ]);
      expect(again.markdown).to.equal(
        result.markdown.replace(/trained by this run/g, "taken from the evaluation cache"),
      );
    });
  });

  it("refuses a candidate below the gate: exit code 1, the comment says so", async () => {
    const repo = scratchRepo(
      {
        ...projectFiles(...V2_FILES),
        "Pulumi.pr-v2.yaml": v2StackFile({
          version: "2026-10-30.1",
          data: "data/census-2026-10.csv",
          gate: GATE,
        }),
      },
      {
        "Pulumi.pr-v2.yaml": v2StackFile({
          version: "2026-11-27.1",
          data: "data/census-2026-11.csv",
          gate: { metric: "AUC", min: 0.95 },
        }),
      },
    );
    repos.push(repo);
    const lines: string[] = [];
    const log = console.log;
    const error = console.error;
    console.log = (...a: unknown[]) => void lines.push(a.join(" "));
    console.error = (...a: unknown[]) => void lines.push(a.join(" "));
    let code: number;
    try {
      code = await main(["--stack", "pr-v2", "--base", "base", "-C", repo, "--no-cache", "-q"]);
    } finally {
      console.log = log;
      console.error = error;
    }
    expect(code, lines.join("\n")).to.equal(1);
    expect(lines[0]).to.match(/^gate REFUSED: AUC 0\.\d{4} < min 0\.9500$/);
    const markdown = fs.readFileSync(path.join(repo, ".evaluation", "report.md"), "utf8");
    expect(markdown.split("\n").slice(0, 2)).to.deep.equal([
      commentMarker("pr-v2"),
      "### Model evaluation for stack `pr-v2`: ❌ the gate refuses the candidate",
    ]);
  });

  it("refuses a candidate script without --scored, naming the fix, before any job", async () => {
    const trainPy = fs
      .readFileSync(path.join(__dirname, "..", "..", "definitions/v2/census/src/train.py"), "utf8")
      .replace(/--scored/g, "--held-out");
    const repo = scratchRepo(
      {
        ...projectFiles(...V2_FILES),
        "Pulumi.pr-v2.yaml": v2StackFile({
          version: "2026-10-30.1",
          data: "data/census-2026-10.csv",
          gate: GATE,
        }),
      },
      {
        "definitions/v2/census/src/train.py": trainPy,
        "Pulumi.pr-v2.yaml": v2StackFile({
          version: "2026-11-27.1",
          data: "data/census-2026-11.csv",
          gate: GATE,
        }),
      },
    );
    repos.push(repo);
    await expect(
      evaluate({
        projectDir: repo,
        stack: "pr-v2",
        baseRef: "base",
        outDir: path.join(repo, ".evaluation"),
        cacheDir: false,
        python: sklearnPython(),
        azuriteBlobEndpoint: azuriteBlobEndpoint(),
      }),
    ).to.be.rejectedWith(
      "definitions/v2/census/src/train.py does not take --scored <folder>: the evaluation needs the held-out rows with their scores from it (the sample train.py writes scored.csv there; see docs/pr-report.md)",
    );
    expect(fs.existsSync(path.join(repo, ".evaluation", "report.md"))).to.equal(false);
  });
});
