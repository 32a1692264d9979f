/**
 * The feature transform shared by training and scoring, so scoring reproduces training exactly:
 * numeric columns become `(x - shift) / scale`, categorical columns (flagged categorical, or of
 * type String) become level indices over the levels seen in training, with an optional
 * "unknown" level for values never seen.
 */
import type { Column, DataTable } from "../api";
import { cellText, columnIndex, valueText } from "../dataTable";
import { engineErrors } from "../errors";
import { parseNumberText } from "../valueParsing";
import type { CategoricalFeature, FeatureSpec, NumericFeature } from "./model";

/** How numeric features are rescaled before the learner sees them. */
export type NumericTransform = "standardize" | "scale" | "minmax" | "none";

/** Features of a set of rows, ready for a learner. */
export interface EncodedFeatures {
  rowCount: number;
  /** Total indicator/numeric slots (the width of a linear model). */
  slotCount: number;
  numeric: { feature: number; slot: number; values: Float64Array }[];
  /**
   * Per categorical feature: its first slot, level count (unknown slot included) and each row's
   * level index (the unknown slot for unseen values when there is one, else -1: no slot on).
   */
  categorical: { feature: number; slot: number; levelCount: number; codes: Int32Array }[];
  /** 1 when the row has every feature (rows with a missing feature score as missing). */
  complete: Uint8Array;
}

/** True when a column is used as a categorical feature. */
export function isCategoricalColumn(column: Column): boolean {
  return column.categorical || column.type === "String";
}

/**
 * Slots a feature takes in a linear model: one for a numeric feature, one per level (plus the
 * unknown slot) for a categorical one.
 *
 * @param f - a feature
 */
export function slotWidth(f: FeatureSpec): number {
  return f.kind === "numeric" ? 1 : f.levels.length + (f.unknownLevel ? 1 : 0);
}

/** Each feature's first slot and the total slot count. */
export function slotLayout(specs: readonly FeatureSpec[]): {
  offsets: number[];
  slotCount: number;
} {
  const offsets: number[] = [];
  let slot = 0;
  for (const f of specs) {
    offsets.push(slot);
    slot += slotWidth(f);
  }
  return { offsets, slotCount: slot };
}

/**
 * Derives the feature schema from training rows: levels of categorical features and the
 * rescaling of numeric ones.
 *
 * @param table - training table
 * @param featureIndices - feature columns
 * @param rows - training rows (complete rows only), or null for every row of the table
 * @param options - unknown-level slot and numeric rescaling
 */
export function buildFeatureSpecs(
  table: DataTable,
  featureIndices: readonly number[],
  rows: Uint32Array | null,
  options: { allowUnknownLevels: boolean; numericTransform: NumericTransform },
): FeatureSpec[] {
  const n = rows ? rows.length : table.rowCount;
  return featureIndices.map((ci): FeatureSpec => {
    const col = table.columns[ci];
    if (isCategoricalColumn(col)) {
      const seen = new Set<string>();
      for (let k = 0; k < n; k++) {
        const t = cellText(col, rows ? rows[k] : k);
        if (t !== null) seen.add(t);
      }
      const levels = [...seen].sort(ordinal);
      const spec: CategoricalFeature = {
        name: col.name,
        kind: "categorical",
        type: col.type,
        levels,
        unknownLevel: options.allowUnknownLevels,
      };
      return spec;
    }
    const values = col.values as Float64Array;
    let shift = 0;
    let scale = 1;
    if (options.numericTransform !== "none" && n > 0) {
      // The same sums in the same order either way; every row: no index array to read.
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      let ss = 0;
      if (rows) {
        for (let k = 0; k < n; k++) {
          const v = values[rows[k]];
          sum += v;
          if (v < min) min = v;
          if (v > max) max = v;
        }
        const mean = sum / n;
        for (let k = 0; k < n; k++) {
          const d = values[rows[k]] - mean;
          ss += d * d;
        }
      } else {
        for (let k = 0; k < n; k++) {
          const v = values[k];
          sum += v;
          if (v < min) min = v;
          if (v > max) max = v;
        }
        const mean = sum / n;
        for (let k = 0; k < n; k++) {
          const d = values[k] - mean;
          ss += d * d;
        }
      }
      const mean = sum / n;
      const std = Math.sqrt(ss / n);
      if (options.numericTransform === "minmax") {
        shift = min;
        scale = max > min ? max - min : 1;
      } else {
        shift = options.numericTransform === "standardize" ? mean : 0;
        // A constant column keeps scale 1: dividing by ~0 would blow up its (useless) weight.
        scale = std > 1e-12 && Number.isFinite(std) ? std : 1;
      }
    }
    const spec: NumericFeature = { name: col.name, kind: "numeric", type: col.type, shift, scale };
    return spec;
  });
}

/** Ordinal string order (what `Array.prototype.sort` does, written out for clarity). */
export function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Encodes rows of a table with a model's feature schema.
 * Throws Error 0001 when a feature column is absent and 0017 when a numeric feature holds text.
 *
 * @param table - training or scoring table
 * @param specs - the model's features
 * @param rows - rows to encode (all rows when null)
 * @param datasetName - input port display name, for messages
 */
export function encodeFeatures(
  table: DataTable,
  specs: readonly FeatureSpec[],
  rows: Uint32Array | null,
  datasetName: string,
): EncodedFeatures {
  const n = rows ? rows.length : table.rowCount;
  const complete = new Uint8Array(n).fill(1);
  const { offsets, slotCount } = slotLayout(specs);
  const out: EncodedFeatures = { rowCount: n, slotCount, numeric: [], categorical: [], complete };
  specs.forEach((spec, f) => {
    const ci = columnIndex(table, spec.name);
    if (ci < 0) throw engineErrors.module("0001", spec.name, datasetName);
    const col = table.columns[ci];
    if (spec.kind === "numeric") {
      const src = numericSource(col);
      const values = new Float64Array(n);
      const { shift, scale } = spec;
      const inv = 1 / scale;
      // Two loops, so that the hot one (every row) reads its source without an index array.
      if (rows) {
        for (let k = 0; k < n; k++) {
          const v = src[rows[k]];
          if (v !== v) complete[k] = 0;
          values[k] = (v - shift) * inv;
        }
      } else {
        for (let k = 0; k < n; k++) {
          const v = src[k];
          if (v !== v) complete[k] = 0;
          values[k] = (v - shift) * inv;
        }
      }
      out.numeric.push({ feature: f, slot: offsets[f], values });
    } else {
      const index = levelIndex(spec);
      const unseen = spec.unknownLevel ? spec.levels.length : -1;
      const codes = new Int32Array(n);
      if (col.values instanceof Float64Array) {
        for (let k = 0; k < n; k++) {
          const t = cellText(col, rows ? rows[k] : k);
          if (t === null) {
            complete[k] = 0;
            codes[k] = -1;
          } else codes[k] = index.get(t) ?? unseen;
        }
      } else {
        const src = col.values;
        for (let k = 0; k < n; k++) {
          const t = src[rows ? rows[k] : k];
          if (t === null) {
            complete[k] = 0;
            codes[k] = -1;
          } else codes[k] = index.get(t) ?? unseen;
        }
      }
      out.categorical.push({
        feature: f,
        slot: offsets[f],
        levelCount: slotWidth(spec),
        codes,
      });
    }
  });
  return out;
}

/**
 * {@link encodeFeatures} of one row at a time, for a row plan (`graph/rowPlan.ts`): the same
 * arithmetic on each cell, into buffers reused from one row to the next (the returned features
 * are valid until the next call). Undefined when a feature's column is absent or a numeric
 * feature's column holds text (those go through {@link encodeFeatures} and its errors).
 *
 * @param specs - the model's features
 * @param columns - the columns of the rows (their cells in this order)
 */
export function rowEncoder(
  specs: readonly FeatureSpec[],
  columns: readonly Column[],
): ((row: readonly (number | string | null)[]) => EncodedFeatures) | undefined {
  const { offsets, slotCount } = slotLayout(specs);
  const complete = new Uint8Array(1);
  const out: EncodedFeatures = { rowCount: 1, slotCount, numeric: [], categorical: [], complete };
  const numeric: { ci: number; shift: number; inv: number; values: Float64Array }[] = [];
  const categorical: {
    ci: number;
    type: Column["type"];
    index: Map<string, number>;
    unseen: number;
    codes: Int32Array;
  }[] = [];
  for (let f = 0; f < specs.length; f++) {
    const spec = specs[f];
    const ci = columns.findIndex((c) => c.name === spec.name);
    if (ci < 0) return undefined;
    const col = columns[ci];
    if (spec.kind === "numeric") {
      if (!(col.values instanceof Float64Array)) return undefined;
      const values = new Float64Array(1);
      numeric.push({ ci, shift: spec.shift, inv: 1 / spec.scale, values });
      out.numeric.push({ feature: f, slot: offsets[f], values });
    } else {
      const codes = new Int32Array(1);
      categorical.push({
        ci,
        type: col.type,
        index: levelIndex(spec),
        unseen: spec.unknownLevel ? spec.levels.length : -1,
        codes,
      });
      out.categorical.push({ feature: f, slot: offsets[f], levelCount: slotWidth(spec), codes });
    }
  }
  return (row) => {
    complete[0] = 1;
    for (const { ci, shift, inv, values } of numeric) {
      const v = row[ci] as number;
      if (v !== v) complete[0] = 0;
      values[0] = (v - shift) * inv;
    }
    for (const { ci, type, index, unseen, codes } of categorical) {
      const t = valueText(type, row[ci]);
      if (t === null) {
        complete[0] = 0;
        codes[0] = -1;
      } else codes[0] = index.get(t) ?? unseen;
    }
    return out;
  };
}

/** Level → index of each categorical feature, built once per model feature (RRS scores one row at a time). */
const levelIndexes = new WeakMap<CategoricalFeature, Map<string, number>>();

function levelIndex(spec: CategoricalFeature): Map<string, number> {
  let index = levelIndexes.get(spec);
  if (!index) {
    index = new Map<string, number>();
    for (let i = 0; i < spec.levels.length; i++) index.set(spec.levels[i], i);
    levelIndexes.set(spec, index);
  }
  return index;
}

/** Numeric values of a column; a String column is read as numbers (0017 when one is not). */
function numericSource(col: Column): Float64Array {
  if (col.values instanceof Float64Array) return col.values;
  const out = new Float64Array(col.values.length);
  col.values.forEach((t, i) => {
    if (t === null) {
      out[i] = NaN;
      return;
    }
    const parsed = parseNumberText(t);
    if (!parsed) throw engineErrors.module("0017", col.type, col.name);
    out[i] = parsed.value;
  });
  return out;
}
