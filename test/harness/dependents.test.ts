/**
 * Rule 4 of the engine double: when a resource is replaced delete-before-replace, its
 * dependents are diffed again with the properties that depend on it unknown, and those that must
 * be replaced are deleted first, dependents before what they depend on
 * (`calculateDependentReplacements`, `continueStepsFromDiff`); they are created again after it.
 */
import { expect } from "chai";
import { stepLines } from "../../harness/engine";
import { UNKNOWN } from "../../harness/secrets";
import { fixtureHost, sequence } from "./fixture";

describe("engine double, rule 4: dependents of a delete-before-replace", function () {
  this.timeout(120_000);
  const fixture = fixtureHost();

  it("deletes the dependents a replacement would replace, first, and creates them again after", async () => {
    const s = fixture.stack();
    const declared = (value: number) => [
      {
        name: "svc",
        value,
        props: { replaceOn: ["value"], deleteBeforeReplace: true },
      },
      // Replaced when its upstream changes: deleted before svc.
      { name: "ep1", upstream: "svc", value: "e1", props: { replaceOn: ["upstream"] } },
      // Updated in place when its upstream changes: kept.
      { name: "ep2", upstream: "svc", value: "e2" },
      // Depends on ep1 only through `value`, which does not replace it: kept.
      { name: "user", upstream: "ep1", upstreamOutput: "value" as const, value: "u" },
      { name: "other", value: "o" },
    ];
    const up = await s.engine.up(s.config(declared(1)));
    expect(up.error, up.error?.message).to.equal(undefined);
    s.calls();

    const preview = await s.engine.preview(s.config(declared(2)));
    expect(preview.error, preview.error?.message).to.equal(undefined);
    expect(stepLines(preview)).to.deep.equal([
      "delete-replaced ep1",
      "delete-replaced svc",
      "replace ep1 [upstream]",
      "replace svc [value]",
      "same other",
      "same user",
      "update ep2",
    ]);
    expect(
      preview.steps.find((st) => st.op === "delete-replaced" && st.name === "ep1")?.dependentOf,
    ).to.equal("svc");
    // Diffs with the link unknown: the dependents' pass (ep1 says replace, ep2 update; user is
    // linked to ep1, which is being replaced, and says update), then ep1's and ep2's own diffs,
    // whose upstream (svc's computed output) is unknown in the preview.
    const diffs = s.calls().filter((c) => c.method === "diff" && c.upstream === UNKNOWN);
    expect(diffs.map((c) => c.name).sort()).to.deep.equal(["ep1", "ep1", "ep2", "ep2", "user"]);

    const result = await s.engine.up(s.config(declared(2)));
    expect(result.error, result.error?.message).to.equal(undefined);
    expect(stepLines(result)).to.deep.equal(stepLines(preview));
    expect(sequence(s.calls(), ["create", "update", "delete"])).to.deep.equal([
      "delete ep1",
      "delete svc",
      "create svc",
      "update ep2",
      "create ep1",
    ]);
    expect(s.engine.state.map((r) => r.name).sort()).to.deep.equal([
      "ep1",
      "ep2",
      "other",
      "svc",
      "user",
    ]);
    expect(s.engine.state.some((r) => r.pendingReplacement || r.delete)).to.equal(false);
  });
});
