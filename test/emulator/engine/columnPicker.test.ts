import assert from "node:assert/strict";
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
    assert.deepEqual(pick(rules(true, names(["c", "a"]))), ["a", "c"]);
  });

  it("accepts the rule set as an object and as comma-separated names", () => {
    assert.deepEqual(pick({ isFilter: true, rules: [names(["b"])] }), ["b"]);
    assert.deepEqual(pick("b, a"), ["a", "b"]);
  });

  it("starts from all columns and excludes", () => {
    assert.deepEqual(pick(rules(true, all, names(["b", "y"], true))), ["a", "c", "d", "e"]);
  });

  it("selects 1-based indices and closed ranges, duplicates once", () => {
    assert.deepEqual(pick(rules(true, indexes(["1", "3-4"]))), ["a", "c", "d"]);
    assert.deepEqual(pick(rules(true, indexes(["1,3-6,4"]))), ["a", "c", "d", "e", "y"]);
  });

  it("keeps the listed order and duplicates when isFilter is false", () => {
    assert.deepEqual(pick(rules(false, indexes(["4,3,1"]))), ["d", "c", "a"]);
    assert.deepEqual(pick(rules(false, names(["c", "a", "c"]))), ["c", "a", "c"]);
  });

  it("selects by type and kind", () => {
    const byType = (columnTypes: string[], columnKinds: string[] = ["All"]) =>
      pick(rules(true, { ruleType: "ColumnTypes", exclude: false, columnTypes, columnKinds }));
    assert.deepEqual(byType(["String"]), ["b", "d"]);
    assert.deepEqual(byType(["Numeric"]), ["a", "c", "y"]);
    assert.deepEqual(byType(["Integer"]), ["a", "y"]);
    assert.deepEqual(byType(["Double"]), ["c"]);
    assert.deepEqual(byType(["Boolean"]), ["e"]);
    assert.deepEqual(byType(["Categorical"]), ["d"]);
    assert.deepEqual(byType(["All"], ["Label"]), ["y"]);
    assert.deepEqual(byType(["Numeric"], ["Feature"]), ["a", "c"]);
    assert.deepEqual(
      pick(
        rules(true, all, {
          ruleType: "ColumnTypes",
          exclude: true,
          columnTypes: ["String"],
          columnKinds: ["All"],
        }),
      ),
      ["a", "c", "e", "y"],
    );
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
