/**
 * The emulator's implementation of the engine's {@link ModuleRuntime}: blob storage for Import
 * Data, Export Data and dataset assets, HTTP for Import Data's web URL source, and script
 * interpreters (`scripts.ts`). One runtime is made per BES job (on its worker thread) or RRS
 * call, bound to the service's own storage account, which is what an Import Data or Export Data
 * node means by "Account" with the workspace's account name and no key of its own.
 *
 * Errors thrown here carry messages safe to show: a blob path and a status, never a key or SAS.
 */
import type { BlobTarget, ModuleRuntime } from "../engine/api";
import {
  blobExists,
  describeBlob,
  describeStorageError,
  downloadBlob,
  uploadBlob,
  type ResolvedBlob,
  type StorageAccount,
} from "../blob/blobIo";
import type { ScriptSettings } from "../config";
import { assetBlobRef } from "../services/modelFetcher";
import { storageEndpoint } from "../services/storageAccounts";
import { runScript } from "./scripts";

/** What a runtime is bound to. */
export interface RuntimeOptions {
  /** The `--storage` base: where named accounts live. */
  readonly storageBase: string;
  /** The service's own storage account (its key is the emulator's to use). */
  readonly defaultStorage: StorageAccount | undefined;
  readonly scripts: ScriptSettings;
  /** The job's (or call's) output log: script output and what the runtime did. */
  readonly log: (line: string) => void;
}

/** Time an HTTP import may take. */
const HTTP_TIMEOUT_MS = 60_000;

/** An error whose message is safe to show, with a code the engine can test. */
export class RuntimeError extends Error {
  /**
   * @param message - safe text
   * @param code - `BlobExists` when an existing blob would be overwritten
   */
  constructor(
    message: string,
    readonly code?: "BlobExists",
  ) {
    super(message);
    this.name = "RuntimeError";
  }
}

/**
 * Resolves a blob target: a named account with its key, the service's own account when the
 * target names it without a key, or a URL (with a SAS, a connection string in `credentials`, or
 * the service's account key).
 * @param target - what the module asked for
 * @param options - the runtime's binding
 */
export function resolveTarget(target: BlobTarget, options: RuntimeOptions): ResolvedBlob {
  if (target.kind === "url") {
    if (!/^https?:\/\//i.test(target.url))
      throw new RuntimeError(`"${target.url.split("?")[0]}" is not an http(s) URL`);
    return assetBlobRef(target.url, target.credentials, options.defaultStorage);
  }
  const own = options.defaultStorage;
  let account: StorageAccount;
  if (target.key) {
    account = {
      accountName: target.account,
      accountKey: target.key,
      blobEndpoint: storageEndpoint(options.storageBase, target.account),
    };
  } else if (own && own.accountName.toLowerCase() === target.account.toLowerCase()) {
    account = own;
  } else {
    throw new RuntimeError(
      `no key for storage account "${target.account}": give the account key, or use the service's own storage account${own ? ` ("${own.accountName}")` : ""}`,
    );
  }
  return { mode: "key", account, container: target.container, blob: target.blob };
}

/**
 * A runtime bound to a service's storage and the emulator's script settings.
 * @param options - storage, scripts and the log
 */
export function createModuleRuntime(options: RuntimeOptions): ModuleRuntime {
  return {
    async readBlob(target) {
      const ref = resolveTarget(target, options);
      try {
        const bytes = await downloadBlob(ref);
        options.log(`read ${bytes.byteLength} bytes from ${describeBlob(ref)}`);
        return bytes;
      } catch (error) {
        throw new RuntimeError(`${describeBlob(ref)}: ${describeStorageError(error).reason}`);
      }
    },
    async writeBlob(target, bytes, { overwrite, contentType }) {
      const ref = resolveTarget(target, options);
      try {
        if (!overwrite && (await blobExists(ref)))
          throw new RuntimeError(describeBlob(ref), "BlobExists");
        await uploadBlob(ref, bytes, contentType);
        options.log(`wrote ${bytes.byteLength} bytes to ${describeBlob(ref)}`);
      } catch (error) {
        if (error instanceof RuntimeError) throw error;
        throw new RuntimeError(`${describeBlob(ref)}: ${describeStorageError(error).reason}`);
      }
    },
    async fetchUrl(url) {
      const shown = url.split("?")[0];
      let response: Response;
      try {
        response = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        throw new RuntimeError(`${shown}: ${cause ?? (error as Error).name}`);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new RuntimeError(`${shown}: HTTP ${response.status}`);
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      options.log(`downloaded ${bytes.byteLength} bytes from ${shown}`);
      return bytes;
    },
    runScript: (request) => runScript(request, options.scripts, options.log),
  };
}
