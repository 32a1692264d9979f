import assert from "node:assert/strict";
import { BlobServiceClient } from "@azure/storage-blob";
import { startAzurite } from "../../scripts/azurite";
import { azuriteConnectionString, uniqueName } from "../helpers/env";

describe("scripts/azurite", () => {
  it("the global fixture's Azurite stores and returns a blob", async () => {
    const service = BlobServiceClient.fromConnectionString(azuriteConnectionString());
    const container = service.getContainerClient(uniqueName("t"));
    await container.create();
    const blob = container.getBlockBlobClient("hello.txt");
    await blob.upload("hello", 5);
    const body = await blob.downloadToBuffer();
    assert.equal(body.toString(), "hello");
    await container.delete();
  });

  it("a second instance starts on its own port and stops without leaving a process", async () => {
    const azurite = await startAzurite();
    try {
      assert.notEqual(azurite.blobEndpoint, process.env.AZURITE_BLOB_ENDPOINT);
      const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
      const names: string[] = [];
      for await (const c of service.listContainers()) names.push(c.name);
      assert.deepEqual(names, []);
    } finally {
      await azurite.stop();
    }
    assert.ok(azurite.process.exitCode !== null || azurite.process.signalCode !== null);
  });
});
