/**
 * For a v2 stack too, the evaluation's verdict is the one `up` reaches: the same declarations run
 * through the program with the engine double (the SDK's dynamic-provider host, the emulator as a
 * process running train.py and score.py) and through `evaluate`, for a candidate the gate passes
 * and one it refuses; the gate's lines must be equal character for character.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { censusToCsv, generateCensusRows } from "../../data/generate";
import { evaluate } from "../../evaluation/run";
import { printed } from "../../harness/engine";
import { sklearnPython } from "../../harness/interpreters";
import {
  localSection,
  shuffledLabels,
  startLocalStack,
  type LocalStack,
} from "../../harness/localStack";
import { projectFiles, scratchRepo } from "../../harness/repo";
import { azuriteBlobEndpoint } from "../helpers/env";

const GATE = { metric: "AUC", min: 0.75, maxRegression: 0.02 };
const V2_FILES = [
  "definitions/v2/census/src/train.py",
  "definitions/v2/census/src/score.py",
  "definitions/v2/census/environment.yml",
  "data/census-2026-10.csv",
];
const V2 = { workspace: "census-verdict", endpoint: "census-verdict", modelName: "census" };

describe("evaluation: a v2 stack's verdict equals up's through the engine double", function () {
  this.timeout(600_000);
  let work: string;
  let stack: LocalStack;
  const repos: string[] = [];

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "evaluation-up-v2-"));
    stack = await startLocalStack(work, {
      passphrase: "evaluation-v2",
      azuriteBlobEndpoint: azuriteBlobEndpoint(),
      emulatorArgs: ["--python", sklearnPython(), "--v2-retry-after", "0"],
      hostEnv: { AZUREML_RETRAIN_LOG: "" },
    });
  });

  after(async () => {
    await stack?.stop();
    fs.rmSync(work, { recursive: true, force: true });
    for (const repo of repos) fs.rmSync(repo, { recursive: true, force: true });
  });

  /** up with the base's model, then with the candidate's: the candidate's gate line, as up prints it. */
  async function upVerdict(
    base: { version: string; data: string },
    candidate: { version: string; data: string },
  ): Promise<{ passed: boolean; summary: string }> {
    const config = (model: { version: string; data: string }) => ({
      platform: "v2",
      target: "local",
      model: { ...model, gate: GATE, retain: true, deadlineMinutes: 10 },
      v2: V2,
      local: localSection(stack),
    });
    const first = await stack.engine.up(config(base));
    expect(first.error, printed(first)).to.equal(undefined);
    const second = await stack.engine.up(config(candidate));
    if (!second.error) return { passed: true, summary: String(second.outputs.gate) };
    const refused = /failed the promotion gate: (.*)\. The served model is unchanged/.exec(
      second.error.message,
    );
    expect(refused, second.error.message).to.not.equal(null);
    return { passed: false, summary: refused![1] };
  }

  /** The evaluation of the same two declarations, from a scratch repository. */
  async function evaluationVerdict(
    files: Record<string, string | Buffer>,
    base: { version: string; data: string },
    candidate: { version: string; data: string },
  ): Promise<{ passed: boolean; summary: string }> {
    const stackFile = (model: { version: string; data: string }): string =>
      stringify({
        config: {
          "azureml-retrain:platform": "v2",
          "azureml-retrain:target": "local",
          "azureml-retrain:model": { ...model, gate: GATE },
          "azureml-retrain:v2": V2,
        },
      });
    const repo = scratchRepo(
      { ...projectFiles(...V2_FILES), ...files, "Pulumi.e2e-v2.yaml": stackFile(base) },
      { "Pulumi.e2e-v2.yaml": stackFile(candidate) },
    );
    repos.push(repo);
    const { report } = await evaluate({
      projectDir: repo,
      stack: "e2e-v2",
      baseRef: "base",
      outDir: path.join(repo, ".evaluation"),
      cacheDir: false,
      python: sklearnPython(),
      azuriteBlobEndpoint: azuriteBlobEndpoint(),
    });
    return { passed: report.gate.passed, summary: report.gate.summary };
  }

  it("a candidate the gate passes: the same line", async () => {
    const november = censusToCsv(generateCensusRows({ rows: 3000, seed: 21, drift: 1 }));
    const file = path.join(work, "census-november.csv");
    fs.writeFileSync(file, november);
    const up = await upVerdict(
      { version: "1", data: path.resolve("data/census-2026-10.csv") },
      { version: "2", data: file },
    );
    const evaluation = await evaluationVerdict(
      { "data/november.csv": november },
      { version: "1", data: "data/census-2026-10.csv" },
      { version: "2", data: "data/november.csv" },
    );
    expect(up.passed, up.summary).to.equal(true);
    expect(up.summary).to.match(
      /^AUC 0\.\d{4} >= min 0\.7500; vs served 0\.\d{4} \((better|worse) by 0\.\d{4}, allowed 0\.0200\)$/,
    );
    expect(evaluation).to.deep.equal(up);
  });

  it("a candidate the gate refuses: the same line", async () => {
    const noise = censusToCsv(
      shuffledLabels(generateCensusRows({ rows: 3000, seed: 22, drift: 1 })),
    );
    const file = path.join(work, "census-noise.csv");
    fs.writeFileSync(file, noise);
    const up = await upVerdict(
      { version: "3", data: path.resolve("data/census-2026-10.csv") },
      { version: "4", data: file },
    );
    const evaluation = await evaluationVerdict(
      { "data/noise.csv": noise },
      { version: "3", data: "data/census-2026-10.csv" },
      { version: "4", data: "data/noise.csv" },
    );
    expect(up.passed, up.summary).to.equal(false);
    expect(up.summary).to.match(
      /^AUC 0\.\d{4} < min 0\.7500; vs served 0\.\d{4} \((better|worse) by 0\.\d{4}, allowed 0\.0200\)$/,
    );
    expect(evaluation).to.deep.equal(up);
  });
});
