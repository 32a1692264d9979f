/**
 * The two-thread CSV parse (`parseInTwo` in `emulator/engine/csv.ts`, the helper in
 * `csvHelper.ts`) gives exactly the one-thread parse: same types, values (NaN included), strings
 * and errors, on files whose halves differ in type, hold quotes, CRLF, empty fields, blank
 * lines, or a line break inside a quoted field at the cut. Small files are forced through the
 * helper (`minBytes: 0`, `waitForHelper`), so the helper's half is the one joined.
 */
import { expect } from "chai";
import type { DataTable } from "../../../emulator/engine/api";
import { parseCsvWith, splitPoint } from "../../../emulator/engine/csv";
import { helperAnswers } from "../../../emulator/engine/csvHelper";

const ONE_THREAD = { minBytes: Infinity } as const;
const TWO_THREADS = { minBytes: 0, waitForHelper: true, evenWhenBusy: true } as const;

/** Each column as plain data (NaN kept distinct from null by `Object.is`-safe strings). */
function plain(table: DataTable): unknown {
  return {
    rowCount: table.rowCount,
    columns: table.columns.map((c) => ({
      name: c.name,
      type: c.type,
      values: Array.from(c.values as ArrayLike<number | string | null>, (v) =>
        typeof v === "number" && Number.isNaN(v) ? "NaN" : v,
      ),
    })),
  };
}

function both(text: string): { one: unknown; two: unknown; helped: boolean } {
  const bytes = Buffer.from(text, "utf8");
  const before = helperAnswers();
  const two = plain(parseCsvWith(bytes, "input1", TWO_THREADS));
  const helped = helperAnswers() === before + 1;
  return { one: plain(parseCsvWith(bytes, "input1", ONE_THREAD)), two, helped };
}

function errorOf(text: string, options: Parameters<typeof parseCsvWith>[2]): string {
  try {
    parseCsvWith(Buffer.from(text, "utf8"), "input1", options);
  } catch (error) {
    return (error as Error).message;
  }
  return "no error";
}

/** `n` lines from `line(i)`. */
function lines(n: number, line: (i: number) => string): string[] {
  return Array.from({ length: n }, (_v, i) => line(i));
}

describe("CSV parse on two threads", function () {
  this.timeout(60_000);

  it("joins numeric, integer, boolean and missing cells, CRLF and blank lines exactly", () => {
    const text =
      "a,b,c,d\r\n" +
      [
        // a: missing in the first half, numbers in the second; b: integers then decimals;
        // c: booleans with ?/NA/empty; d: empty everywhere.
        ...lines(50, (i) => `,${i},${i % 2 ? "true" : "?"},`),
        "",
        ...lines(50, (i) => `${i * 0.25},${i + 0.5},${i % 3 ? "False" : "NA"},`),
      ].join("\r\n") +
      "\r\n";
    const { one, two, helped } = both(text);
    expect(helped, "the helper parsed the second half").to.equal(true);
    expect(two).to.deep.equal(one);
    expect((one as { columns: { type: string }[] }).columns.map((c) => c.type)).to.deep.equal([
      "Double",
      "Double",
      "Boolean",
      "Double",
    ]);
  });

  it("joins text columns, and a row count off the line count (one-column blank lines)", () => {
    const text = "name,n\n" + lines(40, (i) => `item ${i},${i}`).join("\n");
    const { one, two, helped } = both(text);
    expect(helped).to.equal(true);
    expect(two).to.deep.equal(one);
    const single = "x\n" + lines(30, (i) => (i % 7 === 0 ? "" : String(i))).join("\n") + "\n";
    const joined = both(single);
    expect(joined.two).to.deep.equal(joined.one);
  });

  it("gives the one-thread result when a column's type differs between the halves", () => {
    // Numbers then text (String), numbers then booleans (String), booleans then numbers.
    const text =
      "a,b,c\n" +
      [
        ...lines(30, (i) => `${i},${i},true`),
        ...lines(30, (i) => `x${i},false,${i}`),
        "?,NA,",
      ].join("\n");
    const { one, two } = both(text);
    expect(two).to.deep.equal(one);
    expect((one as { columns: { type: string }[] }).columns.map((c) => c.type)).to.deep.equal([
      "String",
      "String",
      "String",
    ]);
  });

  it("never cuts a file with quotes (a line break at the middle is inside a quoted field)", () => {
    const text =
      "id,note\n" +
      lines(20, (i) => `${i},plain`).join("\n") +
      '\n99,"a quoted ""note"", with a comma\nand line breaks\nright at the middle\nof the file"\n' +
      lines(20, (i) => `${i + 100},""`).join("\n") +
      "\n";
    const bytes = Buffer.from(text, "utf8");
    expect(splitPoint(bytes, text.indexOf("\n") + 1)).to.equal(-1);
    const { one, two } = both(text);
    expect(two).to.deep.equal(one);
    const note = (one as { columns: { values: unknown[] }[] }).columns[1].values;
    expect(note[20]).to.equal(
      'a quoted "note", with a comma\nand line breaks\nright at the middle\nof the file',
    );
    expect(note[21]).to.equal("");
  });

  it("reports an error in the second half with the whole file's row and line numbers", () => {
    const text = "a,b\n" + lines(40, (i) => `${i},${i}`).join("\n") + "\n1,2,3\n4,5\n";
    const expected = errorOf(text, ONE_THREAD);
    expect(expected).to.equal(
      'CSV "input1": row 41 (line 42) has more fields than the header\'s 2 columns (field 3 has no column)',
    );
    expect(errorOf(text, TWO_THREADS)).to.equal(expected);
  });

  it("reports bad UTF-8 in either half as the one-thread parse does, before other errors", () => {
    const good = "a,b\n" + lines(40, (i) => `${i},t${i}`).join("\n") + "\n";
    const bad = Buffer.concat([
      Buffer.from(good + "41,ok\n42,", "utf8"),
      Buffer.from([0xc3, 0x28]),
      Buffer.from("\n43,x,extra\n", "utf8"),
    ]);
    const one = (() => {
      try {
        parseCsvWith(bad, "input1", ONE_THREAD);
      } catch (error) {
        return (error as Error).message;
      }
      return "no error";
    })();
    expect(one).to.equal(
      'CSV "input1" is not valid UTF-8: byte 0xC3 in row 42, column "b" (line 43)',
    );
    expect(() => parseCsvWith(bad, "input1", TWO_THREADS)).to.throw(one);
    // A real U+FFFD in the text is valid UTF-8 and stays.
    const replacement = both("a,b\n" + lines(20, (i) => `${i},\uFFFD${i}`).join("\n"));
    expect(replacement.two).to.deep.equal(replacement.one);
  });
});
