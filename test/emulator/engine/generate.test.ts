import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bikeToCsv,
  censusToCsv,
  censusTrueModel,
  generateBikeRows,
  generateCensusRows,
  main,
} from "../../../data/generate";

const root = join(__dirname, "..", "..", "..");

describe("data generator", () => {
  it("is deterministic per seed", () => {
    const a = generateCensusRows({ rows: 200, seed: 5, drift: 0.3 });
    expect(generateCensusRows({ rows: 200, seed: 5, drift: 0.3 })).to.deep.equal(a);
    expect(generateCensusRows({ rows: 200, seed: 6, drift: 0.3 })).to.not.deep.equal(a);
  });

  it("reproduces the committed samples from their documented seeds", () => {
    const read = (f: string) => readFileSync(join(root, "data", f), "utf8");
    expect(read("census-2026-10.csv")).to.equal(
      censusToCsv(generateCensusRows({ rows: 3000, seed: 202610, drift: 0 })),
    );
    expect(read("census-2026-11.csv")).to.equal(
      censusToCsv(generateCensusRows({ rows: 3000, seed: 202611, drift: 1 })),
    );
    expect(read("bike-demand-sample.csv")).to.equal(
      bikeToCsv(generateBikeRows({ rows: 2000, seed: 2026 })),
    );
  });

  it("keeps the positive rate near 24% and blanks about 5% of workclass/occupation", () => {
    for (const drift of [0, 1]) {
      const rows = generateCensusRows({ rows: 20_000, seed: 1, drift });
      const positive = rows.filter((r) => r.income === ">50K").length / rows.length;
      const missing = rows.filter((r) => r.workclass === null).length / rows.length;
      expect(Math.abs(positive - 0.24), `drift ${drift}: positive rate ${positive}`).to.be.below(
        0.02,
      );
      expect(Math.abs(missing - 0.05), `drift ${drift}: missing rate ${missing}`).to.be.below(0.01);
      expect(rows.every((r) => (r.workclass === null) === (r.occupation === null))).to.equal(true);
    }
  });

  it("drift shifts the features and the true model", () => {
    const mean = (drift: number) => {
      const rows = generateCensusRows({ rows: 20_000, seed: 2, drift });
      return rows.reduce((s, r) => s + r.age, 0) / rows.length;
    };
    expect(mean(1) - mean(0), "the drifted population is older").to.be.above(4);
    const row = generateCensusRows({ rows: 1, seed: 3, drift: 0, missingRate: 0 })[0];
    const f = {
      ...row,
      workclass: row.workclass!,
      occupation: row.occupation!,
      "native-country": row["native-country"]!,
    };
    expect(censusTrueModel(0).logit(f)).to.not.equal(censusTrueModel(1).logit(f));
  });

  it("the CLI writes CSV (and --help explains it)", () => {
    const out = join(mkdtempSync(join(tmpdir(), "gen-")), "c.csv");
    main(["census", "--rows", "3", "--seed", "9", "--drift", "0.5", "--out", out]);
    expect(readFileSync(out, "utf8")).to.equal(
      censusToCsv(generateCensusRows({ rows: 3, seed: 9, drift: 0.5 })),
    );
    const write = process.stdout.write.bind(process.stdout);
    let text = "";
    process.stdout.write = ((chunk: string) => (
      (text += chunk),
      true
    )) as typeof process.stdout.write;
    try {
      main(["--help"]);
    } finally {
      process.stdout.write = write;
    }
    expect(text).to.match(/^Usage: npx tsx data\/generate\.ts <census\|bike> \[options\]/);
    expect(text).to.match(/--drift X/);
  });
});
