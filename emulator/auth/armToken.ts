/**
 * The ARM surface's credential: the emulator's ARM bearer token (on Azure, an Entra ID token for
 * the management endpoint). A missing header and a wrong token are two different ARM errors.
 */
import { ErrorFactory } from "../errors";
import type { EmulatorCredentials } from "../store/credentials";
import type { Authenticator } from "./authenticator";
import { authorizes } from "./secrets";

/**
 * The ARM bearer-token check.
 * @param credentials - the emulator's tokens (read on every request)
 */
export function armTokenAuthenticator(
  credentials: Pick<EmulatorCredentials, "armToken">,
): Authenticator {
  return (request) => {
    const header = request.headers.authorization;
    if (header === undefined) throw ErrorFactory.armAuthenticationMissing();
    if (!authorizes(header, [credentials.armToken])) throw ErrorFactory.armInvalidToken();
  };
}
