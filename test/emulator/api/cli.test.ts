/**
 * The `azureml-emulator` command as a person meets it, run through its bin: `--version`,
 * `--help` with examples, the hint when the port is taken, the warning when storage does not
 * answer at start.
 */
import { expect } from "chai";
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { HELP_EXAMPLES, addressInUseHint, storageUnreachable } from "../../../emulator/main";
import { azuriteOrigin } from "../../helpers/emulator";

const PROJECT = path.resolve(__dirname, "..", "..", "..");
const BIN = path.join(PROJECT, "bin", "azureml-emulator.js");

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the bin to its end. */
function runBin(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: PROJECT, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A port nothing listens on (bound once by the system, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("the azureml-emulator command", function () {
  let location: string;

  beforeEach(function () {
    location = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-cli-"));
  });

  afterEach(function () {
    fs.rmSync(location, { recursive: true, force: true });
  });

  it("--version prints the package's version", async function () {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT, "package.json"), "utf8")) as {
      version: string;
    };
    expect(await runBin(["--version"])).to.deep.equal({
      code: 0,
      stdout: `azureml-emulator ${pkg.version}\n`,
      stderr: "",
    });
  });

  it("--help ends with examples that run only this project's copy", async function () {
    const run = await runBin(["--help"]);
    expect(run.code).to.equal(0);
    expect(run.stderr).to.equal("");
    expect(run.stdout).to.match(/^Usage: azureml-emulator \[options\]\n/);
    expect(run.stdout).to.contain("  -V, --version ");
    expect(run.stdout.endsWith(`${HELP_EXAMPLES}\n`)).to.equal(true);
    expect(HELP_EXAMPLES).to.contain("\nExamples:\n  npm run emulators ");
    expect(HELP_EXAMPLES).to.contain("  npm run emulator -- --port 0 --location /tmp/emu\n");
    // `npx azureml-emulator` outside the project could fetch a registry package of that name.
    expect(run.stdout).to.not.contain("npx");
  });

  it("says what to do when the port is taken", async function () {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const run = await runBin([
        "--port",
        String(port),
        "--location",
        location,
        "--storage",
        azuriteOrigin(),
      ]);
      expect(run).to.deep.equal({
        code: 1,
        stdout: "",
        stderr:
          `azureml-emulator: the emulator cannot listen on 127.0.0.1:${port}: the port is already ` +
          "in use (EADDRINUSE). Another emulator may be running (npm run emulators starts one): " +
          "stop it, or choose another port with --port (--port 0 picks a free one).\n",
      });
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it("warns at start when storage cannot be reached, and keeps running", async function () {
    const storage = `http://127.0.0.1:${await closedPort()}`;
    const child = spawn(
      process.execPath,
      [BIN, "--port", "0", "--location", location, "--storage", storage],
      { cwd: PROJECT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const warned = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no warning in 30 s:\n${stderr}`)), 30_000);
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.endsWith("\n")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      await warned;
      expect(stderr).to.equal(
        `azureml-emulator: warning: storage at ${storage} cannot be reached (ECONNREFUSED): BES ` +
          "jobs, model updates and provisioning will fail until it answers. Start Azurite (npm " +
          "run emulators starts it with the emulator), or point --storage at a blob endpoint.\n",
      );
      expect(stdout).to.match(/azureml-emulator: listening on http:\/\/127\.0\.0\.1:\d+\n/);
      // The portal's one-time sign-in link, the line before.
      expect(stdout).to.match(
        /\nazureml-emulator: portal http:\/\/127\.0\.0\.1:\d+\/portal\/\?token=[\w-]{43} \(signs in once\)\nazureml-emulator: listening on /,
      );
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).to.equal(0);
  });

  describe("its helpers", function () {
    it("storageUnreachable: the run's Azurite answers; a closed port and a template do not count", async function () {
      expect(await storageUnreachable(azuriteOrigin())).to.equal(undefined);
      expect(await storageUnreachable(`http://127.0.0.1:${await closedPort()}`)).to.equal(
        "ECONNREFUSED",
      );
      expect(await storageUnreachable("https://{account}.blob.core.windows.net")).to.equal(
        undefined,
      );
    });

    it("addressInUseHint: only for EADDRINUSE, naming the flag that moves the port", function () {
      const target = { what: "Azurite", host: "127.0.0.1", port: 10000, flag: "--azurite-port" };
      expect(addressInUseHint(new Error("connect ECONNREFUSED"), target)).to.equal(undefined);
      expect(
        addressInUseHint(Object.assign(new Error("listen"), { code: "EADDRINUSE" }), target),
      ).to.equal(
        "Azurite cannot listen on 127.0.0.1:10000: the port is already in use (EADDRINUSE). " +
          "Another emulator may be running (npm run emulators starts one): stop it, or choose " +
          "another port with --azurite-port (--azurite-port 0 picks a free one).",
      );
    });
  });
});
