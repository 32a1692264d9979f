/**
 * Helpers for the modules' {@link RowStep}s (`StudioModule.compileRows`, used by the row plans of
 * `graph/rowPlan.ts`).
 */
import type { Column, DataTable } from "../api";
import type { ModuleContext, PortValue, RowStep, StudioModule } from "./types";

/**
 * Where each column of a table comes from in another: the index of the column holding the very
 * same values array, or -1 for a column made anew.
 *
 * @param output - the table a module returned
 * @param input - the table it was given
 */
export function columnLineage(output: DataTable, input: DataTable): number[] {
  return output.columns.map((c: Column) => input.columns.findIndex((i) => i.values === c.values));
}

/**
 * The row step of a module that only selects, reorders or relabels its input's columns (values
 * are never touched): its own `run` on the table with no rows gives the output columns, and each
 * must be one of the input's columns (the same values array), which the row step then copies.
 * Undefined when the module's `run` fails on the table with no rows or makes a new column.
 *
 * @param module - the module
 * @param inputs - its inputs (the DataTable one a table with no rows)
 * @param ctx - its context
 * @param port - the index of its DataTable input
 */
export function passThroughRows(
  module: StudioModule,
  inputs: readonly (PortValue | undefined)[],
  ctx: ModuleContext,
  port = 0,
): RowStep | undefined {
  const input = inputs[port];
  if (input?.type !== "DataTable") return undefined;
  let outputs: PortValue[] | Promise<PortValue[]>;
  try {
    outputs = module.run(inputs, ctx);
  } catch {
    return undefined;
  }
  if (!Array.isArray(outputs) || outputs[0]?.type !== "DataTable") return undefined;
  const schema = outputs[0].table;
  const from = columnLineage(schema, input.table);
  if (from.some((i) => i < 0)) return undefined;
  return { schema, map: (row) => from.map((i) => row[i]) };
}
