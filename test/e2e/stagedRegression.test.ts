/**
 * Staged rollout of a regression (bike-demand: Linear Regression, `Scored Labels` only, no
 * probabilities) through the strict engine double and the SDK's provider host, on the local stack.
 *
 * - a fresh staged up: each stage's check compares the endpoints' numeric labels with the
 *   candidate's own held-out scores, and passes;
 * - a bump behind a predictive graph that clips `temperature` (wrong numbers, no error): the
 *   canary (the predictive service's own endpoint) is rolled back, with the rows that disagreed;
 * - the bump with the right graph converges.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bikeToCsv, generateBikeRows } from "../../data/generate";
import { printed, type EngineDouble } from "../../harness/engine";
import { localConfig, startLocalStack, type LocalStack } from "../../harness/localStack";
import type { Props } from "../../harness/secrets";
import { azuriteBlobEndpoint } from "../helpers/env";
import { expectPresent } from "../helpers/expect";
import { literal, tearDownStack } from "../helpers/stack";

describe("staged rollout of a regression through the strict engine double", function () {
  this.timeout(600_000);
  let work: string;
  let stack: LocalStack;
  let engine: EngineDouble;
  let files: Record<string, string>;
  let clipped: string;

  const stages = [
    { name: "canary", endpoints: ["default"], check: { sampleRows: 20, rowsPerCall: 5 } },
    { name: "rest", endpoints: "*" },
  ];
  const config = (version: string, data: string, predictive?: string): Record<string, unknown> =>
    localConfig({
      servers: stack,
      model: { version, data },
      gate: { metric: "Coefficient of Determination", min: 0.5, maxRegression: 0.2 },
      deadlineMinutes: 10,
      endpoints: [{ name: "contoso" }],
      extra: {
        rollout: { stages },
        services: {
          trainingDefinition: "definitions/bike-demand-training.json",
          predictiveDefinition: predictive ?? "definitions/bike-demand-predictive.json",
        },
      },
    });
  const stageStatus = (name: string): unknown => engine.resource(`stage-${name}`)?.outputs.status;
  const modelUriOf = (): string => {
    const uri = (engine.resource("model")?.outputs.model as { uri?: string } | undefined)?.uri;
    expectPresent(uri, "the model's URI");
    return uri;
  };

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "staged-regression-"));
    const write = (name: string, seed: number): string => {
      const file = path.join(work, name);
      fs.writeFileSync(file, bikeToCsv(generateBikeRows({ rows: 3000, seed })));
      return file;
    };
    files = { november: write("bike-2026-11.csv", 3), december: write("bike-2026-12.csv", 9) };
    // The predictive graph with Clip Values before Score Model: temperature clipped at 5 degrees,
    // a step the model was not trained behind (other numbers, no error).
    const definition = JSON.parse(
      fs.readFileSync(
        path.join(__dirname, "../../definitions/bike-demand-predictive.json"),
        "utf8",
      ),
    ) as { properties: { assets: Props; package: { nodes: Props; edges: Props[] } } };
    const { assets, package: pkg } = definition.properties;
    assets.clip = {
      name: "Clip Values",
      type: "Module",
      locationInfo: { uri: "aml://module/clip-values" },
    };
    pkg.nodes.clip = {
      assetId: "clip",
      parameters: {
        "Set of thresholds": { value: "ClipPeaks" },
        "Upper threshold": { value: "Constant" },
        "Constant value for upper threshold": { value: "5" },
        "List of columns": {
          value: JSON.stringify({
            isFilter: true,
            rules: [{ ruleType: "ColumnNames", exclude: false, columns: ["temperature"] }],
          }),
        },
      },
    };
    pkg.edges = pkg.edges.flatMap((e) =>
      e.targetNodeId === "node4" && e.targetPortId === "Dataset"
        ? [
            { ...e, targetNodeId: "clip", targetPortId: "Dataset" },
            {
              sourceNodeId: "clip",
              sourcePortId: "Results dataset",
              targetNodeId: "node4",
              targetPortId: "Dataset",
            },
          ]
        : [e],
    );
    clipped = path.join(work, "bike-demand-predictive-clipped.json");
    fs.writeFileSync(clipped, JSON.stringify(definition));
    stack = await startLocalStack(work, {
      passphrase: "staged regression passphrase",
      azuriteBlobEndpoint: azuriteBlobEndpoint(),
      hostEnv: { AZUREML_RETRAIN_LOG: "" },
    });
    engine = stack.engine;
  });

  after(() => tearDownStack(engine, stack, work));

  it("a fresh staged up compares each endpoint's numeric labels with the candidate's, and passes", async () => {
    const up = await engine.up(config("2026-11-27.1", files.november));
    expect(up.error, `${up.error?.message}\n${printed(up)}`).to.equal(undefined);
    expect([stageStatus("canary"), stageStatus("rest")]).to.deep.equal(["passed", "passed"]);
    const canary = engine.resource("stage-canary")!.outputs;
    expect(canary.serving).to.deep.equal({ default: modelUriOf() });
  });

  it("a canary behind a graph that clips a column is rolled back, naming the rows and the numbers", async () => {
    const served = modelUriOf();
    const up = await engine.up(config("2026-12-04.1", files.december, clipped));
    expectPresent(up.error, "the up failed");
    const stage = engine.resource("stage-canary");
    expectPresent(stage?.initErrors, "the stage's init errors");
    const number = "-?\\d+(?:\\.\\d+)?(?:e[-+]\\d+)?";
    const row = `row \\d+: served ${number}, the candidate ${number}`;
    expect(stage.initErrors[0]).to.match(
      new RegExp(
        "^" +
          [
            literal(
              'rollout stage "canary" (1 of 2) failed the check of model 2026-12-04.1 in round 1:',
            ),
            literal('  - endpoint "default": ') +
              "\\d+" +
              literal(" of 20 rows disagreed with the candidate's own scores: ") +
              `${row}(?:; ${row}){0,4}(?:; and \\d+ more)?`,
            literal(`rolled back: endpoint "default" to ${served} (verified)`),
            literal("later stages were not started; the next up checks this stage again"),
          ].join("\n") +
          "$",
      ),
    );
    expect(stageStatus("canary")).to.equal("rolled-back");
  });

  it("the bump behind the right graph converges", async () => {
    const up = await engine.up(config("2026-12-04.1", files.december));
    expect(up.error, `${up.error?.message}\n${printed(up)}`).to.equal(undefined);
    expect([stageStatus("canary"), stageStatus("rest")]).to.deep.equal(["passed", "passed"]);
    const uri = modelUriOf();
    expect(uri).to.match(/\/models\/2026-12-04\.1\/[0-9a-f]{16}\.ilearner$/);
    expect(engine.resource("stage-canary")!.outputs.serving).to.deep.equal({ default: uri });
    expect(engine.resource("stage-rest")!.outputs.serving).to.deep.equal({ contoso: uri });
  });
});
