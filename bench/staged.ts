/**
 * Item 15: the cost of a staged rollout's checks. 100 classic endpoints repointed to another
 * model in three stages (a canary of 1, then 33, then the other 66; each stage scoring 20
 * held-out rows through every one of its endpoints, bake time 0) against the same 100 endpoints
 * without stages (all repointed at once, nothing checked).
 *
 * Two stacks of the real program (`index.ts`) on one emulator and Azurite, with their own
 * services, both brought up on model A, then B (the staged stack first: its training job writes
 * the held-out scores the stages compare with, and the other stack reuses the stored model).
 * The timed runs switch both stacks between A and B (a rollback: the model is reused, not
 * trained), alternating which goes first; each run an engine-double `up` on a fresh provider host.
 *
 * Ratio: wall time of the staged run / the unstaged run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { censusToCsv, generateCensusRows } from "../data/generate";
import { busyTime, median, range, times, type BenchContext, type ItemResult } from "./lib/common";
import {
  engineFor,
  localConfig,
  startBenchHost,
  startStackInfra,
  type StackInfra,
} from "./lib/stack";

const COUNT = 100;
const names = Array.from({ length: COUNT }, (_v, i) => `ep-${String(i + 1).padStart(3, "0")}`);
/** Three stages: 1, 33 and the other 66 endpoints; the defaults' 20 rows, 5 a call; no bake. */
const STAGES = [
  { name: "canary", endpoints: names.slice(0, 1), bakeSeconds: 0 },
  { name: "wave", endpoints: names.slice(1, 34), bakeSeconds: 0 },
  { name: "rest", endpoints: "*", bakeSeconds: 0 },
];

type Variant = "staged" | "unstaged";

function stackConfig(
  infra: StackInfra,
  variant: Variant,
  model: { version: string; data: string },
): Record<string, unknown> {
  const tag = variant === "staged" ? "st" : "un";
  return localConfig(infra, model, {
    services: {
      trainingName: `${tag}-training`,
      predictiveName: `${tag}-predictive`,
      classicWebServiceId: (variant === "staged" ? "5a" : "0a").repeat(16),
    },
    endpoints: names.map((name) => ({ name })),
    ...(variant === "staged" ? { rollout: { stages: STAGES } } : {}),
  });
}

interface Sample {
  readonly wallMs: number;
  readonly stagePhaseMs: number;
  readonly endpointUpdates: number;
  readonly stageUpdates: number;
}

/** Runs item 15. */
export async function benchStaged(ctx: BenchContext): Promise<ItemResult[]> {
  const dir = path.join(ctx.tmp, "staged");
  const infra = await startStackInfra(dir, []);
  try {
    const models = ["a", "b"].map((tag, i) => {
      const data = path.join(dir, `census-${tag}.csv`);
      fs.writeFileSync(
        data,
        censusToCsv(generateCensusRows({ rows: 4000, seed: 70 + i, drift: i / 2 })),
      );
      return { version: `2026-12-2${i}.1`, data };
    });
    const variants: Variant[] = ["staged", "unstaged"];
    const state = (v: Variant): string => path.join(dir, `state-${v}.json`);
    const up = async (
      variant: Variant,
      model: { version: string; data: string },
      label: string,
    ): Promise<Sample> => {
      const bench = await startBenchHost(dir, label);
      try {
        const t0 = performance.now();
        const result = await engineFor(bench.host, state(variant)).up(
          stackConfig(infra, variant, model),
        );
        const wallMs = performance.now() - t0;
        if (result.error) throw result.error;
        const stages = bench.calls.filter(
          (c) => (c.method === "update" || c.method === "create") && c.name.startsWith("stage-"),
        );
        return {
          wallMs,
          stagePhaseMs: busyTime(stages),
          endpointUpdates: bench.calls.filter(
            (c) => c.method === "update" && c.name.startsWith("endpoint-"),
          ).length,
          stageUpdates: stages.length,
        };
      } finally {
        await bench.stop();
      }
    };
    ctx.log(`staged: a staged and an unstaged stack of ${COUNT} endpoints, up on model A, then B`);
    for (const model of models) {
      for (const variant of variants) await up(variant, model, `setup-${variant}`);
    }
    const samples: Record<Variant, Sample[]> = { staged: [], unstaged: [] };
    for (let r = 0; r < ctx.rounds; r++) {
      const model = models[r % 2];
      const order = r % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) {
        const sample = await up(variant, model, `run-${r}-${variant}`);
        if (sample.endpointUpdates !== COUNT)
          throw new Error(`the ${variant} run updated ${sample.endpointUpdates} endpoints`);
        if (sample.stageUpdates !== (variant === "staged" ? STAGES.length : 0))
          throw new Error(`the ${variant} run checked ${sample.stageUpdates} stages`);
        samples[variant].push(sample);
        ctx.log(
          `  round ${r + 1} ${variant} → ${model.version}: ${sample.wallMs.toFixed(0)} ms (stage checks ${sample.stagePhaseMs.toFixed(0)} ms)`,
        );
      }
    }
    const wall = (v: Variant): number => median(samples[v].map((s) => s.wallMs));
    const ratio = wall("staged") / wall("unstaged");
    const checks = median(samples.staged.map((s) => s.stagePhaseMs));
    return [
      {
        id: "15",
        title: `Staged rollout: ${COUNT} endpoints in three stages (1, 33, 66) vs no stages, bake time 0`,
        goal: "measured (the cost of the checks and of the order)",
        ratio,
        measured: `${times(ratio)} (staged ${(wall("staged") / 1000).toFixed(2)} s vs unstaged ${(wall("unstaged") / 1000).toFixed(2)} s, medians of ${ctx.rounds}; per-round ${range(
          samples.staged.map((s, i) => s.wallMs / samples.unstaged[i].wallMs),
          2,
        )}); the three stage checks ${(checks / 1000).toFixed(2)} s of the staged run`,
        notes: `Two stacks of index.ts (${COUNT} endpoints each, own services, same emulator and Azurite), switched between two stored models ${ctx.rounds}× each, alternating which goes first; each run an engine-double up on a fresh provider host. Staged: rollout.stages canary (ep-001), wave (ep-002..ep-034), rest ("*"), each checking the defaults (20 held-out rows, 5 a call, per endpoint) with bakeSeconds 0; each stage's endpoints wait for the stage before them. Stage checks = union of the RolloutStage Update calls. The unstaged stack repoints all ${COUNT} endpoints at once (at most --parallel steps).`,
        raw: { samples },
      },
    ];
  } finally {
    await infra.stop();
  }
}
