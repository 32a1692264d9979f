/**
 * Checks of the declared data that `check` runs besides the header comparison, so that a bad
 * input fails the preview of a pull request instead of the BES job after an upload: a CSV with a
 * header and no rows, and a blob URL whose path would leave its container.
 *
 * Copied by value into the provider (no module-scope instances; builtins imported by name).
 */
import { open } from "node:fs/promises";

/** How far past the header a data row is looked for (blank lines only that far: no rows). */
const ROW_SEARCH_BYTES = 4 * 1024 * 1024;

/**
 * True when a CSV file has at least one non-blank line after its header row. Reads from the
 * start up to the first non-blank byte after the first line break (at most a few MiB).
 * @param filePath - the CSV file
 */
export async function hasDataRow(filePath: string): Promise<boolean> {
  const handle = await open(filePath, "r");
  try {
    const buffer = Buffer.alloc(64 * 1024);
    let position = 0;
    let afterHeader = false;
    while (position < ROW_SEARCH_BYTES) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return false;
      for (let i = 0; i < bytesRead; i++) {
        const byte = buffer[i];
        if (!afterHeader) {
          if (byte === 0x0a) afterHeader = true;
        } else if (byte !== 0x0a && byte !== 0x0d && byte !== 0x20 && byte !== 0x09) {
          return true;
        }
      }
      position += bytesRead;
    }
    // A header longer than the window is reported by the header check; blank lines this long
    // are no data either way.
    return !afterHeader;
  } finally {
    await handle.close();
  }
}

/**
 * What is wrong with a data blob URL, or undefined. The URL's path becomes a BES
 * `RelativeLocation`: after decoding, no segment may be `.` or `..` or hold a separator or a
 * control character (`..%2F` would otherwise climb out of the container once decoded; the
 * emulator, like storage, refuses such a location, but only after the preview passed).
 * @param data - the declared `data` URL
 */
export function blobUrlProblem(data: string): string | undefined {
  let url: URL;
  try {
    url = new URL(data);
  } catch {
    // Never echo the query: a data URL may carry a SAS, and check failures reach PR comments.
    return `"${data.replace(/\?.*$/s, "")}" is not a valid URL`;
  }
  const segments = url.pathname.split("/").slice(1);
  if (segments.length < 2 || segments.some((s) => s === "")) {
    return `"${url.origin}${url.pathname}" must name a blob: {account endpoint}/{container}/{blob path}`;
  }
  for (const raw of segments) {
    let segment = raw;
    // Decode until stable (at most 3 times): double-encoded dots are dots to a careless reader.
    for (let i = 0; i < 3; i++) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        return `"${raw}" in the data URL's path is not valid percent-encoding`;
      }
      if (decoded === segment) break;
      segment = decoded;
    }
    // eslint-disable-next-line no-control-regex
    if (segment === "." || segment === ".." || /[/\\\u0000-\u001f]/.test(segment)) {
      return `the data URL's path segment "${raw}" would leave its folder or container once decoded: use a plain {container}/{blob path}`;
    }
  }
  return undefined;
}
