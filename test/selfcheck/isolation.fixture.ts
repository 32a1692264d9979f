/**
 * Not a test of the project: `exitCode.test.ts` runs it in two groups of `test/run.ts` at once.
 * It records what its mocha process was given (its scratch folder, its Azurite), so the check can
 * compare the two groups, and that the folder is gone and Azurite stopped once the run ended.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";

describe("a fixture that records its group's resources", () => {
  it("writes its temporary folder, cache folder and Azurite endpoint", () => {
    const out = process.env.SELFCHECK_OUT;
    expect(out, "SELFCHECK_OUT").to.be.a("string");
    const group = process.env.TEST_GROUP ?? "none";
    fs.writeFileSync(
      path.join(out!, `${group}.json`),
      JSON.stringify({
        tmpdir: os.tmpdir(),
        cache: process.env.XDG_CACHE_HOME,
        azurite: process.env.AZURITE_BLOB_ENDPOINT,
        pid: process.pid,
      }),
    );
  });
});
