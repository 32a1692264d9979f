/**
 * The classic management surface's and the admin route's credential: the workspace token (on
 * Azure, the workspace's authorization token from the Studio settings page).
 */
import { ErrorFactory } from "../errors";
import type { EmulatorCredentials } from "../store/credentials";
import type { Authenticator } from "./authenticator";
import { authorizes } from "./secrets";

/**
 * The workspace-token check.
 * @param credentials - the emulator's tokens (read on every request)
 */
export function workspaceTokenAuthenticator(
  credentials: Pick<EmulatorCredentials, "workspaceToken">,
): Authenticator {
  return (request) => {
    if (!authorizes(request.headers.authorization, [credentials.workspaceToken]))
      throw ErrorFactory.managementRequestUnauthorized();
  };
}
