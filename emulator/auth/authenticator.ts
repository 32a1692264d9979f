/**
 * The contract every authenticator of this folder keeps: one per kind of credential a route can
 * declare (`RouteSpec.auth`), run by `createApp`'s authentication hook before any work.
 */
import type { EmulatorRequest } from "../requestContext";

/**
 * Checks the credential one request carries. Returns when it grants access (leaving on the
 * request what it resolved on the way, so that the handler does not read it again); throws the
 * surface's 401 otherwise (or its 404, when the credential depends on a target that does not
 * exist).
 */
export type Authenticator = (request: EmulatorRequest) => void;
