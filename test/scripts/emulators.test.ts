/**
 * `npm run emulators` as a person (or a process supervisor) runs it: started through npm, it prints
 * where everything is and a curl that works; stopped by a signal to the top `npm` process or by
 * Ctrl-C, it leaves no process behind and both ports free.
 */
import { expect } from "chai";
import { execFile, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const PROJECT = path.resolve(__dirname, "..", "..");

/** Every process below `root`, from /proc (Linux). */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...; comm may hold spaces and parentheses: split after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while being listed: it is not a descendant any more.
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const [child, parent] of parents) {
      if (parent === pid) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** The command line of a process, its arguments joined by spaces. */
function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

interface Started {
  readonly npm: ChildProcessWithoutNullStreams;
  readonly tree: number[];
  readonly azuritePort: number;
  readonly emulatorPort: number;
  readonly output: () => string;
  /** Resolves when every process holding the output pipe has exited. */
  readonly closed: Promise<void>;
}

/**
 * Starts `npm run emulators` on free ports and waits until it says it is ready.
 * @param readyMs - how long it may take: `--with-samples` trains the samples' models first
 */
async function startEmulators(
  work: string,
  extra: readonly string[] = [],
  readyMs = 120_000,
): Promise<Started> {
  const npm = spawn(
    "npm",
    [
      "run",
      "emulators",
      "--",
      "--azurite-port",
      "0",
      "--emulator-port",
      "0",
      "--azurite-location",
      path.join(work, "azurite"),
      "--emulator-location",
      path.join(work, "emulator"),
      ...extra,
    ],
    // Its own process group, so that a Ctrl-C can be sent to the whole group as a terminal does.
    { cwd: PROJECT, detached: true, stdio: "pipe" },
  );
  let output = "";
  npm.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const closed = new Promise<void>((resolve) => npm.stdout.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready in ${readyMs / 1000} s:\n${output}`)),
      readyMs,
    );
    npm.stdout.on("data", () => {
      if (/^Ready: /m.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    npm.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm run emulators exited (${code}):\n${output}`));
    });
  });
  npm.removeAllListeners("exit");
  const azurite = /^Azurite \(blob storage\) +http:\/\/127\.0\.0\.1:(\d+)\/devstoreaccount1 /m.exec(
    output,
  );
  const emulator = /^Azure ML emulator +http:\/\/127\.0\.0\.1:(\d+) /m.exec(output);
  if (!azurite || !emulator) throw new Error(`no URLs in the output:\n${output}`);
  return {
    npm,
    tree: descendants(npm.pid!),
    azuritePort: Number(azurite[1]),
    emulatorPort: Number(emulator[1]),
    output: () => output,
    closed,
  };
}

/** After a stop: the processes still alive and the ports still open, once all is quiet. */
async function leftovers(started: Started): Promise<{ alive: number[]; open: number[] }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const left = started.tree.filter(alive);
    const open: number[] = [];
    for (const port of [started.azuritePort, started.emulatorPort]) {
      if (await listening(port)) open.push(port);
    }
    if ((left.length === 0 && open.length === 0) || Date.now() > deadline) {
      return { alive: left, open };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The printed block: where the tokens are (never the tokens), and a curl that works. */
async function expectReadyBlock(started: Started, work: string): Promise<void> {
  const output = started.output();
  const credentials = path.join(work, "emulator", "credentials.json");
  expect(output).to.contain(
    `Tokens                   ${credentials} (armToken: ARM; workspaceToken: classic, admin)\n`,
  );
  const tokens = JSON.parse(fs.readFileSync(credentials, "utf8")) as Record<string, string>;
  for (const [name, token] of Object.entries(tokens)) {
    expect(output, name).to.not.contain(token);
  }
  const tryIt = output.split("\n").filter((line) => /^ {2}(TOKEN=|curl )/.test(line));
  expect(tryIt).to.have.length(2);
  const listed = await new Promise<string>((resolve, reject) =>
    execFile("sh", ["-c", tryIt.join("\n")], { timeout: 30_000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );
  expect(JSON.parse(listed)).to.deep.equal({ value: [] });
}

describe("npm run emulators", function () {
  // Each test starts Azurite and the emulator as a user does: seconds alone, a minute beside the
  // other test groups on a loaded machine.
  this.timeout(180_000);
  let work: string;
  let started: Started | undefined;

  beforeEach(function () {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "emulators-"));
    started = undefined;
  });

  afterEach(function () {
    // Whatever a failed test left running is this test's own: end it.
    for (const pid of started ? [started.npm.pid!, ...started.tree] : []) {
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  const stops: ReadonlyArray<readonly [string, (s: Started) => void]> = [
    ["SIGTERM to the top npm process", (s) => process.kill(s.npm.pid!, "SIGTERM")],
    ["SIGINT to the top npm process", (s) => process.kill(s.npm.pid!, "SIGINT")],
    // npm cannot pass this one on: the script notices that its parent is gone.
    ["SIGKILL to the top npm process", (s) => process.kill(s.npm.pid!, "SIGKILL")],
    ["Ctrl-C (SIGINT to the whole process group)", (s) => process.kill(-s.npm.pid!, "SIGINT")],
  ];
  it("--with-samples: publishes the samples and their models; the printed curl lists them, the portal link signs in once", async function () {
    // Training the samples' models is seconds alone and a minute or more beside the other groups.
    this.timeout(300_000);
    started = await startEmulators(work, ["--with-samples"], 240_000);
    const output = started.output();
    expect(output).to.match(
      /^samples: classic web service census with endpoints default, contoso and fabrikam$/m,
    );
    const tryIt = output.split("\n").filter((line) => /^ {2}(TOKEN=|curl )/.test(line));
    expect(tryIt).to.have.length(3);
    const listed = await new Promise<string>((resolve, reject) =>
      execFile(
        "sh",
        ["-c", [tryIt[0], tryIt[2]].join("\n")],
        { timeout: 30_000 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    const names = (JSON.parse(listed) as { value: { name: string }[] }).value.map((s) => s.name);
    expect(names).to.deep.equal([
      "bike-demand-predictive",
      "bike-demand-training",
      "census-predictive",
      "census-training",
    ]);
    const link =
      /^Portal +(http:\/\/127\.0\.0\.1:\d+\/portal\/\?token=[\w-]{43}) \(signs in once\)$/m.exec(
        output,
      );
    expect(link, output).to.not.equal(null);
    expect((await fetch(link![1], { redirect: "manual" })).status).to.equal(303);
    expect((await fetch(link![1], { redirect: "manual" })).status, "once").to.equal(401);
    process.kill(started.npm.pid!, "SIGTERM");
    await started.closed;
    expect(await leftovers(started)).to.deep.equal({ alive: [], open: [] });
  });

  for (const [how, stop] of stops) {
    const title = how.startsWith("SIGTERM")
      ? `prints where everything is and a curl that works; on ${how} stops Azurite and the emulator: no process left, both ports free`
      : `stops Azurite and the emulator on ${how}: no process left, both ports free`;
    it(title, async function () {
      started = await startEmulators(work);
      const commands = started.tree.map(commandLine);
      expect(commands.filter((c) => c.includes("scripts/emulators.ts"))).to.have.length(1);
      expect(commands.filter((c) => c.includes("azurite/dist/src/blob/main.js"))).to.have.length(1);
      expect(await listening(started.azuritePort)).to.equal(true);
      expect(await listening(started.emulatorPort)).to.equal(true);
      // Once is enough for what it prints (each start costs seconds).
      if (how.startsWith("SIGTERM")) await expectReadyBlock(started, work);

      stop(started);
      await started.closed;
      expect(await leftovers(started)).to.deep.equal({ alive: [], open: [] });
      expect(started.output()).to.match(/: stopping the emulator and Azurite\nstopped\n/);
    });
  }
});
