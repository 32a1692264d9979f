/**
 * Rule 3 of the engine double: registrations are handled one at a time, so Check and Diff never
 * overlap (the step generator runs in the deployment executor's event loop,
 * `deploymentExecutor.handleSingleEvent`); steps run on at most `--parallel` workers
 * (`newStepExecutor`), 4 × CPUs by default (`defaultParallel`).
 */
import { expect } from "chai";
import * as os from "node:os";
import { defaultParallel, stepLines } from "../../harness/engine";
import { fixtureHost, peakOverlap } from "./fixture";

const names = Array.from({ length: 6 }, (_v, i) => `r${i}`);

describe("engine double, rule 3: Check and Diff one at a time, steps at most --parallel", function () {
  this.timeout(120_000);
  const fixture = fixtureHost();

  it("checks and diffs of independent resources never overlap", async () => {
    const s = fixture.stack();
    const declared = (value: number) =>
      names.map((name) => ({ name, value, props: { checkDelayMs: 60 } }));
    const up = await s.engine.up(s.config(declared(1)));
    expect(up.error, up.error?.message).to.equal(undefined);
    const preview = await s.engine.preview(s.config(declared(2)));
    expect(preview.error, preview.error?.message).to.equal(undefined);
    const calls = s.calls();
    expect(calls.filter((c) => c.method === "check")).to.have.length(12);
    expect(calls.filter((c) => c.method === "diff")).to.have.length(6);
    expect(peakOverlap(calls, ["check", "diff"])).to.equal(1);
  });

  it("runs at most --parallel steps at once, and that many", async () => {
    const s = fixture.stack({ parallel: 2 });
    const up = await s.engine.up(
      s.config(names.map((name) => ({ name, value: 1, props: { delayMs: 250 } }))),
    );
    expect(up.error, up.error?.message).to.equal(undefined);
    expect(stepLines(up)).to.deep.equal(names.map((n) => `create ${n}`));
    expect(peakOverlap(s.calls(), ["create"])).to.equal(2);
  });

  it("defaults to 4 × the CPUs, as the CLI's --parallel", () => {
    expect(defaultParallel()).to.equal(4 * os.availableParallelism());
  });
});
