/**
 * Pure logic of the `ClassicEndpoint` provider: `check` (with the limits shared with the stack
 * config) and `diff`. No I/O.
 */
import { limitFailures, requiredStrings, type FieldFailure } from "../shared/checks";
import {
  endpointDescription,
  endpointName,
  maxConcurrentCalls,
  throttleLevel,
} from "../shared/limits";
import { modelUri, type ModelRef } from "../shared/sas";
import { transformRefFailures, transformUris } from "../shared/transforms";
import { canonicalJson, containsUnknown, differs } from "../shared/values";
import type { ClassicEndpointInputs, ClassicEndpointOutputs } from "./types";

/** The endpoint settings a PATCH changes in place. */
export const SETTINGS = ["description", "throttleLevel", "maxConcurrentCalls"] as const;

/** The failures of `check`. */
export function checkClassicEndpoint(news: Readonly<Record<string, unknown>>): FieldFailure[] {
  const failures: FieldFailure[] = [
    ...limitFailures(endpointName(), news.name, "name"),
    ...limitFailures(throttleLevel(), news.throttleLevel, "throttleLevel", { optional: true }),
    ...limitFailures(maxConcurrentCalls(), news.maxConcurrentCalls, "maxConcurrentCalls", {
      optional: true,
    }),
    ...limitFailures(endpointDescription(), news.description, "description", { optional: true }),
    ...requiredStrings(news, [
      "endpoint",
      "workspaceId",
      "webServiceId",
      "token",
      "resourceName",
      "storageConnectionString",
    ]),
  ];
  const model = news.trainedModel as Partial<ModelRef> | undefined;
  if (
    !containsUnknown(model) &&
    (typeof model?.baseLocation !== "string" || typeof model?.relativeLocation !== "string")
  ) {
    failures.push({
      property: "trainedModel",
      reason: "needs { baseLocation, relativeLocation } (a TrainedModel's model output)",
    });
  }
  failures.push(...transformRefFailures(news.trainedTransforms));
  return failures;
}

/** Diff of a classic endpoint. */
export function diffClassicEndpoint(
  olds: Partial<ClassicEndpointOutputs>,
  news: Partial<ClassicEndpointInputs>,
): { changes: boolean; replaces: string[]; updates: string[] } {
  const replaces = (["endpoint", "workspaceId", "webServiceId", "name"] as const).filter((f) =>
    differs(olds[f], news[f]),
  );
  const updates: string[] = (
    [...SETTINGS, "resourceName", "token", "storageConnectionString"] as const
  ).filter((f) => differs(olds[f], news[f]));
  const wanted = containsUnknown(news.trainedModel)
    ? news.trainedModel
    : modelUri(news.trainedModel);
  if (differs(olds.servedModelUri ?? modelUri(olds.trainedModel), wanted))
    updates.push("trainedModel");
  const wantedTransforms = containsUnknown(news.trainedTransforms)
    ? news.trainedTransforms
    : transformUris(news.trainedTransforms);
  if (differs(olds.servedTransformUris ?? transformUris(olds.trainedTransforms), wantedTransforms))
    updates.push("trainedTransforms");
  if (definitionRepublished(olds, news)) updates.push("serviceDefinitionSha256");
  return { changes: replaces.length + updates.length > 0, replaces, updates };
}

/**
 * The provider's diff answer: a replacement under the same name deletes the old endpoint first
 * (the name would be taken).
 */
export function classicEndpointDiffAnswer(
  olds: Partial<ClassicEndpointOutputs>,
  news: Partial<ClassicEndpointInputs>,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const { changes, replaces } = diffClassicEndpoint(olds, news);
  return {
    changes,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && !replaces.includes("name"),
  };
}

/** Whether a settings PATCH is needed (description, throttle level, concurrent calls). */
export function settingsChanged(
  olds: Partial<ClassicEndpointInputs>,
  news: Partial<ClassicEndpointInputs>,
): boolean {
  return SETTINGS.some((f) => canonicalJson(olds[f]) !== canonicalJson(news[f]));
}

/**
 * Whether the web service published another definition since the endpoint was last refreshed
 * (an unknown hash counts: the preview cannot tell). A referenced service has no hash: never.
 */
export function definitionRepublished(
  olds: Partial<ClassicEndpointInputs>,
  news: Partial<ClassicEndpointInputs>,
): boolean {
  return (
    news.serviceDefinitionSha256 !== undefined &&
    differs(olds.serviceDefinitionSha256, news.serviceDefinitionSha256)
  );
}
