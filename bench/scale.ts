/**
 * Item 5: repointing 100 classic endpoints to another model in one run, against 1 endpoint.
 *
 * Two stacks of the real program (`index.ts`) on the same emulator and Azurite, with their own
 * service names: one with 100 endpoints, one with 1, all serving the main model. Both are brought
 * up on model A, then B (trained once: the second stack reuses the stored model). The timed runs
 * then switch both stacks between A and B (a rollback: the model is reused, not trained), the two
 * stacks alternating which goes first. Each run is an engine-double `up` on a fresh provider host,
 * as `pulumi up` starts one; everything in it is repointing: the TrainedModel replace (reuse),
 * the predictive service, the classic web service and the endpoints.
 *
 * Ratio: wall time of the 100-endpoint run / the 1-endpoint run (goal < 10×). Also reported: the
 * endpoint phase alone (union of the endpoint Update calls), and from the host's network probe the
 * most management-API requests in flight at once (bounded concurrency) and the 429 answers.
 *
 * 5a runs on the emulator as it is (a management call takes a few ms on loopback); 5b adds a
 * fixed latency to every endpoint call (the emulator's `--fault-latency-ms`), nearer a remote
 * service, where bounding the concurrency costs time.
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
  type NetworkSummary,
  type StackInfra,
} from "./lib/stack";
import { CLASSIC_ENDPOINT_CONCURRENCY } from "../components/classicEndpoint/provider";

/** A stack of `count` endpoints with its own services. */
function stackConfig(
  infra: StackInfra,
  count: number,
  model: { version: string; data: string },
): Record<string, unknown> {
  return localConfig(infra, model, {
    services: {
      trainingName: `s${count}-training`,
      predictiveName: `s${count}-predictive`,
      classicWebServiceId: `${String(count).padStart(4, "0")}`.repeat(8),
    },
    endpoints: Array.from({ length: count }, (_v, i) => ({
      name: `ep-${String(i + 1).padStart(3, "0")}`,
    })),
  });
}

interface RunSample {
  readonly wallMs: number;
  readonly endpointPhaseMs: number;
  readonly endpointUpdates: number;
  readonly network: NetworkSummary;
  readonly endpointNetwork: NetworkSummary;
}

/** A variant of the measurement: which emulator, and how the row is named. */
interface Variant {
  readonly id: string;
  readonly title: string;
  /** Extra emulator flags. */
  readonly emulatorArgs: readonly string[];
  /** What the variant adds to the notes. */
  readonly setting: string;
}

/** Per-request latency added to the management API's endpoint calls in variant 5b. */
const LATENCY_MS = 100;

const VARIANTS: readonly Variant[] = [
  {
    id: "5a",
    title: "Scale: 100 endpoints repointed to another model in one run vs 1 endpoint",
    emulatorArgs: [],
    setting: "The emulator as it is: a management call takes a few ms on loopback.",
  },
  {
    id: "5b",
    title: `Scale, as 5a with ${LATENCY_MS} ms per endpoint management call`,
    emulatorArgs: ["--fault-latency-ms", String(LATENCY_MS), "--fault-paths", "/endpoints/"],
    setting: `The emulator started with --fault-latency-ms ${LATENCY_MS} --fault-paths /endpoints/ (its fault injection): each endpoint GET/PATCH waits ${LATENCY_MS} ms, nearer a remote service than loopback, so the cost of bounding the concurrency shows.`,
  },
];

/** Runs item 5: both variants. */
export async function benchScale(ctx: BenchContext): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  for (const variant of VARIANTS) results.push(await measureVariant(ctx, variant));
  return results;
}

async function measureVariant(ctx: BenchContext, variant: Variant): Promise<ItemResult> {
  const dir = path.join(ctx.tmp, `scale-${variant.id}`);
  const infra = await startStackInfra(dir, variant.emulatorArgs);
  try {
    const models = ["a", "b"].map((tag, i) => {
      const data = path.join(dir, `census-${tag}.csv`);
      fs.writeFileSync(
        data,
        censusToCsv(generateCensusRows({ rows: 4000, seed: 50 + i, drift: i / 2 })),
      );
      return { version: `2026-12-1${i}.1`, data };
    });
    const sizes = [100, 1];
    const state = (count: number): string => path.join(dir, `state-${count}.json`);
    const up = async (count: number, model: { version: string; data: string }, label: string) => {
      const bench = await startBenchHost(dir, label);
      try {
        bench.probe.take();
        const t0 = performance.now();
        const result = await engineFor(bench.host, state(count)).up(
          stackConfig(infra, count, model),
        );
        const wallMs = performance.now() - t0;
        if (result.error) throw result.error;
        const events = bench.probe.take();
        const endpointUpdates = bench.calls.filter(
          (c) => c.method === "update" && c.name.startsWith("endpoint-"),
        );
        return {
          wallMs,
          endpointPhaseMs: busyTime(endpointUpdates),
          endpointUpdates: endpointUpdates.length,
          network: bench.probe.summary(events),
          endpointNetwork: bench.probe.summary(events, (e) =>
            /\/webservices\/[^/]+\/endpoints\//.test(e.path ?? ""),
          ),
        } satisfies RunSample;
      } finally {
        await bench.stop();
      }
    };
    ctx.log(`scale ${variant.id}: a 100-endpoint and a 1-endpoint stack, up on model A, then B`);
    for (const model of models) {
      for (const count of sizes) await up(count, model, `setup-${count}`);
    }
    const samples: Record<number, RunSample[]> = { 100: [], 1: [] };
    for (let r = 0; r < ctx.rounds; r++) {
      const model = models[r % 2];
      const order = r % 2 === 0 ? sizes : [...sizes].reverse();
      for (const count of order) {
        const sample = await up(count, model, `run-${r}-${count}`);
        if (sample.endpointUpdates !== count)
          throw new Error(`${count}-endpoint run updated ${sample.endpointUpdates} endpoints`);
        samples[count].push(sample);
        ctx.log(
          `  ${variant.id} round ${r + 1} ${count} endpoint(s) → ${model.version}: ${sample.wallMs.toFixed(0)} ms (endpoints ${sample.endpointPhaseMs.toFixed(0)} ms, ${sample.endpointNetwork.maxInFlight} endpoint requests in flight at most, ${sample.network.throttled} × 429)`,
        );
      }
    }
    const wall = (count: number): number => median(samples[count].map((s) => s.wallMs));
    const phase = (count: number): number => median(samples[count].map((s) => s.endpointPhaseMs));
    const ratio = wall(100) / wall(1);
    const phaseRatio = phase(100) / phase(1);
    const maxInFlight = Math.max(...samples[100].map((s) => s.endpointNetwork.maxInFlight));
    const throttled = [...samples[100], ...samples[1]].reduce(
      (sum, s) => sum + s.network.throttled,
      0,
    );
    const requests100 = median(samples[100].map((s) => s.endpointNetwork.requests));
    return {
      id: variant.id,
      title: variant.title,
      goal: "< 10×, bounded concurrency, no 429 storm",
      ratio,
      measured: `${times(ratio)} (100 endpoints ${(wall(100) / 1000).toFixed(2)} s vs 1 endpoint ${(wall(1) / 1000).toFixed(2)} s; per-round ${range(
        samples[100].map((s, i) => s.wallMs / samples[1][i].wallMs),
        2,
      )}); endpoint phase ${times(phaseRatio)} (${phase(100).toFixed(0)} vs ${phase(1).toFixed(0)} ms); at most ${maxInFlight} endpoint requests in flight (limit ${CLASSIC_ENDPOINT_CONCURRENCY} operations); 429s: ${throttled}`,
      met: ratio < 10 && maxInFlight <= CLASSIC_ENDPOINT_CONCURRENCY && throttled === 0,
      notes: `${variant.setting} Two stacks of index.ts (100 endpoints and 1, own services, same emulator and Azurite), switched between two stored models ${ctx.rounds}× each, alternating which stack goes first; each run an engine-double up on a fresh provider host, whose engine double runs the endpoint updates at most --parallel at once (4 × CPUs by default, as the CLI). Wall = the whole up (TrainedModel replace by reuse, predictive service and classic web service updates, endpoint updates, the old model's retirement); endpoint phase = union of the endpoint Update calls. Concurrency: the host's outgoing requests to /endpoints/ paths (network probe), at most in flight at once; ${requests100} endpoint requests per 100-endpoint run. The emulator throttles nothing here (its fault injection refuses by rate, not by concurrency), so 429s are counted but not provoked.`,
      raw: { samples },
    };
  } finally {
    await infra.stop();
  }
}
