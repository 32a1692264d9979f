import type { ZodType } from "zod";

/**
 * Each input's limits, defined once as zod schemas: `config.ts` validates the stack config with
 * them and the providers' `check` validates their inputs with the same schemas, so a value the
 * config accepts is never refused later by a check (nor the other way round), and both say the
 * same thing about it.
 *
 * The schemas are built by functions around a `require` of zod made when called, not at module
 * load: the providers' code is serialized with what it references, and an npm module bound at
 * the top of a module would be copied by value (see `clients/modules.ts`).
 */

/* eslint-disable @typescript-eslint/no-require-imports -- see above */
function zod(): typeof import("zod") {
  return require("zod");
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** The numbers behind the schemas, for messages and tests. */
export const LIMITS = {
  /** Classic endpoint: concurrent RRS calls it accepts (`docs/contracts.md` §3.3). */
  maxConcurrentCalls: { min: 1, max: 200 },
  /** Classic endpoint description, in characters. */
  descriptionChars: 2000,
  /**
   * BES job deadline in minutes: (0, one week]; 120 when unset. (Not named `default`: the
   * closure serializer takes an object with a `default` member for a module namespace.)
   */
  deadlineMinutes: { max: 7 * 24 * 60, whenUnset: 120 },
} as const;

/** ARM web service names: 1-100 letters, digits, `_`, `.` or `-`, starting with a letter or digit. */
export function webServiceName(): ZodType<string> {
  const message = (i: { input: unknown }): string =>
    `${JSON.stringify(i.input)} is not a valid web service name: 1-100 letters, digits, "_", "." or "-"`;
  return zod()
    .z.string({ error: message })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, { error: message });
}

/** Classic endpoint names: ≤ 24 lowercase letters, digits and inner hyphens; never `default`. */
export function endpointName(): ZodType<string> {
  const message = (i: { input: unknown }): string =>
    `${JSON.stringify(i.input)} is not a valid endpoint name: 1-24 lowercase letters, digits and inner hyphens, not "default" (the default endpoint cannot take a retrained model)`;
  return zod()
    .z.string({ error: message })
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$/, { error: message, abort: true })
    .refine((name) => name !== "default", { error: message });
}

/** A classic endpoint's description. */
export function endpointDescription(): ZodType<string> {
  return zod()
    .z.string({ error: "must be a string" })
    .max(LIMITS.descriptionChars, {
      error: `must be at most ${LIMITS.descriptionChars} characters`,
    });
}

/** A classic endpoint's throttle level. */
export function throttleLevel(): ZodType<"Low" | "High"> {
  return zod().z.enum(["Low", "High"], { error: 'must be "Low" or "High"' });
}

/** A classic endpoint's maximum concurrent calls. */
export function maxConcurrentCalls(): ZodType<number> {
  const { min, max } = LIMITS.maxConcurrentCalls;
  const message = (i: { input: unknown }): string =>
    `must be an integer in ${min}..${max}, got ${JSON.stringify(i.input)}`;
  return zod().z.number({ error: message }).int({ error: message }).min(min).max(max);
}

/** The BES job's deadline, in minutes. */
export function deadlineMinutes(): ZodType<number> {
  const message = (i: { input: unknown }): string =>
    `must be a number of minutes in (0, ${LIMITS.deadlineMinutes.max}], got ${JSON.stringify(i.input)}`;
  return zod().z.number({ error: message }).positive().max(LIMITS.deadlineMinutes.max);
}

/**
 * Model versions: 1-64 letters, digits, `.`, `_`, `-`, starting with a letter or digit, no `..`
 * (they name blobs).
 */
export function modelVersion(): ZodType<string> {
  const invalid = (i: { input: unknown }): string =>
    `"${String(i.input)}" is not a valid version: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit (e.g. "2026-11-27.1")`;
  return zod()
    .z.string({ error: 'must be a non-empty string such as "2026-11-27.1"' })
    .min(1, { error: 'must be a non-empty string such as "2026-11-27.1"', abort: true })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: invalid, abort: true })
    .refine((v) => !v.includes(".."), { error: invalid });
}

/** Blob container names: 3-63 lowercase letters, digits and single inner hyphens. */
export function containerName(): ZodType<string> {
  const message = (i: { input: unknown }): string =>
    `${JSON.stringify(i.input)} is not a valid container name: 3-63 lowercase letters, digits and single hyphens`;
  return zod()
    .z.string({ error: message })
    .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, { error: message });
}

/** Ids of classic web services and Studio workspaces: 32 hex digits. */
export function hexId(what: string): ZodType<string> {
  return zod()
    .z.string({ error: `must be the 32-hex id of the ${what}` })
    .regex(/^[0-9a-f]{32}$/, { error: `must be the 32-hex id of the ${what}` });
}

// ---------------------------------------------------------------------------------------------
// Azure Machine Learning (v2)
// ---------------------------------------------------------------------------------------------

/** Names of v2 workspaces, assets and models: Azure's rule for names in PUT paths. */
export function mlName(what: string): ZodType<string> {
  const message = (i: { input: unknown }): string =>
    `${JSON.stringify(i.input)} is not a valid ${what} name: 1-255 letters, digits, "-" or "_", starting with a letter or digit`;
  return zod()
    .z.string({ error: message })
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/, { error: message });
}

/** Online endpoint names: 3-32 letters, digits and "-", a letter first, not ending with "-". */
export function onlineEndpointName(): ZodType<string> {
  const message = (i: { input: unknown }): string =>
    `${JSON.stringify(i.input)} is not a valid online endpoint name: 3-32 letters, digits and "-", starting with a letter and not ending with "-" (unique in the region)`;
  return zod()
    .z.string({ error: message })
    .regex(/^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/, { error: message });
}

/**
 * The traffic steps of a rollout, in percent of calls on the new deployment: increasing
 * integers in 1..100 that end at 100, e.g. `[10, 50, 100]`.
 */
export function trafficSteps(): ZodType<number[]> {
  const message = "must be increasing whole percents in 1..100 ending at 100, e.g. [10, 50, 100]";
  return zod()
    .z.array(zod().z.number({ error: message }).int({ error: message }).min(1).max(100), {
      error: message,
    })
    .min(1, { error: message })
    .refine(
      (steps) =>
        steps.every((s, i) => i === 0 || s > steps[i - 1]) && steps[steps.length - 1] === 100,
      { error: message },
    );
}

/** The share of calls mirrored to a new deployment before it takes live traffic (Azure: ≤ 50). */
export function mirrorPercent(): ZodType<number> {
  const message = (i: { input: unknown }): string =>
    `must be a whole percent in 1..50 (Azure mirrors at most half the calls), got ${JSON.stringify(i.input)}`;
  return zod().z.number({ error: message }).int({ error: message }).min(1).max(50);
}

/** How many superseded deployments a rollout keeps for rollbacks. */
export function keepDeployments(): ZodType<number> {
  const message = (i: { input: unknown }): string =>
    `must be a whole number of deployments in 0..10, got ${JSON.stringify(i.input)}`;
  return zod().z.number({ error: message }).int({ error: message }).min(0).max(10);
}
