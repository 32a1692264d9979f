/**
 * Scratch git repositories for the evaluation's tests and benchmark: a base commit (tagged `base`) holding a
 * stack file, definitions and data, and a working tree that changes them as a pull request would.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";

/** Files by path relative to the repository. */
export type Files = Record<string, string | Buffer>;

/** Writes files under `dir`. */
export function writeFiles(dir: string, files: Files): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
}

/** The text of a stack file declaring `model` (and `services` when given). */
export function stackFile(
  model: Record<string, unknown>,
  services?: Record<string, unknown>,
): string {
  return stringify({
    config: {
      "azureml-retrain:target": "local",
      "azureml-retrain:model": model,
      ...(services ? { "azureml-retrain:services": services } : {}),
    },
  });
}

/** The project's own files (definitions, data) to copy into a scratch repository. */
export function projectFiles(...names: string[]): Files {
  return Object.fromEntries(names.map((n) => [n, fs.readFileSync(path.join(__dirname, "..", n))]));
}

/**
 * Creates a repository with `base` committed and tagged `base`, then writes `candidate` over the
 * working tree (uncommitted, as in a checkout of the pull request's merge).
 * @param base - the base commit's files
 * @param candidate - the files the pull request changes
 */
export function scratchRepo(base: Files, candidate: Files): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "evaluation-repo-"));
  const git = (...args: string[]): void => {
    execFileSync(
      "git",
      ["-c", "user.name=test", "-c", "user.email=test@example.invalid", ...args],
      {
        cwd: dir,
        stdio: "ignore",
      },
    );
  };
  git("init", "-q");
  writeFiles(dir, base);
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  git("tag", "base");
  writeFiles(dir, candidate);
  return dir;
}
