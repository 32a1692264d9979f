/**
 * Not a test of the project: a test that never ends. `exitCode.test.ts` runs it in a group of
 * `test/run.ts` with a short `--timeout`, and expects the run to fail and the process to be gone.
 */
import * as fs from "node:fs";
import * as path from "node:path";

describe("a fixture that hangs", () => {
  it("waits forever", async function () {
    this.timeout(0);
    fs.writeFileSync(path.join(process.env.SELFCHECK_OUT!, "hung.pid"), String(process.pid));
    await new Promise(() => setInterval(() => undefined, 1000));
  });
});
