/**
 * The predictive graphs the RRS handler scores with, prepared once per served model: the package
 * compiled, its parameters bound and its trained models decoded ahead of the requests
 * (`EngineApi.prepareGraph`), so that a scoring request only converts its rows, runs the modules
 * and writes the answer.
 *
 * Entries are kept per execution id. A target is resolved again whenever the store changes
 * (`ExecutionTargets`), which hands out a new {@link ServingState} object even when nothing this
 * target serves changed; the entry is then kept if the trained models and the definition are the
 * same, and prepared again otherwise (a PATCHed model, a swapped endpoint model, a new
 * definition). The least recently used entries beyond {@link PREPARED_ENTRIES} are dropped.
 */
import type { EngineApi, PreparedGraph } from "../engine/api";
import type { ModelStore } from "../store/modelStore";
import type { ServingState } from "../store/records";

/** Most prepared graphs kept (one per scored service or endpoint). */
const PREPARED_ENTRIES = 256;

interface Entry {
  serving: ServingState;
  /** The trained models' shas in asset order, joined. */
  readonly models: string;
  readonly graph: PreparedGraph;
}

/** The trained models a serving state names, as one comparable string. */
function modelsKey(serving: ServingState): string {
  return serving.shape.trainedModels.map(({ assetId }) => serving.models[assetId] ?? "").join(",");
}

/** Prepared graphs by execution id. */
export class PreparedGraphs {
  private readonly entries = new Map<string, Entry>();

  /**
   * @param engine - prepares the graphs
   * @param models - trained-model bytes
   * @param strict - the emulator's `--strict`
   */
  constructor(
    private readonly engine: Pick<EngineApi, "prepareGraph">,
    private readonly models: Pick<ModelStore, "get">,
    private readonly strict: boolean,
  ) {}

  /**
   * The prepared graph of what a target serves (every trained model present: the caller checks).
   * Throws the engine's `package` errors.
   * @param executionId - the target's execution id
   * @param serving - what it serves now
   */
  get(executionId: string, serving: ServingState): PreparedGraph {
    const entry = this.entries.get(executionId);
    if (entry && entry.serving === serving) return entry.graph;
    const models = modelsKey(serving);
    if (
      entry &&
      entry.models === models &&
      (entry.serving.properties === serving.properties ||
        JSON.stringify(entry.serving.properties) === JSON.stringify(serving.properties))
    ) {
      entry.serving = serving;
      this.touch(executionId, entry);
      return entry.graph;
    }
    const trainedModels: Record<string, Uint8Array> = {};
    for (const { assetId } of serving.shape.trainedModels) {
      const sha = serving.models[assetId];
      if (sha) trainedModels[assetId] = this.models.get(sha);
    }
    const graph = this.engine.prepareGraph({
      properties: serving.properties,
      trainedModels,
      strict: this.strict,
    });
    this.touch(executionId, { serving, models, graph });
    return graph;
  }

  /** Number of graphs kept (for tests). */
  get size(): number {
    return this.entries.size;
  }

  private touch(executionId: string, entry: Entry): void {
    this.entries.delete(executionId);
    this.entries.set(executionId, entry);
    while (this.entries.size > PREPARED_ENTRIES) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
