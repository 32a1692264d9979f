/**
 * Routes of the execution API (BES + RRS), once per kind of base URL: ARM services at
 * `/subscriptions/{scope}/services/{id}` (derived from `swaggerLocation`) and classic endpoints
 * at `/workspaces/{ws}/services/{id}` (their `ApiLocation`). The authentication step has already
 * resolved the target from the URL and checked its key.
 */
import type { FastifyRequest } from "fastify";
import type { BesHandler } from "../handlers/besHandler";
import type { RrsHandler } from "../handlers/rrsHandler";
import { ErrorFactory } from "../errors";
import type { EmulatorRequest } from "../requestContext";
import type { ExecutionTarget } from "../services/executionTargets";
import type { RouteSpec } from "./routeSpec";

function target(request: FastifyRequest): ExecutionTarget {
  const resolved = (request as EmulatorRequest).executionTarget;
  if (!resolved) throw ErrorFactory.serviceNotFound();
  return resolved;
}

/**
 * The execution routes.
 * @param bes - the BES handler
 * @param rrs - the RRS handler
 * @param maxRrsBodyBytes - body limit of scoring requests
 */
export function executionRoutes(
  bes: BesHandler,
  rrs: RrsHandler,
  maxRrsBodyBytes: number,
): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (const base of [
    "/subscriptions/:subscriptionId/services/:executionId",
    "/workspaces/:workspaceId/services/:executionId",
  ]) {
    const common = { surface: "execution", auth: "executionKey" } as const;
    routes.push(
      {
        ...common,
        method: "POST",
        url: `${base}/jobs`,
        calls: "bes",
        handle: (r) => bes.submit(target(r), r.body),
      },
      { ...common, method: "GET", url: `${base}/jobs`, handle: () => bes.list() },
      {
        ...common,
        method: "POST",
        url: `${base}/jobs/:jobId/start`,
        handle: (r, p) => bes.start(target(r), p.jobId),
      },
      {
        ...common,
        method: "GET",
        url: `${base}/jobs/:jobId`,
        handle: (r, p) => bes.status(target(r), p.jobId),
      },
      {
        ...common,
        method: "DELETE",
        url: `${base}/jobs/:jobId`,
        handle: (r, p) => bes.cancel(target(r), p.jobId),
      },
      {
        ...common,
        method: "POST",
        url: `${base}/execute`,
        query: ["details", "format"],
        accessLog: "debug",
        calls: "rrs",
        bodyLimit: maxRrsBodyBytes,
        handle: (r, _p, info) => rrs.execute(target(r), r.body, info),
      },
      {
        ...common,
        method: "GET",
        url: `${base}/swagger.json`,
        handle: (r, _p, info) => rrs.swagger(target(r), info),
      },
    );
  }
  return routes;
}
