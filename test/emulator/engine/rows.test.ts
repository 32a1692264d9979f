import { expect } from "chai";
import type { TableSpecification } from "../../../contract";
import { applySchema } from "../../../emulator/engine/schema";
import { tableFromRows, tableToRows } from "../../../emulator/engine/rows";
import { names, table, throwsEngine, values } from "./helpers";

const spec: TableSpecification = {
  type: "object",
  properties: {
    age: { type: "Integer", format: "Int32" },
    name: { type: "String" },
    score: { type: "Number", format: "Double" },
    ok: { type: "Boolean" },
  },
};

describe("engine RRS rows and input schema", () => {
  describe("tableFromRows", () => {
    it("types columns by the spec, reading strings and JSON values alike", () => {
      const t = tableFromRows(
        ["age", "name", "score", "ok"],
        [
          ["39", "Ann", "1.5", "true"],
          [40, 12, 2, false],
          [null, null, "", null],
        ],
        spec,
      );
      expect(t.columns.map((c) => c.type)).to.deep.equal(["Int64", "String", "Double", "Boolean"]);
      expect(values(t, "age")).to.deep.equal([39, 40, null]);
      expect(values(t, "name")).to.deep.equal(["Ann", "12", null]);
      expect(values(t, "score")).to.deep.equal([1.5, 2, null]);
      expect(values(t, "ok")).to.deep.equal([1, 0, null]);
    });

    it("infers types without a spec, like the CSV reader", () => {
      const t = tableFromRows(
        ["a", "b", "c", "d"],
        [
          [1, "1.5", true, "x"],
          ["2", 3, "False", 4],
        ],
      );
      expect(t.columns.map((c) => c.type)).to.deep.equal(["Int64", "Double", "Boolean", "String"]);
      expect(values(t, "d")).to.deep.equal(["x", "4"]);
    });

    it("inputParse errors name the row and column of a bad value, and ragged rows", () => {
      throwsEngine(() => tableFromRows(["age"], [["1"], ["x"]], spec), {
        kind: "inputParse",
        code: "InvalidValue",
        message: 'Row 2, column "age": "x" is not a valid Integer',
      });
      throwsEngine(() => tableFromRows(["age"], [["1.5"]], spec), {
        kind: "inputParse",
        code: "InvalidValue",
      });
      throwsEngine(() => tableFromRows(["a", "b"], [[1, 2], [3]]), {
        kind: "inputParse",
        code: "InvalidRows",
        message: "Row 2 has 1 value(s) but there are 2 column names",
      });
    });
  });

  describe("tableToRows", () => {
    it("renders names, .NET type names and strings (null = missing)", () => {
      const t = table({ n: [1, null], d: [0.25, 1e-7], b: [true, false], s: ["x", null] });
      expect(tableToRows(t)).to.deep.equal({
        columnNames: ["n", "d", "b", "s"],
        columnTypes: ["Int64", "Double", "Boolean", "String"],
        values: [
          ["1", "0.25", "True", "x"],
          [null, "1e-7", "False", null],
        ],
      });
    });
  });

  describe("applySchema", () => {
    it("orders columns as declared and converts them to the declared types", () => {
      const t = table({ ok: ["true", "false"], score: [1, 2], name: [7, 8], age: [30, null] });
      const out = applySchema(t, spec, "input1");
      expect(names(out)).to.deep.equal(["age", "name", "score", "ok"]);
      expect(out.columns.map((c) => c.type)).to.deep.equal([
        "Int64",
        "String",
        "Double",
        "Boolean",
      ]);
      expect(values(out, "name")).to.deep.equal(["7", "8"]);
      expect(values(out, "ok")).to.deep.equal([1, 0]);
    });

    it("inputMismatch names a missing, renamed or extra column", () => {
      const base = { age: [1], name: ["a"], score: [1.5], ok: [true] };
      throwsEngine(
        () => applySchema(table({ age: [1], name: ["a"], score: [1.5] }), spec, "input1"),
        {
          kind: "inputMismatch",
          code: "SchemaMismatch",
          message: 'Input "input1" is missing column "ok"',
        },
      );
      throwsEngine(
        () =>
          applySchema(table({ Age: [1], name: ["a"], score: [1.5], ok: [true] }), spec, "input1"),
        {
          kind: "inputMismatch",
          message:
            'Input "input1" is missing column "age" (it has "Age"; column names are case- and space-sensitive)',
          code: "SchemaMismatch",
        },
      );
      throwsEngine(() => applySchema(table({ ...base, extra: [0] }), spec, "input1"), {
        kind: "inputMismatch",
        code: "SchemaMismatch",
        message: `Input "input1" has column "extra", which the service's input schema does not declare`,
      });
    });

    it("inputMismatch names the row of a value that does not convert", () => {
      throwsEngine(
        () =>
          applySchema(
            table({ age: [1, 2.5], name: ["a", "b"], score: [1, 2], ok: [true, false] }),
            spec,
            "input1",
          ),
        {
          kind: "inputMismatch",
          code: "InvalidValue",
          message: 'Input "input1", column "age", row 2: "2.5" is not a valid Integer',
        },
      );
    });

    it("accepts any table when the spec declares no columns", () => {
      const t = table({ x: [1] });
      expect(applySchema(t, { type: "object", properties: {} }, "input1")).to.equal(t);
    });
  });
});
