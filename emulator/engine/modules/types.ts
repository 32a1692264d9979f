/**
 * The shape of a Studio module implementation and the values that flow between ports.
 */
import type { DataTable, ModuleRuntime } from "../api";
import { engineErrors } from "../errors";
import type { LearnerKind, LearnerSpec, LearnerTask, TrainedModel } from "../learners/model";
import type { ParameterDefinition, ParameterReader } from "../parameters";
import type { SavedTransform } from "../transforms";

/** Port data types (`docs/modules.md`); `Zip` is a Script Bundle. */
export type PortType = "DataTable" | "ILearner" | "ITransform" | "Zip";

/** A module port. */
export interface PortDefinition {
  /** Studio port name ("Dataset", "Results dataset1"). */
  readonly name: string;
  readonly type: PortType;
  /** Optional input (Evaluate Model's second input). */
  readonly optional?: boolean;
  /** An ILearner output holding an untrained learner (Initialize Model modules). */
  readonly untrained?: boolean;
  /** Other names exported packages use for this port (matched case-insensitively). */
  readonly aliases?: readonly string[];
}

/** A value on a port. */
export type PortValue =
  | { type: "DataTable"; table: DataTable }
  | { type: "UntrainedLearner"; learner: LearnerSpec }
  | { type: "TrainedModel"; model: TrainedModel; ilearner?: Uint8Array }
  | { type: "Transform"; transform: SavedTransform; itransform?: Uint8Array }
  | { type: "Zip"; bytes: Uint8Array };

/** What a module sees besides its inputs. */
export interface ModuleContext {
  /** The node's parameters. */
  params: ParameterReader;
  /** Time recorded in trained models (injectable so runs can be reproduced byte for byte). */
  now(): Date;
  /** The graph node running the module (for messages and the output log). */
  nodeId: string;
  /** I/O for data and script modules; undefined in a synchronous run. */
  runtime: ModuleRuntime | undefined;
}

/**
 * One cell of a row in a row plan (`graph/rowPlan.ts`): a number for Double, Int64 and Boolean
 * columns (NaN = missing, booleans 0/1), a string or null for String columns, as in a column.
 */
export type Cell = number | string | null;

/**
 * A module's part of a row plan: what it does to one row, for a table whose columns are known
 * ahead of the rows (a served predictive graph's input schema). Only modules whose output row
 * depends on nothing but the same input row (no statistics over the rows, no rows dropped or
 * added) have one.
 */
export interface RowStep {
  /** The output table's columns (a table with no rows), as `run` would build them. */
  readonly schema: DataTable;
  /**
   * The output row of one input row (cells in the order of the input and output schemas). Throws
   * {@link ROW_PLAN_BAIL} when the row needs the module's own `run` (it would raise an error, or
   * takes a path the step does not cover): the caller then runs the graph the ordinary way.
   */
  map(row: readonly Cell[]): Cell[];
}

/** Thrown by {@link RowStep.map} to hand a row back to the ordinary graph run. */
export const ROW_PLAN_BAIL: unique symbol = Symbol("row plan bail");

/** A Studio module. */
export interface StudioModule {
  /** Studio name, exactly as in the asset ("Split Data"). */
  readonly name: string;
  readonly inputs: readonly PortDefinition[];
  readonly outputs: readonly PortDefinition[];
  readonly parameters: readonly ParameterDefinition[];
  /**
   * Runs the module. `inputs[i]` is the value on `inputs` port i (undefined when an optional
   * port is not connected); returns one value per output port, in order. Modules that wait for
   * I/O (`ctx.runtime`) return a promise.
   */
  run(
    inputs: readonly (PortValue | undefined)[],
    ctx: ModuleContext,
  ): PortValue[] | Promise<PortValue[]>;
  /**
   * The module as a {@link RowStep}, when it can be one for these inputs and parameters:
   * DataTable inputs are tables with no rows (the columns known ahead), other inputs the values
   * themselves (a trained model). Returns undefined when the module, for these parameters, is not
   * a per-row function of its input (the graph then always runs the ordinary way).
   */
  compileRows?(inputs: readonly (PortValue | undefined)[], ctx: ModuleContext): RowStep | undefined;
  /**
   * A module with an effect outside the graph (Export Data): it runs even when no web service
   * output depends on it.
   */
  readonly sink?: boolean;
  /** Where the emulator departs from Studio, one sentence each (the module catalogue lists them). */
  readonly differences?: readonly string[];
  /** Studio's category, for the module catalogue ("Data Transformation / Manipulation"). */
  readonly category?: string;
}

/**
 * The table on an input port; Error 0003 when it is absent or holds no columns.
 *
 * @param value - port value
 * @param portName - port display name
 */
export function tableInput(value: PortValue | undefined, portName: string): DataTable {
  if (!value || value.type !== "DataTable") throw engineErrors.module("0003", portName);
  if (value.table.columns.length === 0) throw engineErrors.module("0003", portName);
  return value.table;
}

/**
 * Wraps a table as a port value.
 *
 * @param table - table
 */
export function tableOutput(table: DataTable): PortValue {
  return { type: "DataTable", table };
}

/** "Create trainer mode" of the Initialize Model modules (a list value picks one entry). */
export const TRAINER_MODES: ParameterDefinition = {
  name: "Create trainer mode",
  type: "Enum",
  default: "Single Parameter",
  values: ["Single Parameter", "Parameter Range"],
  enumName: "Trainer mode",
  aliases: { SingleParameter: "Single Parameter", ParameterRange: "Parameter Range" },
};

/** "Random number seed" of the Initialize Model modules (blank: the learner records 0). */
export const RANDOM_NUMBER_SEED: ParameterDefinition = {
  name: "Random number seed",
  type: "Integer",
};

/** "Allow unknown categorical levels" of the Initialize Model modules. */
export const ALLOW_UNKNOWN_LEVELS: ParameterDefinition = {
  name: "Allow unknown categorical levels",
  type: "Boolean",
  default: "True",
};

/**
 * The output of an Initialize Model module: an untrained learner with its resolved parameters
 * (which include "Allow unknown categorical levels").
 *
 * @param learner - learner kind
 * @param moduleName - the module's Studio name
 * @param task - what the learner predicts
 * @param parameters - resolved parameters, by Studio name, in the order the model records them
 */
export function untrainedLearner(
  learner: LearnerKind,
  moduleName: string,
  task: LearnerTask,
  parameters: LearnerSpec["parameters"],
  sweep: Record<string, number[]> = {},
): PortValue {
  const allowUnknownLevels = parameters[ALLOW_UNKNOWN_LEVELS.name] === true;
  return {
    type: "UntrainedLearner",
    learner: {
      learner,
      moduleName,
      task,
      allowUnknownLevels,
      parameters,
      ...(Object.keys(sweep).length > 0 ? { sweep } : {}),
    },
  };
}

/**
 * Parameter Range mode: every value given for the sweepable parameters that list more than one
 * (Tune Model Hyperparameters tries their combinations). Empty in Single Parameter mode.
 *
 * @param ctx - the module's context
 * @param names - the module's numeric parameters that may be swept
 */
export function sweepValues(
  ctx: ModuleContext,
  names: readonly string[],
): Record<string, number[]> {
  if (ctx.params.enumValue(TRAINER_MODES.name) !== "Parameter Range") return {};
  const sweep: Record<string, number[]> = {};
  for (const name of names) {
    const values = ctx.params.numbers(name);
    if (values.length > 1) sweep[name] = values;
  }
  return sweep;
}
