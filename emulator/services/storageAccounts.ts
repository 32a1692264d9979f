/**
 * Where a service's own storage account lives. ARM web services name an account (`{name, key}`)
 * but no endpoint; the emulator places it under `--storage`: `{storage}/{name}` (Azurite's
 * path-style URLs), or, when `--storage` contains `{account}`, that template with the name filled
 * in (e.g. `https://{account}.blob.core.windows.net` for a real account).
 */
import type { StorageAccount } from "../blob/blobIo";

/**
 * The blob endpoint of a named account under the `--storage` base.
 * @param storage - the `--storage` base (no trailing slash)
 * @param accountName - the account
 */
export function storageEndpoint(storage: string, accountName: string): string {
  if (storage.includes("{account}")) return storage.split("{account}").join(accountName);
  return `${storage}/${accountName}`;
}

/**
 * A storage account usable with shared key, or undefined when the key is unknown.
 * @param storage - the `--storage` base
 * @param account - name and key as the service declared them
 */
export function storageAccountOf(
  storage: string,
  account: { readonly name: string; readonly key: string | undefined } | undefined,
): StorageAccount | undefined {
  if (!account?.name || !account.key) return undefined;
  return {
    accountName: account.name,
    accountKey: account.key,
    blobEndpoint: storageEndpoint(storage, account.name),
  };
}
