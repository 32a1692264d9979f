/**
 * Small builders for engine tests: tables from literal columns, running one module, picker JSON.
 */
import { expect } from "chai";
import { expectPresent, expectVariant } from "../../helpers/expect";
import type {
  Column,
  ColumnUsage,
  DataTable,
  ElementType,
  ModuleRuntime,
} from "../../../emulator/engine/api";
import { EngineError } from "../../../emulator/engine/errors";
import type { PortValue, StudioModule } from "../../../emulator/engine/modules/types";
import { ParameterReader } from "../../../emulator/engine/parameters";

/** A column literal: numbers/booleans (null = missing) or strings. */
export interface ColumnLiteral {
  type?: ElementType;
  values: (number | string | boolean | null)[];
  categorical?: boolean;
  usage?: ColumnUsage;
}

/**
 * Builds a table; a bare array is a column whose type is inferred (all numbers: Int64 when
 * integral else Double; booleans: Boolean; otherwise String).
 *
 * @param columns - column literals by name, in order
 */
export function table(
  columns: Record<string, ColumnLiteral | (number | string | boolean | null)[]>,
): DataTable {
  const cols: Column[] = Object.entries(columns).map(([name, lit]) => {
    const spec: ColumnLiteral = Array.isArray(lit) ? { values: lit } : lit;
    const present = spec.values.filter((v) => v !== null);
    const type: ElementType =
      spec.type ??
      (present.every((v) => typeof v === "boolean")
        ? "Boolean"
        : present.every((v) => typeof v === "number")
          ? present.every((v) => Number.isInteger(v))
            ? "Int64"
            : "Double"
          : "String");
    const values =
      type === "String"
        ? spec.values.map((v) => (v === null ? null : String(v)))
        : Float64Array.from(
            spec.values.map((v) =>
              v === null ? NaN : typeof v === "boolean" ? (v ? 1 : 0) : Number(v),
            ),
          );
    return {
      name,
      type,
      categorical: spec.categorical ?? false,
      usage: spec.usage ?? "feature",
      values,
    };
  });
  return { rowCount: cols[0]?.values.length ?? 0, columns: cols };
}

/**
 * A column's values as plain JS values (NaN/null → null), for deep equality.
 *
 * @param t - table
 * @param name - column name
 */
export function values(t: DataTable, name: string): (number | string | null)[] {
  const col = t.columns.find((c) => c.name === name);
  expectPresent(col, `column "${name}" exists`);
  return Array.from(col.values as ArrayLike<number | string | null>, (v) =>
    v === null || (typeof v === "number" && Number.isNaN(v)) ? null : v,
  );
}

/**
 * Column names of a table.
 *
 * @param t - table
 */
export function names(t: DataTable): string[] {
  return t.columns.map((c) => c.name);
}

/**
 * Runs one module with literal parameters.
 *
 * @param module - the module
 * @param inputs - input port values (tables are wrapped)
 * @param params - parameter values by name
 */
export function run(
  module: StudioModule,
  inputs: (DataTable | PortValue | undefined)[],
  params: Record<string, unknown> = {},
): PortValue[] {
  const wrapped = inputs.map((v): PortValue | undefined =>
    v === undefined ? undefined : "rowCount" in v ? { type: "DataTable", table: v } : v,
  );
  const result = module.run(wrapped, {
    params: new ParameterReader(module.parameters, params),
    now: () => new Date("2026-11-15T00:00:00.000Z"),
    nodeId: "node1",
    runtime: undefined,
  });
  if (result instanceof Promise) throw new Error(`${module.name} waits for I/O: use runAsync`);
  return result;
}

/**
 * Runs one module that may wait for I/O (data and script modules) with a runtime.
 *
 * @param module - the module
 * @param inputs - input port values (tables are wrapped)
 * @param params - parameter values by name
 * @param runtime - the I/O the module may use
 */
export async function runAsync(
  module: StudioModule,
  inputs: (DataTable | PortValue | undefined)[],
  params: Record<string, unknown>,
  runtime: ModuleRuntime | undefined,
): Promise<PortValue[]> {
  const wrapped = inputs.map((v): PortValue | undefined =>
    v === undefined ? undefined : "rowCount" in v ? { type: "DataTable", table: v } : v,
  );
  return module.run(wrapped, {
    params: new ParameterReader(module.parameters, params),
    now: () => new Date("2026-11-15T00:00:00.000Z"),
    nodeId: "node1",
    runtime,
  });
}

/**
 * The table on an output port.
 *
 * @param value - port value
 */
export function tableOf(value: PortValue | undefined): DataTable {
  expectVariant(value, "type", "DataTable", "a table");
  return value.table;
}

/**
 * A "column names" picker value in the legacy JSON shape.
 *
 * @param columns - column names
 */
export function byNames(...columns: string[]): string {
  return JSON.stringify({
    isFilter: true,
    rules: [{ ruleType: "ColumnNames", exclude: false, columns }],
  });
}

/**
 * Asserts that `fn` throws an EngineError with this kind and code, and a message matching.
 *
 * @param fn - code that must throw
 * @param expected - kind, code, an exact message or a pattern, and the node and module at fault
 */
export function throwsEngine(
  fn: () => unknown,
  expected: {
    kind?: string;
    code: string;
    message?: string | RegExp;
    nodeId?: string;
    moduleName?: string;
  },
): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  {
    const e = thrown as EngineError;
    expect(e, `an EngineError, got ${String(e)}`).to.be.instanceOf(EngineError);
    if (expected.kind) expect(e.kind).to.equal(expected.kind);
    expect(e.code).to.equal(expected.code);
    if (typeof expected.message === "string") expect(e.message).to.equal(expected.message);
    else if (expected.message) expect(e.message).to.match(expected.message);
    if (expected.nodeId) expect(e.nodeId).to.equal(expected.nodeId);
    if (expected.moduleName) expect(e.moduleName).to.equal(expected.moduleName);
  }
}
