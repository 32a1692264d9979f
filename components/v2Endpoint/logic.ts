/**
 * Pure logic of the online endpoint provider: `check`, `diff` and the PUT body. No I/O.
 */
import { limitFailures, requiredStrings, type FieldFailure } from "../shared/checks";
import { onlineEndpointName } from "../shared/limits";
import { checkTarget, targetKey } from "../shared/mlTarget";
import { containsUnknown, differs } from "../shared/values";
import type { OnlineEndpointInputs, OnlineEndpointOutputs } from "./types";

/** The failures of `check`. */
export function checkOnlineEndpoint(news: Readonly<Record<string, unknown>>): FieldFailure[] {
  const failures = [
    ...checkTarget(news.target, "target"),
    ...limitFailures(onlineEndpointName(), news.name, "name"),
    ...requiredStrings(news, ["location"]),
  ];
  if (!containsUnknown(news.authMode) && news.authMode !== "Key" && news.authMode !== "AMLToken")
    failures.push({ property: "authMode", reason: 'must be "Key" or "AMLToken"' });
  return failures;
}

/** Another workspace, name or region replaces; the auth mode and description update in place. */
export function diffOnlineEndpoint(
  olds: Partial<OnlineEndpointOutputs>,
  news: Partial<OnlineEndpointInputs>,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces: string[] = [];
  if (containsUnknown(news.target) || targetKey(olds.target) !== targetKey(news.target))
    replaces.push("target");
  if (differs(olds.name, news.name)) replaces.push("name");
  if (differs(olds.location, news.location)) replaces.push("location");
  const changes =
    replaces.length > 0 ||
    differs(olds.authMode, news.authMode) ||
    differs(olds.description, news.description) ||
    differs(olds.target?.token, news.target?.token);
  // The name is unique in the region: the old endpoint must go before the new one is made.
  return {
    changes,
    replaces,
    deleteBeforeReplace: replaces.includes("name") || replaces.includes("location"),
  };
}

/**
 * The PUT body. Traffic is not this resource's: a create sends none, an update sends back what
 * the endpoint has (the rollout owns traffic).
 */
export function endpointBody(
  inputs: OnlineEndpointInputs,
  current?: { traffic?: Record<string, number>; mirrorTraffic?: Record<string, number> },
): Record<string, unknown> {
  return {
    location: inputs.location,
    identity: { type: "SystemAssigned" },
    properties: {
      authMode: inputs.authMode,
      ...(inputs.description ? { description: inputs.description } : {}),
      ...(current
        ? {
            traffic: { ...(current.traffic ?? {}) },
            mirrorTraffic: { ...(current.mirrorTraffic ?? {}) },
          }
        : {}),
    },
  };
}
