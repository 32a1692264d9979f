/**
 * Helpers over the engine's {@link DataTable}: building columns, taking rows, reading a cell as
 * text. Tables are treated as immutable: modules build new tables and may share column arrays
 * with their input (a column array is never written after its table is returned).
 */
import type { Column, ColumnUsage, DataTable, ElementType } from "./api";

/** True for Int64 and Double (what Studio calls "Numeric"). */
export function isNumericType(type: ElementType): boolean {
  return type === "Int64" || type === "Double";
}

/**
 * Builds a column.
 *
 * @param name - column name
 * @param type - element type
 * @param values - Float64Array for Double/Int64/Boolean (NaN = missing), strings/null for String
 * @param options - categorical flag and usage (defaults: not categorical, feature)
 */
export function makeColumn(
  name: string,
  type: ElementType,
  values: Float64Array | (string | null)[],
  options: { categorical?: boolean; usage?: ColumnUsage } = {},
): Column {
  return {
    name,
    type,
    categorical: options.categorical ?? false,
    usage: options.usage ?? "feature",
    values,
  };
}

/**
 * True when the cell is missing (NaN or null).
 *
 * @param column - any column
 * @param row - 0-based row
 */
export function isMissing(column: Column, row: number): boolean {
  const v = column.values[row];
  return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
}

/**
 * Formats a number the way the engine writes it in CSV and RRS (shortest round-trip form).
 *
 * @param value - a finite or infinite number
 */
export function formatNumber(value: number): string {
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  return String(value);
}

/**
 * A cell as text: numbers in shortest round-trip form, booleans as .NET writes them
 * ("True"/"False"), missing as null.
 *
 * @param column - any column
 * @param row - 0-based row
 */
export function cellText(column: Column, row: number): string | null {
  return valueText(column.type, column.values[row]);
}

/**
 * {@link cellText} of a value of a column of the given type (a row plan's cell).
 *
 * @param type - the column's element type
 * @param v - the value (a number for numeric and Boolean columns, a string or null for String)
 */
export function valueText(type: ElementType, v: number | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (Number.isNaN(v)) return null;
  if (type === "Boolean") return v !== 0 ? "True" : "False";
  return formatNumber(v);
}

/**
 * A table with the given columns' names, types and flags and no rows: what a row plan knows of a
 * table before the rows come.
 *
 * @param columns - the columns to copy the metadata of
 */
export function schemaTable(columns: readonly Column[]): DataTable {
  return {
    rowCount: 0,
    columns: columns.map((c) => ({
      ...c,
      values: c.values instanceof Float64Array ? new Float64Array(0) : [],
    })),
  };
}

/**
 * The column as a String column (each cell as {@link cellText}), keeping its name, categorical
 * flag and usage; a String column is returned as is.
 *
 * @param column - any column
 */
export function asStringColumn(column: Column): Column {
  if (column.type === "String") return column;
  const n = column.values.length;
  const out: (string | null)[] = new Array<string | null>(n);
  for (let r = 0; r < n; r++) out[r] = cellText(column, r);
  return makeColumn(column.name, "String", out, {
    categorical: column.categorical,
    usage: column.usage,
  });
}

/**
 * Copies the given rows of a column, in the given order.
 *
 * @param column - source column
 * @param rows - 0-based row indices
 */
export function takeColumnRows(column: Column, rows: ArrayLike<number>): Column {
  const n = rows.length;
  if (column.values instanceof Float64Array) {
    const src = column.values;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = src[rows[i]];
    return { ...column, values: out };
  }
  const src = column.values;
  const out: (string | null)[] = new Array<string | null>(n);
  for (let i = 0; i < n; i++) out[i] = src[rows[i]];
  return { ...column, values: out };
}

/**
 * A table made of the given rows of `table`, in the given order.
 *
 * @param table - source table
 * @param rows - 0-based row indices
 */
export function takeRows(table: DataTable, rows: ArrayLike<number>): DataTable {
  return { rowCount: rows.length, columns: table.columns.map((c) => takeColumnRows(c, rows)) };
}

/**
 * The rows `start` to `end` (exclusive) of a table, in order: numeric columns as views of the
 * table's own arrays (no copy; tables are never written to once made), String columns copied.
 *
 * @param table - source table
 * @param start - first row
 * @param end - one past the last row
 */
export function sliceRows(table: DataTable, start: number, end: number): DataTable {
  return {
    rowCount: end - start,
    columns: table.columns.map((c) => ({
      ...c,
      values:
        c.values instanceof Float64Array
          ? c.values.subarray(start, end)
          : c.values.slice(start, end),
    })),
  };
}

/**
 * Index of the column with this exact name, or -1.
 *
 * @param table - table to search
 * @param name - column name
 */
export function columnIndex(table: DataTable, name: string): number {
  return table.columns.findIndex((c) => c.name === name);
}

/**
 * Counts the missing cells of a column.
 *
 * @param column - any column
 */
export function missingCount(column: Column): number {
  let count = 0;
  const values = column.values;
  if (values instanceof Float64Array) {
    for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) count++;
  } else {
    for (let i = 0; i < values.length; i++) if (values[i] === null) count++;
  }
  return count;
}

/**
 * The rows (in order) where none of the given columns is missing.
 *
 * @param columns - columns of one table
 * @param rowCount - the table's row count
 */
export function completeRows(columns: readonly Column[], rowCount: number): Uint32Array {
  const ok = new Uint8Array(rowCount).fill(1);
  for (const { values } of columns) {
    if (values instanceof Float64Array) {
      for (let r = 0; r < rowCount; r++) if (values[r] !== values[r]) ok[r] = 0;
    } else {
      for (let r = 0; r < rowCount; r++) if (values[r] === null) ok[r] = 0;
    }
  }
  let count = 0;
  for (let r = 0; r < rowCount; r++) count += ok[r];
  const rows = new Uint32Array(count);
  for (let r = 0, k = 0; r < rowCount; r++) if (ok[r]) rows[k++] = r;
  return rows;
}
