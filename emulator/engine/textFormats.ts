/**
 * The delimited text formats data modules read and write besides BES inputs: CSV without a
 * header row and TSV (Import Data, Enter Data Manually, Export Data, dataset assets). CSV with a
 * header goes through the fast parser (`csv.ts`); the other cases are small by nature (typed-in
 * data, exports) and go through a plain field splitter and `tableFromRows`, which infers column
 * types the way the CSV parser does.
 */
import type { DataTable } from "./api";
import { cellText } from "./dataTable";
import { parseCsv, toCsv } from "./csv";
import { engineErrors } from "./errors";
import { tableFromRows } from "./rows";

/** A delimited text format. */
export type TextFormat = "CSV" | "TSV";

/**
 * Splits CSV text into records of raw field text (RFC 4180 quotes, `""` escapes).
 *
 * @param text - the whole text
 */
export function splitCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
      continue;
    }
    if (c === '"' && field === "" && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
    } else if (c === ",") {
      record.push(field);
      field = "";
      wasQuoted = false;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      wasQuoted = false;
    } else field += c;
  }
  if (field !== "" || record.length > 0 || wasQuoted) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/**
 * Parses delimited text into a table. Without a header row, columns are named Col1, Col2, ...
 * (Studio's names). Empty cells are missing; a blank last line is ignored.
 *
 * @param bytes - UTF-8 text
 * @param options - format, header row, and the name used in error messages
 */
export function parseDelimited(
  bytes: Uint8Array,
  options: { format: TextFormat; header: boolean; name: string },
): DataTable {
  if (options.format === "CSV" && options.header) return parseCsv(bytes, options.name);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString("utf8")
    .replace(/^\uFEFF/, "");
  let records =
    options.format === "CSV"
      ? splitCsvRecords(text)
      : text.split(/\r\n|\n|\r/).map((line) => line.split("\t"));
  while (records.length > 0 && records[records.length - 1].every((f) => f === ""))
    records = records.slice(0, -1);
  if (records.length === 0)
    throw engineErrors.inputParse("InvalidCsv", `${options.format} "${options.name}" is empty`);
  const width = records[0].length;
  const names = options.header
    ? records[0].map((n) => n.trim())
    : Array.from({ length: width }, (_, i) => `Col${i + 1}`);
  const rows = (options.header ? records.slice(1) : records).map((r, i) => {
    if (r.length !== width) {
      throw engineErrors.inputParse(
        "InvalidCsv",
        `${options.format} "${options.name}": row ${i + 1} has ${r.length} field(s) but the first row has ${width}`,
      );
    }
    return r.map((v) => (v === "" ? null : v));
  });
  return tableFromRows(names, rows);
}

/**
 * Writes a table as delimited text, with or without its header row.
 *
 * @param table - the table
 * @param options - format and header row
 */
export function writeDelimited(
  table: DataTable,
  options: { format: TextFormat; header: boolean },
): Uint8Array {
  if (options.format === "CSV") {
    const csv = Buffer.from(toCsv(table));
    if (options.header) return csv;
    const firstBreak = csv.indexOf(10);
    return firstBreak < 0 ? new Uint8Array(0) : csv.subarray(firstBreak + 1);
  }
  const field = (v: string | null): string => (v ?? "").replace(/[\t\r\n]/g, " ");
  const lines: string[] = [];
  if (options.header) lines.push(table.columns.map((c) => field(c.name)).join("\t"));
  for (let r = 0; r < table.rowCount; r++)
    lines.push(table.columns.map((c) => field(cellText(c, r))).join("\t"));
  return Buffer.from(lines.join("\n") + (lines.length > 0 ? "\n" : ""), "utf8");
}
