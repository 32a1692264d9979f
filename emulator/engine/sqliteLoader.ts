/**
 * Loads `node:sqlite` for Apply SQL Transformation (an in-memory database per run: no file, no
 * I/O) without its one-time ExperimentalWarning. The store has its own loader: the engine does
 * not import from the server's layers.
 */
import type * as SqliteModule from "node:sqlite";

let loaded: typeof SqliteModule | undefined;

/** The `node:sqlite` module. */
export function loadSqlite(): typeof SqliteModule {
  if (loaded) return loaded;
  const original = process.emitWarning;
  process.emitWarning = function (warning: string | Error, ...rest: unknown[]): void {
    const type =
      typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const text = typeof warning === "string" ? warning : warning.message;
    if (type === "ExperimentalWarning" && /SQLite/i.test(text)) return;
    return (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    // require(), not import: the warning is emitted on first load and an import is hoisted.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require("node:sqlite") as typeof SqliteModule;
  } finally {
    process.emitWarning = original;
  }
  return loaded;
}
