import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  compareHeader,
  HashCache,
  readCsvHeader,
  sha256File,
} from "../../../components/retrain/dataFile";

describe("components/retrain/dataFile", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "datafile-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string | Buffer): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  describe("readCsvHeader", () => {
    const cases: [string, string | Buffer, string[] | RegExp][] = [
      ["LF", "age,income\n1,a\n", ["age", "income"]],
      ["CRLF", "age,income\r\n1,a\r\n", ["age", "income"]],
      ["BOM", "\uFEFFage,income\n", ["age", "income"]],
      ["quoted names with commas", '"a,b","c ""d"""\n', ["a,b", 'c "d"']],
      ["header only, no newline", "age,income", ["age", "income"]],
      ["empty file", "", /empty/],
      ["not UTF-8", Buffer.from([0x61, 0x2c, 0xff, 0xfe, 0x0a]), /not valid UTF-8/],
      ["a 2 MiB single line", "x".repeat(2 * 1024 * 1024), /longer than 1 MiB/],
    ];
    for (const [name, content, expected] of cases) {
      it(name, async () => {
        const file = write("d.csv", content);
        if (expected instanceof RegExp)
          await expect(readCsvHeader(file)).to.be.rejectedWith(expected);
        else expect(await readCsvHeader(file)).to.deep.equal(expected);
      });
    }
  });

  describe("compareHeader", () => {
    it("names missing, extra and duplicate columns", () => {
      expect(compareHeader(["age", "age", "Income", "zip"], ["age", "income"])).to.deep.equal([
        'duplicate columns: "age"',
        'missing columns the training service needs: "income"',
        'columns the training service does not take: "Income", "zip"',
      ]);
    });
    it("accepts the same columns in any order", () => {
      expect(compareHeader(["income", "age"], ["age", "income"])).to.deep.equal([]);
    });
  });

  describe("hashing", () => {
    it("sha256File matches sha256sum on a file larger than one read", async () => {
      const file = write("big.bin", Buffer.alloc(9 * 1024 * 1024 + 17, 7));
      const expected = execFileSync("sha256sum", [file]).toString().split(" ")[0];
      expect(await sha256File(file)).to.equal(expected);
    });

    it("the cache answers an unchanged file from the stamp, and re-hashes an edit of the same size", async () => {
      const cacheFile = path.join(dir, "cache", "sha.json");
      const file = write("d.csv", "age,income\n1,a\n");
      const first = await new HashCache(cacheFile).sha256(file);
      expect(first).to.equal(execFileSync("sha256sum", [file]).toString().split(" ")[0]);
      expect(fs.existsSync(cacheFile), "the cache is persisted").to.equal(true);

      // Same size, different bytes, and the mtime put back: ctime still moves, so it is seen.
      const { atime, mtime } = fs.statSync(file);
      await new Promise((r) => setTimeout(r, 20));
      fs.writeFileSync(file, "age,income\n2,b\n");
      fs.utimesSync(file, atime, mtime);
      const second = await new HashCache(cacheFile).sha256(file);
      expect(second).to.not.equal(first);
      expect(second).to.equal(execFileSync("sha256sum", [file]).toString().split(" ")[0]);
    });

    it("a cache hit answers from the cache file without reading the data", async () => {
      const cacheFile = path.join(dir, "sha.json");
      const file = write("d.csv", "x,y\n1,2\n");
      await new HashCache(cacheFile).sha256(file);
      // Poison the stored hash: a fresh cache returning it proves the file was not hashed again.
      const raw = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as Record<
        string,
        { sha256: string }
      >;
      raw[path.resolve(file)].sha256 = "f".repeat(64);
      fs.writeFileSync(cacheFile, JSON.stringify(raw));
      expect(await new HashCache(cacheFile).sha256(file)).to.equal("f".repeat(64));
    });

    it("ignores a damaged cache file", async () => {
      const cacheFile = write("sha.json", "{not json");
      const file = write("d.csv", "x\n1\n");
      expect(await new HashCache(cacheFile).sha256(file)).to.equal(
        execFileSync("sha256sum", [file]).toString().split(" ")[0],
      );
    });
  });
});
