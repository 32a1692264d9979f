/**
 * A route as the surfaces declare it: method, path, the surface it belongs to (which picks the
 * error envelope), the credential it needs, the query parameters it understands, and the
 * handler call. `createApp` registers these with fastify and runs the shared pipeline around
 * them; route files stay declarative.
 */
import type { FastifyRequest, HTTPMethods } from "fastify";
import type { HandlerResponse, RequestInfo } from "../handlers/types";

/** The four surfaces (plus the unauthenticated health check). */
export type Surface = "arm" | "management" | "execution" | "admin" | "health";

/**
 * Which credential a route needs:
 * - `arm`: the ARM bearer token
 * - `workspace`: the workspace token (classic management, admin)
 * - `workspaceOrEndpointKey`: the workspace token or the addressed endpoint's own key
 * - `executionKey`: a key of the addressed service or endpoint
 * - `none`: nothing (health, help pages)
 */
export type AuthKind = "arm" | "workspace" | "workspaceOrEndpointKey" | "executionKey" | "none";

/** Path parameters every route may use (a route uses a subset). */
export type RouteParams = Readonly<Record<string, string>>;

/** One route. */
export interface RouteSpec {
  readonly method: HTTPMethods;
  readonly url: string;
  readonly surface: Surface;
  readonly auth: AuthKind;
  /** Query parameters besides `api-version` that the route understands (strict mode). */
  readonly query?: readonly string[];
  /** Body limit for this route (default: the management limit). */
  readonly bodyLimit?: number;
  /** Calls the handler. */
  handle(
    request: FastifyRequest,
    params: RouteParams,
    info: RequestInfo,
  ): HandlerResponse | Promise<HandlerResponse>;
}
