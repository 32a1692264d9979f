/**
 * What the program reads off a definition about its saved transformations: the columns each
 * rewrites (a staged rollout is refused when they are input columns).
 */
import { expect } from "chai";
import * as fs from "node:fs";
import {
  describeDefinition,
  loadDefinition,
  transformedColumns,
} from "../../components/definition";

interface Graph {
  properties: { package: { nodes: Record<string, { parameters?: Record<string, unknown> }> } };
}

/** bike-sql's training graph with its Normalize Data column selection replaced. */
function withSelection(rules: unknown[]): ReturnType<typeof describeDefinition> {
  const graph = JSON.parse(fs.readFileSync("definitions/bike-sql-training.json", "utf8")) as Graph;
  const node = Object.values(graph.properties.package.nodes).find(
    (n) => n.parameters?.["Columns to transform"] !== undefined,
  );
  node!.parameters!["Columns to transform"] = { value: JSON.stringify({ isFilter: true, rules }) };
  return describeDefinition(graph, "bike-sql-variant.json");
}

describe("definition: the columns a saved transformation rewrites", () => {
  it("reads them off the module whose transformation port feeds each output", () => {
    expect(transformedColumns(loadDefinition("definitions/bike-sql-training.json"))).to.deep.equal({
      output3: ["temperature", "humidity", "windspeed", "comfort"],
    });
  });

  it("has none for a definition without a saved transformation", () => {
    expect(transformedColumns(loadDefinition("definitions/census-training.json"))).to.deep.equal(
      {},
    );
  });

  it("ignores exclude rules, and says unknown for a selection by type", () => {
    expect(
      transformedColumns(
        withSelection([
          { ruleType: "ColumnNames", exclude: false, columns: ["comfort"] },
          { ruleType: "ColumnNames", exclude: true, columns: ["temperature"] },
        ]),
      ),
    ).to.deep.equal({ output3: ["comfort"] });
    expect(
      transformedColumns(
        withSelection([{ ruleType: "ColumnTypes", exclude: false, columnTypes: ["Numeric"] }]),
      ),
    ).to.deep.equal({ output3: "unknown" });
  });
});
