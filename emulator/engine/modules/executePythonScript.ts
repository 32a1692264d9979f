/**
 * Execute Python Script: runs `azureml_main(dataframe1, dataframe2)` in a real Python 3 with
 * pandas (a subprocess of the emulator, see `emulator/runtime/scripts.ts`) and returns the data
 * frame it gives back. The Script Bundle zip is unpacked into "Script Bundle", which is on
 * `sys.path`. What the script prints goes to the job's output log; an exception fails the module
 * with Error 0085 carrying the script's own error text and line.
 */
import { optionalTable, requireRuntime, scriptError } from "./scriptSupport";
import type { ModuleRuntime } from "../api";
import { tableOutput, type ModuleContext, type PortValue, type StudioModule } from "./types";

/** Studio's starting script: passes Dataset1 through. */
const DEFAULT_SCRIPT = `# The script MUST contain a function named azureml_main
# which is the entry point for this module.
import pandas as pd

def azureml_main(dataframe1 = None, dataframe2 = None):
    return dataframe1,
`;

/** The Execute Python Script module. */
export const executePythonScript: StudioModule = {
  name: "Execute Python Script",
  category: "Python Language Modules",
  inputs: [
    { name: "Dataset1", type: "DataTable", optional: true },
    { name: "Dataset2", type: "DataTable", optional: true },
    { name: "Script Bundle", type: "Zip", optional: true },
  ],
  outputs: [
    { name: "Result Dataset", type: "DataTable" },
    { name: "Python device", type: "DataTable", aliases: ["Python Device"] },
  ],
  parameters: [
    { name: "Python script", type: "String", default: DEFAULT_SCRIPT, keys: ["Python Script"] },
    {
      name: "Python Version",
      type: "String",
      default: "Anaconda 4.0/Python 3.5",
      keys: ["Python version"],
    },
  ],
  differences: [
    'Runs the emulator\'s own Python 3 (--python, default python3 on PATH, with pandas) whatever "Python Version" says.',
    "The Python device port returns an empty table; printed output goes to the job's output log.",
    "Column flags (label, categorical) do not survive the script, as in Studio; empty strings come back as missing values.",
    "Time limit: --script-timeout-ms (default 10 minutes); --no-scripts turns the module off.",
  ],
  run(inputs, ctx) {
    // Checked before anything waits, so a synchronous run fails here with Error 0039.
    const runtime = requireRuntime(ctx, "runs a Python script");
    return runPython(inputs, ctx, runtime);
  },
};

async function runPython(
  inputs: readonly (PortValue | undefined)[],
  ctx: ModuleContext,
  runtime: ModuleRuntime,
): Promise<PortValue[]> {
  const bundle = inputs[2];
  const outcome = await runtime.runScript({
    language: "Python",
    script: ctx.params.string("Python script"),
    nodeId: ctx.nodeId,
    moduleName: "Execute Python Script",
    inputs: [optionalTable(inputs[0]), optionalTable(inputs[1])],
    ...(bundle?.type === "Zip" ? { bundle: bundle.bytes } : {}),
  });
  if (!outcome.ok) throw scriptError(outcome, "Python", ctx.nodeId);
  return [tableOutput(outcome.table), tableOutput({ rowCount: 0, columns: [] })];
}
