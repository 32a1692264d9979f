/**
 * The two-thread CSV parse against the one-thread parse on the same bytes, side by side in one
 * process: rounds alternate which goes first; prints each time, the per-round ratios and the
 * median ratio (two threads / one), with the load average. The two-thread parse only runs by
 * itself when a core is idle (`parseCsv`), so this forces each mode.
 *
 * Usage: `npx tsx bench/profiles/parseThreads.ts data.csv [rounds]` (the CSV of
 * `syntheticCsv(1_000_000, 42)`, `bench/engine-scale.ts`).
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseCsvWith } from "../../emulator/engine/csv";

function main(file: string, rounds: number): void {
  const bytes = readFileSync(file);
  const load = loadavg()[0];
  const one: number[] = [];
  const two: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const mode of r % 2 === 0 ? ["one", "two"] : ["two", "one"]) {
      const t = performance.now();
      if (mode === "one") parseCsvWith(bytes, "input1", { minBytes: Number.MAX_SAFE_INTEGER });
      else parseCsvWith(bytes, "input1", { evenWhenBusy: true });
      (mode === "one" ? one : two).push(performance.now() - t);
    }
  }
  const ratios = one.map((o, i) => two[i] / o);
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const ms = (a: number[]): string => a.map((v) => Math.round(v)).join(", ");
  console.log(`load average at start ${load.toFixed(2)}, ${rounds} rounds`);
  console.log(`one thread (ms):  ${ms(one)}`);
  console.log(`two threads (ms): ${ms(two)}`);
  console.log(`per-round ratio two/one: ${ratios.map((r) => r.toFixed(2)).join(", ")}`);
  console.log(`median ratio two/one: ${median(ratios).toFixed(2)}`);
}

main(process.argv[2] ?? "lr-1m.csv", Number(process.argv[3] ?? 7));
