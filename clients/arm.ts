/**
 * Client of the ARM resource provider `Microsoft.MachineLearning/webServices`, api-version
 * 2017-01-01 (`docs/contracts.md` §4): get, create-or-replace and patch as long-running
 * operations, delete, listKeys, and the trained-model asset helpers of `docs/contracts.md` §4.3.
 */
import { sleep } from "./sleep";
import { namedError, type NamedError } from "./errors";
import { JsonHttpClient, type CredentialSpec, type HttpClientOptions } from "./http";
import type {
  ArmWebService,
  ArmWebServicePatch,
  AssetItem,
  AsyncOperationStatus,
  ProvisioningState,
  WebServiceKeys,
  WebServiceProperties,
} from "../contract";

/** The api-version every call uses. */
export const ARM_API_VERSION = "2017-01-01";

/** Identifies one web service. */
export interface ArmServiceRef {
  /** ARM endpoint: `https://management.azure.com` on Azure, the emulator's URL locally. */
  readonly endpoint: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

/** The resource id (`/subscriptions/.../webServices/{name}`) of a service. */
export function armResourceId(ref: Omit<ArmServiceRef, "endpoint">): string {
  return (
    `/subscriptions/${encodeURIComponent(ref.subscriptionId)}/resourceGroups/${encodeURIComponent(ref.resourceGroup)}` +
    `/providers/Microsoft.MachineLearning/webServices/${encodeURIComponent(ref.name)}`
  );
}

/** The full URL of a service, without query. */
export function armResourceUrl(ref: ArmServiceRef): string {
  return `${ref.endpoint.replace(/\/+$/, "")}${armResourceId(ref)}`;
}

/** Execution base URL of an ARM service: its swagger location without `/swagger.json` (`docs/contracts.md` §1.1). */
export function executionBaseFromSwagger(swaggerLocation: string): string {
  return swaggerLocation.replace(/\?.*$/, "").replace(/\/swagger\.json$/i, "");
}

/** True for an asset holding a trained model (Studio names them `<experiment> [trained model]`). */
export function isTrainedModelAsset(asset: AssetItem): boolean {
  return asset.type === "Resource" && /\[trained model\]\s*$/i.test(asset.name);
}

/**
 * Finds the trained-model asset of a definition: the one named `name` when given, else the only
 * asset whose name ends in `[trained model]`. Throws naming what was found when it is ambiguous.
 */
export function findTrainedModelAsset(
  properties: Pick<WebServiceProperties, "assets">,
  name?: string,
): { assetId: string; asset: AssetItem } {
  const candidates = Object.entries(properties.assets ?? {}).filter(([, a]) =>
    name ? a.name === name : isTrainedModelAsset(a),
  );
  if (candidates.length !== 1) {
    const all = Object.values(properties.assets ?? {})
      .filter(isTrainedModelAsset)
      .map((a) => `"${a.name}"`);
    throw new Error(
      name
        ? `the definition has no asset named "${name}" (trained-model assets: ${all.join(", ") || "none"})`
        : `the definition must have exactly one asset whose name ends in "[trained model]" (found ${all.join(", ") || "none"}); name the one to update`,
    );
  }
  const [assetId, asset] = candidates[0];
  return { assetId, asset };
}

/**
 * The URIs a service reports for the named assets (without a SAS query), by asset name; an asset
 * it lacks or leaves empty is absent.
 * @param service - the service as GET returns it
 * @param names - asset names (the "[transform]" assets a retrain sets)
 */
export function reportedAssetUris(
  service: Pick<ArmWebService, "properties">,
  names: readonly string[],
): Record<string, string> {
  const reported: Record<string, string> = {};
  for (const asset of Object.values(service.properties.assets ?? {})) {
    const uri = asset.locationInfo?.uri;
    if (names.includes(asset.name) && uri) reported[asset.name] = uri.replace(/\?.*$/, "");
  }
  return reported;
}

/**
 * The definition's assets with the named ones pointed at new URIs (the "[transform]" assets a
 * retrain sets beside the model). Throws naming an asset the definition lacks.
 * @param properties - the definition (or the service's current properties)
 * @param uris - URI by asset name
 */
export function withAssetUris(
  properties: Pick<WebServiceProperties, "assets">,
  uris: Readonly<Record<string, string>>,
): NonNullable<WebServiceProperties["assets"]> {
  const assets = { ...properties.assets };
  for (const [name, uri] of Object.entries(uris)) {
    const found = Object.entries(assets).find(([, a]) => a.name === name);
    if (!found) {
      const have = Object.values(assets)
        .map((a) => `"${a.name}"`)
        .join(", ");
      throw new Error(`the definition has no asset named "${name}" (assets: ${have || "none"})`);
    }
    const [id, asset] = found;
    assets[id] = { ...asset, locationInfo: { ...asset.locationInfo, uri } };
  }
  return assets;
}

/** The model URI a service reports for its trained-model asset (without a SAS query). */
export function reportedModelUri(service: ArmWebService, assetName?: string): string | undefined {
  const uri = findTrainedModelAsset(service.properties, assetName).asset.locationInfo.uri;
  return uri ? uri.replace(/\?.*$/, "") : undefined;
}

/** Options of the long-running-operation waits. */
export interface OperationOptions {
  /** Absolute deadline (ms since epoch); default 15 minutes from the call. */
  readonly deadline?: number;
  /** Poll interval in ms (default 1000; the emulator provisions in milliseconds). */
  readonly pollIntervalMs?: number;
  /** Progress callback. */
  readonly onProgress?: (state: ProvisioningState, elapsedMs: number) => void;
}

/** Builds the error raised when a long-running operation ends in `Failed`. */
export function provisioningFailedError(
  resourceId: string,
  errorCode: string,
  message: string,
): NamedError<{ resourceId: string; errorCode: string }> {
  return namedError(
    "ProvisioningFailedError",
    `provisioning of ${resourceId} failed: ${errorCode}: ${message}`,
    {
      resourceId,
      errorCode,
    },
  );
}

/** Client of `Microsoft.MachineLearning/webServices`. */
export class ArmWebServicesClient {
  private readonly http: JsonHttpClient;

  /**
   * @param credential - a static token (emulator) or Entra ID (`kind: "azure"`)
   * @param options - retry and timeout options
   */
  constructor(credential: CredentialSpec, options: Omit<HttpClientOptions, "credential"> = {}) {
    this.http = new JsonHttpClient({ ...options, credential });
  }

  private url(ref: ArmServiceRef, suffix = ""): string {
    return `${armResourceUrl(ref)}${suffix}?api-version=${ARM_API_VERSION}`;
  }

  /** Gets a service, or `undefined` when it does not exist. */
  async get(ref: ArmServiceRef): Promise<ArmWebService | undefined> {
    const res = await this.http.request<ArmWebService>("GET", this.url(ref), undefined, {
      passStatuses: [404],
    });
    return res.status === 404 ? undefined : res.body;
  }

  /** Creates or replaces a service and waits until it is provisioned; returns the final GET. */
  async createOrUpdate(
    ref: ArmServiceRef,
    body: ArmWebService,
    options: OperationOptions = {},
  ): Promise<ArmWebService> {
    const res = await this.http.request<ArmWebService>("PUT", this.url(ref), body);
    return this.settle(ref, res.headers, options);
  }

  /** Patches a service (only the properties sent change) and waits; returns the final GET. */
  async patch(
    ref: ArmServiceRef,
    body: ArmWebServicePatch,
    options: OperationOptions = {},
  ): Promise<ArmWebService> {
    const res = await this.http.request<ArmWebService>("PATCH", this.url(ref), body);
    return this.settle(ref, res.headers, options);
  }

  /** Deletes a service; a missing one is not an error (ARM answers 202/204 either way). */
  async delete(ref: ArmServiceRef): Promise<void> {
    await this.http.request("DELETE", this.url(ref), undefined, { passStatuses: [404] });
  }

  /** Reads the service's keys (`listKeys` is a GET in this API version). */
  async listKeys(ref: ArmServiceRef): Promise<WebServiceKeys> {
    const res = await this.http.request<WebServiceKeys>("GET", this.url(ref, "/listKeys"));
    return res.body;
  }

  /**
   * Waits for a PUT/PATCH: polls `Azure-AsyncOperation` when the service gave one, else the
   * resource's `provisioningState`; throws a `ProvisioningFailedError` on `Failed`.
   */
  private async settle(
    ref: ArmServiceRef,
    headers: Record<string, string>,
    options: OperationOptions,
  ): Promise<ArmWebService> {
    const started = Date.now();
    const deadline = options.deadline ?? started + 15 * 60_000;
    const interval = options.pollIntervalMs ?? 1000;
    const operationUrl = headers["azure-asyncoperation"];
    const id = armResourceId(ref);
    let last: ProvisioningState | undefined;
    for (let attempt = 0; ; attempt++) {
      let state: ProvisioningState;
      let error: { code: string; message: string } | undefined;
      if (operationUrl) {
        const op = await this.http.request<AsyncOperationStatus>("GET", operationUrl);
        state = op.body.provisioningState;
        if (op.body.errorInfo)
          error = { code: op.body.errorInfo.code, message: op.body.errorInfo.message };
      } else {
        const current = await this.get(ref);
        if (!current) throw new Error(`${id} disappeared while it was being provisioned`);
        state = current.properties.provisioningState ?? "Succeeded";
      }
      if (state !== last) {
        last = state;
        options.onProgress?.(state, Date.now() - started);
      }
      if (state === "Failed") {
        throw provisioningFailedError(
          id,
          error?.code ?? "Failed",
          error?.message ?? "no error information",
        );
      }
      if (state === "Succeeded") {
        const final = await this.get(ref);
        if (!final) throw new Error(`${id} is not found after provisioning succeeded`);
        return final;
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `${id} is still ${state} after ${((Date.now() - started) / 1000).toFixed(0)} s`,
        );
      }
      // Start fast (the emulator provisions in milliseconds), then settle on the interval.
      await sleep(Math.min(attempt < 5 ? 100 * 2 ** attempt : interval, interval));
    }
  }
}
