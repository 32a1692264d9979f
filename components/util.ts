import type * as pulumi from "@pulumi/pulumi";

/**
 * Small pure helpers shared by the providers. Kept in their own module with no imports: each
 * provider's serialized code copies the modules it uses by value, so small modules keep the
 * `__provider` text (stored in the state for every resource) small.
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

/** Blob container names: 3–63 lowercase letters, digits and single inner hyphens. */
export function validateContainerName(
  name: unknown,
  property: string,
): { property: string; reason: string }[] {
  if (typeof name !== "string" || !/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(name)) {
    return [
      {
        property,
        reason: `${JSON.stringify(name)} is not a valid container name: 3-63 lowercase letters, digits and single hyphens`,
      },
    ];
  }
  return [];
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

/** Writes one progress line unless `AZUREML_RETRAIN_LOG=silent` (tests). Never pass secrets. */
export function progress(kind: string, name: string, line: string): void {
  if (process.env.AZUREML_RETRAIN_LOG !== "silent") console.log(`[${kind} ${name}] ${line}`);
}

/**
 * A copy without `undefined` members, at any depth. Provider results cross gRPC as protobuf
 * Structs, whose encoder throws "Unexpected struct type" on `undefined`.
 */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, compact(v)]),
    ) as T;
  }
  return value;
}

/**
 * Wraps a provider so every result is {@link compact}ed: one place, instead of every return
 * statement, keeps `undefined` out of what crosses gRPC.
 */
export function compactResults(
  provider: pulumi.dynamic.ResourceProvider,
): pulumi.dynamic.ResourceProvider {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(provider)) {
    wrapped[name] = async (...args: unknown[]) =>
      compact(await (method as (...a: unknown[]) => Promise<unknown>).apply(provider, args));
  }
  return wrapped as unknown as pulumi.dynamic.ResourceProvider;
}
