/**
 * `npm run evaluate -- --stack dev --base origin/main`: the model's quality before merge. Trains
 * the model this branch declares and the one the base declares on Azurite and the emulator,
 * scores both on the same held-out rows, applies the stack's gate as `up` will, and writes
 * `report.md` (the pull-request comment), `report.html` and `verdict.json` under `--out`.
 *
 * Exit code: 0 when the gate passes the candidate, 1 when it refuses it, 2 on any other failure.
 */
// First: on an old Node, stop with how to get Node 22 (before any import can fail).
import "../bin/check-node.cjs";
import * as path from "node:path";
import { Command } from "commander";
import { evaluate } from "../evaluation/run";

/** Parses the command line and runs the evaluation; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name("evaluate")
    .description(
      "Train the candidate and the served model on the emulator and compare them, with the gate's verdict",
    )
    .requiredOption(
      "-s, --stack <name>",
      "the stack whose Pulumi.<stack>.yaml the pull request changes",
    )
    .option("-b, --base <ref>", "git ref of the served model's declaration", "origin/main")
    .option("-o, --out <dir>", "where the report is written (git-ignored)", ".evaluation")
    .option("--cache <dir>", "evaluation cache (default: <out>/cache)")
    .option("--no-cache", "train both sides even when a stored result matches")
    .option("-C, --project <dir>", "the project folder", ".")
    .option(
      "--python <path>",
      "v2 stacks: the interpreter of the jobs and deployments (default: AZUREML_EMULATOR_PYTHON or python3)",
    )
    .option("-q, --quiet", "print only the verdict and where the report is")
    .exitOverride();
  try {
    program.parse([...argv], { from: "user" });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  const options = program.opts<{
    stack: string;
    base: string;
    out: string;
    cache: string | boolean;
    project: string;
    python?: string;
    quiet?: boolean;
  }>();
  const projectDir = path.resolve(options.project);
  const outDir = path.resolve(projectDir, options.out);
  try {
    const result = await evaluate({
      projectDir,
      stack: options.stack,
      baseRef: options.base,
      outDir,
      cacheDir:
        options.cache === false
          ? false
          : typeof options.cache === "string"
            ? path.resolve(projectDir, options.cache)
            : path.join(outDir, "cache"),
      ...(options.python ? { python: options.python } : {}),
      ...(options.quiet ? {} : { log: (line: string) => console.error(`evaluate: ${line}`) }),
    });
    const { gate } = result.report;
    console.log(`gate ${gate.passed ? "PASSED" : "REFUSED"}: ${gate.summary}`);
    console.log(
      `report: ${path.relative(process.cwd(), result.files.markdown)}, ${path.relative(process.cwd(), result.files.html)}`,
    );
    if (!options.quiet) {
      const timing = Object.entries(result.seconds)
        .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
        .join(", ");
      console.error(`evaluate: ${timing}`);
    }
    return gate.passed ? 0 : 1;
  } catch (e) {
    console.error(`evaluate failed: ${(e as Error).message}`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 2;
    },
  );
}
