/**
 * The column picker (`ColumnSelection` parameters); see `docs/modules.md`.
 *
 * Values come in Studio's "legacy" rule shape as a JSON string or an object:
 * `{"isFilter": true, "rules": [{"ruleType": "ColumnNames", "exclude": false, "columns": ["a"]}]}`.
 * As a convenience, a plain string that is not JSON is read as comma-separated column names.
 */
import type { Column, DataTable } from "./api";
import { prop } from "./caseInsensitive";
import { isNumericType } from "./dataTable";
import { engineErrors } from "./errors";

/** One rule of a column selection. */
export interface ColumnRule {
  ruleType: "AllColumns" | "ColumnNames" | "ColumnIndexes" | "ColumnTypes";
  exclude: boolean;
  /** Names (ColumnNames) or 1-based indices and ranges (ColumnIndexes). */
  columns: string[];
  /** ColumnTypes: String, Integer, Double, Boolean, DateTime, TimeSpan, Categorical, Numeric, All. */
  columnTypes: string[];
  /** ColumnTypes: Feature, Label, Score, All. */
  columnKinds: string[];
}

/** A parsed column selection. */
export interface ColumnSelection {
  /** true: set operations, original column order; false: columns in the order the rules list them. */
  isFilter: boolean;
  rules: ColumnRule[];
}

const RULE_TYPES = ["AllColumns", "ColumnNames", "ColumnIndexes", "ColumnTypes"] as const;
const COLUMN_TYPES = [
  "string",
  "integer",
  "double",
  "boolean",
  "datetime",
  "timespan",
  "categorical",
  "numeric",
  "all",
  "alltypes",
];
const COLUMN_KINDS = ["feature", "label", "score", "all"];

function asStrings(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((x) => String(x));
  return [String(v)];
}

/**
 * Parses a ColumnSelection parameter value. Throws Error 0002 when it is not a valid selection.
 *
 * @param value - the parameter value (JSON string, object, or comma-separated names)
 * @param paramName - parameter display name, for messages
 */
export function parseColumnSelection(value: unknown, paramName: string): ColumnSelection {
  if (typeof value !== "string") return parseSelection(value, paramName);
  // A served predictive graph reads the same picker text on every request: parse it once.
  const key = `${paramName}\u0000${value}`;
  let parsed = parsedSelections.get(key);
  if (parsed === undefined) {
    parsed = parseSelection(value, paramName);
    if (parsedSelections.size >= PARSED_SELECTIONS_KEPT) parsedSelections.clear();
    parsedSelections.set(key, parsed);
  }
  return parsed;
}

/** Most picker texts kept parsed (the selections of the graphs being run). */
const PARSED_SELECTIONS_KEPT = 1024;

/** Parsed selections by parameter name and text; callers never modify a selection. */
const parsedSelections = new Map<string, ColumnSelection>();

function parseSelection(value: unknown, paramName: string): ColumnSelection {
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  const invalid = () => engineErrors.module("0002", paramName, shown, "String", "ColumnSelection");
  let obj: unknown = value;
  if (typeof value === "string") {
    const text = value.trim();
    if (!text.startsWith("{")) {
      const names = text
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
      if (names.length === 0) throw engineErrors.module("0003", paramName);
      return {
        isFilter: true,
        rules: [
          {
            ruleType: "ColumnNames",
            exclude: false,
            columns: names,
            columnTypes: [],
            columnKinds: [],
          },
        ],
      };
    }
    try {
      obj = JSON.parse(text);
    } catch {
      throw invalid();
    }
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw invalid();
  const rawRules = prop(obj, "rules");
  if (!Array.isArray(rawRules) || rawRules.length === 0) throw invalid();
  const isFilterRaw = prop(obj, "isFilter");
  const isFilter =
    isFilterRaw === undefined ? true : isFilterRaw === true || isFilterRaw === "true";
  const rules: ColumnRule[] = rawRules.map((r: unknown) => {
    if (typeof r !== "object" || r === null) throw invalid();
    const typeRaw = String(prop(r, "ruleType") ?? "");
    const ruleType = RULE_TYPES.find((t) => t.toLowerCase() === typeRaw.toLowerCase());
    if (!ruleType) throw invalid();
    const excludeRaw = prop(r, "exclude");
    const rule: ColumnRule = {
      ruleType,
      exclude: excludeRaw === true || excludeRaw === "true",
      columns: asStrings(prop(r, "columns")),
      columnTypes: asStrings(prop(r, "columnTypes")),
      columnKinds: asStrings(prop(r, "columnKinds")),
    };
    for (const t of rule.columnTypes) if (!COLUMN_TYPES.includes(t.toLowerCase())) throw invalid();
    for (const k of rule.columnKinds) if (!COLUMN_KINDS.includes(k.toLowerCase())) throw invalid();
    return rule;
  });
  // Studio's rule: the first rule must be an include, or the rule set is invalid.
  if (rules[0].exclude) throw invalid();
  return { isFilter, rules };
}

/**
 * A short description of a selection for messages (Error 0011's "column set").
 *
 * @param selection - parsed selection
 */
export function describeSelection(selection: ColumnSelection): string {
  return selection.rules
    .map((r) => {
      const verb = r.exclude ? "Exclude " : "";
      switch (r.ruleType) {
        case "AllColumns":
          return `${verb}All columns`;
        case "ColumnNames":
          return `${verb}Column names: ${r.columns.join(",")}`;
        case "ColumnIndexes":
          return `${verb}Column indices: ${r.columns.join(",")}`;
        default:
          return `${verb}Column types: ${r.columnTypes.join(",") || "All"}, kinds: ${r.columnKinds.join(",") || "All"}`;
      }
    })
    .join("; ");
}

function typeMatches(column: Column, typeName: string): boolean {
  switch (typeName.toLowerCase()) {
    case "string":
      return column.type === "String";
    case "integer":
      return column.type === "Int64";
    case "double":
      return column.type === "Double";
    case "boolean":
      return column.type === "Boolean";
    case "categorical":
      return column.categorical;
    case "numeric":
      return isNumericType(column.type);
    case "all":
    case "alltypes":
      return true;
    default:
      // DateTime and TimeSpan: the emulator has no such columns.
      return false;
  }
}

function kindMatches(column: Column, kind: string): boolean {
  switch (kind.toLowerCase()) {
    case "feature":
      return column.usage === "feature";
    case "label":
      return column.usage === "label";
    case "score":
      return column.usage === "score";
    default:
      return true;
  }
}

/** Expands one ColumnIndexes entry ("3", "2-6", "8,1-4") to 0-based indices in listed order. */
function expandIndices(entry: string, count: number, datasetName: string): number[] {
  const out: number[] = [];
  for (const raw of entry.split(",")) {
    const part = raw.trim();
    if (part === "") continue;
    if (/^\d+$/.test(part)) {
      const index = Number(part);
      if (index < 1 || index > count) throw engineErrors.module("0001", part, datasetName);
      out.push(index - 1);
      continue;
    }
    const range = /^(\d*)\s*-\s*(\d*)$/.exec(part);
    if (!range) throw engineErrors.module("0059", part);
    // Open ranges ("1-", "-3") are not allowed in Studio's index ranges.
    if (range[1] === "" || range[2] === "") throw engineErrors.module("0060", part);
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (from < 1 || to < from || to > count) throw engineErrors.module("0060", part);
    for (let i = from; i <= to; i++) out.push(i - 1);
  }
  return out;
}

/** Columns matched by one rule, in the rule's own order. */
function ruleMatches(rule: ColumnRule, table: DataTable, datasetName: string): number[] {
  const cols = table.columns;
  switch (rule.ruleType) {
    case "AllColumns":
      return cols.map((_c, i) => i);
    case "ColumnNames":
      return rule.columns.map((name) => {
        const i = cols.findIndex((c) => c.name === name);
        if (i < 0) throw engineErrors.module("0001", name, datasetName);
        return i;
      });
    case "ColumnIndexes":
      return rule.columns.flatMap((entry) => expandIndices(entry, cols.length, datasetName));
    default: {
      const types = rule.columnTypes.length > 0 ? rule.columnTypes : ["All"];
      const kinds = rule.columnKinds.length > 0 ? rule.columnKinds : ["All"];
      const out: number[] = [];
      cols.forEach((c, i) => {
        if (types.some((t) => typeMatches(c, t)) && kinds.some((k) => kindMatches(c, k)))
          out.push(i);
      });
      return out;
    }
  }
}

/**
 * Applies a selection to a table: 0-based column indices. With `isFilter` the rules are set
 * operations and the result keeps the table's order; without it, columns come in the order the
 * include rules list them (duplicates kept). Throws 0001/0059/0060 on bad names or indices and
 * 0011 when nothing is selected.
 *
 * @param table - input table
 * @param selection - parsed selection
 * @param datasetName - input port display name, for messages ("Dataset")
 */
export function selectColumnIndices(
  table: DataTable,
  selection: ColumnSelection,
  datasetName: string,
): number[] {
  let result: number[];
  if (selection.isFilter) {
    const chosen = new Uint8Array(table.columns.length);
    for (const rule of selection.rules) {
      for (const i of ruleMatches(rule, table, datasetName)) chosen[i] = rule.exclude ? 0 : 1;
    }
    result = [];
    chosen.forEach((v, i) => {
      if (v) result.push(i);
    });
  } else {
    result = [];
    for (const rule of selection.rules) {
      const matched = ruleMatches(rule, table, datasetName);
      if (rule.exclude) {
        const drop = new Set(matched);
        result = result.filter((i) => !drop.has(i));
      } else result.push(...matched);
    }
  }
  if (result.length === 0) throw engineErrors.module("0011", describeSelection(selection));
  return result;
}

/**
 * Applies a single-column picker (label, strata key): Error 0022 when it selects another count.
 *
 * @param table - input table
 * @param selection - parsed selection
 * @param paramName - parameter display name ("Label column")
 * @param datasetName - input port display name
 */
export function selectSingleColumn(
  table: DataTable,
  selection: ColumnSelection,
  paramName: string,
  datasetName: string,
): number {
  const indices = selectColumnIndices(table, selection, datasetName);
  if (indices.length !== 1) throw engineErrors.module("0022", paramName, 1, indices.length);
  return indices[0];
}
