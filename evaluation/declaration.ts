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
import {
  parseConfig,
  PROJECT,
  type ModelConfig,
  type ServicesConfig,
  type StackConfig,
  type V2Config,
} from "../config";

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
    platform: value("platform"),
    v2: value("v2"),
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
  const config = await readStackConfig(options);
  if (!config) return undefined;
  if (config.platform !== "classic") {
    throw new Error(
      `${stackFile} (${from}) declares ${PROJECT}:platform ${config.platform}: the pull request changes the platform, ` +
        "so the two declarations cannot be compared; evaluate after the platform change is merged",
    );
  }
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

/**
 * The validated configuration of `stack` at `ref` (the working tree when undefined), by the
 * program's own `parseConfig`; undefined when that revision has no stack file.
 * @param options - the project folder, the stack and the ref
 */
export async function readStackConfig(options: {
  readonly projectDir: string;
  readonly stack: string;
  readonly ref?: string;
}): Promise<StackConfig | undefined> {
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
  return parseConfig(rawConfig(yamlText.toString("utf8"), `${stackFile} (${from})`));
}

/** A v2 stack's model declaration and the files it names, copied to local paths. */
export interface V2Declaration {
  /** Where it was read: `the working tree` or a git ref. */
  readonly from: string;
  readonly model: ModelConfig;
  readonly v2: V2Config;
  /** A local folder with the code folder's files at that revision. */
  readonly codeDir: string;
  /** A local path of the environment's conda file at that revision. */
  readonly condaFile: string;
  /** A local path of the data file's content at that revision. */
  readonly dataFile: string;
}

/** The files of a folder at a revision (paths relative to the project folder). */
async function filesAt(projectDir: string, ref: string, folder: string): Promise<string[]> {
  const { stdout } = await run(
    "git",
    ["ls-tree", "-r", "-z", "--name-only", ref, "--", `./${folder.replace(/^\.\/|\/+$/g, "")}/`],
    { cwd: projectDir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout.split("\0").filter((f) => f !== "");
}

/**
 * Reads the v2 declaration of `stack` at `ref` (the working tree when undefined): the model, the
 * `v2` settings, and the code folder, conda file and data file they name. Returns undefined when
 * that revision has no stack file (nothing would be served).
 * @param options - the project folder, the stack, the ref, and where to copy files of a ref
 */
export async function readV2Declaration(options: {
  readonly projectDir: string;
  readonly stack: string;
  readonly ref?: string;
  readonly scratchDir: string;
}): Promise<V2Declaration | undefined> {
  const { projectDir, stack, ref } = options;
  const from = ref === undefined ? "the working tree" : ref;
  const stackFile = `Pulumi.${stack}.yaml`;
  const config = await readStackConfig(options);
  if (!config) return undefined;
  if (config.platform !== "v2" || !config.v2) {
    throw new Error(
      `${stackFile} (${from}) declares ${PROJECT}:platform ${config.platform}: the pull request changes the platform, ` +
        "so the two declarations cannot be compared; evaluate after the platform change is merged",
    );
  }
  const { model, v2 } = config;
  if (ref === undefined) {
    const local = (file: string, what: string): string => {
      const at = path.resolve(projectDir, file);
      if (!fs.existsSync(at))
        throw new Error(`${PROJECT}:${what} "${file}" does not exist (looked at ${at})`);
      return at;
    };
    return {
      from,
      model,
      v2,
      codeDir: local(v2.code, "v2.code"),
      condaFile: local(v2.environment.condaFile, "v2.environment.condaFile"),
      dataFile: local(model.data, "model.data"),
    };
  }
  const copy = async (file: string, what: string, to: string): Promise<string> => {
    const content = await readAt(projectDir, ref, file);
    if (!content)
      throw new Error(`${ref} declares ${PROJECT}:${what} "${file}", which it does not hold`);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, content);
    return to;
  };
  const codeDir = path.join(options.scratchDir, "code");
  const codeFiles = await filesAt(projectDir, ref, v2.code);
  if (codeFiles.length === 0)
    throw new Error(`${ref} declares ${PROJECT}:v2.code "${v2.code}", which holds no file there`);
  const prefix = path.posix.normalize(v2.code).replace(/\/+$/, "") + "/";
  for (const file of codeFiles) {
    const relative = path.posix.relative(prefix, file);
    await copy(file, "v2.code", path.join(codeDir, ...relative.split("/")));
  }
  return {
    from,
    model,
    v2,
    codeDir,
    condaFile: await copy(
      v2.environment.condaFile,
      "v2.environment.condaFile",
      path.join(options.scratchDir, "env", path.basename(v2.environment.condaFile)),
    ),
    dataFile: await copy(
      model.data,
      "model.data",
      path.join(options.scratchDir, "data", path.basename(model.data)),
    ),
  };
}
