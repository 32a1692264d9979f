/**
 * `npm test` without the lint: every mocha suite, split into groups that run at the same time,
 * each in a mocha process of its own (`npm test` adds ESLint, Prettier and the type check as
 * jobs beside them, `--lint`). Most of the suites' time is spent waiting on other processes (the
 * emulator training, Azurite, Chromium, Python and R), so two cores run several groups at once.
 *
 * What keeps the groups independent, so that none can change what another proves:
 * - each mocha process runs the global fixtures of `.mocharc.json`, so it starts and stops an
 *   Azurite of its own (`AZURITE_CONNECTION_STRING` is removed from its environment), on a port
 *   the system picks; every server a test starts listens on port 0 too;
 * - each has its own scratch folder as `TMPDIR` and `XDG_CACHE_HOME` (temporary folders, tsx's
 *   compile cache, the providers' hash cache), removed when it ends;
 * - a test file belongs to exactly one group: the first whose folder holds it, else the last
 *   group, so a new file is never left out (`--list` shows the split).
 *
 * The run fails when any job fails: a non-zero exit, a signal, no test run, more than `--timeout`
 * minutes, or a mocha process still there 90 s (`--linger`) after its summary (something left open); the job's
 * process group is then killed. `test/selfcheck/` proves it. Each job's output is printed when it
 * ends, and written as it comes to `test-results/groups/<job>.log`.
 */
// First: on an old Node, stop with how to get Node 22 (before any import can fail).
import "../bin/check-node.cjs";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command, Option } from "commander";

const ROOT = path.resolve(__dirname, "..");
const MOCHA = path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js");
/** Where each job's output is written as it comes. */
const LOGS = path.join(ROOT, "test-results", "groups");
/** How long a mocha process may take to exit after its summary (its global teardown), by default. */
const LINGER_SECONDS = 90;

/**
 * The default groups, by folder (a file goes to the first that holds it; the last takes the rest).
 * Balanced by the time each folder took in a measured run (`docs/testing.md` has the numbers):
 * the reliability suites stay together, as their summary is written once per mocha process.
 */
export const GROUPS: readonly { readonly name: string; readonly folders: readonly string[] }[] = [
  { name: "reliability", folders: ["test/reliability/"] },
  { name: "emulator-api", folders: ["test/emulator/api/"] },
  { name: "e2e", folders: ["test/e2e/", "test/harness/", "test/emulator/v2/"] },
  {
    name: "emulator",
    folders: ["test/evaluation/", "test/emulator/", "test/components/", "test/lint/"],
  },
  { name: "rest", folders: [] },
];

/**
 * Tests that race a clock (a latency bound, a script's time limit, a retry window while Azurite
 * restarts, a ts-node compile of the whole project under a time limit): they run alone once the groups are done, so that the groups' load cannot fail them.
 * Each is named by its file and a part of its full title (mocha's `--grep`); the groups skip them.
 */
export const ALONE: readonly { readonly file: string; readonly title: string }[] = [
  {
    file: "test/emulator/api/execution.test.ts",
    title: "runs several jobs at once on worker threads while status and scoring stay responsive",
  },
  {
    file: "test/emulator/api/scriptModules.test.ts",
    title: "a script past --script-timeout-ms is killed",
  },
  {
    file: "test/e2e/tsnode.test.ts",
    title: "providers serialized under ts-node run in the SDK's provider host",
  },
  {
    file: "test/reliability/azuriteRestart.test.ts",
    title: "reliability: Azurite restarted in the middle of an upload",
  },
];

/** A `--grep` pattern matching the titles of {@link ALONE}. */
function aloneGrep(): string {
  return ALONE.map((a) => a.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
}

/** Every `*.test.ts` under `test/`, relative to the project, sorted. */
export function testFiles(root = ROOT): string[] {
  return (fs.readdirSync(path.join(root, "test"), { recursive: true }) as string[])
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => path.posix.join("test", f.split(path.sep).join("/")))
    .sort();
}

/**
 * Splits the files into the groups: each file to the first group with a folder holding it, the
 * rest to the last group.
 */
export function assign(
  files: readonly string[],
  groups: typeof GROUPS = GROUPS,
): Map<string, string[]> {
  const split = new Map<string, string[]>(groups.map((g) => [g.name, []]));
  const last = groups[groups.length - 1].name;
  for (const file of files) {
    const group = groups.find((g) => g.folders.some((f) => file.startsWith(f)))?.name ?? last;
    split.get(group)!.push(file);
  }
  return split;
}

/** One job of the run: a mocha group, or a command (lint, typecheck). */
interface Job {
  readonly name: string;
  readonly argv: readonly string[];
  /** A mocha group: its files (the job must then report passing tests). */
  readonly files?: readonly string[];
}

/** How a job ended. */
interface Outcome {
  readonly job: Job;
  readonly ok: boolean;
  readonly why: string;
  readonly seconds: number;
  readonly output: string;
  readonly counts: string;
}

/** The lines of mocha's summary (`12 passing (3s)`, `1 failing`, `2 pending`), joined. */
function mochaCounts(output: string): { passing: number; failing: number; text: string } {
  const n = (word: string): number => {
    const all = [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}`, "gm"))];
    return all.length > 0 ? Number(all[all.length - 1][1]) : 0;
  };
  const passing = n("passing");
  const failing = n("failing");
  const pending = n("pending");
  const text = [
    `${passing} passing`,
    ...(failing ? [`${failing} failing`] : []),
    ...(pending ? [`${pending} pending`] : []),
  ].join(", ");
  return { passing, failing, text };
}

/** How many lines of a failed job's output the closing digest repeats, at most. */
const DIGEST_LINES = 80;

/**
 * What a failed job said about its failure, for the digest printed last: mocha's `N failing`
 * block (each failing test's title, error and stack), or the tail of a command's output. A CI
 * log is often cut to its last screens; the digest keeps the cause in them.
 * @param outcome - a job that did not pass
 */
export function failureDigest(outcome: {
  readonly output: string;
  readonly why: string;
  readonly job: { readonly name: string };
}): string {
  // Colour codes would split the block's first line; the digest is read as text.
  // eslint-disable-next-line no-control-regex
  const plain = outcome.output.replace(/\x1b\[[0-9;]*m/g, "");
  const lines = plain.split("\n");
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^\s*\d+ failing\s*$/.test(lines[i])) {
      start = i;
      break;
    }
  }
  const body = start >= 0 ? lines.slice(start) : lines.slice(-DIGEST_LINES);
  const cut = body.length > DIGEST_LINES;
  const shown = (cut ? body.slice(0, DIGEST_LINES) : body).join("\n").trimEnd();
  return (
    `━━ why ${outcome.job.name} failed: ${outcome.why} ━━\n${shown}` +
    (cut
      ? `\n… (${body.length - DIGEST_LINES} more lines in test-results/groups/${outcome.job.name}.log)`
      : "")
  );
}

/** Sends `signal` to the job's process group (it was started detached: it leads one). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Runs one job to its end; never rejects. */
function runJob(
  job: Job,
  options: { timeoutMs: number; lingerMs: number; color: boolean; running: Set<ChildProcess> },
): Promise<Outcome> {
  const started = Date.now();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `azureml-retrain-test-${job.name}-`));
  const tmp = path.join(scratch, "tmp");
  fs.mkdirSync(tmp);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMPDIR: tmp,
    XDG_CACHE_HOME: path.join(scratch, "cache"),
    TEST_GROUP: job.name,
  };
  // Each mocha process starts its own Azurite (the global fixture), never one it inherits.
  delete env.AZURITE_CONNECTION_STRING;
  delete env.AZURITE_BLOB_ENDPOINT;
  const child = spawn(job.argv[0], job.argv.slice(1), {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  options.running.add(child);
  const chunks: Buffer[] = [];
  // The output as it comes, to follow a long job: test-results/groups/<job>.log.
  fs.mkdirSync(LOGS, { recursive: true });
  const log = fs.createWriteStream(path.join(LOGS, `${job.name}.log`));
  const stop = (): void => {
    killGroup(child, "SIGTERM");
    setTimeout(() => killGroup(child, "SIGKILL"), 10_000).unref();
  };
  let timedOut = false;
  let lingered = false;
  let linger: NodeJS.Timeout | undefined;
  const collect = (c: Buffer): void => {
    chunks.push(c);
    log.write(c);
    // Mocha has printed its summary: the process must end once its global teardown is done. One
    // that stays (a server or a child process left open) would hold the run until the timeout.
    if (job.files && !linger && /^\s*\d+ passing \(/m.test(c.toString())) {
      linger = setTimeout(() => {
        lingered = true;
        stop();
      }, options.lingerMs);
    }
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  return new Promise<Outcome>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error): void => {
      clearTimeout(timer);
      clearTimeout(linger);
      log.end();
      options.running.delete(child);
      // Whatever the job left behind in its group goes with it.
      killGroup(child, "SIGKILL");
      fs.rmSync(scratch, { recursive: true, force: true });
      const output = Buffer.concat(chunks).toString();
      const seconds = (Date.now() - started) / 1000;
      const counts = job.files ? mochaCounts(output) : undefined;
      let why: string;
      if (error) why = `could not start: ${error.message}`;
      else if (timedOut) why = `timed out after ${Math.round(options.timeoutMs / 1000)} s`;
      else if (lingered)
        why = `still running ${options.lingerMs / 1000} s after its last test (something left open)`;
      else if (signal) why = `killed by ${signal}`;
      else if (counts && counts.failing > 0) why = `${counts.failing} failing`;
      else if (code !== 0) why = `exit code ${code}`;
      else if (counts && counts.passing === 0) why = "no test passed";
      else why = "";
      resolve({ job, ok: why === "", why, seconds, output, counts: counts?.text ?? "" });
    };
    child.once("error", (e) => finish(null, null, e));
    child.once("close", (code, signal) => finish(code, signal));
  });
}

/** Runs jobs, at most `jobs` at a time, longest first (the order given); prints each as it ends. */
async function runAll(
  jobs: readonly Job[],
  options: { parallel: number; timeoutMs: number; lingerMs: number; color: boolean },
): Promise<Outcome[]> {
  const running = new Set<ChildProcess>();
  const stop = (signal: NodeJS.Signals): void => {
    for (const child of running) killGroup(child, "SIGTERM");
    setTimeout(() => {
      for (const child of running) killGroup(child, "SIGKILL");
      process.exit(signal === "SIGINT" ? 130 : 143);
    }, 5_000).unref();
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  const started = Date.now();
  const pending = [...jobs];
  const active = new Map<string, number>();
  const heartbeat = setInterval(() => {
    const now = Date.now();
    const list = [...active].map(([name, t]) => `${name} ${Math.round((now - t) / 1000)} s`);
    console.log(`… still running: ${list.join(", ")} (output so far: test-results/groups/)`);
  }, 60_000);
  const outcomes: Outcome[] = [];
  const worker = async (): Promise<void> => {
    for (let job = pending.shift(); job; job = pending.shift()) {
      active.set(job.name, Date.now());
      const outcome = await runJob(job, { ...options, running });
      active.delete(job.name);
      outcomes.push(outcome);
      const verdict = outcome.ok ? "passed" : `FAILED (${outcome.why})`;
      const counts = outcome.counts ? `, ${outcome.counts}` : "";
      console.log(
        `\n━━ ${job.name}: ${verdict} in ${Math.round(outcome.seconds)} s${counts} ` +
          "━".repeat(20),
      );
      process.stdout.write(outcome.output.endsWith("\n") ? outcome.output : `${outcome.output}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel) }, worker));
  clearInterval(heartbeat);
  const total = (Date.now() - started) / 1000;
  console.log(
    `\n${outcomes.every((o) => o.ok) ? "All passed" : "FAILED"}: ${jobs.length} jobs in ` +
      `${Math.round(total)} s, ${options.parallel} at a time, on ${os.availableParallelism()} CPUs ` +
      `(load average ${os.loadavg()[0].toFixed(1)} at the end)`,
  );
  for (const o of [...outcomes].sort((a, b) => b.seconds - a.seconds)) {
    const files = o.job.files ? `${o.job.files.length} files` : "";
    console.log(
      `  ${o.job.name.padEnd(14)} ${files.padEnd(9)} ${String(Math.round(o.seconds)).padStart(4)} s  ` +
        `${o.ok ? "passed" : `FAILED: ${o.why}`}${o.counts ? ` (${o.counts})` : ""}`,
    );
  }
  return outcomes;
}

/**
 * Parses the command line, runs the jobs; resolves to the exit code (0: every job passed).
 * @param argv - the arguments after the script
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name("test/run.ts")
    .description("Run the mocha suites in independent groups at the same time")
    .option("--lint", "also run npm run lint and npm run typecheck, as jobs beside the groups")
    .option("--only <groups>", "run only these default groups (comma-separated)")
    .option(
      "--group <name=files>",
      "a group of your own: test files, comma-separated (repeatable; replaces the default groups)",
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .addOption(
      new Option("--parallel <n>", "jobs at once (default: all)").argParser((v) => Number(v)),
    )
    .addOption(
      new Option("--timeout <minutes>", "a job running longer fails, and is killed")
        .default(30)
        .argParser((v) => Number(v)),
    )
    .option(
      "--files-from <file>",
      "run only the test files this file lists (one a line), in the default groups",
    )
    .addOption(
      new Option(
        "--linger <seconds>",
        "a mocha process still there this long after its summary fails",
      )
        .default(LINGER_SECONDS)
        .argParser((v) => Number(v)),
    )
    .option("--list", "print which group runs which file, and run nothing")
    .exitOverride();
  try {
    program.parse([...argv], { from: "user" });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  const opts = program.opts<{
    lint?: boolean;
    only?: string;
    group: string[];
    parallel?: number;
    timeout: number;
    linger: number;
    list?: boolean;
    filesFrom?: string;
  }>();
  let groups: Map<string, string[]>;
  if (opts.group.length > 0) {
    groups = new Map(
      opts.group.map((g) => {
        const [name, files] = g.split("=");
        return [name, (files ?? "").split(",").filter(Boolean)];
      }),
    );
  } else {
    let files = testFiles();
    if (opts.filesFrom) {
      const listed = new Set(fs.readFileSync(opts.filesFrom, "utf8").split(/\s+/).filter(Boolean));
      const gone = [...listed].filter((f) => !files.includes(f));
      if (gone.length > 0) console.log(`not in the project any more: ${gone.join(", ")}`);
      files = files.filter((f) => listed.has(f));
    }
    groups = assign(files);
    if (opts.only) {
      const wanted = opts.only.split(",");
      const unknown = wanted.filter((w) => !groups.has(w));
      if (unknown.length > 0) {
        console.error(
          `unknown group ${unknown.join(", ")}: the groups are ${[...groups.keys()].join(", ")}`,
        );
        return 2;
      }
      groups = new Map([...groups].filter(([name]) => wanted.includes(name)));
    }
  }
  if (opts.list) {
    for (const [name, files] of groups) {
      console.log(`${name} (${files.length} files)`);
      for (const f of files) console.log(`  ${f}`);
    }
    return 0;
  }
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const mochaArgs = color ? ["--color"] : [];
  // With the default groups, the tests that race a clock run alone after them.
  const alone =
    opts.group.length > 0
      ? []
      : ALONE.map((a) => a.file).filter((f) => [...groups.values()].some((g) => g.includes(f)));
  const jobs: Job[] = [...groups]
    .filter(([, files]) => files.length > 0)
    .map(([name, files]) => ({
      name,
      files,
      argv: [
        process.execPath,
        MOCHA,
        ...mochaArgs,
        ...(files.some((f) => alone.includes(f)) ? ["--grep", aloneGrep(), "--invert"] : []),
        ...files,
      ],
    }));
  if (opts.lint) {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    jobs.push({ name: "lint", argv: [npm, "run", "--silent", "lint"] });
    jobs.push({ name: "typecheck", argv: [npm, "run", "--silent", "typecheck"] });
  }
  const run = { timeoutMs: opts.timeout * 60_000, lingerMs: opts.linger * 1000, color };
  const outcomes = await runAll(jobs, { ...run, parallel: opts.parallel ?? jobs.length });
  if (alone.length > 0) {
    console.log(`\nThe tests that race a clock, alone: ${alone.join(", ")}`);
    const last = await runAll(
      [
        {
          name: "alone",
          files: alone,
          argv: [process.execPath, MOCHA, ...mochaArgs, "--grep", aloneGrep(), ...alone],
        },
      ],
      { ...run, parallel: 1 },
    );
    outcomes.push(...last);
  }
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0) {
    console.log(`\n${failed.map(failureDigest).join("\n\n")}`);
  }
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error((e as Error).stack ?? String(e));
      process.exitCode = 2;
    },
  );
}
