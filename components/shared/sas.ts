import { blobUri } from "../../clients/classic";
import { mintReadSas, parseConnectionString, splitRelativeLocation } from "../../clients/storage";
import type { AzureBlobDetails } from "../../contract";

/**
 * SAS minting for the classic services, which copy a model from a SAS URL when patched. The SAS
 * is minted at PATCH time from the storage key, valid for an hour: a SAS copied from a BES
 * result would expire after about a day, the "expired SAS" pitfall of any later rollback.
 */

/** A model location without SAS (from a TrainedModel's `model`). */
export interface ModelRef {
  readonly baseLocation: string;
  readonly relativeLocation: string;
}

/** The model's URI without SAS (what a service reports serving), or undefined. */
export function modelUri(model: ModelRef | undefined): string | undefined {
  return model ? blobUri(model.baseLocation, model.relativeLocation) : undefined;
}

/** A full Azure blob location with a fresh read SAS for a model in the given storage account. */
export function locationWithFreshSas(
  model: ModelRef,
  storageConnectionString: string,
): AzureBlobDetails {
  const connection = parseConnectionString(storageConnectionString);
  const base = model.baseLocation.replace(/\/+$/, "");
  if (base !== connection.blobEndpoint) {
    throw new Error(
      `model ${model.baseLocation}${model.relativeLocation} is not in the storage account ${connection.accountName}: cannot mint a SAS for it`,
    );
  }
  const { container, blobName } = splitRelativeLocation(model.relativeLocation);
  return {
    BaseLocation: `${base}/`,
    RelativeLocation: `${container}/${blobName}`,
    SasBlobToken: mintReadSas(connection, container, blobName, 60),
  };
}
