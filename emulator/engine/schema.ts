/**
 * Matching an input table to the service's declared input schema (`properties.input`).
 */
import type { TableSpecification } from "../../contract";
import type { Column, DataTable } from "./api";
import { asStringColumn, cellText, makeColumn } from "./dataTable";
import { engineErrors } from "./errors";
import { convertValue, specElementType } from "./rows";

/**
 * Checks that a table has exactly the columns the spec declares (a missing, extra or renamed
 * column is an `inputMismatch` naming it), returns them in the spec's order converted to the
 * declared types (a value that does not convert names its 1-based row). A spec with no columns
 * accepts any table unchanged.
 *
 * @param table - the input table
 * @param spec - the port's table specification
 * @param portName - the input port name, for messages
 */
export function applySchema(
  table: DataTable,
  spec: TableSpecification,
  portName: string,
): DataTable {
  const declared = Object.entries(spec.properties ?? {});
  if (declared.length === 0) return table;
  const names = new Set(declared.map(([n]) => n));
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const extra = table.columns.filter((c) => !names.has(c.name)).map((c) => c.name);
  for (const [name] of declared) {
    if (byName.has(name)) continue;
    const near = extra.find((e) => e.toLowerCase().trim() === name.toLowerCase().trim());
    const hint =
      near !== undefined ? ` (it has "${near}"; column names are case- and space-sensitive)` : "";
    throw engineErrors.inputMismatch(
      "SchemaMismatch",
      `Input "${portName}" is missing column "${name}"${hint}`,
    );
  }
  if (extra.length > 0) {
    throw engineErrors.inputMismatch(
      "SchemaMismatch",
      `Input "${portName}" has column "${extra[0]}", which the service's input schema does not declare`,
    );
  }
  const columns = declared.map(([name, colSpec]) =>
    convertColumn(byName.get(name)!, specElementType(colSpec.type), colSpec.type, portName),
  );
  return { rowCount: table.rowCount, columns };
}

function convertColumn(
  col: Column,
  type: Column["type"],
  specType: string,
  portName: string,
): Column {
  if (col.type === type) return col;
  if (type === "String") return asStringColumn(col);
  const n = col.values.length;
  const bad = (r: number) =>
    engineErrors.inputMismatch(
      "InvalidValue",
      `Input "${portName}", column "${col.name}", row ${r + 1}: "${cellText(col, r)}" is not a valid ${specType}`,
    );
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const v = col.values[r];
    const x =
      typeof v === "number"
        ? v !== v
          ? NaN
          : convertValue(col.type === "Boolean" ? v === 1 : v, type)
        : convertValue(v, type);
    if (x === undefined) throw bad(r);
    out[r] = x as number;
  }
  return makeColumn(col.name, type, out, { categorical: col.categorical, usage: col.usage });
}
