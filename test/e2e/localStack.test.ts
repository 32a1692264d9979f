/**
 * The committed `Pulumi.local.yaml`, as `pulumi up -s local` would run it: its config (the model,
 * the gate, the two endpoints, one pinned) through the program and the SDK's provider host against
 * the emulator and Azurite, with only the two URLs pointed at this run's servers. It proves the
 * stack file a new user runs is valid and that its gate passes on the committed sample data.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { azuriteBlobEndpoint } from "../helpers/env";
import { opsOf, type EngineDouble } from "../../harness/engine";
import { localSection, startLocalStack, type LocalStack } from "../../harness/localStack";
import { PROJECT_DIR } from "../../harness/providerHost";

describe("the committed local stack (Pulumi.local.yaml) converges", function () {
  this.timeout(180_000);
  let work: string;
  let stack: LocalStack;
  let engine: EngineDouble;
  let config: Record<string, unknown>;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "local-stack-"));
    stack = await startLocalStack(work, {
      passphrase: "local",
      azuriteBlobEndpoint: azuriteBlobEndpoint(),
    });
    engine = stack.engine;
    const stackFile = parse(
      fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.local.yaml"), "utf8"),
    ) as { config: Record<string, unknown> };
    config = Object.fromEntries(
      Object.entries(stackFile.config).map(([k, v]) => [k.replace(/^azureml-retrain:/, ""), v]),
    );
    // Only where the servers are differs from a developer's machine.
    config.local = { ...(config.local as Record<string, unknown>), ...localSection(stack) };
  });

  after(async () => {
    await stack?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("up creates every resource and serves the declared versions", async () => {
    const result = await engine.up(config);
    expect(result.error, result.error?.message).to.equal(undefined);
    expect(opsOf(result)).to.deep.equal({
      storage: "create",
      "storage-containers": "create",
      training: "create",
      model: "create",
      predictive: "create",
      classic: "create",
      "model-2026-10-30.1": "create",
      "endpoint-contoso": "create",
      "endpoint-fabrikam": "create",
    });
    const model = (config.model as { version: string }).version;
    expect(result.outputs.servedVersion).to.equal(model);
    const endpoints = result.outputs.endpoints as Record<string, { version: string }>;
    expect(endpoints.contoso.version).to.equal(model);
    expect(endpoints.fabrikam.version).to.equal("2026-10-30.1");
    const gate = (config.model as { gate: { min: number } }).gate.min;
    expect(
      (result.outputs.metrics as { AUC: number }).AUC,
      "the declared gate passed",
    ).to.be.at.least(gate);
  });

  it("a second up changes nothing, and destroy removes it all", async () => {
    const again = await engine.up(config);
    expect(again.error, again.error?.message).to.equal(undefined);
    expect(
      again.steps.every((s) => s.op === "same"),
      JSON.stringify(opsOf(again)),
    ).to.equal(true);
    const destroyed = await engine.destroy();
    expect(destroyed.error, destroyed.error?.message).to.equal(undefined);
    expect(engine.state.filter((r) => r.custom).length).to.equal(0);
  });
});
