import { expect } from "chai";
import {
  parseColumnSelection,
  selectColumnIndices,
  selectSingleColumn,
} from "../../../emulator/engine/columnPicker";
import { table, throwsEngine } from "./helpers";

const t = table({
  a: [1, 2],
  b: ["x", "y"],
  c: [0.5, 1.5],
  d: { values: ["p", "q"], categorical: true },
  e: { values: [true, false] },
  y: { values: [0, 1], usage: "label" },
});

function pick(value: unknown): string[] {
  const indices = selectColumnIndices(t, parseColumnSelection(value, "Select columns"), "Dataset");
  return indices.map((i) => t.columns[i].name);
}

const rules = (isFilter: boolean, ...r: object[]) => JSON.stringify({ isFilter, rules: r });
const names = (columns: string[], exclude = false) => ({
  ruleType: "ColumnNames",
  exclude,
  columns,
});
const indexes = (columns: string[], exclude = false) => ({
  ruleType: "ColumnIndexes",
  exclude,
  columns,
});
const all = { ruleType: "AllColumns", exclude: false };

describe("engine column picker", () => {
  it("selects by names and keeps the table's order", () => {
    expect(pick(rules(true, names(["c", "a"])))).to.deep.equal(["a", "c"]);
  });

  it("accepts the rule set as an object and as comma-separated names", () => {
    expect(pick({ isFilter: true, rules: [names(["b"])] })).to.deep.equal(["b"]);
    expect(pick("b, a")).to.deep.equal(["a", "b"]);
  });

  it("starts from all columns and excludes", () => {
    expect(pick(rules(true, all, names(["b", "y"], true)))).to.deep.equal(["a", "c", "d", "e"]);
  });

  it("selects 1-based indices and closed ranges, duplicates once", () => {
    expect(pick(rules(true, indexes(["1", "3-4"])))).to.deep.equal(["a", "c", "d"]);
    expect(pick(rules(true, indexes(["1,3-6,4"])))).to.deep.equal(["a", "c", "d", "e", "y"]);
  });

  it("keeps the listed order and duplicates when isFilter is false", () => {
    expect(pick(rules(false, indexes(["4,3,1"])))).to.deep.equal(["d", "c", "a"]);
    expect(pick(rules(false, names(["c", "a", "c"])))).to.deep.equal(["c", "a", "c"]);
  });

  it("selects by type and kind", () => {
    const byType = (columnTypes: string[], columnKinds: string[] = ["All"]) =>
      pick(rules(true, { ruleType: "ColumnTypes", exclude: false, columnTypes, columnKinds }));
    expect(byType(["String"])).to.deep.equal(["b", "d"]);
    expect(byType(["Numeric"])).to.deep.equal(["a", "c", "y"]);
    expect(byType(["Integer"])).to.deep.equal(["a", "y"]);
    expect(byType(["Double"])).to.deep.equal(["c"]);
    expect(byType(["Boolean"])).to.deep.equal(["e"]);
    expect(byType(["Categorical"])).to.deep.equal(["d"]);
    expect(byType(["All"], ["Label"])).to.deep.equal(["y"]);
    expect(byType(["Numeric"], ["Feature"])).to.deep.equal(["a", "c"]);
    expect(
      pick(
        rules(true, all, {
          ruleType: "ColumnTypes",
          exclude: true,
          columnTypes: ["String"],
          columnKinds: ["All"],
        }),
      ),
    ).to.deep.equal(["a", "c", "e", "y"]);
  });

  it("Error 0001: an unknown name or an index beyond the columns", () => {
    throwsEngine(() => pick(rules(true, names(["age"]))), {
      kind: "module",
      code: "0001",
      message: 'Error 0001: Column with name or index "age" does not exist in "Dataset"',
    });
    throwsEngine(() => pick(rules(true, indexes(["7"]))), {
      code: "0001",
      message: 'Error 0001: Column with name or index "7" does not exist in "Dataset"',
    });
  });

  it("Error 0059: an index that does not parse", () => {
    throwsEngine(() => pick(rules(true, indexes(["x1"]))), {
      code: "0059",
      message: 'Error 0059: Column index or range "x1" could not be parsed.',
    });
  });

  it("Error 0060: open, reversed or out-of-range ranges", () => {
    for (const bad of ["1-", "-3", "4-2", "2-9"]) {
      throwsEngine(() => pick(rules(true, indexes([bad]))), {
        code: "0060",
        message: `Error 0060: Column range "${bad}" is invalid or out of range.`,
      });
    }
  });

  it("Error 0011: nothing selected", () => {
    throwsEngine(() => pick(rules(true, names(["a"]), names(["a"], true))), {
      code: "0011",
      message:
        'Error 0011: Specified column set "Column names: a; Exclude Column names: a" does not apply to any of dataset columns.',
    });
  });

  it("Error 0022: a single-column picker that selects several", () => {
    throwsEngine(
      () =>
        selectSingleColumn(
          t,
          parseColumnSelection(rules(true, names(["a", "b"])), "Label column"),
          "Label column",
          "Dataset",
        ),
      {
        code: "0022",
        message:
          'Error 0022: Column selection pattern "Label column" is expected to provide 1 column(s) selected in input dataset, but 2 column(s) is/are provided.',
      },
    );
  });

  it("Error 0002: malformed JSON, unknown rule types, or a leading exclude rule", () => {
    for (const bad of [
      "{not json",
      rules(true, { ruleType: "Nope", exclude: false }),
      rules(true, names(["a"], true)),
    ]) {
      throwsEngine(() => pick(bad), {
        code: "0002",
        message:
          /^Error 0002: Failed to convert "Select columns" parameter value ".*" from "String" to "ColumnSelection"$/,
      });
    }
  });
});
