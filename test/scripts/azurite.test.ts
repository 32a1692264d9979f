import { expect } from "chai";
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
    expect(body.toString()).to.equal("hello");
    await container.delete();
  });

  it("a second instance starts on its own port and stops without leaving a process", async () => {
    const azurite = await startAzurite();
    try {
      expect(azurite.blobEndpoint).to.not.equal(process.env.AZURITE_BLOB_ENDPOINT);
      const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
      const names: string[] = [];
      for await (const c of service.listContainers()) names.push(c.name);
      expect(names).to.deep.equal([]);
    } finally {
      await azurite.stop();
    }
    expect(azurite.process.exitCode !== null || azurite.process.signalCode !== null).to.equal(true);
  });
});
