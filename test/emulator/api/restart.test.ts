/**
 * The emulator as a process: started through the package bin (`bin/azureml-emulator.js`),
 * killed with SIGKILL in the middle of a BES job, started again on the same data folder. The job
 * reads Failed with Details; services, endpoints, keys and the other jobs are intact. The logs
 * of both runs (debug level) are scanned for secrets.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type {
  ArmWebService,
  BatchExecutionStatus,
  ClassicEndpoint,
  WebServiceKeys,
} from "../../../contract";
import { azuriteConnectionString, uniqueName } from "../../helpers/env";
import {
  TEST_STORAGE_ACCOUNT,
  armServicePath,
  azuriteOrigin,
  createTestContainer,
  httpRequest,
  loadServiceDefinition,
  testStorageKey,
} from "../../helpers/emulator";
import { censusCsv } from "./censusData";

const BIN = path.join(__dirname, "..", "..", "..", "bin", "azureml-emulator.js");

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
  output(): string;
}

/** Starts the bin and resolves once it prints its "listening on" line. */
async function startBin(location: string, extraEnv: Record<string, string> = {}): Promise<Child> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      "--port",
      "0",
      "--location",
      location,
      "--storage",
      azuriteOrigin(),
      "--log-level",
      "debug",
    ],
    { env: { ...process.env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the emulator did not start in 30 s:\n${output}`)),
      30_000,
    );
    const check = (): void => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited (${code ?? signal}):\n${output}`));
    });
  });
  child.removeAllListeners("exit");
  return { process: child, url, output: () => output };
}

async function kill(child: Child, signal: NodeJS.Signals): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.process.once("exit", () => resolve()));
  child.process.kill(signal);
  await exited;
}

describe("emulator process: restart after SIGKILL mid-job, and secrets in logs", function () {
  this.timeout(180_000);
  let location: string;
  const children: Child[] = [];

  before(function () {
    location = mkdtempSync(path.join(tmpdir(), "azureml-emulator-restart-"));
  });
  after(async function () {
    for (const child of children) await kill(child, "SIGKILL");
    rmSync(location, { recursive: true, force: true });
  });

  it("keeps services, endpoints, keys and jobs; a job that was running reads Failed", async function () {
    const first = await startBin(location);
    children.push(first);
    const credentials = JSON.parse(
      readFileSync(path.join(location, "credentials.json"), "utf8"),
    ) as {
      armToken: string;
      workspaceToken: string;
    };
    expect(
      credentials.armToken && credentials.workspaceToken,
      "tokens generated and kept in the data folder",
    ).to.be.ok;
    expect(first.output(), "stdout is not a TTY: the file is named").to.include(
      path.join(location, "credentials.json"),
    );
    const arm = (url: string, method: string, body?: unknown) =>
      httpRequest(method, `${url}${url.includes("?") ? "&" : "?"}api-version=2017-01-01`, {
        token: credentials.armToken,
        body,
      });

    // ARM training service with a big input, a NotStarted job and a running job.
    const container = await createTestContainer("restart");
    await container.client
      .getBlockBlobClient("big.csv")
      .uploadData(Buffer.from(censusCsv(120_000, 4)));
    await container.client
      .getBlockBlobClient("small.csv")
      .uploadData(Buffer.from(censusCsv(600, 4)));
    const input = (blob: string) => ({
      ConnectionString: azuriteConnectionString(),
      RelativeLocation: `${container.name}/${blob}`,
    });
    const servicePath = armServicePath(
      "00000000-0000-0000-0000-00000000beef",
      uniqueName("rg"),
      "training",
    );
    const definition = loadServiceDefinition("census-training");
    definition.properties.storageAccount = { name: TEST_STORAGE_ACCOUNT, key: testStorageKey() };
    expect((await arm(`${first.url}${servicePath}`, "PUT", definition)).status).to.equal(201);
    let service: ArmWebService | undefined;
    for (let i = 0; i < 200; i++) {
      service = (await arm(`${first.url}${servicePath}`, "GET")).body as ArmWebService;
      if (service.properties.provisioningState !== "Provisioning") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(service?.properties.provisioningState).to.equal("Succeeded");
    const keys = (await arm(`${first.url}${servicePath}/listKeys`, "GET")).body as WebServiceKeys;
    const base = (url: string, s: ArmWebService) =>
      s.properties.swaggerLocation!.replace(/\/swagger\.json$/, "").replace(/^http:\/\/[^/]+/, url);
    const bes = (url: string, method: string, tail: string, body?: unknown) =>
      httpRequest(method, `${base(url, service!)}/jobs${tail}?api-version=2.0`, {
        token: keys.primary,
        body,
      });

    const waiting = (await bes(first.url, "POST", "", { Inputs: { input1: input("small.csv") } }))
      .body as string;
    const running = (await bes(first.url, "POST", "", { Inputs: { input1: input("big.csv") } }))
      .body as string;
    expect((await bes(first.url, "POST", `/${running}/start`)).status).to.equal(204);
    for (let i = 0; i < 400; i++) {
      const status = (await bes(first.url, "GET", `/${running}`)).body as BatchExecutionStatus;
      if (status.StartTime) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const beforeKill = (await bes(first.url, "GET", `/${running}`)).body as BatchExecutionStatus;
    expect(beforeKill.StatusCode).to.equal("Running");
    expect(beforeKill.StartTime, "the job has its worker").to.be.ok;

    // A classic web service with a second endpoint.
    const ws = uniqueName("ws").replace(/-/g, "");
    const id = uniqueName("svc").replace(/-/g, "");
    const classic = (url: string, method: string, p: string, body?: unknown) =>
      httpRequest(method, `${url}${p}`, { token: credentials.workspaceToken, body });
    expect(
      (
        await classic(first.url, "PUT", `/admin/workspaces/${ws}/webservices/${id}`, {
          Name: "c",
          Properties: loadServiceDefinition("census-predictive").properties,
        })
      ).status,
    ).to.equal(201);
    const endpoint = (
      await classic(first.url, "PUT", `/workspaces/${ws}/webservices/${id}/endpoints/contoso`, {})
    ).body as ClassicEndpoint;

    await kill(first, "SIGKILL");

    const second = await startBin(location);
    children.push(second);
    const afterRestart = (await bes(second.url, "GET", `/${running}`)).body as BatchExecutionStatus;
    expect(afterRestart.StatusCode).to.equal("Failed");
    expect(afterRestart.Details ?? "").to.match(/emulator stopped while this job was running/);
    expect(afterRestart.EndTime).to.be.ok;
    const stillWaiting = (await bes(second.url, "GET", `/${waiting}`)).body as BatchExecutionStatus;
    expect(stillWaiting.StatusCode).to.equal("NotStarted");

    const serviceAfter = (await arm(`${second.url}${servicePath}`, "GET")).body as ArmWebService;
    expect(serviceAfter.properties.provisioningState).to.equal("Succeeded");
    expect(
      (await arm(`${second.url}${servicePath}/listKeys`, "GET")).body,
      "same keys",
    ).to.deep.equal(keys);
    const endpointAfter = (
      await classic(second.url, "GET", `/workspaces/${ws}/webservices/${id}/endpoints/contoso`)
    ).body as ClassicEndpoint;
    expect(endpointAfter.PrimaryKey).to.equal(endpoint.PrimaryKey);
    expect(endpointAfter.ApiLocation.replace(/^http:\/\/[^/]+/, "")).to.equal(
      endpoint.ApiLocation.replace(/^http:\/\/[^/]+/, ""),
    );

    // Everything still works: the waiting job runs to the end on the restarted emulator.
    expect((await bes(second.url, "POST", `/${waiting}/start`)).status).to.equal(204);
    let done: BatchExecutionStatus | undefined;
    for (let i = 0; i < 600; i++) {
      done = (await bes(second.url, "GET", `/${waiting}`)).body as BatchExecutionStatus;
      if (done.StatusCode !== "Running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(done?.StatusCode, done?.Details ?? "").to.equal("Finished");
    // Fetch a Results entry so a SAS was minted while logging at debug level.
    expect(done?.Results?.output1.SasBlobToken).to.include("sig=");
    await kill(second, "SIGTERM");

    // No secret in any log line of either run.
    const logs = first.output() + second.output();
    if (process.env.SHOW_EMULATOR_LOGS) process.stdout.write(logs);
    const secrets = [
      credentials.armToken,
      credentials.workspaceToken,
      keys.primary,
      keys.secondary,
      endpoint.PrimaryKey,
      endpoint.SecondaryKey,
      testStorageKey(),
      new URLSearchParams(done!.Results!.output1.SasBlobToken!.slice(1)).get("sig") ?? "",
    ];
    for (const secret of secrets) {
      expect(secret.length).to.be.above(8);
      expect(
        logs.includes(secret),
        `a secret appears in the logs (${secret.slice(0, 4)}...)`,
      ).to.equal(false);
    }
    expect(/sig=(?!\*\*\*)[A-Za-z0-9%]/.test(logs), "no SAS signature in the logs").to.equal(false);
    expect(logs, "requests are logged").to.match(
      /GET \/subscriptions\/.*\/jobs\/[0-9a-f]{32}\?api-version=2\.0 200/,
    );
  });
});
