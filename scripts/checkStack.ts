/**
 * `npm run check-stack -- local` (or `-- Pulumi.local.yaml`, or several files): validates stack
 * files without the Pulumi CLI and without deploying: the configuration, then every resource's
 * `check`, with the messages `pulumi preview` prints (`harness/stackCheck.ts` says how).
 *
 * Exit code: 0 when every file is valid, 1 when one is not (its errors are printed), 2 when the
 * command line is wrong (no stack given, an unknown flag) or the check itself could not run.
 */
// First: on an old Node, stop with how to get Node 22 (before any import can fail).
import "../bin/check-node.cjs";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { checkStack, formatDiagnostics } from "../harness/stackCheck";
import { stackFilePath } from "../harness/stackFile";

/** The project this script belongs to. */
const PROJECT_DIR = path.resolve(__dirname, "..");

/**
 * Parses the command line and checks each stack; resolves to the exit code.
 * @param argv - the arguments after the script
 * @param print - where lines go (stdout)
 */
export async function main(
  argv: readonly string[],
  print: (line: string) => void = (l) => console.log(l),
): Promise<number> {
  const program = new Command()
    .name("check-stack")
    .description(
      "Validate stack files without the Pulumi CLI: the configuration and every resource's check, " +
        "with the messages pulumi preview prints; nothing is deployed and nothing leaves the machine",
    )
    .argument("<stack...>", "a stack name (local, dev, ...) or a Pulumi.<stack>.yaml file")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  npm run check-stack -- local                 Pulumi.local.yaml of this project",
        "  npm run check-stack -- Pulumi.*.yaml         every stack file (pre-commit does this)",
        "",
        "Exit codes: 0 every file is valid, 1 a file is not (its errors are printed),",
        "2 the command line is wrong or the check could not run.",
      ].join("\n"),
    )
    .exitOverride();
  try {
    program.parse([...argv], { from: "user" });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  let invalid = 0;
  for (const given of program.args) {
    const file = stackFilePath(given, PROJECT_DIR);
    const shown = file === path.resolve(given) ? given : path.relative(process.cwd(), file);
    if (!fs.existsSync(file)) {
      const stacks = fs
        .readdirSync(PROJECT_DIR)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
      console.error(
        `check-stack: ${shown}: no such stack file (this project's stacks: ${stacks.join(", ")})`,
      );
      return 2;
    }
    const result = await checkStack(file, { projectDir: PROJECT_DIR });
    if (result.diagnostics.length === 0) {
      const checked = result.resources.filter((r) => r.status === "checked").length;
      const other = result.resources.filter((r) => r.status === "not checked").length;
      print(
        `${shown}: valid (configuration and ${checked} resources checked` +
          (other > 0 ? `; ${other} azure-native ones are left to their provider` : "") +
          ")",
      );
      continue;
    }
    invalid++;
    print(`${shown}: invalid`);
    for (const line of formatDiagnostics(result, PROJECT_DIR)) print(line);
  }
  return invalid > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`check-stack: ${(e as Error).stack ?? String(e)}`);
      process.exitCode = 2;
    },
  );
}
