/**
 * Loads `node:sqlite` (Node 22's built-in SQLite) without its ExperimentalWarning. Only that
 * one warning is suppressed, and only while the module loads; every other warning still
 * reaches the process. Why node:sqlite and not better-sqlite3:
 * `docs/designs/2026-11-emulator-state.md`.
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
    // A require() rather than an import: the warning is emitted when the module is first
    // loaded, and an import would be hoisted above the filter.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require("node:sqlite") as typeof SqliteModule;
  } finally {
    process.emitWarning = original;
  }
  return loaded;
}
