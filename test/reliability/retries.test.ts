/**
 * The clients against the emulator's injected faults, one surface each (issue 7, item 2): a
 * transient 429/503 is retried after exactly its `Retry-After` and the call succeeds; a
 * `Retry-After` beyond the client's cap is waited for the cap only; a permanent fault ends after
 * the retry budget with a `ServiceError` that names the call, the status and the service's codes
 * (no query string, no secret); latency is survived. The clients are the providers' own.
 */
import { expect } from "chai";
import { expectServiceError } from "../helpers/expect";
import { ArmWebServicesClient } from "../../clients/arm";
import { BesClient } from "../../clients/bes";
import { ClassicManagementClient } from "../../clients/classic";
import { type HttpClientOptions } from "../../clients/http";
import { RrsClient } from "../../clients/rrs";
import type { WebServiceKeys } from "../../contract";
import { uniqueId } from "../helpers/env";
import {
  armServicePath,
  executionBase,
  loadServiceDefinition,
  publishClassic,
  putArmService,
  startTestEmulator,
  type TestEmulator,
} from "../helpers/emulator";
import { recordFault } from "./summary";

const SUB = "00000000-0000-0000-0000-00000000e7e7";

describe("reliability: the clients through injected 429/503 and latency", function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let ws: string;
  let webServiceId: string;
  let trainingBase: string;
  let trainingKey: string;
  let endpointApi: string;
  let endpointKey: string;

  before(async () => {
    emulator = await startTestEmulator();
    const path = armServicePath(SUB, "retries", "training");
    const service = await putArmService(emulator, path, loadServiceDefinition("census-training"));
    trainingBase = executionBase(service);
    trainingKey = (await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`)).body.primary;
    ws = uniqueId("ws");
    webServiceId = uniqueId("svc");
    const endpoint = await publishClassic(emulator, ws, webServiceId, {
      Name: "retries",
      Properties: loadServiceDefinition("census-predictive").properties,
    });
    endpointApi = endpoint.ApiLocation;
    endpointKey = endpoint.PrimaryKey;
  });
  after(async () => {
    await emulator?.close();
  });
  afterEach(() => emulator.server.faults.configure({}));

  /** One call per surface, with the clients the providers use. */
  const calls = (options: Omit<HttpClientOptions, "credential">) => {
    const ref = { endpoint: emulator.url, workspaceId: ws, webServiceId };
    return {
      arm: () =>
        new ArmWebServicesClient(
          { kind: "token", token: emulator.credentials.armToken },
          options,
        ).listKeys({
          endpoint: emulator.url,
          subscriptionId: SUB,
          resourceGroup: "retries",
          name: "training",
        }),
      management: () =>
        new ClassicManagementClient(emulator.credentials.workspaceToken, options).getEndpoint(
          ref,
          "default",
        ),
      bes: () => new BesClient(trainingBase, trainingKey, options).status("0".repeat(32)),
      rrs: () =>
        new RrsClient(endpointApi, endpointKey, options).executeRows({
          input1: [{ age: "39" }],
        }),
    };
  };

  for (const status of [429, 503] as const) {
    it(`retries a transient ${status} after its Retry-After on every surface, then succeeds`, async () => {
      const waits: Record<string, number[]> = {};
      const surfaces = ["arm", "management", "bes", "rrs"] as const;
      emulator.server.faults.configure({
        faultRate: 1,
        faultCount: surfaces.length,
        faultStatus: status,
        faultRetryAfter: 1,
      });
      const before = emulator.server.faults.stats.injected;
      const started = Date.now();
      // All four at once: each first attempt is refused (4 faults), each retry 1 s later is not.
      const outcomes = await Promise.all(
        surfaces.map((surface) => {
          waits[surface] = [];
          const call = calls({ onRetry: (_r, _a, wait) => waits[surface].push(wait) })[surface];
          return call().then(
            () => "ok" as const,
            (e: unknown) => e,
          );
        }),
      );
      outcomes.forEach((outcome, i) => {
        // The BES status of an unknown job is 404 and RRS without a model is 400: the service's
        // own answer once the fault is over.
        if (outcome === "ok") return;
        expectServiceError(outcome);
        expect([400, 404], `${surfaces[i]}: ${outcome.message}`).to.include(outcome.status);
      });
      expect(emulator.server.faults.stats.injected - before).to.equal(4);
      for (const surface of surfaces) {
        expect(waits[surface], `${surface} waited its Retry-After once`).to.deep.equal([1000]);
      }
      expect(Date.now() - started).to.be.at.least(1000);
      recordFault({
        fault: `${status} + Retry-After 1 s on the first call of each surface's client (ARM, management, BES, RRS)`,
        injected: 4,
        outcome: "survived",
        converged: true,
        test: `retries ${status}`,
      });
    });
  }

  it("caps a long Retry-After at the client's maxRetryDelayMs", async () => {
    emulator.server.faults.configure({ faultRate: 1, faultCount: 1, faultRetryAfter: 3600 });
    const waits: number[] = [];
    const started = Date.now();
    await calls({
      retry: { maxRetryDelayMs: 250 },
      onRetry: (_r, _a, wait) => waits.push(wait),
    }).arm();
    expect(waits).to.deep.equal([250]);
    expect(Date.now() - started, "did not wait an hour").to.be.below(5000);
  });

  it("fails clearly on a permanent fault once the retry budget is spent", async () => {
    emulator.server.faults.configure({ faultRate: 1, faultStatus: 503, faultRetryAfter: 0 });
    for (const [surface, call] of Object.entries(calls({ retry: { maxRetries: 3 } }))) {
      const before = emulator.server.faults.stats.injected;
      const error = await call().then(
        () => expect.fail(`${surface} succeeded`),
        (e: unknown) => e,
      );
      expectServiceError(error, 503, undefined, `${surface}: ${String(error)}`);
      expect(emulator.server.faults.stats.injected - before, "first try and 3 retries").to.equal(4);
      expect(error.code).to.equal("ServiceUnavailable");
      if (surface !== "arm") expect(error.detailCode).to.equal("TooManyConcurrentRequests");
      expect(error.requestId, "the answer's request id is kept").to.be.ok;
      expect(error.message).to.match(
        /^(GET|POST) http:\/\/127\.0\.0\.1:\d+\/\S+ failed: 503 ServiceUnavailable: /,
      );
      expect(error.message, "no query string, no token").to.not.match(/\?|Bearer|api-version/);
    }
    // Once the fault is gone, the same calls go through.
    emulator.server.faults.configure({});
    expect((await calls({}).arm()).primary).to.be.ok;
    expect(await calls({}).management()).to.be.ok;
    recordFault({
      fault: "503 on every request (permanent), each surface's client",
      injected: 16,
      outcome: "failed clearly",
      converged: true,
      test: "retries permanent",
    });
  });

  it("survives 300 ms added to every request", async () => {
    emulator.server.faults.configure({ faultLatencyMs: 300 });
    const started = Date.now();
    const keys = await calls({}).arm();
    expect(keys.primary).to.be.ok;
    expect(Date.now() - started).to.be.at.least(300);
  });
});
