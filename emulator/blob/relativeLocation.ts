/**
 * `RelativeLocation` = `container/blob`. It is the one piece of a blob reference that callers
 * build from their own input, so it is validated strictly: it must name a blob inside its
 * container, and no spelling of `..`, no absolute path, no scheme and no backslash may take it
 * anywhere else (the check also runs on the percent-decoded forms, so `%2e%2e` is caught).
 */

/** A parsed `container/blob` location. */
export interface BlobPath {
  readonly container: string;
  readonly blob: string;
}

/** Thrown with a user-facing reason when a RelativeLocation is rejected. */
export class RelativeLocationError extends Error {}

const CONTAINER = /^(?:\$root|[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62})$/;
const MAX_BLOB_NAME = 1024;

function checkSegments(text: string, original: string): void {
  if (text.includes("\\")) throw new RelativeLocationError(`'${original}' contains a backslash`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) {
    throw new RelativeLocationError(`'${original}' contains a control character`);
  }
  for (const segment of text.split("/")) {
    if (segment === "." || segment === "..") {
      throw new RelativeLocationError(`'${original}' leaves its container ('${segment}' segment)`);
    }
    if (segment === "") throw new RelativeLocationError(`'${original}' has an empty path segment`);
  }
}

/**
 * Parses and validates a RelativeLocation (one leading `/` is allowed, as in Azure's samples).
 * @param raw - the RelativeLocation as sent
 * @throws RelativeLocationError naming the rule broken
 */
export function parseRelativeLocation(raw: unknown): BlobPath {
  if (typeof raw !== "string" || raw.trim() === "") {
    throw new RelativeLocationError("it is empty");
  }
  const text = raw.startsWith("/") ? raw.slice(1) : raw;
  if (text.startsWith("/")) throw new RelativeLocationError(`'${raw}' is an absolute path`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    throw new RelativeLocationError(`'${raw}' is an absolute URL or drive path`);
  }
  // Check the text as sent and every decoding of it: a blob client may decode once, a proxy
  // twice, and either would turn %2e%2e%2f into ../.
  let current = text;
  for (let round = 0; round < 4; round++) {
    checkSegments(current, raw);
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      throw new RelativeLocationError(`'${raw}' has malformed percent-encoding`);
    }
    if (decoded === current) break;
    if (decoded.startsWith("/")) throw new RelativeLocationError(`'${raw}' is an absolute path`);
    current = decoded;
  }
  const slash = text.indexOf("/");
  if (slash < 0)
    throw new RelativeLocationError(`'${raw}' names no blob (expected container/blob)`);
  const container = text.slice(0, slash);
  const blob = text.slice(slash + 1);
  if (!CONTAINER.test(container)) {
    throw new RelativeLocationError(`'${container}' is not a valid container name`);
  }
  if (blob.length > MAX_BLOB_NAME) {
    throw new RelativeLocationError(`the blob name is longer than ${MAX_BLOB_NAME} characters`);
  }
  return { container, blob };
}
