/**
 * RRS under load while models change (issue 7, item 5): a bounded loopback load (8 closed-loop
 * clients: 4 on a classic endpoint, 4 on an ARM predictive service) against the emulator's bin,
 * while a BES training job runs (one after the other, for the whole time) and both serving
 * targets are repointed between two models again and again (classic PATCH of `Resources`, ARM
 * PATCH of the trained-model asset).
 *
 * Before the load, every request of the set is scored once with each model (through reference
 * endpoints pinned to each), so each answer can be matched exactly: it must equal model A's
 * answer or model B's for that request, whole; a mix of rows of both, an error or a timeout
 * counts as a failure.
 *
 * Duration: `LOAD_SECONDS` (default 15, so that `npm test` stays short; the figure is
 * `LOAD_SECONDS=60`).
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type {
  ArmWebService,
  AzureBlobDataReference,
  BatchExecutionStatus,
  ClassicEndpoint,
  WebServiceKeys,
} from "../../contract";
import { CENSUS_COLUMNS, censusToCsv, generateCensusRows } from "../../data/generate";
import { EmulatorProcess } from "../../harness/emulatorProcess";
import { azuriteConnectionString, uniqueId } from "../helpers/env";
import {
  Bes,
  armServicePath,
  azuriteOrigin,
  createTestContainer,
  emulatorClient,
  executionBase,
  httpRequest,
  loadServiceDefinition,
  predictiveDefinition,
  putArmService,
  trainingDefinition,
  waitForProvisioning,
  type EmulatorClient,
  type TestContainer,
} from "../helpers/emulator";
import { recordLoad } from "./summary";

const SUB = "00000000-0000-0000-0000-00000000100a";
const ASSET = "Census Model [trained model]";
const CONCURRENCY = 8;
const REQUESTS = 16;
const ROWS_PER_REQUEST = 8;
const PREDICTIVE_COLUMNS = CENSUS_COLUMNS.filter((c) => c !== "income");

/** A scoring target: where to POST and with which key. */
interface Target {
  readonly name: string;
  readonly base: string;
  readonly key: string;
}

describe("reliability: RRS under load while a BES job runs and the models change", function () {
  const seconds = Number(process.env.LOAD_SECONDS ?? 15);
  this.timeout((seconds + 120) * 1000);
  let work: string;
  let emulator: EmulatorProcess;
  let container: TestContainer;
  /** The emulator's surfaces, with its tokens. */
  let api: EmulatorClient;
  let training: Target;
  const models: Record<"A" | "B", AzureBlobDataReference> = {} as never;

  const ref = (relativeLocation: string): AzureBlobDataReference => ({
    ConnectionString: azuriteConnectionString(),
    RelativeLocation: `${container.name}/${relativeLocation}`,
  });

  /** Submits, starts and waits for a training job. */
  function train(input: string, output: string): Promise<BatchExecutionStatus> {
    return new Bes(training.base, training.key).run(
      {
        Inputs: { input1: ref(input) },
        Outputs: { output1: ref(`${output}.ilearner`), output2: ref(`${output}.csv`) },
      },
      { pollMs: 100 },
    );
  }

  const patchResources = (model: AzureBlobDataReference) => ({
    Resources: [
      {
        Name: ASSET,
        Location: {
          BaseLocation: model.BaseLocation,
          RelativeLocation: model.RelativeLocation,
          SasBlobToken: model.SasBlobToken,
        },
      },
    ],
  });
  const modelUri = (model: AzureBlobDataReference): string =>
    `${model.BaseLocation}${model.RelativeLocation}`;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "load-"));
    emulator = await EmulatorProcess.start({
      location: path.join(work, "emulator"),
      storage: azuriteOrigin(),
      args: ["--log-level", "error"],
    });
    api = emulatorClient(emulator.url, emulator.credentials);
    container = await createTestContainer("load");
    const rows = (n: number, seed: number, drift: number) =>
      censusToCsv(generateCensusRows({ rows: n, seed, drift, missingRate: 0 }));
    await container.upload("a.csv", rows(2000, 21, 0));
    await container.upload("b.csv", rows(2000, 22, 1));
    await container.upload("big.csv", rows(60_000, 23, 0.5));

    const trainingPath = armServicePath(SUB, "load", "training");
    const service = await putArmService(api, trainingPath, trainingDefinition());
    const keys = (await api.arm<WebServiceKeys>("GET", `${trainingPath}/listKeys`)).body;
    training = { name: "training", base: executionBase(service), key: keys.primary };
    for (const [name, input] of [
      ["A", "a.csv"],
      ["B", "b.csv"],
    ] as const) {
      const status = await train(input, `models/${name}`);
      expect(status.StatusCode, status.Details ?? "").to.equal("Finished");
      models[name] = status.Results!.output1;
    }
  });

  after(async () => {
    await emulator?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it(`serves every request from the old or the new model, never a mix, for ${seconds} s at concurrency ${CONCURRENCY}`, async () => {
    // Serving targets under load, both on model A first.
    const ws = uniqueId("ws");
    const id = uniqueId("svc");
    const published = await api.classic("PUT", `/admin/workspaces/${ws}/webservices/${id}`, {
      Name: "load",
      Properties: loadServiceDefinition("census-predictive").properties,
    });
    expect(published.status, published.text).to.equal(201);
    const endpointPath = (name: string) => `/workspaces/${ws}/webservices/${id}/endpoints/${name}`;
    const endpoint = async (name: string, model: AzureBlobDataReference): Promise<Target> => {
      expect((await api.classic("PUT", endpointPath(name), {})).status).to.equal(201);
      const patched = await api.classic("PATCH", endpointPath(name), patchResources(model));
      expect(patched.status, patched.text).to.equal(200);
      const body = (await api.classic<ClassicEndpoint>("GET", endpointPath(name))).body;
      return { name, base: body.ApiLocation, key: body.PrimaryKey };
    };
    const classicTarget = await endpoint("load", models.A);
    const referenceA = await endpoint("refa", models.A);
    const referenceB = await endpoint("refb", models.B);
    const predictivePath = armServicePath(SUB, "load", "predictive");
    const predictive = await putArmService(
      api,
      predictivePath,
      predictiveDefinition(modelUri(models.A)),
    );
    const predictiveKeys = (await api.arm<WebServiceKeys>("GET", `${predictivePath}/listKeys`))
      .body;
    const armTarget: Target = {
      name: "arm",
      base: executionBase(predictive),
      key: predictiveKeys.primary,
    };

    // The request set, and each model's exact answer to each request.
    const rows = generateCensusRows({ rows: REQUESTS * ROWS_PER_REQUEST, seed: 77, drift: 0.5 });
    const requests = Array.from({ length: REQUESTS }, (_, r) =>
      JSON.stringify({
        Inputs: {
          input1: {
            ColumnNames: PREDICTIVE_COLUMNS,
            Values: rows
              .slice(r * ROWS_PER_REQUEST, (r + 1) * ROWS_PER_REQUEST)
              .map((row) => PREDICTIVE_COLUMNS.map((c) => String(row[c as keyof typeof row]))),
          },
        },
        GlobalParameters: {},
      }),
    );
    const scoreOnce = async (target: Target, body: string): Promise<string> => {
      const res = await httpRequest("POST", `${target.base}/execute?api-version=2.0&details=true`, {
        token: target.key,
        body,
      });
      expect(res.status, res.text).to.equal(200);
      return JSON.stringify((res.body as { Results: unknown }).Results);
    };
    const expected: Record<"A" | "B", string[]> = { A: [], B: [] };
    for (const body of requests) {
      expected.A.push(await scoreOnce(referenceA, body));
      expected.B.push(await scoreOnce(referenceB, body));
    }
    // The check can see a mix: A's answer with one row of B's matches neither model.
    const a0 = JSON.parse(expected.A[0]) as { output1: { value: { Values: unknown[][] } } };
    const b0 = JSON.parse(expected.B[0]) as typeof a0;
    const differing = a0.output1.value.Values.findIndex(
      (row, i) => JSON.stringify(row) !== JSON.stringify(b0.output1.value.Values[i]),
    );
    expect(differing, "the two models score a row apart").to.be.at.least(0);
    a0.output1.value.Values[differing] = b0.output1.value.Values[differing];
    const mixed = JSON.stringify(a0);
    expect(mixed !== expected.A[0] && mixed !== expected.B[0], "a mix is told apart").to.equal(
      true,
    );
    for (let r = 0; r < REQUESTS; r++) {
      expect(expected.A[r], `request ${r}: the two models answer apart`).to.not.equal(
        expected.B[r],
      );
      // The targets under load answer exactly like the reference endpoints.
      expect(await scoreOnce(classicTarget, requests[r])).to.equal(expected.A[r]);
      expect(await scoreOnce(armTarget, requests[r])).to.equal(expected.A[r]);
    }

    const deadline = Date.now() + seconds * 1000;
    const counts = { served: 0, failed: 0, mixed: 0, A: 0, B: 0 };
    const failures: string[] = [];
    const latencies: number[] = [];
    let patches = 0;
    let besJobs = 0;

    // 8 closed-loop clients: each sends its next request when the previous one is answered.
    const client = async (target: Target, start: number): Promise<void> => {
      for (let i = start; Date.now() < deadline; i++) {
        const r = i % REQUESTS;
        const sent = performance.now();
        let answer: string | undefined;
        try {
          const res = await fetch(`${target.base}/execute?api-version=2.0&details=true`, {
            method: "POST",
            headers: { Authorization: `Bearer ${target.key}`, "Content-Type": "application/json" },
            body: requests[r],
            signal: AbortSignal.timeout(10_000),
          });
          const text = await res.text();
          if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
          answer = JSON.stringify((JSON.parse(text) as { Results: unknown }).Results);
        } catch (e) {
          counts.failed++;
          if (failures.length < 5) failures.push(`${target.name}: ${(e as Error).message}`);
          continue;
        }
        latencies.push(performance.now() - sent);
        counts.served++;
        if (answer === expected.A[r]) counts.A++;
        else if (answer === expected.B[r]) counts.B++;
        else {
          counts.mixed++;
          if (failures.length < 5) failures.push(`${target.name}: request ${r} matched no model`);
        }
      }
    };

    // Training jobs, one after the other, for the whole load.
    const jobs = async (): Promise<void> => {
      while (Date.now() < deadline - 1000) {
        const status = await train("big.csv", `models/load-${besJobs}`);
        expect(status.StatusCode, status.Details ?? "").to.equal("Finished");
        besJobs++;
      }
    };

    // Both targets repointed between B and A about every 1.5 s.
    const repoint = async (): Promise<void> => {
      for (let n = 0; Date.now() < deadline - 1500; n++) {
        await new Promise((r) => setTimeout(r, 1500));
        const model = n % 2 === 0 ? models.B : models.A;
        const patched = await api.classic("PATCH", endpointPath("load"), patchResources(model));
        expect(patched.status, patched.text).to.equal(200);
        const current = (await api.arm<ArmWebService>("GET", predictivePath)).body;
        const assets = { ...current.properties.assets };
        assets.asset2 = {
          ...assets.asset2,
          locationInfo: { ...assets.asset2.locationInfo, uri: modelUri(model) },
        };
        const armPatched = await api.arm("PATCH", predictivePath, {
          properties: { packageType: "Graph", assets },
        });
        expect(armPatched.status, armPatched.text).to.equal(200);
        const after = await waitForProvisioning(api, predictivePath);
        expect(after.properties.provisioningState).to.equal("Succeeded");
        patches += 2;
      }
    };

    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: CONCURRENCY }, (_, c) =>
        client(c % 2 === 0 ? classicTarget : armTarget, c * 3),
      ),
      jobs(),
      repoint(),
    ]);
    const elapsed = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const percentile = (p: number): number =>
      Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0);
    recordLoad({
      seconds: Math.round(elapsed),
      concurrency: CONCURRENCY,
      served: counts.served,
      failed: counts.failed + counts.mixed,
      byModel: { "model A (old)": counts.A, "model B (new)": counts.B },
      mixed: counts.mixed,
      patches,
      besJobs,
      p50Ms: percentile(0.5),
      p99Ms: percentile(0.99),
    });

    expect(failures).to.deep.equal([]);
    expect(counts.failed, "no failed request").to.equal(0);
    expect(counts.mixed, "no answer from a half-loaded model").to.equal(0);
    expect(counts.served, `only ${counts.served} requests in ${seconds} s`).to.be.above(
      seconds * 20,
    );
    expect(counts.A > 0 && counts.B > 0, `both models served: ${JSON.stringify(counts)}`).to.equal(
      true,
    );
    expect(patches, `${patches} PATCHes`).to.be.at.least(4);
    expect(besJobs, "a training job ran under the load").to.be.at.least(1);
  });
});
