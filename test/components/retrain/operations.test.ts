/**
 * The BES wait loop of the retrain provider: it reads the job's status at an interval that grows
 * with the time waited (a twentieth of it, 250 ms to 15 s), so the end of a job is noticed late
 * by at most ~5 % of its run time (bench item 4), and it keeps the deadline behaviour.
 */
import assert from "node:assert/strict";
import type { BesClient, JobStatus } from "../../../clients/bes";
import { isNamedError } from "../../../clients/errors";
import { pollIntervalMs, waitForJob } from "../../../components/retrain/operations";

/** A BES client answering the given states in turn (the last one repeated). */
function scriptedBes(states: JobStatus["state"][]): {
  client: BesClient;
  reads: number[];
  cancelled: string[];
} {
  const reads: number[] = [];
  const cancelled: string[] = [];
  const client = {
    async status(): Promise<JobStatus> {
      reads.push(Date.now());
      return { state: states[Math.min(reads.length - 1, states.length - 1)], results: {} };
    },
    async cancel(jobId: string): Promise<void> {
      cancelled.push(jobId);
    },
  } as unknown as BesClient;
  return { client, reads, cancelled };
}

describe("retrain provider: waiting for the BES job", () => {
  it("polls at a twentieth of the time waited, between 250 ms and 15 s", () => {
    assert.equal(pollIntervalMs(0), 250);
    assert.equal(pollIntervalMs(4_000), 250);
    assert.equal(pollIntervalMs(20_000), 1_000);
    assert.equal(pollIntervalMs(120_000), 6_000);
    assert.equal(pollIntervalMs(2 * 3600_000), 15_000);
  });

  it("returns the terminal status and logs each state change once", async () => {
    const { client, reads } = scriptedBes(["NotStarted", "Running", "Running", "Finished"]);
    const lines: string[] = [];
    const status = await waitForJob(client, "job1", Date.now() + 60_000, (l) => lines.push(l));
    assert.equal(status.state, "Finished");
    assert.equal(reads.length, 4);
    assert.deepEqual(
      lines.map((l) => l.replace(/ after .*/, "")),
      ["BES job job1: NotStarted", "BES job job1: Running", "BES job job1: Finished"],
    );
  });

  it("stops at Failed and Cancelled too", async () => {
    for (const state of ["Failed", "Cancelled"] as const) {
      const { client } = scriptedBes(["Running", state]);
      assert.equal((await waitForJob(client, "j", Date.now() + 60_000, () => {})).state, state);
    }
  });

  it("cancels the job at the deadline and throws a JobTimeoutError", async () => {
    const { client, cancelled } = scriptedBes(["Running"]);
    await assert.rejects(
      waitForJob(client, "slow", Date.now() + 300, () => {}),
      (e) => {
        assert.ok(isNamedError(e, "JobTimeoutError"));
        assert.match(e.message, /BES job slow did not finish within its deadline/);
        return true;
      },
    );
    assert.deepEqual(cancelled, ["slow"]);
  });
});
