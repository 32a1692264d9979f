/** Case-insensitive reading of ARM definitions. */
import { expect } from "chai";
import { normalizeProperties, normalizeResource } from "../../../emulator/arm/normalize";

describe("emulator ARM normalization", function () {
  it("rewrites known names to camelCase at every level, keeping user-chosen keys", function () {
    const { value, unknown } = normalizeResource({
      Location: "westeurope",
      Tags: { Team: "ML" },
      PROPERTIES: {
        PackageType: "Graph",
        Assets: {
          Asset1: { Name: "Train Model", Type: "Module", LocationInfo: { URI: "aml://x" } },
        },
        Package: {
          Nodes: {
            Node1: { AssetId: "Asset1", Parameters: { "Label Column": { Value: "income" } } },
          },
          Edges: [{ SourceNodeId: "a", SourcePortId: "p", TargetNodeId: "b", TargetPortId: "q" }],
          GraphParameters: {
            Seed: { Type: "Int", Links: [{ NodeId: "Node1", ParameterKey: "Seed" }] },
          },
        },
        Input: {
          Type: "object",
          Properties: {
            Input1: {
              Type: "object",
              Properties: { Age: { Type: "Integer", "X-MS-IsNullable": true } },
            },
          },
        },
      },
    });
    expect(unknown).to.deep.equal([]);
    expect(value).to.deep.equal({
      location: "westeurope",
      tags: { Team: "ML" },
      properties: {
        packageType: "Graph",
        assets: {
          Asset1: { name: "Train Model", type: "Module", locationInfo: { uri: "aml://x" } },
        },
        package: {
          nodes: {
            Node1: { assetId: "Asset1", parameters: { "Label Column": { value: "income" } } },
          },
          edges: [{ sourceNodeId: "a", sourcePortId: "p", targetNodeId: "b", targetPortId: "q" }],
          graphParameters: {
            Seed: { type: "Int", links: [{ nodeId: "Node1", parameterKey: "Seed" }] },
          },
        },
        input: {
          type: "object",
          properties: {
            Input1: {
              type: "object",
              properties: { Age: { type: "Integer", "x-ms-isnullable": true } },
            },
          },
        },
      },
    });
  });

  it("reports unknown properties with their path and keeps them", function () {
    const { value, unknown } = normalizeProperties({
      title: "t",
      Colour: "red",
      assets: { a1: { name: "n", extra: 1 } },
    });
    expect(unknown).to.deep.equal(["properties.Colour", "properties.assets.a1.extra"]);
    expect(value.Colour).to.equal("red");
  });

  it("leaves values (including parameter values that look like objects) untouched", function () {
    const { value } = normalizeProperties({ parameters: { P: { Value: { Nested: 1 } } } });
    expect(value.parameters).to.deep.equal({ P: { value: { Nested: 1 } } });
  });
});
