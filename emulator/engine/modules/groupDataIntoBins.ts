/**
 * Group Data into Bins: replaces (or adds, or returns only) numeric columns by their bin number,
 * with bins at quantiles of the column, of equal width between its minimum and maximum, or at
 * given edges. Bin i holds the values in (edge i−1, edge i]. The edges are saved as a
 * transformation (second output) for Apply Transformation.
 */
import { engineErrors } from "../errors";
import { pickColumns, quantile, sortedPresent } from "../tableOps";
import { applyTransform, isNumericColumn, type BinningTransform } from "../transforms";
import { parseNumberText } from "../valueParsing";
import { tableInput, tableOutput, type StudioModule } from "./types";

const NUMERIC_ALL =
  '{"isFilter":true,"rules":[{"ruleType":"ColumnTypes","exclude":false,"columnTypes":["Numeric"],"columnKinds":["All"]}]}';

/** Distinct ascending edges (equal quantiles of a skewed column collapse into one). */
function distinct(edges: number[]): number[] {
  return edges.filter((e, i) => Number.isFinite(e) && (i === 0 || e > edges[i - 1]));
}

/** The Group Data into Bins module. */
export const groupDataIntoBins: StudioModule = {
  name: "Group Data into Bins",
  category: "Data Transformation / Scale and Reduce",
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [
    { name: "Quantized dataset", type: "DataTable" },
    { name: "Binning transformation", type: "ITransform" },
  ],
  parameters: [
    {
      name: "Binning mode",
      type: "Enum",
      default: "Quantiles",
      values: ["Quantiles", "Equal Width", "Custom Edges", "Entropy MDL"],
      enumName: "QuantizationMode",
      aliases: { EqualWidth: "Equal Width", CustomEdges: "Custom Edges" },
    },
    { name: "Columns to bin", type: "ColumnSelection", default: NUMERIC_ALL },
    {
      name: "Output mode",
      type: "Enum",
      default: "Append",
      values: ["Append", "Inplace", "ResultOnly"],
      enumName: "OutputTo",
    },
    { name: "Tag columns as categorical", type: "Boolean", default: "True" },
    { name: "Number of bins", type: "Integer", default: "10", min: 1 },
    {
      name: "Quantile normalization",
      type: "Enum",
      default: "QuantileIndex",
      values: ["QuantileIndex", "PQuantile", "Percent"],
      enumName: "BinningNormalization",
    },
    { name: "Comma-separated list of bin edges", type: "String", default: "" },
  ],
  differences: [
    "Entropy MDL binning is Error 0039. Quantile edges are linearly interpolated quantiles of the column (numpy's default); equal quantiles merge into one edge.",
    "Bin numbers: QuantileIndex 1..n (Int64), PQuantile index/n, Percent 100·index/n.",
  ],
  run(inputs, ctx) {
    const table = tableInput(inputs[0], "Dataset");
    const p = ctx.params;
    const mode = p.enumValue("Binning mode");
    if (mode === "Entropy MDL")
      throw engineErrors.module(
        "0039",
        'binning mode "Entropy MDL" is not supported by the emulator',
      );
    const bins = p.int("Number of bins");
    let custom: number[] | undefined;
    if (mode === "Custom Edges") {
      const text = p.string("Comma-separated list of bin edges");
      custom = text
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "")
        .map((s) => {
          const v = parseNumberText(s);
          if (!v)
            throw engineErrors.module(
              "0002",
              "Comma-separated list of bin edges",
              text,
              "String",
              "Float",
            );
          return v.value;
        })
        .sort((x, y) => x - y);
      if (custom.length === 0)
        throw engineErrors.module("0003", "Comma-separated list of bin edges");
    }
    const transform: BinningTransform = {
      kind: "bins",
      outputMode: p.enumValue("Output mode") as BinningTransform["outputMode"],
      categorical: p.bool("Tag columns as categorical"),
      normalization: p.enumValue("Quantile normalization") as BinningTransform["normalization"],
      columns: pickColumns(table, p, "Columns to bin", "Dataset").map((i) => {
        const col = table.columns[i];
        if (!isNumericColumn(col)) throw engineErrors.module("0017", col.type, col.name);
        if (custom) return { name: col.name, edges: distinct(custom) };
        const sorted = sortedPresent(col.values as Float64Array);
        const edges: number[] = [];
        for (let k = 1; k < bins; k++) {
          edges.push(
            mode === "Quantiles"
              ? quantile(sorted, k / bins)
              : sorted[0] + ((sorted[sorted.length - 1] - sorted[0]) * k) / bins,
          );
        }
        return { name: col.name, edges: distinct(edges) };
      }),
    };
    return [
      tableOutput(applyTransform(transform, table, "Dataset")),
      { type: "Transform", transform },
    ];
  },
};
