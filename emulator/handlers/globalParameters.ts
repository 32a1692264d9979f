/**
 * `GlobalParameters` of BES and RRS calls: names must be web service parameters of the
 * definition (`UnexpectedParameter`), parameters without a default must be sent
 * (`MissingRequiredGlobalParameters`), and values travel to the engine as strings, as on the wire.
 */
import type { ServiceShape } from "../engine/api";
import { ErrorFactory } from "../errors";
import { isObject } from "./util";

/**
 * Validates `GlobalParameters` against the service and returns them as strings.
 * @param value - the member as sent (may be null or absent)
 * @param shape - the service's description
 */
export function checkGlobalParameters(value: unknown, shape: ServiceShape): Record<string, string> {
  if (value !== undefined && value !== null && !isObject(value)) {
    throw ErrorFactory.requestBodyInvalid("'GlobalParameters' must be an object");
  }
  const sent: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value ?? {})) {
    if (raw === null || raw === undefined) continue;
    if (typeof raw !== "string" && typeof raw !== "number" && typeof raw !== "boolean") {
      throw ErrorFactory.badParameterValue(
        name,
        "a web service parameter must be a string, number or boolean",
      );
    }
    sent[name] = String(raw);
  }
  const known = new Set(shape.parameters.map((p) => p.name));
  const unexpected = Object.keys(sent).filter((name) => !known.has(name));
  if (unexpected.length > 0) {
    // Name a few: a body of 10,000 made-up names must not come back as a 100 KB error message.
    const named = unexpected.slice(0, 10).join(", ");
    const more = unexpected.length > 10 ? ` and ${unexpected.length - 10} more` : "";
    throw ErrorFactory.unexpectedParameter(`${named}${more}`);
  }
  const missing = shape.parameters
    .filter((p) => p.required && !(p.name in sent))
    .map((p) => p.name);
  if (missing.length > 0) throw ErrorFactory.missingRequiredGlobalParameters(missing.join(", "));
  return sent;
}
