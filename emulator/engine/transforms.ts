/**
 * Saved transformations (Studio's ITransform): what Clean Missing Data, Normalize Data, Group
 * Data into Bins and Convert to Indicator Values learn from the rows they see, replayed on other
 * rows by Apply Transformation, and stored as `.itransform` files so that a predictive service
 * applies exactly the statistics training saw (its Resource asset ends in "[transform]").
 *
 * File format, version 1 (same envelope idea as the `.ilearner`: JSON keeps it inspectable and
 * doubles exact, the CRC makes a truncated or altered file fail loudly):
 *
 * ```
 * offset  size  content
 * 0       8     magic "AMLEMUIT" (ASCII)
 * 8       2     formatVersion, uint16 little-endian (1)
 * 10      2     flags, uint16 LE (0; reserved)
 * 12      4     J = JSON length, uint32 LE
 * 16      J     UTF-8 JSON: {"transform": SavedTransform, "createdAt": ISO time}
 * 16+J    4     CRC-32 (zlib polynomial) of bytes [0, 16+J), uint32 LE
 * ```
 */
import { crc32 } from "node:zlib";
import type { Column, DataTable } from "./api";
import { cellText, columnIndex, isMissing, isNumericType, makeColumn } from "./dataTable";
import { engineErrors } from "./errors";

/** First 8 bytes of every emulator `.itransform`. */
export const ITRANSFORM_MAGIC = "AMLEMUIT";
/** The `.itransform` version this engine writes and reads. */
export const ITRANSFORM_FORMAT_VERSION = 1;

/** Clean Missing Data's recipe. */
export interface CleaningTransform {
  kind: "cleaning";
  mode: string;
  /** The columns the module cleaned (the picker's result on the training rows). */
  columns: string[];
  /** False when the missing-ratio thresholds left everything as it was. */
  cleaned: boolean;
  /** Per cleaned column: the substitute value (text for String columns). */
  substitutes: Record<string, string | number | null>;
  removedColumns: string[];
  /** `<column>_IsMissing` columns are added for `columns`. */
  indicators: boolean;
}

/** Normalize Data's methods (the module's labels). */
export type NormalizeMethod = "ZScore" | "MinMax" | "Logistic" | "LogNormal" | "TanH";

/** Normalize Data's recipe: per column the statistics of the training rows. */
export interface NormalizeTransform {
  kind: "normalize";
  method: NormalizeMethod;
  /** "Use 0 for constant columns when checked". */
  constantsToZero: boolean;
  /** ZScore/TanH: a = mean, b = population standard deviation; MinMax: a = min, b = max; LogNormal: a = μ, b = σ of ln x. */
  columns: { name: string; a: number; b: number }[];
}

/** Convert to Indicator Values' recipe: the levels of each converted column. */
export interface IndicatorTransform {
  kind: "indicators";
  overwrite: boolean;
  columns: { name: string; levels: string[]; missingLevel: boolean }[];
}

/** Group Data into Bins' recipe: the interior bin edges of each column. */
export interface BinningTransform {
  kind: "bins";
  outputMode: "Append" | "Inplace" | "ResultOnly";
  categorical: boolean;
  /** How a bin number is written: its index (1-based), its fraction or its percentage. */
  normalization: "QuantileIndex" | "PQuantile" | "Percent";
  /** `edges` ascending; bin i (1-based) holds values in (edges[i-2], edges[i-1]]. */
  columns: { name: string; edges: number[] }[];
}

/** Any saved transformation. */
export type SavedTransform =
  CleaningTransform | NormalizeTransform | IndicatorTransform | BinningTransform;

/** The module that makes each kind of transform (for messages and file summaries). */
export const TRANSFORM_MODULES: Readonly<Record<SavedTransform["kind"], string>> = {
  cleaning: "Clean Missing Data",
  normalize: "Normalize Data",
  indicators: "Convert to Indicator Values",
  bins: "Group Data into Bins",
};

/** The columns a transform reads. */
export function transformColumns(t: SavedTransform): string[] {
  return t.kind === "cleaning" ? t.columns : t.columns.map((c) => c.name);
}

function requireColumn(table: DataTable, name: string, datasetName: string): number {
  const i = columnIndex(table, name);
  if (i < 0) throw engineErrors.module("0001", name, datasetName);
  return i;
}

function numericValues(col: Column): Float64Array {
  if (!(col.values instanceof Float64Array) || col.type === "Boolean")
    throw engineErrors.module("0017", col.type, col.name);
  return col.values;
}

/**
 * One value normalized with a column's statistics.
 *
 * @param method - the method
 * @param x - the value
 * @param a - first statistic
 * @param b - second statistic
 * @param constantsToZero - constant columns give 0 instead of missing
 */
export function normalizeValue(
  method: NormalizeMethod,
  x: number,
  a: number,
  b: number,
  constantsToZero: boolean,
): number {
  if (x !== x) return NaN;
  const constant = constantsToZero ? 0 : NaN;
  switch (method) {
    case "ZScore":
      return b > 0 ? (x - a) / b : constant;
    case "MinMax":
      return b > a ? (x - a) / (b - a) : constant;
    case "Logistic":
      return 1 / (1 + Math.exp(-x));
    case "LogNormal":
      if (x <= 0) return NaN;
      return b > 0 ? normalCdf((Math.log(x) - a) / b) : constant;
    case "TanH":
      return b > 0 ? 0.5 * (Math.tanh((0.01 * (x - a)) / b) + 1) : constant;
  }
}

/**
 * The standard normal distribution function (Abramowitz–Stegun 7.1.26 through erf; absolute
 * error below 1.5e-7).
 *
 * @param z - the point
 */
export function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/**
 * The error function (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7).
 *
 * @param x - the point
 */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-ax * ax);
  return sign * y;
}

/**
 * The bin (1-based) of a value under ascending interior edges: values up to and including
 * `edges[0]` are bin 1, above the last edge the last bin.
 *
 * @param edges - interior edges, ascending
 * @param x - the value
 */
export function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo + 1;
}

function indicatorColumns(col: Column, spec: IndicatorTransform["columns"][number]): Column[] {
  const n = col.values.length;
  const out: Column[] = spec.levels.map((level) => {
    const values = new Float64Array(n);
    for (let r = 0; r < n; r++) values[r] = cellText(col, r) === level ? 1 : 0;
    return makeColumn(`${col.name}-${level}`, "Int64", values);
  });
  if (spec.missingLevel) {
    const values = new Float64Array(n);
    for (let r = 0; r < n; r++) values[r] = isMissing(col, r) ? 1 : 0;
    out.push(makeColumn(`${col.name}-Missing`, "Int64", values));
  }
  return out;
}

function binnedColumn(col: Column, t: BinningTransform, edges: readonly number[]): Column {
  const src = numericValues(col);
  const bins = edges.length + 1;
  const values = new Float64Array(src.length);
  for (let r = 0; r < src.length; r++) {
    const v = src[r];
    if (v !== v) {
      values[r] = NaN;
      continue;
    }
    const index = binOf(edges, v);
    values[r] =
      t.normalization === "QuantileIndex"
        ? index
        : t.normalization === "PQuantile"
          ? index / bins
          : (100 * index) / bins;
  }
  const name = t.outputMode === "Inplace" ? col.name : `${col.name}_quantized`;
  return makeColumn(name, t.normalization === "QuantileIndex" ? "Int64" : "Double", values, {
    categorical: t.categorical,
    usage: t.outputMode === "Inplace" ? col.usage : "feature",
  });
}

/**
 * Applies a saved transformation to a table (Apply Transformation, and each module's own
 * output). Error 0001 names a column the transform needs and the table lacks.
 *
 * @param t - the transform
 * @param table - rows to transform
 * @param datasetName - input port display name, for messages
 */
export function applyTransform(
  t: SavedTransform,
  table: DataTable,
  datasetName: string,
): DataTable {
  switch (t.kind) {
    case "cleaning":
      return applyCleaning(t, table, datasetName);
    case "normalize": {
      const columns = [...table.columns];
      for (const spec of t.columns) {
        const i = requireColumn(table, spec.name, datasetName);
        const col = table.columns[i];
        const src = numericValues(col);
        const out = new Float64Array(src.length);
        for (let r = 0; r < src.length; r++)
          out[r] = normalizeValue(t.method, src[r], spec.a, spec.b, t.constantsToZero);
        columns[i] = makeColumn(col.name, "Double", out, { usage: col.usage });
      }
      return { rowCount: table.rowCount, columns };
    }
    case "indicators": {
      const bySource = new Map(t.columns.map((c) => [c.name, c]));
      for (const spec of t.columns) requireColumn(table, spec.name, datasetName);
      const columns: Column[] = [];
      for (const col of table.columns) {
        const spec = bySource.get(col.name);
        if (!spec) {
          columns.push(col);
          continue;
        }
        if (!t.overwrite) columns.push(col);
        columns.push(...indicatorColumns(col, spec));
      }
      return { rowCount: table.rowCount, columns };
    }
    case "bins": {
      const made: Column[] = [];
      const columns = [...table.columns];
      for (const spec of t.columns) {
        const i = requireColumn(table, spec.name, datasetName);
        const binned = binnedColumn(table.columns[i], t, spec.edges);
        if (t.outputMode === "Inplace") columns[i] = binned;
        else made.push(binned);
      }
      if (t.outputMode === "ResultOnly") return { rowCount: table.rowCount, columns: made };
      return { rowCount: table.rowCount, columns: [...columns, ...made] };
    }
  }
}

function applyCleaning(t: CleaningTransform, table: DataTable, datasetName: string): DataTable {
  const indices = t.columns.map((name) => requireColumn(table, name, datasetName));
  const indicators = t.indicators
    ? indices.map((ci) => {
        const col = table.columns[ci];
        const values = new Float64Array(table.rowCount);
        if (t.cleaned)
          for (let r = 0; r < values.length; r++) values[r] = isMissing(col, r) ? 1 : 0;
        return makeColumn(`${col.name}_IsMissing`, "Boolean", values);
      })
    : [];
  if (!t.cleaned) return { rowCount: table.rowCount, columns: [...table.columns, ...indicators] };
  if (t.mode === "Remove entire row") {
    const keep: number[] = [];
    for (let r = 0; r < table.rowCount; r++) {
      if (!indices.some((ci) => isMissing(table.columns[ci], r))) keep.push(r);
    }
    return {
      rowCount: keep.length,
      columns: table.columns.map((c) => {
        if (c.values instanceof Float64Array) {
          const src = c.values;
          return { ...c, values: Float64Array.from(keep, (r) => src[r]) };
        }
        const src = c.values;
        return { ...c, values: keep.map((r) => src[r]) };
      }),
    };
  }
  const removed = new Set(t.removedColumns);
  const columns = table.columns
    .filter((c) => !removed.has(c.name))
    .map((c) => {
      if (!Object.prototype.hasOwnProperty.call(t.substitutes, c.name)) return c;
      const substitute = t.substitutes[c.name];
      if (substitute === null) return c;
      if (c.values instanceof Float64Array) {
        const out = Float64Array.from(c.values);
        const s = Number(substitute);
        for (let r = 0; r < out.length; r++) if (out[r] !== out[r]) out[r] = s;
        return { ...c, values: out };
      }
      const text = String(substitute);
      return { ...c, values: c.values.map((v) => (v === null ? text : v)) };
    });
  return { rowCount: table.rowCount, columns: [...columns, ...indicators] };
}

/**
 * Writes a transform as `.itransform` bytes.
 *
 * @param t - the transform
 * @param createdAt - ISO time recorded in the file
 */
export function encodeItransform(t: SavedTransform, createdAt: string): Uint8Array {
  const json = Buffer.from(JSON.stringify({ transform: t, createdAt }), "utf8");
  const total = 16 + json.length + 4;
  const out = Buffer.alloc(total);
  out.write(ITRANSFORM_MAGIC, 0, "ascii");
  out.writeUInt16LE(ITRANSFORM_FORMAT_VERSION, 8);
  out.writeUInt16LE(0, 10);
  out.writeUInt32LE(json.length, 12);
  json.copy(out, 16);
  out.writeUInt32LE(crc32(out.subarray(0, total - 4)), total - 4);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * True when the bytes start like an `.itransform`.
 *
 * @param bytes - file bytes
 */
export function isItransform(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 8 &&
    Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString("ascii") === ITRANSFORM_MAGIC
  );
}

const KINDS: readonly SavedTransform["kind"][] = ["cleaning", "normalize", "indicators", "bins"];

/**
 * Reads an `.itransform`; a `model` error (`InvalidModel`) names what is wrong.
 *
 * @param bytes - file bytes
 */
export function decodeItransform(bytes: Uint8Array): {
  transform: SavedTransform;
  createdAt: string;
} {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string) =>
    engineErrors.model(
      "InvalidModel",
      `The saved transformation is not a readable .itransform: ${why}`,
    );
  if (!isItransform(bytes) || buf.length < 20)
    throw bad(`it does not start with "${ITRANSFORM_MAGIC}"`);
  const version = buf.readUInt16LE(8);
  if (version !== ITRANSFORM_FORMAT_VERSION) {
    throw engineErrors.model(
      "UnsupportedModelVersion",
      `The saved transformation has .itransform format version ${version}; this emulator reads version ${ITRANSFORM_FORMAT_VERSION}`,
    );
  }
  const length = buf.readUInt32LE(12);
  if (16 + length + 4 !== buf.length)
    throw bad(`the file has ${buf.length} bytes, its header declares ${20 + length}`);
  if (crc32(buf.subarray(0, 16 + length)) !== buf.readUInt32LE(16 + length))
    throw bad("the checksum does not match (the file is corrupted)");
  let parsed: { transform?: SavedTransform; createdAt?: unknown };
  try {
    parsed = JSON.parse(buf.toString("utf8", 16, 16 + length)) as typeof parsed;
  } catch (e) {
    throw engineErrors.model("InvalidModel", "The saved transformation is not valid JSON", e);
  }
  const t = parsed.transform;
  if (
    !t ||
    !KINDS.includes(t.kind) ||
    !Array.isArray(t.columns) ||
    typeof parsed.createdAt !== "string"
  )
    throw bad("unknown transform kind or missing columns");
  return { transform: t, createdAt: parsed.createdAt };
}

/**
 * Levels of a categorical column in order of first appearance (text of each cell).
 *
 * @param col - the column
 */
export function levelsInOrder(col: Column): { levels: string[]; missing: boolean } {
  const seen = new Set<string>();
  let missing = false;
  for (let r = 0; r < col.values.length; r++) {
    const t = cellText(col, r);
    if (t === null) missing = true;
    else seen.add(t);
  }
  return { levels: [...seen], missing };
}

/** True for a column Normalize Data and Group Data into Bins may process. */
export function isNumericColumn(col: Column): boolean {
  return isNumericType(col.type);
}
