import { expect } from "chai";
import { splitData } from "../../../emulator/engine/modules/splitData";
import { byNames, run, table, tableOf, throwsEngine, values } from "./helpers";

const rows = (n: number) =>
  table({
    id: Array.from({ length: n }, (_v, i) => i + 1),
    g: Array.from({ length: n }, (_v, i) => (i % 3 === 0 ? "a" : "b")),
  });

function split(n: number, params: Record<string, string>) {
  const [a, b] = run(splitData, [rows(n)], params);
  return [values(tableOf(a), "id") as number[], values(tableOf(b), "id") as number[]];
}

describe("engine module Split Data", () => {
  it("puts ⌊n × fraction⌋ rows first; with 0.5 the odd row goes to the second output", () => {
    const [a, b] = split(7, { "Randomized split": "False" });
    expect(a).to.deep.equal([1, 2, 3]);
    expect(b).to.deep.equal([4, 5, 6, 7]);
    const [c, d] = split(10, {
      "Fraction of rows in the first output dataset": "0.75",
      "Randomized split": "False",
    });
    expect(c.length).to.equal(7);
    expect(d.length).to.equal(3);
    expect(
      split(100, { "Fraction of rows in the first output dataset": "0.29" })[0].length,
    ).to.equal(29);
  });

  it("randomizes with the seed, deterministically, keeping each output in input order", () => {
    const first = split(20, {
      "Random seed": "42",
      "Fraction of rows in the first output dataset": "0.5",
    });
    const again = split(20, {
      "Random seed": "42",
      "Fraction of rows in the first output dataset": "0.5",
    });
    const other = split(20, {
      "Random seed": "43",
      "Fraction of rows in the first output dataset": "0.5",
    });
    expect(first).to.deep.equal(again);
    expect(first[0]).to.not.deep.equal(other[0]);
    expect(first[0].length).to.equal(10);
    expect([...first[0], ...first[1]].sort((x, y) => x - y)).to.deep.equal(
      Array.from({ length: 20 }, (_v, i) => i + 1),
    );
    expect(first[0]).to.deep.equal([...first[0]].sort((x, y) => x - y));
    expect(first[0]).to.not.deep.equal(Array.from({ length: 10 }, (_v, i) => i + 1));
  });

  it("seed 0 is the literal seed 0 (reproducible), not the clock", () => {
    expect(split(30, { "Random seed": "0" })).to.deep.equal(split(30, { "Random seed": "0" }));
  });

  it("accepts percentages and row counts", () => {
    expect(split(10, { "Fraction of rows in the first output dataset": "30%" })[0].length).to.equal(
      3,
    );
    expect(split(10, { "Fraction of rows in the first output dataset": "4" })[0].length).to.equal(
      4,
    );
    throwsEngine(() => split(10, { "Fraction of rows in the first output dataset": "10" }), {
      code: "0006",
      message:
        'Error 0006: Parameter "Fraction of rows in the first output dataset" value should be less than 10.',
    });
    throwsEngine(() => split(10, { "Fraction of rows in the first output dataset": "150%" }), {
      code: "0008",
    });
    throwsEngine(() => split(10, { "Fraction of rows in the first output dataset": "half" }), {
      code: "0002",
    });
  });

  it("stratifies: the fraction applies per stratum", () => {
    // 12 rows: stratum a = ids 1,4,7,10 (4 rows), b = 8 rows; 0.5 → 2 a + 4 b first.
    const [a] = run(splitData, [rows(12)], {
      "Stratified split": "True",
      "Stratification key column": byNames("g"),
      "Random seed": "5",
    });
    const ids = values(tableOf(a), "id") as number[];
    expect(ids.length).to.equal(6);
    expect(ids.filter((i) => (i - 1) % 3 === 0).length).to.equal(2);
  });

  it("Error 0056 for a numeric strata column and 0021 for fewer than two rows", () => {
    throwsEngine(
      () =>
        run(splitData, [rows(4)], {
          "Stratified split": "True",
          "Stratification key column": byNames("id"),
        }),
      {
        code: "0056",
        message: 'Error 0056: Column with name "id" is not in an allowed category.',
      },
    );
    throwsEngine(() => split(1, {}), {
      code: "0021",
      message:
        'Error 0021: Number of rows in input dataset "Dataset" is less than allowed minimum of 2 row(s).',
    });
  });

  it("Regular Expression sends matching rows first (column by name)", () => {
    const t = table({ text: ["Gryphon", "gryphon", "Mock Turtle", null], n: [1, 2, 3, 4] });
    const [a, b] = run(splitData, [t], {
      "Splitting mode": "Regular Expression",
      "Regular expression": '\\"text" ^[A-Z]',
    });
    expect(values(tableOf(a), "n")).to.deep.equal([1, 3]);
    expect(values(tableOf(b), "n")).to.deep.equal([2, 4]);
  });

  it("Relative Expression with a 0-based column index, & and |", () => {
    const t = table({ n: [5, 20, 25, 30, 40, null] });
    const [a] = run(splitData, [t], {
      "Splitting mode": "Relative Expression",
      "Relational expression": "(\\0)<=30 & !=20",
    });
    expect(values(tableOf(a), "n")).to.deep.equal([5, 25, 30]);
    const [c] = run(splitData, [t], {
      "Splitting mode": "Relative Expression",
      "Relational expression": '\\"n" < 10 | >= 40',
    });
    expect(values(tableOf(c), "n")).to.deep.equal([5, 40]);
  });

  it("Recommender Split is a clear not-supported error", () => {
    throwsEngine(() => split(4, { "Splitting mode": "Recommender Split" }), { code: "0039" });
  });
});
