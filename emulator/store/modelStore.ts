/**
 * Trained-model bytes, apart from the metadata: content-addressed files
 * `{location}/models/{sha[0..2]}/{sha}.ilearner`, written to a temporary name and renamed, so a
 * reader sees either no file or the whole file. Records refer to models by sha-256 only, and
 * the same model shared by many endpoints is stored once. A small in-memory cache keeps the
 * models being scored from being read again on every request.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";

const CACHE_ENTRIES = 16;

/** Content-addressed model bytes. */
export class ModelStore {
  private readonly cache = new Map<string, Buffer>();

  /**
   * @param folder - where model files live (created when missing)
   */
  constructor(private readonly folder: string) {
    mkdirSync(folder, { recursive: true });
  }

  /** The sha-256 (hex) of some bytes. */
  static hash(bytes: Uint8Array): string {
    return createHash("sha256").update(bytes).digest("hex");
  }

  /**
   * The file a model lives in.
   * @param sha - its sha-256
   */
  pathOf(sha: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error(`not a sha-256: ${sha}`);
    return path.join(this.folder, sha.slice(0, 2), `${sha}.ilearner`);
  }

  /**
   * Stores bytes (once) and returns their sha-256.
   * @param bytes - the `.ilearner`
   */
  put(bytes: Uint8Array): string {
    const sha = ModelStore.hash(bytes);
    const file = this.pathOf(sha);
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
      writeFileSync(temporary, bytes, { mode: 0o600 });
      renameSync(temporary, file);
    }
    this.remember(sha, Buffer.from(bytes));
    return sha;
  }

  /**
   * The bytes of a model (throws when absent).
   * @param sha - its sha-256
   */
  get(sha: string): Buffer {
    const cached = this.cache.get(sha);
    if (cached) {
      this.remember(sha, cached);
      return cached;
    }
    const bytes = readFileSync(this.pathOf(sha));
    this.remember(sha, bytes);
    return bytes;
  }

  /**
   * True when the model's bytes are stored.
   * @param sha - its sha-256
   */
  has(sha: string): boolean {
    return this.cache.has(sha) || existsSync(this.pathOf(sha));
  }

  /** The sha-256 of every stored model (the portal's list; temporary files are left out). */
  list(): string[] {
    const shas: string[] = [];
    for (const prefix of readdirSync(this.folder)) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const file of readdirSync(path.join(this.folder, prefix))) {
        const match = /^([0-9a-f]{64})\.ilearner$/.exec(file);
        if (match) shas.push(match[1]);
      }
    }
    return shas.sort();
  }

  private remember(sha: string, bytes: Buffer): void {
    this.cache.delete(sha);
    this.cache.set(sha, bytes);
    while (this.cache.size > CACHE_ENTRIES) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }
}
