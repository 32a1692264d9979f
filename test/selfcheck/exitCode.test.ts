/**
 * A failing test must fail the run. Mocha sets the exit code only if the process is still alive
 * when it finishes: a global teardown that waits on unref'd handles lets Node exit 0 first, and
 * then `npm test`, `.ci/run` and the workflows pass whatever the tests say. This runs mocha the
 * way `npm test` does (same `.mocharc.json`, same global fixtures, its own Azurite) on a file that
 * fails and on one that passes, and checks the exit codes. Then the same for `test/run.ts`, which
 * `npm test` runs: several mocha processes at once, where a failure in any one, one that hangs or
 * one that cannot start must fail the run, and each must have had its own Azurite and folders.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";

const root = path.resolve(__dirname, "../..");
const mocha = path.join(root, "node_modules", "mocha", "bin", "mocha.js");

function runMocha(file: string): { status: number | null; output: string } {
  // Without AZURITE_CONNECTION_STRING the global fixture starts and stops an Azurite of its
  // own: the teardown that once let Node exit 0 is exercised, not skipped.
  const env = { ...process.env };
  delete env.AZURITE_CONNECTION_STRING;
  delete env.AZURITE_BLOB_ENDPOINT;
  const run = spawnSync(process.execPath, [mocha, path.join("test", "selfcheck", file)], {
    cwd: root,
    env,
    encoding: "utf8",
    timeout: 90_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("the test run's exit code", function () {
  this.timeout(120_000);

  it("is 1 when one test fails, with the global Azurite started and stopped", () => {
    const run = runMocha("failsOnPurpose.fixture.ts");
    expect(run.output).to.match(/1 failing/);
    expect(run.status, run.output).to.equal(1);
  });

  it("is 0 when every test passes", () => {
    const run = runMocha("passes.fixture.ts");
    expect(run.output).to.match(/1 passing/);
    expect(run.status, run.output).to.equal(0);
  });
});

/** Whether a process is alive (a zombie, killed but not yet reaped by its parent, is not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // The state follows the command name in parentheses: `123 (node) Z ...`.
    return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Whether something accepts connections at `url`'s host and port. */
function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Runs `test/run.ts` (what `npm test` runs) with groups of its own, SELFCHECK_OUT set to a fresh
 * folder; returns its exit code, its output and that folder.
 */
function runGroups(
  groups: Record<string, string>,
  extra: readonly string[] = [],
): { status: number | null; output: string; out: string } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "selfcheck-"));
  const env: NodeJS.ProcessEnv = { ...process.env, SELFCHECK_OUT: out };
  delete env.AZURITE_CONNECTION_STRING;
  delete env.AZURITE_BLOB_ENDPOINT;
  const args = Object.entries(groups).flatMap(([name, file]) => [
    "--group",
    `${name}=${path.join("test", "selfcheck", file)}`,
  ]);
  const run = spawnSync(
    process.execPath,
    [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "test/run.ts", ...args, ...extra],
    { cwd: root, env, encoding: "utf8", timeout: 120_000 },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}`, out };
}

describe("the parallel run's exit code (test/run.ts, as npm test runs it)", function () {
  this.timeout(180_000);
  const outs: string[] = [];

  after(() => {
    for (const out of outs) fs.rmSync(out, { recursive: true, force: true });
  });

  it("is 1 when a test fails in one group while the others pass", () => {
    const run = runGroups({
      a: "passes.fixture.ts",
      b: "failsOnPurpose.fixture.ts",
      c: "passes.fixture.ts",
    });
    outs.push(run.out);
    expect(run.output).to.match(/^━━ b: FAILED \(1 failing\) in \d+ s, 0 passing, 1 failing ━+$/m);
    expect(run.output).to.match(
      /^ {2}b {14}1 files +\d+ s {2}FAILED: 1 failing \(0 passing, 1 failing\)$/m,
    );
    expect(run.output).to.match(/^ {2}a {14}1 files +\d+ s {2}passed \(1 passing\)$/m);
    expect(run.output).to.match(/^FAILED: 3 jobs in \d+ s, 3 at a time/m);
    // The cause comes last, so a log cut to its last screens still names the failing test.
    const digest = run.output.slice(run.output.lastIndexOf("━━ why "));
    expect(
      digest
        .split("\n")
        .slice(0, 5)
        .map((l) => l.trimEnd()),
    ).to.deep.equal([
      "━━ why b failed: 1 failing ━━",
      "  1 failing",
      "",
      "  1) a fixture that fails on purpose",
      "       compares 1 with 2:",
    ]);
    expect(digest).to.include("AssertionError: expected 1 to equal 2");
    expect(run.status, run.output).to.equal(1);
  });

  it("is 0 when every group passes; each group had its own Azurite and folders, gone after", async () => {
    const run = runGroups({ a: "isolation.fixture.ts", b: "isolation.fixture.ts" });
    outs.push(run.out);
    expect(run.output).to.match(/^All passed: 2 jobs in \d+ s/m);
    expect(run.status, run.output).to.equal(0);
    const [a, b] = ["a", "b"].map(
      (g) =>
        JSON.parse(fs.readFileSync(path.join(run.out, `${g}.json`), "utf8")) as {
          tmpdir: string;
          cache: string;
          azurite: string;
        },
    );
    expect(a.azurite).to.match(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect(b.azurite).to.match(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect(a.azurite).to.not.equal(b.azurite);
    for (const [x, y] of [
      [a.tmpdir, b.tmpdir],
      [a.cache, b.cache],
    ]) {
      expect(x.startsWith(y) || y.startsWith(x), `${x} and ${y} are apart`).to.equal(false);
    }
    for (const folder of [a.tmpdir, b.tmpdir, a.cache, b.cache])
      expect(fs.existsSync(folder), folder).to.equal(false);
    expect(await listening(a.azurite), "a's Azurite stopped").to.equal(false);
    expect(await listening(b.azurite), "b's Azurite stopped").to.equal(false);
  });

  it("is 1 when a group does not end in time, and its process is killed", () => {
    const run = runGroups({ a: "passes.fixture.ts", hangs: "hangs.fixture.ts" }, [
      "--timeout",
      "0.5",
    ]);
    outs.push(run.out);
    expect(run.output).to.match(/^ {2}hangs {10}1 files +\d+ s {2}FAILED: timed out after 30 s/m);
    expect(run.status, run.output).to.equal(1);
    const pidFile = path.join(run.out, "hung.pid");
    expect(fs.existsSync(pidFile), "the hanging test started").to.equal(true);
    expect(alive(Number(fs.readFileSync(pidFile, "utf8")))).to.equal(false);
  });

  it("is 1 when a group's mocha stays after its tests passed, and it is ended", () => {
    const run = runGroups({ lingers: "lingers.fixture.ts" }, ["--linger", "5"]);
    outs.push(run.out);
    expect(run.output).to.match(
      /^ {2}lingers {8}1 files +\d+ s {2}FAILED: still running 5 s after its last test \(something left open\) \(1 passing\)$/m,
    );
    expect(run.status, run.output).to.equal(1);
    const pid = Number(fs.readFileSync(path.join(run.out, "lingered.pid"), "utf8"));
    expect(alive(pid)).to.equal(false);
  });

  it("is 1 when a group's mocha cannot run its file", () => {
    const run = runGroups({ a: "passes.fixture.ts", missing: "noSuchFile.fixture.ts" });
    outs.push(run.out);
    expect(run.output).to.match(/^ {2}missing {8}1 files +\d+ s {2}FAILED: exit code \d+/m);
    expect(run.status, run.output).to.equal(1);
  });
});
