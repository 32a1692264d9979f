/**
 * Routes of the ARM surface, `Microsoft.MachineLearning/webServices` (api-version 2017-01-01),
 * under `/subscriptions/{sub}/resourceGroups/{rg}/providers/...` as on management.azure.com,
 * plus the async-operation status URL the emulator hands out in `Azure-AsyncOperation`.
 */
import type { ArmHandler } from "../handlers/armHandler";
import { ErrorFactory } from "../errors";
import type { RouteSpec } from "./routeSpec";

const PROVIDER = "providers/Microsoft.MachineLearning";
const SERVICE = `/subscriptions/:subscriptionId/resourceGroups/:resourceGroup/${PROVIDER}/webServices/:name`;

/**
 * The ARM routes.
 * @param arm - the ARM handler
 */
export function armRoutes(arm: ArmHandler): RouteSpec[] {
  const service = (p: Readonly<Record<string, string>>) => ({
    subscriptionId: p.subscriptionId,
    resourceGroup: p.resourceGroup,
    name: p.name,
  });
  const base = { surface: "arm", auth: "arm" } as const;
  return [
    {
      ...base,
      method: "PUT",
      url: SERVICE,
      handle: (r, p, info) => arm.put(service(p), r.body, info),
    },
    {
      ...base,
      method: "GET",
      url: SERVICE,
      query: ["region"],
      handle: (_r, p, info) => arm.get(service(p), info),
    },
    {
      ...base,
      method: "PATCH",
      url: SERVICE,
      handle: (r, p, info) => arm.patch(service(p), r.body, info),
    },
    {
      ...base,
      method: "DELETE",
      url: SERVICE,
      handle: (_r, p, info) => arm.delete(service(p), info),
    },
    {
      ...base,
      method: "GET",
      url: `${SERVICE}/listKeys`,
      handle: (_r, p) => arm.listKeys(service(p)),
    },
    {
      ...base,
      method: "POST",
      url: `${SERVICE}/CreateRegionalBlob`,
      query: ["region"],
      handle: () => {
        throw ErrorFactory.notImplemented("CreateRegionalProperties (CreateRegionalBlob)");
      },
    },
    {
      ...base,
      method: "GET",
      url: `/subscriptions/:subscriptionId/resourceGroups/:resourceGroup/${PROVIDER}/webServices`,
      query: ["$skiptoken"],
      handle: (_r, p, info) => arm.list(p.subscriptionId, p.resourceGroup, info),
    },
    {
      ...base,
      method: "GET",
      url: `/subscriptions/:subscriptionId/${PROVIDER}/webServices`,
      query: ["$skiptoken"],
      handle: (_r, p, info) => arm.list(p.subscriptionId, undefined, info),
    },
    {
      ...base,
      method: "GET",
      url: `/subscriptions/:subscriptionId/${PROVIDER}/locations/:location/operationsStatus/:operationId`,
      handle: (_r, p) => arm.operationStatus(p.subscriptionId, p.operationId),
    },
    {
      ...base,
      method: "GET",
      url: `/${PROVIDER}/operations`,
      handle: () => {
        throw ErrorFactory.notImplemented("Listing the resource provider's operations");
      },
    },
  ];
}
