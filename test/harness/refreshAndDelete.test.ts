/**
 * Rule 7 of the engine double: a refresh reads each resource, then diffs what it read against
 * the declared inputs (`RefreshStep.Apply`); deletes run in dependency order, dependents first,
 * as antichains (`ScheduleDeletes`), and stop at the first failure.
 */
import { expect } from "chai";
import { expectPresent } from "../helpers/expect";
import { stepLines } from "../../harness/engine";
import { fixtureHost, sequence } from "./fixture";

describe("engine double, rule 7: refresh, and deletes in dependency order", function () {
  this.timeout(120_000);
  const fixture = fixtureHost();

  it("refresh reads, then diffs: drift is an update, a resource gone leaves the state", async () => {
    const s = fixture.stack();
    const declared = [
      { name: "a", value: 1 },
      { name: "b", value: 2 },
      { name: "c", value: 3 },
    ];
    expect((await s.engine.up(s.config(declared))).error).to.equal(undefined);
    s.calls();
    s.drift({ a: 10, c: "gone" });
    const refresh = await s.engine.refresh();
    expect(refresh.error, refresh.error?.message).to.equal(undefined);
    expect(stepLines(refresh)).to.deep.equal([
      "refresh a → update",
      "refresh b → same",
      "refresh c → delete",
    ]);
    const calls = s.calls();
    expect(sequence(calls).filter((c) => c.endsWith(" a"))).to.deep.equal(["read a", "diff a"]);
    expect(s.engine.state.map((r) => [r.name, r.outputs.value])).to.deep.equal([
      ["a", 10],
      ["b", 2],
    ]);
    expect(refresh.writes.writes, "refreshes elide their writes: one at the close").to.equal(1);
    s.drift({});
    const up = await s.engine.up(s.config(declared));
    expect(stepLines(up)).to.deep.equal(["create c", "same b", "update a"]);
  });

  it("deletes dependents first and stops at the first failed delete", async () => {
    const s = fixture.stack();
    expect(
      (
        await s.engine.up(
          s.config([
            { name: "root", value: 1 },
            { name: "mid", upstream: "root", value: 2, props: { failDelete: true } },
            { name: "leaf", upstream: "mid", value: 3 },
            { name: "side", upstream: "root", value: 4 },
          ]),
        )
      ).error,
    ).to.equal(undefined);
    s.calls();
    const destroy = await s.engine.destroy();
    expectPresent(destroy.error);
    expect(destroy.error.message).to.equal("mid refused to go");
    const deletes = sequence(s.calls(), ["delete"]);
    // leaf and side first (nothing depends on them), then mid, which fails: root stays.
    expect([...deletes.slice(0, 2)].sort()).to.deep.equal(["delete leaf", "delete side"]);
    expect(deletes.slice(2)).to.deep.equal(["delete mid"]);
    expect(s.engine.state.map((r) => r.name).sort()).to.deep.equal(["mid", "root"]);
  });
});
