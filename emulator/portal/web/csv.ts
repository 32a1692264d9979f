/**
 * CSV as the Test page accepts it (RFC 4180: comma separated, fields in double quotes may hold
 * commas, quotes doubled and line breaks; CRLF or LF): rows of text cells. Blank lines are skipped.
 */

/** The rows of a CSV text. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let touched = false;
  const endRow = (): void => {
    if (touched || row.length > 0) rows.push([...row, field]);
    row = [];
    field = "";
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      quoted = true;
      touched = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
      touched = true;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else {
      field += c;
      touched = true;
    }
  }
  endRow();
  return rows;
}
