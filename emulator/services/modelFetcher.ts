/**
 * Fetches a trained model from blob storage, checks it is an `.ilearner` the engine can read,
 * and stores its bytes in the model store. Used when an ARM service is provisioned (asset uri +
 * the service's storage account), when a classic service is published, and when a classic
 * endpoint is PATCHed (BaseLocation + RelativeLocation + SAS). Failures come back as values
 * (not thrown) so each caller maps them to its own surface's error.
 */
import type { AzureBlobDetails } from "../../contract";
import type { EngineApi, ModelInfo } from "../engine/api";
import {
  describeBlob,
  describeStorageError,
  downloadBlob,
  parseConnectionString,
  type ResolvedBlob,
  type StorageAccount,
} from "../blob/blobIo";
import { RelativeLocationError, parseRelativeLocation } from "../blob/relativeLocation";
import { isEngineError } from "../errors";
import type { ModelStore } from "../store/modelStore";

/** Outcome of a fetch. */
export type FetchResult =
  | { readonly ok: true; readonly sha: string; readonly info: ModelInfo }
  | {
      readonly ok: false;
      readonly problem: "unreadable" | "incompatible";
      readonly reason: string;
    };

/**
 * Resolves an asset's `locationInfo` to a blob reference. A uri that carries a SAS query, or a
 * `credentials` value that is a SAS, is read anonymously; a `credentials` value that is a
 * connection string names the account; otherwise the service's own storage account is used.
 * @param uri - `locationInfo.uri`
 * @param credentials - `locationInfo.credentials`
 * @param account - the service's storage account
 */
export function assetBlobRef(
  uri: string,
  credentials: string | undefined,
  account: StorageAccount | undefined,
): ResolvedBlob {
  if (credentials && /AccountKey=/i.test(credentials)) {
    return { mode: "url", url: uri, account: parseConnectionString(credentials) ?? account };
  }
  if (credentials && /(^|[?&])sig=/.test(credentials) && !uri.includes("?")) {
    return {
      mode: "url",
      url: uri + (credentials.startsWith("?") ? credentials : `?${credentials}`),
      account: undefined,
    };
  }
  return { mode: "url", url: uri, account };
}

/**
 * Resolves a classic `Location` (BaseLocation + RelativeLocation + SasBlobToken).
 * @param location - as sent in a PATCH or the admin route
 * @returns the reference, or a reason it is unusable
 */
export function locationBlobRef(
  location: Partial<AzureBlobDetails> | undefined,
): ResolvedBlob | string {
  const base = location?.BaseLocation;
  if (typeof base !== "string" || !/^https?:\/\/[^/]+/i.test(base)) {
    return "Location.BaseLocation must be an http(s) URL";
  }
  let parsed;
  try {
    parsed = parseRelativeLocation(location?.RelativeLocation);
  } catch (error) {
    if (error instanceof RelativeLocationError)
      return `Location.RelativeLocation: ${error.message}`;
    throw error;
  }
  const token = typeof location?.SasBlobToken === "string" ? location.SasBlobToken : "";
  const sas = token === "" ? "" : token.startsWith("?") ? token : `?${token}`;
  return {
    mode: "sas",
    baseLocation: base.replace(/\/+$/, ""),
    container: parsed.container,
    blob: parsed.blob,
    sas,
  };
}

/** Downloads, checks and stores trained models. */
export class ModelFetcher {
  /**
   * @param engine - reads `.ilearner` headers
   * @param models - where bytes are kept
   */
  constructor(
    private readonly engine: EngineApi,
    private readonly models: ModelStore,
  ) {}

  /**
   * Fetches one model (or saved transformation).
   * @param ref - where it is
   * @param resourceName - the resource it is for: a name ending in "[transform]" needs an
   *   `.itransform`, any other a trained model
   */
  async fetch(ref: ResolvedBlob, resourceName?: string): Promise<FetchResult> {
    let bytes: Buffer;
    try {
      bytes = await downloadBlob(ref);
    } catch (error) {
      return {
        ok: false,
        problem: "unreadable",
        reason: `${describeBlob(ref)}: ${describeStorageError(error).reason}`,
      };
    }
    let info: ModelInfo;
    try {
      info = this.engine.inspectModel(bytes);
    } catch (error) {
      if (isEngineError(error))
        return { ok: false, problem: "incompatible", reason: error.message };
      throw error;
    }
    if (resourceName !== undefined) {
      const wanted = /\[transform\]\s*$/i.test(resourceName) ? "transform" : "model";
      if (info.kind !== wanted) {
        return {
          ok: false,
          problem: "incompatible",
          reason: `the blob holds a ${info.kind === "model" ? "trained model (.ilearner)" : "saved transformation (.itransform)"}, but "${resourceName}" needs a ${wanted === "model" ? "trained model (.ilearner)" : "saved transformation (.itransform)"}`,
        };
      }
    }
    return { ok: true, sha: this.models.put(bytes), info };
  }
}
