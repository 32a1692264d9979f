/**
 * Azurite's development account, for the local stack, the scripts and the tests. Kept out of
 * `storage.ts` on purpose: that module is copied into every provider's serialized code, and the
 * providers must not carry a key in their text, even this published one.
 */

/** Azurite's published development account (not a secret: it is in Microsoft's docs). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
/** Azurite's published development key for {@link AZURITE_ACCOUNT}. */
export const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** The connection string of Azurite's development account on a blob endpoint (path style). */
export function azuriteConnectionString(blobEndpoint: string): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `BlobEndpoint=${blobEndpoint};`
  );
}
