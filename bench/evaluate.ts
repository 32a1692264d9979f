/**
 * Item 10: the cost of the evaluation before merge. The wall time of `npm run evaluate` on the
 * census sample (October's data served, November's the candidate), cold: it starts its own
 * Azurite and emulator and trains both sides, against the `up` that trains the candidate through
 * the SDK's provider host (the local stack, the October model already served), in the same run,
 * interleaved. A second evaluation with both sides in the cache is reported beside it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { evaluate } from "../evaluation/run";
import { projectFiles, scratchRepo, stackFile } from "../harness/repo";
import { median, range, times, type BenchContext, type ItemResult } from "./lib/common";
import { engineFor, localConfig, startBenchHost, startStackInfra } from "./lib/stack";

const GATE = { metric: "AUC", min: 0.7, maxRegression: 0.05 };
const OCTOBER = "data/census-2026-10.csv";
const NOVEMBER = "data/census-2026-11.csv";

/** Runs item 10. */
export async function benchEvaluate(ctx: BenchContext): Promise<ItemResult[]> {
  const dir = path.join(ctx.tmp, "evaluate");
  fs.mkdirSync(dir, { recursive: true });
  const repo = scratchRepo(
    {
      ...projectFiles(
        "definitions/census-training.json",
        "definitions/census-predictive.json",
        OCTOBER,
        NOVEMBER,
      ),
      "Pulumi.bench.yaml": stackFile({ version: "2026-10-30.1", data: OCTOBER, gate: GATE }),
    },
    { "Pulumi.bench.yaml": stackFile({ version: "2026-11-27.1", data: NOVEMBER, gate: GATE }) },
  );
  const infra = await startStackInfra(dir);
  const bench = await startBenchHost(dir, "evaluate");
  const cold: number[] = [];
  const warm: number[] = [];
  const up: number[] = [];
  try {
    const engine = engineFor(bench.host, path.join(dir, "state.json"));
    for (let round = 0; round < ctx.rounds; round++) {
      // The evaluation: its own servers, both sides trained (an empty cache), then the next push.
      const cache = path.join(dir, `cache-${round}`);
      const options = {
        projectDir: repo,
        stack: "bench",
        baseRef: "base",
        outDir: path.join(dir, `out-${round}`),
        cacheDir: cache,
      };
      let start = performance.now();
      const first = await evaluate(options);
      cold.push(performance.now() - start);
      if (!first.report.gate.passed)
        throw new Error(`the gate refused: ${first.report.gate.summary}`);
      start = performance.now();
      const second = await evaluate(options);
      warm.push(performance.now() - start);
      if (
        second.report.candidate.source !== "cached" ||
        second.report.served?.source !== "cached"
      ) {
        throw new Error("the second evaluation trained again");
      }
      // up: October's model served (not timed), then the bump that trains November's.
      const base = await engine.up(
        localConfig(infra, { version: `b${round}`, data: path.join(repo, OCTOBER) }),
      );
      if (base.error) throw base.error;
      start = performance.now();
      const bump = await engine.up(
        localConfig(infra, { version: `c${round}`, data: path.join(repo, NOVEMBER) }),
      );
      up.push(performance.now() - start);
      if (bump.error) throw bump.error;
      ctx.log(
        `evaluate: round ${round + 1}/${ctx.rounds}: evaluation ${cold[round].toFixed(0)} ms (cached ${warm[round].toFixed(0)} ms), up ${up[round].toFixed(0)} ms`,
      );
    }
  } finally {
    await bench.stop();
    await infra.stop();
    fs.rmSync(repo, { recursive: true, force: true });
  }
  const ratios = cold.map((c, i) => c / up[i]);
  const ratio = median(ratios);
  return [
    {
      id: "10",
      title: "Evaluation before merge (both sides trained) vs the up that trains the candidate",
      goal: "no goal set by the issue; reported",
      ratio,
      measured: `${times(ratio)} (evaluation ${median(cold).toFixed(0)} ms vs up ${median(up).toFixed(0)} ms; per round ${range(ratios, 2)}; with both sides cached ${median(warm).toFixed(0)} ms = ${times(median(warm) / median(up))})`,
      notes:
        `Census sample: ${OCTOBER} served, ${NOVEMBER} the candidate (3000 rows each). Evaluation = evaluate() as npm run evaluate calls it, ` +
        "cold: reads both declarations (git show), starts its own Azurite and emulator, trains both sides in parallel BES jobs, gates the candidate with the retrain operation, scores the held-out rows through the served model, renders the Markdown and the HTML (Vega SVG). " +
        "up = engine-double up of index.ts through the SDK's provider host with the October model already served: the TrainedModel create (upload, BES job, champion scoring, gate) and the predictive service's repoint, on an Azurite and emulator already running. " +
        `Medians of ${ctx.rounds} interleaved rounds.`,
      raw: { cold, warm, up },
    },
  ];
}
