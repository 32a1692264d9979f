/**
 * The scoring router's choices, pure: which deployment takes a call (weighted by `traffic`), and
 * whether a copy goes to the mirror deployment. Both take a uniform draw in [0, 1), so a seeded
 * generator replays the same sequence of choices (`--routing-seed`).
 */

/**
 * The deployment a draw lands on, by weight; undefined when no weight is positive. Names are
 * taken in sorted order so the outcome of a draw does not depend on how the map was written.
 * @param weights - deployment name → percent
 * @param draw - a uniform number in [0, 1)
 */
export function pickWeighted(
  weights: Readonly<Record<string, number>>,
  draw: number,
): string | undefined {
  const entries = Object.entries(weights)
    .filter(([, weight]) => weight > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  if (total <= 0) return undefined;
  let point = draw * total;
  for (const [name, weight] of entries) {
    if (point < weight) return name;
    point -= weight;
  }
  return entries[entries.length - 1][0];
}

/**
 * The deployment a call is mirrored to, or undefined (no mirror, or the draw is above its
 * percent).
 * @param mirror - `mirrorTraffic`: at most one deployment with a positive percent
 * @param draw - a uniform number in [0, 1)
 */
export function pickMirror(
  mirror: Readonly<Record<string, number>>,
  draw: number,
): string | undefined {
  const entry = Object.entries(mirror).find(([, percent]) => percent > 0);
  if (!entry) return undefined;
  return draw * 100 < entry[1] ? entry[0] : undefined;
}

/**
 * Checks `traffic` and `mirrorTraffic` against Azure's rules; returns the first problem, or
 * undefined.
 * @param traffic - deployment → percent
 * @param mirror - deployment → percent
 * @param deployments - names of the endpoint's deployments (case-insensitive)
 */
export function trafficProblem(
  traffic: Readonly<Record<string, number>>,
  mirror: Readonly<Record<string, number>>,
  deployments: readonly string[],
): { target: string; reason: string } | undefined {
  const known = new Set(deployments.map((d) => d.toLowerCase()));
  for (const [target, map] of [
    ["properties.traffic", traffic],
    ["properties.mirrorTraffic", mirror],
  ] as const) {
    for (const [name, percent] of Object.entries(map)) {
      if (!Number.isInteger(percent) || percent < 0 || percent > 100)
        return {
          target,
          reason: `the percent of ${name} must be an integer from 0 to 100, got ${percent}`,
        };
      if (!known.has(name.toLowerCase()))
        return {
          target,
          reason: `deployment ${name} does not exist on this endpoint (deployments: ${deployments.join(", ") || "none"})`,
        };
    }
  }
  const sum = Object.values(traffic).reduce((a, b) => a + b, 0);
  if (sum !== 100 && sum !== 0)
    return {
      target: "properties.traffic",
      reason: `the percents must add up to 100 (or all be 0), got ${sum}`,
    };
  const mirrored = Object.entries(mirror).filter(([, percent]) => percent > 0);
  if (mirrored.length > 1)
    return {
      target: "properties.mirrorTraffic",
      reason: "at most one deployment can receive mirrored traffic",
    };
  if (mirrored.length === 1) {
    const [name, percent] = mirrored[0];
    if (percent > 50)
      return {
        target: "properties.mirrorTraffic",
        reason: `at most 50 percent can be mirrored, got ${percent}`,
      };
    const live = Object.entries(traffic).find(
      ([deployment, share]) => deployment.toLowerCase() === name.toLowerCase() && share > 0,
    );
    if (live)
      return {
        target: "properties.mirrorTraffic",
        reason: `deployment ${name} takes live traffic and cannot also receive mirrored traffic`,
      };
  }
  return undefined;
}
