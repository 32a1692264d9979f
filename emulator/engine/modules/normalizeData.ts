/**
 * Normalize Data: rescales numeric columns (ZScore with the population standard deviation,
 * MinMax to [0, 1], Logistic, LogNormal through the normal distribution of ln x, TanH) and saves
 * the statistics as a transformation (second output) that Apply Transformation replays.
 */
import { sortedPresent } from "../tableOps";
import { engineErrors } from "../errors";
import { pickColumns } from "../tableOps";
import {
  applyTransform,
  isNumericColumn,
  type NormalizeMethod,
  type NormalizeTransform,
} from "../transforms";
import { tableInput, tableOutput, type StudioModule } from "./types";

const NUMERIC_ALL =
  '{"isFilter":true,"rules":[{"ruleType":"ColumnTypes","exclude":false,"columnTypes":["Numeric"],"columnKinds":["All"]}]}';

function statistics(method: NormalizeMethod, values: Float64Array): { a: number; b: number } {
  const present = sortedPresent(values);
  const n = present.length;
  if (n === 0) return { a: NaN, b: NaN };
  if (method === "MinMax") return { a: present[0], b: present[n - 1] };
  const source = method === "LogNormal" ? present.filter((v) => v > 0).map(Math.log) : present;
  let mean = 0;
  for (const v of source) mean += v;
  mean /= source.length;
  let ss = 0;
  for (const v of source) ss += (v - mean) * (v - mean);
  return { a: mean, b: Math.sqrt(ss / source.length) };
}

/** The Normalize Data module. */
export const normalizeData: StudioModule = {
  name: "Normalize Data",
  category: "Data Transformation / Scale and Reduce",
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [
    { name: "Transformed dataset", type: "DataTable" },
    { name: "Transformation function", type: "ITransform" },
  ],
  parameters: [
    {
      name: "Transformation method",
      type: "Enum",
      default: "ZScore",
      values: ["ZScore", "MinMax", "Logistic", "LogNormal", "TanH"],
      enumName: "TransformationMethods",
      aliases: { Zscore: "ZScore", "Z-score": "ZScore" },
    },
    { name: "Columns to transform", type: "ColumnSelection", default: NUMERIC_ALL },
    { name: "Use 0 for constant columns when checked", type: "Boolean", default: "True" },
  ],
  differences: [
    "TanH is Hampel's estimator, 0.5·(tanh(0.01·(x − mean)/sd) + 1); LogNormal is Φ((ln x − μ)/σ) with μ, σ of ln x (values ≤ 0 become missing). Studio's pages give these only as pictures.",
  ],
  run(inputs, ctx) {
    const table = tableInput(inputs[0], "Dataset");
    const p = ctx.params;
    const method = p.enumValue("Transformation method") as NormalizeMethod;
    const indices = pickColumns(table, p, "Columns to transform", "Dataset");
    const transform: NormalizeTransform = {
      kind: "normalize",
      method,
      constantsToZero: p.bool("Use 0 for constant columns when checked"),
      columns: indices.map((i) => {
        const col = table.columns[i];
        if (!isNumericColumn(col)) throw engineErrors.module("0017", col.type, col.name);
        return { name: col.name, ...statistics(method, col.values as Float64Array) };
      }),
    };
    return [
      tableOutput(applyTransform(transform, table, "Dataset")),
      { type: "Transform", transform },
    ];
  },
};
