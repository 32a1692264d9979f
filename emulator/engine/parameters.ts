/**
 * Module parameters: declarations (name, type, default, range) and a reader that converts the
 * package's values, raising Studio's parameter errors (0002 unparsable, 0003 missing,
 * 0004–0008 out of range).
 */
import { engineErrors } from "./errors";
import { parseBooleanText, parseNumberText } from "./valueParsing";

/** Parameter types (`docs/modules.md`). */
export type ParameterType = "Float" | "Integer" | "Boolean" | "String" | "ColumnSelection" | "Enum";

/** Declaration of one module parameter. */
export interface ParameterDefinition {
  /** Display name, as used for keys in the package ("L2 regularization weight"). */
  readonly name: string;
  readonly type: ParameterType;
  /** Default as text; undefined = required (Error 0003 when missing). */
  readonly default?: string;
  /** Enum values (canonical labels). */
  readonly values?: readonly string[];
  /** Other accepted spellings of enum values (designer names), mapped to canonical labels. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Studio's type name in 0002 messages for enums ("Handling policy"). */
  readonly enumName?: string;
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
  readonly maxExclusive?: boolean;
  /**
   * Other keys the parameter is stored under in exported packages (Studio's internal names,
   * e.g. Import Data's "Please Specify Data Source" for "Data source"); matched
   * case-insensitively, like the name.
   */
  readonly keys?: readonly string[];
  /** Holds a secret (an account key): never echoed in messages. */
  readonly secret?: boolean;
}

/** Raw parameter values of a node, by name (after global parameters are bound). */
export type ParameterValues = Record<string, unknown>;

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/**
 * Reads a node's parameters against its module's declarations.
 */
export class ParameterReader {
  private readonly defs: Map<string, ParameterDefinition>;
  /**
   * Values already read, by method and name: a prepared graph's readers serve every run of it,
   * so each parameter is converted once. Failures are not kept (each read throws again).
   */
  private readonly memo = new Map<string, string | number | boolean>();

  /**
   * @param definitions - the module's parameter declarations
   * @param values - the node's values by parameter name
   */
  constructor(
    definitions: readonly ParameterDefinition[],
    private readonly values: ParameterValues,
  ) {
    this.defs = new Map(definitions.map((d) => [d.name, d]));
  }

  private def(name: string): ParameterDefinition {
    const d = this.defs.get(name);
    if (!d) throw new Error(`parameter "${name}" is not declared`);
    return d;
  }

  /**
   * The value as text, or the default; Error 0003 when required and missing.
   *
   * @param name - parameter name
   */
  string(name: string): string {
    const key = `s${name}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known as string;
    const d = this.def(name);
    const v = text(this.values[name]) ?? d.default;
    if (v === undefined) throw engineErrors.module("0003", name);
    this.memo.set(key, v);
    return v;
  }

  /**
   * True when the parameter is absent or blank (e.g. "Random number seed": blank = default).
   *
   * @param name - parameter name
   */
  isBlank(name: string): boolean {
    const v = text(this.values[name]);
    return v === undefined || v.trim() === "";
  }

  /**
   * A Float parameter. In "Parameter Range" mode a list ("0.1; 1") may be given and `pick`
   * chooses the value Train Model uses.
   *
   * @param name - parameter name
   * @param pick - which value of a list to use: the first (default) or the minimum
   */
  float(name: string, pick: "first" | "min" = "first"): number {
    return this.number(name, "Float", pick);
  }

  /**
   * An Integer parameter (see {@link ParameterReader.float} for lists).
   *
   * @param name - parameter name
   * @param pick - which value of a list to use
   */
  int(name: string, pick: "first" | "min" = "first"): number {
    return this.number(name, "Integer", pick);
  }

  /**
   * An optional Integer: undefined when blank (seeds).
   *
   * @param name - parameter name
   */
  optionalInt(name: string): number | undefined {
    return this.isBlank(name) ? undefined : this.int(name);
  }

  /**
   * Every value of a Float or Integer parameter given as a list ("0.1; 0.2; 0.4", `;` or `,`
   * separated; a single value is a list of one): what Tune Model Hyperparameters sweeps.
   *
   * @param name - parameter name
   */
  numbers(name: string): number[] {
    const d = this.def(name);
    return this.parseList(d, name, d.type === "Integer" ? "Integer" : "Float");
  }

  private parseList(d: ParameterDefinition, name: string, type: "Float" | "Integer"): number[] {
    const v = this.string(name);
    const parts = v
      .split(/[;,]/)
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (parts.length === 0) throw engineErrors.module("0003", name);
    const nums = parts.map((p) => {
      const parsed = parseNumberText(p);
      if (
        !parsed ||
        Number.isNaN(parsed.value) ||
        (type === "Integer" && !Number.isInteger(parsed.value))
      ) {
        throw engineErrors.module("0002", name, v, "String", type);
      }
      return parsed.value;
    });
    for (const value of nums) this.checkRange(d, value);
    return nums;
  }

  private number(name: string, type: "Float" | "Integer", pick: "first" | "min"): number {
    const key = `${type}${pick}${name}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known as number;
    const value = this.readNumber(name, type, pick);
    this.memo.set(key, value);
    return value;
  }

  private readNumber(name: string, type: "Float" | "Integer", pick: "first" | "min"): number {
    const d = this.def(name);
    const v = this.string(name);
    const parts = v
      .split(/[;,]/)
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (parts.length === 0) throw engineErrors.module("0003", name);
    const nums = parts.map((p) => {
      const parsed = parseNumberText(p);
      if (
        !parsed ||
        Number.isNaN(parsed.value) ||
        (type === "Integer" && !Number.isInteger(parsed.value))
      ) {
        throw engineErrors.module("0002", name, v, "String", type);
      }
      return parsed.value;
    });
    const value = pick === "min" ? Math.min(...nums) : nums[0];
    this.checkRange(d, value);
    return value;
  }

  private checkRange(d: ParameterDefinition, value: number): void {
    const { min, max } = d;
    const belowMin = min !== undefined && (d.minExclusive ? value <= min : value < min);
    const aboveMax = max !== undefined && (d.maxExclusive ? value >= max : value > max);
    if (!belowMin && !aboveMax) return;
    if (min !== undefined && max !== undefined && !d.minExclusive && !d.maxExclusive) {
      throw engineErrors.module("0008", d.name, min, max);
    }
    if (belowMin) throw engineErrors.module(d.minExclusive ? "0004" : "0005", d.name, min!);
    throw engineErrors.module(d.maxExclusive ? "0006" : "0007", d.name, max!);
  }

  /**
   * A Boolean parameter ("True"/"False", any case).
   *
   * @param name - parameter name
   */
  bool(name: string): boolean {
    const key = `b${name}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known as boolean;
    const v = this.string(name);
    const b = parseBooleanText(v);
    if (b < 0) throw engineErrors.module("0002", name, v, "String", "Boolean");
    this.memo.set(key, b === 1);
    return b === 1;
  }

  /**
   * An enum parameter: its canonical label (matching is case-insensitive and accepts aliases).
   *
   * @param name - parameter name
   */
  enumValue(name: string): string {
    const memoKey = `e${name}`;
    const known = this.memo.get(memoKey);
    if (known !== undefined) return known as string;
    const value = this.readEnum(name);
    this.memo.set(memoKey, value);
    return value;
  }

  private readEnum(name: string): string {
    const d = this.def(name);
    const v = this.string(name);
    const key = v.trim().toLowerCase();
    const found = d.values?.find((x) => x.toLowerCase() === key);
    if (found) return found;
    for (const [alias, canonical] of Object.entries(d.aliases ?? {})) {
      if (alias.toLowerCase() === key) return canonical;
    }
    throw engineErrors.module("0002", name, v, "String", d.enumName ?? "Enum");
  }
}
