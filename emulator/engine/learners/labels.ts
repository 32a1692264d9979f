/**
 * Label handling: which class is positive (`docs/modules.md`) and the 0/1 targets.
 */
import type { Column } from "../api";
import { formatNumber } from "../dataTable";
import { engineErrors } from "../errors";
import { ordinal } from "./features";
import type { ClassValue } from "./model";

/**
 * The stored value of a label cell: a number for numeric/boolean columns, text for String.
 *
 * @param column - label column
 * @param row - 0-based row
 */
export function classValueAt(column: Column, row: number): ClassValue | null {
  const v = column.values[row];
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isNaN(v) ? null : v;
  return v;
}

/**
 * Orders two distinct class values as `[negative, positive]` (Evaluate Model's rule, `docs/modules.md`): Boolean labels → `true` is
 * positive; numeric labels → `1` is positive (else the larger value); text labels → sorted by
 * ordinal string order, the second is positive.
 *
 * @param a - one class value
 * @param b - the other class value
 */
export function orderClasses(a: ClassValue, b: ClassValue): [ClassValue, ClassValue] {
  if (typeof a === "number" && typeof b === "number") {
    if (a === 1) return [b, a];
    if (b === 1) return [a, b];
    return a < b ? [a, b] : [b, a];
  }
  const sa = String(a);
  const sb = String(b);
  return ordinal(sa, sb) <= 0 ? [a, b] : [b, a];
}

/**
 * The two classes of a binary label over the given rows, as `[negative, positive]`.
 * Error 0083 when the label does not have exactly two distinct values.
 *
 * @param column - label column
 * @param rows - training rows
 * @param learnerName - learner type, for the message
 */
export function binaryClasses(
  column: Column,
  rows: Uint32Array,
  learnerName: string,
): [ClassValue, ClassValue] {
  const seen = new Set<ClassValue>();
  for (let k = 0; k < rows.length && seen.size <= 2; k++) {
    const v = classValueAt(column, rows[k]);
    if (v !== null) seen.add(v);
  }
  if (seen.size !== 2) {
    throw engineErrors.module(
      "0083",
      "Dataset",
      `${learnerName} (the label column "${column.name}" has ${seen.size > 2 ? "more than two" : seen.size} distinct value(s); exactly two are needed)`,
    );
  }
  const [a, b] = [...seen];
  return orderClasses(a, b);
}

/**
 * 0/1 targets (1 = positive class) for the given rows.
 *
 * @param column - label column
 * @param rows - training rows (label present)
 * @param positive - the positive class
 */
export function binaryTargets(
  column: Column,
  rows: Uint32Array,
  positive: ClassValue,
): Float64Array {
  const y = new Float64Array(rows.length);
  if (column.values instanceof Float64Array) {
    const src = column.values;
    for (let k = 0; k < rows.length; k++) y[k] = src[rows[k]] === positive ? 1 : 0;
  } else {
    const src = column.values;
    for (let k = 0; k < rows.length; k++) y[k] = src[rows[k]] === positive ? 1 : 0;
  }
  return y;
}

/**
 * A class value rendered as text (for messages and the Evaluate Model table), the way
 * `cellText` renders a cell of the label column.
 *
 * @param column - the label column (for its type)
 * @param value - class value
 */
export function classText(column: Pick<Column, "type">, value: ClassValue): string {
  if (typeof value === "string") return value;
  if (column.type === "Boolean") return value !== 0 ? "True" : "False";
  return formatNumber(value);
}

/**
 * The classes of a multiclass label over the given rows, in ordinal order (numbers ascending,
 * text by code point); Error 0083 with fewer than two.
 *
 * @param column - label column
 * @param rows - training rows
 * @param learnerName - learner type, for the message
 */
export function multiclassLevels(
  column: Column,
  rows: Uint32Array,
  learnerName: string,
): ClassValue[] {
  const seen = new Set<ClassValue>();
  for (let k = 0; k < rows.length; k++) {
    const v = classValueAt(column, rows[k]);
    if (v !== null) seen.add(v);
  }
  if (seen.size < 2) {
    throw engineErrors.module(
      "0083",
      "Dataset",
      `${learnerName} (the label column "${column.name}" has ${seen.size} distinct value(s); at least two are needed)`,
    );
  }
  const levels = [...seen];
  return typeof levels[0] === "number"
    ? (levels as number[]).sort((a, b) => a - b)
    : levels.map(String).sort(ordinal);
}

/**
 * The class index of each training row in `levels` (-1 when the value is not one of them).
 *
 * @param column - label column
 * @param rows - training rows
 * @param levels - the classes
 */
export function classIndices(
  column: Column,
  rows: Uint32Array,
  levels: readonly ClassValue[],
): Int32Array {
  const index = new Map<ClassValue, number>(levels.map((l, i) => [l, i]));
  const out = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const v = classValueAt(column, rows[k]);
    out[k] = v === null ? -1 : (index.get(v) ?? index.get(String(v)) ?? -1);
  }
  return out;
}
