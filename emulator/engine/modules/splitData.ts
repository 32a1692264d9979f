/**
 * Split Data (`docs/modules.md`): routes each row to one of two outputs.
 *
 * Split Rows: the first output gets ⌊n × fraction⌋ rows (so with 0.5 and an odd count the extra
 * row goes to the second output), per stratum when stratified. Randomized splits draw the rows
 * with the seeded generator (seed 0 is the literal seed 0, not the clock); both outputs keep the
 * input's row order. Regular Expression and Relative Expression read a column reference
 * (`\"name"` or 0-based `(\N)`) followed by a pattern or by comparisons joined with `&` / `|`.
 */
import type { Column, DataTable } from "../api";
import { parseColumnSelection, selectSingleColumn } from "../columnPicker";
import { cellText, isMissing, isNumericType, sliceRows, takeRows } from "../dataTable";
import { engineErrors } from "../errors";
import { isCategoricalColumn } from "../learners/features";
import { Rng } from "../rng";
import { parseNumberText } from "../valueParsing";
import { tableInput, tableOutput, type StudioModule } from "./types";

const FRACTION = "Fraction of rows in the first output dataset";
const STRATA = "Stratification key column";

/** The Split Data module. */
export const splitData: StudioModule = {
  name: "Split Data",
  category: "Data Transformation / Sample and Split",
  differences: [
    "Recommender Split is Error 0039; Regular Expression uses JavaScript regular expressions; the first output gets ⌊rows × fraction⌋ rows.",
  ],
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [
    { name: "Results dataset1", type: "DataTable" },
    { name: "Results dataset2", type: "DataTable" },
  ],
  parameters: [
    {
      name: "Splitting mode",
      type: "Enum",
      default: "Split Rows",
      values: ["Split Rows", "Recommender Split", "Regular Expression", "Relative Expression"],
      enumName: "Splitting mode",
      aliases: {
        SplitRows: "Split Rows",
        RegularExpression: "Regular Expression",
        RelativeExpression: "Relative Expression",
      },
    },
    { name: FRACTION, type: "String", default: "0.5" },
    { name: "Randomized split", type: "Boolean", default: "True" },
    { name: "Random seed", type: "Integer", default: "0", min: 0 },
    { name: "Stratified split", type: "Boolean", default: "False" },
    { name: STRATA, type: "ColumnSelection" },
    { name: "Regular expression", type: "String", default: '\\"column name" ^start' },
    { name: "Relational expression", type: "String", default: '\\"column name" > 3' },
  ],
  run(inputs, ctx) {
    const table = tableInput(inputs[0], "Dataset");
    const p = ctx.params;
    const mode = p.enumValue("Splitting mode");
    let first: Uint8Array;
    if (mode === "Split Rows") {
      if (table.rowCount < 2) throw engineErrors.module("0021", "Dataset", 2);
      const fraction = parseFraction(p.string(FRACTION), table.rowCount);
      let strata: Column | undefined;
      if (p.bool("Stratified split")) {
        const ci = selectSingleColumn(
          table,
          parseColumnSelection(p.string(STRATA), STRATA),
          STRATA,
          "Dataset",
        );
        strata = table.columns[ci];
        if (!isCategoricalColumn(strata)) throw engineErrors.module("0056", strata.name);
      }
      const rng = p.bool("Randomized split") ? new Rng(p.int("Random seed")) : undefined;
      first = splitRows(table, fraction, strata, rng);
    } else if (mode === "Regular Expression") {
      first = splitByRegex(table, p.string("Regular expression"));
    } else if (mode === "Relative Expression") {
      first = splitByRelation(table, p.string("Relational expression"));
    } else {
      throw engineErrors.module(
        "0039",
        `splitting mode "${mode}" is not supported by the emulator`,
      );
    }
    return splitTable(table, first).map(tableOutput);
  },
};

/**
 * The two outputs of a split. When the first output is a leading run of rows (a split that is
 * not randomized) both are slices of the input, whose numeric columns share its storage (nothing
 * writes to a table once made); otherwise the rows are copied.
 *
 * @param table - the input
 * @param first - 1 for the rows of the first output
 */
function splitTable(table: DataTable, first: Uint8Array): [DataTable, DataTable] {
  const n = table.rowCount;
  let count = 0;
  for (let r = 0; r < n; r++) count += first[r] ? 1 : 0;
  let leading = true;
  for (let r = 0; r < count && leading; r++) leading = first[r] !== 0;
  if (leading) return [sliceRows(table, 0, count), sliceRows(table, count, n)];
  const out1 = new Uint32Array(count);
  const out2 = new Uint32Array(n - count);
  for (let r = 0, i = 0, j = 0; r < n; r++) {
    if (first[r]) out1[i++] = r;
    else out2[j++] = r;
  }
  return [takeRows(table, out1), takeRows(table, out2)];
}

/**
 * The fraction parameter: a proportion in [0, 1], a percentage "NN%" strictly between 0 and 100,
 * or a whole row count below the row count. Returns a proportion.
 */
function parseFraction(text: string, rows: number): number {
  const t = text.trim();
  if (t.endsWith("%")) {
    const parsed = parseNumberText(t.slice(0, -1));
    if (!parsed || Number.isNaN(parsed.value))
      throw engineErrors.module("0002", FRACTION, text, "String", "Float");
    if (!(parsed.value > 0 && parsed.value < 100))
      throw engineErrors.module("0008", FRACTION, "0%", "100%");
    return parsed.value / 100;
  }
  const parsed = parseNumberText(t);
  if (!parsed || Number.isNaN(parsed.value))
    throw engineErrors.module("0002", FRACTION, text, "String", "Float");
  const v = parsed.value;
  if (v >= 0 && v <= 1) return v;
  if (v > 1 && Number.isInteger(v)) {
    if (v >= rows) throw engineErrors.module("0006", FRACTION, rows);
    return v / rows;
  }
  throw engineErrors.module("0008", FRACTION, 0, 1);
}

/** Marks the rows of the first output. */
function splitRows(
  table: DataTable,
  fraction: number,
  strata: Column | undefined,
  rng: Rng | undefined,
): Uint8Array {
  const first = new Uint8Array(table.rowCount);
  const groups = new Map<string, number[]>();
  if (strata) {
    for (let r = 0; r < table.rowCount; r++) {
      const key = cellText(strata, r) ?? "\u0000missing";
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(r);
    }
  } else {
    groups.set(
      "",
      Array.from({ length: table.rowCount }, (_v, i) => i),
    );
  }
  for (const rows of groups.values()) {
    // The epsilon keeps 0.29 × 100 = 28.999999999999996 at 29 rows.
    const take = Math.floor(rows.length * fraction + 1e-9);
    const order = rng ? rng.shuffle(rows.slice()) : rows;
    for (let k = 0; k < take; k++) first[order[k]] = 1;
  }
  return first;
}

/** Reads `\"name"` or `(\N)` (0-based) at the start of an expression. */
function columnReference(
  expr: string,
  paramName: string,
  table: DataTable,
): { column: Column; rest: string } {
  const t = expr.trim();
  const byName = /^\\?"([^"]*)"/.exec(t);
  const byIndex = /^\(\\(\d+)\)/.exec(t);
  if (byName) {
    const column = table.columns.find((c) => c.name === byName[1]);
    if (!column) throw engineErrors.module("0001", byName[1], "Dataset");
    return { column, rest: t.slice(byName[0].length) };
  }
  if (byIndex) {
    const index = Number(byIndex[1]);
    if (index >= table.columns.length) throw engineErrors.module("0001", byIndex[1], "Dataset");
    return { column: table.columns[index], rest: t.slice(byIndex[0].length) };
  }
  throw engineErrors.module("0002", paramName, expr, "String", "Expression");
}

function splitByRegex(table: DataTable, expr: string): Uint8Array {
  const param = "Regular expression";
  const { column, rest } = columnReference(expr, param, table);
  let regex: RegExp;
  try {
    regex = new RegExp(rest.trim());
  } catch {
    throw engineErrors.module("0002", param, expr, "String", "Regex");
  }
  const first = new Uint8Array(table.rowCount);
  for (let r = 0; r < table.rowCount; r++) {
    const text = cellText(column, r);
    if (text !== null && regex.test(text)) first[r] = 1;
  }
  return first;
}

type Comparison = { op: string; value: number };

function splitByRelation(table: DataTable, expr: string): Uint8Array {
  const param = "Relational expression";
  const { column, rest } = columnReference(expr, param, table);
  if (!isNumericType(column.type)) throw engineErrors.module("0017", column.type, column.name);
  // "a & b | c" = (a AND b) OR c: & binds tighter, and there are no parentheses.
  const disjuncts: Comparison[][] = rest.split("|").map((part) =>
    part.split("&").map((cond) => {
      const m = /^\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/.exec(cond);
      const parsed = m ? parseNumberText(m[2]) : undefined;
      if (!m || !parsed) throw engineErrors.module("0002", param, expr, "String", "Expression");
      return { op: m[1], value: parsed.value };
    }),
  );
  const values = column.values as Float64Array;
  const first = new Uint8Array(table.rowCount);
  for (let r = 0; r < table.rowCount; r++) {
    if (isMissing(column, r)) continue;
    const v = values[r];
    if (disjuncts.some((all) => all.every((c) => compare(v, c)))) first[r] = 1;
  }
  return first;
}

function compare(v: number, c: Comparison): boolean {
  switch (c.op) {
    case "<":
      return v < c.value;
    case ">":
      return v > c.value;
    case "<=":
      return v <= c.value;
    case ">=":
      return v >= c.value;
    case "==":
      return v === c.value;
    default:
      return v !== c.value;
  }
}
