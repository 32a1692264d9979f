import { expect } from "chai";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  blobFromUrl,
  blobService,
  mintReadSas,
  parseConnectionString,
  splitRelativeLocation,
  uploadFileContentAddressed,
} from "../../clients/storage";
import { azuriteConnectionString, uniqueName } from "../helpers/env";

describe("clients/storage against Azurite", () => {
  let dir: string;
  const container = uniqueName("up");
  const client = () => blobService(azuriteConnectionString()).getContainerClient(container);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "upload-"));
    await client().create();
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await client().deleteIfExists();
  });

  const file = (name: string, bytes: Buffer): { file: string; sha: string } => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, bytes);
    return { file: p, sha: crypto.createHash("sha256").update(bytes).digest("hex") };
  };

  it("uploads in MD5-checked blocks, records the SHA-256, and skips a second upload", async () => {
    const bytes = crypto.randomBytes(5 * 1024 * 1024 + 123);
    const { file: p, sha } = file("a.bin", bytes);
    const blob = client().getBlockBlobClient(`sha256/${sha}`);
    const progress: number[] = [];
    const first = await uploadFileContentAddressed(blob, p, {
      expectedSha256: sha,
      blockSize: 1024 * 1024,
      concurrency: 3,
      onProgress: (e) => progress.push(e.bytes),
    });
    expect(first).to.deep.equal({ uploaded: true, bytes: bytes.length });
    expect(
      (await blob.downloadToBuffer()).equals(bytes),
      "the blob holds the file's bytes",
    ).to.equal(true);
    const blocks = await blob.getBlockList("committed");
    expect(blocks.committedBlocks?.length).to.equal(6);
    expect((await blob.getProperties()).metadata?.sha256).to.equal(sha);
    expect(progress.at(-1)).to.equal(bytes.length);
    const second = await uploadFileContentAddressed(blob, p, { expectedSha256: sha });
    expect(second).to.deep.equal({ uploaded: false, bytes: bytes.length });
  });

  it("reuses its block buffers without mixing blocks up (one or two in flight, short last block)", async () => {
    const bytes = crypto.randomBytes(7 * 256 * 1024 + 4321);
    const { file: p, sha } = file("reuse.bin", bytes);
    for (const concurrency of [1, 2]) {
      const blob = client().getBlockBlobClient(`reuse-${concurrency}`);
      await uploadFileContentAddressed(blob, p, {
        expectedSha256: sha,
        blockSize: 256 * 1024,
        concurrency,
      });
      expect((await blob.downloadToBuffer()).equals(bytes), `concurrency ${concurrency}`).to.equal(
        true,
      );
    }
  });

  it("never commits when the bytes read differ from the checked hash: no blob under the name", async () => {
    const { file: p } = file("b.bin", crypto.randomBytes(3 * 1024 * 1024));
    const expected = "0".repeat(64);
    const blob = client().getBlockBlobClient(`sha256/${expected}`);
    await expect(
      uploadFileContentAddressed(blob, p, { expectedSha256: expected, blockSize: 1024 * 1024 }),
    ).to.be.rejectedWith(/changed after it was checked .*nothing was committed/);
    expect(await blob.exists()).to.equal(false);
  });

  it("refuses an empty file", async () => {
    const { file: p, sha } = file("empty.csv", Buffer.alloc(0));
    await expect(
      uploadFileContentAddressed(client().getBlockBlobClient("x"), p, { expectedSha256: sha }),
    ).to.be.rejectedWith(/is empty/);
  });

  it("mints a read-only SAS: reads work, writes are refused", async () => {
    await client().getBlockBlobClient("model.ilearner").upload("model", 5);
    const sas = mintReadSas(
      parseConnectionString(azuriteConnectionString()),
      container,
      "model.ilearner",
      5,
    );
    expect(sas).to.match(/^\?.*sp=r(&|$)/);
    const url = `${client().url}/model.ilearner${sas}`;
    expect((await blobFromUrl(url).downloadToBuffer()).toString()).to.equal("model");
    const writer = blobFromUrl(url).getBlockBlobClient();
    await expect(writer.upload("x", 1)).to.be.rejected.and.eventually.have.property(
      "statusCode",
      403,
    );
  });

  it("parses connection strings and relative locations", () => {
    expect(
      parseConnectionString(
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=k==;EndpointSuffix=core.windows.net",
      ),
    ).to.deep.equal({
      accountName: "acct",
      accountKey: "k==",
      blobEndpoint: "https://acct.blob.core.windows.net",
    });
    expect(() => parseConnectionString("AccountName=a")).to.throw(
      /must have AccountName and AccountKey/,
    );
    expect(splitRelativeLocation("/models/v1/x.ilearner")).to.deep.equal({
      container: "models",
      blobName: "v1/x.ilearner",
    });
    expect(() => splitRelativeLocation("models")).to.throw(/not a container\/blob location/);
  });
});
