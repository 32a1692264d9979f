/**
 * Not a test of the project: a passing test that leaves a timer running, so its mocha process
 * never exits on its own. `exitCode.test.ts` expects `test/run.ts` to fail it and end it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";

describe("a fixture that leaves something open", () => {
  it("passes, and leaves an interval running", () => {
    fs.writeFileSync(path.join(process.env.SELFCHECK_OUT!, "lingered.pid"), String(process.pid));
    setInterval(() => undefined, 1000);
    expect(1).to.equal(1);
  });
});
