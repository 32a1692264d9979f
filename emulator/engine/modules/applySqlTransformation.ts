/**
 * Apply SQL Transformation: runs a SQLite script (Studio ran SQLite too) over the inputs as
 * tables `t1`, `t2` and `t3`, in an in-memory database made for the run (`node:sqlite`). The
 * result is the last statement's rows; earlier statements may create tables and views.
 *
 * Types: Int64 columns are INTEGER, Double REAL, String TEXT and Boolean BOOLEAN (0/1); result
 * columns that come straight from a table keep its type, computed ones take the narrowest type
 * holding their values (integers, numbers, else text).
 */
import type { Column, DataTable, ElementType } from "../api";
import { makeColumn } from "../dataTable";
import { engineErrors } from "../errors";
import { loadSqlite } from "../sqliteLoader";
import { optionalTable } from "./scriptSupport";
import { tableInput, tableOutput, type StudioModule } from "./types";

const SQL_TYPES: Record<ElementType, string> = {
  Int64: "INTEGER",
  Double: "REAL",
  Boolean: "BOOLEAN",
  String: "TEXT",
};

/** A SQL identifier, double-quoted. */
function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Splits a script into statements at top-level semicolons (quotes, bracketed identifiers and
 * comments respected); empty statements are dropped.
 *
 * @param script - SQL text
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current = "";
  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i];
    if (c === "-" && script[i + 1] === "-") {
      const end = script.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
      current += " ";
      continue;
    }
    if (c === "/" && script[i + 1] === "*") {
      const end = script.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
      current += " ";
      continue;
    }
    if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      let j = i + 1;
      for (; j < n; j++) {
        if (script[j] === close) {
          if (close !== "]" && script[j + 1] === close) j++;
          else break;
        }
      }
      current += script.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === ";") {
      if (current.trim() !== "") statements.push(current.trim());
      current = "";
      i++;
      continue;
    }
    current += c;
    i++;
  }
  if (current.trim() !== "") statements.push(current.trim());
  return statements;
}

function loadTable(
  db: InstanceType<ReturnType<typeof loadSqlite>["DatabaseSync"]>,
  name: string,
  table: DataTable,
): void {
  const columns = table.columns.map((c) => `${quoteIdentifier(c.name)} ${SQL_TYPES[c.type]}`);
  db.exec(`CREATE TABLE ${name} (${columns.join(", ")})`);
  if (table.rowCount === 0 || table.columns.length === 0) return;
  const insert = db.prepare(
    `INSERT INTO ${name} VALUES (${table.columns.map(() => "?").join(", ")})`,
  );
  const row: (number | string | null)[] = new Array<number | string | null>(table.columns.length);
  db.exec("BEGIN");
  for (let r = 0; r < table.rowCount; r++) {
    for (let c = 0; c < table.columns.length; c++) {
      const v = table.columns[c].values[r];
      row[c] = typeof v === "number" && v !== v ? null : (v ?? null);
    }
    insert.run(...row);
  }
  db.exec("COMMIT");
}

/** Element type of a result column: its source column's declared type, else its values'. */
function resultType(declared: string | null, values: unknown[]): ElementType {
  switch ((declared ?? "").toUpperCase()) {
    case "INTEGER":
      return "Int64";
    case "REAL":
      return "Double";
    case "BOOLEAN":
      return "Boolean";
    case "TEXT":
      return "String";
  }
  let integral = true;
  let any = false;
  for (const v of values) {
    if (v === null) continue;
    any = true;
    if (typeof v === "string" || typeof v === "bigint")
      return typeof v === "bigint" ? "Int64" : "String";
    if (typeof v !== "number") return "String";
    if (!Number.isInteger(v)) integral = false;
  }
  return any && integral ? "Int64" : "Double";
}

/** Unique output names: a repeated name gets " (1)", " (2)" (Studio's rule for joins). */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name} (${count})`;
  });
}

/** The Apply SQL Transformation module. */
export const applySqlTransformation: StudioModule = {
  name: "Apply SQL Transformation",
  category: "Data Transformation / Manipulation",
  inputs: [
    { name: "Table1", type: "DataTable" },
    { name: "Table2", type: "DataTable", optional: true },
    { name: "Table3", type: "DataTable", optional: true },
  ],
  outputs: [{ name: "Results dataset", type: "DataTable" }],
  parameters: [{ name: "SQL Query Script", type: "String", default: "select * from t1;" }],
  differences: [
    "Runs Node's built-in SQLite (node:sqlite), a newer SQLite than Studio's; Boolean columns are stored as 0/1 and come back Boolean only when selected straight from a table.",
  ],
  run(inputs, ctx) {
    const tables = [
      tableInput(inputs[0], "Table1"),
      optionalTable(inputs[1]),
      optionalTable(inputs[2]),
    ];
    const script = ctx.params.string("SQL Query Script");
    const statements = splitStatements(script);
    const shown = script.length > 200 ? `${script.slice(0, 200)}...` : script;
    if (statements.length === 0)
      throw engineErrors.module("0069", shown, "the script has no statement");
    const { DatabaseSync } = loadSqlite();
    const db = new DatabaseSync(":memory:");
    try {
      tables.forEach((t, i) => {
        if (t) loadTable(db, `t${i + 1}`, t);
      });
      let result: { names: string[]; declared: (string | null)[]; rows: unknown[][] };
      try {
        for (const statement of statements.slice(0, -1)) db.exec(statement);
        const last = db.prepare(statements[statements.length - 1]);
        const columns = last.columns();
        if (columns.length === 0)
          throw new Error("the last statement returns no rows: end the script with a SELECT");
        last.setReturnArrays(true);
        result = {
          names: columns.map((c) => c.name),
          declared: columns.map((c) => c.type),
          rows: last.all() as unknown as unknown[][],
        };
      } catch (error) {
        throw engineErrors.module("0069", shown, (error as Error).message);
      }
      const names = uniqueNames(result.names);
      const columns: Column[] = names.map((name, c) => {
        const cells = result.rows.map((row) => row[c]);
        const type = resultType(result.declared[c], cells);
        if (type === "String") {
          return makeColumn(
            name,
            type,
            cells.map((v) => (v === null || v === undefined ? null : String(v))),
          );
        }
        const values = new Float64Array(cells.length);
        cells.forEach((v, r) => {
          values[r] = v === null || v === undefined ? NaN : Number(v);
        });
        return makeColumn(name, type, values);
      });
      return [tableOutput({ rowCount: result.rows.length, columns })];
    } finally {
      db.close();
    }
  },
};
