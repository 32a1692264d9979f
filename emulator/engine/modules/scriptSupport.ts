/**
 * What the script modules share: the runtime check, the optional inputs, and Studio's errors
 * for a failed script (0085 for Python, 0063 for R), with the script's own error text and line.
 */
import type { DataTable, ModuleRuntime, ScriptOutcome } from "../api";
import { engineErrors, type EngineError } from "../errors";
import type { ModuleContext, PortValue } from "./types";

/**
 * The runtime, or Error 0039 saying the module needs one (a synchronous run has none).
 *
 * @param ctx - the module's context
 * @param what - what the module does with it ("runs a Python script")
 */
export function requireRuntime(ctx: ModuleContext, what: string): ModuleRuntime {
  if (!ctx.runtime) {
    throw engineErrors.module(
      "0039",
      `node ${ctx.nodeId} ${what}, which needs the emulator's runtime (an asynchronous graph run)`,
    );
  }
  return ctx.runtime;
}

/**
 * The table on an optional input, undefined when the port is not connected.
 *
 * @param value - port value
 */
export function optionalTable(value: PortValue | undefined): DataTable | undefined {
  return value?.type === "DataTable" ? value.table : undefined;
}

/**
 * The error a failed script gives its module.
 *
 * @param outcome - what the runtime reported
 * @param language - Python or R
 * @param nodeId - the node running the script
 */
export function scriptError(
  outcome: Exclude<ScriptOutcome, { ok: true }>,
  language: "Python" | "R",
  nodeId: string,
): EngineError {
  switch (outcome.kind) {
    case "error": {
      const text =
        outcome.line !== undefined
          ? `${outcome.message}\n(line ${outcome.line} of the script)`
          : outcome.message;
      return language === "Python"
        ? engineErrors.module("0085", "Python", text)
        : engineErrors.module("0063", text);
    }
    case "timeout":
      return engineErrors.module(
        "0039",
        `the ${language} script of node ${nodeId} ran longer than the time limit of ${outcome.limitMs ?? "?"} ms and was killed`,
      );
    case "unavailable":
    case "disabled":
      return engineErrors.module(
        "0039",
        `node ${nodeId} cannot run its ${language} script: ${outcome.message}`,
      );
  }
}
