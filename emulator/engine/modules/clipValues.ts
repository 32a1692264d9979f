/**
 * Clip Values: replaces values above an upper threshold (peaks) and/or below a lower one
 * (subpeaks) by the threshold, the column's mean or median, or a missing value. Thresholds are
 * constants or percentiles of the column. Results replace the columns or are added as
 * `<column>_clipped`, with optional `<column>_clipped_indicator` Boolean columns.
 */
import type { Column } from "../api";
import { makeColumn } from "../dataTable";
import { engineErrors } from "../errors";
import { pickColumns, quantile, sortedPresent } from "../tableOps";
import { isNumericColumn } from "../transforms";
import { tableInput, tableOutput, type StudioModule } from "./types";

const NUMERIC_ALL =
  '{"isFilter":true,"rules":[{"ruleType":"ColumnTypes","exclude":false,"columnTypes":["Numeric"],"columnKinds":["All"]}]}';
const SUBSTITUTES = ["Threshold", "Mean", "Median", "Missing"] as const;
const MODE = {
  type: "Enum",
  values: ["Constant", "Percentile"],
  enumName: "Threshold Mode",
  default: "Constant",
} as const;

/** The Clip Values module. */
export const clipValues: StudioModule = {
  name: "Clip Values",
  category: "Data Transformation / Manipulation",
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [{ name: "Results dataset", type: "DataTable" }],
  parameters: [
    {
      name: "Set of thresholds",
      type: "Enum",
      default: "ClipPeaks",
      values: ["ClipPeaks", "ClipSubPeaks", "ClipPeaksAndSubPeaks"],
      enumName: "Threshold Set",
    },
    { ...MODE, name: "Upper threshold", keys: ["Threshold"] },
    { ...MODE, name: "Lower threshold" },
    {
      name: "Constant value for upper threshold",
      type: "Float",
      default: "1",
      keys: ["Constant value of upper threshold"],
    },
    {
      name: "Constant value for lower threshold",
      type: "Float",
      default: "-1",
      keys: ["Constant value of lower threshold"],
    },
    {
      name: "Percentile number for upper threshold",
      type: "Integer",
      default: "99",
      min: 1,
      max: 99,
      keys: ["Percentile number of upper threshold"],
    },
    {
      name: "Percentile number for lower threshold",
      type: "Integer",
      default: "1",
      min: 1,
      max: 99,
      keys: ["Percentile number of lower threshold"],
    },
    {
      name: "Upper substitute value",
      type: "Enum",
      default: "Threshold",
      values: SUBSTITUTES,
      enumName: "SubstituteValues",
      keys: ["Substitute value for peaks"],
    },
    {
      name: "Lower substitute value",
      type: "Enum",
      default: "Threshold",
      values: SUBSTITUTES,
      enumName: "SubstituteValues",
      keys: ["Substitute value for subpeaks"],
    },
    { name: "List of columns", type: "ColumnSelection", default: NUMERIC_ALL },
    { name: "Overwrite flag", type: "Boolean", default: "True" },
    { name: "Add indicator columns", type: "Boolean", default: "False" },
  ],
  differences: [
    "Added columns are named `<column>_clipped` and `<column>_clipped_indicator` (Studio's names are not documented). Percentile thresholds are linearly interpolated.",
  ],
  run(inputs, ctx) {
    const table = tableInput(inputs[0], "Dataset");
    const p = ctx.params;
    const set = p.enumValue("Set of thresholds");
    const peaks = set !== "ClipSubPeaks";
    const subpeaks = set !== "ClipPeaks";
    const overwrite = p.bool("Overwrite flag");
    const indicators = p.bool("Add indicator columns");
    const columns: Column[] = [...table.columns];
    const added: Column[] = [];
    for (const i of pickColumns(table, p, "List of columns", "Dataset")) {
      const col = table.columns[i];
      if (!isNumericColumn(col)) throw engineErrors.module("0017", col.type, col.name);
      const values = col.values as Float64Array;
      const sorted = sortedPresent(values);
      let mean = 0;
      for (const v of sorted) mean += v;
      mean /= sorted.length || 1;
      const median = quantile(sorted, 0.5);
      const threshold = (side: "upper" | "lower"): number =>
        p.enumValue(side === "upper" ? "Upper threshold" : "Lower threshold") === "Percentile"
          ? quantile(sorted, p.int(`Percentile number for ${side} threshold`) / 100)
          : p.float(`Constant value for ${side} threshold`);
      const substitute = (side: "upper" | "lower", limit: number): number => {
        const choice = p.enumValue(
          side === "upper" ? "Upper substitute value" : "Lower substitute value",
        );
        return choice === "Mean"
          ? mean
          : choice === "Median"
            ? median
            : choice === "Missing"
              ? NaN
              : limit;
      };
      const upper = peaks ? threshold("upper") : Infinity;
      const lower = subpeaks ? threshold("lower") : -Infinity;
      const upperValue = peaks ? substitute("upper", upper) : NaN;
      const lowerValue = subpeaks ? substitute("lower", lower) : NaN;
      const out = new Float64Array(values.length);
      const flags = new Float64Array(values.length);
      for (let r = 0; r < values.length; r++) {
        const v = values[r];
        if (v > upper) {
          out[r] = upperValue;
          flags[r] = 1;
        } else if (v < lower) {
          out[r] = lowerValue;
          flags[r] = 1;
        } else out[r] = v;
      }
      const integral = col.type === "Int64" && out.every((v) => v !== v || Number.isInteger(v));
      const type = integral ? "Int64" : "Double";
      if (overwrite)
        columns[i] = makeColumn(col.name, type, out, {
          usage: col.usage,
          categorical: col.categorical,
        });
      else added.push(makeColumn(`${col.name}_clipped`, type, out));
      if (indicators) added.push(makeColumn(`${col.name}_clipped_indicator`, "Boolean", flags));
    }
    return [tableOutput({ rowCount: table.rowCount, columns: [...columns, ...added] })];
  },
};
