/**
 * Secrets: generation (crypto-random) and checking (constant time). The authenticators beside
 * this file decide which secrets a request must carry; this module only makes them and answers
 * "does this header carry one of these secrets". Also the random ids (jobs, executions), made
 * the same way.
 */
import { hash, randomBytes, timingSafeEqual } from "node:crypto";
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
  return timingSafeEqual(digest(given), secretDigest(expected)) && given.length === expected.length;
}

/** SHA-256 of a string (one-shot `crypto.hash`: a `createHash` object costs more than hashing 88 characters). */
function digest(text: string): Buffer {
  return hash("sha256", text, "buffer");
}

/** Most secret digests kept: every service's and endpoint's two keys, the two tokens. */
const DIGESTS_KEPT = 4096;

/**
 * Digests of the secrets requests are checked against, kept so that a request hashes only what it
 * sent (the secrets are the emulator's own, already in memory in the records).
 */
const secretDigests = new Map<string, Buffer>();

function secretDigest(secret: string): Buffer {
  let d = secretDigests.get(secret);
  if (d === undefined) {
    d = digest(secret);
    if (secretDigests.size >= DIGESTS_KEPT) secretDigests.clear();
    secretDigests.set(secret, d);
  }
  return d;
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
  const given = digest(token);
  let ok = false;
  for (const secret of accepted) {
    if (
      secret !== undefined &&
      secret !== "" &&
      timingSafeEqual(given, secretDigest(secret)) &&
      token.length === secret.length
    )
      ok = true;
  }
  return ok;
}
