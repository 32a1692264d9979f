/**
 * The process-wide limit on classic endpoint operations: repointing many endpoints in one run
 * must not open a PATCH-and-read sequence per endpoint at once (bench item 5).
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import {
  CLASSIC_ENDPOINT_CONCURRENCY,
  withEndpointSlot,
} from "../../../components/classicEndpoint/provider";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => {
  handler: () => unknown;
};

type Slot = <T>(work: () => Promise<T>) => Promise<T>;

/** Runs `count` operations through `slots` (round robin) and returns the most seen at once. */
async function peakConcurrency(count: number, slots: Slot[]): Promise<number> {
  let running = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: count }, (_v, i) =>
      slots[i % slots.length](async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      }),
    ),
  );
  return peak;
}

describe("classic endpoint operation slots", () => {
  it("runs at most CLASSIC_ENDPOINT_CONCURRENCY operations at once, and all of them", async () => {
    expect(await peakConcurrency(40, [withEndpointSlot])).to.equal(CLASSIC_ENDPOINT_CONCURRENCY);
  });

  it("starts waiting operations in arrival order", async () => {
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: CLASSIC_ENDPOINT_CONCURRENCY + 5 }, (_v, i) =>
        withEndpointSlot(async () => {
          started.push(i);
          await new Promise((r) => setTimeout(r, 2));
        }),
      ),
    );
    expect(started).to.deep.equal(started.map((_v, i) => i));
  });

  it("frees the slot of a failed operation", async () => {
    const failures = Array.from({ length: CLASSIC_ENDPOINT_CONCURRENCY * 2 }, () =>
      withEndpointSlot(async () => {
        throw new Error("boom");
      }).catch(() => "failed"),
    );
    expect((await Promise.all(failures)).every((f) => f === "failed")).to.equal(true);
    expect(await peakConcurrency(20, [withEndpointSlot])).to.equal(CLASSIC_ENDPOINT_CONCURRENCY);
  });

  it("is shared by separately deserialized copies of the provider code, as in the host", async () => {
    // Each distinct `__provider` text is deserialized on its own, with its own module state.
    const copies = await Promise.all(
      [0, 1].map(async () => {
        const { text } = await pulumi.runtime.serializeFunction(() => withEndpointSlot, {
          isFactoryFunction: false,
        });
        return requireFromString(text).handler() as Slot;
      }),
    );
    expect(copies[0]).to.not.equal(copies[1]);
    expect(await peakConcurrency(40, copies)).to.equal(CLASSIC_ENDPOINT_CONCURRENCY);
  });
});
