/**
 * The routes of the v2 surface, declarative: the ARM routes of `Microsoft.MachineLearningServices`
 * under a workspace (plus the operation URLs), and the scoring route of online endpoints. The
 * surface (`index.ts`) registers them with its own hooks (ARM token, api-version) and error
 * envelopes.
 */
import type { HTTPMethods } from "fastify";
import { V2_PROVIDER } from "../../contract/v2";
import type { AssetHandler } from "./handlers/assetHandler";
import type { V2Request, V2Response } from "./handlers/common";
import type { EndpointHandler } from "./handlers/endpointHandler";
import type { JobHandler } from "./handlers/jobHandler";
import type { WorkspaceHandler } from "./handlers/workspaceHandler";
import type { WorkspaceRef, AssetFamily } from "./ids";
import type { Operations } from "./services/operations";

/** One ARM route. */
export interface V2Route {
  readonly method: HTTPMethods;
  readonly url: string;
  handle(
    params: Readonly<Record<string, string>>,
    body: unknown,
    request: V2Request,
  ): V2Response | Promise<V2Response>;
}

/** The handlers the routes call. */
export interface V2Handlers {
  readonly workspaces: WorkspaceHandler;
  readonly assets: AssetHandler;
  readonly jobs: JobHandler;
  readonly endpoints: EndpointHandler;
  readonly operations: Operations;
}

const WS = `/subscriptions/:subscriptionId/resourceGroups/:resourceGroup/providers/${V2_PROVIDER}/workspaces/:workspace`;
const FAMILIES: readonly AssetFamily[] = ["codes", "data", "environments", "models"];

function ws(p: Readonly<Record<string, string>>): WorkspaceRef {
  return {
    subscriptionId: p.subscriptionId,
    resourceGroup: p.resourceGroup,
    workspace: p.workspace,
  };
}

/**
 * The ARM routes.
 * @param h - the handlers
 */
export function v2ArmRoutes(h: V2Handlers): V2Route[] {
  const routes: V2Route[] = [
    { method: "PUT", url: WS, handle: (p, b, r) => h.workspaces.putWorkspace(ws(p), b, r) },
    { method: "GET", url: WS, handle: (p, _b, r) => h.workspaces.getWorkspace(ws(p), r) },
    { method: "DELETE", url: WS, handle: (p, _b, r) => h.workspaces.deleteWorkspace(ws(p), r) },

    {
      method: "GET",
      url: `${WS}/datastores`,
      handle: (p, _b, r) => h.workspaces.listDatastores(ws(p), r),
    },
    {
      method: "PUT",
      url: `${WS}/datastores/:name`,
      handle: (p, b, r) => h.workspaces.putDatastore(ws(p), p.name, b, r),
    },
    {
      method: "GET",
      url: `${WS}/datastores/:name`,
      handle: (p) => h.workspaces.getDatastore(ws(p), p.name),
    },
    {
      method: "DELETE",
      url: `${WS}/datastores/:name`,
      handle: (p) => h.workspaces.deleteDatastore(ws(p), p.name),
    },
    {
      method: "POST",
      url: `${WS}/datastores/:name/listSecrets`,
      handle: (p) => h.workspaces.listSecrets(ws(p), p.name),
    },

    { method: "GET", url: `${WS}/jobs`, handle: (p, _b, r) => h.jobs.list(ws(p), r) },
    { method: "PUT", url: `${WS}/jobs/:name`, handle: (p, b) => h.jobs.put(ws(p), p.name, b) },
    { method: "GET", url: `${WS}/jobs/:name`, handle: (p) => h.jobs.get(ws(p), p.name) },
    {
      method: "DELETE",
      url: `${WS}/jobs/:name`,
      handle: (p, _b, r) => h.jobs.delete(ws(p), p.name, r),
    },
    {
      method: "POST",
      url: `${WS}/jobs/:name/cancel`,
      handle: (p, _b, r) => h.jobs.cancel(ws(p), p.name, r),
    },

    {
      method: "GET",
      url: `${WS}/onlineEndpoints`,
      handle: (p, _b, r) => h.endpoints.listEndpoints(ws(p), r),
    },
    {
      method: "PUT",
      url: `${WS}/onlineEndpoints/:endpoint`,
      handle: (p, b, r) => h.endpoints.putEndpoint(ws(p), p.endpoint, b, r),
    },
    {
      method: "PATCH",
      url: `${WS}/onlineEndpoints/:endpoint`,
      handle: (p, b, r) => h.endpoints.patchEndpoint(ws(p), p.endpoint, b, r),
    },
    {
      method: "GET",
      url: `${WS}/onlineEndpoints/:endpoint`,
      handle: (p, _b, r) => h.endpoints.getEndpoint(ws(p), p.endpoint, r),
    },
    {
      method: "DELETE",
      url: `${WS}/onlineEndpoints/:endpoint`,
      handle: (p, _b, r) => h.endpoints.deleteEndpoint(ws(p), p.endpoint, r),
    },
    {
      method: "POST",
      url: `${WS}/onlineEndpoints/:endpoint/listKeys`,
      handle: (p) => h.endpoints.listKeys(ws(p), p.endpoint),
    },
    {
      method: "POST",
      url: `${WS}/onlineEndpoints/:endpoint/regenerateKeys`,
      handle: (p, b, r) => h.endpoints.regenerateKeys(ws(p), p.endpoint, b, r),
    },
    {
      method: "POST",
      url: `${WS}/onlineEndpoints/:endpoint/token`,
      handle: (p) => h.endpoints.token(ws(p), p.endpoint),
    },

    {
      method: "GET",
      url: `${WS}/onlineEndpoints/:endpoint/deployments`,
      handle: (p, _b, r) => h.endpoints.listDeployments(ws(p), p.endpoint, r),
    },
    {
      method: "PUT",
      url: `${WS}/onlineEndpoints/:endpoint/deployments/:deployment`,
      handle: (p, b, r) => h.endpoints.putDeployment(ws(p), p.endpoint, p.deployment, b, r),
    },
    {
      method: "PATCH",
      url: `${WS}/onlineEndpoints/:endpoint/deployments/:deployment`,
      handle: (p, b) => h.endpoints.patchDeployment(ws(p), p.endpoint, p.deployment, b),
    },
    {
      method: "GET",
      url: `${WS}/onlineEndpoints/:endpoint/deployments/:deployment`,
      handle: (p) => h.endpoints.getDeployment(ws(p), p.endpoint, p.deployment),
    },
    {
      method: "DELETE",
      url: `${WS}/onlineEndpoints/:endpoint/deployments/:deployment`,
      handle: (p, _b, r) => h.endpoints.deleteDeployment(ws(p), p.endpoint, p.deployment, r),
    },
    {
      method: "POST",
      url: `${WS}/onlineEndpoints/:endpoint/deployments/:deployment/getLogs`,
      handle: (p, b) => h.endpoints.getLogs(ws(p), p.endpoint, p.deployment, b),
    },

    {
      method: "GET",
      url: `/subscriptions/:subscriptionId/providers/${V2_PROVIDER}/locations/:location/mfeOperationsStatus/:operationId`,
      handle: (p) => ({
        status: 200,
        body: h.operations.status(p.subscriptionId, p.operationId).body,
      }),
    },
    {
      method: "GET",
      url: `/subscriptions/:subscriptionId/providers/${V2_PROVIDER}/locations/:location/mfeOperationResults/:operationId`,
      handle: (p, _b, r) => {
        const { operation, body } = h.operations.status(p.subscriptionId, p.operationId);
        if (operation.status === "InProgress")
          return { status: 202, headers: h.operations.locationHeaders(r, operation) };
        if (operation.status === "Succeeded") return { status: 200 };
        return {
          status: body.error?.code === "InternalServerError" ? 500 : 400,
          body: {
            error: {
              code: body.error?.code ?? "InternalServerError",
              message: body.error?.message ?? "The operation failed.",
              details: [],
              additionalInfo: [],
            },
          },
        };
      },
    },
  ];
  for (const family of FAMILIES) {
    routes.push(
      {
        method: "GET",
        url: `${WS}/${family}`,
        handle: (p, _b, r) => h.assets.listContainers(ws(p), family, r),
      },
      {
        method: "PUT",
        url: `${WS}/${family}/:name`,
        handle: (p, b) => h.assets.putContainer(ws(p), family, p.name, b),
      },
      {
        method: "GET",
        url: `${WS}/${family}/:name`,
        handle: (p) => h.assets.getContainer(ws(p), family, p.name),
      },
      {
        method: "DELETE",
        url: `${WS}/${family}/:name`,
        handle: (p) => h.assets.deleteContainer(ws(p), family, p.name),
      },
      {
        method: "GET",
        url: `${WS}/${family}/:name/versions`,
        handle: (p, _b, r) => h.assets.listVersions(ws(p), family, p.name, r),
      },
      {
        method: "PUT",
        url: `${WS}/${family}/:name/versions/:version`,
        handle: (p, b) => h.assets.putVersion(ws(p), family, p.name, p.version, b),
      },
      {
        method: "GET",
        url: `${WS}/${family}/:name/versions/:version`,
        handle: (p) => h.assets.getVersion(ws(p), family, p.name, p.version),
      },
      {
        method: "DELETE",
        url: `${WS}/${family}/:name/versions/:version`,
        handle: (p) => h.assets.deleteVersion(ws(p), family, p.name, p.version),
      },
    );
  }
  return routes;
}
