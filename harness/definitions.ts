/**
 * The sample web service definitions of `definitions/`, as the tests and the benchmarks load them.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { ArmWebService } from "../contract";

/**
 * A sample service definition from `definitions/` (ARM form: `{name, location, properties}`).
 * @param name - file name without `.json`, e.g. `census-training`
 */
export function loadServiceDefinition(name: string): ArmWebService {
  const file = path.join(__dirname, "..", "definitions", `${name}.json`);
  return JSON.parse(readFileSync(file, "utf8")) as ArmWebService;
}
