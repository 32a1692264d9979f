import { expect } from "chai";
import type { RenderedTable } from "../../../emulator/engine/api";
import { tableResponse, tableResponseJson } from "../../../emulator/handlers/rrsBody";

const scores: RenderedTable = {
  columnNames: ["Scored Labels", "Scored Probabilities"],
  columnTypes: ["String", "Double"],
  values: [
    [">50K", "0.8312"],
    [null, null],
  ],
};
const awkward: RenderedTable = {
  columnNames: ['say "hi"', "back\\slash", "tab\tnew\nline", "é ü 😀", "\u2028\u0001"],
  columnTypes: ["String", "Int64", "Boolean", "String", "String"],
  values: [
    ['"quoted"', "-12", "True", "naïve 😀", "\u2028"],
    ["", null, "False", "\u0000", "</script>"],
  ],
};
const empty: RenderedTable = { columnNames: ["x"], columnTypes: ["Double"], values: [] };

describe("RRS answers written by schema", () => {
  it("writes exactly JSON.stringify of the answer object, with and without column types", () => {
    const cases: [string, RenderedTable][][] = [
      [["output1", scores]],
      [["output1", awkward]],
      [
        ["first", scores],
        ['sec"ond', awkward],
        ["third", empty],
      ],
      [["output1", empty]],
      [],
    ];
    for (const outputs of cases) {
      for (const details of [true, false]) {
        expect(tableResponseJson(outputs, details), JSON.stringify(outputs)).to.equal(
          JSON.stringify(tableResponse(outputs, details)),
        );
      }
    }
  });

  it("the second call with the same columns reuses their JSON and still writes its own cells", () => {
    const first = tableResponseJson([["output1", scores]], true);
    const again: RenderedTable = { ...scores, values: [["<=50K", "0.1"]] };
    expect(first).to.equal(
      '{"Results":{"output1":{"type":"table","value":{"ColumnNames":["Scored Labels","Scored Probabilities"],"ColumnTypes":["String","Double"],"Values":[[">50K","0.8312"],[null,null]]}}}}',
    );
    expect(tableResponseJson([["output1", again]], false)).to.equal(
      '{"Results":{"output1":{"type":"table","value":{"ColumnNames":["Scored Labels","Scored Probabilities"],"Values":[["<=50K","0.1"]]}}}}',
    );
  });

  it("outputs with integer-like or repeated names come out as an object orders them", () => {
    const outputs: [string, RenderedTable][] = [
      ["2", scores],
      ["1", empty],
      ["b", scores],
      ["b", empty],
    ];
    const text = tableResponseJson(outputs, true);
    expect(text).to.equal(JSON.stringify(tableResponse(outputs, true)));
    expect(Object.keys((JSON.parse(text) as { Results: object }).Results)).to.deep.equal([
      "1",
      "2",
      "b",
    ]);
  });
});
