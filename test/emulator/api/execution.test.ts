/**
 * The execution API over HTTP, end to end with the real engine and the run's Azurite: BES trains
 * the census model from a CSV blob into a real `.ilearner` + evaluation CSV, then RRS scores with
 * that model through a predictive ARM service and through a classic endpoint.
 */
import { expect } from "chai";
import { expectPresent } from "../../helpers/expect";
import type {
  AsyncOperationStatus,
  AzureBlobDataReference,
  BatchExecutionStatus,
  ClassicEndpoint,
  ClassicErrorBody,
  RrsSwaggerResponse,
  RrsTableResponse,
  WebServiceKeys,
} from "../../../contract";
import { azuriteBlobEndpoint, azuriteConnectionString, uniqueName } from "../../helpers/env";
import {
  Bes,
  TEST_STORAGE_ACCOUNT,
  armServicePath,
  createTestContainer,
  executionBase,
  httpRequest,
  loadServiceDefinition,
  predictiveDefinition,
  publishClassic,
  putArmService,
  startTestEmulator,
  testStorageKey,
  trainingDefinition,
  waitForProvisioning,
  type TestContainer,
  type TestEmulator,
} from "../../helpers/emulator";
import { CENSUS_COLUMNS, censusCsv, censusRows } from "./censusData";

const SUB = "00000000-0000-0000-0000-0000000000e1";
const PREDICTIVE_COLUMNS = CENSUS_COLUMNS.filter((c) => c !== "income");
/**
 * `--swap-delay-ms` of the swap test: long enough that a scoring request sent right after the
 * PATCH is answered always lands before the swap, even on a slow machine.
 */
const SWAP_DELAY_MS = 4000;

function blobUrl(ref: AzureBlobDataReference): string {
  return `${ref.BaseLocation}${ref.RelativeLocation}${ref.SasBlobToken}`;
}

function connectionRef(relativeLocation: string): AzureBlobDataReference {
  return { ConnectionString: azuriteConnectionString(), RelativeLocation: relativeLocation };
}

/**
 * The `Resources` of a classic publish or PATCH that give the census predictive service a model.
 * @param model - where the model is (a BES output)
 */
function resourcesFrom(model: AzureBlobDataReference) {
  return [
    {
      Name: "Census Model [trained model]",
      Location: {
        BaseLocation: model.BaseLocation,
        RelativeLocation: model.RelativeLocation,
        SasBlobToken: model.SasBlobToken,
      },
    },
  ];
}

function scoringRequest(rows: string[][]): unknown {
  return {
    Inputs: {
      input1: {
        ColumnNames: PREDICTIVE_COLUMNS,
        Values: rows.map((r) => r.slice(0, PREDICTIVE_COLUMNS.length)),
      },
    },
    GlobalParameters: {},
  };
}

function parseCsvText(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const names = header.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [names[i], v])));
}

describe("emulator execution API (BES + RRS) with the real engine", function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let container: TestContainer;
  let trainingCsv: string;
  let training: Bes;
  let trainingPath: string;
  /** The Results of a finished training job (used by the RRS tests). */
  let trained: BatchExecutionStatus;

  before(async function () {
    emulator = await startTestEmulator();
    container = await createTestContainer("exec");
    trainingCsv = await container.upload("census/train.csv", censusCsv(1500, 7));
    trainingPath = armServicePath(SUB, uniqueName("rg"), "census-training");
    const service = await putArmService(emulator, trainingPath, trainingDefinition());
    expect(service.properties.provisioningState).to.equal("Succeeded");
    const keys = (await emulator.arm<WebServiceKeys>("GET", `${trainingPath}/listKeys`)).body;
    training = new Bes(executionBase(service), keys.primary);
    // The model the RRS suites score with (the first BES test checks a run of its own in detail).
    trained = await training.run({
      Inputs: { input1: connectionRef(trainingCsv) },
      Outputs: {
        output1: connectionRef(`${container.name}/models/shared.ilearner`),
        output2: connectionRef(`${container.name}/models/shared-eval.csv`),
      },
    });
    expect(trained.StatusCode, trained.Details ?? "").to.equal("Finished");
  });
  after(async function () {
    await emulator?.close();
  });

  describe("BES", function () {
    it("trains the census model: a real .ilearner and an evaluation CSV in Azurite, read through read-only SAS", async function () {
      const id = await training.submitOk({
        Inputs: { input1: connectionRef(trainingCsv) },
        Outputs: {
          output1: connectionRef(`${container.name}/models/census.ilearner`),
          output2: connectionRef(`${container.name}/models/census-eval.csv`),
        },
        GlobalParameters: {},
      });
      expect(id).to.match(/^[0-9a-f]{32}$/);
      const before = (await training.status(id)).body;
      expect(before.StatusCode).to.equal("NotStarted");
      expect(before.Results).to.equal(null);
      expect((await training.start(id)).status).to.equal(204);
      const done = await training.waitDone(id);
      expect(done.StatusCode, done.Details ?? "").to.equal("Finished");
      expect(done.Details).to.equal(null);
      expect(done.StartTime && done.EndTime && done.CreatedAt).to.be.ok;
      const model = done.Results?.output1;
      const evaluation = done.Results?.output2;
      expectPresent(model);
      expectPresent(evaluation);
      expect(model.ConnectionString).to.equal(null);
      expect(model.BaseLocation).to.equal(`${azuriteBlobEndpoint()}/`);
      expect(model.RelativeLocation).to.equal(`${container.name}/models/census.ilearner`);
      const sas = new URLSearchParams(model.SasBlobToken?.slice(1));
      expect(sas.get("sp")).to.equal("r");
      expect(sas.get("sr")).to.equal("b");
      const validity = Date.parse(sas.get("se") ?? "") - Date.parse(sas.get("st") ?? "");
      expect(
        Math.abs(validity - (24 * 60 + 5) * 60_000),
        `st..se spans 24 h 5 min, got ${validity} ms`,
      ).to.be.below(2000);

      const ilearner = await fetch(blobUrl(model));
      expect(ilearner.status).to.equal(200);
      expect((await ilearner.arrayBuffer()).byteLength, "a real model").to.be.above(100);
      const csv = await fetch(blobUrl(evaluation));
      expect(csv.status).to.equal(200);
      const metrics = parseCsvText(await csv.text())[0];
      expect(Number(metrics.AUC), `AUC ${metrics.AUC}`).to.be.above(0.7);
      expect(Number(metrics.Accuracy), `Accuracy ${metrics.Accuracy}`).to.be.above(0.6);

      const write = await fetch(blobUrl(model), {
        method: "PUT",
        headers: { "x-ms-blob-type": "BlockBlob" },
        body: "overwrite",
      });
      expect(write.status, "the SAS is read-only").to.equal(403);
    });

    it("mints a fresh SAS on every GET", async function () {
      const id = await training.submitOk({
        Inputs: { input1: connectionRef(trainingCsv) },
        Outputs: {
          output1: connectionRef(`${container.name}/fresh.ilearner`),
          output2: connectionRef(`${container.name}/fresh.csv`),
        },
      });
      await training.start(id);
      const first = await training.waitDone(id);
      await new Promise((r) => setTimeout(r, 1100));
      const second = (await training.status(id)).body;
      expect(first.Results?.output1.SasBlobToken).to.not.equal(
        second.Results?.output1.SasBlobToken,
      );
      expect((await fetch(blobUrl(second.Results!.output1))).status).to.equal(200);
    });

    it("writes outputs without an override to experimentoutput/{guid}/{guid} in the service's account", async function () {
      const status = await training.run({ Inputs: { input1: connectionRef(trainingCsv) } });
      expect(status.StatusCode, status.Details ?? "").to.equal("Finished");
      const model = status.Results!.output1;
      expect(model.RelativeLocation ?? "").to.match(
        /^experimentoutput\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.ilearner$/,
      );
      expect(status.Results!.output2.RelativeLocation ?? "").to.match(/\.csv$/);
      expect((await fetch(blobUrl(model))).status).to.equal(200);
    });

    it("accepts SAS-addressed inputs and outputs and the legacy single Input", async function () {
      const inputSas = await container.client
        .getBlockBlobClient("census/train.csv")
        .generateSasUrl({
          permissions: (await import("@azure/storage-blob")).BlobSASPermissions.parse("r"),
          expiresOn: new Date(Date.now() + 3600_000),
        });
      const outputSas = await container.client.generateSasUrl({
        permissions: (await import("@azure/storage-blob")).ContainerSASPermissions.parse("rcw"),
        expiresOn: new Date(Date.now() + 3600_000),
      });
      const base = `${azuriteBlobEndpoint()}/`;
      const status = await training.run({
        Input: {
          BaseLocation: base,
          RelativeLocation: trainingCsv,
          SasBlobToken: `?${inputSas.split("?")[1]}`,
        },
        Outputs: {
          output1: {
            BaseLocation: base,
            RelativeLocation: `/${container.name}/sas/model.ilearner`,
            SasBlobToken: `?${outputSas.split("?")[1]}`,
          },
          output2: {
            BaseLocation: base,
            RelativeLocation: `${container.name}/sas/eval.tsv`,
            SasBlobToken: `?${outputSas.split("?")[1]}`,
          },
        },
      });
      expect(status.StatusCode, status.Details ?? "").to.equal("Finished");
      const tsv = (await container.download("sas/eval.tsv")).toString("utf8");
      expect(tsv.split("\n")[0]).to.match(/^AUC\tAccuracy/);
      expect((await container.download("sas/model.ilearner")).length).to.be.above(100);
    });

    it("starts a job only once (CannotStartJob)", async function () {
      const id = await training.submitOk({ Inputs: { input1: connectionRef(trainingCsv) } });
      await training.start(id);
      const again = await training.start(id);
      expect(again.status).to.equal(400);
      expect((again.body as ClassicErrorBody).error.code).to.equal("InvalidOperation");
      expect((again.body as ClassicErrorBody).error.details?.[0].code).to.equal("CannotStartJob");
      await training.waitDone(id);
    });

    it("cancels NotStarted and Running jobs; DELETE of a finished job removes it", async function () {
      const notStarted = await training.submitOk({
        Inputs: { input1: connectionRef(trainingCsv) },
      });
      expect((await training.cancel(notStarted)).status).to.equal(204);
      expect((await training.status(notStarted)).body.StatusCode).to.equal("Cancelled");
      expect((await training.start(notStarted)).status, "a cancelled job cannot start").to.equal(
        400,
      );

      const big = await container.upload("census/big.csv", censusCsv(60_000, 3));
      const running = await training.submitOk({ Inputs: { input1: connectionRef(big) } });
      await training.start(running);
      expect((await training.status(running)).body.StatusCode).to.equal("Running");
      expect((await training.cancel(running)).status).to.equal(204);
      const cancelled = (await training.status(running)).body;
      expect(cancelled.StatusCode).to.equal("Cancelled");
      await new Promise((r) => setTimeout(r, 300));
      expect(
        (await training.status(running)).body.StatusCode,
        "a terminated worker does not overwrite Cancelled",
      ).to.equal("Cancelled");

      expect(
        (await training.cancel(running)).status,
        "DELETE of a terminal job removes it",
      ).to.equal(204);
      const gone = await training.status(running);
      expect(gone.status).to.equal(404);
      expect((gone.body as unknown as ClassicErrorBody).error.details?.[0].code).to.equal(
        "JobNotFound",
      );
    });

    it("validates the request with the BES error codes of the spec", async function () {
      const input = { input1: connectionRef(trainingCsv) };
      const cases: [string, unknown, string][] = [
        [
          "model output not .ilearner",
          { Inputs: input, Outputs: { output1: connectionRef(`${container.name}/m.csv`) } },
          "InvalidBlobExtension",
        ],
        [
          "dataset output not .csv/.tsv/.arff",
          { Inputs: input, Outputs: { output2: connectionRef(`${container.name}/e.txt`) } },
          "InvalidBlobExtension",
        ],
        [
          "unknown output",
          { Inputs: input, Outputs: { output9: connectionRef(`${container.name}/x.csv`) } },
          "InvalidOutputOverrideName",
        ],
        [
          "unknown input",
          { Inputs: { ...input, input7: connectionRef(trainingCsv) } },
          "InvalidInputNames",
        ],
        ["no inputs", { Inputs: {} }, "BatchJobInputsNotSpecified"],
        [
          "Input and Inputs",
          { Inputs: input, Input: connectionRef(trainingCsv) },
          "DuplicateInputInBatchCall",
        ],
        [
          "unknown parameter",
          { Inputs: input, GlobalParameters: { Nope: "1" } },
          "UnexpectedParameter",
        ],
        [
          "missing blob",
          { Inputs: { input1: connectionRef(`${container.name}/none.csv`) } },
          "BlobNotFound",
        ],
        [
          "no addressing",
          { Inputs: { input1: { RelativeLocation: trainingCsv } } },
          "MissingInputBlobInformation",
        ],
        [
          "bad connection string",
          {
            Inputs: {
              input1: { ConnectionString: "AccountName=x", RelativeLocation: trainingCsv },
            },
          },
          "InvalidBlobConnectionString",
        ],
        [
          "traversal",
          { Inputs: { input1: connectionRef(`${container.name}/../other/x.csv`) } },
          "InvalidBlob",
        ],
        [
          "encoded traversal",
          { Inputs: { input1: connectionRef(`${container.name}/%2e%2e/x.csv`) } },
          "InvalidBlob",
        ],
        [
          "double-encoded traversal",
          { Inputs: { input1: connectionRef(`${container.name}/%252e%252e%252fx.csv`) } },
          "InvalidBlob",
        ],
        ["absolute path", { Inputs: { input1: connectionRef("//etc/passwd") } }, "InvalidBlob"],
        ["absolute URL", { Inputs: { input1: connectionRef("http://evil/x.csv") } }, "InvalidBlob"],
        [
          "output traversal",
          { Inputs: input, Outputs: { output1: connectionRef(`${container.name}/../x.ilearner`) } },
          "InvalidBlob",
        ],
        ["not an object", "[1,2]", "RequestBodyInvalid"],
      ];
      for (const [name, body, code] of cases) {
        const res = await training.submit(body);
        expect(res.status, `${name}: ${res.text}`).to.equal(400);
        const error = (res.body as ClassicErrorBody).error;
        expect(error.details?.[0].code, `${name}: ${res.text}`).to.equal(code);
        expect(["BadArgument", "BadUserArgument"], name).to.include(error.code);
      }
    });

    it("requires web service parameters that have no default (MissingRequiredGlobalParameters)", async function () {
      const path = armServicePath(SUB, uniqueName("rg"), "required-param");
      const service = await putArmService(
        emulator,
        path,
        trainingDefinition((d) => {
          d.properties.parameters = { ...d.properties.parameters, "Random seed": {} };
        }),
      );
      const keys = (await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`)).body;
      const bes = new Bes(executionBase(service), keys.primary);
      const res = await bes.submit({ Inputs: { input1: connectionRef(trainingCsv) } });
      expect(res.status).to.equal(400);
      expect((res.body as ClassicErrorBody).error.details?.[0].code).to.equal(
        "MissingRequiredGlobalParameters",
      );
      expect((res.body as ClassicErrorBody).error.message).to.match(/Random seed/);
      const ok = await bes.run({
        Inputs: { input1: connectionRef(trainingCsv) },
        GlobalParameters: { "Random seed": 5 },
      });
      expect(ok.StatusCode, ok.Details ?? "").to.equal("Finished");
    });

    it("fails jobs on bad data with Details naming the column or row", async function () {
      const rows = censusRows(50, 2);
      rows[17][0] = "forty";
      const badValue = await container.upload(
        "bad/value.csv",
        [CENSUS_COLUMNS.join(","), ...rows.map((r) => r.join(","))].join("\n"),
      );
      const missingColumn = await container.upload(
        "bad/column.csv",
        [
          CENSUS_COLUMNS.filter((c) => c !== "age").join(","),
          ...censusRows(20, 3).map((r) => r.slice(1).join(",")),
        ].join("\n"),
      );
      const unreadable = await container.upload(
        "bad/unreadable.csv",
        'age,workclass\n"39,unterminated\n',
      );
      const value = await training.run({ Inputs: { input1: connectionRef(badValue) } });
      expect(value.StatusCode).to.equal("Failed");
      expect(value.Details ?? "").to.match(/InputMismatchError/);
      expect(value.Details ?? "").to.match(/age/);
      expect(value.Details ?? "", `names the row: ${value.Details}`).to.match(/19|18/);
      expect(value.Results).to.equal(null);
      const column = await training.run({ Inputs: { input1: connectionRef(missingColumn) } });
      expect(column.StatusCode).to.equal("Failed");
      expect(column.Details ?? "").to.match(/InputMismatchError.*age|age.*InputMismatchError/s);
      const parse = await training.run({ Inputs: { input1: connectionRef(unreadable) } });
      expect(parse.StatusCode).to.equal("Failed");
      expect(parse.Details ?? "").to.match(/InputParseError/);
    });

    it("fails a job whose input vanished after submit, with Details in the catalogue's form", async function () {
      const input = await container.upload("vanish/input.csv", censusCsv(50, 4));
      const id = await training.submitOk({ Inputs: { input1: connectionRef(input) } });
      await container.client.deleteBlob("vanish/input.csv");
      expect((await training.start(id)).status).to.equal(204);
      const done = await training.waitDone(id);
      expect(done.StatusCode).to.equal("Failed");
      expect(
        done.Details,
        "{code}/{detail code} ({target}): {message}, as ErrorFactory.blobNotFound",
      ).to.equal(
        `BadArgument/BlobNotFound (input1): The blob '${input}' of 'input1' was not found.`,
      );
      expect(done.Results).to.equal(null);
    });

    it("runs the next job on the worker of a finished one; a failed job's worker is not reused", async function () {
      const jobs = emulator.server.jobs;
      const finished = async (): Promise<void> => {
        const done = await training.run({ Inputs: { input1: connectionRef(trainingCsv) } });
        expect(done.StatusCode, done.Details ?? "").to.equal("Finished");
      };
      await finished();
      const before = jobs.workerStats();
      expect(before.idle, "the finished job's worker waits for the next").to.be.at.least(1);
      await finished();
      expect(jobs.workerStats(), "no worker started for the second job").to.deep.equal({
        started: before.started,
        reused: before.reused + 1,
        idle: before.idle,
      });
      const unreadable = await container.upload("pool/unreadable.csv", 'age\n"39\n');
      const failed = await training.run({ Inputs: { input1: connectionRef(unreadable) } });
      expect(failed.StatusCode).to.equal("Failed");
      expect(jobs.workerStats(), "the failed job's (warm) worker was terminated").to.deep.equal({
        started: before.started,
        reused: before.reused + 2,
        idle: before.idle - 1,
      });
      await finished();
      expect(jobs.workerStats().reused, "the next job still gets a worker").to.be.at.least(
        before.reused + 2,
      );
    });

    it("does not list jobs (501, not in the published swagger)", async function () {
      const res = await httpRequest<ClassicErrorBody>(
        "GET",
        `${training.base}/jobs?api-version=2.0`,
        { token: training.key },
      );
      expect(res.status).to.equal(501);
      expect(res.body.error.details?.[0].code).to.equal("APINotImplemented");
    });
  });

  describe("RRS through a predictive ARM service", function () {
    let predictivePath: string;
    let scoring: Bes;

    before(async function () {
      const model = trained.Results!.output1;
      // As the retraining docs do: BaseLocation + RelativeLocation, no SAS (read with the account key).
      predictivePath = armServicePath(SUB, uniqueName("rg"), "census-predictive");
      const service = await putArmService(
        emulator,
        predictivePath,
        predictiveDefinition(`${model.BaseLocation}${model.RelativeLocation}`),
      );
      expect(service.properties.provisioningState).to.equal("Succeeded");
      const keys = (await emulator.arm<WebServiceKeys>("GET", `${predictivePath}/listKeys`)).body;
      scoring = new Bes(executionBase(service), keys.secondary);
    });

    const execute = (query: string, body: unknown, key = scoring.key) =>
      httpRequest("POST", `${scoring.base}/execute?api-version=2.0${query}`, { token: key, body });

    it("scores in the table format with details=true", async function () {
      const rows = censusRows(4, 11);
      const res = await execute("&details=true", scoringRequest(rows));
      expect(res.status, res.text).to.equal(200);
      const output = (res.body as RrsTableResponse).Results.output1;
      expect(output.type).to.equal("table");
      expect(output.value.ColumnNames).to.deep.equal(["Scored Labels", "Scored Probabilities"]);
      expect(output.value.ColumnTypes).to.deep.equal(["String", "Double"]);
      expect(output.value.Values.length).to.equal(4);
      for (const [label, probability] of output.value.Values) {
        expect(label === ">50K" || label === "<=50K").to.equal(true);
        expect(label === ">50K").to.equal(Number(probability) >= 0.5);
      }
    });

    it("scores in the swagger format, and omits ColumnTypes without details", async function () {
      const rows = censusRows(2, 12).map((r) =>
        Object.fromEntries(PREDICTIVE_COLUMNS.map((c, i) => [c, r[i]])),
      );
      const swagger = await execute("&format=swagger", {
        Inputs: { input1: rows },
        GlobalParameters: {},
      });
      expect(swagger.status, swagger.text).to.equal(200);
      const scored = (swagger.body as RrsSwaggerResponse).Results.output1;
      expect(scored.length).to.equal(2);
      expect(Object.keys(scored[0])).to.deep.equal(["Scored Labels", "Scored Probabilities"]);
      const plain = await execute("", scoringRequest(censusRows(1, 13)));
      expect((plain.body as RrsTableResponse).Results.output1.value.ColumnTypes).to.equal(
        undefined,
      );
    });

    it("answers request errors with named codes", async function () {
      const rows = censusRows(3, 14);
      const cases: [string, unknown, number, string][] = [
        ["no Inputs", { GlobalParameters: {} }, 400, "MissingRequestInput"],
        [
          "unknown input",
          { Inputs: { ...(scoringRequest(rows) as { Inputs: object }).Inputs, inputX: {} } },
          400,
          "InvalidInputNames",
        ],
        [
          "row length",
          { Inputs: { input1: { ColumnNames: PREDICTIVE_COLUMNS, Values: [["39"]] } } },
          400,
          "InputParseError",
        ],
        [
          "bad value",
          {
            Inputs: {
              input1: {
                ColumnNames: PREDICTIVE_COLUMNS,
                Values: [["old", ...rows[0].slice(1, PREDICTIVE_COLUMNS.length)]],
              },
            },
          },
          400,
          "InputParseError",
        ],
        [
          "missing column",
          {
            Inputs: {
              input1: {
                ColumnNames: PREDICTIVE_COLUMNS.slice(1),
                Values: [rows[0].slice(1, PREDICTIVE_COLUMNS.length)],
              },
            },
          },
          400,
          "InputMismatchError",
        ],
        [
          "unknown parameter",
          { ...(scoringRequest(rows) as object), GlobalParameters: { x: "1" } },
          400,
          "UnexpectedParameter",
        ],
      ];
      for (const [name, body, status, code] of cases) {
        const res = await execute("&details=true", body);
        expect(res.status, `${name}: ${res.text}`).to.equal(status);
        expect(
          (res.body as ClassicErrorBody).error.details?.[0].code,
          `${name}: ${res.text}`,
        ).to.equal(code);
      }
      const badValue = await execute("", {
        Inputs: {
          input1: {
            ColumnNames: PREDICTIVE_COLUMNS,
            Values: [["old", ...rows[0].slice(1, PREDICTIVE_COLUMNS.length)]],
          },
        },
      });
      expect((badValue.body as ClassicErrorBody).error.message, "names the column").to.match(/age/);
      const missing = await execute("", {
        Inputs: {
          input1: {
            ColumnNames: PREDICTIVE_COLUMNS.slice(1),
            Values: [rows[0].slice(1, PREDICTIVE_COLUMNS.length)],
          },
        },
      });
      expect((missing.body as ClassicErrorBody).error.message, "names the missing column").to.match(
        /age/,
      );
      const huge = await execute("", {
        Inputs: {
          input1: {
            ColumnNames: PREDICTIVE_COLUMNS,
            Values: Array.from({ length: 20_000 }, () => rows[0].slice(0, 13)),
          },
        },
      });
      expect(huge.status).to.equal(413);
      expect((huge.body as ClassicErrorBody).error.details?.[0].code).to.equal(
        "RequestBodyTooLarge",
      );
    });

    it("serves its swagger document", async function () {
      const res = await httpRequest<Record<string, unknown>>(
        "GET",
        `${scoring.base}/swagger.json?api-version=2.0`,
        { token: scoring.key },
      );
      expect(res.status).to.equal(200);
      expect(res.body.swagger).to.equal("2.0");
      expect(Object.keys(res.body.paths as object)).to.include("/jobs/{jobId}/start");
    });

    it("keeps serving the cached model after the blob is deleted, and after a failed provisioning", async function () {
      const copy = `${container.name}/models/copy.ilearner`;
      const source = await fetch(blobUrl(trained.Results!.output1));
      await container.upload("models/copy.ilearner", new Uint8Array(await source.arrayBuffer()));
      const path = armServicePath(SUB, uniqueName("rg"), "cached");
      const service = await putArmService(
        emulator,
        path,
        predictiveDefinition(`${azuriteBlobEndpoint()}/${copy}`),
      );
      const keys = (await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`)).body;
      const base = executionBase(service);
      const score = () =>
        httpRequest("POST", `${base}/execute?api-version=2.0&details=true`, {
          token: keys.primary,
          body: scoringRequest(censusRows(2, 15)),
        });
      const beforeDelete = await score();
      expect(beforeDelete.status).to.equal(200);
      await container.client.deleteBlob("models/copy.ilearner");
      const afterDelete = await score();
      expect(afterDelete.status, "the model is cached").to.equal(200);
      expect(afterDelete.body).to.deep.equal(beforeDelete.body);

      const patch = await emulator.arm("PATCH", path, {
        properties: {
          packageType: "Graph",
          assets: {
            ...service.properties.assets,
            asset2: {
              ...service.properties.assets!.asset2,
              locationInfo: {
                uri: `${azuriteBlobEndpoint()}/${container.name}/models/none.ilearner`,
              },
            },
          },
        },
      });
      expect(patch.status).to.equal(200);
      const failed = await waitForProvisioning(emulator, path);
      expect(failed.properties.provisioningState).to.equal("Failed");
      const op = await emulator.arm<AsyncOperationStatus>(
        "GET",
        patch.headers.get("azure-asyncoperation") ?? "",
      );
      expect(op.body.errorInfo?.code).to.equal("TrainedModelUnavailable");
      const afterFailure = await score();
      expect(afterFailure.status, "the previously served model stays active").to.equal(200);
      expect(afterFailure.body).to.deep.equal(beforeDelete.body);
    });

    it("cannot score without a model (MissingTrainedModel) nor on a training service (ModelOutputNotSupported)", async function () {
      const path = armServicePath(SUB, uniqueName("rg"), "nomodel");
      const service = await putArmService(emulator, path, predictiveDefinition(""));
      expect(service.properties.provisioningState, "an empty uri publishes").to.equal("Succeeded");
      const keys = (await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`)).body;
      const res = await httpRequest<ClassicErrorBody>(
        "POST",
        `${executionBase(service)}/execute?api-version=2.0`,
        { token: keys.primary, body: scoringRequest(censusRows(1, 1)) },
      );
      expect(res.status).to.equal(400);
      expect(res.body.error.details?.[0].code).to.equal("MissingTrainedModel");
      expect(res.body.error.message).to.match(/Census Model \[trained model\]/);
      const onTraining = await httpRequest<ClassicErrorBody>(
        "POST",
        `${training.base}/execute?api-version=2.0`,
        { token: training.key, body: scoringRequest(censusRows(1, 1)) },
      );
      expect(onTraining.body.error.details?.[0].code).to.equal("ModelOutputNotSupported");
    });
  });

  describe("concurrency", function () {
    it("runs several jobs at once on worker threads while status and scoring stay responsive", async function () {
      const big = await container.upload("census/concurrent.csv", censusCsv(80_000, 8));
      const ids: string[] = [];
      for (let i = 0; i < 4; i++)
        ids.push(await training.submitOk({ Inputs: { input1: connectionRef(big) } }));
      for (const id of ids) expect((await training.start(id)).status).to.equal(204);
      const executionId = training.base.split("/").pop() ?? "";
      expect(
        emulator.server.jobs.runningCount(executionId),
        "four workers at once (limit 40)",
      ).to.equal(4);

      // While they train: status polls and RRS scoring on the main thread.
      const service = await waitForProvisioning(emulator, trainingPath);
      expect(service.properties.provisioningState).to.equal("Succeeded");
      const path = armServicePath(SUB, uniqueName("rg"), "responsive");
      const model = trained.Results!.output1;
      const predictive = await putArmService(
        emulator,
        path,
        predictiveDefinition(`${model.BaseLocation}${model.RelativeLocation}`),
      );
      const keys = (await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`)).body;
      const latencies: number[] = [];
      while (emulator.server.jobs.runningCount(executionId) > 0) {
        const started = performance.now();
        const status = await training.status(ids[0]);
        const scored = await httpRequest(
          "POST",
          `${executionBase(predictive)}/execute?api-version=2.0`,
          {
            token: keys.primary,
            body: scoringRequest(censusRows(5, 30)),
          },
        );
        latencies.push(performance.now() - started);
        expect(status.status).to.equal(200);
        expect(scored.status, scored.text).to.equal(200);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(latencies.length, `sampled ${latencies.length} times while jobs ran`).to.be.at.least(
        3,
      );
      const worst = Math.max(...latencies);
      expect(
        worst,
        `a status GET + a scoring call took ${worst.toFixed(0)} ms while 4 jobs trained`,
      ).to.be.below(1000);
      for (const id of ids) expect((await training.waitDone(id)).StatusCode).to.equal("Finished");
    });
  });

  describe("classic endpoints", function () {
    let ws: string;
    let wsId: string;

    before(async function () {
      ws = uniqueName("ws").replace(/-/g, "");
      wsId = uniqueName("svc").replace(/-/g, "");
      await publishClassic(emulator, ws, wsId, {
        Name: "Census predictive",
        Properties: loadServiceDefinition("census-predictive").properties,
      });
    });

    it("PATCH of Resources on a new endpoint serves the retrained model; GET shows the new Resources", async function () {
      const endpointPath = `/workspaces/${ws}/webservices/${wsId}/endpoints/contoso`;
      const created = await emulator.classic<ClassicEndpoint>("PUT", endpointPath, {
        Description: "Contoso",
        ThrottleLevel: "High",
        MaxConcurrentCalls: 20,
      });
      expect(created.status).to.equal(201);
      const score = (endpoint: ClassicEndpoint, key = endpoint.PrimaryKey) =>
        httpRequest<RrsTableResponse & ClassicErrorBody>(
          "POST",
          `${endpoint.ApiLocation}/execute?api-version=2.0&details=true`,
          {
            token: key,
            body: scoringRequest(censusRows(3, 21)),
          },
        );
      const beforePatch = await score(created.body);
      expect(beforePatch.body.error?.details?.[0].code).to.equal("MissingTrainedModel");

      const model = trained.Results!.output1;
      const patch = await emulator.classic<ClassicEndpoint>("PATCH", endpointPath, {
        Resources: resourcesFrom(model),
      });
      expect(patch.status, patch.text).to.equal(200);
      const got = (await emulator.classic<ClassicEndpoint>("GET", endpointPath)).body;
      expect(got.Resources[0].Location.RelativeLocation).to.equal(model.RelativeLocation);
      expect(got.Resources[0].Location.BaseLocation).to.equal(model.BaseLocation);
      expect(got.Version).to.not.equal(created.body.Version);
      const scored = await score(got);
      expect(scored.status, scored.text).to.equal(200);
      expect(scored.body.Results.output1.value.Values.length).to.equal(3);

      const defaultEndpoint = (
        await emulator.classic<ClassicEndpoint>(
          "GET",
          `/workspaces/${ws}/webservices/${wsId}/endpoints/default`,
        )
      ).body;
      expect(
        (await score(defaultEndpoint)).body.error?.details?.[0].code,
        "the default endpoint is untouched",
      ).to.equal("MissingTrainedModel");
      const cross = await score(defaultEndpoint, got.PrimaryKey);
      expect(cross.status, "contoso's key does not drive the default endpoint").to.equal(401);

      // Refresh with OverwriteResources takes the default endpoint's (empty) model back.
      const refreshed = await emulator.classic<ClassicEndpoint>("POST", `${endpointPath}/refresh`, {
        OverwriteResources: "True",
      });
      expect(refreshed.status).to.equal(200);
      expect(refreshed.body.Resources[0].Location.RelativeLocation).to.equal("");
    });

    it("publishes with an initial model (Resources) and runs BES through a classic endpoint", async function () {
      const model = trained.Results!.output1;
      const predictiveId = uniqueName("p").replace(/-/g, "");
      const endpoint = await publishClassic(emulator, ws, predictiveId, {
        Name: "with model",
        Properties: loadServiceDefinition("census-predictive").properties,
        Resources: resourcesFrom(model),
      });
      const scored = await httpRequest<RrsTableResponse>(
        "POST",
        `${endpoint.ApiLocation}/execute?api-version=2.0&details=true`,
        {
          token: endpoint.SecondaryKey,
          body: scoringRequest(censusRows(2, 22)),
        },
      );
      expect(scored.status, scored.text).to.equal(200);

      const trainingId = uniqueName("t").replace(/-/g, "");
      const trainingEndpoint = await publishClassic(emulator, ws, trainingId, {
        Name: "classic training",
        Properties: loadServiceDefinition("census-training").properties,
        StorageAccount: { name: TEST_STORAGE_ACCOUNT, key: testStorageKey() },
      });
      const bes = new Bes(trainingEndpoint.ApiLocation, trainingEndpoint.PrimaryKey);
      const status = await bes.run({ Inputs: { input1: connectionRef(trainingCsv) } });
      expect(status.StatusCode, status.Details ?? "").to.equal("Finished");
      expect(status.Results!.output1.RelativeLocation ?? "").to.match(/^experimentoutput\//);
      const foreign = await httpRequest(
        "GET",
        `${training.base}/jobs/${"0".repeat(32)}?api-version=2.0`,
        { token: trainingEndpoint.PrimaryKey },
      );
      expect(foreign.status, "a classic endpoint's key does not drive an ARM service").to.equal(
        401,
      );
    });
  });

  describe("authentication", function () {
    it("answers 401 ScoreRequestUnauthorized for a missing or wrong key, 404 for an unknown service", async function () {
      for (const token of [
        null,
        "wrong",
        emulator.credentials.armToken,
        emulator.credentials.workspaceToken,
      ]) {
        const res = await httpRequest<ClassicErrorBody>(
          "POST",
          `${training.base}/jobs?api-version=2.0`,
          { token, body: {} },
        );
        expect(res.status).to.equal(401);
        expect(res.body.error.details?.[0].code).to.equal("ScoreRequestUnauthorized");
      }
      const unknown = await httpRequest<ClassicErrorBody>(
        "GET",
        `${emulator.url}/subscriptions/${"a".repeat(32)}/services/${"b".repeat(32)}/swagger.json`,
        { token: training.key },
      );
      expect(unknown.status).to.equal(404);
    });

    it("one service's key cannot drive another service, nor see its jobs", async function () {
      const path = armServicePath(SUB, uniqueName("rg"), "other");
      const other = await putArmService(emulator, path, trainingDefinition());
      const keys = (await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`)).body;
      const otherBes = new Bes(executionBase(other), keys.primary);
      const id = await training.submitOk({ Inputs: { input1: connectionRef(trainingCsv) } });
      const withWrongKey = await httpRequest("GET", `${otherBes.base}/jobs/${id}?api-version=2.0`, {
        token: training.key,
      });
      expect(withWrongKey.status).to.equal(401);
      const throughOther = await otherBes.status(id);
      expect(throughOther.status, "a job is only visible through its own service").to.equal(404);
      await training.cancel(id);
    });
  });
});

describe("emulator BES queueing, integer status codes and the classic swap delay", function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let container: TestContainer;

  before(async function () {
    emulator = await startTestEmulator({
      maxRunningJobs: 1,
      statusCodeFormat: "int",
      swapDelayMs: SWAP_DELAY_MS,
    });
    container = await createTestContainer("queue");
  });
  after(async function () {
    await emulator?.close();
  });

  it("runs at most maxRunningJobs per service; the others wait (Running, StartTime null) in FIFO order", async function () {
    const path = armServicePath(SUB, uniqueName("rg"), "queue");
    const service = await putArmService(emulator, path, trainingDefinition());
    const keys = (await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`)).body;
    const bes = new Bes(executionBase(service), keys.primary);
    const big = await container.upload("big.csv", censusCsv(40_000, 5));
    const small = await container.upload("small.csv", censusCsv(500, 6));
    const first = await bes.submitOk({ Inputs: { input1: connectionRef(big) } });
    const second = await bes.submitOk({ Inputs: { input1: connectionRef(small) } });
    await bes.start(first);
    await bes.start(second);
    const queued = (await bes.status(second)).body;
    expect(queued.StatusCode, "Running, as an integer").to.equal(1);
    expect(queued.StartTime, "waiting for a slot").to.equal(null);
    const a = await bes.waitDone(first);
    const b = await bes.waitDone(second);
    expect(a.StatusCode, a.Details ?? "").to.equal(4);
    expect(b.StatusCode, b.Details ?? "").to.equal(4);
    expect(
      Date.parse(b.StartTime ?? ""),
      "the second job started after the first ended",
    ).to.be.at.least(Date.parse(a.EndTime ?? ""));
  });

  it("a PATCHed classic model serves only after the swap delay (old or new, never a mix)", async function () {
    // Train a model on this emulator.
    const path = armServicePath(SUB, uniqueName("rg"), "swap-train");
    const trainingService = await putArmService(emulator, path, trainingDefinition());
    const keys = (await emulator.arm<WebServiceKeys>("GET", `${path}/listKeys`)).body;
    const csv = await container.upload("swap.csv", censusCsv(800, 9));
    const status = await new Bes(executionBase(trainingService), keys.primary).run({
      Inputs: { input1: connectionRef(csv) },
    });
    expect(status.StatusCode, status.Details ?? "").to.equal(4);
    const model = status.Results!.output1;

    const ws = uniqueName("ws").replace(/-/g, "");
    const id = uniqueName("s").replace(/-/g, "");
    await publishClassic(emulator, ws, id, {
      Name: "swap",
      Properties: loadServiceDefinition("census-predictive").properties,
    });
    const endpointPath = `/workspaces/${ws}/webservices/${id}/endpoints/later`;
    const endpoint = (await emulator.classic<ClassicEndpoint>("PUT", endpointPath, {})).body;
    const score = () =>
      httpRequest<ClassicErrorBody>("POST", `${endpoint.ApiLocation}/execute?api-version=2.0`, {
        token: endpoint.PrimaryKey,
        body: scoringRequest(censusRows(1, 3)),
      });
    const patch = await emulator.classic("PATCH", endpointPath, {
      Resources: resourcesFrom(model),
    });
    // The swap time is fixed while the PATCH is answered: at most SWAP_DELAY_MS from now.
    const answeredAt = Date.now();
    expect(patch.status, patch.text).to.equal(200);
    // One scoring round trip right after the answer, seconds before the swap time.
    const early = await score();
    expect(early.body.error?.details?.[0].code, "still the old (no) model").to.equal(
      "MissingTrainedModel",
    );
    await new Promise((r) => setTimeout(r, answeredAt + SWAP_DELAY_MS + 100 - Date.now()));
    const late = await score();
    expect(late.status, late.text).to.equal(200);
  });
});
