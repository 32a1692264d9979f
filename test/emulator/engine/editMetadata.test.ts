import { expect } from "chai";
import { editMetadata } from "../../../emulator/engine/modules/editMetadata";
import { byNames, names, run, table, tableOf, throwsEngine, values } from "./helpers";

const input = () =>
  table({
    age: [39, 50, null],
    city: ["Oslo", "Rome", "Oslo"],
    score: [1.5, 2, 3.25],
    flag: ["true", "False", null],
    y: { values: [0, 1, 0], usage: "label" },
  });

function edit(params: Record<string, string>) {
  return tableOf(run(editMetadata, [input()], params)[0]);
}

describe("engine module Edit Metadata", () => {
  it("makes columns categorical and leaves the others alone", () => {
    const out = edit({ Column: byNames("city", "age"), Categorical: "Make categorical" });
    expect(out.columns.map((c) => c.categorical)).to.deep.equal([true, true, false, false, false]);
    expect(out.columns[1].type).to.equal("String");
    expect(values(out, "city")).to.deep.equal(["Oslo", "Rome", "Oslo"]);
  });

  it("converts types, keeping missing values missing", () => {
    const out = edit({ Column: byNames("age", "score"), "Data type": "String" });
    expect(values(out, "age")).to.deep.equal(["39", "50", null]);
    expect(values(out, "score")).to.deep.equal(["1.5", "2", "3.25"]);
    const b = edit({ Column: byNames("flag"), "Data type": "Boolean" });
    expect(b.columns[3].type).to.equal("Boolean");
    expect(values(b, "flag")).to.deep.equal([1, 0, null]);
    const f = edit({ Column: byNames("age"), "Data type": "Floating point" });
    expect(f.columns[0].type).to.equal("Double");
    const i = edit({ Column: byNames("score"), "Data type": "Integer" });
    expect(values(i, "score"), "doubles are truncated to integers").to.deep.equal([1, 2, 3]);
  });

  it("Error 0139 names the column, types and 1-based row of a value that does not convert", () => {
    throwsEngine(() => edit({ Column: byNames("city"), "Data type": "Integer" }), {
      code: "0139",
      message:
        'Error 0139: Could not convert column "city" of type String to column of type Int64 on row 1.',
    });
  });

  it("sets the label flag on one column and takes it from the previous label", () => {
    const out = edit({ Column: byNames("score"), Fields: "Label" });
    expect(out.columns.map((c) => c.usage)).to.deep.equal([
      "feature",
      "feature",
      "label",
      "feature",
      "feature",
    ]);
    const cleared = edit({ Column: byNames("y"), Fields: "Clear label" });
    expect(cleared.columns[4].usage).to.equal("feature");
  });

  it("Error 0037 when Label is set on several columns", () => {
    throwsEngine(() => edit({ Column: byNames("age", "score"), Fields: "Label" }), {
      code: "0037",
      message: "Error 0037: Multiple label columns are specified.",
    });
  });

  it("renames the selected columns in column order", () => {
    const out = edit({ Column: byNames("score", "age"), "New column names": "Age, Score" });
    expect(names(out)).to.deep.equal(["Age", "city", "Score", "flag", "y"]);
  });

  it("Error 0027 when the new names do not match the selected columns", () => {
    throwsEngine(() => edit({ Column: byNames("score", "age"), "New column names": "only" }), {
      code: "0027",
      message: 'Error 0027: The size of "New column names" is inconsistent with size of "Column".',
    });
  });

  it("Error 0028 on a duplicate name", () => {
    throwsEngine(() => edit({ Column: byNames("score"), "New column names": "city" }), {
      code: "0028",
      message: 'Error 0028: The name "city" is duplicated in "Results dataset".',
    });
  });

  it("Error 0002 on an unknown enum value", () => {
    throwsEngine(() => edit({ Column: byNames("age"), Categorical: "Sometimes" }), {
      code: "0002",
      message:
        'Error 0002: Failed to convert "Categorical" parameter value "Sometimes" from "String" to "Metadata editor categorical"',
    });
  });

  it("Error 0039 for DateTime and TimeSpan, which the emulator cannot convert to", () => {
    throwsEngine(() => edit({ Column: byNames("city"), "Data type": "DateTime" }), {
      code: "0039",
      message:
        "Error 0039: Error while completing operation: conversion to DateTime is not supported by the emulator.",
    });
    throwsEngine(() => edit({ Column: byNames("age"), "Data type": "TimeSpan" }), {
      code: "0039",
      message:
        "Error 0039: Error while completing operation: conversion to TimeSpan is not supported by the emulator.",
    });
  });
});
