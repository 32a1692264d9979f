/**
 * Blob access of the v2 surface, through the workspace's datastores: a storage URI (a datastore
 * path, a job output, a blob URL of a datastore's container) is resolved to an account, a
 * container and a path, and the key comes from the datastore's secrets. Used to fetch code,
 * inputs and models, and to upload job outputs and logs.
 *
 * Datastores name an account but no endpoint the emulator could use (`endpoint` is
 * `core.windows.net`): the account lives under `--storage`, as ARM web services' accounts do.
 */
import { createWriteStream } from "node:fs";
import { mkdir, readdir, stat } from "node:fs/promises";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { describeStorageError, type StorageAccount } from "../../blob/blobIo";
import { storageEndpoint } from "../../services/storageAccounts";
import { ARTIFACT_DATASTORE } from "../constants";
import {
  childArmId,
  keyOf,
  parseBlobUrl,
  parseStorageUri,
  workspaceArmId,
  type WorkspaceRef,
} from "../ids";
import type { DatastoreSecretsRecord, JobInternal, ResourceRecord } from "../store/records";
import type { V2Store } from "../store/v2Store";

/** A resolved place in blob storage. */
export interface BlobPlace {
  readonly account: StorageAccount;
  readonly container: string;
  /** Blob name or prefix, without leading or trailing slashes ("" = the whole container). */
  readonly path: string;
  /** The datastore it was found through (for messages). */
  readonly datastore: string;
}

/** A storage failure in words safe to show (never a key or SAS). */
export class BlobAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlobAccessError";
  }
}

/** Resolves URIs through datastores and moves bytes. */
export class DatastoreBlobs {
  /**
   * @param store - the v2 records (datastores, jobs)
   * @param storageBase - the emulator's `--storage` base
   */
  constructor(
    private readonly store: V2Store,
    private readonly storageBase: string,
  ) {}

  /**
   * The account of a datastore's storage account name and key.
   * @param accountName - the account
   * @param accountKey - its key
   */
  account(accountName: string, accountKey: string): StorageAccount {
    return {
      accountName,
      accountKey,
      blobEndpoint: storageEndpoint(this.storageBase, accountName),
    };
  }

  /**
   * The blob URL of a place (what a code version's `codeUri` holds).
   * @param place - the place
   */
  urlOf(place: BlobPlace): string {
    const encoded = [place.container, ...place.path.split("/").filter((p) => p !== "")]
      .map(encodeURIComponent)
      .join("/");
    return `${place.account.blobEndpoint}/${encoded}`;
  }

  /**
   * A path in a named datastore.
   * @param ws - the workspace
   * @param datastore - the datastore name
   * @param blobPath - the path in its container
   */
  inDatastore(ws: WorkspaceRef, datastore: string, blobPath: string): BlobPlace {
    const record = this.store.get<DatastoreSecretsRecord>(
      keyOf(childArmId(ws, ["datastores", datastore])),
    );
    if (!record) throw new BlobAccessError(`datastore ${datastore} does not exist`);
    const props = record.body.properties as { accountName: string; containerName: string };
    const key = record.secrets?.accountKey;
    if (!key)
      throw new BlobAccessError(
        `datastore ${datastore} has no account key: the emulator reads datastores by account key`,
      );
    return {
      account: this.account(props.accountName, key),
      container: props.containerName,
      path: blobPath.replace(/^\/+|\/+$/g, ""),
      datastore: record.name,
    };
  }

  /**
   * Resolves a storage URI of the workspace to a place.
   * @param ws - the workspace
   * @param uri - `azureml://datastores/…`, `azureml://jobs/…/outputs/…`, or a blob URL
   */
  resolve(ws: WorkspaceRef, uri: string): BlobPlace {
    const parsed = parseStorageUri(uri, ws);
    if (typeof parsed === "string") throw new BlobAccessError(parsed);
    switch (parsed.kind) {
      case "datastore":
        return this.inDatastore(ws, parsed.datastore, parsed.path);
      case "jobOutput": {
        const job = this.store.get<unknown, JobInternal>(
          keyOf(childArmId(ws, ["jobs", parsed.job])),
        );
        if (!job) throw new BlobAccessError(`job ${parsed.job} does not exist`);
        const output = parsed.output.toLowerCase();
        if (output === "artifacts" || output === "default") {
          return this.inDatastore(
            ws,
            ARTIFACT_DATASTORE,
            `ExperimentRun/dcid.${job.name}/${parsed.path}`,
          );
        }
        const entry = Object.entries(job.internal?.outputUris ?? {}).find(
          ([name]) => name.toLowerCase() === output,
        );
        if (!entry) throw new BlobAccessError(`job ${parsed.job} has no output ${parsed.output}`);
        const base = this.resolve(ws, entry[1]);
        return { ...base, path: [base.path, parsed.path].filter((p) => p !== "").join("/") };
      }
      case "blobUrl": {
        const parts = parseBlobUrl(parsed.url);
        if (!parts) throw new BlobAccessError(`'${uri}' is not a blob URL`);
        const datastore = this.datastoreFor(ws, parts.account, parts.container);
        if (!datastore)
          throw new BlobAccessError(
            `no datastore of the workspace covers account ${parts.account}, container ${parts.container}`,
          );
        return this.inDatastore(ws, datastore.name, parts.path);
      }
      case "asset":
        throw new BlobAccessError(`'${uri}' is an asset reference, not a storage URI`);
    }
  }

  private datastoreFor(
    ws: WorkspaceRef,
    account: string,
    container: string,
  ): ResourceRecord | undefined {
    const wsKey = keyOf(workspaceArmId(ws));
    return this.store.list(wsKey, "datastores").items.find((record) => {
      const props = record.body.properties as { accountName?: string; containerName?: string };
      return (
        props.accountName?.toLowerCase() === account.toLowerCase() &&
        props.containerName === container
      );
    });
  }

  private container(place: BlobPlace): ContainerClient {
    return new ContainerClient(
      `${place.account.blobEndpoint}/${encodeURIComponent(place.container)}`,
      new StorageSharedKeyCredential(place.account.accountName, place.account.accountKey),
    );
  }

  private async guard<T>(what: string, place: BlobPlace, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof BlobAccessError) throw error;
      const failure = describeStorageError(error);
      throw new BlobAccessError(
        `${what} ${place.container}/${place.path} (datastore ${place.datastore}): ${failure.reason}`,
      );
    }
  }

  /** Creates a place's container when it is missing. */
  async ensureContainer(place: BlobPlace): Promise<void> {
    await this.guard("creating container for", place, async () => {
      await this.container(place).createIfNotExists();
    });
  }

  /** True when the container exists and the key opens it. */
  async containerReachable(place: BlobPlace): Promise<string | undefined> {
    try {
      const exists = await this.container(place).exists();
      return exists ? undefined : `container ${place.container} does not exist`;
    } catch (error) {
      return describeStorageError(error).reason;
    }
  }

  /**
   * Downloads a place to a local folder: the blob itself when one has exactly that name (a
   * `uri_file`), otherwise every blob under it as a folder. Returns the local path to bind:
   * the file, or the folder.
   * @param place - what to fetch
   * @param destination - a local folder (created)
   * @param want - `file`, `folder`, or `auto` (whichever exists)
   */
  async download(
    place: BlobPlace,
    destination: string,
    want: "file" | "folder" | "auto",
  ): Promise<{ readonly local: string; readonly files: number; readonly bytes: number }> {
    return this.guard("downloading", place, async () => {
      const container = this.container(place);
      await mkdir(destination, { recursive: true });
      if (want !== "folder" && place.path !== "") {
        const blob = container.getBlobClient(place.path);
        if (await blob.exists()) {
          const local = path.join(destination, safeRelative(path.posix.basename(place.path)));
          const response = await blob.download();
          await pipeline(response.readableStreamBody!, createWriteStream(local));
          return { local, files: 1, bytes: (await stat(local)).size };
        }
        if (want === "file")
          throw new BlobAccessError(`blob ${place.container}/${place.path} does not exist`);
      }
      const prefix = place.path === "" ? "" : `${place.path}/`;
      let files = 0;
      let bytes = 0;
      for await (const item of container.listBlobsFlat({ prefix })) {
        const relative = safeRelative(item.name.slice(prefix.length));
        if (relative === "") continue;
        const local = path.join(destination, relative);
        await mkdir(path.dirname(local), { recursive: true });
        const response = await container.getBlobClient(item.name).download();
        await pipeline(response.readableStreamBody!, createWriteStream(local));
        files++;
        bytes += item.properties.contentLength ?? 0;
      }
      if (files === 0)
        throw new BlobAccessError(
          `nothing under ${place.container}/${prefix} (datastore ${place.datastore})`,
        );
      return { local: destination, files, bytes };
    });
  }

  /**
   * The blobs under a place (read-only, for the portal): their paths below it and sizes, at most
   * `limit` of them.
   * @param place - the place
   * @param limit - most blobs listed
   */
  async list(
    place: BlobPlace,
    limit: number,
  ): Promise<{ readonly path: string; readonly bytes: number }[]> {
    return this.guard("listing", place, async () => {
      const prefix = place.path === "" ? "" : `${place.path}/`;
      const out: { path: string; bytes: number }[] = [];
      for await (const item of this.container(place).listBlobsFlat({ prefix })) {
        out.push({
          path: item.name.slice(prefix.length),
          bytes: item.properties.contentLength ?? 0,
        });
        if (out.length >= limit) break;
      }
      return out;
    });
  }

  /**
   * A blob's text (read-only, for the portal); undefined when it does not exist.
   * @param place - the blob
   */
  async readText(place: BlobPlace): Promise<string | undefined> {
    return this.guard("reading", place, async () => {
      const blob = this.container(place).getBlobClient(place.path);
      if (!(await blob.exists())) return undefined;
      return (await blob.downloadToBuffer()).toString("utf8");
    });
  }

  /**
   * The first bytes of a blob as text (read-only, for the portal: the head of a data file without
   * downloading all of it); undefined when it does not exist.
   * @param place - the blob
   * @param bytes - how many bytes at most
   */
  async readHead(
    place: BlobPlace,
    bytes: number,
  ): Promise<{ text: string; whole: boolean } | undefined> {
    return this.guard("reading", place, async () => {
      const blob = this.container(place).getBlobClient(place.path);
      if (!(await blob.exists())) return undefined;
      const size = (await blob.getProperties()).contentLength ?? 0;
      const length = Math.min(size, bytes);
      const head = length === 0 ? Buffer.alloc(0) : await blob.downloadToBuffer(0, length);
      return { text: head.toString("utf8"), whole: length >= size };
    });
  }

  /**
   * Uploads a local file or every file under a local folder to a place (files keep their
   * relative paths under it).
   * @param local - a file or folder
   * @param place - where
   */
  async upload(local: string, place: BlobPlace): Promise<number> {
    return this.guard("uploading to", place, async () => {
      const container = this.container(place);
      await container.createIfNotExists();
      const info = await stat(local);
      if (info.isFile()) {
        await container.getBlockBlobClient(place.path).uploadFile(local);
        return 1;
      }
      let count = 0;
      for (const relative of await listFiles(local)) {
        const name = [place.path, relative].filter((p) => p !== "").join("/");
        await container.getBlockBlobClient(name).uploadFile(path.join(local, relative));
        count++;
      }
      return count;
    });
  }

  /**
   * Uploads bytes to a place.
   * @param place - where (its path is the blob name)
   * @param content - the bytes
   */
  async uploadBytes(place: BlobPlace, content: string | Buffer): Promise<void> {
    await this.guard("uploading to", place, async () => {
      const container = this.container(place);
      await container.createIfNotExists();
      const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
      await container.getBlockBlobClient(place.path).uploadData(bytes);
    });
  }
}

/** A blob name as a relative local path: no absolute paths, no `..`. */
function safeRelative(name: string): string {
  const parts = name.split("/").filter((p) => p !== "" && p !== "." && p !== "..");
  return parts.join(path.sep);
}

/** Every file under a folder, as POSIX relative paths. */
async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), relative);
      else if (entry.isFile()) out.push(relative);
    }
  };
  await walk(root, "");
  return out.sort();
}
