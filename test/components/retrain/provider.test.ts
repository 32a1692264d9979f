/**
 * The retrain provider's methods called directly (as the host calls them) against Azurite and a
 * real emulator: check, diff, create (train, reuse, gate, job failure), read, delete.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { blobService } from "../../../clients/storage";
import { loadDefinition, trainingShape } from "../../../components/definition";
import { dataBlobName } from "../../../components/retrain/logic";
import { trainedModelProvider as provider } from "../../../components/retrain/provider";
import type { TrainedModelInputs, TrainedModelOutputs } from "../../../components/retrain/types";
import { webServiceProvider } from "../../../components/webService/provider";
import type { WebServiceOutputs } from "../../../components/webService/types";
import { censusToCsv, generateCensusRows } from "../../../data/generate";
import { shuffledLabels } from "../../../harness/localStack";
import { azuriteConnectionString, setEnv, uniqueName } from "../../helpers/env";
import { startTestEmulator, testStorageKey, type TestEmulator } from "../../helpers/emulator";

type Checked = TrainedModelInputs & { dataSha256: string };

describe("retrain provider against Azurite and the emulator", function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let dir: string;
  let cacheDir: string;
  let restoreEnv: (() => void) | undefined;
  let training: WebServiceOutputs;
  let base: Record<string, unknown>;
  const containers = { data: uniqueName("data"), models: uniqueName("models") };

  const write = (name: string, content: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const check = async (
    overrides: Record<string, unknown>,
  ): Promise<{ inputs: Checked; failures: { property: string; reason: string }[] }> =>
    (await provider.check!({}, { ...base, ...overrides })) as {
      inputs: Checked;
      failures: { property: string; reason: string }[];
    };
  const models = () => blobService(azuriteConnectionString()).getContainerClient(containers.models);

  before(async () => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "hash-cache-"));
    restoreEnv = setEnv({ AZUREML_RETRAIN_LOG: "silent", AZUREML_RETRAIN_CACHE_DIR: cacheDir });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-"));
    emulator = await startTestEmulator();
    const definition = loadDefinition("definitions/census-training.json");
    const created = await webServiceProvider.create({
      role: "training",
      endpoint: emulator.url,
      subscriptionId: "00000000-0000-0000-0000-000000000000",
      resourceGroup: "provider-tests",
      name: uniqueName("training"),
      location: "local",
      token: emulator.credentials.armToken,
      definition: definition.properties,
      storageAccount: { name: "devstoreaccount1", key: testStorageKey() },
      workspaceId: "w",
    });
    training = created.outs as WebServiceOutputs;
    const shape = trainingShape(definition);
    base = {
      version: "v1",
      data: write(
        "october.csv",
        censusToCsv(generateCensusRows({ rows: 3000, seed: 11, drift: 0 })),
      ),
      parameters: {},
      gate: { metric: "AUC", min: 0.75 },
      retain: false,
      training: { executionUrl: training.executionUrl, apiKey: training.primaryKey, ...shape },
      store: {
        connectionString: azuriteConnectionString(),
        dataContainer: containers.data,
        modelContainer: containers.models,
      },
    };
  });

  after(async () => {
    restoreEnv?.();
    await emulator?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (cacheDir) fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  describe("check", () => {
    it("computes the data's SHA-256 and normalizes the inputs", async () => {
      const { inputs, failures } = await check({
        gate: { metric: "auc", min: 0.75 },
        parameters: { "Random seed": 7 },
      });
      expect(failures).to.deep.equal([]);
      expect(inputs.dataSha256).to.equal(
        execFileSync("sha256sum", [String(base.data)])
          .toString()
          .split(" ")[0],
      );
      expect(inputs.gate).to.deep.equal({ metric: "AUC", min: 0.75 });
      expect(inputs.parameters).to.deep.equal({ "Random seed": "7" });
      expect(inputs.deadlineMinutes).to.equal(120);
    });

    const bad: [string, () => Record<string, unknown>, RegExp][] = [
      [
        "a missing file",
        () => ({ data: path.join(dir, "nope.csv") }),
        /data: file ".*nope\.csv" does not exist/,
      ],
      [
        "a file that is not CSV",
        () => ({ data: write("data.json", "{}") }),
        /data: ".*data\.json" must be a \.csv file/,
      ],
      [
        "a header without the label",
        () => ({ data: write("nolabel.csv", "age,workclass\n1,x\n") }),
        /missing columns the training service needs: .*"income"/,
      ],
      [
        "an extra column",
        () => ({
          data: write(
            "extra.csv",
            `${(base.training as { inputColumns: string[] }).inputColumns.join(",")},zip\n`,
          ),
        }),
        /columns the training service does not take: "zip"/,
      ],
      ["an empty file", () => ({ data: write("empty.csv", "") }), /the file is empty/],
      [
        "a bad version",
        () => ({ version: "v1/../x" }),
        /version: "v1\/\.\.\/x" is not a valid version/,
      ],
      [
        "an unknown gate metric",
        () => ({ gate: { metric: "ROC", min: 0.8 } }),
        /gate\.metric: "ROC" is not a metric/,
      ],
    ];
    for (const [name, overrides, reason] of bad) {
      it(`names the field for ${name}`, async () => {
        const { failures } = await check(overrides());
        expect(
          failures.some((f) => reason.test(`${f.property}: ${f.reason}`)),
          JSON.stringify(failures),
        ).to.equal(true);
      });
    }
  });

  describe("lifecycle", () => {
    let first: TrainedModelOutputs;

    it("create trains through BES, gates, and stores model, evaluation and metrics", async () => {
      const { inputs } = await check({});
      const { id, outs } = (await provider.create(inputs)) as {
        id: string;
        outs: TrainedModelOutputs;
      };
      first = outs;
      expect(id).to.equal(`v1@${outs.modelKey}`);
      expect(outs.status).to.equal("ready");
      expect(outs.reused).to.equal(false);
      expect(outs.jobId ?? "").to.match(/^[0-9a-f]{32}$/);
      expect(outs.metrics!.AUC, `AUC ${outs.metrics!.AUC}`).to.be.above(0.75);
      expect(outs.model!.relativeLocation).to.match(
        new RegExp(`^${containers.models}/v1/${outs.modelKey}\\.ilearner$`),
      );
      expect(outs.modelSasToken ?? "").to.match(/^\?.*sig=/);
      const names: string[] = [];
      for await (const b of models().listBlobsFlat()) names.push(b.name);
      expect(names.sort()).to.deep.equal([
        `v1/${outs.modelKey}.evaluation.csv`,
        `v1/${outs.modelKey}.ilearner`,
        `v1/${outs.modelKey}.metrics.json`,
      ]);
      const record = JSON.parse(
        (
          await models().getBlobClient(`v1/${outs.modelKey}.metrics.json`).downloadToBuffer()
        ).toString(),
      );
      expect(record.jobId).to.equal(outs.jobId);
      expect(record.gatePassedAt).to.be.ok;
      const data = blobService(azuriteConnectionString())
        .getContainerClient(containers.data)
        .getBlobClient(dataBlobName(inputs.dataSha256));
      expect((await data.getProperties()).metadata?.sha256).to.equal(inputs.dataSha256);
    });

    it("diff: nothing changed is no change; an edited data file replaces", async () => {
      const { inputs } = await check({});
      expect(await provider.diff!("id", first, inputs)).to.deep.equal({
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      });
      const edited = write(
        "october-edited.csv",
        censusToCsv(generateCensusRows({ rows: 3000, seed: 12, drift: 0 })),
      );
      fs.copyFileSync(edited, String(base.data));
      const { inputs: after } = await check({});
      expect(after.dataSha256).to.not.equal(inputs.dataSha256);
      expect(await provider.diff!("id", first, after)).to.deep.equal({
        changes: true,
        replaces: ["dataSha256"],
        deleteBeforeReplace: false,
      });
      fs.writeFileSync(
        String(base.data),
        censusToCsv(generateCensusRows({ rows: 3000, seed: 11, drift: 0 })),
      );
    });

    it("create with the same version, data and parameters reuses the model: no job, no upload", async () => {
      const { inputs } = await check({});
      const dataBlob = blobService(azuriteConnectionString())
        .getContainerClient(containers.data)
        .getBlobClient(dataBlobName(inputs.dataSha256));
      const before = (await dataBlob.getProperties()).lastModified;
      const { outs } = (await provider.create(inputs)) as { outs: TrainedModelOutputs };
      expect(outs.reused).to.equal(true);
      expect(outs.jobId).to.equal(first.jobId);
      expect(outs.model!.uri).to.equal(first.model!.uri);
      expect((await dataBlob.getProperties()).lastModified).to.deep.equal(before);
    });

    it("a model that fails the gate is refused with its metrics; the re-run re-checks without training", async () => {
      const noise = shuffledLabels(generateCensusRows({ rows: 3000, seed: 13, drift: 0 }));
      const { inputs } = await check({
        version: "v-noise",
        data: write("noise.csv", censusToCsv(noise)),
      });
      const refused: Error = await expect(provider.create(inputs)).to.be.rejectedWith(
        /model v-noise failed the promotion gate: AUC 0\.\d{4} < min 0\.7500/,
      );
      expect(refused.message).to.match(/trained by BES job [0-9a-f]{32}/);
      const again: Error = await expect(provider.create(inputs)).to.be.rejectedWith(
        /failed the promotion gate/,
      );
      expect(again.message, "no second job").to.not.match(/trained by BES job/);
    });

    it("a failing job is reported with its id and the module's details", async () => {
      const rows = generateCensusRows({ rows: 500, seed: 14, drift: 0 });
      const csv = censusToCsv(rows).replace(/\n(\d+),/, "\nnot-a-number,");
      const { inputs } = await check({ version: "v-bad", data: write("bad.csv", csv) });
      const failed: Error = await expect(provider.create(inputs)).to.be.rejectedWith(
        /BES job [0-9a-f]{32} ended Failed: .*age/,
      );
      expect(failed.message).to.match(/served model is unchanged/);
    });

    it("read reports a vanished model as gone; delete removes blobs unless retained", async () => {
      const { inputs } = await check({
        version: "v2",
        data: write("nov.csv", censusToCsv(generateCensusRows({ rows: 2000, seed: 15, drift: 1 }))),
      });
      const { id, outs } = (await provider.create(inputs)) as {
        id: string;
        outs: TrainedModelOutputs;
      };
      expect((await provider.read!(id, outs)).id).to.deep.equal(id);

      await provider.delete!(id, { ...outs, retain: true });
      expect(
        await models().getBlobClient(`v2/${outs.modelKey}.ilearner`).exists(),
        "retained",
      ).to.equal(true);

      await provider.delete!(id, outs);
      expect(await models().getBlobClient(`v2/${outs.modelKey}.ilearner`).exists()).to.equal(false);
      expect(await models().getBlobClient(`v2/${outs.modelKey}.metrics.json`).exists()).to.equal(
        false,
      );
      await provider.delete!(id, outs); // already gone: not an error
      expect((await provider.read!(id, outs)).id, "read reports it gone").to.equal("");
    });
  });
});
