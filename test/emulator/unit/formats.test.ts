/** Output serialization by extension: CSV (the engine's), TSV and ARFF. */
import { expect } from "chai";
import { loadEngine } from "../../../emulator/engineLoader";
import { serializeTable } from "../../../emulator/jobs/formats";

describe("emulator output formats", function () {
  const engine = loadEngine();
  const table = engine.tableFromRows(
    ["Metric", "Value"],
    [
      ["AUC", "0.9"],
      ["Label's", null],
    ],
    {
      type: "object",
      properties: { Metric: { type: "String" }, Value: { type: "Number", format: "Double" } },
    },
  );

  it("writes TSV with a header row", function () {
    const text = Buffer.from(serializeTable(engine, table, "tsv", "output2")).toString("utf8");
    expect(text.split("\n").slice(0, 2)).to.deep.equal(["Metric\tValue", "AUC\t0.9"]);
  });

  it("writes ARFF with typed attributes, quoted strings and ? for missing values", function () {
    const text = Buffer.from(serializeTable(engine, table, "arff", "output2")).toString("utf8");
    expect(text).to.match(/^@RELATION 'output2'\n/);
    expect(text).to.match(/@ATTRIBUTE 'Metric' STRING\n@ATTRIBUTE 'Value' NUMERIC\n/);
    expect(text).to.match(/@DATA\n'AUC',0\.9\n'Label\\'s',\?\n$/);
  });

  it("writes CSV through the engine", function () {
    const text = Buffer.from(serializeTable(engine, table, "csv", "output2")).toString("utf8");
    expect(text).to.match(/^Metric,Value\r?\nAUC,0\.9/);
  });
});
