/**
 * Clean Missing Data (`docs/modules.md`): one cleaning policy for all selected columns, plus
 * the policy as a reusable transform (second output).
 *
 * Ratio thresholds are all-or-nothing, as the module page's worked example shows: when any
 * selected column's missing ratio falls outside [minimum, maximum], nothing is cleaned (and the
 * indicator columns read False). MICE and Probabilistic PCA are not implemented (Error 0039).
 */
import type { Column, DataTable } from "../api";
import { parseColumnSelection, selectColumnIndices } from "../columnPicker";
import {
  completeRows,
  isMissing,
  isNumericType,
  makeColumn,
  missingCount,
  takeRows,
} from "../dataTable";
import { engineErrors } from "../errors";
import { parseBooleanText, parseNumberText } from "../valueParsing";
import type { CleaningTransform } from "../transforms";
import { passThroughRows } from "./rowSteps";
import { ROW_PLAN_BAIL, tableInput, tableOutput, type StudioModule } from "./types";

const MODES = [
  "Replace using MICE",
  "Custom substitution value",
  "Replace with mean",
  "Replace with median",
  "Replace with mode",
  "Remove entire row",
  "Remove entire column",
  "Replace using Probabilistic PCA",
] as const;

const ALL_COLUMNS = '{"isFilter":true,"rules":[{"ruleType":"AllColumns","exclude":false}]}';

/** The Clean Missing Data module. */
export const cleanMissingData: StudioModule = {
  name: "Clean Missing Data",
  category: "Data Transformation / Manipulation",
  differences: [
    "Replace using MICE and Replace using Probabilistic PCA are Error 0039; the missing-ratio thresholds are all-or-nothing over the selected columns.",
  ],
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [
    { name: "Cleaned dataset", type: "DataTable" },
    { name: "Cleaning transformation", type: "ITransform" },
  ],
  parameters: [
    { name: "Columns to be cleaned", type: "ColumnSelection", default: ALL_COLUMNS },
    { name: "Minimum missing value ratio", type: "Float", default: "0", min: 0, max: 1 },
    { name: "Maximum missing value ratio", type: "Float", default: "1", min: 0, max: 1 },
    {
      name: "Cleaning mode",
      type: "Enum",
      default: "Custom substitution value",
      values: MODES,
      enumName: "Handling policy",
      aliases: {
        Mice: "Replace using MICE",
        CustomSubstitutionValue: "Custom substitution value",
        Mean: "Replace with mean",
        Median: "Replace with median",
        Mode: "Replace with mode",
        RemoveEntireRow: "Remove entire row",
        RemoveEntireColumn: "Remove entire column",
        Ppca: "Replace using Probabilistic PCA",
      },
    },
    { name: "Replacement value", type: "String", default: "0" },
    {
      name: "Cols with all missing values",
      type: "Enum",
      default: "Remove",
      values: ["Propagate", "Remove"],
      enumName: "ColumnsWithAllValuesMissing",
    },
    { name: "Generate missing value indicator column", type: "Boolean", default: "False" },
    { name: "Number of iterations", type: "Integer", default: "5", min: 1, max: 10 },
    {
      name: "Number of iterations for PCA prediction",
      type: "Integer",
      default: "10",
      min: 1,
      max: 50,
    },
  ],
  run(inputs, ctx) {
    const table = tableInput(inputs[0], "Dataset");
    const p = ctx.params;
    const picker = "Columns to be cleaned";
    const indices = selectColumnIndices(
      table,
      parseColumnSelection(p.string(picker), picker),
      "Dataset",
    );
    const minRatio = p.float("Minimum missing value ratio");
    const maxRatio = p.float("Maximum missing value ratio");
    const mode = p.enumValue("Cleaning mode");
    if (mode === "Replace using MICE" || mode === "Replace using Probabilistic PCA") {
      throw engineErrors.module("0039", `cleaning mode "${mode}" is not supported by the emulator`);
    }
    // Indicators belong to the replace modes only (the remove modes do not show the option).
    const indicators =
      !mode.startsWith("Remove") && p.bool("Generate missing value indicator column");
    const missing = indices.map((i) => missingCount(table.columns[i]));
    const rows = Math.max(table.rowCount, 1);
    const qualifies = missing.every((m) => m / rows >= minRatio && m / rows <= maxRatio);
    const transform: CleaningTransform = {
      kind: "cleaning",
      mode,
      columns: indices.map((ci) => table.columns[ci].name),
      cleaned: qualifies,
      substitutes: {},
      removedColumns: [],
      indicators,
    };
    const indicatorColumns: Column[] = indicators
      ? indices.map((ci) => missingIndicator(table.columns[ci], qualifies))
      : [];
    if (!qualifies) {
      const result: DataTable = {
        rowCount: table.rowCount,
        columns: [...table.columns, ...indicatorColumns],
      };
      return [tableOutput(result), { type: "Transform", transform }];
    }

    if (mode === "Remove entire row") {
      const keep = completeRows(
        indices.map((ci) => table.columns[ci]),
        table.rowCount,
      );
      return [tableOutput(takeRows(table, keep)), { type: "Transform", transform }];
    }
    if (mode === "Remove entire column") {
      const drop = new Set(indices.filter((_ci, k) => missing[k] > 0));
      transform.removedColumns = [...drop].map((ci) => table.columns[ci].name);
      const result: DataTable = {
        rowCount: table.rowCount,
        columns: table.columns.filter((_c, i) => !drop.has(i)),
      };
      return [tableOutput(result), { type: "Transform", transform }];
    }

    const dropAllMissing =
      p.enumValue("Cols with all missing values") === "Remove" &&
      mode !== "Custom substitution value";
    const replacement = p.string("Replacement value");
    const columns: (Column | null)[] = [...table.columns];
    indices.forEach((ci, k) => {
      const col = table.columns[ci];
      if (missing[k] === 0) return;
      if (missing[k] === table.rowCount && mode !== "Custom substitution value") {
        if (dropAllMissing) {
          columns[ci] = null;
          transform.removedColumns.push(col.name);
        }
        return;
      }
      const substitute = substituteFor(col, mode, replacement);
      transform.substitutes[col.name] = substitute;
      columns[ci] = fillMissing(col, substitute);
    });
    const result: DataTable = {
      rowCount: table.rowCount,
      columns: [...columns.filter((c): c is Column => c !== null), ...indicatorColumns],
    };
    return [tableOutput(result), { type: "Transform", transform }];
  },
  compileRows(inputs, ctx) {
    // Per row only when every table qualifies whatever its missing ratio (the thresholds 0 and 1)
    // and missing cells get a fixed value: the statistics modes and the remove modes depend on
    // the other rows.
    const p = ctx.params;
    if (p.enumValue("Cleaning mode") !== "Custom substitution value") return undefined;
    if (p.float("Minimum missing value ratio") > 0 || p.float("Maximum missing value ratio") < 1)
      return undefined;
    const step = passThroughRows(cleanMissingData, inputs, ctx);
    if (!step || inputs[0]?.type !== "DataTable") return undefined;
    const table = inputs[0].table;
    const picker = "Columns to be cleaned";
    const indices = selectColumnIndices(
      table,
      parseColumnSelection(p.string(picker), picker),
      "Dataset",
    );
    const replacement = p.string("Replacement value");
    // The substitute of each cleaned column, or undefined when the replacement does not convert
    // to its type (run raises that error only for a column that has a missing cell).
    const substitutes = indices.map((ci) => {
      try {
        return substituteFor(table.columns[ci], "Custom substitution value", replacement);
      } catch {
        return undefined;
      }
    });
    const numeric = indices.map((ci) => table.columns[ci].values instanceof Float64Array);
    // Clean Missing Data keeps its input's columns in place.
    const at = indices.map((ci) =>
      step.schema.columns.findIndex((c) => c.values === table.columns[ci].values),
    );
    if (at.some((i) => i < 0)) return undefined;
    return {
      schema: step.schema,
      map(row) {
        const out = step.map(row);
        for (let k = 0; k < indices.length; k++) {
          const v = row[indices[k]];
          if (v !== null && v === v) continue;
          const substitute = substitutes[k];
          if (substitute === undefined) throw ROW_PLAN_BAIL;
          out[at[k]] = numeric[k] ? Number(substitute) : String(substitute);
        }
        return out;
      },
    };
  },
};

/** `<column>_IsMissing`: True where the value is missing (all False when nothing is cleaned). */
function missingIndicator(col: Column, cleaned: boolean): Column {
  const values = new Float64Array(col.values.length);
  if (cleaned) for (let r = 0; r < values.length; r++) values[r] = isMissing(col, r) ? 1 : 0;
  return makeColumn(`${col.name}_IsMissing`, "Boolean", values);
}

/** The value that replaces missing cells of a column under a mode. */
function substituteFor(col: Column, mode: string, replacement: string): string | number {
  const numeric = col.values instanceof Float64Array;
  switch (mode) {
    case "Custom substitution value": {
      if (!numeric) return replacement;
      const b = col.type === "Boolean" ? parseBooleanText(replacement) : -1;
      if (b >= 0) return b;
      const parsed = parseNumberText(replacement);
      const target = col.type === "Int64" ? "Integer" : col.type;
      if (
        !parsed ||
        Number.isNaN(parsed.value) ||
        (col.type === "Int64" && !Number.isInteger(parsed.value))
      ) {
        throw engineErrors.module("0002", "Replacement value", replacement, "String", target);
      }
      return col.type === "Boolean" ? (parsed.value !== 0 ? 1 : 0) : parsed.value;
    }
    case "Replace with mean": {
      if (!numeric) throw engineErrors.module("0017", col.type, col.name);
      const values = col.values as Float64Array;
      let sum = 0;
      let count = 0;
      for (const v of values) {
        if (v === v) {
          sum += v;
          count++;
        }
      }
      const mean = sum / count;
      // Computed in floating point, rounded back to the column's type.
      return col.type === "Double" ? mean : Math.round(mean);
    }
    case "Replace with median": {
      if (!isNumericType(col.type)) throw engineErrors.module("0017", col.type, col.name);
      const sorted = (col.values as Float64Array).filter((v) => v === v).sort();
      const mid = sorted.length >> 1;
      const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
      return col.type === "Double" ? median : Math.round(median);
    }
    default: {
      // Replace with mode: the most frequent value; ties go to the smallest (ordinal for text).
      const counts = new Map<string | number, number>();
      for (let r = 0; r < col.values.length; r++) {
        const v = col.values[r];
        if (v === null || (typeof v === "number" && Number.isNaN(v))) continue;
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      let best: string | number | undefined;
      let bestCount = -1;
      for (const [v, c] of counts) {
        if (c > bestCount || (c === bestCount && best !== undefined && v < best)) {
          best = v;
          bestCount = c;
        }
      }
      return best!;
    }
  }
}

function fillMissing(col: Column, substitute: string | number): Column {
  if (col.values instanceof Float64Array) {
    const out = Float64Array.from(col.values);
    const s = Number(substitute);
    for (let r = 0; r < out.length; r++) if (out[r] !== out[r]) out[r] = s;
    return { ...col, values: out };
  }
  // String columns only ever get text substitutes (custom value or the most frequent text).
  const text = String(substitute);
  return { ...col, values: col.values.map((v) => (v === null ? text : v)) };
}
