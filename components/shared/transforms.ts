/**
 * The saved transformations a retrain sets beside a model on classic services and endpoints
 * (`trainedTransforms`: each "[transform]" resource name to a blob location): their checks and
 * their URIs. No I/O.
 */
import type { FieldFailure } from "./checks";
import { modelUri, type ModelRef } from "./sas";
import { containsUnknown } from "./values";

/**
 * The failures of `trainedTransforms` (classic web services and endpoints): a map from each
 * "[transform]" resource name to a `{ baseLocation, relativeLocation }`.
 * @param value - the declared value
 */
export function transformRefFailures(value: unknown): FieldFailure[] {
  if (value === undefined || containsUnknown(value)) return [];
  const property = "trainedTransforms";
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return [{ property, reason: 'must map each "[transform]" resource name to a model location' }];
  const failures: FieldFailure[] = [];
  for (const [name, ref] of Object.entries(value as Record<string, Partial<ModelRef>>)) {
    if (!name.endsWith("[transform]"))
      failures.push({ property, reason: `"${name}" must name a resource ending in "[transform]"` });
    else if (
      !containsUnknown(ref) &&
      (typeof ref?.baseLocation !== "string" || typeof ref?.relativeLocation !== "string")
    )
      failures.push({
        property,
        reason: `"${name}" needs { baseLocation, relativeLocation } (a TrainedModel's transforms output)`,
      });
  }
  return failures;
}

/** The URI of each transformation, by resource name (none declared: an empty map). */
export function transformUris(
  transforms: Readonly<Record<string, ModelRef>> | undefined,
): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(transforms ?? {}).map(([n, r]) => [n, modelUri(r)]));
}
