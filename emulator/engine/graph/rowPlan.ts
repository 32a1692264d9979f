/**
 * Row plans: a served predictive graph compiled, ahead of the requests, into one function per
 * module from an input row to an output row (`StudioModule.compileRows`), for graphs whose every
 * module works row by row (Clean Missing Data with a fixed substitute, Edit Metadata, Score
 * Model, Select Columns in Dataset...). The columns of every table along the way are known from
 * the service's input schema, so a scoring request only converts its cells, runs the row
 * functions and formats the output cells: no table, no column picker, no feature schema per
 * request.
 *
 * A plan is an exact shortcut, never a second opinion: each row function computes what the
 * module's `run` computes (the same conversion, encoding and learner code), and whatever the plan
 * does not cover (a value that does not convert, a column the schema does not declare, a
 * substitute that does not fit, web service parameters, several inputs) makes it return
 * undefined, and the caller runs the graph the ordinary way, which gives the answer or the error.
 */
import type { TableSpecification } from "../../../contract";
import type { Column, DataTable, RenderedTable, RequestRows } from "../api";
import { makeColumn, schemaTable, valueText } from "../dataTable";
import type { ParameterReader } from "../parameters";
import { convertValue, specElementType } from "../rows";
import type { Cell, PortValue, RowStep } from "../modules/types";
import type { CompiledGraph, CompiledNode } from "./compile";

/** One node of a plan: where its input row comes from and what it does to it. */
interface PlanStep {
  /** Index in {@link RowPlan.steps} of the step feeding it, or -1 for the input row. */
  readonly source: number;
  readonly step: RowStep;
}

/** A compiled plan (see the file's comment). */
export interface RowPlan {
  readonly inputName: string;
  readonly steps: readonly PlanStep[];
  /** Per web service output: the step feeding it (-1: the input itself) and its columns. */
  readonly outputs: readonly {
    readonly name: string;
    readonly source: number;
    readonly columns: readonly Column[];
    readonly rendered: { columnNames: string[]; columnTypes: string[] };
  }[];
  /** The declared input columns, in the schema's order, with their element types. */
  readonly inputColumns: readonly Column[];
  /** Positions in the schema of a request's columns, by the request's column list. */
  readonly layouts: Map<string, Int32Array | null>;
}

/** What the plan needs of the prepared graph. */
export interface PlanSource {
  readonly graph: CompiledGraph;
  /** The nodes the outputs need, in order. */
  readonly plan: readonly CompiledNode[];
  /** Each module node's parameters, bound without web service parameters. */
  readonly readers: Map<string, ParameterReader>;
  /** A Resource node's decoded value. */
  resource(node: CompiledNode & { kind: "trainedModel" }): PortValue;
  /** `properties.input.properties`, by input name. */
  readonly inputSpecs: Readonly<Record<string, TableSpecification | undefined>>;
}

/**
 * Compiles the plan of a prepared graph, or undefined when some needed node is not a row step.
 *
 * @param source - the prepared graph
 * @param now - the time modules may read (unused by row steps, required by their context)
 */
export function compileRowPlan(source: PlanSource, now: () => Date): RowPlan | undefined {
  const inputs = source.plan.filter((n) => n.kind === "input");
  if (inputs.length !== 1 || inputs[0].kind !== "input") return undefined;
  const inputName = inputs[0].inputId;
  const spec = source.inputSpecs[inputName];
  const declared = Object.entries(spec?.properties ?? {});
  if (declared.length === 0) return undefined;
  const inputColumns = declared.map(([name, column]) => {
    const type = specElementType(column.type);
    return makeColumn(name, type, type === "String" ? [] : new Float64Array(0));
  });
  /** Step index of each row node (-1: the input); the value of each other node. */
  const rowNodes = new Map<string, number>([[inputs[0].id, -1]]);
  const values = new Map<string, PortValue>();
  const schemas = new Map<number, DataTable>([[-1, schemaTable(inputColumns)]]);
  const steps: PlanStep[] = [];
  const outputs: RowPlan["outputs"][number][] = [];
  for (const node of source.plan) {
    if (node.kind === "input") continue;
    if (node.kind === "trainedModel") {
      try {
        values.set(node.id, source.resource(node));
      } catch {
        return undefined;
      }
      continue;
    }
    const ports = source.graph.incoming.get(node.id)!;
    if (node.kind === "output") {
      const edge = ports.get("*")!;
      const from = rowNodes.get(edge.source);
      if (from === undefined) return undefined;
      const columns = schemas.get(from)!.columns;
      outputs.push({
        name: node.outputId,
        source: from,
        columns,
        rendered: {
          columnNames: columns.map((c) => c.name),
          columnTypes: columns.map((c) => c.type),
        },
      });
      continue;
    }
    if (node.kind !== "module" || !node.module.compileRows || node.module.sink) return undefined;
    let rowSource: number | undefined;
    const moduleInputs: (PortValue | undefined)[] = [];
    for (const port of node.module.inputs) {
      const edge = ports.get(port.name);
      if (!edge) {
        moduleInputs.push(undefined);
        continue;
      }
      const fromRows = rowNodes.get(edge.source);
      if (fromRows !== undefined) {
        // One row input per module: two would pair rows of two tables.
        if (rowSource !== undefined) return undefined;
        rowSource = fromRows;
        moduleInputs.push({ type: "DataTable", table: schemas.get(fromRows)! });
      } else {
        const value = values.get(edge.source);
        if (value === undefined) return undefined;
        moduleInputs.push(value);
      }
    }
    if (rowSource === undefined) return undefined;
    let step: RowStep | undefined;
    try {
      step = node.module.compileRows(moduleInputs, {
        params: source.readers.get(node.id)!,
        now,
        nodeId: node.id,
        runtime: undefined,
      });
    } catch {
      return undefined;
    }
    if (!step) return undefined;
    // A module with several outputs is a row step of its first; the others stay unavailable.
    const index = steps.length;
    steps.push({ source: rowSource, step });
    schemas.set(index, step.schema);
    const firstPort = node.module.outputs[0]?.name;
    for (const [target, targetPorts] of source.graph.incoming) {
      for (const edge of targetPorts.values()) {
        if (edge.source === node.id && edge.sourcePort !== firstPort && needs(source, target))
          return undefined;
      }
    }
    rowNodes.set(node.id, index);
  }
  if (outputs.length === 0) return undefined;
  return { inputName, steps, outputs, inputColumns, layouts: new Map() };
}

function needs(source: PlanSource, nodeId: string): boolean {
  return source.plan.some((n) => n.id === nodeId);
}

/** Most request column orders remembered per plan. */
const LAYOUTS_KEPT = 64;

/** Where each declared column is in a request's columns, or null when they do not match. */
function layoutOf(plan: RowPlan, columns: readonly string[]): Int32Array | null {
  const key = columns.join("\u0000");
  let layout = plan.layouts.get(key);
  if (layout !== undefined) return layout;
  layout = null;
  if (columns.length === plan.inputColumns.length && new Set(columns).size === columns.length) {
    const positions = plan.inputColumns.map((c) => columns.indexOf(c.name));
    if (positions.every((p) => p >= 0)) layout = Int32Array.from(positions);
  }
  if (plan.layouts.size >= LAYOUTS_KEPT) plan.layouts.clear();
  plan.layouts.set(key, layout);
  return layout;
}

/**
 * Runs a plan on a request's rows: the outputs as RRS renders them, or undefined when the
 * request needs the ordinary run (see the file's comment).
 *
 * @param plan - the compiled plan
 * @param inputs - the request's rows by input name
 */
export function runRowPlan(
  plan: RowPlan,
  inputs: Readonly<Record<string, RequestRows>>,
): Record<string, RenderedTable> | undefined {
  const names = Object.keys(inputs);
  if (names.length !== 1 || names[0] !== plan.inputName) return undefined;
  const { columns, rows } = inputs[plan.inputName];
  if (rows.length === 0) return undefined;
  const layout = layoutOf(plan, columns);
  if (!layout) return undefined;
  const types = plan.inputColumns.map((c) => c.type);
  const results = plan.outputs.map(() => [] as (string | null)[][]);
  const stepRows: Cell[][] = new Array<Cell[]>(plan.steps.length);
  try {
    for (const sent of rows) {
      if (sent.length !== layout.length) return undefined;
      const row: Cell[] = new Array<Cell>(layout.length);
      for (let c = 0; c < layout.length; c++) {
        const value = convertValue(sent[layout[c]], types[c]);
        if (value === undefined) return undefined;
        row[c] = value;
      }
      for (let s = 0; s < plan.steps.length; s++) {
        const { source, step } = plan.steps[s];
        stepRows[s] = step.map(source < 0 ? row : stepRows[source]);
      }
      plan.outputs.forEach((output, k) => {
        const cells = output.source < 0 ? row : stepRows[output.source];
        results[k].push(output.columns.map((c, i) => valueText(c.type, cells[i])));
      });
    }
  } catch {
    // ROW_PLAN_BAIL, or anything a row function did not expect: the ordinary run decides.
    return undefined;
  }
  const out: Record<string, RenderedTable> = {};
  plan.outputs.forEach((output, k) => {
    out[output.name] = { ...output.rendered, values: results[k] };
  });
  return out;
}
