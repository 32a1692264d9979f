import type * as pulumi from "@pulumi/pulumi";

/**
 * Provider results without `undefined`: results cross gRPC as protobuf Structs, whose encoder
 * throws "Unexpected struct type" on `undefined`.
 */

/** A copy without `undefined` members, at any depth. */
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
