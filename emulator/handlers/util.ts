/**
 * Small helpers shared by the handlers: case-insensitive member lookup in PascalCase bodies and
 * type checks that name the member at fault.
 */
import { ErrorFactory } from "../errors";

/**
 * True for a plain JSON object.
 * @param value - anything
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Reads the members of a body case-insensitively (`Resources`, `resources`...), returning them
 * under their canonical names and listing the ones that are not known.
 * @param body - the JSON object
 * @param names - canonical member names
 */
export function pickMembers<K extends string>(
  body: Record<string, unknown>,
  names: readonly K[],
): { values: Partial<Record<K, unknown>>; unknown: string[] } {
  const canonical = new Map(names.map((name) => [name.toLowerCase(), name]));
  const values: Partial<Record<K, unknown>> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const name = canonical.get(key.toLowerCase());
    if (name === undefined) unknown.push(key);
    else values[name] = value;
  }
  return { values, unknown };
}

/**
 * Rejects unknown members under `--strict` (they are ignored otherwise).
 * @param unknown - member names that are not supported
 * @param strict - the emulator's strict flag
 */
export function rejectUnknown(unknown: readonly string[], strict: boolean): void {
  if (strict && unknown.length > 0) throw ErrorFactory.unsupportedParameter(unknown[0]);
}

/**
 * An optional string member (null counts as absent).
 * @param value - the member's value
 * @param name - its name, for the error
 */
export function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw ErrorFactory.requestBodyInvalid(`'${name}' must be a string`);
  return value;
}

/** Now as an ISO-8601 string. */
export function nowIso(): string {
  return new Date().toISOString();
}
