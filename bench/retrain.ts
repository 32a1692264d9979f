/**
 * Item 4: the overhead of a retrain, i.e. the wall time of `TrainedModel` create (through the
 * provider host, as `pulumi up` runs it) against the emulator BES job's own run time
 * (`EndTime - StartTime` of its status) on the same data, in the same run.
 *
 * The local stack (`index.ts`: storage, training service, model, predictive service) is brought
 * up once, then the model version and data are bumped `rounds` times; each bump is one `up` whose
 * model create uploads the new file, runs the BES job, reads the evaluation, gates against what
 * the predictive service serves (scoring a sample of the new data through RRS) and stores the
 * metrics. The first create (nothing served yet, no gate comparison) is reported apart.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BesClient } from "../clients/bes";
import { generateCensusRows } from "../data/generate";
import { writeCensusCsv } from "../harness/localStack";
import { median, range, times, type BenchContext, type ItemResult } from "./lib/common";
import { engineFor, localConfig, startBenchHost, startStackInfra } from "./lib/stack";

/** Rows of each training file: a job of a few seconds on the emulator. */
const ROWS = 200_000;

/** One create and its job. */
interface Sample {
  readonly createMs: number;
  readonly jobMs: number;
  /** Create start → job StartTime (upload, submit, start, worker start). */
  readonly beforeJobMs: number;
  /** Job EndTime → create end (poll lag, evaluation, gate, record). */
  readonly afterJobMs: number;
  readonly reused: boolean;
  readonly hostLines: string[];
}

/** Runs item 4. */
export async function benchRetrain(ctx: BenchContext): Promise<ItemResult[]> {
  const dir = path.join(ctx.tmp, "retrain");
  const infra = await startStackInfra(dir);
  const bench = await startBenchHost(dir, "retrain");
  try {
    const engine = engineFor(bench.host, path.join(dir, "state.json"));
    const samples: Sample[] = [];
    for (let i = 0; i <= ctx.rounds; i++) {
      const data = writeCensusCsv(
        dir,
        `census-${i}.csv`,
        generateCensusRows({ rows: ROWS, seed: 100 + i, drift: i / ctx.rounds }),
      );
      const version = `2026-12-${String(i + 1).padStart(2, "0")}.1`;
      const linesBefore = bench.host.output.length;
      const callsBefore = bench.calls.length;
      ctx.log(`retrain: up ${version} (${ROWS} rows)`);
      const result = await engine.up(localConfig(infra, { version, data }));
      if (result.error) throw result.error;
      const create = bench.calls
        .slice(callsBefore)
        .find((c) => c.method === "create" && c.name === "model");
      if (!create) throw new Error(`no create of the model in the up of ${version}`);
      const model = engine.resource("model");
      const training = engine.resource("training");
      const jobId = String(model?.outputs.jobId ?? "");
      if (!jobId) throw new Error(`the model of ${version} was not trained (reused?)`);
      const status = await new BesClient(
        String(training?.outputs.executionUrl),
        String(training?.outputs.primaryKey),
      ).status(jobId);
      if (!status.startTime || !status.endTime) throw new Error(`job ${jobId} has no run times`);
      const jobStart = Date.parse(status.startTime);
      const jobEnd = Date.parse(status.endTime);
      const createStart = performance.timeOrigin + create.start;
      const createEnd = performance.timeOrigin + create.end;
      const sample: Sample = {
        createMs: create.end - create.start,
        jobMs: jobEnd - jobStart,
        beforeJobMs: jobStart - createStart,
        afterJobMs: createEnd - jobEnd,
        reused: Boolean(model?.outputs.reused),
        hostLines: bench.host.output.slice(linesBefore).filter((l) => /TrainedModel/.test(l)),
      };
      samples.push(sample);
      ctx.log(
        `  create ${sample.createMs.toFixed(0)} ms, job ${sample.jobMs} ms (before ${sample.beforeJobMs.toFixed(0)}, after ${sample.afterJobMs.toFixed(0)})`,
      );
    }
    const [first, ...bumps] = samples;
    const overheads = bumps.map((s) => s.createMs - s.jobMs);
    const ratios = bumps.map((s) => s.createMs / s.jobMs);
    const createMs = median(bumps.map((s) => s.createMs));
    const jobMs = median(bumps.map((s) => s.jobMs));
    const overhead = median(overheads);
    const ratio = median(ratios);
    const met = ratio - 1 < 0.05 || overhead < 1000;
    return [
      {
        id: "4",
        title: "Retrain overhead: TrainedModel create vs the BES job's own run time",
        goal: "overhead < 5 % of the job, or < 1 s",
        ratio,
        measured: `${times(ratio)} (create ${createMs.toFixed(0)} ms vs job ${jobMs.toFixed(0)} ms: overhead ${overhead.toFixed(0)} ms = ${((ratio - 1) * 100).toFixed(1)} %; per-bump ${range(overheads)} ms, before the job ${median(bumps.map((s) => s.beforeJobMs)).toFixed(0)} ms, after it ${median(bumps.map((s) => s.afterJobMs)).toFixed(0)} ms)`,
        met,
        notes: `Local stack (index.ts) under EngineDouble through the SDK's provider host, emulator and Azurite on loopback. ${bumps.length} version bumps, each with a new ${ROWS}-row census CSV (${(fs.statSync(path.join(dir, "census-0.csv")).size / 1e6).toFixed(0)} MB): create = host gRPC Create of the model (upload, BES submit/start, status polling, evaluation read, gate scoring a sample of the new data through the served model's RRS, metrics record); job = EndTime − StartTime of the job's BES status (the emulator's worker: read blob, parse, train, evaluate, write outputs). "Before" = create start → StartTime, "after" = EndTime → create end. Medians over the bumps. The first create (no model served yet, so no gate comparison) took ${first.createMs.toFixed(0)} ms for a ${first.jobMs} ms job.`,
        raw: { samples },
      },
    ];
  } finally {
    await bench.stop();
    await infra.stop();
  }
}
