/**
 * Serializes a result table in the format its output blob's extension names: `.csv` (the
 * engine's own writer), `.tsv`, or `.arff` (the three dataset extensions BES accepts).
 */
import type { DataTable, EngineApi } from "../engine/api";

/** Dataset output formats. */
export type DatasetFormat = "csv" | "tsv" | "arff";

/** MIME type of each output format. */
export const CONTENT_TYPES: Readonly<Record<DatasetFormat | "ilearner" | "itransform", string>> = {
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  arff: "text/plain",
  ilearner: "application/octet-stream",
  itransform: "application/octet-stream",
};

/** .NET type names rendered as ARFF NUMERIC; everything else (String, Boolean) is STRING. */
const NUMERIC_TYPES = new Set(["Double", "Single", "Decimal", "Int16", "Int32", "Int64", "Byte"]);

function tsvField(value: string | null): string {
  return value === null ? "" : value.replace(/[\t\r\n]/g, " ");
}

function arffValue(value: string | null, numeric: boolean): string {
  if (value === null || value === "") return "?";
  if (numeric) return value;
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * The bytes of a table in a dataset format.
 * @param engine - for the CSV writer and the row rendering
 * @param table - the table
 * @param format - csv, tsv or arff
 * @param relation - the ARFF relation name (the output port)
 */
export function serializeTable(
  engine: EngineApi,
  table: DataTable,
  format: DatasetFormat,
  relation: string,
): Uint8Array {
  if (format === "csv") return engine.toCsv(table);
  const rows = engine.tableToRows(table);
  if (format === "tsv") {
    const lines = [
      rows.columnNames.map(tsvField).join("\t"),
      ...rows.values.map((r) => r.map(tsvField).join("\t")),
    ];
    return Buffer.from(lines.join("\n") + "\n", "utf8");
  }
  const numeric = rows.columnTypes.map((type) => NUMERIC_TYPES.has(type));
  const lines = [
    `@RELATION '${relation.replace(/'/g, "\\'")}'`,
    "",
    ...rows.columnNames.map(
      (name, i) => `@ATTRIBUTE '${name.replace(/'/g, "\\'")}' ${numeric[i] ? "NUMERIC" : "STRING"}`,
    ),
    "",
    "@DATA",
    ...rows.values.map((row) => row.map((v, i) => arffValue(v, numeric[i])).join(",")),
  ];
  return Buffer.from(lines.join("\n") + "\n", "utf8");
}
