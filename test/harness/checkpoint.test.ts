/**
 * Rule 5 of the engine double: the snapshot manager writes the whole snapshot at the start and
 * at the end of every create, update and delete, at the end of a same step only when it changed
 * something, and once more at the close when a write was elided since the last; one write at a
 * time, each step waiting for its own (`SnapshotManager`, pkg/backend/snapshot.go). Each write
 * backs the previous checkpoint up first (`backupTarget`, pkg/backend/diy/state.go), to a file
 * or to a blob (the azblob backend, here on Azurite).
 */
import { expect } from "chai";
import * as fs from "node:fs";
import { blobService } from "../../clients/storage";
import { stepLines } from "../../harness/engine";
import { AzblobPersister, FilePersister, type Persister } from "../../harness/snapshot";
import { azuriteConnectionString, uniqueName } from "../helpers/env";
import { fixtureHost, urnOf } from "./fixture";

/** A file persister that keeps what each write held, and how many writes ran at once. */
class RecordingPersister extends FilePersister {
  readonly saved: { resources: string[]; pending: string[] }[] = [];
  private running = 0;
  peak = 0;

  override async save(bytes: Buffer): Promise<void> {
    this.running++;
    this.peak = Math.max(this.peak, this.running);
    const latest = (
      JSON.parse(bytes.toString("utf8")) as {
        checkpoint: {
          latest: {
            resources: { urn: string }[];
            pending_operations?: { resource: { urn: string }; type: string }[];
          };
        };
      }
    ).checkpoint.latest;
    this.saved.push({
      resources: latest.resources.map((r) => r.urn.split("::").pop() ?? ""),
      pending: (latest.pending_operations ?? []).map(
        (p) => `${p.type} ${p.resource.urn.split("::").pop() ?? ""}`,
      ),
    });
    await new Promise((r) => setTimeout(r, 20));
    try {
      await super.save(bytes);
    } finally {
      this.running--;
    }
  }
}

describe("engine double, rule 5: a checkpoint write per step, one at a time", function () {
  this.timeout(120_000);
  const fixture = fixtureHost();

  it("writes at the start and end of each create, each step waiting for its own write", async () => {
    const persister = new RecordingPersister(`${fixture.stack().dir}/checkpoint.json`);
    const s = fixture.stack({ persister });
    const up = await s.engine.up(
      s.config([
        { name: "a", value: 1 },
        { name: "b", upstream: "a", value: 2 },
      ]),
    );
    expect(up.error, up.error?.message).to.equal(undefined);
    // b registers once a is created, and a's registration waits for a's end write.
    expect(persister.saved).to.deep.equal([
      { resources: [], pending: ["creating a"] },
      { resources: ["a"], pending: [] },
      { resources: ["a"], pending: ["creating b"] },
      { resources: ["a", "b"], pending: [] },
    ]);
    expect(up.writes.writes).to.equal(4);
    expect(up.writes.bytes).to.equal(
      persister.stats.bytes,
      "the run reports what the persister wrote",
    );
  });

  it("writes nothing for an unchanged same step but once at the close, and twice per update", async () => {
    const s = fixture.stack();
    const declared = (note: string) => [
      { name: "a", value: 1, props: { note } },
      { name: "b", upstream: "a", value: 2 },
      { name: "c", upstream: "b", value: 3 },
    ];
    expect((await s.engine.up(s.config(declared("x")))).writes.writes).to.equal(6);
    const same = await s.engine.up(s.config(declared("x")));
    expect(stepLines(same)).to.deep.equal(["same a", "same b", "same c"]);
    expect(same.writes.writes, "three elided writes, flushed once at the close").to.equal(1);
    const update = await s.engine.up(s.config(declared("y")));
    expect(stepLines(update)).to.deep.equal(["same b", "same c", "update a"]);
    expect(update.writes.writes, "the update's two, then the sames' flush").to.equal(3);
    const stored = s.stored().find((r) => r.urn === urnOf("a"));
    expect((stored?.inputs as { note?: string }).note).to.equal("y");
    expect(fs.existsSync(`${s.checkpoint}.bak`), "the previous checkpoint is backed up").to.equal(
      true,
    );
  });

  it("never runs two writes at once, with steps in parallel", async () => {
    const persister = new RecordingPersister(`${fixture.stack().dir}/checkpoint.json`);
    const s = fixture.stack({ persister, parallel: 8 });
    const names = Array.from({ length: 8 }, (_v, i) => `p${i}`);
    const up = await s.engine.up(
      s.config(names.map((name) => ({ name, value: 1, props: { delayMs: 50 } }))),
    );
    expect(up.error, up.error?.message).to.equal(undefined);
    expect(persister.saved).to.have.length(16);
    expect(persister.peak).to.equal(1);
    expect(persister.saved.at(-1)?.resources.sort()).to.deep.equal(names);
  });

  it("writes to a blob in Azurite as to a file: the same checkpoints, the previous one backed up", async () => {
    const container = blobService(azuriteConnectionString()).getContainerClient(
      uniqueName("state"),
    );
    await container.create();
    try {
      const blob: Persister = new AzblobPersister(container, ".pulumi/stacks/fixture/test.json");
      const onBlob = fixture.stack({ persister: blob });
      const onFile = fixture.stack();
      const declared = (value: number) => [
        { name: "a", value, secret: "a-secret-value" },
        { name: "b", upstream: "a", value: 2 },
      ];
      for (const value of [1, 2]) {
        const viaBlob = await onBlob.engine.up(onBlob.config(declared(value)));
        const viaFile = await onFile.engine.up(onFile.config(declared(value)));
        expect(viaBlob.error ?? viaFile.error).to.equal(undefined);
        expect(stepLines(viaBlob)).to.deep.equal(stepLines(viaFile));
        expect(viaBlob.writes.writes).to.equal(viaFile.writes.writes);
      }
      expect(blob.stats.writes).to.equal(8);
      const stored = JSON.parse(
        (
          await container.getBlockBlobClient(".pulumi/stacks/fixture/test.json").downloadToBuffer()
        ).toString("utf8"),
      ) as {
        checkpoint: { latest: { resources: { urn: string; inputs: Record<string, unknown> }[] } };
      };
      const a = stored.checkpoint.latest.resources.find((r) => r.urn === urnOf("a"));
      expect(a?.inputs.value).to.equal(2);
      // The secret input is sealed, not written.
      expect(JSON.stringify(stored)).to.not.include("a-secret-value");
      expect(a?.inputs.token).to.have.property("ciphertext").that.matches(/^v1:/);
      const backup = await container
        .getBlockBlobClient(".pulumi/stacks/fixture/test.json.bak")
        .getProperties();
      expect(backup.contentLength).to.be.above(0);
    } finally {
      await container.delete();
    }
  });
});
