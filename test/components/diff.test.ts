/**
 * The diffs of the service and endpoint providers, table-tested: which fields replace, which
 * update, that the comparison is with what is *served* (drift), and that unknowns count.
 */
import { expect } from "chai";
import { diffClassicEndpoint, type ClassicEndpointOutputs } from "../../components/classic";
import { UNKNOWN } from "../../components/util";
import { diffWebService, type WebServiceOutputs } from "../../components/webService";

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

const endpoint: ClassicEndpointOutputs = {
  endpoint: "http://127.0.0.1:9700",
  workspaceId: "ws",
  webServiceId: "svc",
  token: "t1",
  name: "contoso",
  resourceName: "Census Model [trained model]",
  trainedModel: { baseLocation: "http://blob/acct/", relativeLocation: "models/v1/a.ilearner" },
  storageConnectionString: "AccountName=acct;AccountKey=k1",
  apiLocation: "a",
  helpLocation: "h",
  primaryKey: "p",
  secondaryKey: "q",
  servedModelUri: "http://blob/acct/models/v1/a.ilearner",
};

describe("diffs of the service and endpoint providers", () => {
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

  const endpointCases: [
    string,
    Partial<ClassicEndpointOutputs>,
    Partial<ClassicEndpointOutputs>,
    string[],
    string[],
  ][] = [
    ["nothing changed", {}, {}, [], []],
    ["another endpoint name", {}, { name: "fabrikam" }, ["name"], []],
    ["another web service", {}, { webServiceId: "svc2" }, ["webServiceId"], []],
    ["a new description", {}, { description: "x" }, [], ["description"]],
    [
      "a new model",
      {},
      {
        trainedModel: {
          baseLocation: "http://blob/acct/",
          relativeLocation: "models/v2/b.ilearner",
        },
      },
      [],
      ["trainedModel"],
    ],
    [
      "the same model, written with a trailing slash less",
      {},
      {
        trainedModel: {
          baseLocation: "http://blob/acct",
          relativeLocation: "/models/v1/a.ilearner",
        },
      },
      [],
      [],
    ],
    [
      "drift: the endpoint serves another model",
      { servedModelUri: "http://blob/acct/models/v0/z.ilearner" },
      {},
      [],
      ["trainedModel"],
    ],
    ["a model unknown at preview", {}, { trainedModel: UNKNOWN as never }, [], ["trainedModel"]],
  ];
  for (const [name, old, declared, replaces, updates] of endpointCases) {
    it(`classic endpoint: ${name}`, () => {
      const result = diffClassicEndpoint({ ...endpoint, ...old }, { ...endpoint, ...declared });
      expect(result).to.deep.equal({
        changes: replaces.length + updates.length > 0,
        replaces,
        updates,
      });
    });
  }
});
