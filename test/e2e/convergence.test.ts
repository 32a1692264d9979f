/**
 * End-to-end convergence of the local stack, through the Pulumi SDK's own dynamic-provider host
 * over gRPC (the closest thing to `pulumi up` without the CLI): the real program under mocks, the
 * real providers in the host process, the emulator as its own process, Azurite.
 *
 * The scenarios share one stack and run in order, as a team's history would.
 */
import { expect } from "chai";
import { expectPresent } from "../helpers/expect";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ClassicManagementClient } from "../../clients/classic";
import { RrsClient } from "../../clients/rrs";
import { blobService } from "../../clients/storage";
import { generateCensusRows, type CensusRow } from "../../data/generate";
import { azuriteBlobEndpoint, azuriteConnectionString } from "../helpers/env";
import type { EmulatorProcess } from "../../harness/emulatorProcess";
import { opsOf, type EngineDouble } from "../../harness/engine";
import {
  MODEL_ASSET,
  OutputCursor,
  localArm,
  localConfig,
  localServiceRef,
  localWebServiceRef,
  servedAucOnRows,
  servedByPredictive,
  shuffledLabels,
  startLocalStack,
  writeCensusCsv,
  type LocalStack,
} from "../../harness/localStack";
import { recordFault } from "../reliability/summary";

describe("end to end through the dynamic-provider host (local stack)", function () {
  this.timeout(180_000);
  let work: string;
  let stack: LocalStack;
  let emulator: EmulatorProcess;
  let engine: EngineDouble;
  let files: Record<string, string>;
  let november: CensusRow[];
  let hostLines: OutputCursor;

  const config = (model: { version: string; data: string }): Record<string, unknown> =>
    localConfig({ servers: stack, model, deadlineMinutes: 10 });
  const october = (): { version: string; data: string } => ({
    version: "2026-10-30.1",
    data: files.october,
  });
  const novemberModel = (): { version: string; data: string } => ({
    version: "2026-11-27.1",
    data: files.november,
  });

  /** AUC of the predictive service's scores on `rows` (scored through RRS, the swagger format). */
  async function servedAuc(rows: CensusRow[]): Promise<number> {
    const predictive = engine.resource("predictive");
    expectPresent(predictive);
    return servedAucOnRows(
      String(predictive.outputs.executionUrl),
      String(predictive.outputs.primaryKey),
      rows,
    );
  }

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-"));
    november = generateCensusRows({ rows: 2000, seed: 99, drift: 1 });
    const write = (name: string, rows: CensusRow[]): string => writeCensusCsv(work, name, rows);
    files = {
      october: write("census-2026-10.csv", generateCensusRows({ rows: 4000, seed: 1, drift: 0 })),
      november: write("census-2026-11.csv", generateCensusRows({ rows: 4000, seed: 2, drift: 1 })),
      // Labels unrelated to the features: any model trained on them fails an AUC gate.
      noise: write(
        "census-noise.csv",
        shuffledLabels(generateCensusRows({ rows: 4000, seed: 3, drift: 0 })),
      ),
      big: write("census-big.csv", generateCensusRows({ rows: 300_000, seed: 4, drift: 1 })),
    };
    stack = await startLocalStack(work, {
      passphrase: "e2e passphrase",
      azuriteBlobEndpoint: azuriteBlobEndpoint(),
      hostEnv: { AZUREML_RETRAIN_LOG: "" },
    });
    ({ emulator, engine } = stack);
    hostLines = new OutputCursor(stack.host);
    // A container the stack does not own: destroy must leave it alone.
    await blobService(azuriteConnectionString()).getContainerClient("keep-me").createIfNotExists();
  });

  after(async () => {
    await stack?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("1. fresh up trains, gates and promotes; RRS scores with the new model", async () => {
    const result = await engine.up(config(october()));
    expect(result.error, result.error?.message).to.equal(undefined);
    expect(opsOf(result)).to.deep.equal({
      storage: "create",
      "storage-containers": "create",
      training: "create",
      model: "create",
      predictive: "create",
      classic: "create",
      "endpoint-contoso": "create",
    });
    const lines = hostLines.take();
    expect(
      lines.some((l) => /submitted BES job [0-9a-f]{32}/.test(l)),
      "a BES job ran",
    ).to.equal(true);
    expect(
      lines.some((l) => /gate PASSED/.test(l)),
      "the gate passed",
    ).to.equal(true);
    const metrics = result.outputs.metrics as Record<string, number>;
    expect(metrics.AUC, `AUC ${metrics.AUC}`).to.be.above(0.75);
    expect(result.outputs.servedVersion).to.equal("2026-10-30.1");
    expect(result.secretOutputs.sort()).to.deep.equal(["modelLocation", "predictiveKey"]);
    const model = engine.resource("model");
    expect(await servedByPredictive(emulator)).to.equal(
      (model?.outputs.model as { uri: string }).uri,
    );
    const servedAucOct = await servedAuc(november.slice(0, 500));
    expect(servedAucOct, `served model scores November rows with AUC ${servedAucOct}`).to.be.above(
      0.7,
    );
    // The classic endpoint scores too, with its own key.
    const endpoint = engine.resource("endpoint-contoso");
    const rrs = new RrsClient(
      String(endpoint?.outputs.apiLocation),
      String(endpoint?.outputs.primaryKey),
    );
    const table = await rrs.executeTable({
      input1: {
        ColumnNames: Object.keys(november[0]).filter((c) => c !== "income"),
        Values: [
          Object.entries(november[0])
            .filter(([k]) => k !== "income")
            .map(([, v]) => (v === null ? null : String(v))),
        ],
      },
    });
    expect(table.output1.ColumnNames).to.deep.equal(["Scored Labels", "Scored Probabilities"]);
    expect(String(table.output1.Values[0][0])).to.match(/^(>50K|<=50K)$/);
  });

  it("2. a second up is a no-op: no change, no BES job, no upload", async () => {
    const result = await engine.up(config(october()));
    expect(result.error, result.error?.message).to.equal(undefined);
    expect(
      result.steps.every((s) => s.op === "same"),
      JSON.stringify(opsOf(result)),
    ).to.equal(true);
    const lines = hostLines.take();
    expect(
      lines.some((l) => /BES job|uploaded|uploading/.test(l)),
      lines.join("\n"),
    ).to.equal(false);
  });

  it("3. a version bump with newer data retrains, repoints, and scores the new data better", async () => {
    const before = await servedAuc(november);
    const preview = await engine.preview(config(novemberModel()));
    expect(opsOf(preview).model).to.equal("replace");
    expect(preview.steps.find((s) => s.name === "model")?.replaces).to.deep.equal([
      "version",
      "dataSha256",
    ]);
    const result = await engine.up(config(novemberModel()));
    expect(result.error, result.error?.message).to.equal(undefined);
    expect(opsOf(result).model).to.equal("replace");
    expect(opsOf(result).predictive).to.equal("update");
    expect(opsOf(result)["endpoint-contoso"]).to.equal("update");
    expect(
      result.steps.some((s) => s.op === "delete-replaced" && s.name === "model"),
      "the old model resource is retired last",
    ).to.equal(true);
    const lines = hostLines.take();
    expect(lines.some((l) => /submitted BES job/.test(l))).to.equal(true);
    const after = await servedAuc(november);
    expect(
      after,
      `AUC on November data: before ${before.toFixed(4)}, after ${after.toFixed(4)}`,
    ).to.be.above(before + 0.005);
    const model = engine.resource("model");
    expect(String((model?.outputs.model as { uri: string }).uri)).to.match(
      /\/models\/2026-11-27\.1\//,
    );
    expect(await servedByPredictive(emulator)).to.equal(
      (model?.outputs.model as { uri: string }).uri,
    );
  });

  it("4. rolling back re-serves the earlier model without training", async () => {
    const result = await engine.up(config(october()));
    expect(result.error, result.error?.message).to.equal(undefined);
    expect(opsOf(result).model).to.equal("replace");
    const lines = hostLines.take();
    expect(
      lines.some((l) => /reusing it, no training/.test(l)),
      lines.join("\n"),
    ).to.equal(true);
    expect(
      lines.some((l) => /submitted BES job/.test(l)),
      "no BES job",
    ).to.equal(false);
    expect(result.outputs.reused).to.equal(true);
    expect(await servedByPredictive(emulator)).to.match(/\/models\/2026-10-30\.1\//);
  });

  it("5. a model that fails the gate fails up with its metrics; nothing changes", async () => {
    const stateBefore = JSON.stringify(engine.state);
    const servedBefore = await servedByPredictive(emulator);
    const result = await engine.up(config({ version: "2026-12-01.1", data: files.noise }));
    expectPresent(result.error, "up failed");
    expect(result.error.message).to.match(/failed the promotion gate: AUC 0\.\d+ < min 0\.7500/);
    expect(result.error.message).to.match(/served model is unchanged/);
    expect(await servedByPredictive(emulator)).to.equal(servedBefore);
    expect(JSON.stringify(engine.state), "state unchanged").to.equal(stateBefore);
    const endpoint = await new ClassicManagementClient(
      emulator.credentials.workspaceToken,
    ).getEndpoint(localWebServiceRef(emulator), "contoso");
    expect(endpoint?.Resources[0].Location.RelativeLocation ?? "").to.match(/2026-10-30\.1/);
    hostLines.take();
  });

  it("6. the emulator killed mid-job fails up with the job id; after a restart up converges", async () => {
    const model = { version: "2026-12-02.1", data: files.big };
    const running = engine.up(config(model));
    // Wait until the job is submitted, then kill the emulator under it.
    for (let i = 0; i < 600 && !hostLines.peek().some((l) => /submitted BES job/.test(l)); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const jobLine = hostLines.peek().find((l) => /submitted BES job/.test(l));
    expectPresent(jobLine, "the job was submitted");
    const jobId = /BES job ([0-9a-f]{32})/.exec(jobLine)![1];
    await emulator.kill();
    const failed = await running;
    expectPresent(failed.error, "up failed");
    expect(failed.error.message).to.match(new RegExp(jobId));
    await emulator.restart();
    expect(await servedByPredictive(emulator), "previous model kept").to.match(
      /\/models\/2026-10-30\.1\//,
    );
    hostLines.take();
    const result = await engine.up(config(model));
    expect(result.error, result.error?.message).to.equal(undefined);
    expect(opsOf(result).model).to.equal("replace");
    expect(await servedByPredictive(emulator)).to.match(/\/models\/2026-12-02\.1\//);
    hostLines.take();
    // The reliability summary (issue 7) counts this fault here rather than injecting it twice.
    recordFault({
      fault: "emulator killed (SIGKILL) mid-job, then restarted (e2e scenario 6)",
      injected: 1,
      outcome: "failed clearly",
      previousModelServed: true,
      converged: true,
      test: "convergence 6",
    });
  });

  it("7. drift: an endpoint repointed by hand is seen by refresh and restored by up", async () => {
    const declared = engine.resource("model")?.outputs.model as {
      baseLocation: string;
      relativeLocation: string;
    };
    const classic = new ClassicManagementClient(emulator.credentials.workspaceToken);
    // Someone points contoso back at October's model by hand.
    const octoberBlob = "2026-10-30.1/";
    const blobs = blobService(azuriteConnectionString())
      .getContainerClient("models")
      .listBlobsFlat({ prefix: octoberBlob });
    let octoberModel = "";
    for await (const b of blobs) if (b.name.endsWith(".ilearner")) octoberModel = b.name;
    expect(octoberModel).to.be.ok;
    const { mintReadSas, parseConnectionString } = await import("../../clients/storage");
    await classic.patchEndpoint(localWebServiceRef(emulator), "contoso", {
      Resources: [
        {
          Name: MODEL_ASSET,
          Location: {
            BaseLocation: `${azuriteBlobEndpoint()}/`,
            RelativeLocation: `models/${octoberModel}`,
            SasBlobToken: mintReadSas(
              parseConnectionString(azuriteConnectionString()),
              "models",
              octoberModel,
            ),
          },
        },
      ],
    });
    await engine.refresh();
    const endpoint = engine.resource("endpoint-contoso");
    expect(String(endpoint?.outputs.servedModelUri), "refresh sees the drift").to.match(
      /2026-10-30\.1/,
    );
    const preview = await engine.preview(config({ version: "2026-12-02.1", data: files.big }));
    expect(opsOf(preview)["endpoint-contoso"]).to.equal("update");
    const result = await engine.up(config({ version: "2026-12-02.1", data: files.big }));
    expect(result.error, result.error?.message).to.equal(undefined);
    expect(opsOf(result)["endpoint-contoso"]).to.equal("update");
    const after = await classic.getEndpoint(localWebServiceRef(emulator), "contoso");
    expect(after?.Resources[0].Location.RelativeLocation).to.equal(declared.relativeLocation);
  });

  it("8. destroy removes everything the stack created and nothing else", async () => {
    const result = await engine.destroy();
    expect(result.error, result.error?.message).to.equal(undefined);
    expect(engine.state.filter((r) => r.custom).length).to.equal(0);
    expect(await localArm(emulator).get(localServiceRef(emulator))).to.equal(undefined);
    expect(await localArm(emulator).get(localServiceRef(emulator, "census-training"))).to.equal(
      undefined,
    );
    expect(
      await new ClassicManagementClient(emulator.credentials.workspaceToken).getWebService(
        localWebServiceRef(emulator),
      ),
    ).to.equal(undefined);
    const containers: string[] = [];
    for await (const c of blobService(azuriteConnectionString()).listContainers())
      containers.push(c.name);
    expect(containers, "a container the stack did not create is untouched").to.include("keep-me");
    expect(
      !containers.includes("models") && !containers.includes("training-data"),
      containers.join(","),
    ).to.equal(true);
  });
});
