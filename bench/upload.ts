/**
 * Item 2: uploading the big training file to Azurite, three ways, interleaved in each round on a
 * fresh Azurite (so no contender inherits another's extents or a busier metadata store):
 *
 * - provider: `uploadFileContentAddressed` (the provider's upload path: 8 MiB blocks with
 *   Content-MD5, 4 in flight, SHA-256 checked before the commit);
 * - raw PUT: one `Put Blob` of the same bytes streamed by node:http (SAS auth), the ceiling of
 *   what Azurite ingests from one request on this machine;
 * - SDK default: `BlockBlobClient.uploadFile(path)` with no options (above 256 MiB it stages
 *   4 MiB blocks without Content-MD5, which Azurite 3.37 CRC-64s in JavaScript: `docs/azurite.md`).
 *
 * Ratios: raw PUT time / provider time (goal ≥ 0.9) and SDK time / provider time (goal ≥ 2).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { uploadFileContentAddressed } from "../clients/storage";
import { sha256File } from "../components/retrain/dataFile";
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, type AzuriteHandle } from "../scripts/azurite";
import {
  interleave,
  median,
  mibPerSecond,
  range,
  times,
  type BenchContext,
  type ItemResult,
} from "./lib/common";

/** Streams `file` to Azurite in one Put Blob request (the raw ceiling). */
async function rawPutBlob(
  azurite: AzuriteHandle,
  container: string,
  blobName: string,
  file: string,
): Promise<void> {
  const size = fs.statSync(file).size;
  const sas = generateBlobSASQueryParameters(
    {
      containerName: container,
      blobName,
      permissions: BlobSASPermissions.parse("cw"),
      expiresOn: new Date(Date.now() + 3600_000),
    },
    new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
  ).toString();
  const url = new URL(`${azurite.blobEndpoint}/${container}/${blobName}?${sas}`);
  await new Promise<void>((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "PUT",
        headers: {
          "Content-Length": String(size),
          "Content-Type": "text/csv",
          "x-ms-blob-type": "BlockBlob",
        },
      },
      (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () =>
          response.statusCode === 201
            ? resolve()
            : reject(new Error(`raw PUT answered ${response.statusCode}: ${body.slice(0, 300)}`)),
        );
      },
    );
    request.on("error", reject);
    pipeline(fs.createReadStream(file, { highWaterMark: 1024 * 1024 }), request).catch(reject);
  });
}

/** Runs item 2. */
export async function benchUpload(ctx: BenchContext): Promise<ItemResult[]> {
  const file = await ctx.bigFile();
  const size = fs.statSync(file).size;
  const sha256 = await sha256File(file);
  const rounds = ctx.rounds;
  let azurite: AzuriteHandle | undefined;
  let service: BlobServiceClient | undefined;
  const container = "bench";
  const blobName = (kind: string): string => `${kind}-${crypto.randomBytes(4).toString("hex")}`;
  const check = async (name: string): Promise<void> => {
    const props = await service!.getContainerClient(container).getBlobClient(name).getProperties();
    if (props.contentLength !== size)
      throw new Error(`${name}: ${props.contentLength} bytes stored, ${size} sent`);
  };

  const { ms } = await interleave(
    rounds,
    {
      provider: async () => {
        const name = blobName("provider");
        const blob = service!.getContainerClient(container).getBlockBlobClient(name);
        const result = await uploadFileContentAddressed(blob, file, { expectedSha256: sha256 });
        if (!result.uploaded) throw new Error("the provider path skipped the upload");
        await check(name);
      },
      rawPut: async () => {
        const name = blobName("raw");
        await rawPutBlob(azurite!, container, name, file);
        await check(name);
      },
      sdkDefault: async () => {
        const name = blobName("sdk");
        await service!.getContainerClient(container).getBlockBlobClient(name).uploadFile(file);
        await check(name);
      },
    },
    {
      log: ctx.log,
      beforeRound: async (round) => {
        azurite = await startAzurite({ location: path.join(ctx.tmp, `azurite-upload-${round}`) });
        service = BlobServiceClient.fromConnectionString(azurite.connectionString);
        await service.getContainerClient(container).create();
      },
      afterRound: async (round) => {
        await azurite?.stop();
        // stop() keeps a location it was given; three copies of the file are too much to keep.
        fs.rmSync(path.join(ctx.tmp, `azurite-upload-${round}`), { recursive: true, force: true });
      },
    },
  );

  const provider = median(ms.provider);
  const raw = median(ms.rawPut);
  const sdk = median(ms.sdkDefault);
  const speed = (t: number): string => `${mibPerSecond(size, t).toFixed(0)} MiB/s`;
  const vsRaw = raw / provider;
  const vsSdk = sdk / provider;
  const common = `${rounds} rounds, each on a fresh Azurite 3.37 (scripts/azurite.ts, disk persistence in the temp dir), the three uploads of the round in rotated order, medians; every upload is checked for its stored length.`;
  return [
    {
      id: "2a",
      title: "Upload: provider path vs raw loopback Put Blob (the limit)",
      goal: "≥ 0.9× the raw PUT's throughput",
      ratio: vsRaw,
      measured: `${times(vsRaw)} (provider ${(provider / 1000).toFixed(2)} s = ${speed(provider)}, raw PUT ${(raw / 1000).toFixed(2)} s = ${speed(raw)}; per-round ${range(
        ms.rawPut.map((t, i) => t / ms.provider[i]),
        2,
      )})`,
      met: vsRaw >= 0.9,
      notes: `Provider path: uploadFileContentAddressed in the bench process (existence check, 8 MiB blocks with Content-MD5, 4 in flight, SHA-256 verified, commit). Raw PUT: one Put Blob streamed from the file by node:http with 1 MiB reads and a SAS. ${common}`,
      raw: { bytes: size, providerMs: ms.provider, rawPutMs: ms.rawPut },
    },
    {
      id: "2b",
      title: "Upload: provider path vs BlockBlobClient.uploadFile defaults",
      goal: "≥ 2× the default uploadFile's throughput",
      ratio: vsSdk,
      measured: `${times(vsSdk)} (provider ${speed(provider)}, uploadFile ${(sdk / 1000).toFixed(2)} s = ${speed(sdk)}; per-round ${range(
        ms.sdkDefault.map((t, i) => t / ms.provider[i]),
        2,
      )})`,
      met: vsSdk >= 2,
      notes: `uploadFile(path) with default options: ${size > 256 * 2 ** 20 ? "above 256 MiB it stages 4 MiB blocks, 5 in flight, without Content-MD5, so Azurite 3.37 computes a JavaScript CRC-64 per block" : "at 256 MiB or less it sends one Put Blob"}. ${common}`,
      raw: { bytes: size, providerMs: ms.provider, sdkDefaultMs: ms.sdkDefault },
    },
  ];
}
