/**
 * The import rules `npm run lint` enforces (`.dependency-cruiser.cjs`), run exactly as the lint
 * script runs them, on `test/lint/fixtures/project/`: a tiny tree that breaks each rule once and
 * keeps a few allowed imports. The run must fail, with exactly these violations.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURE = path.join(__dirname, "fixtures", "project");
const CLI = path.join(ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruiser.mjs");

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

interface Report {
  summary: { violations: Violation[] };
}

/** Runs dependency-cruiser on the fixture tree: its exit code and output. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      cwd: FIXTURE,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw error;
    return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** A package path as the report gives it from the fixture: `node_modules/<name>/...`. */
function packageOf(to: string): string {
  const at = to.lastIndexOf("node_modules/");
  return at < 0 ? to : `node_modules/${to.slice(at + "node_modules/".length).split("/")[0]}`;
}

describe("lint: import rules (.dependency-cruiser.cjs)", function () {
  this.timeout(60_000);

  it("fails on a fixture tree that breaks each rule once, naming each violation", async function () {
    const config = path.join(ROOT, ".dependency-cruiser.cjs");
    // As `npm run lint` runs it (its exit code fails the lint), and as JSON for the details.
    const [lint, cruise] = await Promise.all([
      run(["--config", config, "--output-type", "err-long", "."]),
      run(["--config", config, "--output-type", "json", "."]),
    ]);
    expect(cruise.code, cruise.stderr).to.equal(0);
    const violations = (JSON.parse(cruise.stdout) as Report).summary.violations;
    expect(lint.code, "the lint step must fail, one per violation").to.equal(violations.length);
    expect(lint.stdout).to.match(/error no-cycle: emulator\/a\.ts → \n\s+emulator\/b\.ts →/);
    const found = violations.map((v) => `${v.rule.name}: ${v.from} → ${packageOf(v.to)}`).sort();
    expect(found).to.deep.equal(
      [
        // A two-file cycle through type-only imports.
        "no-cycle: emulator/a.ts → emulator/b.ts",
        // Product code importing a test, or a tool.
        "no-test-import-outside-test: components/usesTest.ts → test/helpers/helper.ts",
        "no-tool-import-in-product: components/usesHarness.ts → harness/tool.ts",
        // A tool importing a test.
        "no-test-import-outside-test: harness/tool.ts → test/helpers/helper.ts",
        // A script importing a test (tools use harness/).
        "no-test-import-outside-test: scripts/usesTestCase.ts → test/unit/case.ts",
        // Packages: undeclared, and a devDependency in product code.
        "declared-dependency: emulator/usesUndeclared.ts → node_modules/semver",
        "no-dev-dependency-in-product: emulator/usesDevDependency.ts → node_modules/chai",
      ].sort(),
    );
    const cycle = violations.find((v) => v.rule.name === "no-cycle");
    expect(cycle?.cycle?.map((step) => step.name)).to.deep.equal([
      "emulator/b.ts",
      "emulator/a.ts",
    ]);
  });
});
