/**
 * Client of the classic "Web Services Management for Azure ML" API (`docs/contracts.md` §3)
 * and of the emulator's admin route that publishes a classic web service (Studio's deploy button).
 */
import { JsonHttpClient, type HttpClientOptions } from "./http";
import type {
  AzureBlobDetails,
  ClassicEndpoint,
  ClassicWebService,
  CreateEndpointRequest,
  PatchEndpointRequest,
  WebServiceProperties,
} from "../contract";

/** Identifies a classic web service. */
export interface ClassicServiceRef {
  /** Management endpoint: `https://management.azureml.net` (or regional) on Azure, the emulator's URL locally. */
  readonly endpoint: string;
  readonly workspaceId: string;
  readonly webServiceId: string;
}

/** Body of the emulator-only publish route. */
export interface PublishWebServiceRequest {
  Name: string;
  Description?: string;
  Properties: WebServiceProperties;
  StorageAccount?: { name: string; key: string };
  Resources?: { Name: string; Location: AzureBlobDetails }[];
}

/** `base` + `relative` as one URI (a blob location as BES results and endpoints give it). */
export function blobUri(base: string, relative: string): string {
  return `${base.replace(/\/+$/, "")}/${relative.replace(/^\/+/, "")}`;
}

/**
 * The URI of the model an endpoint reports for an updatable resource (the named one, else its
 * first), or undefined when it has none.
 */
export function endpointModelUri(
  endpoint: ClassicEndpoint,
  resourceName?: string,
): string | undefined {
  const resource = resourceName
    ? endpoint.Resources.find((r) => r.Name === resourceName)
    : endpoint.Resources[0];
  return resource
    ? blobUri(resource.Location.BaseLocation, resource.Location.RelativeLocation)
    : undefined;
}

/** Endpoint names: ≤ 24 chars, lowercase letters, digits and inner hyphens (`docs/contracts.md` §3.3). */
export const ENDPOINT_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$/;

/** Client of the classic management API. */
export class ClassicManagementClient {
  private readonly http: JsonHttpClient;

  /**
   * @param token - the workspace authorization token (or an endpoint key, for that endpoint's GET/PATCH)
   * @param options - retry and timeout options
   */
  constructor(token: string, options: Omit<HttpClientOptions, "credential"> = {}) {
    this.http = new JsonHttpClient({ ...options, credential: { kind: "token", token } });
  }

  private serviceUrl(ref: ClassicServiceRef): string {
    return (
      `${ref.endpoint.replace(/\/+$/, "")}/workspaces/${encodeURIComponent(ref.workspaceId)}` +
      `/webservices/${encodeURIComponent(ref.webServiceId)}`
    );
  }

  private endpointUrl(ref: ClassicServiceRef, name: string): string {
    return `${this.serviceUrl(ref)}/endpoints/${encodeURIComponent(name)}`;
  }

  /** Gets a web service, or `undefined` when it does not exist. */
  async getWebService(ref: ClassicServiceRef): Promise<ClassicWebService | undefined> {
    const res = await this.http.request<ClassicWebService>("GET", this.serviceUrl(ref), undefined, {
      passStatuses: [404],
    });
    return res.status === 404 ? undefined : res.body;
  }

  /** Lists a service's endpoints (the API answers 204 for none). */
  async listEndpoints(ref: ClassicServiceRef): Promise<ClassicEndpoint[]> {
    const res = await this.http.request<ClassicEndpoint[]>(
      "GET",
      `${this.serviceUrl(ref)}/endpoints`,
    );
    return res.status === 204 || !Array.isArray(res.body) ? [] : res.body;
  }

  /** Gets an endpoint, or `undefined` when it does not exist. */
  async getEndpoint(ref: ClassicServiceRef, name: string): Promise<ClassicEndpoint | undefined> {
    const res = await this.http.request<ClassicEndpoint>(
      "GET",
      this.endpointUrl(ref, name),
      undefined,
      {
        passStatuses: [404],
      },
    );
    return res.status === 404 ? undefined : res.body;
  }

  /** Creates (or re-creates) an endpoint, then reads it back: the PUT's body is [unverified]. */
  async createEndpoint(
    ref: ClassicServiceRef,
    name: string,
    body: CreateEndpointRequest,
  ): Promise<ClassicEndpoint> {
    await this.http.request("PUT", this.endpointUrl(ref, name), body);
    const created = await this.getEndpoint(ref, name);
    if (!created) throw new Error(`endpoint "${name}" is not found right after it was created`);
    return created;
  }

  /** Patches an endpoint (trained-model `Resources`, description, ...). */
  async patchEndpoint(
    ref: ClassicServiceRef,
    name: string,
    body: PatchEndpointRequest,
  ): Promise<void> {
    await this.http.request("PATCH", this.endpointUrl(ref, name), body);
  }

  /** Refreshes an endpoint from its service; `false` when the service answered 304 (no change). */
  async refreshEndpoint(
    ref: ClassicServiceRef,
    name: string,
    overwriteResources: boolean,
  ): Promise<boolean> {
    const res = await this.http.request(
      "POST",
      `${this.endpointUrl(ref, name)}/refresh`,
      { OverwriteResources: overwriteResources ? "True" : "False" },
      { passStatuses: [304] },
    );
    return res.status !== 304;
  }

  /** Deletes an endpoint; a missing one is not an error. */
  async deleteEndpoint(ref: ClassicServiceRef, name: string): Promise<void> {
    await this.http.request("DELETE", this.endpointUrl(ref, name), undefined, {
      passStatuses: [404],
    });
  }

  /** Deletes a web service; a missing one is not an error. */
  async deleteWebService(ref: ClassicServiceRef): Promise<void> {
    await this.http.request("DELETE", this.serviceUrl(ref), undefined, { passStatuses: [404] });
  }

  /**
   * Emulator only: publishes a classic web service from a definition, as Studio's deploy button
   * did on Azure (there is no public API for it there).
   */
  async publishWebService(
    ref: ClassicServiceRef,
    body: PublishWebServiceRequest,
  ): Promise<ClassicWebService> {
    const url =
      `${ref.endpoint.replace(/\/+$/, "")}/admin/workspaces/${encodeURIComponent(ref.workspaceId)}` +
      `/webservices/${encodeURIComponent(ref.webServiceId)}`;
    const res = await this.http.request<ClassicWebService>("PUT", url, body);
    return res.body;
  }
}
