/**
 * Edit Metadata (`docs/modules.md`): changes the type, categorical flag, usage or name of the
 * selected columns; values change only through a type conversion.
 */
import type { Column, ColumnUsage, DataTable, ElementType } from "../api";
import { parseColumnSelection, selectColumnIndices } from "../columnPicker";
import { asStringColumn, isNumericType, makeColumn } from "../dataTable";
import { engineErrors } from "../errors";
import { parseBooleanText, parseNumberText } from "../valueParsing";
import { passThroughRows } from "./rowSteps";
import { tableInput, tableOutput, type StudioModule } from "./types";

const DATA_TYPES = [
  "Unchanged",
  "String",
  "Integer",
  "Floating point",
  "Boolean",
  "DateTime",
  "TimeSpan",
] as const;
const CATEGORICAL = ["Unchanged", "Make categorical", "Make non-categorical"] as const;
const FIELDS = [
  "Unchanged",
  "Features",
  "Label",
  "Weight",
  "Clear feature",
  "Clear label",
  "Clear score",
  "Clear weight",
] as const;

/** Studio's display names of element types, for conversion errors. */
const TYPE_NAMES: Record<ElementType, string> = {
  String: "String",
  Int64: "Int64",
  Double: "Double",
  Boolean: "Boolean",
};

/** The Edit Metadata module. */
export const editMetadata: StudioModule = {
  name: "Edit Metadata",
  category: "Data Transformation / Manipulation",
  differences: [
    'Conversion to DateTime or TimeSpan is Error 0039 (the emulator has no such column types); "Clear feature" changes nothing.',
  ],
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [{ name: "Results dataset", type: "DataTable" }],
  parameters: [
    { name: "Column", type: "ColumnSelection" },
    {
      name: "Data type",
      type: "Enum",
      default: "Unchanged",
      values: DATA_TYPES,
      enumName: "Metadata editor datatype",
      aliases: {
        Double: "Floating point",
        "Floating point (Double)": "Floating point",
        Int: "Integer",
      },
    },
    {
      name: "Categorical",
      type: "Enum",
      default: "Unchanged",
      values: CATEGORICAL,
      enumName: "Metadata editor categorical",
      aliases: { Categorical: "Make categorical", NonCategorical: "Make non-categorical" },
    },
    {
      name: "Fields",
      type: "Enum",
      default: "Unchanged",
      values: FIELDS,
      enumName: "Metadata editor flag",
      aliases: {
        Feature: "Features",
        ClearFeature: "Clear feature",
        ClearLabel: "Clear label",
        ClearScore: "Clear score",
        ClearWeight: "Clear weight",
      },
    },
    { name: "New column names", type: "String", default: "" },
    { name: "DateTime format", type: "String", default: "" },
  ],
  run(inputs, ctx) {
    const table = tableInput(inputs[0], "Dataset");
    const p = ctx.params;
    const selection = parseColumnSelection(p.string("Column"), "Column");
    const indices = selectColumnIndices(table, selection, "Dataset");
    const dataType = p.enumValue("Data type");
    const categorical = p.enumValue("Categorical");
    const fields = p.enumValue("Fields");
    const renames = parseNewNames(p.string("New column names"), indices.length);

    if (dataType === "DateTime" || dataType === "TimeSpan") {
      // The emulator's DataTable has no date/time columns.
      throw engineErrors.module(
        "0039",
        `conversion to ${dataType} is not supported by the emulator`,
      );
    }
    if (fields === "Label" && indices.length !== 1) throw engineErrors.module("0037");
    if (fields === "Weight" && indices.length !== 1)
      throw engineErrors.module("0031", 1, indices.length);

    const selected = new Set(indices);
    const columns: Column[] = table.columns.map((col, i) => {
      if (!selected.has(i)) {
        // A new label or weight takes the flag away from the column that had it (one per table).
        if (
          (fields === "Label" && col.usage === "label") ||
          (fields === "Weight" && col.usage === "weight")
        ) {
          return { ...col, usage: "feature" };
        }
        return col;
      }
      let out = col;
      if (dataType !== "Unchanged") out = convertColumn(out, targetType(dataType));
      if (categorical === "Make categorical") out = { ...out, categorical: true };
      else if (categorical === "Make non-categorical") out = { ...out, categorical: false };
      const usage = newUsage(out, fields);
      if (usage !== out.usage) out = { ...out, usage };
      return out;
    });
    if (renames) {
      indices.forEach((ci, k) => (columns[ci] = { ...columns[ci], name: renames[k] }));
      const seen = new Set<string>();
      for (const c of columns) {
        if (seen.has(c.name)) throw engineErrors.module("0028", c.name, "Results dataset");
        seen.add(c.name);
      }
    }
    const result: DataTable = { rowCount: table.rowCount, columns };
    return [tableOutput(result)];
  },
  compileRows(inputs, ctx) {
    // Without a type conversion only the metadata changes: each row goes through as it is.
    if (ctx.params.enumValue("Data type") !== "Unchanged") return undefined;
    return passThroughRows(editMetadata, inputs, ctx);
  },
};

function targetType(dataType: string): ElementType {
  switch (dataType) {
    case "String":
      return "String";
    case "Integer":
      return "Int64";
    case "Boolean":
      return "Boolean";
    default:
      return "Double";
  }
}

function newUsage(col: Column, fields: string): ColumnUsage {
  switch (fields) {
    case "Features":
      return "feature";
    case "Label":
      return "label";
    case "Weight":
      if (!isNumericType(col.type)) throw engineErrors.module("0017", col.type, col.name);
      return "weight";
    case "Clear label":
      return col.usage === "label" ? "feature" : col.usage;
    case "Clear score":
      return col.usage === "score" ? "feature" : col.usage;
    case "Clear weight":
      return col.usage === "weight" ? "feature" : col.usage;
    default:
      // "Clear feature": the DataTable has no "no usage" state; every unflagged column is a feature.
      return col.usage;
  }
}

/** Comma-separated new names: one per selected column (0027), none blank. */
function parseNewNames(text: string, count: number): string[] | undefined {
  if (text.trim() === "") return undefined;
  const names = text.split(",").map((s) => s.trim());
  if (names.length !== count || names.some((s) => s === "")) {
    throw engineErrors.module("0027", "New column names", "Column");
  }
  return names;
}

/**
 * Converts a column to another element type; Error 0139 names the first value that does not
 * convert (1-based row).
 */
function convertColumn(col: Column, type: ElementType): Column {
  if (col.type === type) return col;
  if (type === "String") return asStringColumn(col);
  const n = col.values.length;
  const fail = (row: number) =>
    engineErrors.module("0139", TYPE_NAMES[col.type], TYPE_NAMES[type], col.name, row + 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = col.values[i];
    if (v === null || (typeof v === "number" && Number.isNaN(v))) {
      out[i] = NaN;
      continue;
    }
    let x: number;
    if (typeof v === "number") x = v;
    else if (type === "Boolean") {
      const b = parseBooleanText(v);
      if (b >= 0) x = b;
      else {
        const parsed = parseNumberText(v);
        if (!parsed) throw fail(i);
        x = parsed.value;
      }
    } else {
      const parsed = parseNumberText(v);
      if (!parsed) throw fail(i);
      x = parsed.value;
    }
    if (type === "Int64") {
      if (!Number.isFinite(x) || !Number.isInteger(x)) {
        // Studio truncates doubles to integers on conversion; text must already be integral.
        if (typeof v === "string" || !Number.isFinite(x)) throw fail(i);
        x = Math.trunc(x);
      }
    } else if (type === "Boolean") {
      x = x !== 0 ? 1 : 0;
    }
    out[i] = x;
  }
  return makeColumn(col.name, type, out, { categorical: col.categorical, usage: col.usage });
}
