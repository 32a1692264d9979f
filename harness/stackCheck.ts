/**
 * The stack check: what `pulumi preview` of a new stack validates, without the CLI and without
 * deploying. The stack file is read as the CLI reads it (`stackFile.ts`), the program runs under
 * the SDK's mocks as the engine double runs it (`program.ts`), and each dynamic resource's inputs
 * go through its provider's `check` in the SDK's own dynamic-provider host, one registration at a
 * time, stopping at the first invalid one as the engine does. Failures are printed as the engine
 * prints them (`checkFailureMessage`), and a program that throws (the configuration's errors) as
 * the SDK's language host reports it. No provider is asked to create, read or diff anything, and
 * no request leaves the machine: `check` works on the inputs alone.
 *
 * Two things differ from a preview on a developer's machine, both so that a stack file is checked
 * on its own: `secure:` values are secrets whose text is not known (the check has no passphrase),
 * and the local target's emulator credentials are placeholders in a scratch folder (the emulator
 * need not have run; its real tokens are never read, so never printed).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkFailureMessage, type Diagnostic } from "./engine";
import { runProgram, type Registration } from "./program";
import { ProviderHost } from "./providerHost";
import { markSecrets, plain, splitSecrets } from "./secrets";
import { PROJECT_NAME, readStackFile, StackFileError } from "./stackFile";
import { Mutex } from "./sync";

/** A resource the program declared, and whether its provider's check ran here. */
export interface CheckedResource {
  readonly type: string;
  readonly name: string;
  /** `checked`: its provider's check ran; `not checked`: its provider is not in this project. */
  readonly status: "checked" | "invalid" | "not checked";
}

/** What the stack check found. */
export interface StackCheckResult {
  /** The stack (`local`), or the file name when it is not a stack file's. */
  readonly stack: string;
  /** The errors, as `pulumi preview` prints them under "Diagnostics" (none: the file is valid). */
  readonly diagnostics: Diagnostic[];
  /** The resources in the order the program declared them. */
  readonly resources: CheckedResource[];
  /** Whether the file could be read as a stack file at all. */
  readonly readable: boolean;
}

/** Options of {@link checkStack}. */
export interface StackCheckOptions {
  /** The project directory (its `index.ts`, `Pulumi.yaml`, data and definitions). */
  readonly projectDir: string;
}

/** A dynamic resource of this project's providers (the others are azure-native's). */
function isDynamic(type: string): boolean {
  return type.startsWith("pulumi-nodejs:dynamic");
}

/** The URN of the stack resource, where the CLI shows the program's errors. */
export function stackUrn(project: string, stack: string): string {
  return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

/** Thrown to a registration after the first invalid resource: the engine handles no more. */
class Stopped extends Error {}

/**
 * Checks one stack file. Never throws for what the file holds: every problem is a diagnostic.
 * @param file - the stack file (absolute)
 * @param options - the project directory
 */
export async function checkStack(
  file: string,
  options: StackCheckOptions,
): Promise<StackCheckResult> {
  const { projectDir } = options;
  let stackFile;
  try {
    stackFile = readStackFile(file, projectDir);
  } catch (e) {
    if (!(e instanceof StackFileError)) throw e;
    return {
      stack: path.basename(file),
      diagnostics: [{ severity: "error", message: e.message }],
      resources: [],
      readable: false,
    };
  }
  const { stack } = stackFile;
  const config = { ...stackFile.config };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "azureml-retrain-check-"));
  const local = config.local;
  if (
    local &&
    typeof local === "object" &&
    typeof (local as { emulatorLocation?: unknown }).emulatorLocation === "string"
  ) {
    fs.writeFileSync(
      path.join(scratch, "credentials.json"),
      JSON.stringify({ armToken: "placeholder", workspaceToken: "placeholder" }),
    );
    config.local = { ...local, emulatorLocation: scratch };
  }

  const diagnostics: Diagnostic[] = [];
  const resources: CheckedResource[] = [];
  let host: ProviderHost | undefined;
  try {
    host = await ProviderHost.start(projectDir, {
      ...process.env,
      AZUREML_RETRAIN_CACHE_DIR: path.join(scratch, "cache"),
      AZUREML_RETRAIN_LOG: "silent",
    });
    const started = host;
    await started.configure(
      Object.fromEntries(
        Object.entries(config).map(([k, v]) => [`${PROJECT_NAME}:${k}`, JSON.stringify(plain(v))]),
      ),
    );
    // Registrations are checked one at a time, in the order they arrive (the step generator).
    const generator = new Mutex();
    let stopped = false;
    const onRegister = (r: Registration) =>
      generator.run(async () => {
        if (stopped) throw new Stopped(`${r.urn} was not checked: an earlier resource is invalid`);
        const { values, secretKeys } = splitSecrets(r.inputs);
        if (!r.custom) return { id: "", state: r.inputs };
        if (!isDynamic(r.type)) {
          resources.push({ type: r.type, name: r.name, status: "not checked" });
          return { id: "", state: r.inputs };
        }
        const checked = await started.check(r.urn, {}, values);
        if (checked.failures.length > 0) {
          resources.push({ type: r.type, name: r.name, status: "invalid" });
          for (const f of checked.failures) {
            diagnostics.push({
              severity: "error",
              urn: r.urn,
              message: checkFailureMessage(
                { type: r.type, name: r.name, secretKeys },
                checked.inputs,
                f,
              ),
            });
          }
          stopped = true;
          throw new Stopped(`resource ${r.urn} is invalid`);
        }
        resources.push({ type: r.type, name: r.name, status: "checked" });
        // A preview's create: the checked inputs stand for the outputs.
        return { id: "", state: markSecrets(checked.inputs, secretKeys) };
      });
    const program = path.join(projectDir, "index.ts");
    // The program reads its definitions and data relative to the project, where the CLI runs it.
    const cwd = process.cwd();
    process.chdir(projectDir);
    const result = await runProgram(
      {
        project: PROJECT_NAME,
        stack,
        program,
        reload: [program, path.join(projectDir, "config.ts")],
      },
      config,
      true,
      onRegister,
    ).finally(() => process.chdir(cwd));
    if (result.programError) {
      const e = result.programError;
      diagnostics.unshift({
        severity: "error",
        urn: stackUrn(PROJECT_NAME, stack),
        message: `Running program '${projectDir}' failed with an unhandled exception:\n${e.name}: ${e.message}`,
      });
    }
  } finally {
    await host?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return { stack, diagnostics, resources, readable: true };
}

/**
 * The diagnostics as the CLI prints them: `Diagnostics:`, then each resource's type and name and
 * its errors, indented.
 * @param result - a check's result
 * @param relativeTo - paths under it are printed relative (the project directory)
 */
export function formatDiagnostics(result: StackCheckResult, relativeTo?: string): string[] {
  if (result.diagnostics.length === 0) return [];
  const lines = ["Diagnostics:"];
  let last: string | undefined;
  for (const d of result.diagnostics) {
    const urn = d.urn ?? "";
    if (urn !== last) {
      if (last !== undefined) lines.push("");
      const parts = urn.split("::");
      if (urn) lines.push(`  ${parts[2].split("$").pop()} (${parts[3]}):`);
      last = urn;
    }
    const message = relativeTo ? d.message.split(relativeTo).join(".") : d.message;
    const indent = urn ? "    " : "  ";
    const [first, ...rest] = message.split("\n");
    lines.push(`${indent}${d.severity}: ${first}`, ...rest.map((l) => `${indent}${l}`));
  }
  return lines;
}
