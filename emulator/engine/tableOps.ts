/**
 * Table operations the data manipulation modules share: picking columns by a ColumnSelection
 * parameter, rows taken with gaps (outer joins), unique column names, and cell keys.
 */
import type { Column, DataTable, ElementType } from "./api";
import { parseColumnSelection, selectColumnIndices } from "./columnPicker";
import { cellText, makeColumn } from "./dataTable";
import type { ParameterReader } from "./parameters";

/**
 * Column indices a ColumnSelection parameter picks (0001/0011/0059/0060 from the picker).
 *
 * @param table - the table
 * @param params - the node's parameters
 * @param name - the parameter
 * @param datasetName - input port display name
 */
export function pickColumns(
  table: DataTable,
  params: ParameterReader,
  name: string,
  datasetName: string,
): number[] {
  return selectColumnIndices(table, parseColumnSelection(params.string(name), name), datasetName);
}

/**
 * Rows of a column by index, -1 giving a missing cell (the other side of an outer join).
 *
 * @param column - the column
 * @param rows - row indices, -1 for missing
 */
export function takeWithGaps(column: Column, rows: ArrayLike<number>): Column {
  const n = rows.length;
  if (column.values instanceof Float64Array) {
    const src = column.values;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = rows[i] < 0 ? NaN : src[rows[i]];
    return { ...column, values: out };
  }
  const src = column.values;
  const out: (string | null)[] = new Array<string | null>(n);
  for (let i = 0; i < n; i++) out[i] = rows[i] < 0 ? null : src[rows[i]];
  return { ...column, values: out };
}

/**
 * Renames columns whose name is already taken (by `taken` or an earlier column of `columns`):
 * `Month` becomes `Month (1)`, then `Month (2)` (Studio's rule when combining tables).
 *
 * @param taken - names already in the result
 * @param columns - columns to add
 */
export function renameDuplicates(taken: readonly string[], columns: readonly Column[]): Column[] {
  const used = new Set(taken);
  return columns.map((c) => {
    if (!used.has(c.name)) {
      used.add(c.name);
      return c;
    }
    let k = 1;
    while (used.has(`${c.name} (${k})`)) k++;
    const name = `${c.name} (${k})`;
    used.add(name);
    return { ...c, name };
  });
}

/**
 * A row's key over some columns, as text (missing cells are a value of their own).
 *
 * @param columns - key columns
 * @param row - 0-based row
 * @param matchCase - false folds case
 */
export function rowKey(columns: readonly Column[], row: number, matchCase = true): string {
  let key = "";
  for (const c of columns) {
    const t = cellText(c, row);
    key += t === null ? "\u0000" : `\u0001${matchCase ? t : t.toLowerCase()}`;
    key += "\u0002";
  }
  return key;
}

/**
 * The common type of two columns stacked in one (Add Rows): equal types stay, Int64 with Double
 * is Double, anything else is String.
 *
 * @param a - a type
 * @param b - another type
 */
export function commonType(a: ElementType, b: ElementType): ElementType {
  if (a === b) return a;
  if ((a === "Int64" && b === "Double") || (a === "Double" && b === "Int64")) return "Double";
  return "String";
}

/**
 * A numeric column built from values, with the source column's name and flags.
 *
 * @param like - column whose name, usage and categorical flag are kept
 * @param values - the values
 * @param type - element type (Double unless given)
 */
export function numericLike(
  like: Column,
  values: Float64Array,
  type: ElementType = "Double",
): Column {
  return makeColumn(like.name, type, values, { categorical: like.categorical, usage: like.usage });
}

/**
 * Sorted copy of the non-missing values of a numeric column.
 *
 * @param values - column values
 */
export function sortedPresent(values: Float64Array): Float64Array {
  return values.filter((v) => v === v).sort();
}

/**
 * The q-quantile of sorted values, linearly interpolated (the definition of numpy's default and
 * R's type 7).
 *
 * @param sorted - ascending values
 * @param q - in [0, 1]
 */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
