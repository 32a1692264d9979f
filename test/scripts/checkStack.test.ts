/**
 * `npm run check-stack`: every committed stack file is valid; a broken one fails with the
 * messages `pulumi preview` prints (a configuration error from the program, a resource's check
 * failure with its value) and exit code 1; a stack that does not exist is a usage error (2). The
 * command runs as a user runs it: a child process of the project's script.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../../harness/providerHost";

const SCRIPT = path.join(PROJECT_DIR, "scripts", "checkStack.ts");
/** `tsx`, as `npm run check-stack` runs the script. */
const TSX = path.join(PROJECT_DIR, "node_modules", "tsx", "dist", "cli.mjs");

/** Runs `check-stack` with `args` in `cwd`; never rejects (the exit code is the answer). */
function checkStack(
  args: readonly string[],
  cwd = PROJECT_DIR,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSX, SCRIPT, ...args],
      { cwd, encoding: "utf8", timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The stacks of the committed `Pulumi.<stack>.yaml` files, sorted. */
function committedStacks(): string[] {
  return fs
    .readdirSync(PROJECT_DIR)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** The committed stack file, with `from` replaced by `to` (which must occur). */
function edited(file: string, from: string, to: string): string {
  const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
  expect(text, `${file} holds ${from}`).to.include(from);
  return text.replace(from, to);
}

describe("npm run check-stack", function () {
  this.timeout(180_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-stack-"));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("finds every committed stack file valid, by stack name: exit 0", async () => {
    const stacks = committedStacks();
    expect(stacks).to.include.members(["local", "dev", "local-v2", "dev-v2"]);
    const run = await checkStack(stacks);
    expect(run.stderr).to.equal("");
    const counts: Record<string, string> = {
      dev: "3 resources checked; 3 azure-native ones are left to their provider",
      "dev-v2": "6 resources checked; 5 azure-native ones are left to their provider",
      local: "8 resources checked",
      "local-v2": "7 resources checked",
    };
    expect(run.stdout.trimEnd().split("\n")).to.deep.equal(
      stacks.map((s) => `Pulumi.${s}.yaml: valid (configuration and ${counts[s]})`),
    );
    expect(run.code).to.equal(0);
  });

  it("prints each broken file's errors as pulumi preview does: exit 1", async () => {
    // A configuration error (the program's), a resource's check failure (with its value), YAML
    // that does not parse; the second given relative to where the command runs.
    const files = ["config", "check"].map((d) => path.join(dir, d, "Pulumi.local.yaml"));
    for (const f of files) fs.mkdirSync(path.dirname(f));
    fs.writeFileSync(
      files[0],
      edited("Pulumi.local.yaml", "min: 0.75", "min: 1.5").replace(
        "name: fabrikam",
        'name: "Fabrikam"',
      ),
    );
    fs.writeFileSync(
      files[1],
      edited("Pulumi.local.yaml", "data: data/census-2026-11.csv", "data: data/census-2026-12.csv"),
    );
    const yaml = path.join(dir, "Pulumi.broken.yaml");
    fs.writeFileSync(yaml, "config:\n  azureml-retrain:model: [\n");
    const run = await checkStack([files[0], path.join("check", "Pulumi.local.yaml"), yaml], dir);
    expect(run.stderr).to.equal("");
    expect(run.stdout.split("\n")).to.deep.equal([
      `${files[0]}: invalid`,
      "Diagnostics:",
      "  pulumi:pulumi:Stack (azureml-retrain-local):",
      "    error: Running program '.' failed with an unhandled exception:",
      "    ConfigError: invalid stack configuration:",
      "      - azureml-retrain:model.gate.min: AUC lies in [0, 1]; 1.5 can never be met",
      "      - azureml-retrain:endpoints[1].name: " +
        '"Fabrikam" is not a valid endpoint name: 1-24 lowercase letters, digits and inner hyphens, ' +
        'not "default" (the default endpoint cannot take a retrained model)',
      "check/Pulumi.local.yaml: invalid",
      "Diagnostics:",
      "  pulumi-nodejs:dynamic/azureml:TrainedModel (model):",
      "    error: pulumi-nodejs:dynamic/azureml:TrainedModel resource 'model': property data value " +
        '{data/census-2026-12.csv} has a problem: file "data/census-2026-12.csv" does not exist ' +
        "(looked at ./data/census-2026-12.csv); paths are relative to the Pulumi project",
      `${yaml}: invalid`,
      "Diagnostics:",
      "  error: Pulumi.broken.yaml: line 3: not valid YAML: Flow sequence in block collection " +
        "must be sufficiently indented and end with a ]",
      "",
    ]);
    expect(run.code).to.equal(1);
  });

  it("names the project's stacks when the one asked for does not exist: exit 2", async () => {
    const run = await checkStack(["prod"]);
    expect(run.stdout).to.equal("");
    expect(run.stderr).to.equal(
      `check-stack: Pulumi.prod.yaml: no such stack file (this project's stacks: ${committedStacks().join(", ")})\n`,
    );
    expect(run.code).to.equal(2);
  });
});
