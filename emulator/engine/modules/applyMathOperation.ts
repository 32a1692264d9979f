/**
 * Apply Math Operation: one function of a category (Basic, Compare, Operations, Rounding,
 * Special, Trigonometric) applied to each selected numeric column, with a constant or a second
 * column set as second argument where the function takes one. Results replace the columns
 * (Inplace), are added (Append) or returned alone (ResultOnly), named `Op(col)`,
 * `Op(col_$constant)` or `Op(col_other)` as Studio names them.
 */
import type { Column } from "../api";
import { makeColumn } from "../dataTable";
import { engineErrors } from "../errors";
import { pickColumns } from "../tableOps";
import { erf } from "../transforms";
import { tableInput, tableOutput, type StudioModule } from "./types";

type Unary = (x: number) => number;
type Binary = (x: number, y: number) => number;

const RAD = Math.PI / 180;

/** Lanczos approximation of ln Γ(x) for x > 0 (g = 7, 9 terms; ~15 significant digits). */
function gammaLn(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - gammaLn(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  return Math.exp(gammaLn(x));
}

function factorial(n: number): number {
  if (n < 0 || !Number.isInteger(n)) return NaN;
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

function doubleFactorial(n: number): number {
  if (n < 0 || !Number.isInteger(n)) return NaN;
  let f = 1;
  for (let i = n; i > 1; i -= 2) f *= i;
  return f;
}

const roundTo =
  (fn: (v: number) => number): Binary =>
  (x, digits) => {
    const k = 10 ** Math.trunc(digits);
    return fn(x * k) / k;
  };

/** Away from zero to the nearest even (or odd) integer, as spreadsheets' EVEN and ODD. */
const toParity =
  (odd: boolean): Unary =>
  (x) => {
    const s = x < 0 ? -1 : 1;
    let v = Math.ceil(Math.abs(x));
    if ((v % 2 === 1) !== odd) v += 1;
    return s * v;
  };

const BASIC: Record<string, Unary | Binary> = {
  Abs: Math.abs,
  Atan2: (x: number, y: number) => Math.atan2(x, y),
  CubeRoot: Math.cbrt,
  DoubleFactorial: doubleFactorial,
  Eps: (x: number) => {
    const a = Math.abs(x);
    if (a === 0) return Number.MIN_VALUE;
    return 2 ** (Math.floor(Math.log2(a)) - 52);
  },
  Exp: Math.exp,
  Exp2: (x: number) => 2 ** x,
  ExpMinus1: Math.expm1,
  Factorial: factorial,
  Hypotenuse: (x: number, y: number) => Math.hypot(x, y),
  Ln: Math.log,
  LnPlus1: Math.log1p,
  Log: (x: number, base: number) => Math.log(x) / Math.log(base),
  Log10: Math.log10,
  Log2: Math.log2,
  NthRoot: (x: number, n: number) => (x < 0 && n % 2 === 1 ? -((-x) ** (1 / n)) : x ** (1 / n)),
  Pow: (x: number, y: number) => x ** y,
  Sqrt: Math.sqrt,
  SqrtPi: (x: number) => Math.sqrt(Math.PI * x),
  Square: (x: number) => x * x,
};
const COMPARE: Record<string, Binary> = {
  EqualTo: (x, y) => (x === y ? 1 : 0),
  GreaterThan: (x, y) => (x > y ? 1 : 0),
  GreaterThanOrEqualTo: (x, y) => (x >= y ? 1 : 0),
  LessThan: (x, y) => (x < y ? 1 : 0),
  LessThanOrEqualTo: (x, y) => (x <= y ? 1 : 0),
  NotEqualTo: (x, y) => (x !== y ? 1 : 0),
  PairMax: Math.max,
  PairMin: Math.min,
};
const OPERATIONS: Record<string, Binary> = {
  Add: (x, y) => x + y,
  Divide: (x, y) => x / y,
  Multiply: (x, y) => x * y,
  Subtract: (x, y) => x - y,
};
const ROUNDING: Record<string, Unary | Binary> = {
  Ceiling: Math.ceil,
  CeilingPower2: (x: number) => (x <= 0 ? NaN : 2 ** Math.ceil(Math.log2(x))),
  Floor: Math.floor,
  Mod: (x: number, y: number) => x - y * Math.floor(x / y),
  Quotient: (x: number, y: number) => Math.trunc(x / y),
  Remainder: (x: number, y: number) => x % y,
  RoundDigits: roundTo(Math.round),
  RoundDown: roundTo(Math.floor),
  RoundUp: roundTo(Math.ceil),
  ToEven: toParity(false),
  ToOdd: toParity(true),
  Truncate: Math.trunc,
};
const SPECIAL: Record<string, Unary | Binary> = {
  Beta: (x: number, y: number) => Math.exp(gammaLn(x) + gammaLn(y) - gammaLn(x + y)),
  Erf: erf,
  Erfc: (x: number) => 1 - erf(x),
  Gamma: gamma,
  GammaLn: gammaLn,
};
const TRIGONOMETRIC: Record<string, Unary> = {
  Acos: Math.acos,
  AcosDegrees: (x) => Math.acos(x) / RAD,
  Acosh: Math.acosh,
  Acot: (x) => Math.atan(1 / x),
  AcotDegrees: (x) => Math.atan(1 / x) / RAD,
  Acoth: (x) => Math.atanh(1 / x),
  Acsc: (x) => Math.asin(1 / x),
  AcscDegrees: (x) => Math.asin(1 / x) / RAD,
  Acsch: (x) => Math.asinh(1 / x),
  Asec: (x) => Math.acos(1 / x),
  AsecDegrees: (x) => Math.acos(1 / x) / RAD,
  Asech: (x) => Math.acosh(1 / x),
  Asin: Math.asin,
  AsinDegrees: (x) => Math.asin(x) / RAD,
  Asinh: Math.asinh,
  Atan: Math.atan,
  AtanDegrees: (x) => Math.atan(x) / RAD,
  Atanh: Math.atanh,
  Cos: Math.cos,
  CosDegrees: (x) => Math.cos(x * RAD),
  Cosh: Math.cosh,
  Cot: (x) => 1 / Math.tan(x),
  CotDegrees: (x) => 1 / Math.tan(x * RAD),
  Coth: (x) => 1 / Math.tanh(x),
  Csc: (x) => 1 / Math.sin(x),
  CscDegrees: (x) => 1 / Math.sin(x * RAD),
  Csch: (x) => 1 / Math.sinh(x),
  DegreesToRadians: (x) => x * RAD,
  RadiansToDegrees: (x) => x / RAD,
  Sec: (x) => 1 / Math.cos(x),
  SecDegrees: (x) => 1 / Math.cos(x * RAD),
  Sech: (x) => 1 / Math.cosh(x),
  Sign: Math.sign,
  Sin: Math.sin,
  Sinc: (x) => (x === 0 ? 1 : Math.sin(x) / x),
  SinDegrees: (x) => Math.sin(x * RAD),
  Sinh: Math.sinh,
  Tan: Math.tan,
  TanDegrees: (x) => Math.tan(x * RAD),
  Tanh: Math.tanh,
};

const CATEGORIES = {
  Basic: { parameter: "Basic math function", functions: BASIC },
  Compare: { parameter: "Comparison function", functions: COMPARE },
  Operations: { parameter: "Arithmetic operation", functions: OPERATIONS },
  Rounding: { parameter: "Rounding operation", functions: ROUNDING },
  Special: { parameter: "Special function", functions: SPECIAL },
  Trigonometric: { parameter: "Trigonometric function", functions: TRIGONOMETRIC },
} as const;

const NUMERIC_ALL =
  '{"isFilter":true,"rules":[{"ruleType":"ColumnTypes","exclude":false,"columnTypes":["Numeric"],"columnKinds":["All"]}]}';

function numbers(col: Column): Float64Array {
  if (!(col.values instanceof Float64Array)) throw engineErrors.module("0017", col.type, col.name);
  return col.values;
}

/** The Apply Math Operation module. */
export const applyMathOperation: StudioModule = {
  name: "Apply Math Operation",
  category: "Statistical Functions",
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [{ name: "Results dataset", type: "DataTable" }],
  parameters: [
    {
      name: "Category",
      type: "Enum",
      default: "Basic",
      values: Object.keys(CATEGORIES),
      enumName: "Category",
      aliases: { Comparison: "Compare", Arithmetic: "Operations" },
    },
    ...Object.values(CATEGORIES).map((c) => ({
      name: c.parameter,
      type: "Enum" as const,
      default: Object.keys(c.functions)[0],
      values: Object.keys(c.functions),
      enumName: c.parameter,
      aliases: {
        AcosDegree: "AcosDegrees",
        aSecDegrees: "AsecDegrees",
        aSech: "Asech",
        Equals: "EqualTo",
      },
    })),
    {
      name: "Column set",
      type: "ColumnSelection",
      default: NUMERIC_ALL,
      keys: ["Operation column set"],
    },
    {
      name: "Second argument type",
      type: "Enum",
      default: "Constant",
      values: ["Constant", "ColumnSet"],
      enumName: "Second argument type",
      aliases: { "Column set": "ColumnSet" },
    },
    {
      name: "Constant operand",
      type: "Float",
      default: "1",
      keys: ["Second argument", "Constant"],
    },
    { name: "Second argument column set", type: "ColumnSelection", default: "" },
    {
      name: "Output mode",
      type: "Enum",
      default: "Append",
      values: ["Append", "Inplace", "ResultOnly"],
      enumName: "Output mode",
    },
  ],
  differences: [
    "Complex-number functions (Conj, RealPart, ImaginaryPart, Cis) and the rarer special functions (elliptic integrals, regularized gamma, polygamma, exponential integral) are not offered; comparisons return Boolean columns.",
    "Parameter names other than Category and Output mode are the emulator's (Studio's internal keys are not published); a second column set pairs its columns with the first set's one to one, or applies one column to all.",
  ],
  run(inputs, ctx) {
    const table = tableInput(inputs[0], "Dataset");
    const p = ctx.params;
    const category = CATEGORIES[p.enumValue("Category") as keyof typeof CATEGORIES];
    const name = p.enumValue(category.parameter);
    const fn = (category.functions as Record<string, Unary | Binary>)[name];
    const binary = fn.length === 2;
    const first = pickColumns(table, p, "Column set", "Dataset");
    let seconds: { label: string; at: (k: number, r: number) => number }[] = [];
    if (binary) {
      if (p.enumValue("Second argument type") === "Constant") {
        const c = p.float("Constant operand");
        seconds = first.map(() => ({ label: `$${c}`, at: () => c }));
      } else {
        const second = pickColumns(table, p, "Second argument column set", "Dataset");
        if (second.length !== 1 && second.length !== first.length)
          throw engineErrors.module("0027", "Column set", "Second argument column set");
        seconds = first.map((_f, k) => {
          const col = table.columns[second.length === 1 ? second[0] : second[k]];
          const values = numbers(col);
          return { label: col.name, at: (_k: number, r: number) => values[r] };
        });
      }
    }
    const boolean = category === CATEGORIES.Compare && name !== "PairMax" && name !== "PairMin";
    const results = first.map((ci, k) => {
      const col = table.columns[ci];
      const x = numbers(col);
      const out = new Float64Array(table.rowCount);
      for (let r = 0; r < table.rowCount; r++) {
        const xv = x[r];
        const yv = binary ? seconds[k].at(k, r) : 0;
        out[r] = xv !== xv || yv !== yv ? NaN : binary ? (fn as Binary)(xv, yv) : (fn as Unary)(xv);
      }
      const label = binary ? `${name}(${col.name}_${seconds[k].label})` : `${name}(${col.name})`;
      return { ci, column: makeColumn(label, boolean ? "Boolean" : "Double", out) };
    });
    const mode = p.enumValue("Output mode");
    if (mode === "ResultOnly")
      return [tableOutput({ rowCount: table.rowCount, columns: results.map((r) => r.column) })];
    if (mode === "Append")
      return [
        tableOutput({
          rowCount: table.rowCount,
          columns: [...table.columns, ...results.map((r) => r.column)],
        }),
      ];
    const columns = [...table.columns];
    for (const { ci, column } of results) {
      const original = table.columns[ci];
      columns[ci] = { ...column, name: original.name, usage: original.usage };
    }
    return [tableOutput({ rowCount: table.rowCount, columns })];
  },
};
