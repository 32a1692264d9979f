/**
 * What Import Data, Export Data and Enter Data Manually share: the blob path parameter
 * (`container/blob`), reading a downloaded file in a text format, and the errors of a failed
 * download or upload.
 */
import type { BlobTarget, DataTable } from "../api";
import { EngineError, engineErrors } from "../errors";
import { parseDelimited, type TextFormat } from "../textFormats";

/**
 * Splits Studio's "container/blob" path; Error 0009 when it has no container part.
 *
 * @param account - the account name (for the message)
 * @param path - the path parameter's value
 */
export function containerAndBlob(
  account: string,
  path: string,
): { container: string; blob: string } {
  const trimmed = path.trim().replace(/^\/+/, "");
  const slash = trimmed.indexOf("/");
  if (slash <= 0 || slash === trimmed.length - 1)
    throw engineErrors.module("0009", account, trimmed);
  return { container: trimmed.slice(0, slash), blob: trimmed.slice(slash + 1) };
}

/**
 * A blob target in a named account; a blank key means the service's own account.
 *
 * @param account - account name
 * @param key - account key (blank: none given)
 * @param path - `container/blob`
 */
export function accountTarget(account: string, key: string, path: string): BlobTarget {
  return {
    kind: "account",
    account,
    ...(key.trim() !== "" ? { key: key.trim() } : {}),
    ...containerAndBlob(account, path),
  };
}

/**
 * Parses a downloaded file; Error 0049 names the file when it does not parse, 0039 a format the
 * emulator does not read.
 *
 * @param bytes - the file
 * @param format - the module's format value (CSV, TSV, ...)
 * @param header - the file has a header row
 * @param name - the file, for messages
 */
export function parseDownloaded(
  bytes: Uint8Array,
  format: string,
  header: boolean,
  name: string,
): DataTable {
  const upper = format.toUpperCase();
  if (upper !== "CSV" && upper !== "TSV") {
    throw engineErrors.module(
      "0039",
      `the ${format} format is not supported by the emulator (use CSV or TSV)`,
    );
  }
  try {
    return parseDelimited(bytes, { format: upper as TextFormat, header, name });
  } catch (error) {
    if (error instanceof EngineError)
      throw engineErrors.module("0049", `${name}: ${error.message}`);
    throw error;
  }
}

/**
 * Error 0030 for a failed download, naming what was read (the runtime's message carries no
 * secret).
 *
 * @param error - what the runtime threw
 */
export function downloadError(error: unknown): EngineError {
  return engineErrors.module("0030", (error as Error)?.message ?? String(error));
}

/** Data sources Studio offered that the emulator does not reach. */
export const OTHER_SOURCES = [
  "Hive Query",
  "Azure SQL Database",
  "Azure Table",
  "Data Feed Provider",
  "On-Premises SQL Database",
  "Azure Cosmos DB",
] as const;
