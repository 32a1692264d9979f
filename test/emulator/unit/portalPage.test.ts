/**
 * The pure parts of the portal's page and API: the Test page's CSV reading, the Consume page's
 * request shapes and samples, and the model version read from a blob's location. (The samples
 * are run for real by `test/emulator/portal/browser.test.ts`.)
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { modelVersionOf } from "../../../emulator/handlers/portalHandler";
import type { TargetDetailView, V2EndpointDetailView } from "../../../emulator/portal/api";
import { parseCsv } from "../../../emulator/portal/web/csv";
import {
  codeSamples,
  exampleRequest,
  exampleResponse,
  KEY_PLACEHOLDER,
} from "../../../emulator/portal/web/samples";
import { V2_KEY_PLACEHOLDER, v2Samples } from "../../../emulator/portal/web/v2samples";

const detail = {
  target: { apiLocation: "http://127.0.0.1:9700/workspaces/ws/services/abc" },
  input: [
    {
      port: "input1",
      columns: [
        { name: "age", type: "Integer", format: "Int32", values: undefined },
        { name: "name", type: "String", format: undefined, values: undefined },
        { name: "smoker", type: "Boolean", format: undefined, values: undefined },
        { name: "color", type: "String", format: undefined, values: ["red", "blue"] },
      ],
    },
  ],
  output: [
    {
      port: "output1",
      columns: [
        { name: "Scored Labels", type: "String", format: undefined, values: undefined },
        { name: "Scored Probabilities", type: "Number", format: "Double", values: undefined },
      ],
    },
  ],
  parameters: [
    { name: "Threshold", required: true, value: undefined },
    { name: "Seed", required: false, value: "1" },
  ],
  example: { input1: [["40", "O'Brien", "true", "blue"]] },
  jobs: [],
} as unknown as TargetDetailView;

describe("emulator portal page", function () {
  it("reads pasted CSV: quotes, doubled quotes, line breaks in fields, CRLF, blank lines", function () {
    expect(parseCsv('a,b\r\n1,"x, y"\n\n"say ""hi""","two\nlines"\n3,\n')).to.deep.equal([
      ["a", "b"],
      ["1", "x, y"],
      ['say "hi"', "two\nlines"],
      ["3", ""],
    ]);
    expect(parseCsv("")).to.deep.equal([]);
  });

  it("shapes the request from the schema and the definition's example", function () {
    expect(exampleRequest(detail)).to.deep.equal({
      Inputs: {
        input1: {
          ColumnNames: ["age", "name", "smoker", "color"],
          Values: [["40", "O'Brien", "true", "blue"]],
        },
      },
      GlobalParameters: { Threshold: "" },
    });
    expect(exampleRequest({ ...detail, example: {} })).to.deep.equal({
      Inputs: {
        input1: {
          ColumnNames: ["age", "name", "smoker", "color"],
          Values: [["0", "value", "false", "red"]],
        },
      },
      GlobalParameters: { Threshold: "" },
    });
    expect(exampleResponse(detail)).to.deep.equal({
      Results: {
        output1: {
          type: "table",
          value: {
            ColumnNames: ["Scored Labels", "Scored Probabilities"],
            ColumnTypes: ["String", "Double"],
            Values: [["value", "0"]],
          },
        },
      },
    });
  });

  it("writes samples with the key's placeholder, quoting what the shell or the language needs", function () {
    const samples = codeSamples(detail, KEY_PLACEHOLDER);
    expect(Object.keys(samples)).to.deep.equal(["curl", "C#", "Python", "R"]);
    expect(samples.curl).to.equal(
      [
        "curl -s -X POST 'http://127.0.0.1:9700/workspaces/ws/services/abc/execute?api-version=2.0&details=true' \\",
        "  -H 'Authorization: Bearer <API key>' \\",
        "  -H 'Content-Type: application/json' \\",
        `  -d '{"Inputs":{"input1":{"ColumnNames":["age","name","smoker","color"],"Values":[["40","O'\\''Brien","true","blue"]]}},"GlobalParameters":{"Threshold":""}}'`,
      ].join("\n"),
    );
    expect(samples["C#"]).to.include('const string apiKey = "<API key>";');
    expect(samples["C#"]).to.include('""ColumnNames"": [');
    expect(samples.Python).to.include('api_key = "<API key>"');
    expect(samples.R).to.include(
      `body <- '{"Inputs":{"input1":{"ColumnNames":["age","name","smoker","color"],"Values":[["40","O\\'Brien","true","blue"]]}},"GlobalParameters":{"Threshold":""}}'`,
    );
    expect(codeSamples(detail, "k3y").curl).to.include("-H 'Authorization: Bearer k3y'");
  });

  it("reads a model's version from the folder its blob sits in", function () {
    expect(modelVersionOf("models/2026-11-27.1/d36f84eb.ilearner")).to.equal("2026-11-27.1");
    expect(
      modelVersionOf("http://127.0.0.1:10000/devstoreaccount1/models/2026-11-27.1/k.ilearner"),
    ).to.equal("2026-11-27.1");
    expect(
      modelVersionOf("https://acct.blob.core.windows.net/models/2026-12-04.1/k.ilearner"),
    ).to.equal("2026-12-04.1");
    expect(
      modelVersionOf("https://acct.blob.core.windows.net/models/k.ilearner"),
      "at the top",
    ).to.equal(undefined);
    expect(modelVersionOf("http://127.0.0.1:10000/devstoreaccount1/models/k.ilearner")).to.equal(
      undefined,
    );
    expect(
      modelVersionOf(
        "experimentoutput/5b0e7c8a-4f1e-4c3d-9a57-0c1d2e3f4a5b/9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a.ilearner",
      ),
      "BES's default output folder",
    ).to.equal(undefined);
  });

  it("writes a v2 endpoint's samples: the deployment header when one is picked, quoting the shell and Python need", function () {
    const v2 = {
      subscriptionId: "00000000-0000-0000-0000-000000000000",
      resourceGroup: "local",
      workspace: "census-ml",
      endpoint: {
        name: "census-v2",
        scoringUri: "http://127.0.0.1:9700/inference/census-v2/score",
      },
      sample: { data: [] },
      sampleSource: undefined,
    } as unknown as V2EndpointDetailView;
    const body = String.raw`{ "data": [{"name": "O'Brien", "path": "C:\\x", "n": 1}] }`;
    const picked = v2Samples(v2, body, V2_KEY_PLACEHOLDER, "blue");
    expect(picked.curl).to.equal(
      [
        "curl -s -X POST 'http://127.0.0.1:9700/inference/census-v2/score' \\",
        "  -H 'Authorization: Bearer <endpoint key>' \\",
        "  -H 'Content-Type: application/json' \\",
        "  -H 'azureml-model-deployment: blue' \\",
        String.raw`  -d '{"data":[{"name":"O'\''Brien","path":"C:\\x","n":1}]}'`,
      ].join("\n"),
    );
    expect(picked.Python).to.include('headers["azureml-model-deployment"] = "blue"');
    expect(picked["Azure CLI"].split("\n")[1]).to.equal(
      "az ml online-endpoint invoke --name census-v2 --request-file request.json --deployment-name blue --resource-group local --workspace-name census-ml",
    );
    const byTraffic = v2Samples(v2, body, "k3y", undefined);
    expect(byTraffic.curl).to.not.include("azureml-model-deployment");
    expect(byTraffic.Python).to.include('api_key = "k3y"');
    expect(byTraffic["Azure CLI"]).to.not.include("--deployment-name");
    // The Python sample's body reads back as the body: in a raw string, or (when the text could
    // end one early) a plain one.
    const texts = [body, '"ends with a quote"', 'not JSON """ at all'];
    const lines = texts.map((text) =>
      v2Samples(v2, text, "k", undefined)
        .Python.split("\n")
        .find((l) => l.startsWith("body = "))!
        .replace("json.loads(", "("),
    );
    // One interpreter reads the three (each start is slow on a loaded machine).
    const script = ["import json", "read = []"]
      .concat(lines.flatMap((line) => [line, "read.append(body)"]))
      .concat(["print(json.dumps(read), end='')"])
      .join("\n");
    const read = JSON.parse(execFileSync("python3", ["-c", script]).toString()) as string[];
    expect(read).to.deep.equal([
      JSON.stringify(JSON.parse(body)),
      '"ends with a quote"',
      'not JSON """ at all',
    ]);
  });
});
