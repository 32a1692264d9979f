/**
 * The diff of the ARM web service provider, table-tested: which fields replace, which update,
 * that the model is compared with what the service *serves* (drift), and that unknowns count.
 */
import { expect } from "chai";
import { checkWebService, diffWebService } from "../../../components/webService/logic";
import { loadDefinition } from "../../../components/definition";
import type { WebServiceOutputs } from "../../../components/webService/types";
import { UNKNOWN } from "../../../components/shared/values";

const service: WebServiceOutputs = {
  role: "predictive",
  endpoint: "http://127.0.0.1:9700",
  subscriptionId: "sub",
  resourceGroup: "rg",
  name: "census-predictive",
  location: "local",
  token: "t1",
  definition: { packageType: "Graph", title: "a" },
  storageAccount: { name: "acct", key: "k1" },
  workspaceId: "ws",
  trainedModelUri: "http://blob/acct/models/v1/a.ilearner",
  resourceId: "id",
  swaggerLocation: "s",
  executionUrl: "e",
  primaryKey: "p",
  secondaryKey: "q",
  provisioningState: "Succeeded",
  servedModelUri: "http://blob/acct/models/v1/a.ilearner",
};

/** A "[transform]" asset. */
const T = "Norm [transform]";

describe("components/webService/logic: diffWebService", () => {
  const serviceCases: [
    string,
    Partial<WebServiceOutputs>,
    Partial<WebServiceOutputs>,
    string[],
    string[],
  ][] = [
    ["nothing changed", {}, {}, [], []],
    ["definition keys reordered", {}, { definition: { title: "a", packageType: "Graph" } }, [], []],
    ["a new name", {}, { name: "other" }, ["name"], []],
    ["another region", {}, { location: "westeurope" }, ["location"], []],
    [
      "another storage account",
      {},
      { storageAccount: { name: "acct2", key: "k1" } },
      ["storageAccount.name"],
      [],
    ],
    [
      "a rotated storage key",
      {},
      { storageAccount: { name: "acct", key: "k2" } },
      [],
      ["storageAccount.key"],
    ],
    [
      "a new model",
      {},
      { trainedModelUri: "http://blob/acct/models/v2/b.ilearner" },
      [],
      ["trainedModelUri"],
    ],
    [
      "drift: the service serves another model",
      { servedModelUri: "http://blob/acct/models/v0/z.ilearner" },
      {},
      [],
      ["trainedModelUri"],
    ],
    [
      "a changed graph",
      {},
      { definition: { packageType: "Graph", title: "b" } },
      [],
      ["definition"],
    ],
    ["a model unknown at preview", {}, { trainedModelUri: UNKNOWN }, [], ["trainedModelUri"]],
    [
      "a new model with its transformation",
      { trainedTransformUris: { [T]: "http://blob/acct/m/v1/a.o3.itransform" } },
      {
        trainedModelUri: "http://blob/acct/models/v2/b.ilearner",
        trainedTransformUris: { [T]: "http://blob/acct/m/v2/b.o3.itransform" },
      },
      [],
      ["trainedModelUri", "trainedTransformUris"],
    ],
    [
      "drift: the service serves another transformation",
      {
        trainedTransformUris: { [T]: "http://blob/acct/m/v1/a.o3.itransform" },
        servedTransformUris: { [T]: "http://blob/acct/m/v0/z.o3.itransform" },
      },
      { trainedTransformUris: { [T]: "http://blob/acct/m/v1/a.o3.itransform" } },
      [],
      ["trainedTransformUris"],
    ],
    [
      "transformations unknown at preview",
      {},
      { trainedTransformUris: UNKNOWN as never },
      [],
      ["trainedTransformUris"],
    ],
  ];
  for (const [name, old, declared, replaces, updates] of serviceCases) {
    it(`web service: ${name}`, () => {
      const result = diffWebService({ ...service, ...old }, { ...service, ...declared });
      expect(result).to.deep.equal({
        changes: replaces.length + updates.length > 0,
        replaces,
        updates,
      });
    });
  }
});

describe("components/webService/logic: checkWebService (transformations)", () => {
  const predictive = {
    role: "predictive",
    name: "bike",
    endpoint: "http://127.0.0.1:9700",
    subscriptionId: "s",
    resourceGroup: "g",
    location: "local",
    workspaceId: "w",
    storageAccount: { name: "a", key: "k" },
    definition: loadDefinition("definitions/bike-sql-predictive.json").properties,
    trainedModelUri: "http://blob/acct/models/v1/a.ilearner",
  };
  it("takes the definition's [transform] asset with a plain blob URI", () => {
    expect(
      checkWebService({
        ...predictive,
        trainedTransformUris: {
          "Bike Demand SQL Normalization [transform]": "http://blob/acct/m/v1/a.o3.itransform",
        },
      }),
    ).to.deep.equal([]);
  });
  it("names an asset the definition lacks, and a URI with a SAS", () => {
    expect(
      checkWebService({
        ...predictive,
        trainedTransformUris: {
          "Nope [transform]": "http://blob/acct/x.itransform",
          "Bike Demand SQL Normalization [transform]": "http://blob/acct/x.itransform?sig=abc",
        },
      }),
    ).to.deep.equal([
      {
        property: "trainedTransformUris",
        reason:
          '"Nope [transform]" is not a "[transform]" asset of the definition (its assets: "Bike Demand SQL Normalization [transform]")',
      },
      {
        property: "trainedTransformUris",
        reason:
          '"Bike Demand SQL Normalization [transform]" must be a transformation blob\'s http(s) URI without a SAS query, got "http://blob/acct/x.itransform?sig=abc"',
      },
    ]);
  });
});
