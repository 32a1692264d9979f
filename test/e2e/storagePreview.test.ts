/**
 * The local model storage (`LocalContainers`) updated in a preview keeps its account name known,
 * so what uses it (the web services' `storageAccount.name`, which replaces them when it changes)
 * does not preview as replaced: the account name and blob endpoint are in its checked inputs,
 * which the engine takes as the outputs of a previewed update.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { blobService } from "../../clients/storage";
import { EngineDouble, stepLines } from "../../harness/engine";
import { PROJECT_DIR, ProviderHost } from "../../harness/providerHost";
import { azuriteConnectionString, uniqueName } from "../helpers/env";

const PROGRAM = path.join(__dirname, "fixtures", "storageProgram.ts");

describe("local model storage updated in a preview", function () {
  this.timeout(120_000);
  let work: string;
  let host: ProviderHost;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "storage-preview-"));
    host = await ProviderHost.start(PROJECT_DIR, { ...process.env, AZUREML_RETRAIN_LOG: "silent" });
  });
  after(async () => {
    await host?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("keeps the account name known: its users are not previewed as replaced", async () => {
    const engine = new EngineDouble({
      host,
      project: "fixture",
      stack: "storage",
      passphrase: "storage passphrase",
      program: PROGRAM,
      reload: [PROGRAM],
      checkpoint: path.join(work, "checkpoint.json"),
    });
    const containers = { dataContainer: uniqueName("data"), modelContainer: uniqueName("models") };
    const connectionString = azuriteConnectionString();
    const log = path.join(work, "calls.jsonl");
    const up = await engine.up({ connectionString, ...containers, log });
    expect(up.error, up.error?.message).to.equal(undefined);
    try {
      // Another key for the same account (a rotation): LocalContainers updates in place.
      const rotated = connectionString.replace(/AccountKey=[^;]+/, "AccountKey=cm90YXRlZA==");
      const preview = await engine.preview({ connectionString: rotated, ...containers, log });
      expect(preview.error, preview.error?.message).to.equal(undefined);
      expect(stepLines(preview)).to.deep.equal([
        "same consumer",
        "same storage",
        "update storage-containers",
      ]);
    } finally {
      const destroyed = await engine.destroy();
      expect(destroyed.error, destroyed.error?.message).to.equal(undefined);
    }
    const service = blobService(connectionString);
    expect(await service.getContainerClient(containers.dataContainer).exists()).to.equal(false);
  });
});
