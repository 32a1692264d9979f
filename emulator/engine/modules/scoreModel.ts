/**
 * Score Model (`docs/modules.md`): appends `Scored Labels` (and, for binary classifiers,
 * `Scored Probabilities`) to the input rows. Features are read by the names the model was trained
 * on and go through the model's own transform; a row with a missing feature gets missing scores.
 * The model's label column, when present, is carried through flagged as label (Evaluate Model's
 * truth). Score columns already in the input are replaced.
 */
import type { Column, DataTable } from "../api";
import { makeColumn } from "../dataTable";
import { engineErrors } from "../errors";
import { encodeFeatures, rowEncoder, type EncodedFeatures } from "../learners/features";
import { classText } from "../learners/labels";
import type { ClassValue, TrainedModel } from "../learners/model";
import { LEARNERS } from "../learners/registry";
import { columnLineage } from "./rowSteps";
import { tableInput, tableOutput, type Cell, type RowStep, type StudioModule } from "./types";

/** Name of the appended label/prediction column. */
export const SCORED_LABELS = "Scored Labels";
/** Name of the appended positive-class probability column. */
export const SCORED_PROBABILITIES = "Scored Probabilities";

/** The Score Model module. */
export const scoreModel: StudioModule = {
  name: "Score Model",
  category: "Machine Learning / Score",
  differences: [
    "A row with a missing feature gets missing scores; score columns already in the input are replaced.",
  ],
  inputs: [
    { name: "Trained model", type: "ILearner" },
    { name: "Dataset", type: "DataTable" },
  ],
  outputs: [{ name: "Scored dataset", type: "DataTable" }],
  parameters: [],
  run(inputs) {
    const modelValue = inputs[0];
    if (!modelValue) throw engineErrors.module("0003", "Trained model");
    if (modelValue.type === "UntrainedLearner")
      throw engineErrors.module("0012", modelValue.learner.moduleName);
    if (modelValue.type !== "TrainedModel") throw engineErrors.module("0013", modelValue.type);
    const table = tableInput(inputs[1], "Dataset");
    return [tableOutput(scoreTable(modelValue.model, table))];
  },
  compileRows(inputs) {
    const model = inputs[0];
    const table = inputs[1];
    if (model?.type !== "TrainedModel" || table?.type !== "DataTable") return undefined;
    return scoreRows(model.model, table.table);
  },
};

/**
 * Scores a table with a trained model (also used directly by tests and benchmarks).
 *
 * @param model - trained model
 * @param table - rows to score
 */
export function scoreTable(model: TrainedModel, table: DataTable): DataTable {
  if (model.task === "clustering") throw engineErrors.module("0013", model.moduleName);
  const enc = encodeFeatures(table, model.features, null, "Dataset");
  return withScores(model, table, scoreColumns(model, enc), isScoreColumn(model));
}

/** Which input columns the scores replace. */
function isScoreColumn(model: TrainedModel): (name: string) => boolean {
  return model.task === "multiclass"
    ? (name) => name === SCORED_LABELS || name.startsWith(MULTICLASS_PREFIX)
    : (name) => name === SCORED_LABELS || name === SCORED_PROBABILITIES;
}

/** The score columns of encoded rows, in the order Score Model appends them. */
function scoreColumns(model: TrainedModel, enc: EncodedFeatures): Column[] {
  const learner = LEARNERS[model.learner];
  const appended: Column[] = [];
  if (model.task === "multiclass") {
    const levels = model.label.levels!;
    const probabilities = learner.scoreClasses!(model, enc);
    probabilities.forEach((p, c) =>
      appended.push(
        makeColumn(multiclassProbabilityColumn(classText(model.label, levels[c])), "Double", p, {
          usage: "score",
        }),
      ),
    );
    const best = learner.score(model, enc);
    appended.push(classColumn(model, best, levels));
    return appended;
  }
  const scores = learner.score(model, enc);
  if (model.task === "binary") {
    const [negative, positive] = model.label.classes!;
    const labels = scoredLabels(model, scores, negative, positive);
    appended.push(labels, makeColumn(SCORED_PROBABILITIES, "Double", scores, { usage: "score" }));
  } else {
    appended.push(makeColumn(SCORED_LABELS, "Double", scores, { usage: "score" }));
  }
  return appended;
}

/**
 * Score Model as a row step: the model's features encoded from the row and scored by the same
 * learner code, one row at a time (every learner scores each row on its own).
 */
function scoreRows(model: TrainedModel, schema: DataTable): RowStep | undefined {
  if (model.task === "clustering") return undefined;
  const encode = rowEncoder(model.features, schema.columns);
  if (!encode) return undefined;
  let output: DataTable;
  try {
    output = scoreTable(model, schema);
  } catch {
    return undefined;
  }
  // The input's columns it keeps (the same values arrays), then the new score columns.
  const from = columnLineage(output, schema);
  const kept = from.filter((i) => i >= 0);
  if (from.slice(0, kept.length).some((i) => i < 0) || from.slice(kept.length).some((i) => i >= 0))
    return undefined;
  return {
    schema: output,
    map(row) {
      const out: Cell[] = kept.map((i) => row[i]);
      for (const column of scoreColumns(model, encode(row))) out.push(column.values[0]);
      return out;
    },
  };
}

/** Prefix of the multiclass probability columns. */
export const MULTICLASS_PREFIX = "Scored Probabilities for Class ";

/**
 * Name of a multiclass probability column.
 *
 * @param level - the class, as text
 */
export function multiclassProbabilityColumn(level: string): string {
  return `${MULTICLASS_PREFIX}"${level}"`;
}

/**
 * The input columns (old score columns replaced, the model's label flagged as label) followed by
 * the new score columns.
 */
function withScores(
  model: TrainedModel,
  table: DataTable,
  appended: Column[],
  isScore: (name: string) => boolean,
): DataTable {
  const kept = table.columns
    .filter((c) => !isScore(c.name))
    .map((c): Column => {
      if (c.name === model.label.name && c.usage !== "label") return { ...c, usage: "label" };
      if (c.name !== model.label.name && c.usage === "label") return { ...c, usage: "feature" };
      return c;
    });
  return { rowCount: table.rowCount, columns: [...kept, ...appended] };
}

/** `Scored Labels` of a multiclass model: the class of each row's best index. */
function classColumn(
  model: TrainedModel,
  best: Float64Array,
  levels: readonly ClassValue[],
): Column {
  const n = best.length;
  if (levels.every((l) => typeof l === "number")) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = best[i] !== best[i] ? NaN : (levels[best[i]] as number);
    return makeColumn(SCORED_LABELS, model.label.type, out, { usage: "score" });
  }
  const out: (string | null)[] = new Array<string | null>(n);
  for (let i = 0; i < n; i++) out[i] = best[i] !== best[i] ? null : String(levels[best[i]]);
  return makeColumn(SCORED_LABELS, "String", out, { usage: "score" });
}

/** Positive class when the probability is > 0.5, else negative; missing when the score is. */
function scoredLabels(
  model: TrainedModel,
  probs: Float64Array,
  negative: string | number,
  positive: string | number,
): Column {
  const n = probs.length;
  if (typeof positive === "number" && typeof negative === "number") {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = probs[i];
      out[i] = p !== p ? NaN : p > 0.5 ? positive : negative;
    }
    return makeColumn(SCORED_LABELS, model.label.type, out, { usage: "score" });
  }
  const out: (string | null)[] = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const p = probs[i];
    out[i] = p !== p ? null : String(p > 0.5 ? positive : negative);
  }
  return makeColumn(SCORED_LABELS, "String", out, { usage: "score" });
}
