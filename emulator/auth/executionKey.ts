/**
 * The execution API's credential (BES and RRS): a key of the addressed ARM service or classic
 * endpoint. Only that target's own keys drive it, so the target is resolved first; an unknown
 * target is a 404, as on Azure.
 */
import { ErrorFactory } from "../errors";
import type { ExecutionTargets } from "../services/executionTargets";
import type { Authenticator } from "./authenticator";
import { authorizes } from "./secrets";

/**
 * The execution-key check; leaves the resolved target on the request.
 * @param targets - resolves an execution URL to its service or endpoint
 */
export function executionKeyAuthenticator(
  targets: Pick<ExecutionTargets, "resolve">,
): Authenticator {
  return (request) => {
    const params = request.params as Record<string, string>;
    const kind = params.subscriptionId !== undefined ? "subscriptions" : "workspaces";
    const scope = params.subscriptionId ?? params.workspaceId;
    const target = targets.resolve(kind, scope, params.executionId);
    if (!target) throw ErrorFactory.serviceNotFound();
    if (!authorizes(request.headers.authorization, target.keys))
      throw ErrorFactory.scoreRequestUnauthorized();
    request.executionTarget = target;
  };
}
