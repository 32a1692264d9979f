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

// ---------------------------------------------------------------------------------------------
// Staged rollout (classic)
// ---------------------------------------------------------------------------------------------

/** The numbers behind the staged rollout's schemas. */
export const STAGE_LIMITS = {
  /** Rows of the candidate's held-out scores each check sends through each endpoint. */
  sampleRows: { min: 1, max: 1000, whenUnset: 20 },
  /** Rows per RRS call (the p99 is over the calls). */
  rowsPerCall: { min: 1, max: 100, whenUnset: 5 },
  /** Bound of the p99 latency of a stage's RRS calls, in ms. */
  maxP99Ms: { min: 1, max: 600_000, whenUnset: 5_000 },
  /** Bake time after the first check passed, in seconds (one day at most). */
  bakeSeconds: { min: 0, max: 86_400, whenUnset: 0 },
  /** Seconds between the checks during the bake time. */
  recheckSeconds: { min: 1, max: 3_600, whenUnset: 30 },
  /** Largest difference of a probability from the candidate's own (same model: 1e-9). */
  tolerance: { min: 0, max: 0.001, whenUnset: 1e-9 },
  /** Stages in a rollout. */
  stages: { max: 20 },
} as const;

/** A stage's name: 1-24 lowercase letters, digits and inner hyphens (it names a resource). */
export function stageName(): ZodType<string> {
  const message = (i: { input: unknown }): string =>
    `${JSON.stringify(i.input)} is not a valid stage name: 1-24 lowercase letters, digits and inner hyphens, e.g. "canary"`;
  return zod()
    .z.string({ error: message })
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$/, { error: message });
}

/** A whole number in a range of {@link STAGE_LIMITS}, with a message naming the range and unit. */
function boundedInt(
  limits: { readonly min: number; readonly max: number },
  unit: string,
): ZodType<number> {
  const message = (i: { input: unknown }): string =>
    `must be a whole number of ${unit} in ${limits.min}..${limits.max}, got ${JSON.stringify(i.input)}`;
  return zod()
    .z.number({ error: message })
    .int({ error: message })
    .min(limits.min, { error: message })
    .max(limits.max, { error: message });
}

/** Rows each check scores through each endpoint. */
export function sampleRows(): ZodType<number> {
  return boundedInt(STAGE_LIMITS.sampleRows, "rows");
}

/** Rows per RRS call of a check. */
export function rowsPerCall(): ZodType<number> {
  return boundedInt(STAGE_LIMITS.rowsPerCall, "rows");
}

/** The p99 latency bound of a check, in ms. */
export function maxP99Ms(): ZodType<number> {
  return boundedInt(STAGE_LIMITS.maxP99Ms, "milliseconds");
}

/** A stage's bake time, in seconds. */
export function bakeSeconds(): ZodType<number> {
  return boundedInt(STAGE_LIMITS.bakeSeconds, "seconds");
}

/** Seconds between the checks of a bake. */
export function recheckSeconds(): ZodType<number> {
  return boundedInt(STAGE_LIMITS.recheckSeconds, "seconds");
}

/** How far a served probability may be from the candidate's own. */
export function scoreTolerance(): ZodType<number> {
  const { min, max } = STAGE_LIMITS.tolerance;
  const message = (i: { input: unknown }): string =>
    `must be a number in ${min}..${max} (the same model scores the same: 1e-9 allows for float formatting), got ${JSON.stringify(i.input)}`;
  return zod()
    .z.number({ error: message })
    .min(min, { error: message })
    .max(max, { error: message });
}

/** A stage's scoring check, every field set (what the stage resource's `check` accepts). */
export interface StageCheckSettings {
  readonly sampleRows: number;
  readonly rowsPerCall: number;
  readonly maxP99Ms: number;
  readonly bakeSeconds: number;
  readonly recheckSeconds: number;
  readonly tolerance: number;
}

/**
 * A stage's scoring check as declared: each field optional, defaults from {@link STAGE_LIMITS}.
 * The config parses stages with it and the stage resource's `check` checks its settings with it.
 */
export function stageCheck(): ZodType<StageCheckSettings> {
  const z = zod().z;
  const s = STAGE_LIMITS;
  return z
    .object({
      sampleRows: sampleRows().default(s.sampleRows.whenUnset),
      rowsPerCall: rowsPerCall().default(s.rowsPerCall.whenUnset),
      maxP99Ms: maxP99Ms().default(s.maxP99Ms.whenUnset),
      bakeSeconds: bakeSeconds().default(s.bakeSeconds.whenUnset),
      recheckSeconds: recheckSeconds().default(s.recheckSeconds.whenUnset),
      tolerance: scoreTolerance().default(s.tolerance.whenUnset),
    })
    .strict() as unknown as ZodType<StageCheckSettings>;
}
