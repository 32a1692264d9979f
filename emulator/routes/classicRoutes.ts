/**
 * Routes of the classic management API (`/workspaces/{ws}/webservices/...`) and of the
 * emulator-only admin route that publishes a classic web service.
 */
import type { FastifyRequest } from "fastify";
import type { AdminHandler } from "../handlers/adminHandler";
import type { ClassicHandler, FoundEndpoint } from "../handlers/classicHandler";
import { ErrorFactory } from "../errors";
import type { EmulatorRequest } from "../requestContext";
import type { RouteSpec } from "./routeSpec";

/** The endpoint the authentication step of a `workspaceOrEndpointKey` route read, if any. */
function found(request: FastifyRequest): FoundEndpoint | undefined {
  return (request as EmulatorRequest).classicEndpoint;
}

const SERVICES = "/workspaces/:workspaceId/webservices";
const SERVICE = `${SERVICES}/:webServiceId`;
const ENDPOINT = `${SERVICE}/endpoints/:endpointName`;

/**
 * The classic management routes.
 * @param classic - the classic handler
 */
export function classicRoutes(classic: ClassicHandler): RouteSpec[] {
  const svc = (p: Readonly<Record<string, string>>) => ({
    workspaceId: p.workspaceId,
    webServiceId: p.webServiceId,
  });
  const ep = (p: Readonly<Record<string, string>>) => ({ ...svc(p), endpointName: p.endpointName });
  const base = { surface: "management", auth: "workspace" } as const;
  return [
    {
      ...base,
      method: "GET",
      url: SERVICES,
      handle: (_r, p) => classic.listWebServices(p.workspaceId),
    },
    { ...base, method: "GET", url: SERVICE, handle: (_r, p) => classic.getWebService(svc(p)) },
    {
      ...base,
      method: "DELETE",
      url: SERVICE,
      handle: (_r, p) => classic.deleteWebService(svc(p)),
    },
    {
      ...base,
      method: "GET",
      url: `${SERVICE}/endpoints`,
      handle: (_r, p, info) => classic.listEndpoints(svc(p), info),
    },
    {
      ...base,
      auth: "workspaceOrEndpointKey",
      method: "GET",
      url: ENDPOINT,
      handle: (r, p, info) => classic.getEndpoint(ep(p), info, found(r)),
    },
    {
      ...base,
      method: "PUT",
      url: ENDPOINT,
      handle: (r, p, info) => classic.putEndpoint(ep(p), r.body, info),
    },
    {
      ...base,
      auth: "workspaceOrEndpointKey",
      method: "PATCH",
      url: ENDPOINT,
      handle: (r, p, info) => classic.patchEndpoint(ep(p), r.body, info, found(r)),
    },
    { ...base, method: "DELETE", url: ENDPOINT, handle: (_r, p) => classic.deleteEndpoint(ep(p)) },
    {
      ...base,
      method: "POST",
      url: `${ENDPOINT}/refresh`,
      handle: (r, p, info) => classic.refreshEndpoint(ep(p), r.body, info),
    },
    {
      ...base,
      method: "GET",
      url: `${ENDPOINT}/apidocument`,
      handle: () => {
        throw ErrorFactory.notImplemented("The endpoint API document");
      },
    },
    {
      surface: "management",
      auth: "none",
      method: "GET",
      url: "/apihelp/*",
      handle: () => {
        throw ErrorFactory.notImplemented("API help pages");
      },
    },
  ];
}

/**
 * The admin route (emulator-only).
 * @param admin - the admin handler
 */
export function adminRoutes(admin: AdminHandler): RouteSpec[] {
  return [
    {
      surface: "admin",
      auth: "workspace",
      method: "PUT",
      url: "/admin/workspaces/:workspaceId/webservices/:webServiceId",
      handle: (r, p) =>
        admin.publish({ workspaceId: p.workspaceId, webServiceId: p.webServiceId }, r.body),
    },
  ];
}
