/**
 * RRS tables ⇄ {@link DataTable}: rows of JSON values in, rows of strings with .NET type names
 * out. Typing follows the service's input spec when given, else the CSV inference rules.
 */
import type { TableSpecification } from "../../contract";
import type { Column, DataTable, ElementType, RenderedTable } from "./api";
import { cellText, makeColumn } from "./dataTable";
import { engineErrors } from "./errors";
import { isMissingToken, parseBooleanText, parseNumberText } from "./valueParsing";

/** A JSON cell of an RRS request. */
export type RrsValue = string | number | boolean | null;

/** Element type of a spec column type ("Integer" → Int64, "Number" → Double). */
export function specElementType(type: string): ElementType {
  switch (type) {
    case "Integer":
      return "Int64";
    case "Number":
      return "Double";
    case "Boolean":
      return "Boolean";
    default:
      return "String";
  }
}

/** Spec type names, for messages. */
const SPEC_NAMES: Record<ElementType, string> = {
  Int64: "Integer",
  Double: "Number",
  Boolean: "Boolean",
  String: "String",
};

/**
 * Converts one value to an element type; undefined when it does not convert. Missing (null,
 * empty) comes back as NaN / null.
 *
 * @param value - the value
 * @param type - target type
 */
export function convertValue(
  value: RrsValue | undefined,
  type: ElementType,
): number | string | null | undefined {
  const missing = value === null || value === undefined || value === "";
  if (type === "String") {
    if (missing) return null;
    if (typeof value === "boolean") return value ? "True" : "False";
    return String(value);
  }
  if (missing) return NaN;
  if (type === "Boolean") {
    if (typeof value === "boolean") return value ? 1 : 0;
    if (typeof value === "number") return value === 0 || value === 1 ? value : undefined;
    const b = parseBooleanText(value);
    if (b >= 0) return b;
    return isMissingToken(value) ? NaN : undefined;
  }
  let num: number;
  let integral: boolean;
  if (typeof value === "number") {
    num = value;
    integral = Number.isInteger(value);
  } else if (typeof value === "boolean") {
    return undefined;
  } else {
    const parsed = parseNumberText(value);
    if (!parsed) return isMissingToken(value) ? NaN : undefined;
    num = parsed.value;
    integral = Number.isInteger(parsed.value) || Number.isNaN(parsed.value);
  }
  if (type === "Int64" && !integral) return undefined;
  return num;
}

function buildColumn(
  name: string,
  type: ElementType,
  cells: (RrsValue | undefined)[],
  onBad: (row: number) => never,
): Column {
  if (type === "String") {
    return makeColumn(
      name,
      type,
      cells.map((v) => convertValue(v, "String") as string | null),
    );
  }
  const values = new Float64Array(cells.length);
  cells.forEach((v, r) => {
    const x = convertValue(v, type);
    if (x === undefined) onBad(r);
    values[r] = x as number;
  });
  return makeColumn(name, type, values);
}

/** The narrowest type holding every value (CSV rules: Int64, Double, Boolean, else String). */
function inferType(cells: (RrsValue | undefined)[]): ElementType {
  let numeric = true;
  let integral = true;
  let boolean = true;
  let any = false;
  for (const v of cells) {
    if (v === null || v === undefined || v === "") continue;
    if (typeof v === "boolean") {
      numeric = false;
      any = true;
      continue;
    }
    if (typeof v === "string" && isMissingToken(v)) continue;
    any = true;
    const asNumber =
      typeof v === "number" ? { value: v, integral: Number.isInteger(v) } : parseNumberText(v);
    if (!asNumber) numeric = false;
    else if (!asNumber.integral) integral = false;
    if (typeof v === "number" || parseBooleanText(v) < 0) boolean = false;
    if (!numeric && !boolean) return "String";
  }
  if (!any || numeric) return integral && any ? "Int64" : "Double";
  return boolean ? "Boolean" : "String";
}

/**
 * Builds a table from RRS rows (throws `inputParse` naming the row and column of a value that
 * does not fit its declared type, or a row of the wrong length).
 *
 * @param columnNames - column names, in order
 * @param rows - rows of values
 * @param spec - the service's input spec for this port, when known
 */
export function tableFromRows(
  columnNames: string[],
  rows: RrsValue[][],
  spec?: TableSpecification,
): DataTable {
  const seen = new Set<string>();
  for (const name of columnNames) {
    if (seen.has(name))
      throw engineErrors.inputParse("InvalidRows", `Column "${name}" appears twice in ColumnNames`);
    seen.add(name);
  }
  rows.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== columnNames.length) {
      throw engineErrors.inputParse(
        "InvalidRows",
        `Row ${r + 1} has ${Array.isArray(row) ? row.length : 0} value(s) but there are ${columnNames.length} column names`,
      );
    }
  });
  const columns = columnNames.map((name, c) => {
    const cells = rows.map((row) => row[c]);
    const declared = spec?.properties?.[name];
    const type = declared ? specElementType(declared.type) : inferType(cells);
    return buildColumn(name, type, cells, (r) => {
      throw engineErrors.inputParse(
        "InvalidValue",
        `Row ${r + 1}, column "${name}": ${JSON.stringify(cells[r])} is not a valid ${declared ? declared.type : SPEC_NAMES[type]}`,
      );
    });
  });
  return { rowCount: rows.length, columns };
}

/**
 * Renders a table for RRS: names, .NET type names (String, Double, Int64, Boolean) and values
 * as strings (null = missing).
 *
 * @param table - the table
 */
export function tableToRows(table: DataTable): RenderedTable {
  const values: (string | null)[][] = [];
  for (let r = 0; r < table.rowCount; r++) values.push(table.columns.map((c) => cellText(c, r)));
  return {
    columnNames: table.columns.map((c) => c.name),
    columnTypes: table.columns.map((c) => c.type),
    values,
  };
}
