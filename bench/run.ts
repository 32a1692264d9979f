/**
 * `npm run bench`: runs the benchmarks of issue 6 and writes `bench/RESULTS.md` (a table: goal,
 * measured ratio, met or not) and `bench/results.json` (the raw numbers).
 *
 * Usage: `npx tsx bench/run.ts [--only hash,upload,memory,preview,retrain,scale,training]
 * [--size 1GiB] [--rounds 3] [--out bench]`. Generated files go to a temporary directory that is
 * removed at the end; Azurite, the emulator and provider hosts are started and stopped here, on
 * loopback only. Benchmarks are not part of `npm test`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { writeCensusCsv } from "./lib/bigFile";
import { mib, type BenchContext, type ItemResult } from "./lib/common";

/** The items, in the order they run. */
const ITEMS = ["hash", "upload", "memory", "preview", "retrain", "scale", "training"] as const;
type ItemName = (typeof ITEMS)[number];

/** Parses sizes such as `1GiB`, `256MiB`, `1073741824`. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kib|mib|gib|kb|mb|gb)?$/i.exec(text.trim());
  if (!match) throw new Error(`--size ${text}: use e.g. 1GiB, 256MiB or a byte count`);
  const unit = (match[2] ?? "b").toLowerCase();
  const factor: Record<string, number> = {
    b: 1,
    kib: 2 ** 10,
    mib: 2 ** 20,
    gib: 2 ** 30,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
  };
  return Math.round(Number(match[1]) * factor[unit]);
}

async function runItem(name: ItemName, ctx: BenchContext): Promise<ItemResult[]> {
  switch (name) {
    case "hash":
      return (await import("./hash")).benchHash(ctx);
    case "upload":
      return (await import("./upload")).benchUpload(ctx);
    case "memory":
      return (await import("./memory")).benchMemory(ctx);
    case "preview":
      return (await import("./preview")).benchPreview(ctx);
    case "retrain":
      return (await import("./retrain")).benchRetrain(ctx);
    case "scale":
      return (await import("./scale")).benchScale(ctx);
    case "training":
      return (await import("./training")).benchTraining(ctx);
  }
}

function machine(): Record<string, string> {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: `${cpus.length} × ${cpus[0]?.model ?? "unknown"}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverageAtStart: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}

function markdown(
  results: readonly ItemResult[],
  info: Record<string, string>,
  sizeBytes: number,
  rounds: number,
  command: string,
): string {
  const verdict = (r: ItemResult): string =>
    r.met === undefined ? "not measured" : r.met ? "**met**" : "**missed**";
  const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [
    "# Benchmarks (issue 6)",
    "",
    `Produced by \`${command}\` on ${info.date}. Do not edit by hand: run \`npm run bench\` again.`,
    "",
    `Machine: ${info.cpu}, ${info.memory} RAM, ${info.os}, Node ${info.node}; load average at start ${info.loadAverageAtStart}. ` +
      `Big file: ${mib(sizeBytes)} MiB census CSV; ${rounds} interleaved rounds unless a row says otherwise.`,
    "",
    "Every verdict is a ratio of two things measured side by side in this run, interleaved " +
      "(A, B, A, B…, order rotated each round) and compared by medians; absolute goals (ms, MB) " +
      "are shown as a fraction of their budget. Goals were not tuned: a missed goal stays missed, " +
      "with the reason in the notes.",
    "",
    "| # | Benchmark | Goal | Measured | Verdict |",
    "|---|---|---|---|---|",
    ...results.map(
      (r) =>
        `| ${r.id} | ${cell(r.title)} | ${cell(r.goal)} | ${cell(r.measured)} | ${verdict(r)} |`,
    ),
    "",
    "## How each was measured",
    "",
    ...results.flatMap((r) => [`- **${r.id} ${cell(r.title)}.** ${r.notes}`]),
    "",
  ];
  return lines.join("\n");
}

async function formatted(text: string, file: string): Promise<string> {
  // The repository's `prettier --check .` covers these files; write them the way it wants them.
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      size: { type: "string", default: "1GiB" },
      rounds: { type: "string", default: "3" },
      out: { type: "string", default: __dirname },
    },
  });
  const only = values.only ? values.only.split(",").map((s) => s.trim()) : [...ITEMS];
  for (const name of only) {
    if (!(ITEMS as readonly string[]).includes(name))
      throw new Error(`--only: unknown item "${name}" (items: ${ITEMS.join(", ")})`);
  }
  const sizeBytes = parseSize(values.size);
  const rounds = Math.max(1, Number(values.rounds));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "azureml-bench-"));
  const started = Date.now();
  const log = (line: string): void => {
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  };
  let big: Promise<string> | undefined;
  const ctx: BenchContext = {
    tmp,
    sizeBytes,
    rounds,
    log,
    bigFile: () =>
      (big ??= (async () => {
        const file = path.join(tmp, "big", "census-big.csv");
        fs.mkdirSync(path.dirname(file), { recursive: true });
        log(`writing a ${mib(sizeBytes)} MiB census CSV`);
        await writeCensusCsv(file, sizeBytes);
        return file;
      })()),
  };
  // Azurite's handle unrefs its child: while a bench only awaits the child's exit, nothing else
  // would keep this process alive, and Node would end it mid-run with status 0.
  const keepAlive = setInterval(() => undefined, 60_000);
  const info = machine();
  const results: ItemResult[] = [];
  const cleanup = (): void => fs.rmSync(tmp, { recursive: true, force: true });
  process.once("SIGINT", () => {
    cleanup();
    process.exit(130);
  });
  try {
    for (const name of ITEMS.filter((i) => only.includes(i))) {
      log(`=== ${name}`);
      const first = results.length;
      try {
        results.push(...(await runItem(name, ctx)));
      } catch (e) {
        log(`${name} failed: ${(e as Error).stack ?? String(e)}`);
        results.push({
          id: name,
          title: name,
          goal: "",
          measured: `failed: ${(e as Error).message.split("\n")[0]}`,
          notes: `The benchmark itself failed: ${(e as Error).message.split("\n")[0]}`,
        });
      }
      for (const r of results.slice(first)) log(`${r.id}: ${r.measured}`);
    }
  } finally {
    cleanup();
  }
  // Report in item order (1a, 1b, 2a, ...), whatever order they ran in.
  const order = (r: ItemResult): [number, string] => [parseInt(r.id, 10) || 99, r.id];
  results.sort((a, b) => {
    const [na, ia] = order(a);
    const [nb, ib] = order(b);
    return na - nb || ia.localeCompare(ib);
  });
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const outDir = path.resolve(values.out);
  const mdFile = path.join(outDir, "RESULTS.md");
  const jsonFile = path.join(outDir, "results.json");
  fs.writeFileSync(
    mdFile,
    await formatted(markdown(results, info, sizeBytes, rounds, command), mdFile),
  );
  fs.writeFileSync(
    jsonFile,
    await formatted(
      JSON.stringify({ machine: info, sizeBytes, rounds, command, results }, null, 2),
      jsonFile,
    ),
  );
  log(`wrote ${mdFile} and ${jsonFile} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  clearInterval(keepAlive);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
