import { expect } from "chai";
import { parseCsv, toCsv } from "../../../emulator/engine/csv";
import { Rng } from "../../../emulator/engine/rng";
import { names, table, throwsEngine, values } from "./helpers";

const csv = (text: string) => parseCsv(Buffer.from(text, "utf8"), "input1");
const types = (text: string) => csv(text).columns.map((c) => c.type);

describe("engine CSV", () => {
  describe("parseCsv", () => {
    it("reads a header and typed columns", () => {
      const t = csv("a,b,c,d\n1,1.5,true,x\n2,-3,False,y\n");
      expect(t.rowCount).to.equal(2);
      expect(names(t)).to.deep.equal(["a", "b", "c", "d"]);
      expect(types("a,b,c,d\n1,1.5,true,x\n2,-3,False,y\n")).to.deep.equal([
        "Int64",
        "Double",
        "Boolean",
        "String",
      ]);
      expect(values(t, "a")).to.deep.equal([1, 2]);
      expect(values(t, "b")).to.deep.equal([1.5, -3]);
      expect(values(t, "c")).to.deep.equal([1, 0]);
      expect(values(t, "d")).to.deep.equal(["x", "y"]);
      expect(t.columns.every((c) => !c.categorical && c.usage === "feature")).to.equal(true);
    });

    it("handles RFC 4180 quoting: commas, escaped quotes and line breaks inside quotes", () => {
      const t = csv('name,note\n"Smith, J","said ""hi"""\n"multi\nline",plain\n');
      expect(values(t, "name")).to.deep.equal(["Smith, J", "multi\nline"]);
      expect(values(t, "note")).to.deep.equal(['said "hi"', "plain"]);
    });

    it("accepts CRLF, a missing final line break, a UTF-8 BOM and non-ASCII text", () => {
      const t = parseCsv(
        Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from("x,ville\r\n1,Zürich\r\n2,Kraków", "utf8"),
        ]),
        "f",
      );
      expect(names(t)).to.deep.equal(["x", "ville"]);
      expect(values(t, "ville")).to.deep.equal(["Zürich", "Kraków"]);
      expect(values(t, "x")).to.deep.equal([1, 2]);
    });

    it("reads empty cells as missing everywhere, and ? / NA as missing only in numeric or boolean columns", () => {
      const t = csv("n,s,b\n1,?,true\n,NA,\n?,x,NA\n4,,false\n");
      expect(types("n,s,b\n1,?,true\n,NA,\n?,x,NA\n4,,false\n")).to.deep.equal([
        "Int64",
        "String",
        "Boolean",
      ]);
      expect(values(t, "n")).to.deep.equal([1, null, null, 4]);
      expect(values(t, "s")).to.deep.equal(["?", "NA", "x", null]);
      expect(values(t, "b")).to.deep.equal([1, null, null, 0]);
    });

    it("re-reads earlier cells as text when a column turns out to be String late", () => {
      const t = csv("v\n1\n?\n2.5\nabc\n");
      expect(t.columns[0].type).to.equal("String");
      expect(values(t, "v")).to.deep.equal(["1", "?", "2.5", "abc"]);
    });

    it("parses numbers exactly, including exponents, long mantissas and infinities", () => {
      const t = csv(
        "v\n0.1\n1E-07\n-2.5e3\n12345678901234567890\n0.30000000000000004\n-Infinity\n.5\n",
      );
      expect(values(t, "v")).to.deep.equal([
        0.1,
        1e-7,
        -2500,
        Number("12345678901234567890"),
        0.30000000000000004,
        -Infinity,
        0.5,
      ]);
      expect(t.columns[0].type).to.equal("Double");
      expect(csv("v\n1.0\n2\n").columns[0].type, "a decimal point makes a Double").to.equal(
        "Double",
      );
      expect(csv("v\n9007199254740993\n").columns[0].type, "beyond 2^53 is not Int64").to.equal(
        "Double",
      );
    });

    it("agrees with Number() on random decimal literals (fast path and fallback)", () => {
      const rng = new Rng(7);
      const texts: string[] = [];
      for (let i = 0; i < 3000; i++) {
        const digits = 1 + rng.nextInt(20);
        let m = "";
        for (let k = 0; k < digits; k++) m += String(rng.nextInt(10));
        const dot = rng.nextInt(digits + 1);
        let text = `${rng.nextInt(2) ? "-" : ""}${m.slice(0, dot)}.${m.slice(dot)}`;
        if (text.endsWith(".") || /^-?\./.test(text)) text = text.replace(".", "");
        if (rng.nextInt(3) === 0) text += `e${rng.nextInt(2) ? "-" : ""}${rng.nextInt(30)}`;
        texts.push(text);
      }
      const t = csv(`v\n${texts.join("\n")}\n`);
      expect(values(t, "v")).to.deep.equal(texts.map((x) => Number(x)));
    });

    it("types an all-missing column as Double", () => {
      const t = csv("a,b\n1,\n2,\n");
      expect(t.columns[1].type).to.equal("Double");
      expect(values(t, "b")).to.deep.equal([null, null]);
    });

    it("skips blank lines in a multi-column file but keeps them as missing in a one-column file", () => {
      expect(csv("a,b\n1,2\n\n3,4\n").rowCount).to.equal(2);
      expect(values(csv("a\n1\n\n3\n"), "a")).to.deep.equal([1, null, 3]);
    });

    it("rejects an empty file", () => {
      throwsEngine(() => csv(""), {
        kind: "inputParse",
        code: "InvalidCsv",
        message: 'CSV "input1" is empty',
      });
      throwsEngine(() => csv(" \r\n"), {
        kind: "inputParse",
        code: "InvalidCsv",
        message: 'CSV "input1" is empty',
      });
    });

    it("rejects a header-only file", () => {
      throwsEngine(() => csv("a,b\n"), {
        kind: "inputParse",
        code: "InvalidCsv",
        message: 'CSV "input1" has a header row but no data rows',
      });
    });

    it("rejects ragged rows, naming the row, line and column", () => {
      throwsEngine(() => csv("a,b,c\n1,2,3\n4,5\n"), {
        kind: "inputParse",
        code: "InvalidCsv",
        message:
          'CSV "input1": row 2 (line 3) has 2 field(s) but the header has 3 columns; column "c" is missing',
      });
      throwsEngine(() => csv("a,b\n1,2,3\n"), {
        kind: "inputParse",
        code: "InvalidCsv",
        message: `CSV "input1": row 1 (line 2) has more fields than the header's 2 columns (field 3 has no column)`,
      });
    });

    it("rejects bytes that are not UTF-8, naming the row and column", () => {
      const bytes = Buffer.concat([
        Buffer.from("a,b\n1,ok\n2,"),
        Buffer.from([0xff, 0x41]),
        Buffer.from("\n"),
      ]);
      throwsEngine(() => parseCsv(bytes, "input1"), {
        kind: "inputParse",
        code: "InvalidCsv",
        message: 'CSV "input1" is not valid UTF-8: byte 0xFF in row 2, column "b" (line 3)',
      });
    });

    it("rejects an unterminated quote and text after a closing quote", () => {
      throwsEngine(() => csv('a,b\n1,"open\n'), {
        code: "InvalidCsv",
        message: 'CSV "input1": unterminated quoted field in row 1, column "b" (line 2)',
      });
      throwsEngine(() => csv('a,b\n1,"x"y\n'), {
        code: "InvalidCsv",
        message:
          'CSV "input1": unexpected text after a closing quote in row 1, column "b" (line 2)',
      });
    });

    it("rejects duplicate and empty header names", () => {
      throwsEngine(() => csv("a,a\n1,2\n"), {
        code: "InvalidCsv",
        message: 'CSV "input1": column name "a" appears twice in the header',
      });
      throwsEngine(() => csv("a,\n1,2\n"), {
        code: "InvalidCsv",
        message: 'CSV "input1": the header has no name for column 2',
      });
    });
  });

  describe("toCsv", () => {
    it("writes a header, .NET booleans, empty missing cells and quotes only when needed", () => {
      const t = table({
        n: [1, null, 3],
        d: [0.5, 1e-7, null],
        b: [true, false, null],
        s: ["plain", 'say "x", ok', null],
      });
      expect(Buffer.from(toCsv(t)).toString("utf8")).to.equal(
        'n,d,b,s\n1,0.5,True,plain\n,1e-7,False,"say ""x"", ok"\n3,,,\n',
      );
    });

    it("round-trips through parseCsv", () => {
      const t = table({
        id: [1, 2, 3],
        x: [0.1, -2.25, 1e21],
        s: ["a\nb", "", "c,d"],
        ok: [true, false, true],
      });
      const back = parseCsv(toCsv(t), "t");
      expect(back.columns.map((c) => c.type)).to.deep.equal([
        "Int64",
        "Double",
        "String",
        "Boolean",
      ]);
      for (const name of ["id", "x", "s", "ok"])
        expect(values(back, name)).to.deep.equal(values(t, name));
    });
  });
});
