/**
 * Authentication: one authenticator per kind of credential, each in its own file, and the kinds
 * a route can declare. Each surface has its own scheme, as on Azure: the ARM bearer token, the
 * workspace token for the classic management API and the admin route, and per-service /
 * per-endpoint keys for the execution API; the portal has its own session (`portalSession.ts`).
 * Secrets are made and compared in `secrets.ts`.
 */
import type { ExecutionTargets } from "../services/executionTargets";
import type { EmulatorCredentials } from "../store/credentials";
import type { MetadataStore } from "../store/metadataStore";
import { armTokenAuthenticator } from "./armToken";
import type { Authenticator } from "./authenticator";
import { executionKeyAuthenticator } from "./executionKey";
import { portalAuthenticators, type PortalSessions } from "./portalSession";
import { workspaceOrEndpointKeyAuthenticator } from "./workspaceOrEndpointKey";
import { workspaceTokenAuthenticator } from "./workspaceToken";

export type { Authenticator } from "./authenticator";

/**
 * The credentials a route can require:
 * - `arm`: the ARM bearer token
 * - `workspace`: the workspace token (classic management, admin)
 * - `workspaceOrEndpointKey`: the workspace token or the addressed endpoint's own key
 * - `executionKey`: a key of the addressed service or endpoint
 * - `portal`: a portal session, from a page of the portal itself
 * - `portalPage`: a page of the portal itself, signed in or not (the sign-in page)
 */
export type CredentialKind =
  "arm" | "workspace" | "workspaceOrEndpointKey" | "executionKey" | "portal" | "portalPage";

/** Which credential a route needs: a {@link CredentialKind}, or `none` (health, help pages). */
export type AuthKind = CredentialKind | "none";

/** What the authenticators read. */
export interface AuthenticatorDependencies {
  readonly credentials: Pick<EmulatorCredentials, "armToken" | "workspaceToken">;
  readonly store: Pick<MetadataStore, "getClassicService" | "getEndpoint">;
  readonly targets: Pick<ExecutionTargets, "resolve">;
  readonly portal: PortalSessions;
  /** The emulator's `--host` (the portal answers on loopback names and on it). */
  readonly listenHost: string;
}

/**
 * One authenticator per credential kind.
 * @param deps - the tokens, the store and the execution targets
 */
export function createAuthenticators(
  deps: AuthenticatorDependencies,
): Readonly<Record<CredentialKind, Authenticator>> {
  return {
    arm: armTokenAuthenticator(deps.credentials),
    workspace: workspaceTokenAuthenticator(deps.credentials),
    workspaceOrEndpointKey: workspaceOrEndpointKeyAuthenticator(deps.credentials, deps.store),
    executionKey: executionKeyAuthenticator(deps.targets),
    ...portalAuthenticators(deps.portal, deps.listenHost),
  };
}
