/**
 * Staged rollout (issue 16) through the strict engine double (`harness/`) and the SDK's provider
 * host, on the local stack (the emulator as its own process, Azurite):
 *
 * - a bump rolled out in two stages: the preview's step order, asserted exactly, then the up's;
 * - a canary whose RRS calls fail (the emulator's fault injection on its path): up fails naming
 *   the stage, the endpoint, the calls and the verified rollback; the canary serves the model it
 *   served before, the later stage is untouched; preview and refresh show the stage pending;
 * - the retry after the fault is gone converges;
 * - the predictive service's own endpoint as the canary, its graph dropping a column: wrong
 *   scores, rolled back naming the rows; the fixed graph converges;
 * - 100 endpoints in three stages: created, then a bump, every stage checked in order.
 * - No endpoint key, token or account key in the checkpoint file or in what the engine printed.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ClassicManagementClient, endpointModelUri } from "../../clients/classic";
import { printed, stepLines, type EngineDouble, type RunResult } from "../../harness/engine";
import {
  MODEL_ASSET,
  localConfig,
  localWebServiceRef,
  servedByPredictive,
  startLocalStack,
  writeCensusSample,
  type LocalStack,
} from "../../harness/localStack";
import type { Props } from "../../harness/secrets";
import { expectPresent } from "../helpers/expect";
import { azuriteBlobEndpoint } from "../helpers/env";
import { expectNoSecrets, failScoringOf, literal, RunLog, tearDownStack } from "../helpers/stack";

/** The steps of a run in the order they ran (`<op> <name>`, `(failed)`). */
const ordered = (run: RunResult): string[] =>
  run.steps.map((s) => `${s.op} ${s.name}${s.failed ? " (failed)" : ""}`);

/**
 * Asserts that the steps ran layer by layer: every step of a layer before any of the next, and
 * each layer exactly the given steps (in any order: steps of one layer do not depend on each
 * other, so the engine may run them in either order). A step off the chain (`loose`: step → the
 * step it depends on) only has to run after that one.
 */
function expectLayers(
  run: RunResult,
  layers: readonly (readonly string[])[],
  loose: Readonly<Record<string, string>> = {},
): void {
  const all = ordered(run);
  for (const [step, after] of Object.entries(loose)) {
    expect(all.indexOf(after), `${step} after ${after}:\n${all.join("\n")}`).to.be.within(
      0,
      all.indexOf(step) - 1,
    );
  }
  const steps = all.filter((s) => !(s in loose));
  const layerOf = (step: string): number => layers.findIndex((l) => l.includes(step));
  expect(steps.map(layerOf), steps.join("\n")).to.deep.equal(
    [...steps.map(layerOf)].sort((a, b) => a - b),
  );
  expect(
    layers.map((_, i) => steps.filter((s) => layerOf(s) === i).sort()),
    steps.join("\n"),
  ).to.deep.equal(layers.map((l) => [...l].sort()));
}

describe("staged rollout through the strict engine double", function () {
  this.timeout(600_000);
  const ENDPOINTS = ["contoso", "fabrikam", "northwind"];
  let work: string;
  let stack: LocalStack;
  let engine: EngineDouble;
  let files: Record<string, string>;
  const { runs, run } = new RunLog();

  const twoStages = [
    { name: "canary", endpoints: ["contoso"], check: { sampleRows: 20, rowsPerCall: 5 } },
    { name: "rest", endpoints: "*", bakeSeconds: 0 },
  ];
  const config = (
    version: string,
    data: string,
    options: { stages?: unknown[]; services?: Props } = {},
  ): Record<string, unknown> =>
    localConfig({
      servers: stack,
      model: { version, data },
      gate: { metric: "AUC", min: 0.7, maxRegression: 0.05 },
      deadlineMinutes: 10,
      endpoints: ENDPOINTS.map((name) => ({ name })),
      extra: {
        rollout: { stages: options.stages ?? twoStages },
        ...(options.services ? { services: options.services } : {}),
      },
    });

  /** The model URI each classic endpoint serves, by name. */
  async function servedByEndpoints(): Promise<Record<string, string | undefined>> {
    const client = new ClassicManagementClient(stack.emulator.credentials.workspaceToken);
    const ref = localWebServiceRef(stack.emulator);
    const out: Record<string, string | undefined> = {};
    for (const name of ENDPOINTS) {
      const e = await client.getEndpoint(ref, name);
      out[name] = e ? endpointModelUri(e, MODEL_ASSET) : undefined;
    }
    return out;
  }
  const modelUriOf = (): string => {
    const m = engine.resource("model")?.outputs.model as { uri?: string } | undefined;
    expectPresent(m?.uri, "the model's URI");
    return m.uri;
  };
  const stageStatus = (name: string): unknown => engine.resource(`stage-${name}`)?.outputs.status;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "staged-"));
    const write = (name: string, seed: number): string =>
      writeCensusSample(work, name, { seed, drift: 1 });
    files = {
      november: write("census-2026-11.csv", 2),
      december: write("census-2026-12.csv", 5),
      january: write("census-2027-01.csv", 7),
      february: write("census-2027-02.csv", 11),
    };
    stack = await startLocalStack(work, {
      passphrase: "staged passphrase",
      azuriteBlobEndpoint: azuriteBlobEndpoint(),
      hostEnv: { AZUREML_RETRAIN_LOG: "" },
    });
    engine = stack.engine;
  });

  after(() => tearDownStack(engine, stack, work));

  it("a fresh staged up creates a stage resource per stage, each passed", async () => {
    const up = await run(engine.up(config("2026-11-27.1", files.november)));
    expect(up.error, `${up.error?.message}\n${printed(up)}`).to.equal(undefined);
    expect(stepLines(up)).to.deep.equal([
      "create classic",
      "create endpoint-contoso",
      "create endpoint-fabrikam",
      "create endpoint-northwind",
      "create model",
      "create predictive",
      "create stage-canary",
      "create stage-rest",
      "create storage",
      "create storage-containers",
      "create training",
    ]);
    const uri = modelUriOf();
    expect(await servedByEndpoints()).to.deep.equal({
      contoso: uri,
      fabrikam: uri,
      northwind: uri,
    });
    expect([stageStatus("canary"), stageStatus("rest")]).to.deep.equal(["passed", "passed"]);
  });

  it("a bump's preview shows the stages in order, and the up follows it", async () => {
    // A bake time of 2 s, re-checked every second: three rounds.
    const baked = [
      { ...twoStages[0], bakeSeconds: 2, check: { ...twoStages[0].check, recheckSeconds: 1 } },
      twoStages[1],
    ];
    const bump = config("2026-12-01.1", files.december, { stages: baked });
    // The staged chain: model, the unstaged services, the canary, its check, the rest, theirs.
    const layers = [
      ["same storage"],
      ["same storage-containers", "same training"],
      ["replace model"],
      ["update classic"],
      ["update endpoint-contoso"],
      ["update stage-canary"],
      ["update endpoint-fabrikam", "update endpoint-northwind"],
      ["update stage-rest"],
      ["delete-replaced model"],
    ];
    // The predictive service is in no stage: it only follows the model.
    const loose = { "update predictive": "replace model" };
    const preview = await run(engine.preview(bump));
    expect(preview.error, preview.error?.message).to.equal(undefined);
    expectLayers(preview, layers, loose);
    const up = await run(engine.up(bump));
    expect(up.error, `${up.error?.message}\n${printed(up)}`).to.equal(undefined);
    expectLayers(up, layers, loose);
    const uri = modelUriOf();
    expect(uri).to.match(/\/models\/2026-12-01\.1\/[0-9a-f]{16}\.ilearner$/);
    expect(await servedByEndpoints()).to.deep.equal({
      contoso: uri,
      fabrikam: uri,
      northwind: uri,
    });
    const previous = (engine.resource("endpoint-contoso")?.outputs as Props).previousModelUri;
    expect(previous).to.match(/\/models\/2026-11-27\.1\/[0-9a-f]{16}\.ilearner$/);
    const canary = engine.resource("stage-canary")?.outputs as Props;
    expect({
      status: canary.status,
      rounds: canary.rounds,
      serving: canary.serving,
      endpoints: (canary.endpoints as Props[]).map((e) => [e.name, e.previousModelUri]),
    }).to.deep.equal({
      status: "passed",
      rounds: 3,
      serving: { contoso: uri },
      endpoints: [["contoso", previous]],
    });
  });

  let served: string;
  it("a canary whose calls fail is rolled back to what it served, the rest untouched, with the exact error", async () => {
    served = modelUriOf();
    await failScoringOf(stack, engine.resource("endpoint-contoso")?.outputs.apiLocation as string);
    const up = await run(engine.up(config("2027-01-05.1", files.january)));
    expectPresent(up.error, "the up failed");
    expectLayers(
      up,
      [
        ["same storage"],
        ["same storage-containers", "same training"],
        ["replace model"],
        ["update classic"],
        ["update endpoint-contoso"],
        ["update stage-canary (failed)"],
      ],
      { "update predictive": "replace model" },
    );
    expect(stepLines(up)).to.deep.equal([
      "replace model [version,dataSha256]",
      "same storage",
      "same storage-containers",
      "same training",
      "update classic",
      "update endpoint-contoso",
      "update predictive",
      "update stage-canary (failed)",
    ]);
    const fault =
      "503 ServiceUnavailable: The service is temporarily unavailable (fault injected by the emulator); retry after 1 s. (TooManyConcurrentRequests: The service is temporarily unavailable (fault injected by the emulator); retry after 1 s.)";
    const failure = new RegExp(
      "^" +
        [
          literal(
            'rollout stage "canary" (1 of 2) failed the check of model 2027-01-05.1 in round 1:',
          ),
          literal('  - endpoint "contoso": 4 of 4 calls failed: ') +
            [1, 2, 3, 4]
              .map((n) => `call ${n} \\(rows \\d+(?:, \\d+){4}\\): ${literal(fault)}`)
              .join("; "),
          literal(`rolled back: endpoint "contoso" to ${served} (verified)`),
          literal("later stages were not started; the next up checks this stage again"),
        ].join("\n") +
        "$",
    );
    const stage = engine.resource("stage-canary");
    expectPresent(stage?.initErrors, "the stage's init errors");
    expect(stage.initErrors).to.have.length(1);
    expect(stage.initErrors[0]).to.match(failure);
    expect(printed(up)).to.equal(
      `  ${stage.urn}\n    error: 1 error occurred:\n\t* ${stage.initErrors[0]}\n\n`,
    );
    expect(stage.outputs.status).to.equal("rolled-back");
    // The canary serves what it served before; the later stage's endpoints were not touched.
    expect(await servedByEndpoints()).to.deep.equal({
      contoso: served,
      fabrikam: served,
      northwind: served,
    });
  });

  it("the rolled-back stage shows as pending in a preview and after a refresh", async () => {
    const preview = await run(engine.preview(config("2027-01-05.1", files.january)));
    expect(preview.error, preview.error?.message).to.equal(undefined);
    expect(stepLines(preview)).to.deep.equal([
      "delete-replaced model",
      "same classic",
      "same endpoint-contoso",
      "same model",
      "same predictive",
      "same storage",
      "same storage-containers",
      "same training",
      "update endpoint-fabrikam",
      "update endpoint-northwind",
      "update stage-canary",
      "update stage-rest",
    ]);
    const refresh = await run(engine.refresh());
    expect(refresh.error, refresh.error?.message).to.equal(undefined);
    expect(stageStatus("canary")).to.equal("rolled-back");
    expect(engine.resource("stage-canary")?.outputs.serving).to.deep.equal({ contoso: served });
    // After the refresh the endpoint's own drift shows too: it is repointed by the retry.
    const again = await run(engine.preview(config("2027-01-05.1", files.january)));
    expect(stepLines(again)).to.include.members(["update endpoint-contoso", "update stage-canary"]);
  });

  it("the retry after the fault is gone converges", async () => {
    await stack.emulator.restartWith([]);
    const up = await run(engine.up(config("2027-01-05.1", files.january)));
    expect(up.error, `${up.error?.message}\n${printed(up)}`).to.equal(undefined);
    expectLayers(
      up,
      [
        ["same storage"],
        ["same storage-containers", "same training"],
        ["same model"],
        ["same classic"],
        ["update endpoint-contoso"],
        ["update stage-canary"],
        ["update endpoint-fabrikam", "update endpoint-northwind"],
        ["update stage-rest"],
        ["delete-replaced model"],
      ],
      { "same predictive": "same model" },
    );
    const uri = modelUriOf();
    expect(uri).to.match(/\/models\/2027-01-05\.1\//);
    expect(await servedByEndpoints()).to.deep.equal({
      contoso: uri,
      fabrikam: uri,
      northwind: uri,
    });
    expect([stageStatus("canary"), stageStatus("rest")]).to.deep.equal(["passed", "passed"]);
    expect(engine.resource("stage-canary")?.initErrors).to.equal(undefined);
    // Converged: nothing left to do.
    const preview = await run(engine.preview(config("2027-01-05.1", files.january)));
    expect(stepLines(preview).filter((l) => !l.startsWith("same "))).to.deep.equal([]);
  });

  it("the predictive service's own endpoint as the canary: a graph that drops a column (failed calls) or clips one (wrong scores) is rolled back, and the fixed graph converges", async () => {
    served = modelUriOf();
    const stages = [
      { name: "canary", endpoints: ["default"] },
      { name: "rest", endpoints: "*" },
    ];
    // The predictive graph with one module inserted before Score Model.
    const withModule = (file: string, asset: Props, parameters: Props): string => {
      const definition = JSON.parse(
        fs.readFileSync(path.join(__dirname, "../../definitions/census-predictive.json"), "utf8"),
      ) as { properties: { assets: Props; package: { nodes: Props; edges: Props[] } } };
      const { assets, package: pkg } = definition.properties;
      assets.inserted = asset;
      pkg.nodes.inserted = { assetId: "inserted", parameters };
      pkg.edges = pkg.edges.flatMap((e) =>
        e.targetNodeId === "node4" && e.targetPortId === "Dataset"
          ? [
              { ...e, targetNodeId: "inserted", targetPortId: "Dataset" },
              {
                sourceNodeId: "inserted",
                sourcePortId: "Results dataset",
                targetNodeId: "node4",
                targetPortId: "Dataset",
              },
            ]
          : [e],
      );
      const out = path.join(work, file);
      fs.writeFileSync(out, JSON.stringify(definition));
      return out;
    };
    const rule = (rules: Props[]): { value: string } => ({
      value: JSON.stringify({ isFilter: true, rules }),
    });
    // Drops `education-num`: Score Model refuses the rows, so every call fails.
    const dropped = withModule(
      "census-predictive-dropped.json",
      {
        name: "Select Columns in Dataset",
        type: "Module",
        locationInfo: { uri: "aml://module/select-columns-in-dataset" },
      },
      {
        "Select columns": rule([
          { ruleType: "AllColumns", exclude: false },
          { ruleType: "ColumnNames", exclude: true, columns: ["education-num"] },
        ]),
      },
    );
    // Clips `age` at 30, a transform the model was not trained behind: wrong scores, no error.
    const clipped = withModule(
      "census-predictive-clipped.json",
      { name: "Clip Values", type: "Module", locationInfo: { uri: "aml://module/clip-values" } },
      {
        "Set of thresholds": { value: "ClipPeaks" },
        "Upper threshold": { value: "Constant" },
        "Constant value for upper threshold": { value: "30" },
        "List of columns": rule([{ ruleType: "ColumnNames", exclude: false, columns: ["age"] }]),
      },
    );
    const expectRolledBack = async (up: RunResult, problem: string): Promise<void> => {
      expectPresent(up.error, "the up failed");
      const stage = engine.resource("stage-canary");
      expectPresent(stage?.initErrors, "the stage's init errors");
      expect(stage.initErrors[0]).to.match(
        new RegExp(
          "^" +
            [
              literal(
                'rollout stage "canary" (1 of 2) failed the check of model 2027-02-02.1 in round 1:',
              ),
              problem,
              literal(`rolled back: endpoint "default" to ${served} (verified)`),
              literal("later stages were not started; the next up checks this stage again"),
            ].join("\n") +
            "$",
        ),
      );
      expect(await servedByPredictive(stack.emulator)).to.equal(served);
      expect(await servedByEndpoints()).to.deep.equal({
        contoso: served,
        fabrikam: served,
        northwind: served,
      });
    };

    const up = (definition?: string): Promise<RunResult> =>
      run(
        engine.up(
          config("2027-02-02.1", files.february, {
            stages,
            ...(definition ? { services: { predictiveDefinition: definition } } : {}),
          }),
        ),
      );
    const missing =
      '400 ModuleExecutionError: Module execution encountered an error. (ModuleExecutionFailed [Score Model]: Error 0001: Column with name or index "education-num" does not exist in "Dataset")';
    await expectRolledBack(
      await up(dropped),
      literal('  - endpoint "default": 4 of 4 calls failed: ') +
        [1, 2, 3, 4]
          .map((n) => `call ${n} \\(rows \\d+(?:, \\d+){4}\\): ${literal(missing)}`)
          .join("; "),
    );
    const wrong = await up(clipped);
    const row =
      'row \\d+: served "(?:>50K|<=50K)" 0\\.\\d+, the candidate "(?:>50K|<=50K)" 0\\.\\d+';
    await expectRolledBack(
      wrong,
      literal('  - endpoint "default": ') +
        "(\\d+)" +
        literal(" of 20 rows disagreed with the candidate's own scores: ") +
        `${row}(?:; ${row}){0,4}(?:; and \\d+ more)?`,
    );

    const fixed = await up();
    expect(fixed.error, `${fixed.error?.message}\n${printed(fixed)}`).to.equal(undefined);
    const uri = modelUriOf();
    expect(await servedByPredictive(stack.emulator)).to.equal(uri);
    expect(await servedByEndpoints()).to.deep.equal({
      contoso: uri,
      fabrikam: uri,
      northwind: uri,
    });
    expect([stageStatus("canary"), stageStatus("rest")]).to.deep.equal(["passed", "passed"]);
  });

  it("no key, token or account key in the checkpoint or the printed text", () => {
    expectNoSecrets(stack, engine, runs);
  });
});

describe("staged rollout of 100 endpoints in three stages through the strict engine double", function () {
  this.timeout(900_000);
  const names = Array.from({ length: 100 }, (_v, i) => `ep-${String(i + 1).padStart(3, "0")}`);
  const stages = [
    { name: "canary", endpoints: names.slice(0, 1) },
    { name: "wave", endpoints: names.slice(1, 34) },
    { name: "rest", endpoints: "*" },
  ];
  let work: string;
  let stack: LocalStack;
  let engine: EngineDouble;
  let files: string[];

  const config = (version: string, data: string): Record<string, unknown> =>
    localConfig({
      servers: stack,
      model: { version, data },
      gate: { metric: "AUC", min: 0.7, maxRegression: 0.05 },
      deadlineMinutes: 10,
      endpoints: names.map((name) => ({ name })),
      extra: { rollout: { stages } },
    });

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "staged100-"));
    files = [2, 5].map((seed) => writeCensusSample(work, `census-${seed}.csv`, { seed, drift: 1 }));
    stack = await startLocalStack(work, {
      passphrase: "staged100 passphrase",
      azuriteBlobEndpoint: azuriteBlobEndpoint(),
      hostEnv: { AZUREML_RETRAIN_LOG: "" },
    });
    engine = stack.engine;
  });

  after(() => tearDownStack(engine, stack, work));

  it("creates, then rolls a bump out stage by stage to every endpoint", async () => {
    const created = await engine.up(config("2026-11-27.1", files[0]));
    expect(created.error, `${created.error?.message}\n${printed(created)}`).to.equal(undefined);
    expect(stepLines(created)).to.deep.equal(
      [
        "create classic",
        ...names.map((n) => `create endpoint-${n}`),
        "create model",
        "create predictive",
        "create stage-canary",
        "create stage-wave",
        "create stage-rest",
        "create storage",
        "create storage-containers",
        "create training",
      ].sort(),
    );

    const up = await engine.up(config("2026-12-01.1", files[1]));
    expect(up.error, `${up.error?.message}\n${printed(up)}`).to.equal(undefined);
    const endpointSteps = (list: readonly string[]): string[] =>
      list.map((n) => `update endpoint-${n}`);
    expectLayers(
      up,
      [
        ["same storage"],
        ["same storage-containers", "same training"],
        ["replace model"],
        ["update classic"],
        endpointSteps(names.slice(0, 1)),
        ["update stage-canary"],
        endpointSteps(names.slice(1, 34)),
        ["update stage-wave"],
        endpointSteps(names.slice(34)),
        ["update stage-rest"],
        ["delete-replaced model"],
      ],
      { "update predictive": "replace model" },
    );
    const uri = (engine.resource("model")?.outputs.model as { uri: string }).uri;
    const client = new ClassicManagementClient(stack.emulator.credentials.workspaceToken);
    const ref = localWebServiceRef(stack.emulator);
    const serving = new Set<string | undefined>();
    for (const name of names) {
      const e = await client.getEndpoint(ref, name);
      serving.add(e ? endpointModelUri(e, MODEL_ASSET) : undefined);
    }
    expect([...serving]).to.deep.equal([uri]);
    expect(
      ["canary", "wave", "rest"].map((s) => {
        const o = engine.resource(`stage-${s}`)?.outputs as Props;
        return [o.status, Object.keys(o.p99Ms as Props).length];
      }),
    ).to.deep.equal([
      ["passed", 1],
      ["passed", 33],
      ["passed", 66],
    ]);
  });
});
