/**
 * Not a test of the project: a file that must fail. `exitCode.test.ts` runs mocha on it, with the
 * project's own `.mocharc.json` and global fixtures (Azurite started and stopped), and expects a
 * non-zero exit. Its name does not end in `.test.ts`, so `npm test` does not run it directly.
 */
import { expect } from "chai";

describe("a fixture that fails on purpose", () => {
  it("compares 1 with 2", () => {
    expect(1).to.equal(2);
  });
});
