/**
 * The stack configuration, typed and validated in one place. Only this file and `index.ts` read
 * `pulumi.Config`; everything below them gets plain, validated values through arguments.
 *
 * `parseConfig` is pure (a map of raw config values in, a typed config or one error listing every
 * bad field out), so it is table-tested without Pulumi. Each message names the config key, what is
 * wrong and how to fix it, and is raised before any resource is declared. The limits of values
 * that reach a provider (names, versions, endpoint settings, the deadline) are the schemas of
 * `components/shared/limits.ts`, which the providers' `check` uses too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { validateGate, type GateSpec } from "./components/retrain/gate";
import {
  deadlineMinutes,
  endpointDescription,
  endpointName,
  hexId,
  keepDeployments,
  LIMITS,
  maxConcurrentCalls,
  mirrorPercent,
  mlName,
  modelVersion,
  onlineEndpointName,
  bakeSeconds,
  stageCheck,
  stageName,
  STAGE_LIMITS,
  type StageCheckSettings,
  throttleLevel,
  trafficSteps,
  webServiceName,
} from "./components/shared/limits";

/** The Pulumi project name: the config namespace. */
export const PROJECT = "azureml-retrain";

/** A model declaration: what a pull request changes. */
export interface ModelConfig {
  readonly version: string;
  readonly data: string;
  readonly parameters: Record<string, string>;
  readonly gate: GateSpec;
  readonly retain: boolean;
  readonly deadlineMinutes: number;
}

/** A classic endpoint, optionally pinned to its own model. */
export interface EndpointConfig {
  readonly name: string;
  readonly description?: string;
  readonly throttleLevel?: "Low" | "High";
  readonly maxConcurrentCalls?: number;
  /** A pinned model (version + data, other fields from the main model); absent = the main model. */
  readonly model?: {
    readonly version: string;
    readonly data: string;
    readonly parameters?: Record<string, string>;
  };
}

/** Which service definitions to deploy. */
export interface ServicesConfig {
  readonly trainingDefinition: string;
  readonly predictiveDefinition: string;
  readonly trainingName: string;
  readonly predictiveName: string;
  /** Classic predictive web service id (Azure: existing service; local: published with this id). */
  readonly classicWebServiceId: string;
  /**
   * Allows a change that replaces the classic web service (another id): every endpoint is
   * created again under the new one and its consumers get new keys. Off unless set for that up.
   */
  readonly allowClassicReplacement: boolean;
  /**
   * Which "[transform]" asset of the predictive definition each transformation output of the
   * training definition is set on, when a retrain writes a new one beside the model. Needed only
   * when either definition has more than one; one of each pair by themselves.
   */
  readonly transformAssets?: Readonly<Record<string, string>>;
}

/** Local target: Azurite + the emulator. */
export interface LocalConfig {
  readonly emulatorUrl: string;
  readonly azuriteBlobEndpoint: string;
  /** The emulator's data folder, where it keeps its generated credentials. */
  readonly emulatorLocation: string;
  /** Workspace id of the classic services on the emulator (any 32-hex id). */
  readonly workspaceId: string;
}

/** Azure target. */
export interface AzureConfig {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  /** The Studio (classic) workspace id; the v2 platform does not use it. */
  readonly workspaceId?: string;
  readonly managementEndpoint: string;
  readonly armEndpoint: string;
  readonly storageAccountName?: string;
  readonly commitmentPlanId?: string;
}

/** The Azure Machine Learning (v2) platform's settings. */
export interface V2Config {
  /** The workspace (created by the stack). */
  readonly workspace: string;
  /** The managed online endpoint (unique in its region). */
  readonly endpoint: string;
  /** The registered model's name; its versions are `model.version`. */
  readonly modelName: string;
  /** The folder of the training and scoring scripts, relative to the project. */
  readonly code: string;
  readonly trainScript: string;
  readonly scoringScript: string;
  /** Base image and conda file (relative to the project) of the job and the deployments. */
  readonly environment: { readonly image: string; readonly condaFile: string };
  /** Compute cluster of the job on Azure (absent: serverless); ignored locally. */
  readonly compute?: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  /** How traffic moves to a new deployment: steps (ending at 100), mirrored first or not. */
  readonly rollout: { readonly steps: number[]; readonly mirrorPercent?: number };
  /** Superseded deployments kept for rollbacks. */
  readonly keepDeployments: number;
  /** The data's label column (the gate compares scores with it). */
  readonly labelColumn: string;
  /** The columns the training script reads, label included (the data's header must have them). */
  readonly columns: string[];
}

/** The census columns the sample train.py reads (`definitions/v2/census/src`). */
export const CENSUS_V2_COLUMNS = [
  "age",
  "workclass",
  "education",
  "education-num",
  "marital-status",
  "occupation",
  "relationship",
  "race",
  "sex",
  "capital-gain",
  "capital-loss",
  "hours-per-week",
  "native-country",
  "income",
];

/** The predictive service's own endpoint, as a stage names it. */
export const DEFAULT_ENDPOINT = "default";

/** One stage of a staged rollout: its endpoints are repointed, then checked, before the next. */
export interface StageConfig {
  readonly name: string;
  /**
   * Classic endpoint names, and `default` for the predictive service's own endpoint; a last
   * stage given as `"*"` in the config holds every endpoint no earlier stage names.
   */
  readonly endpoints: readonly string[];
  /** The scoring check and the bake time. */
  readonly check: StageCheckSettings;
}

/** A staged rollout of the main model: stages in order. Absent: every endpoint at once. */
export interface RolloutConfig {
  readonly stages: readonly StageConfig[];
}

/** The whole validated configuration. */
export interface StackConfig {
  /** `classic` (Studio web services) or `v2` (Azure Machine Learning). */
  readonly platform: "classic" | "v2";
  /** The v2 settings (platform v2 only). */
  readonly v2?: V2Config;
  readonly target: "local" | "azure";
  readonly model: ModelConfig;
  readonly services: ServicesConfig;
  readonly endpoints: EndpointConfig[];
  /** Staged rollout of the main model (classic only); absent = every endpoint in one step. */
  readonly rollout?: RolloutConfig;
  readonly local?: LocalConfig;
  readonly azure?: AzureConfig;
}

/** Configuration errors: every problem, one per line, each naming its key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const key = (name: string): string => `${PROJECT}:${name}`;

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const url = z.string().regex(/^https?:\/\/[^\s]+$/, "must be an http(s) URL");

const modelSchema = z
  .object({
    version: modelVersion(),
    data: z.string().min(1, "must name a CSV file (relative to the project) or a blob URL"),
    parameters: z.record(z.string(), scalar).default({}),
    gate: z.unknown(),
    retain: z.boolean().default(true),
    deadlineMinutes: deadlineMinutes().default(LIMITS.deadlineMinutes.whenUnset),
  })
  .strict();

const endpointSchema = z
  .object({
    name: endpointName(),
    description: endpointDescription().optional(),
    throttleLevel: throttleLevel().optional(),
    maxConcurrentCalls: maxConcurrentCalls().optional(),
    model: z
      .object({
        version: modelVersion(),
        data: z.string().min(1),
        parameters: z.record(z.string(), scalar).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const servicesSchema = z
  .object({
    trainingDefinition: z.string().default("definitions/census-training.json"),
    predictiveDefinition: z.string().default("definitions/census-predictive.json"),
    trainingName: webServiceName().default("census-training"),
    predictiveName: webServiceName().default("census-predictive"),
    classicWebServiceId: hexId("classic web service").default("c0ffee00c0ffee00c0ffee00c0ffee00"),
    allowClassicReplacement: z.boolean().default(false),
    transformAssets: z.record(z.string().min(1), z.string().endsWith("[transform]")).optional(),
  })
  .strict();

const localSchema = z
  .object({
    emulatorUrl: url.default("http://127.0.0.1:9700"),
    azuriteBlobEndpoint: url.default("http://127.0.0.1:10000/devstoreaccount1"),
    emulatorLocation: z.string().default(".azureml-emulator"),
    workspaceId: hexId("Studio workspace").default("10ca1000000000000000000000000001"),
  })
  .strict();

const azureSchema = z
  .object({
    subscriptionId: z
      .string()
      .regex(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
        "must be a subscription GUID",
      ),
    resourceGroup: z.string().min(1),
    location: z.string().min(1),
    workspaceId: z.string().min(1, "must be the Studio workspace id"),
    managementEndpoint: url.default("https://management.azureml.net"),
    armEndpoint: url.default("https://management.azure.com"),
    storageAccountName: z
      .string()
      .regex(/^[a-z0-9]{3,24}$/, "must be 3-24 lowercase letters and digits")
      .optional(),
    commitmentPlanId: z.string().optional(),
  })
  .strict();

const v2Schema = z
  .object({
    workspace: mlName("workspace").default("census-ml"),
    endpoint: onlineEndpointName().default("census-v2"),
    modelName: mlName("model").default("census"),
    code: z.string().min(1, "must name the code folder").default("definitions/v2/census/src"),
    trainScript: z
      .string()
      .regex(/^[\w./-]+\.py$/, "must be a .py file in the code folder")
      .default("train.py"),
    scoringScript: z
      .string()
      .regex(/^[\w./-]+\.py$/, "must be a .py file in the code folder")
      .default("score.py"),
    environment: z
      .object({
        image: z.string().min(1).default("mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04"),
        condaFile: z.string().min(1).default("definitions/v2/census/environment.yml"),
      })
      .strict()
      .default({
        image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04",
        condaFile: "definitions/v2/census/environment.yml",
      }),
    compute: z.string().min(1).optional(),
    instanceType: z.string().min(1).default("Standard_DS3_v2"),
    instanceCount: z.number().int().min(1).max(20).default(1),
    rollout: z
      .object({ steps: trafficSteps().default([100]), mirrorPercent: mirrorPercent().optional() })
      .strict()
      .default({ steps: [100] }),
    keepDeployments: keepDeployments().default(1),
    labelColumn: z.string().min(1).default("income"),
    columns: z.array(z.string().min(1)).min(2).default(CENSUS_V2_COLUMNS),
  })
  .strict()
  .refine((v) => v.columns.includes(v.labelColumn), {
    error: "labelColumn must be one of columns",
    path: ["labelColumn"],
  });

const stageSchema = z
  .object({
    name: stageName(),
    endpoints: z.union([z.literal("*"), z.array(z.string().min(1)).min(1)], {
      error: `must be a list of endpoint names ("${DEFAULT_ENDPOINT}" for the predictive service's own endpoint), or "*" for every endpoint no earlier stage names`,
    }),
    bakeSeconds: bakeSeconds().optional(),
    check: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const rolloutSchema = z
  .object({
    stages: z
      .array(z.unknown())
      .min(1, { error: "must list at least one stage, or remove rollout" })
      .max(STAGE_LIMITS.stages.max, {
        error: `must list at most ${STAGE_LIMITS.stages.max} stages`,
      }),
  })
  .strict();

/**
 * Validates the staged rollout against the declared endpoints: every stage's endpoints exist,
 * none is in two stages, none is pinned to its own model (a stage rolls out the main model),
 * `"*"` only in the last stage, and every endpoint that follows the main model is in a stage.
 */
function parseRollout(
  raw: unknown,
  endpoints: readonly EndpointConfig[],
  problems: string[],
): RolloutConfig | undefined {
  const where = key("rollout");
  const parsed = rolloutSchema.safeParse(raw);
  if (!parsed.success) {
    problems.push(...issues(where, parsed.error));
    return undefined;
  }
  const declared = new Map(endpoints.map((e) => [e.name, e]));
  const placed = new Map<string, string>();
  const stages: { name: string; endpoints: string[] | "*"; check: StageCheckSettings }[] = [];
  const before = problems.length;
  parsed.data.stages.forEach((rawStage, i) => {
    const at = `${where}.stages[${i}]`;
    const stage = stageSchema.safeParse(rawStage);
    if (!stage.success) {
      problems.push(...issues(at, stage.error));
      return;
    }
    const check = stageCheck().safeParse({
      ...(stage.data.check ?? {}),
      ...(stage.data.bakeSeconds !== undefined ? { bakeSeconds: stage.data.bakeSeconds } : {}),
    });
    if (!check.success) {
      for (const issue of check.error.issues) {
        const field = issue.path.map(String).join(".");
        const where = field === "bakeSeconds" ? field : field ? `check.${field}` : "check";
        problems.push(`${at}.${where}: ${issue.message}`);
      }
      return;
    }
    if (stages.some((s) => s.name === stage.data.name)) {
      problems.push(`${at}.name: "${stage.data.name}" is the name of an earlier stage`);
    }
    const names = stage.data.endpoints;
    if (names === "*") {
      if (i !== parsed.data.stages.length - 1) {
        problems.push(
          `${at}.endpoints: "*" (every endpoint no earlier stage names) is only allowed in the last stage`,
        );
      }
    } else {
      for (const name of names) {
        const endpoint = declared.get(name);
        if (name !== DEFAULT_ENDPOINT && !endpoint) {
          problems.push(
            `${at}.endpoints: "${name}" is not a declared endpoint (${key("endpoints")}); use "${DEFAULT_ENDPOINT}" for the predictive service's own endpoint`,
          );
        } else if (endpoint?.model) {
          problems.push(
            `${at}.endpoints: "${name}" is pinned to model ${endpoint.model.version}; a staged rollout moves the main model: remove it from the stage`,
          );
        } else if (placed.has(name)) {
          problems.push(
            `${at}.endpoints: "${name}" is already in stage "${placed.get(name)}"; an endpoint belongs to one stage`,
          );
        } else placed.set(name, stage.data.name);
      }
    }
    stages.push({ name: stage.data.name, endpoints: names, check: check.data });
  });
  const following = endpoints.filter((e) => !e.model).map((e) => e.name);
  const last = stages[stages.length - 1];
  if (last?.endpoints === "*") {
    const rest = following.filter((n) => !placed.has(n));
    if (rest.length === 0) {
      problems.push(
        `${where}.stages[${stages.length - 1}].endpoints: "*" holds no endpoint: every endpoint is in an earlier stage; remove the stage`,
      );
    }
    stages[stages.length - 1] = { ...last, endpoints: rest };
  } else if (stages.length === parsed.data.stages.length) {
    const missing = following.filter((n) => !placed.has(n));
    if (missing.length > 0) {
      problems.push(
        `${where}.stages: endpoint${missing.length === 1 ? "" : "s"} ${missing.map((n) => `"${n}"`).join(", ")} ${missing.length === 1 ? "is" : "are"} in no stage: add ${missing.length === 1 ? "it" : "them"} to a stage, or end with a stage whose endpoints are "*"`,
      );
    }
  }
  if (problems.length > before) return undefined;
  return {
    stages: stages.map((s) => ({
      name: s.name,
      endpoints: s.endpoints as string[],
      check: s.check,
    })),
  };
}

/** Turns zod issues into "key.path: message" lines. */
function issues(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const where = [prefix, ...i.path.map(String)].join(".");
    return `${where}: ${i.message}`;
  });
}

/** Structured config values arrive as JSON; plain strings arrive as they are. */
function parseJson(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * Validates raw config values (as `pulumi.Config` stores them: strings, objects as JSON).
 * @param raw - config values by key without the project prefix (`target`, `model`, ...)
 */
export function parseConfig(raw: Readonly<Record<string, string | undefined>>): StackConfig {
  const problems: string[] = [];
  const platform = raw.platform ?? "classic";
  if (platform !== "classic" && platform !== "v2") {
    problems.push(
      `${key("platform")}: must be "classic" (Studio web services) or "v2" (Azure Machine Learning), got "${platform}"`,
    );
  }
  let v2: V2Config | undefined;
  if (platform === "v2") {
    const parsed = v2Schema.safeParse(parseJson(raw.v2) ?? {});
    if (!parsed.success) problems.push(...issues(key("v2"), parsed.error));
    else v2 = parsed.data;
  } else if (raw.v2 !== undefined) {
    problems.push(
      `${key("v2")}: is only read with ${key("platform")}: v2; remove it or set the platform`,
    );
  }
  const target = raw.target ?? "local";
  if (target !== "local" && target !== "azure") {
    problems.push(
      `${key("target")}: must be "local" (Azurite + the emulator) or "azure", got "${target}"`,
    );
  }

  const modelRaw = parseJson(raw.model);
  let model: ModelConfig | undefined;
  if (modelRaw === undefined) {
    problems.push(
      `${key("model")}: is required, e.g. { version: "2026-11-27.1", data: data/census-2026-11.csv, gate: { metric: AUC, min: 0.8 } }`,
    );
  } else {
    const parsed = modelSchema.safeParse(modelRaw);
    if (!parsed.success) problems.push(...issues(key("model"), parsed.error));
    // The gate is checked whatever else is wrong, so one run lists every problem.
    const gate = validateGate((modelRaw as { gate?: unknown } | null)?.gate);
    for (const f of gate.failures) problems.push(`${key("model")}.${f.property}: ${f.reason}`);
    if (platform === "v2" && parsed.success) {
      for (const name of Object.keys(parsed.data.parameters)) {
        if (
          !/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(name) ||
          ["data", "model", "metrics"].includes(name)
        )
          problems.push(
            `${key("model")}.parameters.${name}: v2 passes parameters to the training script as --<name>: use letters, digits, "_" and "-", a letter first, not data, model or metrics`,
          );
      }
      if (/^https?:/i.test(parsed.data.data))
        problems.push(
          `${key("model")}.data: the v2 platform registers a local CSV as a data asset: name a file relative to the project`,
        );
    }
    if (parsed.success && gate.gate) model = { ...parsed.data, gate: gate.gate };
  }

  const services = servicesSchema.safeParse(parseJson(raw.services) ?? {});
  if (!services.success) problems.push(...issues(key("services"), services.error));

  const endpointsRaw = parseJson(raw.endpoints) ?? [];
  const endpoints: EndpointConfig[] = [];
  if (!Array.isArray(endpointsRaw)) {
    problems.push(`${key("endpoints")}: must be a list of { name, model? }`);
  } else {
    const seen = new Set<string>();
    endpointsRaw.forEach((e, i) => {
      const parsed = endpointSchema.safeParse(e);
      if (!parsed.success) {
        problems.push(...issues(`${key("endpoints")}[${i}]`, parsed.error));
        return;
      }
      const name = parsed.data.name;
      if (seen.has(name)) {
        problems.push(`${key("endpoints")}[${i}].name: "${name}" is declared twice`);
      }
      seen.add(name);
      endpoints.push(parsed.data as EndpointConfig);
    });
  }

  let local: LocalConfig | undefined;
  let azure: AzureConfig | undefined;
  if (target === "local") {
    const parsed = localSchema.safeParse(parseJson(raw.local) ?? {});
    if (!parsed.success) problems.push(...issues(key("local"), parsed.error));
    else local = parsed.data;
  } else if (target === "azure") {
    const azureRaw = parseJson(raw.azure);
    if (azureRaw === undefined) {
      problems.push(
        `${key("azure")}: is required for target "azure": { subscriptionId, resourceGroup, location, workspaceId }`,
      );
    } else {
      const parsed = (
        platform === "v2" ? azureSchema.extend({ workspaceId: z.string().optional() }) : azureSchema
      ).safeParse(azureRaw);
      if (!parsed.success) problems.push(...issues(key("azure"), parsed.error));
      else azure = parsed.data;
    }
    if (endpoints.length > 0 && raw.workspaceToken === undefined) {
      problems.push(
        `${key("workspaceToken")}: classic endpoints on Azure need the workspace token: pulumi config set --secret workspaceToken <token>`,
      );
    }
  }

  let rollout: RolloutConfig | undefined;
  const rolloutRaw = parseJson(raw.rollout);
  if (rolloutRaw !== undefined) {
    if (platform === "v2") {
      problems.push(
        `${key("rollout")}: stages roll out across classic endpoints; the v2 platform moves traffic with ${key("v2")}.rollout`,
      );
    } else rollout = parseRollout(rolloutRaw, endpoints, problems);
  }

  if (platform === "v2" && endpoints.length > 0)
    problems.push(
      `${key("endpoints")}: classic endpoints belong to ${key("platform")}: classic; the v2 platform serves through its online endpoint (${key("v2")}.endpoint)`,
    );

  if (problems.length > 0 || !model || !services.success) throw new ConfigError(problems);
  return {
    platform: platform as "classic" | "v2",
    ...(v2 ? { v2 } : {}),
    target: target as "local" | "azure",
    model,
    services: services.data,
    endpoints,
    ...(rollout ? { rollout } : {}),
    local,
    azure,
  };
}

/** Credentials the emulator generated and saved in its data folder. */
export interface EmulatorCredentials {
  readonly armToken: string;
  readonly workspaceToken: string;
}

/**
 * Reads the credentials the emulator saved in its data folder (`credentials.json`), so that the
 * local stack needs no token in its config. Throws saying how to start the emulator when absent.
 */
export function readEmulatorCredentials(
  location: string,
  cwd = process.cwd(),
): EmulatorCredentials {
  const file = path.resolve(cwd, location, "credentials.json");
  let parsed: Partial<EmulatorCredentials>;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<EmulatorCredentials>;
  } catch {
    throw new Error(
      `the emulator's credentials are not at ${file}: start the emulators first (npm run emulators), or set ${key("local")}.emulatorLocation to its --location`,
    );
  }
  if (!parsed.armToken || !parsed.workspaceToken) {
    throw new Error(
      `${file} lacks armToken or workspaceToken: the emulator writes them when it generates them (start it without --arm-token/--workspace-token)`,
    );
  }
  return { armToken: parsed.armToken, workspaceToken: parsed.workspaceToken };
}
