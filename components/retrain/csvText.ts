/**
 * The one small CSV reader of the providers (header rows, Evaluate Model's output, the sample the
 * gate scores). The emulator's engine has its own fast parser for training data; this one reads
 * a few kilobytes to a few megabytes, in the provider process, where the engine is not loaded.
 */

/**
 * Splits CSV text into records (RFC 4180: quoted fields may hold commas, quotes and newlines).
 * A trailing record cut by `truncated` reading is dropped.
 */
export function parseCsvRecords(text: string, truncated = false): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += ch;
  }
  if (!truncated && (field.length > 0 || record.length > 0)) {
    record.push(field);
    records.push(record);
  }
  return records;
}
