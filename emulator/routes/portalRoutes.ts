/**
 * Routes of the emulator's web portal, under `/portal`: the page (the application, or the sign-in
 * form without a session), its assets, signing in and out, and the portal API. Only the sign-in
 * page, its script and the style sheet answer without a session (`portalPage`: same-origin
 * requests on this machine's addresses only); everything else needs one (`portal`).
 */
import type { FastifyRequest } from "fastify";
import { MAX_SCORING_BODY_BYTES } from "../../contract/v2";
import type { PortalHandler } from "../handlers/portalHandler";
import type { EmulatorRequest } from "../requestContext";
import type { RouteSpec } from "./routeSpec";

function session(request: FastifyRequest): string | undefined {
  return (request as EmulatorRequest).portalSession;
}

/**
 * The portal's routes.
 * @param portal - the portal handler
 * @param maxScoreBodyBytes - body limit of the Test page's scoring (RRS's)
 */
export function portalRoutes(portal: PortalHandler, maxScoreBodyBytes: number): RouteSpec[] {
  const page = { surface: "portal", auth: "portalPage" } as const;
  const api = { surface: "portal", auth: "portal" } as const;
  return [
    {
      ...page,
      method: "GET",
      url: "/portal",
      query: ["token"],
      handle: (r, _p, info) => portal.page(session(r), info.query.token),
    },
    {
      ...page,
      method: "GET",
      url: "/portal/assets/login.js",
      handle: () => portal.script("login"),
    },
    { ...page, method: "GET", url: "/portal/assets/portal.css", handle: () => portal.css() },
    { ...page, method: "POST", url: "/portal/api/session", handle: (r) => portal.signIn(r.body) },
    {
      ...api,
      method: "DELETE",
      url: "/portal/api/session",
      handle: (r) => portal.signOut(session(r)),
    },
    { ...api, method: "GET", url: "/portal/assets/app.js", handle: () => portal.script("app") },
    {
      ...api,
      method: "GET",
      url: "/portal/api/services",
      handle: (_r, _p, info) => portal.services(info),
    },
    {
      ...api,
      method: "GET",
      url: "/portal/api/targets/:executionId",
      handle: (_r, p, info) => portal.target(p.executionId, info),
    },
    {
      ...api,
      method: "POST",
      url: "/portal/api/targets/:executionId/keys",
      handle: (_r, p) => portal.keys(p.executionId),
    },
    {
      ...api,
      method: "POST",
      url: "/portal/api/targets/:executionId/score",
      bodyLimit: maxScoreBodyBytes,
      handle: (r, p, info) => portal.score(p.executionId, r.body, info),
    },
    {
      ...api,
      method: "GET",
      url: "/portal/api/jobs",
      query: ["target"],
      handle: (_r, _p, info) => portal.jobs(info.query.target),
    },
    {
      ...api,
      method: "GET",
      url: "/portal/api/jobs/:jobId",
      handle: (_r, p) => portal.job(p.jobId),
    },
    {
      ...api,
      method: "GET",
      url: "/portal/api/jobs/:jobId/outputs/:port",
      handle: (_r, p) => portal.download(p.jobId, p.port),
    },
    { ...api, method: "GET", url: "/portal/api/v2", handle: () => portal.v2() },
    { ...api, method: "GET", url: "/portal/api/v2/jobs", handle: () => portal.v2Jobs() },
    {
      ...api,
      method: "GET",
      url: "/portal/api/v2/endpoints/:endpoint",
      handle: (_r, p) => portal.v2Endpoint(p.endpoint),
    },
    {
      ...api,
      method: "POST",
      url: "/portal/api/v2/endpoints/:endpoint/credentials",
      handle: (_r, p) => portal.v2Credentials(p.endpoint),
    },
    {
      ...api,
      method: "POST",
      url: "/portal/api/v2/endpoints/:endpoint/score",
      // The scoring route's own limit, plus the JSON string's escaping.
      bodyLimit: 2 * MAX_SCORING_BODY_BYTES,
      handle: (r, p) => portal.v2Score(p.endpoint, r.body),
    },
    {
      ...api,
      method: "GET",
      url: "/portal/api/v2/jobs/:jobId",
      handle: (_r, p) => portal.v2Job(p.jobId),
    },
    { ...api, method: "GET", url: "/portal/api/models", handle: () => portal.models() },
    {
      ...api,
      method: "GET",
      url: "/portal/api/models/:sha256",
      handle: (_r, p) => portal.model(p.sha256),
    },
  ];
}
