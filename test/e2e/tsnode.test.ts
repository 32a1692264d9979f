/**
 * `pulumi up` compiles the program with ts-node, not tsx (which the other tests run under), and the
 * closure serializer's output differs between the two. This runs index.ts under ts-node in a child
 * process (as the Pulumi CLI's Node runner does), takes the `__provider` texts it serialized, and
 * drives them through the SDK's own provider host: they load, check and create for real.
 */
import { expect } from "chai";
import { expectPresent } from "../helpers/expect";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { blobService } from "../../clients/storage";
import { azuriteBlobEndpoint, azuriteConnectionString, uniqueName } from "../helpers/env";
import { PROJECT_DIR, ProviderHost } from "../../harness/providerHost";

interface Captured {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** Runs the program under ts-node with mocks; returns each registration with plain inputs. */
function captureUnderTsNode(work: string): Captured[] {
  const out = path.join(work, "registrations.json");
  const script = `
    require(${JSON.stringify(require.resolve("ts-node"))}).register({ project: ${JSON.stringify(path.join(PROJECT_DIR, "tsconfig.json"))} });
    const pulumi = require(${JSON.stringify(require.resolve("@pulumi/pulumi"))});
    const fs = require("fs");
    const regs = [];
    const unwrap = (v) => v && typeof v === "object" && v["4dabf18193072939515e22adb298388d"] ? unwrap(v.value)
      : Array.isArray(v) ? v.map(unwrap) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)])) : v;
    pulumi.runtime.setMocks({
      newResource(a) {
        regs.push({ type: a.type, name: a.name, inputs: unwrap(a.inputs) });
        return { id: a.name, state: { ...a.inputs, executionUrl: "http://127.0.0.1:1/x", primaryKey: "k",
          model: { uri: "http://127.0.0.1:1/b/m.ilearner", baseLocation: "http://127.0.0.1:1/b/", relativeLocation: "models/m.ilearner" },
          accountName: "devstoreaccount1", blobEndpoint: ${JSON.stringify(azuriteBlobEndpoint())} } };
      },
      call() { return {}; },
    }, "azureml-retrain", "local", false);
    pulumi.runtime.setAllConfig({
      "azureml-retrain:target": "local",
      "azureml-retrain:model": JSON.stringify({ version: "2026-11-27.1", data: "data/census-2026-11.csv", gate: { metric: "AUC", min: 0.8 } }),
      "azureml-retrain:local": JSON.stringify({ emulatorLocation: ${JSON.stringify(work)}, azuriteBlobEndpoint: ${JSON.stringify(azuriteBlobEndpoint())} }),
    });
    require(${JSON.stringify(path.join(PROJECT_DIR, "index.ts"))});
    setTimeout(() => fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify(regs)), 3000);
  `;
  // A script file, not `node -e`: under -e, builtin modules are also globals, and the closure
  // serializer then emits `global.path`, which the provider host does not have.
  const file = path.join(work, "capture.js");
  fs.writeFileSync(file, script);
  const result = spawnSync(process.execPath, [file], {
    cwd: PROJECT_DIR,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`ts-node run failed:\n${result.stderr}`);
  return JSON.parse(fs.readFileSync(out, "utf8")) as Captured[];
}

describe("providers serialized under ts-node run in the SDK's provider host", function () {
  this.timeout(180_000);
  let work: string;
  let host: ProviderHost;
  let registrations: Captured[];
  const find = (name: string): Captured => {
    const r = registrations.find((x) => x.name === name);
    expectPresent(r, `no ${name}`);
    return r;
  };

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "tsnode-"));
    fs.writeFileSync(
      path.join(work, "credentials.json"),
      JSON.stringify({ armToken: "a-token", workspaceToken: "w-token" }),
    );
    registrations = captureUnderTsNode(work);
    host = await ProviderHost.start(PROJECT_DIR, {
      ...process.env,
      AZUREML_RETRAIN_CACHE_DIR: path.join(work, "cache"),
    });
  });
  after(async () => {
    await host?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("the retrain provider's check hashes the data and validates the header", async () => {
    const model = find("model");
    expect(String(model.inputs.__provider)).to.match(/^exports\.handler = /m);
    const urn =
      "urn:pulumi:local::azureml-retrain::pulumi-nodejs:dynamic/azureml:TrainedModel::model";
    const checked = await host.checkOrThrow(urn, {}, model.inputs).catch((e) => {
      console.log(host.output.join("\n"));
      throw e;
    });
    const expected = execFileSync("sha256sum", [path.join(PROJECT_DIR, "data/census-2026-11.csv")])
      .toString()
      .split(" ")[0];
    expect(checked.dataSha256).to.equal(expected);
    await expect(
      host.checkOrThrow(urn, {}, { ...model.inputs, data: "data/missing.csv" }),
    ).to.be.rejectedWith(/data: file "data\/missing\.csv" does not exist/);
    const diff = await host.diff(urn, "id", { ...checked, status: "ready" }, checked);
    expect(diff.changes).to.equal("none");
  });

  it("each resource's __provider is the shim, at most 4 kB", () => {
    const sizes = Object.fromEntries(
      registrations
        .filter((r) => r.inputs.__provider !== undefined)
        .map((r) => [r.type.split(":").pop(), Buffer.byteLength(String(r.inputs.__provider))]),
    );
    // The captured stack declares no classic endpoint: the other kinds.
    expect(Object.keys(sizes).sort()).to.deep.equal([
      "LocalContainers",
      "PredictiveService",
      "TrainedModel",
      "TrainingService",
    ]);
    for (const [kind, bytes] of Object.entries(sizes)) {
      expect(bytes, `${kind}: ${JSON.stringify(sizes)}`).to.be.within(100, 4096);
    }
  });

  it("the storage provider creates and deletes containers in Azurite", async () => {
    const containers = find("storage-containers");
    const names = [uniqueName("tsn-a"), uniqueName("tsn-b")];
    const urn =
      "urn:pulumi:local::azureml-retrain::pulumi-nodejs:dynamic/azureml:LocalContainers::c";
    const inputs = await host.checkOrThrow(
      urn,
      {},
      { ...containers.inputs, connectionString: azuriteConnectionString(), containers: names },
    );
    const { outputs } = await host.create(urn, inputs);
    expect(outputs.createdContainers).to.deep.equal(names);
    const service = blobService(azuriteConnectionString());
    for (const n of names) expect(await service.getContainerClient(n).exists()).to.equal(true);
    await host.delete(urn, "id", outputs);
    for (const n of names) expect(await service.getContainerClient(n).exists()).to.equal(false);
  });
});
