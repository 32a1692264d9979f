/**
 * The diff of the classic endpoint provider, table-tested: which fields replace, which update,
 * that the model is compared with what the endpoint *serves* (drift), and that unknowns count.
 */
import { expect } from "chai";
import { diffClassicEndpoint } from "../../../components/classicEndpoint/logic";
import type { ClassicEndpointOutputs } from "../../../components/classicEndpoint/types";
import { UNKNOWN } from "../../../components/shared/values";

/** A "[transform]" resource. */
const T = "Norm [transform]";

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

describe("components/classicEndpoint/logic: diffClassicEndpoint", () => {
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
    [
      "a transformation trained with a new model",
      {
        trainedTransforms: {
          [T]: { baseLocation: "http://blob/acct/", relativeLocation: "m/v1/a.o3.itransform" },
        },
        servedTransformUris: { [T]: "http://blob/acct/m/v1/a.o3.itransform" },
      },
      {
        trainedTransforms: {
          [T]: { baseLocation: "http://blob/acct/", relativeLocation: "m/v2/b.o3.itransform" },
        },
      },
      [],
      ["trainedTransforms"],
    ],
    [
      "drift: the endpoint serves another transformation",
      {
        trainedTransforms: {
          [T]: { baseLocation: "http://blob/acct/", relativeLocation: "m/v1/a.o3.itransform" },
        },
        servedTransformUris: { [T]: "http://blob/acct/m/v0/z.o3.itransform" },
      },
      {
        trainedTransforms: {
          [T]: { baseLocation: "http://blob/acct/", relativeLocation: "m/v1/a.o3.itransform" },
        },
      },
      [],
      ["trainedTransforms"],
    ],
    [
      "the same transformation",
      {
        trainedTransforms: {
          [T]: { baseLocation: "http://blob/acct/", relativeLocation: "m/v1/a.o3.itransform" },
        },
        servedTransformUris: { [T]: "http://blob/acct/m/v1/a.o3.itransform" },
      },
      {
        trainedTransforms: {
          [T]: { baseLocation: "http://blob/acct/", relativeLocation: "m/v1/a.o3.itransform" },
        },
      },
      [],
      [],
    ],
    [
      "transformations unknown at preview",
      {},
      { trainedTransforms: UNKNOWN as never },
      [],
      ["trainedTransforms"],
    ],
    [
      "a republished definition (another hash)",
      { serviceDefinitionSha256: "a".repeat(64) },
      { serviceDefinitionSha256: "b".repeat(64) },
      [],
      ["serviceDefinitionSha256"],
    ],
    [
      "the first hash, on an endpoint created before the service had one",
      {},
      { serviceDefinitionSha256: "b".repeat(64) },
      [],
      ["serviceDefinitionSha256"],
    ],
    [
      "the same definition",
      { serviceDefinitionSha256: "a".repeat(64) },
      { serviceDefinitionSha256: "a".repeat(64) },
      [],
      [],
    ],
    [
      "a referenced service (no hash): nothing to refresh",
      { serviceDefinitionSha256: "a".repeat(64) },
      {},
      [],
      [],
    ],
    [
      "a hash unknown at preview",
      { serviceDefinitionSha256: "a".repeat(64) },
      { serviceDefinitionSha256: UNKNOWN as never },
      [],
      ["serviceDefinitionSha256"],
    ],
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
