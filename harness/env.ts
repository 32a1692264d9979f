/**
 * Environment variables set for a while, for the harness, the benchmarks and the tests.
 */

/**
 * Sets environment variables (`undefined` unsets one) and returns a function that restores each
 * to what it was: its previous value, or unset when it was unset.
 * @param vars - the variables to set
 */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const assign = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  assign(vars);
  return () => assign(previous);
}
