/**
 * Mocha global fixtures: one Azurite for the whole run (global fixtures run once, even with
 * --parallel). Suites get its connection string from the environment and create their own
 * uniquely named containers, so they never see each other's blobs.
 */
// First: on an old Node, stop with how to get Node 22 (before any import can fail).
import "../bin/check-node.cjs";
import * as chai from "chai";
import chaiAsPromised from "chai-as-promised";
import { startAzurite, type AzuriteHandle } from "../scripts/azurite";

// `expect(promise).to.be.rejectedWith(...)` in every suite: registered once, before any test file.
chai.use(chaiAsPromised);

let azurite: AzuriteHandle | undefined;

/** Starts Azurite unless the caller already points the tests at one. */
export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.AZURITE_CONNECTION_STRING) return;
  azurite = await startAzurite();
  process.env.AZURITE_CONNECTION_STRING = azurite.connectionString;
  process.env.AZURITE_BLOB_ENDPOINT = azurite.blobEndpoint;
}

/** Stops the Azurite this run started. */
export async function mochaGlobalTeardown(): Promise<void> {
  await azurite?.stop();
}
