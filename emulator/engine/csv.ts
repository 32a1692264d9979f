/**
 * CSV ⇄ {@link DataTable}: RFC 4180 (header row, comma separator, `"` quoting with `""` escapes,
 * quoted commas and line breaks), LF, CRLF or CR line ends, UTF-8 with an optional BOM.
 *
 * Hand-written rather than a library because it parses bytes straight into typed columns: the
 * libraries measured (docs/designs/2026-11-engine.md, "CSV parsing") first build a string per
 * cell, which costs 3–10× more on the 1M-row numeric benchmark.
 *
 * Type inference, per column, over every row: Int64 when every value is an integer literal,
 * Double when every value is a number, Boolean when every value is true/false, else String.
 * Missing: an empty cell everywhere; `?`, `NA` and blank cells too in columns that are otherwise
 * numeric or boolean (in a String column they stay literal text). A column with no value at all
 * is Double. `NaN` reads as missing (the DataTable has no separate NaN).
 */
import { isUtf8 } from "node:buffer";
import { availableParallelism, loadavg } from "node:os";
import type { Column, DataTable, ElementType } from "./api";
import { parseOnHelper } from "./csvHelper";
import { cellText, makeColumn } from "./dataTable";
import { engineErrors } from "./errors";
import {
  scanBooleanBytes,
  scanNumberBytes,
  scanPlainNumber,
  type NumberScan,
} from "./valueParsing";

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const QUESTION = 63;
const SPACE = 32;
const TAB = 9;

/** Column inference states, narrowed as rows are read. */
export const enum Infer {
  /** Only missing cells so far. */
  Unknown,
  Numeric,
  Boolean,
  String,
}

/** One field located in the bytes: content range and quoting. */
interface FieldSlot {
  start: number;
  end: number;
  /** 0 unquoted, 1 quoted, 2 quoted with `""` escapes. */
  quote: number;
  /** Offset just past the field's separator or line break. */
  next: number;
  /** The field ended its row (line break or end of input). */
  lastInRow: boolean;
}

/** Per-column parse state. */
export interface ColumnState {
  infer: Infer;
  numbers: Float64Array;
  integral: boolean;
  strings: (string | null)[] | null;
}

/**
 * Parses CSV bytes into a typed table.
 *
 * @param bytes - the file's bytes (UTF-8)
 * @param name - what to call the input in error messages (port or file name)
 */
export function parseCsv(bytes: Uint8Array, name: string): DataTable {
  return parseCsvWith(bytes, name, {});
}

/** How {@link parseCsvWith} may use a second thread. */
export interface ParallelParse {
  /** Rows of at least this many bytes are parsed in two halves (default {@link PARALLEL_MIN_BYTES}). */
  readonly minBytes?: number;
  /**
   * Wait for the helper even when it has not begun the second half (default false: this thread
   * then parses it itself). Tests set it so that the helper's half is the one joined.
   */
  readonly waitForHelper?: boolean;
  /**
   * Parse in two even when the machine has no core to spare (default false). Two threads of one
   * process only run at once when another core is idle; on a busy machine the second thread
   * costs CPU (the copy, the join) and saves no time, as measured on the 2-core bench machine.
   */
  readonly evenWhenBusy?: boolean;
}

/** A core is idle: the 1-minute load average is below the cores minus one. */
function spareCore(): boolean {
  return loadavg()[0] < availableParallelism() - 1;
}

/**
 * {@link parseCsv} with the two-thread parse tuned (tests compare it with one thread).
 *
 * @param bytes - the file's bytes (UTF-8)
 * @param name - what to call the input in error messages
 * @param parallel - when to parse on two threads
 */
export function parseCsvWith(bytes: Uint8Array, name: string, parallel: ParallelParse): DataTable {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = buf.length;
  const pos = n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  if (isBlank(buf, pos, n)) throw engineErrors.inputParse("InvalidCsv", `CSV "${name}" is empty`);
  try {
    return parseValidUtf8(buf, pos, name, parallel);
  } catch (error) {
    // Every byte outside ASCII is in a cell decoded as text, and decoding checks it (no pass over
    // the whole file when it is valid); whatever failed, bad UTF-8 anywhere is what is reported,
    // as when the whole file was checked first.
    if (!isUtf8(buf)) throw invalidUtf8(buf, pos, name);
    throw error;
  }
}

/** Thrown by {@link decodeField} on bytes that are not UTF-8 (turned into the named error). */
class NotUtf8 extends Error {}

function parseValidUtf8(
  buf: Buffer,
  pos: number,
  name: string,
  parallel: ParallelParse,
): DataTable {
  const n = buf.length;
  const slot: FieldSlot = { start: 0, end: 0, quote: 0, next: 0, lastInRow: false };
  const header: string[] = [];
  for (;;) {
    readField(buf, pos, slot, name, 0, header.length, header);
    header.push(decodeField(buf, slot));
    pos = slot.next;
    if (slot.lastInRow) break;
  }
  checkHeader(header, name);

  // Row count upper bound (quoted line breaks only over-count) sizes the typed arrays once.
  const capacity = rowCapacity(buf, pos);
  const split =
    n - pos >= (parallel.minBytes ?? PARALLEL_MIN_BYTES) && (parallel.evenWhenBusy || spareCore())
      ? splitPoint(buf, pos)
      : -1;
  const parsed =
    (split > 0 &&
      parseInTwo(buf, pos, split, capacity, header, name, parallel.waitForHelper ?? false)) ||
    parseRows(buf, pos, capacity, header, name);
  if (parsed.rows === 0) {
    throw engineErrors.inputParse("InvalidCsv", `CSV "${name}" has a header row but no data rows`);
  }
  const columns: Column[] = header.map((colName, c) =>
    finishColumn(colName, parsed.states[c], parsed.rows),
  );
  return { rowCount: parsed.rows, columns };
}

/** Rows and column states of a parsed run of rows. */
export interface ParsedRows {
  rows: number;
  states: ColumnState[];
}

/** Upper bound on the rows from `pos` on: its line breaks (plus an unterminated last line). */
function rowCapacity(buf: Buffer, pos: number): number {
  let capacity = buf[buf.length - 1] === LF ? 0 : 1;
  for (let i = buf.indexOf(LF, pos); i !== -1; i = buf.indexOf(LF, i + 1)) capacity++;
  return Math.max(capacity, 1);
}

/**
 * Parses the data rows of `buf` from `pos` (a row's start) to its end into column states.
 * Throws the engine's parse errors; row numbers count from the first row parsed here.
 *
 * @param buf - CSV bytes (a whole file, or a run of whole rows of one)
 * @param pos - where the first row starts
 * @param initialCapacity - rows to size the columns for (they grow if it is short); 0 counts them
 * @param header - the column names (from the file's header row)
 * @param name - what to call the input in error messages
 */
export function parseRows(
  buf: Buffer,
  pos: number,
  initialCapacity: number,
  header: readonly string[],
  name: string,
): ParsedRows {
  const n = buf.length;
  const ncol = header.length;
  let capacity = initialCapacity > 0 ? initialCapacity : rowCapacity(buf, pos);
  const slot: FieldSlot = { start: 0, end: 0, quote: 0, next: 0, lastInRow: false };
  const states: ColumnState[] = header.map(() => ({
    infer: Infer.Unknown,
    numbers: new Float64Array(capacity),
    integral: true,
    strings: null,
  }));
  let rowStarts: Uint32Array = new Uint32Array(Math.min(capacity, 1 << 20));
  const scan: NumberScan = { value: 0, integral: true };

  let row = 0;
  while (pos < n) {
    // A blank line is no row when the table has several columns (it would be ragged anyway).
    if (ncol > 1 && (buf[pos] === LF || buf[pos] === CR)) {
      pos += buf[pos] === CR && buf[pos + 1] === LF ? 2 : 1;
      continue;
    }
    if (row === capacity) {
      capacity *= 2;
      for (const st of states) st.numbers = growFloat(st.numbers, capacity);
    }
    if (row === rowStarts.length) rowStarts = growUint(rowStarts, rowStarts.length * 2);
    rowStarts[row] = pos;
    for (let c = 0; c < ncol; c++) {
      const st = states[c];
      if (st.infer === Infer.Numeric || st.infer === Infer.Unknown) {
        const end = scanPlainNumber(buf, pos, n, scan);
        if (end >= 0 && (end >= n || buf[end] !== COMMA) === (c === ncol - 1)) {
          st.numbers[row] = scan.value;
          if (!scan.integral) st.integral = false;
          st.infer = Infer.Numeric;
          if (end >= n) pos = n;
          else if (buf[end] === COMMA) pos = end + 1;
          else pos = buf[end] === CR && buf[end + 1] === LF ? end + 2 : end + 1;
          continue;
        }
      }
      readField(buf, pos, slot, name, row + 1, c, header);
      if (slot.lastInRow !== (c === ncol - 1))
        throw raggedRow(buf, rowStarts[row], row + 1, c, slot, header, name);
      pos = slot.next;
      const s = slot.start;
      const e = slot.end;
      switch (st.infer) {
        case Infer.Unknown:
        case Infer.Numeric:
          if (s === e) {
            st.numbers[row] = NaN;
          } else if (scanNumberBytes(buf, s, e, scan)) {
            st.numbers[row] = scan.value;
            if (!scan.integral) st.integral = false;
            st.infer = Infer.Numeric;
          } else if (isMissingTokenBytes(buf, s, e)) {
            st.numbers[row] = NaN;
          } else if (st.infer === Infer.Unknown && scanBooleanBytes(buf, s, e) >= 0) {
            st.numbers[row] = scanBooleanBytes(buf, s, e);
            st.infer = Infer.Boolean;
          } else {
            toStringColumn(st, buf, rowStarts, row, c, name, header);
            st.strings![row] = decodeCell(buf, slot);
          }
          break;
        case Infer.Boolean: {
          const v = s === e ? -1 : scanBooleanBytes(buf, s, e);
          if (v >= 0) st.numbers[row] = v;
          else if (s === e || isMissingTokenBytes(buf, s, e)) st.numbers[row] = NaN;
          else {
            toStringColumn(st, buf, rowStarts, row, c, name, header);
            st.strings![row] = decodeCell(buf, slot);
          }
          break;
        }
        default:
          st.strings![row] = decodeCell(buf, slot);
      }
    }
    row++;
  }
  return { rows: row, states };
}

/** Below this many bytes of rows a file is parsed on one thread (a helper would not pay off). */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

/**
 * Where to cut the rows in two for {@link parseInTwo}: just past the line break nearest the
 * middle, or -1 when the file cannot be cut safely. A file with any `"` is never cut: a line
 * break may sit inside a quoted field, and telling that needs a pass from the start.
 */
export function splitPoint(buf: Buffer, pos: number): number {
  if (buf.indexOf(QUOTE, pos) !== -1) return -1;
  const lf = buf.indexOf(LF, pos + ((buf.length - pos) >> 1));
  return lf === -1 || lf + 1 >= buf.length ? -1 : lf + 1;
}

/**
 * Parses the rows in two halves at once: the second on a helper thread (`csvHelper.ts`), the
 * first here, then joins them. Returns undefined, and the caller parses the whole file on this
 * thread, whenever the halves cannot be joined into exactly what that parse gives: a parse error
 * in either half (the one-thread parse reports it with the file's own row numbers), a column
 * typed differently in each half (one numeric, the other boolean or text), or no helper.
 */
function parseInTwo(
  buf: Buffer,
  pos: number,
  split: number,
  capacity: number,
  header: readonly string[],
  name: string,
  waitForHelper: boolean,
): ParsedRows | undefined {
  const pending = parseOnHelper<ParsedRows>(buf.subarray(split), header, waitForHelper);
  if (!pending) return undefined;
  const t0 = performance.now();
  let first: ParsedRows;
  try {
    first = parseRows(buf.subarray(0, split), pos, capacity, header, name);
  } catch {
    pending.result(0);
    return undefined;
  }
  const own = performance.now() - t0;
  const answer = pending.result(own);
  if (answer === "failed") return undefined;
  let second: ParsedRows;
  if (answer === "yours") {
    try {
      second = parseRows(buf.subarray(split), 0, 0, header, name);
    } catch {
      return undefined;
    }
  } else second = answer;
  return joinRows(first, second);
}

/**
 * Appends `second`'s rows to `first`'s (which was sized for both), or undefined when a column's
 * type differs between them in a way the one-thread parse would have resolved differently.
 */
export function joinRows(first: ParsedRows, second: ParsedRows): ParsedRows | undefined {
  const rows = first.rows + second.rows;
  const states: ColumnState[] = [];
  for (let c = 0; c < first.states.length; c++) {
    const a = first.states[c];
    const b = second.states[c];
    let infer: Infer;
    if (a.infer === b.infer || b.infer === Infer.Unknown) infer = a.infer;
    else if (a.infer === Infer.Unknown) infer = b.infer;
    else return undefined;
    if (infer === Infer.String) {
      if (a.infer !== Infer.String || b.infer !== Infer.String) return undefined;
      const strings = a.strings!;
      strings.length = first.rows;
      for (let r = 0; r < second.rows; r++) strings.push(b.strings![r]);
      states.push({ infer, numbers: new Float64Array(0), integral: true, strings });
      continue;
    }
    let numbers = a.numbers;
    if (numbers.length < rows) numbers = growFloat(numbers.subarray(0, first.rows), rows);
    numbers.set(b.numbers.subarray(0, second.rows), first.rows);
    states.push({ infer, numbers, integral: a.integral && b.integral, strings: null });
  }
  return { rows, states };
}

/** Builds the final column from its inference state. */
function finishColumn(name: string, st: ColumnState, rows: number): Column {
  if (st.infer === Infer.String) {
    const strings = st.strings!;
    strings.length = rows;
    return makeColumn(name, "String", strings);
  }
  // A view avoids copying when the capacity estimate was (nearly) exact.
  const values =
    st.numbers.length === rows
      ? st.numbers
      : rows >= st.numbers.length * 0.875
        ? st.numbers.subarray(0, rows)
        : st.numbers.slice(0, rows);
  let type: ElementType = "Double";
  if (st.infer === Infer.Boolean) type = "Boolean";
  else if (st.infer === Infer.Numeric && st.integral) type = "Int64";
  return makeColumn(name, type, values);
}

/**
 * Switches a column to String at `row`: re-reads the earlier cells of the column from the
 * bytes (cheap: happens once per column, usually on the first row).
 */
function toStringColumn(
  st: ColumnState,
  buf: Buffer,
  rowStarts: Uint32Array,
  row: number,
  c: number,
  name: string,
  header: readonly string[],
): void {
  const strings: (string | null)[] = new Array<string | null>(st.numbers.length);
  const slot: FieldSlot = { start: 0, end: 0, quote: 0, next: 0, lastInRow: false };
  for (let r = 0; r < row; r++) {
    let p = rowStarts[r];
    for (let k = 0; k <= c; k++) {
      readField(buf, p, slot, name, r + 1, k, header);
      p = slot.next;
    }
    strings[r] = decodeCell(buf, slot);
  }
  st.strings = strings;
  st.infer = Infer.String;
  st.numbers = new Float64Array(0);
}

/**
 * Locates the field starting at `pos`: fills `slot` with its content range and where the next
 * field starts. Throws on an unterminated quote or text after a closing quote.
 */
function readField(
  buf: Buffer,
  pos: number,
  slot: FieldSlot,
  name: string,
  row: number,
  col: number,
  header: readonly string[],
): void {
  const n = buf.length;
  let i = pos;
  if (i < n && buf[i] === QUOTE) {
    const start = i + 1;
    let escaped = false;
    let q = buf.indexOf(QUOTE, start);
    for (;;) {
      if (q === -1) {
        throw engineErrors.inputParse(
          "InvalidCsv",
          `CSV "${name}": unterminated quoted field in ${where(buf, pos, row, col, header)}`,
        );
      }
      if (buf[q + 1] === QUOTE) {
        escaped = true;
        q = buf.indexOf(QUOTE, q + 2);
        continue;
      }
      break;
    }
    slot.start = start;
    slot.end = q;
    slot.quote = escaped ? 2 : 1;
    i = q + 1;
    if (i < n && buf[i] !== COMMA && buf[i] !== LF && buf[i] !== CR) {
      throw engineErrors.inputParse(
        "InvalidCsv",
        `CSV "${name}": unexpected text after a closing quote in ${where(buf, pos, row, col, header)}`,
      );
    }
  } else {
    slot.start = i;
    while (i < n) {
      const c = buf[i];
      if (c === COMMA || c === LF || c === CR) break;
      i++;
    }
    slot.end = i;
    slot.quote = 0;
  }
  if (i >= n) {
    slot.next = n;
    slot.lastInRow = true;
  } else if (buf[i] === COMMA) {
    slot.next = i + 1;
    slot.lastInRow = false;
  } else {
    slot.next = buf[i] === CR && buf[i + 1] === LF ? i + 2 : i + 1;
    slot.lastInRow = true;
  }
}

/**
 * A field as text (header names: empty stays empty). Throws {@link NotUtf8} when its bytes are
 * not UTF-8 (decoding turned them into U+FFFD; a real U+FFFD in the text is checked and passes).
 */
function decodeField(buf: Buffer, slot: FieldSlot): string {
  const text = buf.toString("utf8", slot.start, slot.end);
  if (text.includes("\uFFFD") && !isUtf8(buf.subarray(slot.start, slot.end))) throw new NotUtf8();
  return slot.quote === 2 ? text.replace(/""/g, '"') : text;
}

/** A String cell: an unquoted empty cell is missing; a quoted empty cell is the empty string. */
function decodeCell(buf: Buffer, slot: FieldSlot): string | null {
  if (slot.start === slot.end && slot.quote === 0) return null;
  return decodeField(buf, slot);
}

/** `?`, `NA` or blank (spaces/tabs only). */
function isMissingTokenBytes(b: Uint8Array, s: number, e: number): boolean {
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
  const len = e - s;
  if (len === 0) return true;
  if (len === 1) return b[s] === QUESTION;
  return len === 2 && b[s] === 78 && b[s + 1] === 65; // "NA"
}

function isBlank(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c !== SPACE && c !== TAB && c !== LF && c !== CR) return false;
  }
  return true;
}

function checkHeader(header: string[], name: string): void {
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (h.trim() === "") {
      throw engineErrors.inputParse(
        "InvalidCsv",
        `CSV "${name}": the header has no name for column ${i + 1}`,
      );
    }
    if (seen.has(h)) {
      throw engineErrors.inputParse(
        "InvalidCsv",
        `CSV "${name}": column name "${h}" appears twice in the header`,
      );
    }
    seen.add(h);
  });
}

/** "row 3, column "b" (line 4)": rows are 1-based data rows, lines 1-based physical lines. */
function where(
  buf: Buffer,
  offset: number,
  row: number,
  col: number,
  header: readonly string[],
): string {
  const line = lineOf(buf, offset);
  if (row === 0) return `the header (line ${line})`;
  const colName = col < header.length ? `column "${header[col]}"` : `column ${col + 1}`;
  return `row ${row}, ${colName} (line ${line})`;
}

function lineOf(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = buf.indexOf(LF, 0); i !== -1 && i < offset; i = buf.indexOf(LF, i + 1)) line++;
  return line;
}

function raggedRow(
  buf: Buffer,
  rowStart: number,
  row: number,
  c: number,
  slot: FieldSlot,
  header: readonly string[],
  name: string,
): Error {
  const line = lineOf(buf, rowStart);
  if (slot.lastInRow) {
    return engineErrors.inputParse(
      "InvalidCsv",
      `CSV "${name}": row ${row} (line ${line}) has ${c + 1} field(s) but the header has ${header.length} columns; column "${header[c + 1]}" is missing`,
    );
  }
  return engineErrors.inputParse(
    "InvalidCsv",
    `CSV "${name}": row ${row} (line ${line}) has more fields than the header's ${header.length} columns (field ${c + 2} has no column)`,
  );
}

/** Finds the first invalid UTF-8 byte and names its row and column. */
function invalidUtf8(buf: Buffer, from: number, name: string): Error {
  const bad = firstInvalidUtf8(buf, from);
  // Walk the fields up to the bad byte to name the row and column.
  const slot: FieldSlot = { start: 0, end: 0, quote: 0, next: 0, lastInRow: false };
  const header: string[] = [];
  let pos = from;
  let row = 0;
  let col = 0;
  try {
    while (pos < buf.length) {
      readField(buf, pos, slot, name, row, col, header);
      if (slot.next > bad) break;
      if (row === 0) header.push(buf.toString("latin1", slot.start, slot.end));
      pos = slot.next;
      if (slot.lastInRow) {
        row++;
        col = 0;
      } else col++;
    }
  } catch {
    // A structural error further on does not matter: the bad byte comes first.
  }
  const hex = buf[bad].toString(16).toUpperCase().padStart(2, "0");
  return engineErrors.inputParse(
    "InvalidCsv",
    `CSV "${name}" is not valid UTF-8: byte 0x${hex} in ${where(buf, bad, row, col, header)}`,
  );
}

function firstInvalidUtf8(b: Uint8Array, from: number): number {
  let i = from;
  while (i < b.length) {
    const c = b[i];
    let extra: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) extra = 1;
    else if (c >= 0xe0 && c <= 0xef) extra = 2;
    else if (c >= 0xf0 && c <= 0xf4) extra = 3;
    else return i;
    if (!isUtf8(b.subarray(i, i + 1 + extra))) return i;
    i += 1 + extra;
  }
  return b.length - 1;
}

function growFloat(a: Float64Array, size: number): Float64Array {
  const out = new Float64Array(size);
  out.set(a);
  return out;
}

function growUint(a: Uint32Array, size: number): Uint32Array {
  const out = new Uint32Array(size);
  out.set(a);
  return out;
}

/** Quotes a CSV field when it holds a separator, quote, line break or edge spaces. */
function quoteField(text: string): string {
  if (text === "" || /[",\r\n]|^\s|\s$/.test(text)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

/**
 * Serializes a table as CSV (header row, LF line ends, UTF-8, no BOM). Missing cells are empty;
 * an empty string is written `""` so it reads back as a string.
 *
 * @param table - the table to write
 */
export function toCsv(table: DataTable): Uint8Array {
  const chunks: Buffer[] = [];
  const lines: string[] = [table.columns.map((c) => quoteField(c.name)).join(",")];
  const cols = table.columns;
  const writers = cols.map((col) => cellWriter(col));
  const BATCH = 4096;
  for (let r = 0; r < table.rowCount; r++) {
    let line = "";
    for (let c = 0; c < cols.length; c++) {
      if (c > 0) line += ",";
      line += writers[c](r);
    }
    lines.push(line);
    if (lines.length >= BATCH) {
      chunks.push(Buffer.from(lines.join("\n") + "\n", "utf8"));
      lines.length = 0;
    }
  }
  if (lines.length > 0) chunks.push(Buffer.from(lines.join("\n") + "\n", "utf8"));
  const out = Buffer.concat(chunks);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function cellWriter(col: Column): (row: number) => string {
  const values = col.values;
  if (values instanceof Float64Array) {
    if (col.type === "Boolean") {
      return (r) => {
        const v = values[r];
        return v !== v ? "" : v !== 0 ? "True" : "False";
      };
    }
    return (r) => {
      const v = values[r];
      return v !== v ? "" : (cellText(col, r) ?? "");
    };
  }
  return (r) => {
    const v = values[r];
    return v === null ? "" : quoteField(v);
  };
}
