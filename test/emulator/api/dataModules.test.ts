/**
 * Data in and out over the emulator's runtime, with the run's Azurite and a loopback HTTP
 * server: Import Data from the service's own storage account (no key in the graph) and from a
 * web URL, Export Data to a named account in "Error" and "Overwrite" modes, a dataset asset read
 * from its blob; and the bike-sql samples end to end: a BES job writes the model and the saved
 * normalization, an ARM predictive service takes both assets and scores what training scored.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ArmWebService, AzureBlobDataReference, WebServiceKeys } from "../../../contract";
import { azuriteBlobEndpoint, uniqueName } from "../../helpers/env";
import {
  Bes,
  TEST_STORAGE_ACCOUNT,
  armServicePath,
  createTestContainer,
  executionBase,
  httpRequest,
  loadServiceDefinition,
  putArmService,
  startTestEmulator,
  testStorageKey,
  type TestContainer,
  type TestEmulator,
} from "../../helpers/emulator";
import { graphProperties } from "../../helpers/graphs";
import { blobRef, publishGraph, runJob } from "./graphJobs";

const ROWS = "name,a\nx,1\ny,2\n";

describe("data modules over the runtime (Azurite, loopback HTTP)", function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let container: TestContainer;
  let server: Server;
  let webUrl: string;
  before(async function () {
    emulator = await startTestEmulator();
    container = await createTestContainer("data");
    server = createServer((req, res) => {
      if (req.url === "/rows.tsv") {
        res.writeHead(200, { "Content-Type": "text/tab-separated-values" });
        res.end("name\ta\nw\t7\n");
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    webUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async function () {
    await emulator?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it("Import Data reads the service's own account (no key in the graph) and a web URL; Add Rows joins them; Export Data writes the result", async function () {
    const source = await container.upload(`${uniqueName("src")}/rows.csv`, ROWS);
    const exported = `${container.name}/${uniqueName("out")}/export.csv`;
    const graph = await publishGraph(
      emulator,
      graphProperties(
        {
          blob: {
            module: "Import Data",
            params: {
              "Please Specify Data Source": "AzureBlobStorage",
              "Please Specify Authentication Type": "Account",
              "Account Name": TEST_STORAGE_ACCOUNT,
              "Path to container, directory, or blob": source,
              "Blob file format": "CSV",
              "File has header row": "True",
            },
          },
          web: {
            module: "Import Data",
            params: {
              "Data source": "Web URL via HTTP",
              URL: `${webUrl}/rows.tsv`,
              "Data format": "TSV",
              "CSV or TSV has header row": "True",
            },
          },
          rows: { module: "Add Rows" },
          export: {
            module: "Export Data",
            params: {
              "Azure account name": TEST_STORAGE_ACCOUNT,
              "Azure account key": testStorageKey(),
              "Path to blob beginning with container": exported,
              "Azure Blob Storage write mode": "Error",
              "Write blob header row": "True",
            },
          },
          out: { output: "output1" },
        },
        [
          "blob:Results dataset -> rows:Dataset1",
          "web:Results dataset -> rows:Dataset2",
          "rows:Results dataset -> export:Dataset",
          "rows:Results dataset -> out:",
        ],
      ),
    );
    const first = await runJob(graph, container, {}, ["output1"]);
    expect(first.status.StatusCode, first.status.Details ?? "").to.equal("Finished");
    expect(first.outputs.output1).to.equal("name,a\nx,1\ny,2\nw,7\n");
    expect(
      (await container.download(exported.slice(container.name.length + 1))).toString("utf8"),
    ).to.equal("name,a\nx,1\ny,2\nw,7\n");
    // "Error" write mode: the second run finds the blob and fails naming it (Studio's 0057).
    const second = await runJob(graph, container, {}, ["output1"]);
    expect(second.status.StatusCode).to.equal("Failed");
    expect(second.status.Details).to.equal(
      `ModuleExecutionError/ModuleExecutionFailed (Export Data): Error 0057: File or Blob "${exported}" already exists.`,
    );
  });

  it("Import Data without a key for another account fails saying what to give", async function () {
    const graph = await publishGraph(
      emulator,
      graphProperties(
        {
          blob: {
            module: "Import Data",
            params: {
              "Account name": "otheraccount",
              "Path to container, directory, or blob": "data/rows.csv",
            },
          },
          out: { output: "output1" },
        },
        ["blob:Results dataset -> out:"],
      ),
    );
    const { status } = await runJob(graph, container, {}, ["output1"]);
    expect(status.Details).to.equal(
      `ModuleExecutionError/ModuleExecutionFailed (Import Data): Error 0030: Error while downloading the file: no key for storage account "otheraccount": give the account key, or use the service's own storage account ("${TEST_STORAGE_ACCOUNT}").`,
    );
  });

  it("a dataset asset (type Dataset) is read from its blob", async function () {
    const blob = await container.upload(
      `${uniqueName("asset")}/lookup.csv`,
      "name,weight\nx,0.5\n",
    );
    const graph = await publishGraph(
      emulator,
      graphProperties(
        {
          in: { input: "input1" },
          lookup: {
            asset: {
              name: "Lookup table",
              type: "Dataset",
              locationInfo: { uri: `${azuriteBlobEndpoint().replace(/\/$/, "")}/${blob}` },
            },
          },
          join: {
            module: "Join Data",
            params: {
              "Join key columns for L":
                '{"isFilter":true,"rules":[{"ruleType":"ColumnNames","exclude":false,"columns":["name"]}]}',
              "Join key columns for R":
                '{"isFilter":true,"rules":[{"ruleType":"ColumnNames","exclude":false,"columns":["name"]}]}',
              "Join type": "Left Outer Join",
              "Keep right key columns in joined table": "False",
            },
          },
          out: { output: "output1" },
        },
        ["in: -> join:Dataset1", "lookup: -> join:Dataset2", "join:Results dataset -> out:"],
      ),
    );
    const { status, outputs } = await runJob(graph, container, { input1: ROWS }, ["output1"]);
    expect(status.StatusCode, status.Details ?? "").to.equal("Finished");
    expect(outputs.output1).to.equal("name,a,weight\nx,1,0.5\ny,2,\n");
  });
});

describe("bike-sql over HTTP: BES writes the model and the saved normalization, the predictive service serves both", function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let container: TestContainer;
  before(async function () {
    emulator = await startTestEmulator();
    container = await createTestContainer("bikesql");
  });
  after(async function () {
    await emulator?.close();
  });

  const storage = () => ({ name: TEST_STORAGE_ACCOUNT, key: testStorageKey() });
  const url = (ref: AzureBlobDataReference) =>
    `${ref.BaseLocation}${ref.RelativeLocation}${ref.SasBlobToken}`;

  it("trains (.ilearner + .itransform), then scores through both assets; an .itransform where a model belongs is refused", async function () {
    const trainingPath = armServicePath(
      "00000000-0000-0000-0000-0000000000d7",
      "rg",
      uniqueName("train"),
    );
    const trainingDefinition = { ...loadServiceDefinition("bike-sql-training") };
    trainingDefinition.properties = { ...trainingDefinition.properties, storageAccount: storage() };
    const training = await putArmService(emulator, trainingPath, trainingDefinition);
    const keys = (await emulator.arm<WebServiceKeys>("GET", `${trainingPath}/listKeys`)).body;
    const bes = new Bes(executionBase(training), keys.primary);
    const csv = readFileSync(
      join(__dirname, "..", "..", "..", "data", "bike-demand-sample.csv"),
      "utf8",
    );
    const input = await container.upload("bike/train.csv", csv);
    const bad = await bes.submit({
      Inputs: { input1: blobRef(input) },
      Outputs: { output3: blobRef(`${container.name}/bike/normalization.csv`) },
    });
    expect(bad.status).to.equal(400);
    expect((bad.body as { error: { details: { code: string }[] } }).error.details[0].code).to.equal(
      "InvalidBlobExtension",
    );
    const done = await bes.run({
      Inputs: { input1: blobRef(input) },
      Outputs: {
        output1: blobRef(`${container.name}/bike/model.ilearner`),
        output2: blobRef(`${container.name}/bike/evaluation.csv`),
        output3: blobRef(`${container.name}/bike/normalization.itransform`),
      },
    });
    expect(done.StatusCode, done.Details ?? "").to.equal("Finished");
    const transformBytes = await container.download("bike/normalization.itransform");
    expect(transformBytes.subarray(0, 8).toString("ascii")).to.equal("AMLEMUIT");

    const predictivePath = armServicePath(
      "00000000-0000-0000-0000-0000000000d7",
      "rg",
      uniqueName("score"),
    );
    const predictive = loadServiceDefinition("bike-sql-predictive");
    predictive.properties.storageAccount = storage();
    predictive.properties.assets!.asset3.locationInfo.uri = url(done.Results!.output3);
    predictive.properties.assets!.asset5.locationInfo.uri = url(done.Results!.output1);
    const served: ArmWebService = await putArmService(emulator, predictivePath, predictive);
    expect(served.properties.provisioningState).to.equal("Succeeded");
    const scoreKeys = (await emulator.arm<WebServiceKeys>("GET", `${predictivePath}/listKeys`))
      .body;
    const res = await httpRequest(
      "POST",
      `${executionBase(served)}/execute?api-version=2.0&details=true`,
      {
        token: scoreKeys.primary,
        body: {
          Inputs: {
            input1: {
              ColumnNames: ["hour", "temperature", "humidity", "windspeed", "workingday", "season"],
              Values: [
                ["8", "20.5", "60", "10", "1", "summer"],
                ["3", "5", "80", "20", "0", "winter"],
              ],
            },
          },
        },
      },
    );
    expect(res.status, res.text).to.equal(200);
    const scores = (
      res.body as { Results: { output1: { value: { Values: string[][] } } } }
    ).Results.output1.value.Values.map((r) => Number(r[0]));
    expect(scores).to.have.length(2);
    expect(
      scores[0],
      "a working-day rush hour in summer rents more than a winter night",
    ).to.be.greaterThan(scores[1]);

    // Swapping the two assets is a provisioning failure naming the asset, not a silent mix-up.
    const swapped = loadServiceDefinition("bike-sql-predictive");
    swapped.properties.storageAccount = storage();
    swapped.properties.assets!.asset3.locationInfo.uri = url(done.Results!.output1);
    swapped.properties.assets!.asset5.locationInfo.uri = url(done.Results!.output3);
    const swappedService = await putArmService(
      emulator,
      armServicePath("00000000-0000-0000-0000-0000000000d7", "rg", uniqueName("swap")),
      swapped,
    );
    expect(swappedService.properties.provisioningState).to.equal("Failed");
  });
});
