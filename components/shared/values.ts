/**
 * How the providers compare values: the engine's unknown sentinel, canonical JSON, and the one
 * `differs` every diff uses. No imports: the providers' code is loaded by every resource kind.
 */

/** The value Pulumi passes for inputs not known yet during a preview (`runtime/rpc.js`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is, or contains, an unknown preview value. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Canonical JSON: keys sorted at every level, so formatting and key order do not matter. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Whether a declared value differs from the stored one, for the providers' diffs: by canonical
 * JSON (key order does not count), and an unknown preview value always counts as a change.
 */
export function differs(stored: unknown, declared: unknown): boolean {
  return containsUnknown(declared) || canonicalJson(stored) !== canonicalJson(declared);
}
