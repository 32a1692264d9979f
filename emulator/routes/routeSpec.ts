/**
 * A route as the surfaces declare it: method, path, the surface it belongs to (which picks the
 * error envelope), the credential it needs, the query parameters it understands, and the
 * handler call. `createApp` registers these with fastify and runs the shared pipeline around
 * them; route files stay declarative.
 */
import type { FastifyRequest, HTTPMethods } from "fastify";
import type { AuthKind } from "../auth";
import type { CallKind } from "../services/callStats";
import type { HandlerResponse, RequestInfo } from "../handlers/types";
import type { Surface } from "../requestContext";

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
  /**
   * Level of the route's access-log line (default `info`). Routes called once per scored row or
   * health probe log at `debug`, so a busy client does not cost a log line per request unless
   * `--log-level debug` asks for them.
   */
  readonly accessLog?: "info" | "debug";
  /** Counted as a call of its service or endpoint for the portal's dashboard (execution API). */
  readonly calls?: CallKind;
  /** Body limit for this route (default: the management limit). */
  readonly bodyLimit?: number;
  /** Calls the handler. */
  handle(
    request: FastifyRequest,
    params: RouteParams,
    info: RequestInfo,
  ): HandlerResponse | Promise<HandlerResponse>;
}
