/**
 * The checkpoint, as the engine's snapshot manager writes it (pulumi/pulumi
 * `pkg/backend/snapshot.go`, `SnapshotManager`): the whole snapshot, serialized and written again
 * at the start and at the end of every create, update and delete step, at the end of a `same`
 * step only when something in it changed (`sameSnapshotMutation.mustWrite`), never for the other
 * steps (replace, refresh), and once more when the run closes if a write was elided since the
 * last one (`defaultServiceLoop`). Writes are serialized (`mutate`): one at a time, each step
 * waiting for its own.
 *
 * Two persisters, as the diy backend's buckets (`pkg/backend/diy/state.go`, `saveCheckpoint`):
 * a file, and a blob in Azure storage (the azblob backend; Azurite here). Each write first copies
 * the current checkpoint to `<name>.bak` (`backupTarget`), then writes the new one, compact JSON.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ContainerClient } from "@azure/storage-blob";
import { canonicalJson } from "../components/shared/values";
import { Crypter, type Props } from "./secrets";

/** A resource in the snapshot (the engine's `resource.State`, less what this project never uses). */
export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  id: string;
  custom: boolean;
  parent?: string;
  inputs: Props;
  outputs: Props;
  /** Top-level keys whose values are secret (stored encrypted). */
  secretKeys: string[];
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  additionalSecretOutputs: string[];
  /** Reasons a create or update partially failed; the next `up` updates the resource. */
  initErrors?: string[];
  /** Replaced, waiting to be deleted (create-before-delete). */
  delete?: boolean;
  /** Deleted ahead of its replacement (delete-before-replace), not created again yet. */
  pendingReplacement?: boolean;
}

/** The kinds of operation a checkpoint records as pending while a step runs. */
export type OperationType = "creating" | "updating" | "deleting";

/** What a persister wrote. */
export interface WriteStats {
  /** Checkpoint writes. */
  writes: number;
  /** Bytes of checkpoint written (the sum of every write). */
  bytes: number;
  /** Bytes copied to the backup (`.bak`) before each write. */
  backupBytes: number;
  /** The largest checkpoint written. */
  largest: number;
}

/** Where a checkpoint is kept. */
export interface Persister {
  /** What it is, for reports (`file`, `azblob`). */
  readonly kind: string;
  readonly stats: WriteStats;
  /** Writes a checkpoint (backing up the current one first). */
  save(bytes: Buffer): Promise<void>;
  /** The current checkpoint, or undefined when there is none. */
  load(): Promise<Buffer | undefined>;
}

function emptyStats(): WriteStats {
  return { writes: 0, bytes: 0, backupBytes: 0, largest: 0 };
}

function count(stats: WriteStats, bytes: number, backupBytes: number): void {
  stats.writes++;
  stats.bytes += bytes;
  stats.backupBytes += backupBytes;
  stats.largest = Math.max(stats.largest, bytes);
}

/** A checkpoint file (the diy backend on `file://`). */
export class FilePersister implements Persister {
  readonly kind = "file";
  readonly stats = emptyStats();

  constructor(readonly file: string) {}

  async save(bytes: Buffer): Promise<void> {
    let backup = 0;
    if (fs.existsSync(this.file)) {
      await fs.promises.copyFile(this.file, `${this.file}.bak`);
      backup = (await fs.promises.stat(this.file)).size;
    }
    // Written whole, then renamed over the old one, as the file bucket does.
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, bytes);
    await fs.promises.rename(tmp, this.file);
    count(this.stats, bytes.length, backup);
  }

  async load(): Promise<Buffer | undefined> {
    return fs.existsSync(this.file) ? fs.promises.readFile(this.file) : undefined;
  }
}

/** A checkpoint blob (the diy backend on `azblob://`): copied server-side to `.bak`, then uploaded. */
export class AzblobPersister implements Persister {
  readonly kind = "azblob";
  readonly stats = emptyStats();

  constructor(
    private readonly container: ContainerClient,
    readonly blobName: string,
  ) {}

  async save(bytes: Buffer): Promise<void> {
    const blob = this.container.getBlockBlobClient(this.blobName);
    let backup = 0;
    const existing = await blob.getProperties().catch((e: { statusCode?: number }) => {
      if (e.statusCode === 404) return undefined;
      throw e;
    });
    if (existing) {
      const copy = await this.container
        .getBlockBlobClient(`${this.blobName}.bak`)
        .beginCopyFromURL(blob.url);
      await copy.pollUntilDone();
      backup = existing.contentLength ?? 0;
    }
    await blob.upload(bytes, bytes.length, {
      blobHTTPHeaders: { blobContentType: "application/json" },
    });
    count(this.stats, bytes.length, backup);
  }

  async load(): Promise<Buffer | undefined> {
    const blob = this.container.getBlockBlobClient(this.blobName);
    try {
      return await blob.downloadToBuffer();
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return undefined;
      throw e;
    }
  }
}

/** The stack a checkpoint belongs to and how its secrets are sealed. */
export interface CheckpointIdentity {
  readonly project: string;
  readonly stack: string;
  readonly crypter: Crypter;
}

/** One resource as the checkpoint stores it (`apitype.ResourceV3`). */
function resourceJson(r: ResourceState, crypter: Crypter): Props {
  const secret = [...new Set([...r.secretKeys, ...r.additionalSecretOutputs])];
  return {
    urn: r.urn,
    custom: r.custom,
    ...(r.delete ? { delete: true } : {}),
    ...(r.id ? { id: r.id } : {}),
    type: r.type,
    inputs: crypter.sealProps(r.inputs, secret),
    outputs: crypter.sealProps(r.outputs, secret),
    ...(r.parent ? { parent: r.parent } : {}),
    ...(r.dependencies.length ? { dependencies: r.dependencies } : {}),
    ...(r.initErrors?.length ? { initErrors: r.initErrors } : {}),
    ...(Object.keys(r.propertyDependencies).length
      ? { propertyDependencies: r.propertyDependencies }
      : {}),
    ...(r.pendingReplacement ? { pendingReplacement: true } : {}),
    ...(r.additionalSecretOutputs.length
      ? { additionalSecretOutputs: r.additionalSecretOutputs }
      : {}),
  };
}

/** The checkpoint of `resources` (a versioned deployment, as `stack.SerializeDeployment`). */
export function serializeCheckpoint(
  id: CheckpointIdentity,
  resources: readonly ResourceState[],
  pending: readonly { resource: ResourceState; type: OperationType }[] = [],
): Buffer {
  const latest = {
    manifest: { time: new Date().toISOString(), magic: "", version: "engine-double" },
    secrets_providers: { type: "passphrase", state: { salt: `v1:${id.stack}` } },
    resources: resources.map((r) => resourceJson(r, id.crypter)),
    ...(pending.length
      ? {
          pending_operations: pending.map((p) => ({
            resource: resourceJson(p.resource, id.crypter),
            type: p.type,
          })),
        }
      : {}),
  };
  return Buffer.from(
    JSON.stringify({
      version: 3,
      checkpoint: { stack: `organization/${id.project}/${id.stack}`, latest },
    }),
  );
}

/** The resources of a checkpoint (secrets opened). */
export function parseCheckpoint(bytes: Buffer, crypter: Crypter): ResourceState[] {
  const parsed = JSON.parse(bytes.toString("utf8")) as {
    checkpoint: { latest?: { resources?: Props[] } };
  };
  return (parsed.checkpoint.latest?.resources ?? []).map((r) => {
    const sealed = (props: Props): string[] =>
      Object.entries(props)
        .filter(([, v]) => typeof v === "object" && v !== null && "ciphertext" in v)
        .map(([k]) => k);
    const inputs = (r.inputs ?? {}) as Props;
    const outputs = (r.outputs ?? {}) as Props;
    const urn = String(r.urn);
    return {
      urn,
      type: String(r.type),
      name: urn.split("::").pop() ?? "",
      id: String(r.id ?? ""),
      custom: Boolean(r.custom),
      ...(r.parent ? { parent: String(r.parent) } : {}),
      inputs: crypter.openProps(inputs),
      outputs: crypter.openProps(outputs),
      secretKeys: [...new Set([...sealed(inputs), ...sealed(outputs)])],
      dependencies: (r.dependencies as string[] | undefined) ?? [],
      propertyDependencies: (r.propertyDependencies as Record<string, string[]> | undefined) ?? {},
      additionalSecretOutputs: (r.additionalSecretOutputs as string[] | undefined) ?? [],
      ...(r.initErrors ? { initErrors: r.initErrors as string[] } : {}),
      ...(r.delete ? { delete: true } : {}),
      ...(r.pendingReplacement ? { pendingReplacement: true } : {}),
    };
  });
}

/**
 * The snapshot of one run (`SnapshotManager`): the base snapshot (the state before the run,
 * whose resources the engine marks in place: `delete`, `pendingReplacement`), the resources the
 * run produced, the ones it is done with, the operations in flight; and the serialized writes.
 */
export class SnapshotManager {
  private readonly resources: ResourceState[] = [];
  private readonly dones = new Set<ResourceState>();
  private readonly operations = new Map<ResourceState, OperationType>();
  private queue: Promise<void> = Promise.resolve();
  /** True while a write was elided since the last one (starts true: a run writes at least once). */
  private elided = true;
  /** The first write that failed (it fails the run). */
  writeError?: Error;

  /**
   * @param base - the snapshot the run starts from
   * @param persister - where to write (none: a preview, which writes nothing)
   * @param id - the stack and its secrets
   */
  constructor(
    private readonly base: readonly ResourceState[],
    private readonly persister: Persister | undefined,
    private readonly id: CheckpointIdentity,
  ) {}

  /** The merged snapshot (`Snap`): the run's resources first, then the base's not done with. */
  snap(): ResourceState[] {
    return [
      ...this.resources.filter((r) => !this.dones.has(r)),
      ...this.base.filter((r) => !this.dones.has(r)),
    ];
  }

  /**
   * Runs `mutator` alone (`mutate`) and writes the snapshot when it returns true; resolves when
   * that write is done, so the step that asked waits for its own write.
   */
  private mutate(mutator: () => boolean): Promise<void> {
    const run = this.queue.then(async () => {
      if (mutator()) {
        this.elided = false;
        await this.write();
      } else this.elided = true;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(): Promise<void> {
    if (!this.persister) return;
    const pending = [...this.operations].map(([resource, type]) => ({ resource, type }));
    try {
      await this.persister.save(serializeCheckpoint(this.id, this.snap(), pending));
    } catch (e) {
      this.writeError ??= e as Error;
      throw e;
    }
  }

  /** A create, update or delete starts: recorded as pending and written (`doCreate`...). */
  begin(state: ResourceState, type: OperationType): Promise<void> {
    return this.mutate(() => {
      this.operations.set(state, type);
      return true;
    });
  }

  /** A create ends (`createSnapshotMutation.End`); a replaced resource pending replacement goes. */
  endCreate(created: ResourceState, old: ResourceState | undefined, ok: boolean): Promise<void> {
    return this.mutate(() => {
      this.operations.delete(created);
      if (ok) {
        this.resources.push(created);
        if (old?.pendingReplacement) this.dones.add(old);
      }
      return true;
    });
  }

  /** An update ends (`updateSnapshotMutation.End`). */
  endUpdate(old: ResourceState, updated: ResourceState, ok: boolean): Promise<void> {
    return this.mutate(() => {
      this.operations.delete(updated);
      if (ok) {
        this.dones.add(old);
        this.resources.push(updated);
      }
      return true;
    });
  }

  /** A delete ends (`deleteSnapshotMutation.End`): gone, unless it waits for its replacement. */
  endDelete(old: ResourceState, ok: boolean): Promise<void> {
    return this.mutate(() => {
      this.operations.delete(old);
      if (ok && !old.pendingReplacement) this.dones.add(old);
      return true;
    });
  }

  /** A same step ends: written only when something changed (`sameSnapshotMutation.mustWrite`). */
  endSame(old: ResourceState, same: ResourceState): Promise<void> {
    return this.mutate(() => {
      this.dones.add(old);
      this.resources.push(same);
      return mustWrite(old, same);
    });
  }

  /** A resource leaves the snapshot without a provider call (a pending replacement not declared). */
  drop(old: ResourceState): Promise<void> {
    return this.mutate(() => {
      this.dones.add(old);
      return true;
    });
  }

  /** A refreshed resource replaces its old state; refreshes elide their writes. */
  refreshed(old: ResourceState, fresh: ResourceState | undefined): Promise<void> {
    return this.mutate(() => {
      this.dones.add(old);
      if (fresh) this.resources.push(fresh);
      return false;
    });
  }

  /** Ends the run: writes once more if a write was elided since the last (`defaultServiceLoop`). */
  async close(): Promise<void> {
    await this.queue;
    if (this.elided) await this.write();
  }
}

/** Whether a same step changed anything the checkpoint holds (inputs, outputs, dependencies). */
export function mustWrite(old: ResourceState, same: ResourceState): boolean {
  return (
    old.urn !== same.urn ||
    old.type !== same.type ||
    old.custom !== same.custom ||
    (old.parent ?? "") !== (same.parent ?? "") ||
    canonicalJson(old.inputs) !== canonicalJson(same.inputs) ||
    canonicalJson(old.outputs) !== canonicalJson(same.outputs) ||
    canonicalJson([...old.dependencies].sort()) !== canonicalJson([...same.dependencies].sort())
  );
}
