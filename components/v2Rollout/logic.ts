/**
 * Pure logic of the rollout: the deployment name of a version, the traffic plan of a move (mirror
 * first, then steps, then all), which deployments are kept, the deployment body, `check` and
 * `diff` (a traffic changed by hand is a change to restore). No I/O.
 */
import { createHash } from "node:crypto";
import { limitFailures, requiredStrings, type FieldFailure } from "../shared/checks";
import { keepDeployments, mirrorPercent, onlineEndpointName, trafficSteps } from "../shared/limits";
import { checkTarget, targetKey } from "../shared/mlTarget";
import { canonicalJson, containsUnknown, differs } from "../shared/values";
import type { ServedModelInputs, ServedModelOutputs } from "./types";

/**
 * The deployment of a model version: `v` and the version's letters and digits, `-` between
 * (`2026-11-27.1` → `v2026-11-27-1`); at most 32 characters (a hash suffix keeps long ones apart).
 */
export function deploymentName(version: string): string {
  const slug = `v${version.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`.replace(/-+$/, "");
  if (slug.length <= 32 && slug.length >= 3) return slug;
  const hash = createHash("sha256").update(version).digest("hex").slice(0, 8);
  return `${slug.slice(0, 23).replace(/-+$/, "")}-${hash}`;
}

/** One state of the endpoint on the way. */
export interface TrafficState {
  readonly traffic: Record<string, number>;
  readonly mirrorTraffic: Record<string, number>;
}

/** The deployment with the largest share of `traffic` other than `except`, or undefined. */
export function liveOf(
  traffic: Readonly<Record<string, number>>,
  except?: string,
): string | undefined {
  return Object.entries(traffic)
    .filter(([name, share]) => share > 0 && name !== except)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}

/** True when `state` sends every call to `deployment` and mirrors none. */
export function isSettled(
  state: {
    traffic?: Readonly<Record<string, number>>;
    mirrorTraffic?: Readonly<Record<string, number>>;
  },
  deployment: string,
): boolean {
  const live = Object.entries(state.traffic ?? {}).filter(([, share]) => share > 0);
  const mirrored = Object.values(state.mirrorTraffic ?? {}).some((share) => share > 0);
  return live.length === 1 && live[0][0] === deployment && live[0][1] === 100 && !mirrored;
}

/**
 * The states to apply, in order, to move the endpoint's calls to `target`: mirror first (when
 * asked and something serves now), then each step below 100 split with the deployment serving
 * now, then all on `target`. Nothing when it is settled already.
 */
export function trafficPlan(
  current: {
    traffic?: Readonly<Record<string, number>>;
    mirrorTraffic?: Readonly<Record<string, number>>;
  },
  target: string,
  rollout: { readonly steps: readonly number[]; readonly mirrorPercent?: number },
): TrafficState[] {
  if (isSettled(current, target)) return [];
  const live = liveOf(current.traffic ?? {}, target);
  const plan: TrafficState[] = [];
  if (live && rollout.mirrorPercent)
    plan.push({ traffic: { [live]: 100 }, mirrorTraffic: { [target]: rollout.mirrorPercent } });
  if (live)
    for (const step of rollout.steps)
      if (step < 100)
        plan.push({ traffic: { [live]: 100 - step, [target]: step }, mirrorTraffic: {} });
  plan.push({ traffic: { [target]: 100 }, mirrorTraffic: {} });
  return plan;
}

/**
 * The rollout's deployments after a move to `target`, newest first: `target`, then the most recent
 * `keep` of the earlier ones; the rest are to delete.
 */
export function keptDeployments(
  history: readonly string[],
  target: string,
  keep: number,
): { kept: string[]; removed: string[] } {
  const ordered = [target, ...history.filter((d) => d !== target)];
  return { kept: ordered.slice(0, 1 + keep), removed: ordered.slice(1 + keep) };
}

/** The deployment's PUT body. */
export function deploymentBody(inputs: ServedModelInputs): Record<string, unknown> {
  return {
    location: inputs.location,
    sku: { name: "Default", capacity: inputs.instanceCount },
    properties: {
      endpointComputeType: "Managed",
      model: inputs.modelId,
      codeConfiguration: { codeId: inputs.codeId, scoringScript: inputs.scoringScript },
      environmentId: inputs.environmentId,
      instanceType: inputs.instanceType,
      requestSettings: {
        requestTimeout: inputs.requestTimeout,
        maxConcurrentRequestsPerInstance: 1,
      },
      description: `model version ${inputs.modelVersion}`,
    },
  };
}

/** The failures of `check`, and the inputs with their defaults. */
export function checkServedModel(news: Readonly<Record<string, unknown>>): {
  failures: FieldFailure[];
  normalized: Record<string, unknown>;
} {
  const rollout = (news.rollout ?? {}) as { steps?: unknown; mirrorPercent?: unknown };
  const normalized: Record<string, unknown> = {
    scoringScript: news.scoringScript ?? "score.py",
    instanceType: news.instanceType ?? "Standard_DS3_v2",
    instanceCount: news.instanceCount ?? 1,
    requestTimeout: news.requestTimeout ?? "PT5S",
    keep: news.keep ?? 1,
    rollout: {
      steps: rollout.steps ?? [100],
      ...(rollout.mirrorPercent !== undefined ? { mirrorPercent: rollout.mirrorPercent } : {}),
    },
    check: { rows: 5, ...((news.check ?? {}) as Record<string, unknown>) },
  };
  const failures: FieldFailure[] = [
    ...checkTarget(news.target, "target"),
    ...limitFailures(onlineEndpointName(), news.endpointName, "endpointName"),
    ...requiredStrings(news, ["location", "modelId", "modelVersion", "codeId", "environmentId"]),
    ...limitFailures(keepDeployments(), normalized.keep, "keep"),
    ...limitFailures(
      trafficSteps(),
      (normalized.rollout as { steps: unknown }).steps,
      "rollout.steps",
    ),
    ...limitFailures(mirrorPercent(), rollout.mirrorPercent, "rollout.mirrorPercent", {
      optional: true,
    }),
  ];
  const count = normalized.instanceCount;
  if (
    !containsUnknown(count) &&
    (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 20)
  )
    failures.push({
      property: "instanceCount",
      reason: `must be a whole number of instances in 1..20, got ${JSON.stringify(count)}`,
    });
  if (
    !containsUnknown(normalized.requestTimeout) &&
    !/^PT\d+(\.\d+)?S$/.test(String(normalized.requestTimeout))
  )
    failures.push({ property: "requestTimeout", reason: "must be seconds in ISO 8601, e.g. PT5S" });
  const check = normalized.check as Record<string, unknown>;
  if (!containsUnknown(check))
    failures.push(
      ...requiredStrings(
        check,
        ["path"],
        "is required: a CSV whose first rows check each new deployment",
        "check.",
      ),
    );
  return { failures, normalized };
}

/** Members whose change rolls out a new deployment or moves traffic (an update). */
const ROLLED = [
  "modelId",
  "modelVersion",
  "codeId",
  "scoringScript",
  "environmentId",
  "instanceType",
  "instanceCount",
  "requestTimeout",
  "rollout",
  "keep",
  "check",
] as const;

/**
 * Diff: another workspace or endpoint replaces; a new model, settings, or an endpoint whose
 * traffic no longer sends every call to the live deployment (changed by hand) is an update.
 */
export function diffServedModel(
  olds: Partial<ServedModelOutputs>,
  news: Partial<ServedModelInputs>,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean; drift: boolean } {
  const replaces: string[] = [];
  if (containsUnknown(news.target) || targetKey(olds.target) !== targetKey(news.target))
    replaces.push("target");
  if (differs(olds.endpointName, news.endpointName)) replaces.push("endpointName");
  const drift =
    olds.liveDeployment !== undefined &&
    !isSettled({ traffic: olds.traffic, mirrorTraffic: olds.mirrorTraffic }, olds.liveDeployment);
  const changes =
    replaces.length > 0 ||
    drift ||
    ROLLED.some((k) => differs(olds[k], news[k])) ||
    differs(olds.location, news.location) ||
    differs(olds.target?.token, news.target?.token);
  return { changes, replaces, deleteBeforeReplace: replaces.length > 0, drift };
}

/** The traffic of a state, printed: `v1 90 %, v2 10 % (mirror v2 20 %)`. */
export function describeTraffic(state: TrafficState): string {
  const shares =
    Object.entries(state.traffic)
      .map(([d, s]) => `${d} ${s} %`)
      .join(", ") || "none";
  const mirror = Object.entries(state.mirrorTraffic)
    .filter(([, s]) => s > 0)
    .map(([d, s]) => `${d} ${s} %`);
  return mirror.length ? `${shares} (mirror ${mirror.join(", ")})` : shares;
}

/** True when the two traffic maps send the same shares (zero entries ignored). */
export function sameTraffic(
  a: Readonly<Record<string, number>> | undefined,
  b: Readonly<Record<string, number>> | undefined,
): boolean {
  const positive = (m: Readonly<Record<string, number>> | undefined) =>
    Object.fromEntries(Object.entries(m ?? {}).filter(([, s]) => s > 0));
  return canonicalJson(positive(a)) === canonicalJson(positive(b));
}
