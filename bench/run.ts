/**
 * `npm run bench`: runs the benchmarks of issue 6 (items 1 to 7), the emulator's of issue 2
 * (items 8 and 9), the others named by their rows (10 to 13), and the state's of issue 10
 * (item 14), and writes `bench/RESULTS.md` (a table: goal, measured ratio, met or not) and
 * `bench/results.json` (the raw numbers).
 *
 * Usage: `npx tsx bench/run.ts [--only hash,upload,memory,preview,retrain,scale,training,bes,rrs,evaluate,python-script,v2bump,router,state,staged]
 * [--size 1GiB] [--rounds N] [--out bench] [--render]` (rounds: 3 for the big-file items, 7 for
 * items 7 to 9, whose verdicts are medians of per-round ratios; `--rounds` sets both). Generated files go to a temporary directory that is
 * removed at the end; Azurite, the emulator and provider hosts are started and stopped here, on
 * loopback only. Benchmarks are not part of `npm test`.
 *
 * A run with `--only` replaces the rows of its items and keeps the other rows of the previous
 * `results.json` in `--out`; every row names the run it comes from (its date), and RESULTS.md
 * lists each run with its command and machine. A run of every item replaces everything.
 */
// First: on an old Node, stop with how to get Node 22 (before any import can fail).
import "../bin/check-node.cjs";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { writeCensusCsv } from "./lib/bigFile";
import { mib, type BenchContext, type ItemResult } from "./lib/common";

/** The items, in the order they run. */
const ITEMS = [
  "hash",
  "upload",
  "memory",
  "preview",
  "retrain",
  "scale",
  "training",
  "bes",
  "rrs",
  "evaluate",
  "python-script",
  "v2bump",
  "router",
  "state",
  "staged",
] as const;
type ItemName = (typeof ITEMS)[number];

/** The number of each item's rows in RESULTS.md (`1a`, `1b`, ... `9`). */
const ITEM_NUMBER: Record<ItemName, number> = {
  hash: 1,
  upload: 2,
  preview: 3,
  retrain: 4,
  scale: 5,
  memory: 6,
  training: 7,
  bes: 8,
  rrs: 9,
  evaluate: 10,
  "python-script": 11,
  v2bump: 12,
  router: 13,
  state: 14,
  staged: 15,
};

/** The items that use the big file (`--size`). */
const BIG_FILE_ITEMS: readonly string[] = ["hash", "upload", "memory"];

/** One run of the suite, as results.json keeps it. */
interface RunInfo {
  readonly date: string;
  readonly command: string;
  readonly machine: Record<string, string>;
  readonly sizeBytes: number;
  readonly rounds: number;
}

/** A row as results.json keeps it: the item that produced it and the date of its run. */
type StoredResult = ItemResult & { readonly item: string; readonly date: string };

/** What results.json holds. */
interface ResultsFile {
  /** The newest run's machine, size, rounds and command (also the last of `runs`). */
  readonly machine: Record<string, string>;
  readonly sizeBytes: number;
  readonly rounds: number;
  readonly command: string;
  /** Every run some row comes from, oldest first (absent in files older than partial runs). */
  readonly runs?: RunInfo[];
  readonly results: (ItemResult & { readonly item?: string; readonly date?: string })[];
}

/** Parses sizes such as `1GiB`, `256MiB`, `1073741824`. */
function parseSize(text: string): number {
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
    case "staged":
      return (await import("./staged")).benchStaged(ctx);
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
    case "bes":
      return (await import("./execution")).benchBes(ctx);
    case "rrs":
      return (await import("./execution")).benchRrs(ctx);
    case "v2bump":
      return (await import("./v2")).benchV2Bump(ctx);
    case "router":
      return (await import("./v2")).benchRouter(ctx);
    case "evaluate":
      return (await import("./evaluate")).benchEvaluate(ctx);
    case "python-script":
      return (await import("./scriptModules")).benchPythonScript(ctx);
    case "state":
      return (await import("./state")).benchState(ctx);
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

/** The item of a row id ("5b" → scale), for files written before rows named their item. */
function itemOfId(id: string): string {
  const n = parseInt(id, 10);
  return ITEMS.find((i) => ITEM_NUMBER[i] === n) ?? id;
}

/**
 * The runs and rows of a previous results.json, every row with its item and run date (a file
 * written before rows had them: its one run); undefined when there is none.
 *
 * @param file - the results.json to read
 */
function readPrevious(file: string): { runs: RunInfo[]; results: StoredResult[] } | undefined {
  if (!fs.existsSync(file)) return undefined;
  const old = JSON.parse(fs.readFileSync(file, "utf8")) as ResultsFile;
  const single: RunInfo = {
    date: old.machine.date,
    command: old.command,
    machine: old.machine,
    sizeBytes: old.sizeBytes,
    rounds: old.rounds,
  };
  return {
    runs: old.runs ?? [single],
    results: old.results.map((r) => ({
      ...r,
      item: r.item ?? itemOfId(r.id),
      date: r.date ?? single.date,
    })),
  };
}

/**
 * The rows to report, in item order (1a, 1b, 2a, ...): this run's, plus the previous rows of the
 * items it did not run; and the runs those rows come from, oldest first.
 *
 * @param current - this run's rows
 * @param run - this run
 * @param ran - the items this run ran
 * @param previous - the previous file's runs and rows (undefined: keep nothing)
 */
function mergeResults(
  current: readonly StoredResult[],
  run: RunInfo,
  ran: readonly string[],
  previous: { runs: RunInfo[]; results: StoredResult[] } | undefined,
): { runs: RunInfo[]; results: StoredResult[] } {
  const kept = (previous?.results ?? []).filter((r) => !ran.includes(r.item));
  const order = (r: ItemResult): [number, string] => [parseInt(r.id, 10) || 99, r.id];
  const results = [...kept, ...current].sort((a, b) => {
    const [na, ia] = order(a);
    const [nb, ib] = order(b);
    return na - nb || ia.localeCompare(ib);
  });
  const dates = new Set(kept.map((r) => r.date));
  const runs = [...(previous?.runs ?? []).filter((r) => dates.has(r.date)), run];
  return { runs, results };
}

/** A run's date as a table cell, e.g. "2026-11-28 04:15 UTC". */
function shortDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function markdown(results: readonly StoredResult[], runs: readonly RunInfo[]): string {
  const verdict = (r: ItemResult): string => {
    if (r.met === undefined) return r.ratio === undefined ? "not measured" : "reported (no goal)";
    return r.met ? "**met**" : "**missed**";
  };
  const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const describe = (run: RunInfo): string => {
    const info = run.machine;
    const rows = results.filter((r) => r.date === run.date);
    const ids = rows.map((r) => r.id);
    const big = rows.some((r) => BIG_FILE_ITEMS.includes(r.item))
      ? `Big file: ${mib(run.sizeBytes)} MiB census CSV; `
      : "";
    return (
      `\`${run.command}\` on ${run.date} (${ids.length > 1 ? "rows" : "row"} ${ids.join(", ")}). ` +
      `Machine: ${info.cpu}, ${info.memory} RAM, ${info.os}, Node ${info.node}; load average at start ${info.loadAverageAtStart}. ` +
      `${big}${run.rounds} interleaved rounds unless a row says otherwise.`
    );
  };
  const lines = [
    "# Benchmarks (issue 6; items 8 and 9: the emulator's, issue 2; item 14: the state's, issue 10)",
    "",
    ...(runs.length === 1
      ? [`Produced by ${describe(runs[0])} Do not edit by hand: run \`npm run bench\` again.`]
      : [
          "Produced by several runs of `npm run bench`: a run with `--only` replaces the rows of " +
            "its items and keeps the others; the Run column names each row's run. Do not edit by " +
            "hand: run `npm run bench` again (every item) or `npm run bench -- --only <items>`.",
          "",
          ...runs.map((run) => `- ${describe(run)}`),
        ]),
    "",
    "Every verdict is a ratio of two things measured side by side in one run, interleaved " +
      "(A, B, A, B…, order rotated each round) and compared by medians; absolute goals (ms, MB) " +
      "are shown as a fraction of their budget. Goals were not tuned: a missed goal stays missed, " +
      "with the reason in the notes. Where the issue sets no goal, the ratio is reported as measured.",
    "",
    "| # | Benchmark | Goal | Measured | Verdict | Run |",
    "|---|---|---|---|---|---|",
    ...results.map(
      (r) =>
        `| ${r.id} | ${cell(r.title)} | ${cell(r.goal)} | ${cell(r.measured)} | ${verdict(r)} | ${shortDate(r.date)} |`,
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
      rounds: { type: "string" },
      out: { type: "string", default: __dirname },
      // Rewrites RESULTS.md from results.json, running nothing: after results.json files of
      // two branches were merged by hand, their rows and runs are rendered as one table.
      render: { type: "boolean", default: false },
    },
  });
  if (values.render) {
    const outDir = path.resolve(values.out);
    const mdFile = path.join(outDir, "RESULTS.md");
    const previous = readPrevious(path.join(outDir, "results.json"));
    if (!previous) throw new Error(`--render: no results.json in ${outDir}`);
    fs.writeFileSync(mdFile, await formatted(markdown(previous.results, previous.runs), mdFile));
    return;
  }
  const only = values.only ? values.only.split(",").map((s) => s.trim()) : [...ITEMS];
  for (const name of only) {
    if (!(ITEMS as readonly string[]).includes(name))
      throw new Error(`--only: unknown item "${name}" (items: ${ITEMS.join(", ")})`);
  }
  const sizeBytes = parseSize(values.size);
  // --rounds sets both; without it, 3 for the big-file items and 7 for the per-round-ratio ones.
  const rounds = Math.max(1, Number(values.rounds ?? 3));
  const ratioRounds = Math.max(1, Number(values.rounds ?? 7));
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
    ratioRounds,
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
  const ran = ITEMS.filter((i) => only.includes(i));
  const results: StoredResult[] = [];
  const cleanup = (): void => fs.rmSync(tmp, { recursive: true, force: true });
  process.once("SIGINT", () => {
    cleanup();
    process.exit(130);
  });
  try {
    for (const name of ran) {
      log(`=== ${name}`);
      const first = results.length;
      try {
        const rows = await runItem(name, ctx);
        results.push(...rows.map((r) => ({ ...r, item: name, date: info.date })));
      } catch (e) {
        log(`${name} failed: ${(e as Error).stack ?? String(e)}`);
        results.push({
          item: name,
          date: info.date,
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
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const outDir = path.resolve(values.out);
  const mdFile = path.join(outDir, "RESULTS.md");
  const jsonFile = path.join(outDir, "results.json");
  const run: RunInfo = { date: info.date, command, machine: info, sizeBytes, rounds };
  // A partial run keeps the previous rows of the items it did not run.
  const previous = ran.length < ITEMS.length ? readPrevious(jsonFile) : undefined;
  const merged = mergeResults(results, run, ran, previous);
  fs.writeFileSync(mdFile, await formatted(markdown(merged.results, merged.runs), mdFile));
  const file: ResultsFile = {
    machine: info,
    sizeBytes,
    rounds,
    command,
    runs: merged.runs,
    results: merged.results,
  };
  fs.writeFileSync(jsonFile, await formatted(JSON.stringify(file, null, 2), jsonFile));
  log(
    `wrote ${mdFile} and ${jsonFile} in ${((Date.now() - started) / 1000).toFixed(0)} s` +
      (previous ? ` (kept ${merged.results.length - results.length} rows of earlier runs)` : ""),
  );
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
