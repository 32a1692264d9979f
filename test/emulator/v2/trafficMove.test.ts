/**
 * Scoring during a traffic move, under load: eight clients score census rows without pause while
 * the endpoint mirrors to the new deployment, splits traffic, moves it all to the new one, and
 * deletes the old one. No call may fail, and every answer must be whole and come from the old or
 * the new model — the one its `azureml-model-deployment` header names.
 *
 * The two models are trained by the project's train.py (October and November data) before the
 * suite, straight into blob storage; each answer names its model by its data's hash.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { EndpointKeys, OnlineEndpointProperties, V2Resource } from "../../../contract/v2";
import { uniqueName } from "../../helpers/env";
import { httpRequest, startTestEmulator, type TestEmulator } from "../../helpers/emulator";
import {
  CENSUS_NOVEMBER,
  CENSUS_OCTOBER,
  CENSUS_V2_SOURCE,
  V2Api,
  uploadFolder,
  type TestWorkspace,
} from "../../helpers/v2";
import { sklearnPython } from "../../../harness/interpreters";

interface Answer {
  predictions: string[];
  probabilities: number[];
  model: { dataSha256: string };
}

/** Trains a model with train.py into a local folder; returns the folder and its data hash. */
function trainLocally(data: string): { folder: string; dataSha256: string } {
  const out = mkdtempSync(path.join(tmpdir(), "census-model-"));
  const run = spawnSync(
    sklearnPython(),
    [
      path.join(CENSUS_V2_SOURCE, "train.py"),
      "--data",
      data,
      "--model",
      path.join(out, "model"),
      "--metrics",
      path.join(out, "metrics"),
    ],
    { encoding: "utf8" },
  );
  if (run.status !== 0) throw new Error(`train.py failed: ${run.stderr}`);
  const about = JSON.parse(readFileSync(path.join(out, "model", "model.json"), "utf8")) as {
    dataSha256: string;
  };
  return { folder: path.join(out, "model"), dataSha256: about.dataSha256 };
}

/** Census rows to score (the label dropped by score.py itself). */
function rows(count: number): Record<string, string>[] {
  const lines = readFileSync(CENSUS_NOVEMBER, "utf8").trim().split("\n");
  const header = lines[0].split(",");
  return lines
    .slice(1, 1 + count)
    .map((line) => Object.fromEntries(line.split(",").map((v, i) => [header[i], v])));
}

describe("emulator v2 surface: scoring during a traffic move under load", function () {
  this.timeout(180_000);
  let emulator: TestEmulator;
  let api: V2Api;
  let ws: TestWorkspace;
  let endpointPath: string;
  let oldModel: string;
  let newModel: string;

  before(async function () {
    emulator = await startTestEmulator({ python: sklearnPython(), v2: { retryAfterSeconds: 0 } });
    api = new V2Api(emulator);
    ws = await api.workspace();
    const codeId = await api.code(ws, CENSUS_V2_SOURCE, "census-src");
    const environmentId = await api.environment(ws);
    const october = trainLocally(CENSUS_OCTOBER);
    const november = trainLocally(CENSUS_NOVEMBER);
    oldModel = october.dataSha256;
    newModel = november.dataSha256;
    for (const [version, trained] of [
      ["1", october],
      ["2", november],
    ] as const) {
      await uploadFolder(ws.container, `models/census/${version}/model`, trained.folder);
      const put = await api.call("PUT", `${ws.path}/models/census/versions/${version}`, {
        properties: {
          modelUri: `azureml://datastores/workspaceblobstore/paths/models/census/${version}/model/`,
        },
      });
      expect(put.status, put.text).to.equal(201);
    }
    endpointPath = `${ws.path}/onlineEndpoints/${uniqueName("move")}`;
    await api.putAndWait(endpointPath, { location: "westeurope", properties: { authMode: "Key" } });
    for (const [name, version] of [
      ["blue", "1"],
      ["green", "2"],
    ] as const) {
      await api.putAndWait(`${endpointPath}/deployments/${name}`, {
        location: "westeurope",
        sku: { name: "Default", capacity: 2 },
        properties: {
          endpointComputeType: "Managed",
          model: `azureml:census:${version}`,
          codeConfiguration: { codeId, scoringScript: "score.py" },
          environmentId,
          requestSettings: { maxConcurrentRequestsPerInstance: 4, requestTimeout: "PT10S" },
        },
      });
    }
    await api.putAndWait(endpointPath, {
      location: "westeurope",
      properties: { authMode: "Key", traffic: { blue: 100, green: 0 } },
    });
  });
  after(async function () {
    await emulator?.close();
  });

  it("answers every call, whole, from the old or the new model, while traffic moves and the old deployment goes", async function () {
    const endpoint = (await api.call<V2Resource<OnlineEndpointProperties>>("GET", endpointPath))
      .body;
    const scoringUri = endpoint.properties.scoringUri!;
    const key = (await api.call<EndpointKeys>("POST", `${endpointPath}/listKeys`)).body.primaryKey;
    const payload = { data: rows(5) };
    const expected: Record<string, string> = { blue: oldModel, green: newModel };
    const seen: Record<string, number> = { blue: 0, green: 0 };
    const failures: string[] = [];
    let stop = false;
    let phase = "blue only";
    const afterMove: string[] = [];

    const client = async (): Promise<void> => {
      while (!stop) {
        const startedIn = phase;
        const res = await httpRequest<Answer>("POST", scoringUri, {
          token: key,
          body: payload,
        }).catch((error: unknown) => ({
          status: 0,
          text: String(error),
          headers: new Headers(),
          body: undefined as unknown as Answer,
        }));
        const deployment = res.headers.get("azureml-model-deployment") ?? "";
        if (res.status !== 200) {
          failures.push(`${res.status} ${deployment} ${res.text.slice(0, 200)}`);
          continue;
        }
        const whole =
          Array.isArray(res.body?.predictions) &&
          res.body.predictions.length === 5 &&
          res.body.probabilities.length === 5 &&
          res.body.model?.dataSha256 === expected[deployment];
        if (!whole)
          failures.push(`not whole or not from ${deployment}'s model: ${res.text.slice(0, 200)}`);
        else seen[deployment]++;
        if (startedIn === "green only") afterMove.push(deployment);
      }
    };
    const clients = Array.from({ length: 8 }, () => client());
    const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const put = (traffic: Record<string, number>, mirrorTraffic: Record<string, number> = {}) =>
      api.putAndWait(endpointPath, {
        location: "westeurope",
        properties: { authMode: "Key", traffic, mirrorTraffic },
      });

    await settle(800);
    await put({ blue: 100, green: 0 }, { green: 20 });
    phase = "mirrored";
    await settle(800);
    await put({ blue: 50, green: 50 });
    phase = "split";
    await settle(800);
    await put({ blue: 0, green: 100 });
    phase = "green only";
    await settle(500);
    const del = await api.call("DELETE", `${endpointPath}/deployments/blue`);
    expect(del.status, del.text).to.equal(202);
    await api.wait(del);
    await settle(500);
    stop = true;
    await Promise.all(clients);

    expect(failures, failures.slice(0, 5).join("\n")).to.deep.equal([]);
    expect(seen.blue, "answers from the old model").to.be.above(20);
    expect(seen.green, "answers from the new model").to.be.above(20);
    expect(afterMove.length).to.be.above(10);
    expect(new Set(afterMove)).to.deep.equal(new Set(["green"]));
  });
});
