/**
 * Fault injection: the flags and their environment variables, validation, the injector's
 * decisions (every n-th, count, seeded rate, paths, /health), and the interceptor on a running
 * emulator (envelopes, Retry-After, nothing done by a refused request, latency, run-time changes,
 * a job failed at a chosen module).
 */
import { expect } from "chai";
import { resolveConfig, resolveFaultSettings } from "../../../emulator/config";
import { FaultInjector, seededRandom } from "../../../emulator/faults";
import { createLogger } from "../../../emulator/logger";
import { buildCommand, parseOptions } from "../../../emulator/main";
import type {
  ArmErrorBody,
  BatchExecutionStatus,
  ClassicErrorBody,
  WebServiceKeys,
} from "../../../contract";
import { azuriteConnectionString, uniqueName } from "../../helpers/env";
import {
  TEST_STORAGE_ACCOUNT,
  armServicePath,
  createTestContainer,
  executionBase,
  httpRequest,
  loadServiceDefinition,
  putArmService,
  startTestEmulator,
  testStorageKey,
  type TestEmulator,
} from "../../helpers/emulator";
import { censusCsv } from "../api/censusData";
import { withEmulatorEnv } from "./emulatorEnv";

const silent = createLogger({ logLevel: "silent", logSink: undefined });
const injector = (options: Parameters<typeof resolveFaultSettings>[0]): FaultInjector =>
  new FaultInjector(resolveFaultSettings(options), silent);

describe("emulator fault injection: options", function () {
  it("is off by default", function () {
    const config = resolveConfig({});
    expect(config.faults).to.deep.equal({
      rate: 0,
      every: 0,
      count: undefined,
      seed: undefined,
      status: 503,
      retryAfterSeconds: 1,
      latencyMs: 0,
      paths: undefined,
      failJobAtModule: undefined,
    });
    expect(new FaultInjector(config.faults, silent).active).to.equal(false);
  });

  it("reads every fault flag", function () {
    const options = withEmulatorEnv({}, () =>
      parseOptions([
        "node",
        "azureml-emulator",
        "--fault-rate",
        "0.25",
        "--fault-count",
        "3",
        "--fault-seed",
        "7",
        "--fault-status",
        "429",
        "--fault-retry-after",
        "2",
        "--fault-latency-ms",
        "150",
        "--fault-paths",
        "POST .*/jobs$",
        "--fail-job-at-module",
        "Train Model",
      ]),
    );
    expect(options).to.deep.equal({
      faultRate: 0.25,
      faultCount: 3,
      faultSeed: 7,
      faultStatus: 429,
      faultRetryAfter: 2,
      faultLatencyMs: 150,
      faultPaths: "POST .*/jobs$",
      failJobAtModule: "Train Model",
    });
    expect(
      withEmulatorEnv({}, () => parseOptions(["node", "x", "--fault-every", "4"])),
    ).to.deep.equal({ faultEvery: 4 });
  });

  it("reads the environment variables, flags winning", function () {
    const before = process.env.AZUREML_EMULATOR_FAULT_EVERY;
    const options = withEmulatorEnv(
      {
        FAULT_EVERY: "5",
        FAULT_STATUS: "429",
        FAULT_LATENCY_MS: "20",
        FAIL_JOB_AT_MODULE: "Split Data",
      },
      () => parseOptions(["node", "x", "--fault-latency-ms", "30"]),
    );
    expect(options.faultEvery).to.equal(5);
    expect(options.faultStatus).to.equal(429);
    expect(options.faultLatencyMs, "the flag wins").to.equal(30);
    expect(options.failJobAtModule).to.equal("Split Data");
    const config = resolveConfig(options);
    expect(config.faults.every).to.equal(5);
    expect(config.faults.status).to.equal(429);
    const rate = withEmulatorEnv({ FAULT_RATE: "0.5" }, () => parseOptions(["node", "x"]));
    expect(rate.faultRate, "a number, parsed from the variable").to.equal(0.5);
    expect(process.env.AZUREML_EMULATOR_FAULT_EVERY, "the environment is put back").to.equal(
      before,
    );
  });

  it("rejects bad values, naming the option", function () {
    // Commander exits on a bad flag; exitOverride makes it throw instead.
    const parse = (args: string[]) =>
      buildCommand()
        .exitOverride()
        .configureOutput({ writeErr: () => undefined })
        .parse(["node", "x", ...args]);
    expect(() => parse(["--fault-rate", "1.5"])).to.throw(/between 0 and 1/);
    expect(() => parse(["--fault-status", "500"])).to.throw(/429, 503/);
    expect(() => resolveConfig({ faultRate: -0.1 })).to.throw(/faultRate/);
    expect(() => resolveConfig({ faultRate: 0.5, faultEvery: 2 })).to.throw(/exclusive/);
    expect(() => resolveConfig({ faultStatus: 500 as 503 })).to.throw(/faultStatus/);
    expect(() => resolveConfig({ faultPaths: "([" })).to.throw(/faultPaths/);
    expect(() => resolveConfig({ faultLatencyMs: 1.5 })).to.throw(/faultLatencyMs/);
    expect(() => resolveConfig({ faultCount: -1 })).to.throw(/faultCount/);
  });

  it("documents each fault flag with its environment variable in --help", function () {
    const help = buildCommand().helpInformation();
    for (const name of [
      "FAULT_RATE",
      "FAULT_EVERY",
      "FAULT_COUNT",
      "FAULT_SEED",
      "FAULT_STATUS",
      "FAULT_RETRY_AFTER",
      "FAULT_LATENCY_MS",
      "FAULT_PATHS",
      "FAIL_JOB_AT_MODULE",
    ]) {
      expect(help, name).to.include(`AZUREML_EMULATOR_${name}`);
    }
  });
});

describe("emulator fault injection: decisions", function () {
  it("refuses every n-th matching request, at most --fault-count times", function () {
    const faults = injector({ faultEvery: 3, faultCount: 2 });
    const refused = Array.from({ length: 12 }, () => faults.decide("GET", "/x").refuse);
    expect(
      refused.map((r, i) => (r ? i + 1 : 0)).filter(Boolean),
      "the 3rd and 6th, then the count is used up",
    ).to.deep.equal([3, 6]);
    expect(faults.stats).to.deep.equal({ matched: 12, delayed: 0, injected: 2, jobsFailed: 0 });
  });

  it("draws --fault-rate from a seeded sequence: same seed, same faults", function () {
    const run = (seed: number): boolean[] => {
      const faults = injector({ faultRate: 0.3, faultSeed: seed });
      return Array.from({ length: 2000 }, () => faults.decide("POST", "/jobs").refuse);
    };
    const a = run(42);
    expect(run(42), "replayable").to.deep.equal(a);
    expect(run(43), "another seed, another run").to.not.deep.equal(a);
    const share = a.filter(Boolean).length / a.length;
    expect(share > 0.26 && share < 0.34, `30% refused, got ${(share * 100).toFixed(1)}%`).to.equal(
      true,
    );
    const draws = seededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const x = draws();
      expect(x >= 0 && x < 1).to.equal(true);
    }
  });

  it("matches --fault-paths against METHOD and path, and never touches /health", function () {
    const faults = injector({ faultEvery: 1, faultPaths: "^POST .*/jobs$" });
    expect(faults.decide("POST", "/subscriptions/a/services/b/jobs").refuse).to.equal(true);
    expect(faults.decide("GET", "/subscriptions/a/services/b/jobs").refuse).to.equal(false);
    expect(faults.decide("POST", "/subscriptions/a/services/b/jobs/c/start").refuse).to.equal(
      false,
    );
    const everything = injector({ faultEvery: 1, faultLatencyMs: 5 });
    expect(everything.decide("GET", "/health")).to.deep.equal({ delayMs: 0, refuse: false });
    expect(everything.decide("GET", "/HEALTH/")).to.deep.equal({ delayMs: 0, refuse: false });
    expect(everything.decide("GET", "/workspaces/w/webservices")).to.deep.equal({
      delayMs: 5,
      refuse: true,
    });
  });

  it("changes at run time: {} switches everything off, a new window starts", function () {
    const faults = injector({ faultEvery: 2 });
    expect(faults.decide("GET", "/a").refuse).to.equal(false);
    faults.configure({ faultEvery: 2, faultStatus: 429 });
    expect(faults.decide("GET", "/a").refuse, "the window restarted").to.equal(false);
    expect(faults.decide("GET", "/a").refuse).to.equal(true);
    expect(faults.settings.status).to.equal(429);
    faults.configure({});
    expect(faults.active).to.equal(false);
    expect(faults.decide("GET", "/a").refuse).to.equal(false);
    expect(() => faults.configure({ faultRate: 2 })).to.throw(/faultRate/);
    expect(faults.active, "a rejected change leaves the settings alone").to.equal(false);
    expect(
      injector({ faultEvery: 4, faultCount: 1, failJobAtModule: "Train Model" }).describe(),
    ).to.match(
      /503 \(Retry-After 1 s\) on one request in 4, at most 1, jobs fail at module "Train Model"/,
    );
  });
});

describe("emulator fault injection: on a running emulator", function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  const sub = "00000000-0000-0000-0000-0000000000fa";

  before(async function () {
    emulator = await startTestEmulator();
  });
  after(async function () {
    await emulator?.close();
  });
  afterEach(function () {
    emulator.server.faults.configure({});
  });

  it("answers a refused request in its surface's envelope with Retry-After, and does nothing", async function () {
    emulator.server.faults.configure({ faultEvery: 1, faultStatus: 503, faultRetryAfter: 7 });
    const path = armServicePath(sub, uniqueName("rg"), "refused");
    const definition = loadServiceDefinition("census-training");
    const arm = await emulator.arm<ArmErrorBody>("PUT", path, definition);
    expect(arm.status).to.equal(503);
    expect(arm.headers.get("retry-after")).to.equal("7");
    expect(arm.headers.get("x-ms-request-id")).to.be.ok;
    expect(Object.keys(arm.body.error).sort()).to.deep.equal(["code", "message"]);
    expect(arm.body.error.code).to.equal("ServiceUnavailable");

    emulator.server.faults.configure({ faultEvery: 1, faultStatus: 429 });
    const classic = await emulator.classic<ClassicErrorBody>("GET", "/workspaces/w1/webservices");
    expect(classic.status).to.equal(429);
    expect(classic.headers.get("retry-after")).to.equal("1");
    expect(classic.body.error.code).to.equal("TooManyRequests");
    expect(classic.body.error.details?.[0].code).to.equal("RequestThrottled");
    expect(classic.headers.get("x-ms-error-code")).to.equal("RequestThrottled");
    const unauthenticated = await emulator.request<ClassicErrorBody>(
      "POST",
      `/subscriptions/${"a".repeat(32)}/services/${"b".repeat(32)}/execute`,
      { token: null, body: {} },
    );
    expect(unauthenticated.status, "faults come before authentication").to.equal(429);
    expect((await emulator.request("GET", "/health")).status, "/health never").to.equal(200);

    emulator.server.faults.configure({});
    expect((await emulator.arm("GET", path)).status, "the refused PUT created nothing").to.equal(
      404,
    );
    expect(emulator.server.faults.stats.injected >= 3).to.deep.equal(true);
  });

  it("adds latency to matching requests only", async function () {
    emulator.server.faults.configure({ faultLatencyMs: 300, faultPaths: "^GET /workspaces/" });
    let started = Date.now();
    await emulator.classic("GET", "/workspaces/w2/webservices");
    const slow = Date.now() - started;
    started = Date.now();
    await emulator.request("GET", "/health");
    const fast = Date.now() - started;
    expect(slow, `matching request took ${slow} ms`).to.be.at.least(290);
    expect(fast, `/health took ${fast} ms`).to.be.below(200);
  });

  it("fails a job at the chosen module with a module error, writing no output", async function () {
    const container = await createTestContainer("faultjob");
    await container.upload("train.csv", censusCsv(400, 3));
    const definition = loadServiceDefinition("census-training");
    definition.properties.storageAccount = { name: TEST_STORAGE_ACCOUNT, key: testStorageKey() };
    const path = armServicePath(sub, uniqueName("rg"), "faultjob");
    const service = await putArmService(emulator, path, definition);
    const keys = (await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`)).body;
    const base = executionBase(service);
    const run = async (): Promise<BatchExecutionStatus> => {
      const ref = (blob: string) => ({
        ConnectionString: azuriteConnectionString(),
        RelativeLocation: `${container.name}/${blob}`,
      });
      const submitted = await httpRequest<string>("POST", `${base}/jobs?api-version=2.0`, {
        token: keys.primary,
        body: {
          Inputs: { input1: ref("train.csv") },
          Outputs: { output1: ref("out/model.ilearner"), output2: ref("out/eval.csv") },
        },
      });
      expect(submitted.status, submitted.text).to.equal(200);
      const id = submitted.body;
      await httpRequest("POST", `${base}/jobs/${id}/start?api-version=2.0`, {
        token: keys.primary,
      });
      for (;;) {
        const status = await httpRequest<BatchExecutionStatus>(
          "GET",
          `${base}/jobs/${id}?api-version=2.0`,
          { token: keys.primary },
        );
        if (!["NotStarted", "Running"].includes(String(status.body.StatusCode))) return status.body;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    emulator.server.faults.configure({ failJobAtModule: "train model" });
    const before = emulator.server.faults.stats.jobsFailed;
    const failed = await run();
    expect(failed.StatusCode).to.equal("Failed");
    expect(failed.Details).to.equal(
      'ModuleExecutionError/ModuleExecutionFailed (Train Model): Error 0039: Error while completing operation: fault injected by --fail-job-at-module "Train Model".',
    );
    expect(emulator.server.faults.stats.jobsFailed).to.equal(before + 1);
    const written: string[] = [];
    for await (const blob of container.client.listBlobsFlat({ prefix: "out/" }))
      written.push(blob.name);
    expect(written, "a job failed at Train Model writes no output").to.deep.equal([]);

    emulator.server.faults.configure({ failJobAtModule: "Execute R Script" });
    const unaffected = await run();
    expect(unaffected.StatusCode, "a module the graph does not run: no fault").to.equal("Finished");
    emulator.server.faults.configure({});
    expect((await run()).StatusCode).to.equal("Finished");
  });
});
