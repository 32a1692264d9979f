import type { ZodType } from "zod";
import { containsUnknown } from "./values";

/**
 * The pieces every provider's `check` is made of: a failure naming a property, the
 * required-string rule, and the failures of a shared limit (a zod schema, see `limits.ts`).
 * Values not known yet in a preview are never failures: they are checked when they are known.
 */

/** A problem with one field, for `check` failures and config errors. */
export interface FieldFailure {
  readonly property: string;
  readonly reason: string;
}

/**
 * A failure for each of `keys` whose value in `props` is not a non-empty string.
 * @param props - the inputs
 * @param keys - the required properties
 * @param reason - the reason given (default "is required")
 * @param prefix - prepended to each property name (`training.` for nested inputs)
 */
export function requiredStrings(
  props: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  reason = "is required",
  prefix = "",
): FieldFailure[] {
  return keys
    .filter((k) => !containsUnknown(props[k]) && (typeof props[k] !== "string" || !props[k]))
    .map((k) => ({ property: `${prefix}${k}`, reason }));
}

/**
 * The failures of `value` against a shared limit: one per zod issue, naming `property` (and the
 * path inside it). An unknown value, or an absent one when `optional`, is no failure.
 */
export function limitFailures(
  schema: ZodType,
  value: unknown,
  property: string,
  options: { optional?: boolean } = {},
): FieldFailure[] {
  if (containsUnknown(value)) return [];
  if (value === undefined && options.optional) return [];
  const parsed = schema.safeParse(value);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({
    property: [property, ...issue.path.map(String)].join("."),
    reason: issue.message,
  }));
}
