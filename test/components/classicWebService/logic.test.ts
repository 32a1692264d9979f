/**
 * The check and diff of the classic web service: a change that would replace it (and with it
 * every endpoint and their keys) is refused unless allowed, and says how to allow it.
 */
import { expect } from "chai";
import {
  checkClassicWebService,
  definitionSha256,
  diffClassicWebService,
  replacingFields,
} from "../../../components/classicWebService/logic";
import { UNKNOWN } from "../../../components/shared/values";

const inputs = {
  mode: "publish",
  endpoint: "http://127.0.0.1:9700",
  workspaceId: "10ca1000000000000000000000000001",
  webServiceId: "c0ffee00c0ffee00c0ffee00c0ffee00",
  token: "t",
  definition: { packageType: "Graph" },
};

describe("components/classicWebService/logic", () => {
  it("refuses a change of identity, naming the field, the values and the way to do it", () => {
    const news = { ...inputs, webServiceId: "c0ffee00c0ffee00c0ffee00c0ffee01" };
    expect(checkClassicWebService(news, inputs)).to.deep.equal([
      {
        property: "webServiceId",
        reason:
          'changing webServiceId from "c0ffee00c0ffee00c0ffee00c0ffee00" to "c0ffee00c0ffee00c0ffee00c0ffee01" replaces the classic web service: ' +
          "every endpoint under it is deleted and created again under the new one, and each consumer gets new keys. " +
          "To do it on purpose, set allowReplacement (azureml-retrain:services.allowClassicReplacement in the stack config) to true for that up, then give the consumers their new keys",
      },
    ]);
  });

  it("allows it when asked, and then the diff replaces, deleting first", () => {
    const news = {
      ...inputs,
      webServiceId: "c0ffee00c0ffee00c0ffee00c0ffee01",
      allowReplacement: true,
    };
    expect(checkClassicWebService(news, inputs)).to.deep.equal([]);
    expect(diffClassicWebService(inputs as never, news as never)).to.deep.equal({
      changes: true,
      replaces: ["webServiceId"],
      updates: [],
      deleteBeforeReplace: true,
    });
  });

  it("is no replacement on a create, on the engine's second check (no olds), or while unknown", () => {
    expect(replacingFields({}, inputs)).to.deep.equal([]);
    expect(replacingFields(inputs, { ...inputs, webServiceId: UNKNOWN })).to.deep.equal([]);
    expect(
      replacingFields(inputs, { ...inputs, mode: "reference", endpoint: "https://x" }),
    ).to.deep.equal(["mode", "endpoint"]);
  });

  it("does not count allowReplacement as a change of the service", () => {
    expect(
      diffClassicWebService(inputs as never, { ...inputs, allowReplacement: true } as never)
        .changes,
    ).to.equal(false);
  });

  it("hashes a definition to publish by content, key order aside; none when referenced or unknown", () => {
    const sha = definitionSha256(inputs);
    expect(sha).to.match(/^[0-9a-f]{64}$/);
    const reordered = { packageType: "Graph", assets: { a: { name: "x", type: "Module" } } };
    const same = { assets: { a: { type: "Module", name: "x" } }, packageType: "Graph" };
    expect(definitionSha256({ ...inputs, definition: reordered })).to.equal(
      definitionSha256({ ...inputs, definition: same }),
    );
    expect(definitionSha256({ ...inputs, definition: reordered })).to.not.equal(sha);
    expect(definitionSha256({ ...inputs, mode: "reference" })).to.equal(undefined);
    expect(definitionSha256({ ...inputs, definition: { packageType: UNKNOWN } })).to.equal(
      undefined,
    );
  });
});
