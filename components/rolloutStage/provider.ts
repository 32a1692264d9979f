/**
 * The provider of `RolloutStage`: one stage of a staged rollout. Its create and update run after
 * the stage's endpoints were repointed (its inputs are their outputs) and before the next
 * stage's endpoints are (they depend on it):
 *
 * 1. reads the candidate's held-out scores (its training job's Score Model output) and takes a
 *    sample;
 * 2. makes sure every endpoint of the stage serves the candidate (after a rollback, the
 *    endpoints' own state still says they do: the stage repoints them again);
 * 3. scores the sample through each endpoint's RRS and compares with the candidate's own scores
 *    (same labels, probabilities within the tolerance), no failed call, p99 under the bound; then
 *    checks again every `recheckSeconds` until `bakeSeconds` have passed;
 * 4. on a failed round, repoints every endpoint of the stage back to the model it served before
 *    (and the transformations it served with it, in the same PATCH), verifies both by reading
 *    them back, and fails naming the stage, the endpoints, the rows or calls and the rollback.
 *    The failure is recorded as a partially updated resource (status `rolled-back`), so the next
 *    up checks the stage again, and a preview or refresh shows it pending.
 *
 * `read` asks each endpoint which model it serves: a stage whose endpoints do not all serve the
 * candidate is not `passed`. `delete` changes nothing: a stage is a check, not a service.
 */
import type * as pulumi from "@pulumi/pulumi";
import { sleep } from "../../clients/sleep";
import { progress } from "../shared/progress";
import { redactingProvider } from "../shared/redaction";
import { compactResults } from "../shared/results";
import {
  candidatePair,
  checkRolloutStage,
  describePair,
  diffRolloutStage,
  endpointPassed,
  endpointProblems,
  rollbackPlan,
  servesPair,
  type EndpointCheck,
  type PairTarget,
} from "./logic";
import {
  checkEndpoint,
  loadSample,
  mapLimited,
  repoint,
  servedPair,
  STAGE_CHECK_CONCURRENCY,
} from "./operations";
import type { Rollback, RolloutStageInputs, RolloutStageOutputs, StageEndpoint } from "./types";

const log = (inputs: Pick<RolloutStageInputs, "stage">, line: string): void =>
  progress("RolloutStage", inputs.stage, line);

const idOf = (inputs: RolloutStageInputs): string => `rollout-stage/${inputs.stage}`;

const label = (inputs: RolloutStageInputs): string =>
  `rollout stage "${inputs.stage}" (${inputs.position} of ${inputs.stages})`;

/**
 * Repoints every endpoint of the stage back to the model it served before and, when the
 * candidate has transformations, the transformations it served with that model (one PATCH per
 * endpoint, as the pair was set); reads both back; says how it went.
 */
async function rollBack(inputs: RolloutStageInputs, candidate: PairTarget): Promise<Rollback[]> {
  const names = Object.keys(candidate.transforms);
  return mapLimited(inputs.endpoints, STAGE_CHECK_CONCURRENCY, async (e) => {
    const plan = rollbackPlan(e, candidate);
    if ("done" in plan) return plan.done;
    const { target } = plan;
    const to = target.model;
    const pair = names.length > 0 ? { transforms: target.transforms } : {};
    try {
      const verified = await repoint(inputs, e, target);
      const outcome = verified
        ? "verified"
        : `not verified: it reports ${describePair(await servedPair(inputs, e, names))}`;
      log(inputs, `rolled back endpoint "${e.name}" to ${describePair(target)} (${outcome})`);
      return { endpoint: e.name, to, ...pair, outcome };
    } catch (error) {
      return { endpoint: e.name, to, ...pair, outcome: `failed: ${(error as Error).message}` };
    }
  });
}

/** The partially updated stage `up` fails with: the check's failure and the rollback. */
async function failStage(
  inputs: RolloutStageInputs,
  candidate: PairTarget,
  headline: string,
  problems: readonly string[],
  extra: Partial<RolloutStageOutputs> = {},
): Promise<never> {
  const rollbacks = await rollBack(inputs, candidate);
  const message = [
    `${label(inputs)} failed ${headline}:`,
    ...problems.map((p) => `  - ${p}`),
    `rolled back: ${rollbacks
      .map(
        (r) =>
          `endpoint "${r.endpoint}"${r.to ? ` to ${describePair({ model: r.to, transforms: r.transforms ?? {} })}` : ""} (${r.outcome})`,
      )
      .join("; ")}`,
    `later stages were not started; the next up checks this stage again`,
  ].join("\n");
  const outputs: RolloutStageOutputs = {
    ...inputs,
    ...extra,
    status: "rolled-back",
    checkedAt: new Date().toISOString(),
    failure: message,
    rollbacks,
  };
  throw Object.assign(new Error(message), {
    id: idOf(inputs),
    properties: outputs,
    reasons: [message],
  });
}

/** Steps 1 to 4 of the module comment. */
async function runStage(inputs: RolloutStageInputs): Promise<RolloutStageOutputs> {
  const candidate = candidatePair(inputs);
  const names = Object.keys(candidate.transforms);
  const { check } = inputs;
  // Without the candidate's own scores nothing can be checked: the endpoints, already
  // repointed by their own resources, go back to what they served.
  if (!inputs.candidate.heldOutScores) {
    return failStage(
      inputs,
      candidate,
      `to find model ${inputs.candidate.version}'s held-out scores`,
      [
        `model ${inputs.candidate.version} has no held-out scores stored: it was trained before the stack staged its rollouts (or its training definition has no Score Model output); declare a new version (or change its data) so that it is trained with them`,
      ],
    );
  }
  let sample;
  try {
    sample = await loadSample(inputs);
  } catch (error) {
    return failStage(
      inputs,
      candidate,
      `to read model ${inputs.candidate.version}'s held-out scores`,
      [(error as Error).message],
    );
  }
  // A retry after a rollback: the endpoints' own state says they serve the candidate.
  const unready: string[] = [];
  await mapLimited(inputs.endpoints, STAGE_CHECK_CONCURRENCY, async (e: StageEndpoint) => {
    const served = await servedPair(inputs, e, names);
    if (servesPair(served, candidate)) return;
    log(
      inputs,
      `endpoint "${e.name}" serves ${describePair(served)}: repointing it to model ${inputs.candidate.version} again`,
    );
    try {
      if (!(await repoint(inputs, e, candidate)))
        unready.push(
          `endpoint "${e.name}" does not report ${describePair(candidate)} after its repoint`,
        );
    } catch (error) {
      unready.push(`endpoint "${e.name}" could not be repointed: ${(error as Error).message}`);
    }
  });
  if (unready.length > 0) {
    return failStage(
      inputs,
      candidate,
      `to repoint its endpoints to model ${inputs.candidate.version}`,
      unready,
    );
  }
  // The first round, then one every `recheckSeconds` from its start, the last at the end of the
  // bake time: 1 + ceil(bake / recheck) rounds, however long each takes.
  const start = Date.now();
  const rechecks = Math.ceil(check.bakeSeconds / check.recheckSeconds);
  let rounds = 0;
  let last: EndpointCheck[] = [];
  for (let k = 0; k <= rechecks; k++) {
    const at = start + Math.min(k * check.recheckSeconds, check.bakeSeconds) * 1000;
    if (at > Date.now()) await sleep(at - Date.now());
    rounds++;
    last = await mapLimited(inputs.endpoints, STAGE_CHECK_CONCURRENCY, (e) =>
      checkEndpoint(inputs, e, sample),
    );
    const failed = last.filter((c) => !endpointPassed(c, check.maxP99Ms));
    const p99Ms = Object.fromEntries(last.map((c) => [c.endpoint, c.p99Ms]));
    if (failed.length > 0) {
      return failStage(
        inputs,
        candidate,
        `the check of model ${inputs.candidate.version} in round ${rounds}`,
        failed.flatMap((c) => endpointProblems(c, check.maxP99Ms)),
        { rounds, p99Ms },
      );
    }
    log(
      inputs,
      `round ${rounds} of ${rechecks + 1}: ${inputs.endpoints.length} endpoint(s) scored ${sample.length} held-out rows as model ${inputs.candidate.version} did; p99 at most ${Math.max(...Object.values(p99Ms))} ms`,
    );
  }
  return {
    ...inputs,
    status: "passed",
    checkedAt: new Date().toISOString(),
    rounds,
    p99Ms: Object.fromEntries(last.map((c) => [c.endpoint, c.p99Ms])),
    serving: Object.fromEntries(inputs.endpoints.map((e) => [e.name, candidate.model])),
    ...(names.length > 0
      ? {
          servingTransforms: Object.fromEntries(
            inputs.endpoints.map((e) => [e.name, candidate.transforms]),
          ),
        }
      : {}),
  };
}

const methods: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { inputs: news, failures: checkRolloutStage(news) };
  },

  async diff(_id: string, olds: RolloutStageOutputs, news: RolloutStageInputs) {
    const { changes, replaces } = diffRolloutStage(olds, news);
    return { changes, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: RolloutStageInputs) {
    return { id: idOf(inputs), outs: await runStage(inputs) };
  },

  async update(_id: string, _olds: RolloutStageOutputs, news: RolloutStageInputs) {
    return { outs: await runStage(news) };
  },

  async read(id: string, props: RolloutStageOutputs) {
    const candidate = candidatePair(props);
    const names = Object.keys(candidate.transforms);
    const served = await mapLimited(
      props.endpoints,
      STAGE_CHECK_CONCURRENCY,
      async (e) => [e.name, await servedPair(props, e, names)] as const,
    );
    const serving = Object.fromEntries(
      served.map(([name, pair]) => [name, pair?.model ?? "(none)"]),
    );
    const off = served.filter(([, pair]) => !servesPair(pair, candidate)).map(([name]) => name);
    let status = props.status;
    if (status === "passed" && off.length > 0) {
      status = "pending";
      log(
        props,
        `endpoint(s) ${off.map((n) => `"${n}"`).join(", ")} do not serve model ${props.candidate.version}${names.length > 0 ? " with its transformations" : ""}: the stage is pending, the next up checks it again`,
      );
    }
    const servingTransforms =
      names.length > 0
        ? {
            servingTransforms: Object.fromEntries(
              served.map(([name, pair]) => [name, pair?.transforms ?? {}]),
            ),
          }
        : {};
    return { id, props: { ...props, status, serving, ...servingTransforms } };
  },

  async delete(_id: string, props: RolloutStageOutputs) {
    log(props, "removed from the rollout (its endpoints are not changed)");
  },
};

/** Provider of `RolloutStage`. */
export const rolloutStageProvider: pulumi.dynamic.ResourceProvider = compactResults(
  redactingProvider(methods, (p) => [
    ...Object.values((p.keys as Record<string, string> | undefined) ?? {}),
    p.workspaceToken as string | undefined,
    p.armToken as string | undefined,
    p.storageConnectionString as string | undefined,
  ]),
);
