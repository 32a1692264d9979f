/**
 * Secrets: generation (crypto-random) and checking (constant time). The authenticators beside
 * this file decide which secrets a request must carry; this module only makes them and answers
 * "does this header carry one of these secrets". Also the random ids (jobs, executions), made
 * the same way.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { KEY_BYTES, TOKEN_BYTES } from "../constants";

/** A 32-character lowercase hex id (job ids, execution ids), as Azure uses. */
export function newHexId(): string {
  return randomBytes(16).toString("hex");
}

/** A service/endpoint API key: 64 random bytes in base64 (the shape of Azure's 88-character keys). */
export function newKey(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}

/** A bearer token for the ARM or workspace surface (URL-safe, 43 characters). */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

/**
 * Compares two secrets in time independent of where they differ and of their lengths (both
 * sides are hashed first, so `timingSafeEqual` always sees equal lengths).
 * @param given - what the caller sent
 * @param expected - the secret
 */
export function secretEquals(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/**
 * The token of an `Authorization: Bearer <token>` header, or undefined.
 * @param header - the header value(s)
 */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(value);
  return match ? match[1] : undefined;
}

/**
 * True when the header carries one of the accepted secrets. Every candidate is compared (no
 * early exit), so the time does not tell which one matched.
 * @param header - the `Authorization` header
 * @param accepted - the secrets that grant access (undefined entries are skipped)
 */
export function authorizes(
  header: string | string[] | undefined,
  accepted: readonly (string | undefined)[],
): boolean {
  const token = bearerToken(header);
  if (token === undefined) return false;
  let ok = false;
  for (const secret of accepted) {
    if (secret !== undefined && secret !== "" && secretEquals(token, secret)) ok = true;
  }
  return ok;
}
