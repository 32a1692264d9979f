/**
 * Rule 1 of the engine double: a dynamic provider does not preview, so the engine takes the
 * checked inputs of a create or an update as its outputs, and every other output is unknown to
 * its dependents (`provider.Create`/`provider.Update` with `Preview`, provider_plugin.go; the
 * SDK's `resolveOutputs` in a dry run). A preview writes nothing.
 */
import { expect } from "chai";
import { stepLines } from "../../harness/engine";
import { UNKNOWN } from "../../harness/secrets";
import { fixtureHost, sequence } from "./fixture";

describe("engine double, rule 1: the preview of a create or an update", function () {
  this.timeout(120_000);
  const fixture = fixtureHost();

  it("an update previews with the new inputs as outputs: what check computed is known downstream, the rest unknown", async () => {
    const s = fixture.stack();
    const resources = (value: number) => [
      { name: "a", value },
      { name: "b", upstream: "a", upstreamOutput: "computed" as const, value: "b" },
      { name: "c", upstream: "a", upstreamOutput: "derived" as const, value: "c" },
    ];
    const up = await s.engine.up(s.config(resources(1)));
    expect(up.error, up.error?.message).to.equal(undefined);
    s.calls();

    const preview = await s.engine.preview(s.config(resources(2)));
    expect(preview.error, preview.error?.message).to.equal(undefined);
    expect(stepLines(preview)).to.deep.equal(["update a", "update b", "update c"]);
    const checks = s.calls().filter((c) => c.method === "check");
    // b takes a's `computed`, which a's provider computes in create/update: unknown in the
    // preview. c takes a's `derived`, which a's check computed: known, the new value.
    expect(checks.find((c) => c.name === "b")?.upstream).to.equal(UNKNOWN);
    expect(checks.find((c) => c.name === "c")?.upstream).to.equal("derived-2");
    expect(preview.writes.writes, "a preview writes no checkpoint").to.equal(0);
  });

  it("a create previews with its inputs as outputs, id and computed outputs unknown", async () => {
    const s = fixture.stack();
    const preview = await s.engine.preview(
      s.config([
        { name: "a", value: 1 },
        { name: "b", upstream: "a", upstreamOutput: "value" as const },
        { name: "c", upstream: "a", upstreamOutput: "computed" as const },
      ]),
    );
    expect(preview.error, preview.error?.message).to.equal(undefined);
    expect(stepLines(preview)).to.deep.equal(["create a", "create b", "create c"]);
    const calls = s.calls();
    expect(sequence(calls).filter((c) => !c.startsWith("check"))).to.deep.equal([]);
    const checks = calls.filter((c) => c.method === "check");
    expect(checks.find((c) => c.name === "b")?.upstream).to.equal(1);
    expect(checks.find((c) => c.name === "c")?.upstream).to.equal(UNKNOWN);
  });
});
