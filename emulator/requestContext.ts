/**
 * What the request pipeline knows about a request besides fastify's own fields: the surface its
 * path belongs to (set first; it picks the error envelope), when it started, and what the
 * authentication step resolved for the handler. `app.ts`, the authenticators, the routes and
 * fault injection all read it here, so that none of them imports `app.ts`.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ErrorEnvelope } from "./errors/httpError";
import type { FoundEndpoint } from "./handlers/classicHandler";
import type { ExecutionTarget } from "./services/executionTargets";

/** The four surfaces (plus the unauthenticated health check and the emulator's web portal). */
export type Surface = "arm" | "management" | "execution" | "admin" | "health" | "portal";

/** Hook run on every request before any work: the fault-injection seam. */
export type RequestInterceptor = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<void> | void;

/** What the pipeline leaves on a request. */
export interface RequestState {
  /** The surface of the path (set by the first hook). */
  surface?: Surface;
  /** `process.hrtime.bigint()` when the request arrived (for the access log). */
  startedAt?: bigint;
  /** Execution routes: the service or endpoint the URL addresses, its key checked. */
  executionTarget?: ExecutionTarget;
  /**
   * `workspaceOrEndpointKey` routes: the endpoint the authenticator read (when it exists), so
   * that the handler does not read it again.
   */
  classicEndpoint?: FoundEndpoint;
  /** Portal routes: the live session the request carries. */
  portalSession?: string;
}

/** A fastify request with the pipeline's state. */
export type EmulatorRequest = FastifyRequest & RequestState;

/**
 * The surface a path belongs to, known before routing (it picks the error envelope of 404s and
 * of errors raised before a route matched).
 * @param url - the request URL
 */
export function surfaceOf(url: string): Surface {
  const path = url.split("?")[0].toLowerCase();
  if (/^\/(subscriptions|workspaces)\/[^/]+\/services(\/|$)/.test(path)) return "execution";
  if (path.startsWith("/subscriptions/") || path.startsWith("/providers/")) return "arm";
  if (path.startsWith("/admin/")) return "admin";
  if (path === "/health") return "health";
  if (path === "/portal" || path.startsWith("/portal/")) return "portal";
  return "management";
}

/**
 * The surface of a request: the one the first hook recorded, or (for an error raised before
 * that hook ran) the one of its path.
 * @param request - the request
 */
export function surfaceOfRequest(request: FastifyRequest): Surface {
  return (request as EmulatorRequest).surface ?? surfaceOf(request.url);
}

/**
 * The error envelope a surface answers in: ARM's own, or the classic one (execution,
 * management, admin, health, portal).
 * @param surface - the surface
 */
export function envelopeOf(surface: Surface): ErrorEnvelope {
  return surface === "arm" ? "arm" : "classic";
}
