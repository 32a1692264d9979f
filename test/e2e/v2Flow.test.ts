/**
 * The v2 flow end to end, the way `pulumi up -s local-v2` runs it: the program (platform v2)
 * through the SDK's dynamic-provider host over gRPC, driven by the engine double, against the
 * emulator's v2 surface (as its own process, running train.py and score.py with scikit-learn)
 * and Azurite. Every run's exact step list is asserted:
 *
 * 1. a fresh up: workspace, assets, endpoint, a training job, the registered model, its
 *    deployment with all the traffic, scoring through the endpoint;
 * 2. a version bump on drifted data: a new job and deployment, traffic moved (mirrored first, then
 *    in steps), the old deployment kept;
 * 3. a refused candidate: the gate fails, the endpoint's traffic is untouched;
 * 4. a rollback by revert: no job, the kept deployment takes the traffic back;
 * 5. traffic changed by hand: shown as drift after a refresh, restored by the next up;
 * 6. a job killed mid-run: the up fails; the next one trains under a new job name, and the oldest
 *    deployment beyond the kept one is deleted;
 *    and reverting to a version whose deployment was deleted re-creates it, without a job;
 * 7. destroy: every resource deleted, the workspace gone.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MlClient } from "../../clients/v2";
import { ScoringClient } from "../../clients/v2";
import type { CommandJobProperties, OnlineEndpointProperties, V2Resource } from "../../contract/v2";
import { generateCensusRows } from "../../data/generate";
import { expectPresent } from "../helpers/expect";
import { sklearnPython } from "../../harness/interpreters";
import { opsOf, printed, stepLines, type EngineDouble, type RunResult } from "../../harness/engine";
import {
  localSection,
  shuffledLabels,
  startLocalStack,
  writeCensusCsv,
  type LocalStack,
} from "../../harness/localStack";
import { azuriteBlobEndpoint } from "../helpers/env";

const OCTOBER = { version: "2026-10-30.1", data: "data/census-2026-10.csv" };
const NOVEMBER = { version: "2026-11-27.1", data: "data/census-2026-11.csv" };
const WORKSPACE = "census-e2e";
const ENDPOINT = "census-e2e";

/** The deployment each version gets. */
const DEPLOYMENT = {
  october: "v2026-10-30-1",
  november: "v2026-11-27-1",
  december: "v2026-12-03-1",
};

interface Scored {
  predictions: string[];
  probabilities: number[];
  model: { dataSha256: string; run: string };
}

describe("the v2 flow through the engine double (local-v2 stack)", function () {
  this.timeout(600_000);
  let work: string;
  let stack: LocalStack;
  let engine: EngineDouble;
  let ml: MlClient;
  let noisy: string;

  const config = (model: {
    version: string;
    data: string;
    parameters?: Record<string, string>;
  }): Record<string, unknown> => ({
    platform: "v2",
    target: "local",
    model: {
      ...model,
      gate: { metric: "AUC", min: 0.75, maxRegression: 0.05 },
      retain: true,
      deadlineMinutes: 10,
    },
    v2: {
      workspace: WORKSPACE,
      endpoint: ENDPOINT,
      modelName: "census",
      rollout: { mirrorPercent: 20, steps: [50, 100] },
      keepDeployments: 1,
    },
    local: localSection(stack),
  });

  const endpoint = async (): Promise<V2Resource<OnlineEndpointProperties>> => {
    const e = await ml.get<V2Resource<OnlineEndpointProperties>>(`/onlineEndpoints/${ENDPOINT}`);
    expectPresent(e, "the endpoint exists");
    return e;
  };
  const deployments = async (): Promise<string[]> =>
    (await ml.list(`/onlineEndpoints/${ENDPOINT}/deployments`)).map((d) => d.name).sort();
  const jobs = async (): Promise<Record<string, string>> =>
    Object.fromEntries(
      (await ml.list<V2Resource<CommandJobProperties>>("/jobs")).map((j) => [
        j.name,
        j.properties.status ?? "",
      ]),
    );
  const score = async (
    result: RunResult,
    deployment?: string,
  ): Promise<{ body: Scored; deployment?: string }> => {
    const rows = generateCensusRows({ rows: 20, seed: 99, drift: 1 }).map(
      ({ income: _i, ...r }) => r,
    );
    return new ScoringClient(
      String(result.outputs.scoringUri),
      String(result.outputs.scoringKey),
    ).score<Scored>({ data: rows }, deployment);
  };
  /**
   * The run's steps: the program's (in name order: their order follows the RPCs' timing), then
   * the deletes at the end of the run, in the order they ran.
   */
  const stepsOf = (result: RunResult): string[] => {
    const all = result.steps.map((s) => `${s.name}:${s.op}`);
    const deletes = all.filter((s) => /:delete/.test(s));
    return [...all.filter((s) => !/:delete/.test(s)).sort(), ...deletes];
  };
  const succeed = (result: RunResult): RunResult => {
    expect(result.error, printed(result)).to.equal(undefined);
    return result;
  };

  before(async function () {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "v2-flow-"));
    stack = await startLocalStack(work, {
      passphrase: "local-v2",
      azuriteBlobEndpoint: azuriteBlobEndpoint(),
      emulatorArgs: ["--python", sklearnPython(), "--v2-retry-after", "0"],
      hostEnv: { AZUREML_RETRAIN_LOG: "info" },
    });
    engine = stack.engine;
    ml = new MlClient(
      {
        endpoint: stack.emulator.url,
        subscriptionId: "00000000-0000-0000-0000-000000000000",
        resourceGroup: "local",
        workspace: WORKSPACE,
      },
      { kind: "token", token: stack.emulator.credentials.armToken },
    );
    noisy = writeCensusCsv(
      work,
      "census-noise.csv",
      shuffledLabels(generateCensusRows({ rows: 3000, seed: 31, drift: 1 })),
    );
  });
  after(async function () {
    await stack?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("1. a fresh up trains, registers, deploys and serves the declared version", async function () {
    const result = succeed(await engine.up(config(OCTOBER)));
    expect(opsOf(result)).to.deep.equal({
      "ml-workspace": "create",
      ml: "create",
      environment: "create",
      code: "create",
      data: "create",
      endpoint: "create",
      model: "create",
      served: "create",
    });
    expect(result.outputs).to.deep.include({
      servedVersion: OCTOBER.version,
      reused: false,
      liveDeployment: DEPLOYMENT.october,
      deployments: [DEPLOYMENT.october],
    });
    expect(result.secretOutputs).to.deep.equal(["scoringKey"]);
    expect((result.outputs.metrics as { AUC: number }).AUC).to.be.within(0.75, 1);
    expect((await endpoint()).properties.traffic).to.deep.equal({ [DEPLOYMENT.october]: 100 });
    const scored = await score(result);
    expect(scored.deployment).to.equal(DEPLOYMENT.october);
    expect(scored.body.predictions).to.have.length(20);
    expect(scored.body.model.run).to.equal(result.outputs.trainingJob);
    expect(await jobs()).to.deep.equal({ [String(result.outputs.trainingJob)]: "Completed" });
  });

  it("2. a version bump on drifted data rolls out a new deployment and keeps the old one", async function () {
    // What the pull request's preview shows: no call to the workspace, no upload, no job.
    const preview = await engine.preview(config(NOVEMBER));
    expect(preview.error, preview.error?.message).to.equal(undefined);
    expect(stepsOf(preview)).to.deep.equal([
      "code:same",
      "data:replace",
      "endpoint:same",
      "environment:same",
      "ml-workspace:same",
      "ml:same",
      "model:replace",
      "served:update",
      // A replace retires the old resource at the end of the run, dependents first.
      "model:delete-replaced",
      "data:delete-replaced",
    ]);
    expect(Object.keys(await jobs())).to.have.length(1);
    const before = stack.host.output.length;
    const result = succeed(await engine.up(config(NOVEMBER)));
    expect(opsOf(result)).to.deep.equal({
      "ml-workspace": "same",
      ml: "same",
      environment: "same",
      code: "same",
      data: "replace",
      endpoint: "same",
      model: "replace",
      served: "update",
    });
    expect(result.outputs).to.deep.include({
      servedVersion: NOVEMBER.version,
      reused: false,
      liveDeployment: DEPLOYMENT.november,
      deployments: [DEPLOYMENT.november, DEPLOYMENT.october],
    });
    expect((await endpoint()).properties).to.deep.include({
      traffic: { [DEPLOYMENT.november]: 100 },
      mirrorTraffic: {},
    });
    expect(await deployments()).to.deep.equal([DEPLOYMENT.october, DEPLOYMENT.november].sort());
    const lines = stack.host.output.slice(before).join("\n");
    // The gate scored the served deployment through the endpoint, then traffic moved in steps.
    expect(lines).to.match(
      /deployment v2026-10-30-1 scored \d+ rows of the new data through the endpoint: AUC 0\.\d{4}/,
    );
    expect(lines).to.contain(
      `traffic: ${DEPLOYMENT.october} 100 % (mirror ${DEPLOYMENT.november} 20 %)`,
    );
    expect(lines).to.contain(`traffic: ${DEPLOYMENT.october} 50 %, ${DEPLOYMENT.november} 50 %`);
    expect(lines).to.contain(`traffic: ${DEPLOYMENT.november} 100 %`);
    expect((await score(result)).deployment).to.equal(DEPLOYMENT.november);
  });

  it("3. a refused candidate fails the up and leaves the traffic untouched", async function () {
    const jobsBefore = Object.keys(await jobs()).length;
    const result = await engine.up(config({ version: "2026-12-02.1", data: noisy }));
    expect(result.error?.message).to.match(
      /^model 2026-12-02\.1 failed the promotion gate: AUC 0\.[45]\d{3} < min 0\.75.*The served model is unchanged \(trained by job census-v2026-12-02-1-[0-9a-f]{8}; its metrics are registered/s,
    );
    // The engine stops at the failed replace: the served model and the traffic are not touched,
    // and the November data asset the run replaced waits, pending deletion, for the next run.
    expect(stepLines(result)).to.deep.equal([
      "replace data [contentSha256]",
      "replace model [version,data] (failed)",
      "same code",
      "same endpoint",
      "same environment",
      "same ml",
      "same ml-workspace",
    ]);
    expect(engine.state.filter((r) => r.delete).map((r) => r.name)).to.deep.equal(["data"]);
    expect((await endpoint()).properties.traffic).to.deep.equal({ [DEPLOYMENT.november]: 100 });
    expect(Object.keys(await jobs())).to.have.length(jobsBefore + 1);
    const rejected = await ml.get<V2Resource<{ tags: Record<string, string> }>>(
      "/models/census/versions/2026-12-02.1",
    );
    expect(rejected?.properties.tags.gate).to.equal("rejected");
    // Back to the served declaration: nothing trains, nothing moves.
    const back = succeed(await engine.up(config(NOVEMBER)));
    // The engine deletes what the failed up left pending first, then retires the refused data.
    expect(stepsOf(back)).to.deep.equal([
      "code:same",
      "data:replace",
      "endpoint:same",
      "environment:same",
      "ml-workspace:same",
      "ml:same",
      "model:same",
      "served:same",
      "data:delete-replaced",
      "data:delete-replaced",
    ]);
    expect(engine.state.filter((r) => r.delete)).to.deep.equal([]);
  });

  it("4. reverting the version moves traffic back to the kept deployment without a job", async function () {
    const jobsBefore = await jobs();
    const result = succeed(await engine.up(config(OCTOBER)));
    expect(opsOf(result)).to.deep.equal({
      "ml-workspace": "same",
      ml: "same",
      environment: "same",
      code: "same",
      data: "replace",
      endpoint: "same",
      model: "replace",
      served: "update",
    });
    expect(result.outputs).to.deep.include({
      servedVersion: OCTOBER.version,
      reused: true,
      liveDeployment: DEPLOYMENT.october,
      deployments: [DEPLOYMENT.october, DEPLOYMENT.november],
    });
    expect(await jobs()).to.deep.equal(jobsBefore);
    expect((await endpoint()).properties.traffic).to.deep.equal({ [DEPLOYMENT.october]: 100 });
    expect((await score(result)).deployment).to.equal(DEPLOYMENT.october);
  });

  it("5. traffic changed by hand shows as drift after a refresh and the next up restores it", async function () {
    const current = await endpoint();
    await ml.putAndWait(`/onlineEndpoints/${ENDPOINT}`, {
      location: current.location,
      properties: { authMode: "Key", traffic: { [DEPLOYMENT.november]: 100 } },
    });
    const refreshed = await engine.refresh();
    expect(refreshed.steps.map((s) => s.op).every((op) => op === "refresh")).to.equal(true);
    expect(engine.resource("served")?.outputs.traffic).to.deep.equal({
      [DEPLOYMENT.november]: 100,
    });
    const preview = await engine.preview(config(OCTOBER));
    expect(preview.error, preview.error?.message).to.equal(undefined);
    expect(opsOf(preview)).to.deep.equal({
      "ml-workspace": "same",
      ml: "same",
      environment: "same",
      code: "same",
      data: "same",
      endpoint: "same",
      model: "same",
      served: "update",
    });
    const result = succeed(await engine.up(config(OCTOBER)));
    expect(opsOf(result)).to.deep.equal({
      "ml-workspace": "same",
      ml: "same",
      environment: "same",
      code: "same",
      data: "same",
      endpoint: "same",
      model: "same",
      served: "update",
    });
    expect((await endpoint()).properties.traffic).to.deep.equal({ [DEPLOYMENT.october]: 100 });
  });

  it("6. a job killed mid-run fails the up; the next trains under a new name and prunes old deployments", async function () {
    const declared = { ...NOVEMBER, version: "2026-12-03.1", parameters: { C: "0.5" } };
    const killer = (async () => {
      for (let i = 0; i < 600; i++) {
        const running = Object.entries(await jobs().catch(() => ({}))).find(
          ([name, status]) => name.startsWith("census-v2026-12-03-1-") && status === "Running",
        );
        if (running) {
          await ml.actAndWait("POST", `/jobs/${running[0]}/cancel`);
          return running[0];
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return undefined;
    })();
    const failed = await engine.up(config(declared));
    const killed = await killer;
    expectPresent(killed, "the job was caught running");
    expect(killed).to.match(/^census-v2026-12-03-1-[0-9a-f]{8}$/);
    expect(failed.error?.message).to.match(
      new RegExp(`^job ${killed} ended Canceled: its log ends:\\n`),
    );
    expect(stepLines(failed)).to.deep.equal([
      "replace data [contentSha256]",
      "replace model [version,parameters,data] (failed)",
      "same code",
      "same endpoint",
      "same environment",
      "same ml",
      "same ml-workspace",
    ]);
    expect((await endpoint()).properties.traffic).to.deep.equal({ [DEPLOYMENT.october]: 100 });

    const result = succeed(await engine.up(config(declared)));
    expect(stepsOf(result)).to.deep.equal([
      "code:same",
      "data:same",
      "endpoint:same",
      "environment:same",
      "ml-workspace:same",
      "ml:same",
      "model:replace",
      "served:update",
      // The deletes at the end, dependents first: the model this run replaced, then the data
      // asset the failed up left pending deletion.
      "model:delete-replaced",
      "data:delete-replaced",
    ]);
    expect(result.outputs.trainingJob).to.equal(`${killed}-r2`);
    const all = await jobs();
    expect([all[killed], all[`${killed}-r2`]]).to.deep.equal(["Canceled", "Completed"]);
    // Keep one earlier deployment: October stays, November (the oldest) is deleted.
    expect(result.outputs.deployments).to.deep.equal([DEPLOYMENT.december, DEPLOYMENT.october]);
    expect(await deployments()).to.deep.equal([DEPLOYMENT.december, DEPLOYMENT.october].sort());
  });

  it("6b. reverting to a version whose deployment was deleted re-creates it from the registered model, without a job", async function () {
    const jobsBefore = await jobs();
    const before = stack.host.output.length;
    const result = succeed(await engine.up(config(NOVEMBER)));
    // Scenario 6 trained on November's data already: the data asset is the same.
    expect(stepsOf(result)).to.deep.equal([
      "code:same",
      "data:same",
      "endpoint:same",
      "environment:same",
      "ml-workspace:same",
      "ml:same",
      "model:replace",
      "served:update",
      "model:delete-replaced",
    ]);
    expect(result.outputs).to.deep.include({
      servedVersion: NOVEMBER.version,
      reused: true,
      liveDeployment: DEPLOYMENT.november,
      deployments: [DEPLOYMENT.november, DEPLOYMENT.december],
    });
    expect(await jobs()).to.deep.equal(jobsBefore);
    expect(stack.host.output.slice(before).join("\n")).to.contain(
      `creating deployment ${DEPLOYMENT.november} for model version ${NOVEMBER.version}`,
    );
    expect(await deployments()).to.deep.equal([DEPLOYMENT.december, DEPLOYMENT.november].sort());
    expect((await endpoint()).properties.traffic).to.deep.equal({ [DEPLOYMENT.november]: 100 });
  });

  it("no key or token is in the provider host's output, the emulator's log, or the state file", async function () {
    const keys = await ml.post<{ primaryKey: string; secondaryKey: string }>(
      `/onlineEndpoints/${ENDPOINT}/listKeys`,
    );
    const secrets = [stack.emulator.credentials.armToken, keys.primaryKey, keys.secondaryKey];
    const state = fs.readFileSync(stack.stateFile, "utf8");
    expect(state, "the state holds the scoring key, encrypted").to.contain("ciphertext");
    for (const [where, text] of [
      ["the provider host's output", stack.host.output.join("\n")],
      ["the emulator's log", stack.emulator.output.join("\n")],
      ["the state file", state],
    ] as const)
      for (const secret of secrets)
        expect(text.includes(secret), `a secret in ${where}`).to.equal(false);
  });

  it("7. destroy deletes everything", async function () {
    const result = await engine.destroy();
    expect(result.error, printed(result)).to.equal(undefined);
    expect([...stepsOf(result)].sort()).to.deep.equal(
      ["served", "model", "endpoint", "data", "code", "environment", "ml-workspace", "ml"]
        .map((n) => `${n}:delete`)
        .sort(),
    );
    expect(await ml.get("")).to.equal(undefined);
  });
});
