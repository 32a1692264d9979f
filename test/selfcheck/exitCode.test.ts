/**
 * A failing test must fail the run. Mocha sets the exit code only if the process is still alive
 * when it finishes: a global teardown that waits on unref'd handles lets Node exit 0 first, and
 * then `npm test`, `.ci/run` and the workflows pass whatever the tests say. This runs mocha the
 * way `npm test` does (same `.mocharc.json`, same global fixtures, its own Azurite) on a file that
 * fails and on one that passes, and checks the exit codes.
 */
import { spawnSync } from "node:child_process";
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
