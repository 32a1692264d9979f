/**
 * The diff of the ARM web service provider, table-tested: which fields replace, which update,
 * that the model is compared with what the service *serves* (drift), and that unknowns count.
 */
import { expect } from "chai";
import { diffWebService } from "../../../components/webService/logic";
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
