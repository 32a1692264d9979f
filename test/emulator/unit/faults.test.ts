/**
 * Fault injection: the flags and their environment variables, validation, the injector's
 * decisions (every n-th, count, seeded rate, paths, /health), and the interceptor on a running
 * emulator (envelopes, Retry-After, nothing done by a refused request, latency, run-time changes,
 * a job failed at a chosen module).
 */
import assert from "node:assert/strict";
import { resolveConfig, resolveFaultSettings } from "../../../emulator/config";
import { FaultInjector, seededRandom } from "../../../emulator/faults";
import { createLogger } from "../../../emulator/logger";
import { buildCommand, parseOptions } from "../../../emulator/main";
import type {
  ArmErrorBody,
  BatchExecutionStatus,
  ClassicErrorBody,
  WebServiceKeys,
} from "../../../clients/wire";
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
    assert.deepEqual(config.faults, {
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
    assert.equal(new FaultInjector(config.faults, silent).active, false);
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
    assert.deepEqual(options, {
      faultRate: 0.25,
      faultCount: 3,
      faultSeed: 7,
      faultStatus: 429,
      faultRetryAfter: 2,
      faultLatencyMs: 150,
      faultPaths: "POST .*/jobs$",
      failJobAtModule: "Train Model",
    });
    assert.deepEqual(
      withEmulatorEnv({}, () => parseOptions(["node", "x", "--fault-every", "4"])),
      { faultEvery: 4 },
    );
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
    assert.strictEqual(options.faultEvery, 5);
    assert.equal(options.faultStatus, 429);
    assert.equal(options.faultLatencyMs, 30, "the flag wins");
    assert.equal(options.failJobAtModule, "Split Data");
    const config = resolveConfig(options);
    assert.equal(config.faults.every, 5);
    assert.equal(config.faults.status, 429);
    const rate = withEmulatorEnv({ FAULT_RATE: "0.5" }, () => parseOptions(["node", "x"]));
    assert.strictEqual(rate.faultRate, 0.5, "a number, parsed from the variable");
    assert.equal(process.env.AZUREML_EMULATOR_FAULT_EVERY, before, "the environment is put back");
  });

  it("rejects bad values, naming the option", function () {
    // Commander exits on a bad flag; exitOverride makes it throw instead.
    const parse = (args: string[]) =>
      buildCommand()
        .exitOverride()
        .configureOutput({ writeErr: () => undefined })
        .parse(["node", "x", ...args]);
    assert.throws(() => parse(["--fault-rate", "1.5"]), /between 0 and 1/);
    assert.throws(() => parse(["--fault-status", "500"]), /429, 503/);
    assert.throws(() => resolveConfig({ faultRate: -0.1 }), /faultRate/);
    assert.throws(() => resolveConfig({ faultRate: 0.5, faultEvery: 2 }), /exclusive/);
    assert.throws(() => resolveConfig({ faultStatus: 500 as 503 }), /faultStatus/);
    assert.throws(() => resolveConfig({ faultPaths: "([" }), /faultPaths/);
    assert.throws(() => resolveConfig({ faultLatencyMs: 1.5 }), /faultLatencyMs/);
    assert.throws(() => resolveConfig({ faultCount: -1 }), /faultCount/);
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
      assert.ok(help.includes(`AZUREML_EMULATOR_${name}`), name);
    }
  });
});

describe("emulator fault injection: decisions", function () {
  it("refuses every n-th matching request, at most --fault-count times", function () {
    const faults = injector({ faultEvery: 3, faultCount: 2 });
    const refused = Array.from({ length: 12 }, () => faults.decide("GET", "/x").refuse);
    assert.deepEqual(
      refused.map((r, i) => (r ? i + 1 : 0)).filter(Boolean),
      [3, 6],
      "the 3rd and 6th, then the count is used up",
    );
    assert.deepEqual(faults.stats, { matched: 12, delayed: 0, injected: 2, jobsFailed: 0 });
  });

  it("draws --fault-rate from a seeded sequence: same seed, same faults", function () {
    const run = (seed: number): boolean[] => {
      const faults = injector({ faultRate: 0.3, faultSeed: seed });
      return Array.from({ length: 2000 }, () => faults.decide("POST", "/jobs").refuse);
    };
    const a = run(42);
    assert.deepEqual(run(42), a, "replayable");
    assert.notDeepEqual(run(43), a, "another seed, another run");
    const share = a.filter(Boolean).length / a.length;
    assert.ok(share > 0.26 && share < 0.34, `30% refused, got ${(share * 100).toFixed(1)}%`);
    const draws = seededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const x = draws();
      assert.ok(x >= 0 && x < 1);
    }
  });

  it("matches --fault-paths against METHOD and path, and never touches /health", function () {
    const faults = injector({ faultEvery: 1, faultPaths: "^POST .*/jobs$" });
    assert.equal(faults.decide("POST", "/subscriptions/a/services/b/jobs").refuse, true);
    assert.equal(faults.decide("GET", "/subscriptions/a/services/b/jobs").refuse, false);
    assert.equal(faults.decide("POST", "/subscriptions/a/services/b/jobs/c/start").refuse, false);
    const everything = injector({ faultEvery: 1, faultLatencyMs: 5 });
    assert.deepEqual(everything.decide("GET", "/health"), { delayMs: 0, refuse: false });
    assert.deepEqual(everything.decide("GET", "/HEALTH/"), { delayMs: 0, refuse: false });
    assert.deepEqual(everything.decide("GET", "/workspaces/w/webservices"), {
      delayMs: 5,
      refuse: true,
    });
  });

  it("changes at run time: {} switches everything off, a new window starts", function () {
    const faults = injector({ faultEvery: 2 });
    assert.equal(faults.decide("GET", "/a").refuse, false);
    faults.configure({ faultEvery: 2, faultStatus: 429 });
    assert.equal(faults.decide("GET", "/a").refuse, false, "the window restarted");
    assert.equal(faults.decide("GET", "/a").refuse, true);
    assert.equal(faults.settings.status, 429);
    faults.configure({});
    assert.equal(faults.active, false);
    assert.equal(faults.decide("GET", "/a").refuse, false);
    assert.throws(() => faults.configure({ faultRate: 2 }), /faultRate/);
    assert.equal(faults.active, false, "a rejected change leaves the settings alone");
    assert.match(
      injector({ faultEvery: 4, faultCount: 1, failJobAtModule: "Train Model" }).describe(),
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
    assert.equal(arm.status, 503);
    assert.equal(arm.headers.get("retry-after"), "7");
    assert.ok(arm.headers.get("x-ms-request-id"));
    assert.deepEqual(Object.keys(arm.body.error).sort(), ["code", "message"]);
    assert.equal(arm.body.error.code, "ServiceUnavailable");

    emulator.server.faults.configure({ faultEvery: 1, faultStatus: 429 });
    const classic = await emulator.classic<ClassicErrorBody>("GET", "/workspaces/w1/webservices");
    assert.equal(classic.status, 429);
    assert.equal(classic.headers.get("retry-after"), "1");
    assert.equal(classic.body.error.code, "TooManyRequests");
    assert.equal(classic.body.error.details?.[0].code, "RequestThrottled");
    assert.equal(classic.headers.get("x-ms-error-code"), "RequestThrottled");
    const unauthenticated = await emulator.request<ClassicErrorBody>(
      "POST",
      `/subscriptions/${"a".repeat(32)}/services/${"b".repeat(32)}/execute`,
      { token: null, body: {} },
    );
    assert.equal(unauthenticated.status, 429, "faults come before authentication");
    assert.equal((await emulator.request("GET", "/health")).status, 200, "/health never");

    emulator.server.faults.configure({});
    assert.equal((await emulator.arm("GET", path)).status, 404, "the refused PUT created nothing");
    assert.deepEqual(emulator.server.faults.stats.injected >= 3, true);
  });

  it("adds latency to matching requests only", async function () {
    emulator.server.faults.configure({ faultLatencyMs: 300, faultPaths: "^GET /workspaces/" });
    let started = Date.now();
    await emulator.classic("GET", "/workspaces/w2/webservices");
    const slow = Date.now() - started;
    started = Date.now();
    await emulator.request("GET", "/health");
    const fast = Date.now() - started;
    assert.ok(slow >= 290, `matching request took ${slow} ms`);
    assert.ok(fast < 200, `/health took ${fast} ms`);
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
      assert.equal(submitted.status, 200, submitted.text);
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
    assert.equal(failed.StatusCode, "Failed");
    assert.equal(
      failed.Details,
      'ModuleExecutionError/ModuleExecutionFailed (Train Model): Error 0039: Error while completing operation: fault injected by --fail-job-at-module "Train Model".',
    );
    assert.equal(emulator.server.faults.stats.jobsFailed, before + 1);
    const written: string[] = [];
    for await (const blob of container.client.listBlobsFlat({ prefix: "out/" }))
      written.push(blob.name);
    assert.deepEqual(written, [], "a job failed at Train Model writes no output");

    emulator.server.faults.configure({ failJobAtModule: "Execute R Script" });
    const unaffected = await run();
    assert.equal(unaffected.StatusCode, "Finished", "a module the graph does not run: no fault");
    emulator.server.faults.configure({});
    assert.equal((await run()).StatusCode, "Finished");
  });
});
