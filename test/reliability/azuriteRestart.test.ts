/**
 * Azurite restarted in the middle of an upload (issue 7, item 1): a dedicated Azurite on a fixed
 * port (never the run's global one) is stopped and started again while
 * `uploadFileContentAddressed` stages the blocks of a 48 MiB file. The upload either completes
 * (the storage SDK retries the blocks refused while Azurite was down) or fails with a storage
 * error, leaving nothing under the content-addressed name; the next attempt then succeeds and
 * the blob holds exactly the file's bytes.
 *
 * Two restarts: a graceful one (SIGTERM: Azurite saves its metadata, staged blocks survive) and
 * a crash (SIGKILL: blocks staged since Azurite's last autosave are lost, and the commit fails
 * with `InvalidBlockList`). The provider's upload path (`uploadFileSurvivingLostBlocks`, which
 * `stageData` uses) tries again in that case, so the crash is survived too; the same retry lets
 * two concurrent uploads of the same data both succeed (the first commit discards the other's
 * uncommitted blocks).
 */
import { AssertionError, expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { BlobServiceClient, type BlockBlobClient } from "@azure/storage-blob";
import {
  blobService,
  SHA256_METADATA,
  uploadFileContentAddressed,
  type UploadResult,
} from "../../clients/storage";
import { uploadFileSurvivingLostBlocks } from "../../clients/uploadRetry";
import { startAzurite, type AzuriteHandle } from "../../scripts/azurite";
import { recordFault } from "./summary";

/** A port free right now on the loopback interface (Azurite must come back on the same one). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("reliability: Azurite restarted in the middle of an upload", function () {
  this.timeout(180_000);
  let dir: string;
  let file: string;
  let sha256: string;
  let port: number;
  let azurite: AzuriteHandle | undefined;
  const size = 48 * 1024 * 1024;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "azurite-restart-"));
    file = path.join(dir, "data.csv");
    const bytes = randomBytes(size);
    fs.writeFileSync(file, bytes);
    sha256 = createHash("sha256").update(bytes).digest("hex");
    port = await freePort();
    azurite = await startAzurite({ port, location: path.join(dir, "azurite") });
  });

  after(async () => {
    await azurite?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A blob in the dedicated Azurite whose stageBlock calls are counted. The SDK's retry policy is
   * the provider's, with a shorter first delay (300 ms instead of 4 s) to keep the suite fast:
   * Azurite is back within about a second either way.
   */
  async function blobFor(name: string, onStage: (count: number) => void): Promise<BlockBlobClient> {
    const container = BlobServiceClient.fromConnectionString(azurite!.connectionString, {
      retryOptions: { retryDelayInMs: 300, maxTries: 6 },
    }).getContainerClient("restart");
    await container.createIfNotExists();
    const blob = container.getBlockBlobClient(name);
    let staged = 0;
    const stageBlock = blob.stageBlock.bind(blob);
    // Observes the upload's progress (the restart must happen in the middle of it); the call
    // itself goes to Azurite unchanged.
    blob.stageBlock = (...args: Parameters<BlockBlobClient["stageBlock"]>) => {
      onStage(++staged);
      return stageBlock(...args);
    };
    return blob;
  }

  /** Downloads a blob and hashes it. */
  async function contentSha256(blob: BlockBlobClient): Promise<string> {
    return createHash("sha256")
      .update(await blob.downloadToBuffer())
      .digest("hex");
  }

  const runs = [
    ["SIGTERM", "uploadFileContentAddressed"],
    ["SIGKILL", "uploadFileContentAddressed"],
    ["SIGKILL", "uploadFileSurvivingLostBlocks"],
  ] as const;
  for (const [signal, layer] of runs) {
    it(`${signal === "SIGTERM" ? "restarted" : "killed and restarted"} (${signal}) under ${layer}: completes or fails cleanly, and the next attempt succeeds`, async () => {
      const name = `sha256/${signal.toLowerCase()}-${layer}-${sha256}.csv`;
      const retries: string[] = [];
      let restart: Promise<void> | undefined;
      const blob = await blobFor(name, (count) => {
        // After 8 of 48 blocks: well inside the upload.
        if (count !== 8 || restart) return;
        restart = (async () => {
          const old = azurite!;
          if (signal === "SIGKILL") old.process.kill("SIGKILL");
          await old.stop();
          azurite = await startAzurite({ port, location: path.join(dir, "azurite") });
        })();
      });
      let result: UploadResult | undefined;
      let failure: unknown;
      try {
        const options = { expectedSha256: sha256, blockSize: 1024 * 1024, concurrency: 2 };
        result =
          layer === "uploadFileContentAddressed"
            ? await uploadFileContentAddressed(blob, file, options)
            : await uploadFileSurvivingLostBlocks(blob, file, options, (r) => retries.push(r));
      } catch (e) {
        failure = e;
      }
      // Asserted outside the try: a failed assertion is the test's failure, not the upload's.
      const outcome: "completed" | "failed" = result ? "completed" : "failed";
      if (result) expect(result.uploaded).to.equal(true);
      expect(restart, "Azurite was restarted during the upload").to.be.ok;
      await restart;
      if (layer === "uploadFileSurvivingLostBlocks") {
        expect(outcome, (failure as Error | undefined)?.message).to.equal("completed");
        expect(retries.join("\n")).to.match(/staged blocks were gone at commit/);
      }
      // The same client works against the restarted Azurite (same port, same data folder).
      const container = blobService(azurite!.connectionString).getContainerClient("restart");
      await container.createIfNotExists();
      const final = container.getBlockBlobClient(name);

      if (outcome === "completed") {
        const properties = await final.getProperties();
        expect(properties.metadata?.[SHA256_METADATA]).to.equal(sha256);
        expect(await contentSha256(final), "the committed blob is the whole file").to.equal(sha256);
      } else {
        // A storage error with a status or a network code, not a crash; nothing committed.
        expect(
          failure instanceof AssertionError,
          `a storage error, not an assertion: ${String(failure)}`,
        ).to.equal(false);
        const e = failure as { statusCode?: number; code?: string; message?: string };
        expect(
          e.statusCode !== undefined || (e.code !== undefined && e.code !== "ERR_ASSERTION"),
          `a storage error: ${e.message}`,
        ).to.equal(true);
        expect(await final.exists(), "nothing under the final name").to.equal(false);
      }

      // The next attempt succeeds (or finds the blob already stored), with the file's bytes.
      const again = await uploadFileContentAddressed(await blobFor(name, () => undefined), file, {
        expectedSha256: sha256,
        blockSize: 4 * 1024 * 1024,
      });
      expect(again.uploaded, "uploaded again only after a failure").to.equal(outcome === "failed");
      expect(await contentSha256(final)).to.equal(sha256);
      recordFault({
        fault: `Azurite ${signal === "SIGTERM" ? "restarted" : "killed"} (${signal}) mid-upload (block 8 of 48), ${layer}`,
        injected: 1,
        outcome: outcome === "completed" ? "survived" : "failed clearly",
        converged: true,
        test: `azuriteRestart ${signal} ${layer}`,
      });
    });
  }

  it("two concurrent uploads of the same data both succeed (the first commit drops the other's blocks)", async () => {
    const name = `sha256/concurrent-${sha256}.csv`;
    const options = { expectedSha256: sha256, blockSize: 1024 * 1024, concurrency: 2 };
    const upload = async () =>
      uploadFileSurvivingLostBlocks(await blobFor(name, () => undefined), file, options);
    const results = await Promise.all([upload(), upload()]);
    expect(
      results.some((r) => r.uploaded),
      "one of them uploaded",
    ).to.equal(true);
    const container = blobService(azurite!.connectionString).getContainerClient("restart");
    expect(await contentSha256(container.getBlockBlobClient(name))).to.equal(sha256);
    // Without the retry, the second commit fails although the content is stored.
    await container.getBlockBlobClient(name).delete();
    const raw = await Promise.allSettled([
      uploadFileContentAddressed(await blobFor(name, () => undefined), file, options),
      uploadFileContentAddressed(await blobFor(name, () => undefined), file, options),
    ]);
    const rejected = raw.filter((r) => r.status === "rejected");
    expect(rejected.length, "the bare upload loses the race").to.equal(1);
    expect(((rejected[0] as PromiseRejectedResult).reason as { code?: string }).code).to.equal(
      "InvalidBlockList",
    );
  });
});
