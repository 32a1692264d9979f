/**
 * Access to what the global fixture started, and unique names so suites never collide.
 */
import { randomBytes } from "node:crypto";

/** Connection string of the run's Azurite (set by `test/fixtures.ts`). */
export function azuriteConnectionString(): string {
  const value = process.env.AZURITE_CONNECTION_STRING;
  if (!value) throw new Error("AZURITE_CONNECTION_STRING is not set: run the tests through mocha");
  return value;
}

/** Blob endpoint of the run's Azurite development account. */
export function azuriteBlobEndpoint(): string {
  const value = process.env.AZURITE_BLOB_ENDPOINT;
  if (value) return value;
  const match = /BlobEndpoint=([^;]+)/.exec(azuriteConnectionString());
  if (!match) throw new Error("the Azurite connection string has no BlobEndpoint");
  return match[1];
}

/** A lowercase name unique to this run, valid as a container or endpoint name (≤ 24 chars). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`.toLowerCase().slice(0, 24);
}

/** A lowercase id unique to this run, without dashes (workspace and web service ids). */
export function uniqueId(prefix: string): string {
  return uniqueName(prefix).replace(/-/g, "");
}

export { setEnv } from "../../harness/env";
