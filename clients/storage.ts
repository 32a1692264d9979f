/**
 * Blob storage helpers of the retrain provider, on `@azure/storage-blob` with a connection string
 * (Azurite, or an Azure account key; the key travels as a Pulumi secret).
 *
 * The upload path is the part that moves gigabytes, so it is built for speed and safety:
 * - blocks of 8 MiB staged with a `Content-MD5` each, 4 in flight: Azurite 3.37 computes a pure-JS
 *   CRC-64 for every staged block sent *without* one, which caps block uploads at ~65 MiB/s
 *   (`docs/azurite.md`, uploads); with MD5 it takes ~200 MiB/s. Azurite ingests one block at a time, so more
 *   than 4 in flight only queue there (bench: 8 in flight was no faster and held 32 MiB more);
 * - the file is read once, in order, feeding SHA-256 and each block's MD5, into reused buffers:
 *   memory stays at (concurrency + 1) blocks, 40 MiB, whatever the file size;
 * - staged blocks are invisible until `commitBlockList`, which is only called after the SHA-256 of
 *   what was read matches the expected one: a failed or interrupted upload never leaves a partial
 *   blob under the content-addressed name (it plays the role of "upload to a temporary name, then
 *   rename", without the copy).
 */
import { createHash, randomBytes } from "node:crypto";
import { open, stat } from "node:fs/promises";
import type * as storageBlob from "@azure/storage-blob";
import { storageBlobModule } from "./modules";

/** The parts of a storage connection string the provider needs. */
export interface ConnectionInfo {
  readonly accountName: string;
  readonly accountKey: string;
  /** Blob endpoint without trailing slash, e.g. `http://127.0.0.1:10000/devstoreaccount1`. */
  readonly blobEndpoint: string;
}

/** Parses `AccountName`, `AccountKey` and the blob endpoint out of a connection string. */
export function parseConnectionString(connectionString: string): ConnectionInfo {
  const parts = new Map<string, string>();
  for (const piece of connectionString.split(";")) {
    const i = piece.indexOf("=");
    if (i > 0) parts.set(piece.slice(0, i).trim().toLowerCase(), piece.slice(i + 1).trim());
  }
  const accountName = parts.get("accountname");
  const accountKey = parts.get("accountkey");
  if (!accountName || !accountKey) {
    throw new Error("the storage connection string must have AccountName and AccountKey");
  }
  const protocol = parts.get("defaultendpointsprotocol") ?? "https";
  const suffix = parts.get("endpointsuffix") ?? "core.windows.net";
  const blobEndpoint = (
    parts.get("blobendpoint") ?? `${protocol}://${accountName}.blob.${suffix}`
  ).replace(/\/+$/, "");
  return { accountName, accountKey, blobEndpoint };
}

/** A blob service client for a connection string. */
export function blobService(connectionString: string): storageBlob.BlobServiceClient {
  return storageBlobModule().BlobServiceClient.fromConnectionString(connectionString);
}

/** Progress of an upload. */
export interface UploadProgress {
  readonly bytes: number;
  readonly totalBytes: number;
  readonly elapsedMs: number;
}

/** Options of {@link uploadFileContentAddressed}. */
export interface UploadOptions {
  /** Expected SHA-256 (hex) of the file; the upload is not committed when the bytes differ. */
  readonly expectedSha256: string;
  /** Block size in bytes (default 8 MiB). */
  readonly blockSize?: number;
  /** Blocks in flight (default 4). */
  readonly concurrency?: number;
  /** Content type of the blob (default `text/csv`). */
  readonly contentType?: string;
  /** Called at most about once a second, and at the end. */
  readonly onProgress?: (progress: UploadProgress) => void;
}

/** Result of {@link uploadFileContentAddressed}. */
export interface UploadResult {
  /** False when a blob with the same content was already stored (nothing was sent). */
  readonly uploaded: boolean;
  readonly bytes: number;
}

/** Metadata key holding a blob's SHA-256 (Azurite lower-cases keys, so it is lower case). */
export const SHA256_METADATA = "sha256";

/** True when the blob exists and its recorded SHA-256 is `sha256`. */
export async function blobHasSha256(
  blob: storageBlob.BlobClient,
  sha256: string,
): Promise<boolean> {
  try {
    const props = await blob.getProperties();
    return props.metadata?.[SHA256_METADATA] === sha256;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw e;
  }
}

/**
 * Uploads a local file to `blob` unless a blob with the same SHA-256 is already there. See the
 * module comment for why blocks carry MD5s and why the commit waits for the SHA-256 check.
 */
export async function uploadFileContentAddressed(
  blob: storageBlob.BlockBlobClient,
  filePath: string,
  options: UploadOptions,
): Promise<UploadResult> {
  const totalBytes = (await stat(filePath)).size;
  if (totalBytes === 0) throw new Error(`${filePath} is empty: there is nothing to train on`);
  if (await blobHasSha256(blob, options.expectedSha256))
    return { uploaded: false, bytes: totalBytes };

  const blockSize = options.blockSize ?? 8 * 1024 * 1024;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const started = Date.now();
  const sha = createHash("sha256");
  const blockIds: string[] = [];
  // A per-upload prefix keeps our uncommitted blocks apart from a concurrent uploader's.
  const prefix = randomBytes(6).toString("hex");
  const inFlight = new Set<Promise<void>>();
  // Block buffers are reused, so at most concurrency + 1 exist (one being filled). One fresh
  // buffer per block left garbage ArrayBuffers that V8 frees late: RSS rose ~110 MB above the
  // live blocks during a 1 GiB upload (bench item 6).
  const spare: Buffer[] = [];
  let firstError: unknown;
  let sent = 0;
  // The first progress line comes after a second: small files get only the final one.
  let lastReport = started;

  const handle = await open(filePath, "r");
  try {
    for (let offset = 0, index = 0; offset < totalBytes; index++) {
      const block = spare.pop() ?? Buffer.allocUnsafe(Math.min(blockSize, totalBytes));
      const buffer = block.subarray(0, Math.min(blockSize, totalBytes - offset));
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(
          buffer,
          filled,
          buffer.length - filled,
          offset + filled,
        );
        if (bytesRead === 0) throw new Error(`${filePath} shrank while it was being uploaded`);
        filled += bytesRead;
      }
      offset += buffer.length;
      sha.update(buffer);
      const blockId = Buffer.from(`${prefix}-${String(index).padStart(8, "0")}`).toString("base64");
      blockIds.push(blockId);
      const md5 = createHash("md5").update(buffer).digest();
      const task = blob
        .stageBlock(blockId, buffer, buffer.length, { transactionalContentMD5: md5 })
        .then(() => {
          sent += buffer.length;
          const now = Date.now();
          if (options.onProgress && now - lastReport >= 1000) {
            lastReport = now;
            options.onProgress({ bytes: sent, totalBytes, elapsedMs: now - started });
          }
        })
        .catch((e: unknown) => {
          firstError ??= e;
        })
        .finally(() => {
          inFlight.delete(task);
          spare.push(block);
        });
      inFlight.add(task);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (firstError) break;
    }
    await Promise.all(inFlight);
  } finally {
    await handle.close();
  }
  if (firstError) throw firstError;

  const actual = sha.digest("hex");
  if (actual !== options.expectedSha256) {
    throw new Error(
      `${filePath} changed after it was checked (sha256 ${actual.slice(0, 12)}… instead of ${options.expectedSha256.slice(0, 12)}…); nothing was committed: run the preview again`,
    );
  }
  await blob.commitBlockList(blockIds, {
    metadata: { [SHA256_METADATA]: actual },
    blobHTTPHeaders: { blobContentType: options.contentType ?? "text/csv" },
  });
  options.onProgress?.({ bytes: totalBytes, totalBytes, elapsedMs: Date.now() - started });
  return { uploaded: true, bytes: totalBytes };
}

/**
 * Mints a read-only SAS for one blob (`sr=b`, `sp=r`), valid from five minutes ago (clock skew)
 * for `minutes`. Returns the query string with its leading `?`, as BES `SasBlobToken`s are.
 */
export function mintReadSas(
  connection: ConnectionInfo,
  container: string,
  blobName: string,
  minutes = 60,
): string {
  const sdk = storageBlobModule();
  const credential = new sdk.StorageSharedKeyCredential(
    connection.accountName,
    connection.accountKey,
  );
  const now = Date.now();
  const sas = sdk.generateBlobSASQueryParameters(
    {
      containerName: container,
      blobName,
      permissions: sdk.BlobSASPermissions.parse("r"),
      startsOn: new Date(now - 5 * 60_000),
      expiresOn: new Date(now + minutes * 60_000),
      protocol: connection.blobEndpoint.startsWith("https:")
        ? sdk.SASProtocol.Https
        : sdk.SASProtocol.HttpsAndHttp,
    },
    credential,
  );
  return `?${sas.toString()}`;
}

/** Downloads a blob's content as UTF-8 text (small blobs: metrics, evaluation CSVs). */
export async function downloadText(blob: storageBlob.BlobClient): Promise<string> {
  return (await blob.downloadToBuffer()).toString("utf8");
}

/** Splits `container/path/to/blob` (a leading `/` is allowed) into its two parts. */
export function splitRelativeLocation(relativeLocation: string): {
  container: string;
  blobName: string;
} {
  const trimmed = relativeLocation.replace(/^\/+/, "");
  const i = trimmed.indexOf("/");
  if (i <= 0 || i === trimmed.length - 1) {
    throw new Error(`"${relativeLocation}" is not a container/blob location`);
  }
  return { container: trimmed.slice(0, i), blobName: trimmed.slice(i + 1) };
}

/** An anonymous client of a blob URL (one that carries its own SAS). */
export function blobFromUrl(url: string): storageBlob.BlobClient {
  return new (storageBlobModule().BlobClient)(url);
}
