/**
 * A stack file (`Pulumi.<stack>.yaml`) read as the CLI reads it for the program: the project's
 * keys (`azureml-retrain:<key>`) with `Pulumi.yaml`'s defaults for the ones the stack leaves out,
 * values as written (objects stay objects; the engine double hands them to the program as JSON),
 * and `secure:` values as secrets whose plain text is not known here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { SECRET_SIG, SECRET_VALUE } from "./secrets";

/** The project's name: the namespace of its config keys. */
export const PROJECT_NAME = "azureml-retrain";

/** Stands for a `secure:` value: the check never decrypts one (it has no passphrase). */
export const UNREADABLE_SECRET = "[secret]";

/** A stack file that cannot be read as a stack file (its path as given, and why). */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/** A stack file, read. */
export interface StackFile {
  /** The stack's name (`local` for `Pulumi.local.yaml`). */
  readonly stack: string;
  /** The file, absolute. */
  readonly file: string;
  /** The project's config by key without the namespace; secrets marked as the SDK marks them. */
  readonly config: Record<string, unknown>;
  /** Keys whose value is a `secure:` secret. */
  readonly secretKeys: string[];
}

/**
 * Where the stack file of `stackOrFile` is: a path (it ends in `.yaml` or names an existing
 * file), or a stack name, whose file is `Pulumi.<name>.yaml` in `projectDir`.
 * @param stackOrFile - `local`, `Pulumi.local.yaml` or a path
 * @param projectDir - the project directory
 * @param cwd - where a relative path is resolved
 */
export function stackFilePath(
  stackOrFile: string,
  projectDir: string,
  cwd = process.cwd(),
): string {
  if (/\.ya?ml$/i.test(stackOrFile) || stackOrFile.includes(path.sep)) {
    return path.resolve(cwd, stackOrFile);
  }
  return path.join(projectDir, `Pulumi.${stackOrFile}.yaml`);
}

/** The project's config defaults, from `Pulumi.yaml` (`config: { "<project>:<key>": { default } }`). */
function projectDefaults(projectDir: string): Record<string, unknown> {
  const file = path.join(projectDir, "Pulumi.yaml");
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  const config = (doc.toJS() as { config?: Record<string, unknown> } | null)?.config ?? {};
  const defaults: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    const [namespace, name] = k.split(":");
    if (namespace !== PROJECT_NAME || !name) continue;
    if (v && typeof v === "object" && "default" in v)
      defaults[name] = (v as { default: unknown }).default;
  }
  return defaults;
}

/**
 * Reads a stack file of the project in `projectDir`. Throws a {@link StackFileError} saying what
 * to fix when the file is missing, is not YAML, or has no `config` map.
 * @param file - the stack file (absolute)
 * @param projectDir - the project directory (its `Pulumi.yaml` holds the defaults)
 */
export function readStackFile(file: string, projectDir: string): StackFile {
  const name = path.basename(file);
  const match = /^Pulumi\.(.+)\.ya?ml$/.exec(name);
  if (!match) {
    throw new StackFileError(
      `${name}: a stack file is named Pulumi.<stack>.yaml (e.g. Pulumi.local.yaml)`,
    );
  }
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new StackFileError(`${name}: no such file in ${path.dirname(file)}`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const where = first.linePos ? `line ${first.linePos[0].line}: ` : "";
    throw new StackFileError(
      `${name}: ${where}not valid YAML: ${first.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
    );
  }
  const body = doc.toJS() as { config?: unknown } | null;
  const raw = body?.config ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new StackFileError(`${name}: config must be a map of "${PROJECT_NAME}:<key>: <value>"`);
  }
  const config: Record<string, unknown> = projectDefaults(projectDir);
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const [namespace, key] = k.split(":");
    if (namespace !== PROJECT_NAME || !key) continue;
    if (v && typeof v === "object" && "secure" in v) {
      config[key] = { [SECRET_SIG]: SECRET_VALUE, value: UNREADABLE_SECRET };
      secretKeys.push(key);
    } else {
      config[key] = v;
    }
  }
  return { stack: match[1], file, config, secretKeys };
}
