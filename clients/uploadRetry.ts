/**
 * A content-addressed upload that survives losing its staged blocks.
 *
 * `uploadFileContentAddressed` stages blocks and commits them last. The commit fails with
 * 400 `InvalidBlockList` when the blocks are gone by then, which happens in two ordinary ways:
 * - another upload of the same content committed first (two stacks or CI runs sharing a data
 *   container): committing a block list discards the blob's other uncommitted blocks, so the
 *   second uploader's blocks vanish although the content it wanted is now stored;
 * - the store lost them: Azurite killed mid-upload keeps only what it autosaved (the reliability
 *   tests restart it under an upload).
 * Trying again settles both: the upload first checks for a blob with the same SHA-256 (then
 * nothing is sent), else stages fresh blocks. Nothing is ever committed that was not verified.
 */
import type * as storageBlob from "@azure/storage-blob";
import { uploadFileContentAddressed, type UploadOptions, type UploadResult } from "./storage";

/**
 * {@link uploadFileContentAddressed}, tried again (at most twice) when the commit finds its
 * blocks gone.
 * @param blob - the content-addressed blob
 * @param filePath - the local file
 * @param options - as for `uploadFileContentAddressed`
 * @param onRetry - told why before each new attempt (a printable line, no secrets)
 */
export async function uploadFileSurvivingLostBlocks(
  blob: storageBlob.BlockBlobClient,
  filePath: string,
  options: UploadOptions,
  onRetry?: (reason: string) => void,
): Promise<UploadResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadFileContentAddressed(blob, filePath, options);
    } catch (e) {
      const lost =
        (e as { statusCode?: number }).statusCode === 400 &&
        (e as { code?: string }).code === "InvalidBlockList";
      if (!lost || attempt >= 3) throw e;
      onRetry?.(
        `the staged blocks were gone at commit (another upload of the same data committed first, or the store lost them): attempt ${attempt + 1}`,
      );
    }
  }
}
