/**
 * Reading or patching one classic endpoint: the workspace token, or that endpoint's own primary
 * or secondary key (what a retraining client holds when it was given only the endpoint).
 */
import { ErrorFactory } from "../errors";
import type { EmulatorCredentials } from "../store/credentials";
import type { MetadataStore } from "../store/metadataStore";
import type { Authenticator } from "./authenticator";
import { authorizes } from "./secrets";

/**
 * The workspace-token-or-endpoint-key check; leaves the endpoint it read on the request.
 * @param credentials - the emulator's tokens (read on every request)
 * @param store - the classic services and endpoints
 */
export function workspaceOrEndpointKeyAuthenticator(
  credentials: Pick<EmulatorCredentials, "workspaceToken">,
  store: Pick<MetadataStore, "getClassicService" | "getEndpoint">,
): Authenticator {
  return (request) => {
    const params = request.params as Record<string, string>;
    const service = store.getClassicService(params.workspaceId, params.webServiceId);
    const endpoint = service ? store.getEndpoint(service.key, params.endpointName) : undefined;
    const accepted = [credentials.workspaceToken, endpoint?.primaryKey, endpoint?.secondaryKey];
    if (!authorizes(request.headers.authorization, accepted))
      throw ErrorFactory.managementRequestUnauthorized();
    if (service && endpoint) request.classicEndpoint = { service, endpoint };
  };
}
