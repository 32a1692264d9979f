/**
 * Reading the objects of a graph package, whose keys come in camelCase or PascalCase (the ARM API
 * accepts the PascalCase of its own PATCH example, `docs/contracts.md` §4.2).
 */

/**
 * A property read case-insensitively (an exact match first); undefined when `obj` is not an
 * object or has no such key.
 *
 * @param obj - any value
 * @param key - property name
 */
export function prop(obj: unknown, key: string): unknown {
  if (typeof obj !== "object" || obj === null) return undefined;
  const o = obj as Record<string, unknown>;
  if (key in o) return o[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}
