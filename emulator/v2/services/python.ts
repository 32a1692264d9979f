/**
 * The interpreter that command jobs and deployments run: `--python` as given when it is a path,
 * otherwise looked up on `PATH` once. Commands say `python` or `python3`; a job's own `bin`
 * folder maps both names to this interpreter, as an environment's image would.
 */
import { accessSync, constants, mkdirSync, rmSync, symlinkSync } from "node:fs";
import * as path from "node:path";

/**
 * The absolute path of an interpreter, or undefined when it cannot be found.
 * @param python - a path, or a name looked up on `PATH`
 * @param searchPath - the `PATH` to search
 */
export function resolveInterpreter(
  python: string,
  searchPath: string | undefined = process.env.PATH,
): string | undefined {
  const executable = (file: string): boolean => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (python.includes("/")) {
    const absolute = path.resolve(python);
    return executable(absolute) ? absolute : undefined;
  }
  for (const dir of (searchPath ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, python);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Creates `dir` with `python` and `python3` pointing at the interpreter.
 * @param dir - the folder to create (put first on the job's PATH)
 * @param interpreter - the absolute interpreter path
 */
export function pythonBinFolder(dir: string, interpreter: string): string {
  mkdirSync(dir, { recursive: true });
  for (const name of ["python", "python3"]) {
    const link = path.join(dir, name);
    rmSync(link, { force: true });
    symlinkSync(interpreter, link);
  }
  return dir;
}

/**
 * The environment of a job or deployment process: what an interpreter needs from this one
 * (`PATH`, `HOME`, locale, pyenv's variables), never the emulator's own settings or secrets,
 * plus the given variables.
 * @param binFolder - put first on `PATH`
 * @param extra - the job's or deployment's variables
 */
export function childEnvironment(
  binFolder: string,
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ["HOME", "LANG", "LC_ALL", "TMPDIR", "PYENV_ROOT", "PYENV_VERSION"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH = [binFolder, process.env.PATH ?? "/usr/bin:/bin"].join(path.delimiter);
  env.LANG ??= "C.UTF-8";
  env.PYTHONUNBUFFERED = "1";
  env.PYTHONDONTWRITEBYTECODE = "1";
  return { ...env, ...extra };
}
