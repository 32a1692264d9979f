/**
 * The portal's count of execution calls (`emulator/services/callStats.ts`) on a clock the test
 * moves: totals by kind, failures (status 400 and up), mean and longest time, and the last hour
 * by minute, where a minute older than the hour drops out and a reused slot starts from zero.
 */
import { expect } from "chai";
import { CALL_MINUTES, CallStats } from "../../../emulator/services/callStats";

/** 2026-12-07 10:00:00 UTC, on a minute's start. */
const START = Date.UTC(2026, 11, 7, 10, 0, 0);
const MINUTE = 60_000;

describe("emulator/services/callStats", () => {
  let now: number;
  let stats: CallStats;
  beforeEach(() => {
    now = START;
    stats = new CallStats(() => now);
  });

  /** The minutes of a snapshot that had calls, as [minutes after START, rrs, rrsFailed, bes, besFailed]. */
  const busy = (id: string): number[][] =>
    stats
      .snapshot(id)
      .perMinute.filter((m) => m.rrs + m.bes > 0)
      .map((m) => [
        (Date.parse(m.minute) - START) / MINUTE,
        m.rrs,
        m.rrsFailed,
        m.bes,
        m.besFailed,
      ]);

  it("knows nothing of a target never called: zero calls, no times, an hour of empty minutes", () => {
    const snapshot = stats.snapshot("a".repeat(32));
    expect(snapshot.since).to.equal("2026-12-07T10:00:00.000Z");
    const none = { calls: 0, failed: 0, meanMs: undefined, maxMs: undefined, lastAt: undefined };
    expect(snapshot.rrs).to.deep.equal(none);
    expect(snapshot.bes).to.deep.equal(none);
    expect(snapshot.perMinute).to.have.length(CALL_MINUTES);
    expect(snapshot.perMinute[0].minute).to.equal("2026-12-07T09:01:00.000Z");
    expect(snapshot.perMinute[CALL_MINUTES - 1]).to.deep.equal({
      minute: "2026-12-07T10:00:00.000Z",
      rrs: 0,
      rrsFailed: 0,
      bes: 0,
      besFailed: 0,
    });
  });

  it("counts calls and failures by kind and target, with their mean and longest time", () => {
    stats.record("t1", "rrs", 200, 4);
    now += 10_000;
    stats.record("t1", "rrs", 400, 2);
    stats.record("t1", "rrs", 503, 12);
    stats.record("t1", "bes", 200, 30);
    stats.record("t2", "rrs", 200, 1);
    expect(stats.snapshot("t1").rrs).to.deep.equal({
      calls: 3,
      failed: 2,
      meanMs: 6,
      maxMs: 12,
      lastAt: "2026-12-07T10:00:10.000Z",
    });
    expect(stats.snapshot("t1").bes).to.deep.equal({
      calls: 1,
      failed: 0,
      meanMs: 30,
      maxMs: 30,
      lastAt: "2026-12-07T10:00:10.000Z",
    });
    expect(stats.snapshot("t2").rrs.calls).to.equal(1);
    expect(busy("t1")).to.deep.equal([[0, 3, 2, 1, 0]]);
  });

  it("keeps the last hour by minute: older minutes drop out, a reused slot starts from zero", () => {
    stats.record("t", "rrs", 200, 1); // minute 0
    now = START + 5 * MINUTE + 59_999;
    stats.record("t", "rrs", 500, 1); // minute 5
    stats.record("t", "bes", 400, 1);
    now = START + 59 * MINUTE;
    expect(busy("t")).to.deep.equal([
      [0, 1, 0, 0, 0],
      [5, 1, 1, 1, 1],
    ]);
    // An hour after minute 0, its slot holds minute 60: minute 0 is gone from the view.
    now = START + 60 * MINUTE;
    stats.record("t", "rrs", 200, 1);
    expect(busy("t")).to.deep.equal([
      [5, 1, 1, 1, 1],
      [60, 1, 0, 0, 0],
    ]);
    // Without a call in its slot, minute 5 leaves the view too once the hour has passed.
    now = START + 65 * MINUTE;
    expect(busy("t")).to.deep.equal([[60, 1, 0, 0, 0]]);
    // The totals are since the start, whatever the view shows.
    expect(stats.snapshot("t").rrs.calls).to.equal(3);
    expect(stats.snapshot("t").bes.failed).to.equal(1);
  });
});
