/**
 * The two bearer tokens (ARM and workspace). Given ones are used as they are; missing ones are
 * generated once and kept in `{location}/credentials.json` (mode 0600), so that a restart keeps
 * them and clients configured once keep working.
 */
import { existsSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import * as path from "node:path";
import { newToken } from "../auth/secrets";
import { CREDENTIALS_FILE } from "../constants";

/** The emulator's tokens and where generated ones are kept. */
export interface EmulatorCredentials {
  /** Bearer token of the ARM surface. */
  readonly armToken: string;
  /** Bearer token of the classic management surface and the admin route. */
  readonly workspaceToken: string;
  /** The credentials file (holds generated tokens). */
  readonly file: string;
  /** Which tokens came from the file or were generated (rather than passed in). */
  readonly generated: { readonly armToken: boolean; readonly workspaceToken: boolean };
}

interface StoredCredentials {
  armToken?: string;
  workspaceToken?: string;
}

/**
 * Reads the credentials file; a file that is not a JSON object is an error naming it.
 * @param file - `{location}/credentials.json`
 */
function readStored(file: string): StoredCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // Not the parser's message: it quotes the file, tokens included.
    const at = /at position (\d+)/.exec(error.message)?.[1];
    throw corrupt(file, `not valid JSON${at !== undefined ? ` at position ${at}` : ""}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw corrupt(file, "not a JSON object");
  return parsed as StoredCredentials;
}

function corrupt(file: string, reason: string): Error {
  return new Error(
    `the credentials file ${file} is corrupt (${reason}): fix it, or delete it and the ` +
      "generated tokens are created again (clients must then be given the new ones)",
  );
}

/**
 * Loads or creates the tokens.
 * @param location - the data folder
 * @param given - tokens passed by flag, environment or code
 */
export function loadCredentials(
  location: string,
  given: { armToken: string | undefined; workspaceToken: string | undefined },
): EmulatorCredentials {
  const file = path.join(location, CREDENTIALS_FILE);
  let stored: StoredCredentials = {};
  if (existsSync(file)) stored = readStored(file);
  const next: StoredCredentials = { ...stored };
  if (given.armToken === undefined && !next.armToken) next.armToken = newToken();
  if (given.workspaceToken === undefined && !next.workspaceToken) next.workspaceToken = newToken();
  if (next.armToken !== stored.armToken || next.workspaceToken !== stored.workspaceToken) {
    writeFileSync(file, JSON.stringify(next, null, 2) + "\n", { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return {
    armToken: given.armToken ?? (next.armToken as string),
    workspaceToken: given.workspaceToken ?? (next.workspaceToken as string),
    file,
    generated: {
      armToken: given.armToken === undefined,
      workspaceToken: given.workspaceToken === undefined,
    },
  };
}
