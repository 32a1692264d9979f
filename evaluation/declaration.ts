/**
 * A stack's model declaration as one git revision holds it: the stack file's model and services
 * (validated by the program's own `parseConfig`), its training and predictive definitions, and its
 * data file. The candidate is read from the working tree, the served model from the base ref with
 * `git show <ref>:<path>`, so the evaluation never checks anything out.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { describeDefinition, type LoadedDefinition } from "../components/definition";
import { isBlobUrl } from "../components/retrain/dataFile";
import { parseConfig, PROJECT, type ModelConfig, type ServicesConfig } from "../config";

const run = promisify(execFile);

/** A model declaration and the files it names, with the data copied to a local file. */
export interface Declaration {
  /** Where it was read: `working tree` or a git ref. */
  readonly from: string;
  readonly model: ModelConfig;
  readonly services: ServicesConfig;
  readonly training: LoadedDefinition;
  readonly predictive: LoadedDefinition;
  /** A local path of the data file's content at that revision. */
  readonly dataFile: string;
}

/** Reads a file of the working tree or of a revision; undefined when the revision lacks it. */
async function readAt(
  projectDir: string,
  ref: string | undefined,
  file: string,
): Promise<Buffer | undefined> {
  if (ref === undefined) {
    try {
      return fs.readFileSync(path.resolve(projectDir, file));
    } catch {
      return undefined;
    }
  }
  try {
    // "./" makes the path relative to the project folder, wherever the repository's root is.
    const { stdout } = await run("git", ["show", `${ref}:./${file.replace(/^\.\//, "")}`], {
      cwd: projectDir,
      encoding: "buffer",
      maxBuffer: 2 ** 31 - 1,
    });
    return stdout;
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer }).stderr ?? "");
    if (/does not exist|exists on disk, but not in/.test(stderr)) return undefined;
    if (/invalid object name|unknown revision|bad revision|Not a valid object name/i.test(stderr)) {
      throw new Error(
        `the base ref "${ref}" is not known to git here: fetch it first (git fetch origin <branch>) or pass another --base`,
        { cause: e },
      );
    }
    throw new Error(`git show ${ref}:${file} failed: ${stderr.trim() || (e as Error).message}`, {
      cause: e,
    });
  }
}

/** The raw config map `parseConfig` takes, from a stack file's YAML. */
function rawConfig(yamlText: string, file: string): Record<string, string | undefined> {
  let doc: { config?: Record<string, unknown> } | null;
  try {
    doc = parseYaml(yamlText) as { config?: Record<string, unknown> } | null;
  } catch (e) {
    throw new Error(`${file} is not valid YAML: ${(e as Error).message}`, { cause: e });
  }
  const config = doc?.config ?? {};
  const value = (key: string): string | undefined => {
    const v = config[`${PROJECT}:${key}`];
    if (v === undefined || v === null) return undefined;
    // pulumi.Config hands structured values over as JSON text, scalars as text.
    return typeof v === "object" ? JSON.stringify(v) : String(v);
  };
  return {
    target: value("target"),
    model: value("model"),
    services: value("services"),
    endpoints: value("endpoints"),
    local: value("local"),
    azure: value("azure"),
    // A secret: only whether it is set matters to the validation.
    workspaceToken: config[`${PROJECT}:workspaceToken`] === undefined ? undefined : "set",
  };
}

function definitionAt(text: Buffer | undefined, file: string, from: string): LoadedDefinition {
  if (!text)
    throw new Error(`${from} has no definition file "${file}" (named by the stack's services)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.toString("utf8"));
  } catch (e) {
    throw new Error(
      `definition file "${file}" (${from}) is not valid JSON: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  return describeDefinition(parsed, file);
}

/**
 * Reads the declaration of `stack` at `ref` (the working tree when undefined). Returns undefined
 * when that revision has no stack file: nothing is declared there, so nothing would be served.
 * @param options - the project folder, the stack, the ref, and where to copy the data file
 */
export async function readDeclaration(options: {
  readonly projectDir: string;
  readonly stack: string;
  readonly ref?: string;
  readonly scratchDir: string;
}): Promise<Declaration | undefined> {
  const { projectDir, stack, ref } = options;
  const from = ref === undefined ? "the working tree" : ref;
  const stackFile = `Pulumi.${stack}.yaml`;
  const yamlText = await readAt(projectDir, ref, stackFile);
  if (!yamlText) {
    if (ref === undefined) {
      throw new Error(
        `${stackFile} is not in ${projectDir}: pass the stack the pull request changes (--stack)`,
      );
    }
    return undefined;
  }
  const config = parseConfig(rawConfig(yamlText.toString("utf8"), `${stackFile} (${from})`));
  const { model, services } = config;
  if (isBlobUrl(model.data)) {
    throw new Error(
      `${PROJECT}:model.data in ${stackFile} (${from}) is a blob URL: the evaluation trains on a file of the repository; ` +
        "declare the data as a CSV path, or evaluate after copying the blob into the repository",
    );
  }
  const training = definitionAt(
    await readAt(projectDir, ref, services.trainingDefinition),
    services.trainingDefinition,
    from,
  );
  const predictive = definitionAt(
    await readAt(projectDir, ref, services.predictiveDefinition),
    services.predictiveDefinition,
    from,
  );
  let dataFile: string;
  if (ref === undefined) {
    dataFile = path.resolve(projectDir, model.data);
    if (!fs.existsSync(dataFile)) {
      throw new Error(
        `${PROJECT}:model.data "${model.data}" does not exist (looked at ${dataFile})`,
      );
    }
  } else {
    const data = await readAt(projectDir, ref, model.data);
    if (!data)
      throw new Error(
        `${ref} declares ${PROJECT}:model.data "${model.data}", which it does not hold`,
      );
    fs.mkdirSync(options.scratchDir, { recursive: true });
    dataFile = path.join(options.scratchDir, path.basename(model.data));
    fs.writeFileSync(dataFile, data);
  }
  return { from, model, services, training, predictive, dataFile };
}
