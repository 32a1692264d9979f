import { expect } from "chai";
import { selectColumnsInDataset } from "../../../emulator/engine/modules/selectColumnsInDataset";
import { byNames, names, run, table, tableOf, throwsEngine, values } from "./helpers";

describe("engine module Select Columns in Dataset", () => {
  const input = table({
    a: [1, 2],
    b: { values: ["x", "y"], categorical: true },
    c: { values: [0, 1], usage: "label" },
  });

  it("keeps the picked columns in table order with their metadata", () => {
    const out = tableOf(
      run(selectColumnsInDataset, [input], { "Select columns": byNames("c", "b") })[0],
    );
    expect(names(out)).to.deep.equal(["b", "c"]);
    expect(out.rowCount).to.equal(2);
    expect(out.columns[0].categorical).to.equal(true);
    expect(out.columns[1].usage).to.equal("label");
    expect(values(out, "b")).to.deep.equal(["x", "y"]);
  });

  it("Error 0001 names the missing column and the input port", () => {
    throwsEngine(() => run(selectColumnsInDataset, [input], { "Select columns": byNames("zz") }), {
      code: "0001",
      message: 'Error 0001: Column with name or index "zz" does not exist in "Dataset"',
    });
  });

  it("Error 0003 when the input is missing or the picker is not set", () => {
    throwsEngine(
      () => run(selectColumnsInDataset, [undefined], { "Select columns": byNames("a") }),
      {
        code: "0003",
        message: 'Error 0003: Input "Dataset" is null or empty',
      },
    );
    throwsEngine(() => run(selectColumnsInDataset, [input], {}), {
      code: "0003",
      message: 'Error 0003: Input "Select columns" is null or empty',
    });
  });
});
