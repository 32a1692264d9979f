/**
 * Reliability end to end (issue 7, items 2 and 4): the local stack run through the SDK's own
 * dynamic-provider host, against the emulator's bin started with fault-injection flags.
 *
 * Each fault gets a scenario on one shared stack, in order: transient faults must be survived
 * (the up succeeds and the new model is served), permanent ones must fail the up with a named
 * error while the previous model stays served, and the next up (fault removed) must converge.
 * The emulator killed mid-job is scenario 6 of `test/e2e/convergence.test.ts`; Azurite restarted
 * mid-upload is `azuriteRestart.test.ts`.
 *
 * The run ends with a gate failure, a refused SAS URL, a refresh and a destroy, then scans
 * everything written (the checkpoint and its backup after every operation, what the engine
 * printed, the provider host's output, the emulator's debug log, every error message, the hash
 * cache) for every key, token and SAS signature used: the provider host
 * runs with a preload (`harness/recordSecrets.cjs`) that records each credential it sent or
 * received over HTTP, so the scan looks for exactly those.
 */
import { expect } from "chai";
import { expectPresent } from "../helpers/expect";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ClassicManagementClient } from "../../clients/classic";
import { blobService, mintReadSas, parseConnectionString } from "../../clients/storage";
import { generateCensusRows } from "../../data/generate";
import { AZURITE_KEY } from "../../scripts/azurite";
import type { EmulatorProcess } from "../../harness/emulatorProcess";
import { opsOf, printed, type EngineDouble, type RunResult } from "../../harness/engine";
import {
  OutputCursor,
  localConfig,
  localWebServiceRef,
  nodeOptionsRequiring,
  servedByPredictive,
  shuffledLabels,
  startLocalStack,
  writeCensusCsv,
  writeCensusSample,
  type LocalStack,
} from "../../harness/localStack";
import type { ProviderHost } from "../../harness/providerHost";
import { azuriteBlobEndpoint, azuriteConnectionString } from "../helpers/env";
import { recordFault, recordSecretsScan } from "./summary";

describe("reliability end to end: injected faults, then a secrets scan", function () {
  this.timeout(240_000);
  let work: string;
  let stack: LocalStack;
  let emulator: EmulatorProcess;
  let host: ProviderHost;
  let engine: EngineDouble;
  let files: Record<string, string>;
  let recordFile: string;
  /** Every error message an operation returned (scanned for secrets at the end). */
  const errors: string[] = [];
  /** The checkpoint file's text after every operation. */
  const states: string[] = [];
  /** Its backup's text (the checkpoint before the last write) after every operation. */
  const backups: string[] = [];
  /** What the engine printed in every run (check failures with their values, failed steps). */
  const printedOutput: string[] = [];
  /** SAS signatures the test itself put in the config (the host never sends them). */
  const configSignatures: string[] = [];
  /** Secrets the state holds (keys, tokens, SAS signatures), read before the destroy. */
  const stateSecrets = new Set<string>();
  /** What the emulator's portal showed of the stack (its page and every API answer). */
  const portal: string[] = [];
  let emulatorLines: OutputCursor;
  let hostLines: OutputCursor;

  const config = (version: string, data = files.october): Record<string, unknown> =>
    localConfig({ servers: stack, model: { version, data }, deadlineMinutes: 10 });

  /** Keeps what the scan needs of a run: its error, what it printed, the checkpoint files. */
  const keep = (result: RunResult): RunResult => {
    if (result.error) errors.push(result.error.message, String(result.error.stack));
    printedOutput.push(printed(result));
    states.push(fs.readFileSync(stack.stateFile, "utf8"));
    const backup = `${stack.stateFile}.bak`;
    if (fs.existsSync(backup)) backups.push(fs.readFileSync(backup, "utf8"));
    return result;
  };

  /** Runs an up and keeps what the scan needs. */
  const up = async (version: string, data?: string): Promise<RunResult> =>
    keep(await engine.up(config(version, data)));

  /** Faults the emulator reports having injected since the last call. */
  const injectedSinceLastCall = (): number =>
    emulatorLines.take().filter((l) => /fault injected:/.test(l)).length;

  /** Restarts the emulator with other fault flags (none: faults off); output marks restart. */
  const faults = async (...args: string[]): Promise<void> => {
    await emulator.restartWith(["--log-level", "debug", ...args]);
    emulatorLines.take();
    hostLines.take();
  };

  /** The model the classic endpoint serves (container/blob). */
  const servedByEndpoint = async (): Promise<string> => {
    const endpoint = await new ClassicManagementClient(
      emulator.credentials.workspaceToken,
    ).getEndpoint(localWebServiceRef(emulator), "contoso");
    return endpoint?.Resources[0]?.Location.RelativeLocation ?? "";
  };
  /** Both serving targets serve this version's model. */
  const assertServes = async (version: string): Promise<void> => {
    const model = new RegExp(`/models/${version.replace(/\./g, "\\.")}/`);
    expect(await servedByPredictive(emulator), "the predictive service").to.match(model);
    expect(`/${await servedByEndpoint()}`, "the classic endpoint").to.match(model);
  };
  /** Model blobs stored for a version. */
  const storedModels = async (version: string): Promise<string[]> => {
    const names: string[] = [];
    const container = blobService(azuriteConnectionString()).getContainerClient("models");
    if (!(await container.exists())) return names;
    for await (const b of container.listBlobsFlat({ prefix: `${version}/` }))
      if (b.name.endsWith(".ilearner")) names.push(b.name);
    return names;
  };

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "reliability-"));
    files = {
      october: writeCensusSample(work, "census-2026-10.csv", { seed: 1, drift: 0 }),
      noise: writeCensusCsv(
        work,
        "census-noise.csv",
        shuffledLabels(generateCensusRows({ rows: 3000, seed: 3, drift: 0 })),
      ),
    };
    recordFile = path.join(work, "recorded-secrets.tsv");
    stack = await startLocalStack(work, {
      passphrase: "reliability passphrase",
      azuriteBlobEndpoint: azuriteBlobEndpoint(),
      emulatorArgs: ["--log-level", "debug"],
      hostEnv: {
        AZUREML_RETRAIN_LOG: "",
        RELIABILITY_SECRET_RECORD: recordFile,
        NODE_OPTIONS: nodeOptionsRequiring(path.join(__dirname, "harness", "recordSecrets.cjs")),
      },
    });
    ({ emulator, host, engine } = stack);
    emulatorLines = new OutputCursor(emulator);
    hostLines = new OutputCursor(host);
  });

  after(async () => {
    try {
      // A failed scenario may leave resources: destroy them (faults off), so that the containers
      // this stack shares with other suites' Azurite are gone. A destroy that fails here fails
      // the suite: it would leave containers behind for the other suites.
      if (engine?.state.some((r) => r.custom)) {
        await faults();
        const destroyed = await engine.destroy();
        if (destroyed.error) {
          throw new Error(`cleanup destroy failed: ${destroyed.error.message}`, {
            cause: destroyed.error,
          });
        }
      }
    } finally {
      await stack?.stop();
      if (work) fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it("0. a baseline up serves v1", async () => {
    const result = await up("v1");
    expect(result.error, result.error?.message).to.equal(undefined);
    await assertServes("v1");
    hostLines.take();
    emulatorLines.take();
  });

  it("1. 503 on one request in four, on every surface: survived, v2 served", async () => {
    // Retry-After 0: the waits themselves are scenario 2's subject; this one is about volume.
    await faults("--fault-every", "4", "--fault-retry-after", "0");
    const result = await up("v2");
    expect(result.error, result.error?.message).to.equal(undefined);
    // Every refused request was retried: the up could not have succeeded otherwise. (Which calls
    // are refused depends on timing, so no particular client's retry line is required.)
    const injected = injectedSinceLastCall();
    expect(injected, `only ${injected} faults injected`).to.be.at.least(3);
    await assertServes("v2");
    recordFault({
      fault: "503 on 1 request in 4 (--fault-every 4), every surface",
      injected,
      outcome: "survived",
      converged: true,
      test: "1",
    });
  });

  it("2. 429 with Retry-After 2 s on the first 2 BES submissions: waits as told, v3 served", async () => {
    await faults(
      "--fault-rate",
      "1",
      "--fault-count",
      "2",
      "--fault-status",
      "429",
      "--fault-retry-after",
      "2",
      "--fault-paths",
      "^POST .*/jobs$",
    );
    const started = Date.now();
    const result = await up("v3");
    expect(result.error, result.error?.message).to.equal(undefined);
    expect(injectedSinceLastCall()).to.equal(2);
    // Only the 429 retries are this scenario's: a late line of an earlier one must not count.
    const retries = hostLines.take().filter((l) => /BES call retry \d after HTTP 429/.test(l));
    expect(
      retries.map((l) =>
        /retry (\d) after HTTP 429 \(Retry-After\) \(waiting ([\d.]+) s\)/.exec(l)?.slice(1),
      ),
      retries.join("\n"),
    ).to.deep.equal([
      ["1", "2.0"],
      ["2", "2.0"],
    ]);
    expect(Date.now() - started, "both Retry-After waits were honoured").to.be.at.least(4000);
    await assertServes("v3");
    recordFault({
      fault: "429 + Retry-After 2 s on the first 2 BES submissions (--fault-count 2)",
      injected: 2,
      outcome: "survived",
      converged: true,
      test: "2",
    });
  });

  it("3. 150 ms added to every request: survived, v4 served", async () => {
    await faults("--fault-latency-ms", "150");
    const started = Date.now();
    const result = await up("v4");
    expect(result.error, result.error?.message).to.equal(undefined);
    // Access log lines: "<time> INFO  <METHOD> <path> <status> <ms>ms <request id>".
    const delayed = emulatorLines
      .take()
      .map((l) => / INFO {2}(?:GET|PUT|POST|PATCH|DELETE) \S+ \d{3} ([\d.]+)ms /.exec(l)?.[1])
      .filter((ms): ms is string => ms !== undefined)
      .map(Number);
    expect(delayed.length, `${delayed.length} requests`).to.be.above(10);
    expect(
      delayed.every((ms) => ms >= 150),
      `every request took at least 150 ms: ${delayed.join(", ")}`,
    ).to.equal(true);
    expect(Date.now() - started).to.be.above(1500);
    await assertServes("v4");
    recordFault({
      fault: "+150 ms on every request (--fault-latency-ms 150)",
      injected: delayed.length,
      outcome: "survived",
      converged: true,
      test: "3",
    });
  });

  it("4. 503 on every BES submission: up fails naming it, v4 still served; then v5 converges", async () => {
    await faults(
      "--fault-rate",
      "1",
      "--fault-retry-after",
      "0",
      "--fault-paths",
      "^POST .*/jobs$",
    );
    const stateBefore = JSON.stringify(engine.state);
    const result = await up("v5");
    expectPresent(result.error, "up failed");
    expect(result.error.message).to.match(/POST \S+\/jobs failed: 503 ServiceUnavailable/);
    const injected = injectedSinceLastCall();
    expect(injected, "the first attempt and 5 retries").to.equal(6);
    await assertServes("v4");
    expect(await storedModels("v5"), "nothing was trained").to.deep.equal([]);
    expect(JSON.stringify(engine.state), "the state is unchanged").to.equal(stateBefore);
    await faults();
    const next = await up("v5");
    expect(next.error, next.error?.message).to.equal(undefined);
    expect(opsOf(next).model).to.equal("replace");
    await assertServes("v5");
    recordFault({
      fault: "503 on every BES submission (--fault-rate 1 --fault-paths '^POST .*/jobs$')",
      injected,
      outcome: "failed clearly",
      previousModelServed: true,
      converged: true,
      test: "4",
    });
  });

  it("5. 429 on every ARM PATCH: the predictive update fails naming it and keeps v5; then v6 converges", async () => {
    await faults(
      "--fault-rate",
      "1",
      "--fault-status",
      "429",
      "--fault-retry-after",
      "0",
      "--fault-paths",
      "^PATCH /subscriptions/.*/webServices/",
    );
    const result = await up("v6");
    expectPresent(result.error, "up failed");
    expect(result.error.message).to.match(/PATCH \S+census-predictive failed: 429 TooManyRequests/);
    const injected = injectedSinceLastCall();
    expect(injected).to.equal(6);
    expect(await servedByPredictive(emulator), "the predictive service keeps v5").to.match(
      /\/models\/v5\//,
    );
    await faults();
    hostLines.take();
    const next = await up("v6");
    expect(next.error, next.error?.message).to.equal(undefined);
    expect(opsOf(next).predictive).to.equal("update");
    // The model the failed run trained stays; its predecessor (kept by the failed run) goes.
    expect(next.steps.filter((step) => step.name === "model").map((step) => step.op)).to.deep.equal(
      ["same", "delete-replaced"],
    );
    expect(
      hostLines.take().some((l) => /submitted BES job/.test(l)),
      "no training again",
    ).to.equal(false);
    await assertServes("v6");
    recordFault({
      fault: "429 on every ARM PATCH (--fault-status 429 --fault-paths '^PATCH .../webServices/')",
      injected,
      outcome: "failed clearly",
      previousModelServed: true,
      converged: true,
      test: "5",
    });
  });

  it("6. every job fails at Train Model: up fails with the module error and job id, v6 still served; then v7 converges", async () => {
    await faults("--fail-job-at-module", "Train Model");
    const result = await up("v7");
    expectPresent(result.error, "up failed");
    expect(result.error.message).to.match(
      /BES job [0-9a-f]{32} ended Failed: ModuleExecutionError\/ModuleExecutionFailed \(Train Model\): Error 0039/,
    );
    expect(result.error.message).to.match(/served model is unchanged/);
    const injected = injectedSinceLastCall();
    expect(injected).to.equal(1);
    await assertServes("v6");
    expect(await storedModels("v7"), "no model blob for v7").to.deep.equal([]);
    await faults();
    const next = await up("v7");
    expect(next.error, next.error?.message).to.equal(undefined);
    await assertServes("v7");
    recordFault({
      fault: "job failed at module 'Train Model' (--fail-job-at-module)",
      injected,
      outcome: "failed clearly",
      previousModelServed: true,
      converged: true,
      test: "6",
    });
  });

  it("7. a model that fails the gate fails up; v7 still served", async () => {
    const result = await up("v8-noise", files.noise);
    expectPresent(result.error, "up failed");
    expect(result.error.message).to.match(/failed the promotion gate/);
    await assertServes("v7");
  });

  it("7b. a SAS URL in data that check refuses is printed without its signature", async () => {
    const blob = "training-data/..%2Fmodels/x.csv";
    const sas = mintReadSas(
      parseConnectionString(azuriteConnectionString()),
      "training-data",
      "x.csv",
    );
    const signature = decodeURIComponent(/[?&]sig=([^&]+)/.exec(sas)![1]);
    configSignatures.push(signature);
    const result = keep(
      await engine.preview(config("v9", `${azuriteBlobEndpoint()}/${blob}${sas}`)),
    );
    expectPresent(result.error, "the preview failed");
    expect(result.error.message).to.match(/::model is invalid$/);
    expect(printed(result)).to.match(
      /property data value \{&\{\{http:\/\/\S+&sig=\*\*\*\S*\}\}\} has a problem: /,
    );
  });

  it("8. refresh and destroy", async () => {
    keep(await engine.refresh());
    // Every secret the stack holds (the engine's plain view of the state), for the scan: the
    // keys and tokens by name, SAS signatures and account keys wherever they are.
    const secretNames = new Set([
      "primaryKey",
      "secondaryKey",
      "defaultPrimaryKey",
      "apiKey",
      "token",
      "servingToken",
      "key",
    ]);
    const collect = (value: unknown, name = ""): void => {
      if (typeof value === "string") {
        if (secretNames.has(name) && value.length >= 8) stateSecrets.add(value);
        for (const m of value.matchAll(/[?&]sig=([^&"\s]+)/g))
          stateSecrets.add(decodeURIComponent(m[1]));
        for (const m of value.matchAll(/AccountKey=([A-Za-z0-9+/=]{20,})/g)) stateSecrets.add(m[1]);
      } else if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) collect(v, k);
      }
    };
    for (const r of engine.state) collect({ ...r.inputs, ...r.outputs });
    expect(stateSecrets.size, `${stateSecrets.size} secrets in the state`).to.be.at.least(8);
    portal.push(...(await readPortal(emulator.url, emulator.credentials.workspaceToken)));
    const result = keep(await engine.destroy());
    expect(result.error, result.error?.message).to.equal(undefined);
  });

  it("9. no key, token or SAS signature used appears in anything written", async () => {
    // What the providers sent and received, as recorded in the provider host.
    const recorded = fs
      .readFileSync(recordFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("\t") as [string, string]);
    const kinds = new Set(recorded.map(([kind]) => kind));
    expect(
      kinds.has("sig") && kinds.has("bearer"),
      `recorded kinds: ${[...kinds].join(", ")}`,
    ).to.equal(true);
    const credentials = emulator.credentials;
    const secrets = new Map<string, string>([
      [AZURITE_KEY, "Azurite account key"],
      [credentials.armToken, "emulator ARM token"],
      [credentials.workspaceToken, "emulator workspace token"],
    ]);
    for (const [kind, value] of recorded) {
      if (!secrets.has(value)) secrets.set(value, kind === "sig" ? "SAS signature" : kind);
    }
    for (const value of stateSecrets) if (!secrets.has(value)) secrets.set(value, "state secret");
    for (const value of configSignatures) secrets.set(value, "SAS signature in the config");
    expect(
      [...secrets.values()].filter((k) => k === "SAS signature").length,
      "SAS signatures were recorded",
    ).to.be.at.least(5);
    const keys = recorded.filter(([kind]) => kind === "bearer").length;
    expect(keys, `${keys} bearer credentials recorded (tokens and service keys)`).to.be.at.least(4);

    const hashCache = path.join(work, "cache", "sha256-cache.json");
    const sources: Record<string, string> = {
      "checkpoint file (after every operation)": states.join("\n"),
      "checkpoint backup (after every operation)": backups.join("\n"),
      "engine printed output (every run)": printedOutput.join("\n"),
      "provider host stdout/stderr": host.output.join("\n"),
      "emulator log (debug)": emulator.output.join("\n"),
      "error messages": errors.join("\n"),
      "hash cache": fs.existsSync(hashCache) ? fs.readFileSync(hashCache, "utf8") : "",
      "the portal's page and API": portal.join("\n"),
    };
    const scan = (texts: Record<string, string>): string[] => {
      const found: string[] = [];
      for (const [secret, kind] of secrets) {
        const forms = new Set([secret, encodeURIComponent(secret)]);
        for (const [source, text] of Object.entries(texts)) {
          for (const form of forms) {
            const at = text.indexOf(form);
            if (at >= 0)
              found.push(`${kind} in ${source}: …${text.slice(Math.max(0, at - 60), at)}<secret>`);
          }
        }
      }
      return found;
    };
    // Control: the scan finds secrets where they are meant to be, in plain text.
    const control = scan({
      "credentials.json": fs.readFileSync(path.join(work, "emulator", "credentials.json"), "utf8"),
      "a SAS URL": `http://x/c/b?sv=1&sig=${encodeURIComponent([...stateSecrets].find((v) => secrets.get(v) === "state secret" && /[+/=]/.test(v)) ?? "")}`,
    });
    expect(
      control.some((c) => /ARM token in credentials\.json/.test(c)),
      control.join("\n"),
    ).to.equal(true);
    expect(
      control.some((c) => /in a SAS URL/.test(c)),
      control.join("\n"),
    ).to.equal(true);
    const leaks = scan(sources);
    recordSecretsScan(
      Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, Buffer.byteLength(v)])),
      secrets.size,
      leaks.length,
    );
    expect(leaks).to.deep.equal([]);
    // The scan must have had something to scan: the printed output holds the refused SAS URL
    // (redacted) and the failed steps, the backups the checkpoints before each last write.
    expect(sources["provider host stdout/stderr"].length).to.be.above(1000);
    expect(sources["engine printed output (every run)"]).to.include("sig=***");
    expect(sources["checkpoint backup (after every operation)"].length).to.be.above(10_000);
    expect(sources["the portal's page and API"], "the portal showed the stack").to.include(
      "census",
    );
    expect(sources["emulator log (debug)"], "the emulator logged at debug").to.include("DEBUG");
  });
});

/**
 * Everything the emulator's portal shows (its page, and every answer of its API a view reads:
 * services, each service's or endpoint's page, jobs, models, the v2 views), signed in with the
 * workspace token.
 * @param url - the emulator
 * @param workspaceToken - its workspace token
 */
async function readPortal(url: string, workspaceToken: string): Promise<string[]> {
  const signIn = await fetch(`${url}/portal/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: url },
    body: JSON.stringify({ token: workspaceToken }),
  });
  expect(signIn.status, "signed in to the portal").to.equal(204);
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0];
  const texts: string[] = [];
  const read = async (path: string): Promise<unknown> => {
    const answer = await fetch(`${url}${path}`, { headers: { Cookie: cookie } });
    const text = await answer.text();
    expect(answer.status, `${path}: ${text.slice(0, 200)}`).to.equal(200);
    texts.push(text);
    return path.startsWith("/portal/api/") ? JSON.parse(text) : text;
  };
  await read("/portal/");
  const services = (await read("/portal/api/services")) as {
    arm: { executionId: string }[];
    classic: { endpoints: { executionId: string }[] }[];
  };
  const targets = [...services.arm, ...services.classic.flatMap((s) => s.endpoints)];
  for (const t of targets) await read(`/portal/api/targets/${t.executionId}`);
  const { jobs } = (await read("/portal/api/jobs")) as { jobs: { id: string }[] };
  for (const j of jobs) await read(`/portal/api/jobs/${j.id}`);
  const { models } = (await read("/portal/api/models")) as { models: { sha256: string }[] };
  for (const m of models) await read(`/portal/api/models/${m.sha256}`);
  // The v2 views too (empty on the classic stack; test/emulator/portal/v2.test.ts scans them full).
  await read("/portal/api/v2");
  const v2 = (await read("/portal/api/v2/jobs")) as { jobs: { id: string }[] };
  for (const j of v2.jobs) await read(`/portal/api/v2/jobs/${j.id}`);
  expect(targets.length, "services and endpoints").to.be.at.least(3);
  expect(jobs.length, "jobs").to.be.at.least(3);
  return texts;
}
