/** The emulator's environment variables in unit tests: set for one call, then put back. */
import { ENV_PREFIX } from "../../../emulator/main";

/**
 * Runs `fn` with exactly these `AZUREML_EMULATOR_*` variables set (others of the runner's
 * environment removed), then restores every `AZUREML_EMULATOR_*` variable as it was.
 * `process.env` itself stays the same object (replacing it would drop its string coercion).
 * @param variables - names with or without the prefix, and their values
 * @param fn - the code to run
 */
export function withEmulatorEnv<T>(variables: Readonly<Record<string, string>>, fn: () => T): T {
  const ours = (): string[] => Object.keys(process.env).filter((k) => k.startsWith(ENV_PREFIX));
  const saved = ours().map((name) => [name, process.env[name]] as const);
  for (const name of ours()) delete process.env[name];
  try {
    for (const [name, value] of Object.entries(variables)) {
      process.env[name.startsWith(ENV_PREFIX) ? name : ENV_PREFIX + name] = value;
    }
    return fn();
  } finally {
    for (const name of ours()) delete process.env[name];
    for (const [name, value] of saved) process.env[name] = value;
  }
}
