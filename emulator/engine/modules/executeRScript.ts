/**
 * Execute R Script: runs the script in a real R (`Rscript`, a subprocess of the emulator, see
 * `emulator/runtime/scripts.ts`) with Studio's `maml.mapInputPort(1)` / `maml.mapInputPort(2)`
 * to read the inputs and `maml.mapOutputPort("df")` to return a data frame. The Script Bundle
 * zip is unpacked into `src/`. What R prints goes to the job's output log; an error fails the
 * module with Error 0063 carrying R's own message and the line of the failing statement.
 */
import { optionalTable, requireRuntime, scriptError } from "./scriptSupport";
import type { ModuleRuntime } from "../api";
import { tableOutput, type ModuleContext, type PortValue, type StudioModule } from "./types";

/** Studio's starting script: passes Dataset1 through. */
const DEFAULT_SCRIPT = `# Map 1-based optional input ports to variables
dataset1 <- maml.mapInputPort(1) # class: data.frame

# Select data.frame to be sent to the output Dataset port
maml.mapOutputPort("dataset1");
`;

/** The Execute R Script module. */
export const executeRScript: StudioModule = {
  name: "Execute R Script",
  category: "R Language Modules",
  inputs: [
    { name: "Dataset1", type: "DataTable", optional: true },
    { name: "Dataset2", type: "DataTable", optional: true },
    { name: "Script Bundle", type: "Zip", optional: true },
  ],
  outputs: [
    { name: "Result Dataset", type: "DataTable" },
    { name: "R Device", type: "DataTable" },
  ],
  parameters: [
    { name: "R Script", type: "String", default: DEFAULT_SCRIPT },
    { name: "Random Seed", type: "Integer", min: 0 },
    { name: "R Version", type: "String", default: "CRAN R 3.1.0" },
  ],
  differences: [
    'Runs the emulator\'s own R (--rscript, default Rscript on PATH) whatever "R Version" says; packages beyond base R must be installed there.',
    "The R Device port returns an empty table; printed output goes to the job's output log.",
    "Time limit: --script-timeout-ms (default 10 minutes); --no-scripts turns the module off.",
  ],
  run(inputs, ctx) {
    // Checked before anything waits, so a synchronous run fails here with Error 0039.
    const runtime = requireRuntime(ctx, "runs an R script");
    return runR(inputs, ctx, runtime);
  },
};

async function runR(
  inputs: readonly (PortValue | undefined)[],
  ctx: ModuleContext,
  runtime: ModuleRuntime,
): Promise<PortValue[]> {
  const bundle = inputs[2];
  const seed = ctx.params.optionalInt("Random Seed");
  const outcome = await runtime.runScript({
    language: "R",
    script: ctx.params.string("R Script"),
    nodeId: ctx.nodeId,
    moduleName: "Execute R Script",
    inputs: [optionalTable(inputs[0]), optionalTable(inputs[1])],
    ...(bundle?.type === "Zip" ? { bundle: bundle.bytes } : {}),
    ...(seed !== undefined ? { seed } : {}),
  });
  if (!outcome.ok) throw scriptError(outcome, "R", ctx.nodeId);
  return [tableOutput(outcome.table), tableOutput({ rowCount: 0, columns: [] })];
}
