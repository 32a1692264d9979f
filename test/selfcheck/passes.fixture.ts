/** The passing twin of `failsOnPurpose.fixture.ts`: the same run must exit 0. */
import { expect } from "chai";

describe("a fixture that passes", () => {
  it("compares 1 with 1", () => {
    expect(1).to.equal(1);
  });
});
