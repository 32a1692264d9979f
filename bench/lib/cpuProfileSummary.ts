/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time per function, and the total time
 * under each project file, as a Markdown table. The profiles of the rows whose goal is missed are
 * summarised this way in `bench/profiles/`.
 *
 * Usage: `npx tsx bench/lib/cpuProfileSummary.ts <file.cpuprofile> [top=25]`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const PROJECT = path.resolve(__dirname, "..", "..");

/** A call frame as "name (file:line)", the file relative to the project. */
function frameName(frame: ProfileNode["callFrame"]): string {
  const file = frame.url.replace(/^file:\/\//, "");
  const where = file.startsWith(PROJECT) ? path.relative(PROJECT, file) : path.basename(file);
  const name = frame.functionName || "(anonymous)";
  return where ? `${name} (${where}:${frame.lineNumber + 1})` : name;
}

/**
 * The Markdown summary of a profile.
 *
 * @param profile - the parsed `.cpuprofile`
 * @param top - how many functions to list
 */
export function summarize(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const perFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const name = frameName(byId.get(id)!.callFrame);
    perFunction.set(name, (perFunction.get(name) ?? 0) + us);
  }
  const ms = (us: number): string => (us / 1000).toFixed(0);
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1)} %`;
  const rows = [...perFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `${ms(total)} ms of the thread sampled (its wall time, idle and GC included); self time per function:`,
    "",
    "| self ms | share | function |",
    "|---:|---:|---|",
    ...rows.map(([name, us]) => `| ${ms(us)} | ${pct(us)} | ${name.replace(/\|/g, "\\|")} |`),
  ].join("\n");
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error("usage: cpuProfileSummary.ts <file.cpuprofile> [top]");
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  process.stdout.write(`${summarize(profile, Number(top ?? 25))}\n`);
}
