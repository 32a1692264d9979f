/**
 * Results of earlier evaluations, keyed by content: a side whose training definition, version,
 * data and parameters are unchanged is not trained again on the next push. An entry holds what
 * its training job produced: the `.ilearner`, Evaluate Model's output, the scored held-out rows,
 * and the metrics record. Entries are written whole (a folder renamed into place) or not at all.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { canonicalJson } from "../components/shared/values";
import { canonicalParameters } from "../components/retrain/logic";

/** Bumped when what an entry holds, or how it was produced, changes. */
export const CACHE_FORMAT = 1;

/** Files of an entry. */
const FILES = {
  model: "model.ilearner",
  evaluation: "evaluation.csv",
  scored: "scored.csv",
  record: "record.json",
} as const;

/** What an entry holds. */
export interface CachedResult {
  readonly model: Buffer;
  readonly evaluation: string;
  readonly scored: string;
  /** Metrics and the job that trained it. */
  readonly record: { readonly metrics: Record<string, number>; readonly jobId: string };
}

/**
 * The key of a side: everything its training result depends on. The definition enters by the
 * canonical JSON of its properties, so formatting changes of the file do not invalidate it.
 * @param side - the training definition's properties (as deployed), version, data hash, parameters
 */
export function sideKey(side: {
  readonly definition: unknown;
  readonly version: string;
  readonly dataSha256: string;
  readonly parameters: Readonly<Record<string, string>>;
}): string {
  return createHash("sha256")
    .update(
      JSON.stringify({
        format: CACHE_FORMAT,
        definition: createHash("sha256").update(canonicalJson(side.definition)).digest("hex"),
        version: side.version,
        dataSha256: side.dataSha256,
        parameters: canonicalParameters(side.parameters),
      }),
    )
    .digest("hex")
    .slice(0, 32);
}

/** The evaluation cache in a folder (git-ignored; restored by `actions/cache` in CI). */
export class EvaluationCache {
  /** @param dir - the cache folder */
  constructor(readonly dir: string) {}

  private entry(key: string): string {
    if (!/^[0-9a-f]{32}$/.test(key)) throw new Error(`not a cache key: ${key}`);
    return path.join(this.dir, key);
  }

  /** The entry of `key`, or undefined when there is none (or it is incomplete). */
  get(key: string): CachedResult | undefined {
    const dir = this.entry(key);
    try {
      const result: CachedResult = {
        model: fs.readFileSync(path.join(dir, FILES.model)),
        evaluation: fs.readFileSync(path.join(dir, FILES.evaluation), "utf8"),
        scored: fs.readFileSync(path.join(dir, FILES.scored), "utf8"),
        record: JSON.parse(
          fs.readFileSync(path.join(dir, FILES.record), "utf8"),
        ) as CachedResult["record"],
      };
      if (typeof result.record.jobId !== "string" || typeof result.record.metrics !== "object") {
        return undefined;
      }
      // Touch it: pruning keeps the entries used most recently.
      const now = new Date();
      fs.utimesSync(dir, now, now);
      return result;
    } catch {
      return undefined;
    }
  }

  /** Stores an entry (replacing an earlier one of the same key). */
  put(key: string, result: CachedResult): void {
    const dir = this.entry(key);
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.tmp-${key}-${randomBytes(4).toString("hex")}`);
    fs.mkdirSync(tmp);
    try {
      fs.writeFileSync(path.join(tmp, FILES.model), result.model);
      fs.writeFileSync(path.join(tmp, FILES.evaluation), result.evaluation);
      fs.writeFileSync(path.join(tmp, FILES.scored), result.scored);
      fs.writeFileSync(path.join(tmp, FILES.record), JSON.stringify(result.record, null, 2));
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(tmp, dir);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  /**
   * Removes all but the `keep` most recently used entries (and leftovers of interrupted writes),
   * so a cache saved by CI does not grow with every pull request.
   * @param keep - entries to keep
   */
  prune(keep: number): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names.filter((n) => n.startsWith(".tmp-"))) {
      fs.rmSync(path.join(this.dir, name), { recursive: true, force: true });
    }
    const entries = names
      .filter((n) => /^[0-9a-f]{32}$/.test(n))
      .map((n) => ({ n, t: fs.statSync(path.join(this.dir, n)).mtimeMs }))
      .sort((a, b) => b.t - a.t || (a.n < b.n ? -1 : 1));
    for (const { n } of entries.slice(keep)) {
      fs.rmSync(path.join(this.dir, n), { recursive: true, force: true });
      removed.push(n);
    }
    return removed;
  }
}
