/**
 * Rule 2 of the engine double: the first failed step cancels every step not started yet, and no
 * delete runs after it (`stepExecutor.cancelDueToError`, `deploymentExecutor.Execute`); a check
 * failure makes the resource invalid and ends the run, a preview too (`resource %v is invalid`,
 * step_generator.go). The next run converges.
 */
import { expect } from "chai";
import { expectPresent } from "../helpers/expect";
import { opsOf, printed, stepLines } from "../../harness/engine";
import { fixtureHost, sequence, THING, urnOf } from "./fixture";

describe("engine double, rule 2: the first failure ends the run", function () {
  this.timeout(120_000);
  const fixture = fixtureHost();

  it("a failed create cancels the steps not started; the next up converges", async () => {
    const s = fixture.stack();
    const declared = (failing: boolean) => [
      { name: "slow", value: 1, props: { delayMs: 600 } },
      { name: "bad", value: 2, props: failing ? { failCreate: "the service said no" } : {} },
      // Registered only once `slow` is created, by then the run is canceled.
      { name: "after", upstream: "slow", value: 3 },
      { name: "gone", value: 4 },
    ];
    const first = await s.engine.up(s.config(declared(false).filter((r) => r.name === "gone")));
    expect(first.error, first.error?.message).to.equal(undefined);
    s.calls();

    const failed = await s.engine.up(s.config(declared(true).filter((r) => r.name !== "gone")));
    expectPresent(failed.error, "the up failed");
    expect(failed.error.message).to.equal("the service said no");
    expect(stepLines(failed)).to.deep.equal(["create bad (failed)", "create slow"]);
    expect(printed(failed)).to.equal(`  ${urnOf("bad")}\n    error: the service said no`);
    const calls = s.calls();
    expect(sequence(calls, ["create", "delete"]).sort()).to.deep.equal([
      "create bad",
      "create slow",
    ]);
    // `slow` was running when `bad` failed: it finished and is in the state; `gone` was not
    // deleted (no delete after a failure).
    expect(s.engine.state.map((r) => r.name).sort()).to.deep.equal(["gone", "slow"]);

    const next = await s.engine.up(s.config(declared(false).filter((r) => r.name !== "gone")));
    expect(next.error, next.error?.message).to.equal(undefined);
    expect(stepLines(next)).to.deep.equal([
      "create after",
      "create bad",
      "delete gone",
      "same slow",
    ]);
  });

  it("a check failure ends even a preview, printed with the value", async () => {
    const s = fixture.stack();
    const preview = await s.engine.preview(
      s.config([
        { name: "first", value: 1 },
        {
          name: "broken",
          value: "nope",
          props: { checkFailure: { property: "value", reason: "must be a number" } },
        },
        { name: "third", upstream: "broken", value: 3 },
      ]),
    );
    expectPresent(preview.error, "the preview failed");
    expect(preview.error.message).to.equal(`resource ${urnOf("broken")} is invalid`);
    expect(preview.diagnostics).to.deep.equal([
      {
        severity: "error",
        urn: urnOf("broken"),
        message: `${THING} resource 'broken': property value value {nope} has a problem: must be a number`,
      },
    ]);
    expect(opsOf(preview).broken).to.equal(undefined);
    expect(opsOf(preview).third).to.equal(undefined);
  });

  it("stops at the first invalid resource: a second one is neither checked nor printed", async () => {
    // The step generator runs in the executor's event loop, and the loop returns on the first
    // error (`deploymentExecutor.handleSingleEvent`): later registrations are never checked.
    const s = fixture.stack();
    const broken = (name: string) => ({
      name,
      value: "nope",
      props: { checkFailure: { property: "value", reason: `${name} must be a number` } },
    });
    const preview = await s.engine.preview(s.config([broken("one"), broken("two")]));
    expectPresent(preview.error, "the preview failed");
    expect(preview.error.message).to.equal(`resource ${urnOf("one")} is invalid`);
    expect(preview.diagnostics.map((d) => d.urn)).to.deep.equal([urnOf("one")]);
    expect(sequence(s.calls(), ["check"])).to.deep.equal(["check one"]);
  });

  it("a check failure in an up changes nothing and creates nothing after it", async () => {
    const s = fixture.stack();
    const up = await s.engine.up(
      s.config([
        {
          name: "broken",
          value: 1,
          props: { checkFailure: { property: "", reason: "is not allowed here" } },
        },
        { name: "later", upstream: "broken", value: 2 },
      ]),
    );
    expectPresent(up.error, "the up failed");
    expect(up.error.message).to.equal(`resource ${urnOf("broken")} is invalid`);
    expect(up.diagnostics.map((d) => d.message)).to.deep.equal([
      `${THING} resource 'broken' has a problem: is not allowed here`,
    ]);
    expect(up.steps).to.deep.equal([]);
    expect(s.engine.state).to.deep.equal([]);
  });
});
