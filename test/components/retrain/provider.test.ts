/**
 * The retrain provider's methods called directly (as the host calls them) against Azurite and a
 * real emulator: check, diff, create (train, reuse, gate, job failure), read, delete.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { blobService } from "../../../clients/storage";
import { loadDefinition, trainingShape } from "../../../components/definition";
import { dataBlobName } from "../../../components/retrain/logic";
import { trainedModelProvider as provider } from "../../../components/retrain/provider";
import type { TrainedModelInputs, TrainedModelOutputs } from "../../../components/retrain/types";
import { webServiceProvider } from "../../../components/webService";
import type { WebServiceOutputs } from "../../../components/webService";
import { censusToCsv, generateCensusRows } from "../../../data/generate";
import { shuffledLabels } from "../../e2e/harness/localStack";
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
    const definition = loadDefinition("services/census-training.json");
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
      assert.deepEqual(failures, []);
      assert.equal(
        inputs.dataSha256,
        execFileSync("sha256sum", [String(base.data)])
          .toString()
          .split(" ")[0],
      );
      assert.deepEqual(inputs.gate, { metric: "AUC", min: 0.75 });
      assert.deepEqual(inputs.parameters, { "Random seed": "7" });
      assert.equal(inputs.deadlineMinutes, 120);
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
        assert.ok(
          failures.some((f) => reason.test(`${f.property}: ${f.reason}`)),
          JSON.stringify(failures),
        );
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
      assert.equal(id, `v1@${outs.modelKey}`);
      assert.equal(outs.status, "ready");
      assert.equal(outs.reused, false);
      assert.match(outs.jobId ?? "", /^[0-9a-f]{32}$/);
      assert.ok(outs.metrics!.AUC > 0.75, `AUC ${outs.metrics!.AUC}`);
      assert.match(
        outs.model!.relativeLocation,
        new RegExp(`^${containers.models}/v1/${outs.modelKey}\\.ilearner$`),
      );
      assert.match(outs.modelSasToken ?? "", /^\?.*sig=/);
      const names: string[] = [];
      for await (const b of models().listBlobsFlat()) names.push(b.name);
      assert.deepEqual(names.sort(), [
        `v1/${outs.modelKey}.evaluation.csv`,
        `v1/${outs.modelKey}.ilearner`,
        `v1/${outs.modelKey}.metrics.json`,
      ]);
      const record = JSON.parse(
        (
          await models().getBlobClient(`v1/${outs.modelKey}.metrics.json`).downloadToBuffer()
        ).toString(),
      );
      assert.equal(record.jobId, outs.jobId);
      assert.ok(record.gatePassedAt);
      const data = blobService(azuriteConnectionString())
        .getContainerClient(containers.data)
        .getBlobClient(dataBlobName(inputs.dataSha256));
      assert.equal((await data.getProperties()).metadata?.sha256, inputs.dataSha256);
    });

    it("diff: nothing changed is no change; an edited data file replaces", async () => {
      const { inputs } = await check({});
      assert.deepEqual(await provider.diff!("id", first, inputs), {
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
      assert.notEqual(after.dataSha256, inputs.dataSha256);
      assert.deepEqual(await provider.diff!("id", first, after), {
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
      assert.equal(outs.reused, true);
      assert.equal(outs.jobId, first.jobId);
      assert.equal(outs.model!.uri, first.model!.uri);
      assert.deepEqual((await dataBlob.getProperties()).lastModified, before);
    });

    it("a model that fails the gate is refused with its metrics; the re-run re-checks without training", async () => {
      const noise = shuffledLabels(generateCensusRows({ rows: 3000, seed: 13, drift: 0 }));
      const { inputs } = await check({
        version: "v-noise",
        data: write("noise.csv", censusToCsv(noise)),
      });
      await assert.rejects(provider.create(inputs), (e: Error) => {
        assert.match(
          e.message,
          /model v-noise failed the promotion gate: AUC 0\.\d{4} < min 0\.7500/,
        );
        assert.match(e.message, /trained by BES job [0-9a-f]{32}/);
        return true;
      });
      await assert.rejects(provider.create(inputs), (e: Error) => {
        assert.match(e.message, /failed the promotion gate/);
        assert.doesNotMatch(e.message, /trained by BES job/, "no second job");
        return true;
      });
    });

    it("a failing job is reported with its id and the module's details", async () => {
      const rows = generateCensusRows({ rows: 500, seed: 14, drift: 0 });
      const csv = censusToCsv(rows).replace(/\n(\d+),/, "\nnot-a-number,");
      const { inputs } = await check({ version: "v-bad", data: write("bad.csv", csv) });
      await assert.rejects(provider.create(inputs), (e: Error) => {
        assert.match(e.message, /BES job [0-9a-f]{32} ended Failed: .*age/);
        assert.match(e.message, /served model is unchanged/);
        return true;
      });
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
      assert.deepEqual((await provider.read!(id, outs)).id, id);

      await provider.delete!(id, { ...outs, retain: true });
      assert.ok(await models().getBlobClient(`v2/${outs.modelKey}.ilearner`).exists(), "retained");

      await provider.delete!(id, outs);
      assert.equal(await models().getBlobClient(`v2/${outs.modelKey}.ilearner`).exists(), false);
      assert.equal(
        await models().getBlobClient(`v2/${outs.modelKey}.metrics.json`).exists(),
        false,
      );
      await provider.delete!(id, outs); // already gone: not an error
      assert.equal((await provider.read!(id, outs)).id, "", "read reports it gone");
    });
  });
});
