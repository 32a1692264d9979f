/**
 * The two export-like sample definitions through the components, as `pulumi up` would run them:
 * the web service provider publishes the training service, `trainingShape` reads its ports, the
 * retrain provider trains through BES and gates, and (census-forest) the predictive service is
 * published serving the trained model and scores. bike-sql's saved normalization (output3) is
 * written beside its model, as a pair.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { blobService } from "../../../clients/storage";
import {
  loadDefinition,
  pairTransforms,
  trainedModelAssetName,
  trainingShape,
} from "../../../components/definition";
import { trainedModelProvider as provider } from "../../../components/retrain/provider";
import type { TrainedModelInputs, TrainedModelOutputs } from "../../../components/retrain/types";
import { classicEndpointProvider } from "../../../components/classicEndpoint/provider";
import type { ClassicEndpointOutputs } from "../../../components/classicEndpoint/types";
import { classicWebServiceProvider } from "../../../components/classicWebService/provider";
import { RrsClient } from "../../../clients/rrs";
import { webServiceProvider } from "../../../components/webService/provider";
import type { WebServiceOutputs } from "../../../components/webService/types";
import { censusToCsv, generateCensusRows } from "../../../data/generate";
import {
  azuriteBlobEndpoint,
  azuriteConnectionString,
  setEnv,
  uniqueName,
} from "../../helpers/env";
import {
  httpRequest,
  startTestEmulator,
  testStorageKey,
  type TestEmulator,
} from "../../helpers/emulator";

describe("the export-like samples through the components (web service + retrain providers)", function () {
  this.timeout(180_000);
  let emulator: TestEmulator;
  let dir: string;
  let restoreEnv: (() => void) | undefined;
  const containers = { data: uniqueName("data"), models: uniqueName("models") };
  const storageAccount = () => ({ name: "devstoreaccount1", key: testStorageKey() });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "samples-"));
    restoreEnv = setEnv({
      AZUREML_RETRAIN_LOG: "silent",
      AZUREML_RETRAIN_CACHE_DIR: fs.mkdtempSync(path.join(dir, "cache-")),
    });
    emulator = await startTestEmulator();
  });
  after(async () => {
    restoreEnv?.();
    await emulator?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function publish(
    file: string,
    role: "training" | "predictive",
    trainedModelUri?: string,
    trainedTransformUris?: Record<string, string>,
  ): Promise<WebServiceOutputs> {
    const definition = loadDefinition(file);
    const created = await webServiceProvider.create({
      role,
      endpoint: emulator.url,
      subscriptionId: "00000000-0000-0000-0000-000000000000",
      resourceGroup: "samples",
      name: uniqueName(role),
      location: "local",
      token: emulator.credentials.armToken,
      definition: definition.properties,
      storageAccount: storageAccount(),
      workspaceId: "w",
      ...(trainedModelUri !== undefined ? { trainedModelUri } : {}),
      ...(trainedTransformUris !== undefined ? { trainedTransformUris } : {}),
    });
    return created.outs as WebServiceOutputs;
  }

  async function retrain(
    file: string,
    data: string,
    gate: Record<string, unknown>,
    version = "v1",
  ): Promise<TrainedModelOutputs> {
    const training = await publish(file, "training");
    const shape = trainingShape(loadDefinition(file));
    const checked = (await provider.check!(
      {},
      {
        version,
        data,
        parameters: {},
        gate,
        retain: false,
        training: { executionUrl: training.executionUrl, apiKey: training.primaryKey, ...shape },
        store: {
          connectionString: azuriteConnectionString(),
          dataContainer: containers.data,
          modelContainer: containers.models,
        },
      },
    )) as { inputs: TrainedModelInputs; failures: unknown[] };
    expect(checked.failures).to.deep.equal([]);
    return (await provider.create(checked.inputs)).outs as TrainedModelOutputs;
  }

  it("census-forest: trains through the Python feature engineering, passes its gate, and its predictive service scores", async () => {
    const data = path.join(dir, "census.csv");
    fs.writeFileSync(data, censusToCsv(generateCensusRows({ rows: 3000, seed: 5, drift: 0 })));
    const trained = await retrain("definitions/census-forest-training.json", data, {
      metric: "AUC",
      min: 0.75,
    });
    expect(trained.status).to.equal("ready");
    expect(trained.metrics!.AUC).to.be.above(0.75);
    expect(
      trainedModelAssetName(loadDefinition("definitions/census-forest-predictive.json")),
    ).to.equal("Census Forest [trained model]");
    const predictive = await publish(
      "definitions/census-forest-predictive.json",
      "predictive",
      trained.model!.uri,
    );
    const res = await httpRequest(
      "POST",
      `${predictive.executionUrl}/execute?api-version=2.0&details=true`,
      {
        token: predictive.primaryKey,
        body: {
          Inputs: {
            input1: {
              ColumnNames: loadDefinition("definitions/census-forest-predictive.json").inputColumns,
              Values: [
                [
                  "52",
                  "Private",
                  "Masters",
                  "14",
                  "Married-civ-spouse",
                  "Exec-managerial",
                  "Husband",
                  "White",
                  "Male",
                  "15000",
                  "0",
                  "60",
                  "United-States",
                ],
              ],
            },
          },
        },
      },
    );
    expect(res.status, res.text).to.equal(200);
    const values = (
      res.body as { Results: { output1: { value: { ColumnNames: string[]; Values: string[][] } } } }
    ).Results.output1.value;
    expect(values.ColumnNames).to.deep.equal(["Scored Labels", "Scored Probabilities"]);
    expect(["<=50K", ">50K"]).to.include(values.Values[0][0]);
  });

  it("bike-sql: trainingShape names the saved normalization; the retrain writes it beside the model", async () => {
    expect(trainingShape(loadDefinition("definitions/bike-sql-training.json"))).to.deep.include({
      modelOutput: "output1",
      evaluationOutput: "output2",
      transformOutputs: ["output3"],
    });
    const trained = await retrain(
      "definitions/bike-sql-training.json",
      path.join(__dirname, "..", "..", "..", "data", "bike-demand-sample.csv"),
      { metric: "Coefficient of Determination", min: 0.8 },
    );
    expect(trained.metrics!["Coefficient of Determination"]).to.be.above(0.8);
    const names: string[] = [];
    const models = blobService(azuriteConnectionString()).getContainerClient(containers.models);
    for await (const b of models.listBlobsFlat({ prefix: `v1/${trained.modelKey}` }))
      names.push(b.name);
    expect(names.sort()).to.deep.equal([
      `v1/${trained.modelKey}.evaluation.csv`,
      `v1/${trained.modelKey}.ilearner`,
      `v1/${trained.modelKey}.metrics.json`,
      `v1/${trained.modelKey}.output3.itransform`,
    ]);
    const transform = await models
      .getBlobClient(`v1/${trained.modelKey}.output3.itransform`)
      .downloadToBuffer();
    expect(transform.subarray(0, 8).toString("ascii")).to.equal("AMLEMUIT");
    expect(trained.transforms).to.deep.equal({
      output3: {
        baseLocation: `${azuriteBlobEndpoint()}/`,
        relativeLocation: `${containers.models}/v1/${trained.modelKey}.output3.itransform`,
        uri: `${azuriteBlobEndpoint()}/${containers.models}/v1/${trained.modelKey}.output3.itransform`,
      },
    });
  });

  it("bike-sql: a retrain repoints the predictive service's model and transformation together, and scores as a fresh pair does", async () => {
    const BIKE = path.join(__dirname, "..", "..", "..", "data", "bike-demand-sample.csv");
    const predictiveFile = "definitions/bike-sql-predictive.json";
    const pairs = pairTransforms(["output3"], loadDefinition(predictiveFile));
    expect(pairs).to.deep.equal({ output3: "Bike Demand SQL Normalization [transform]" });
    const asset = pairs.output3;
    const gate = { metric: "Coefficient of Determination", min: 0.5 };
    // Other weather: the saved normalization learns other ranges from it.
    const [header, ...rows] = fs.readFileSync(BIKE, "utf8").trim().split("\n");
    const warmer = path.join(dir, "bike-warmer.csv");
    fs.writeFileSync(
      warmer,
      [
        header,
        ...rows.map((line) => {
          const cells = line.split(",");
          cells[1] = String(Number(cells[1]) * 1.5 + 6);
          cells[3] = String(Number(cells[3]) * 2);
          return cells.join(",");
        }),
      ].join("\n") + "\n",
    );
    const first = await retrain("definitions/bike-sql-training.json", BIKE, gate, "v1");
    const second = await retrain("definitions/bike-sql-training.json", warmer, gate, "v2");
    const pair = (m: TrainedModelOutputs) => ({ [asset]: m.transforms!.output3.uri });

    const served = await publish(predictiveFile, "predictive", first.model!.uri, pair(first));
    expect(served.servedModelUri).to.equal(first.model!.uri);
    expect(served.servedTransformUris).to.deep.equal(pair(first));
    const news = {
      ...served,
      trainedModelUri: second.model!.uri,
      trainedTransformUris: pair(second),
    };
    const { diffWebService } = await import("../../../components/webService/logic");
    expect(diffWebService(served, news).updates).to.deep.equal([
      "trainedModelUri",
      "trainedTransformUris",
    ]);
    const updated = (await webServiceProvider.update!(served.resourceId, served, news))
      .outs as WebServiceOutputs;
    expect(updated.servedModelUri).to.equal(second.model!.uri);
    expect(updated.servedTransformUris).to.deep.equal(pair(second));

    const row = ["8", "30", "40", "10", "1", "summer"];
    const score = async (service: WebServiceOutputs): Promise<string> => {
      const res = await httpRequest(
        "POST",
        `${service.executionUrl}/execute?api-version=2.0&details=true`,
        {
          token: service.primaryKey,
          body: {
            Inputs: {
              input1: { ColumnNames: loadDefinition(predictiveFile).inputColumns, Values: [row] },
            },
          },
        },
      );
      expect(res.status, res.text).to.equal(200);
      return (res.body as { Results: { output1: { value: { Values: string[][] } } } }).Results
        .output1.value.Values[0][0];
    };
    const fresh = await publish(predictiveFile, "predictive", second.model!.uri, pair(second));
    const mismatched = await publish(predictiveFile, "predictive", second.model!.uri, pair(first));
    const [afterRetrain, freshPair, newModelOldTransform] = [
      await score(updated),
      await score(fresh),
      await score(mismatched),
    ];
    expect(afterRetrain).to.equal(freshPair);
    expect(Math.abs(Number(newModelOldTransform) - Number(afterRetrain))).to.be.above(1);

    // The classic surface: the default endpoint is published with the first pair, an endpoint
    // serving the second gets both resources in one PATCH, and scores as the fresh pair.
    const ref = (l: { baseLocation: string; relativeLocation: string }) => ({
      baseLocation: l.baseLocation,
      relativeLocation: l.relativeLocation,
    });
    const classicInputs = {
      endpoint: emulator.url,
      workspaceId: "10ca1000000000000000000000000001",
      webServiceId: uniqueName("svc")
        .replace(/[^0-9a-f]/g, "")
        .padEnd(32, "0")
        .slice(0, 32),
      token: emulator.credentials.workspaceToken,
      storageConnectionString: azuriteConnectionString(),
    };
    await classicWebServiceProvider.create!({
      ...classicInputs,
      mode: "publish",
      name: "bike sql (classic)",
      definition: loadDefinition(predictiveFile).properties,
      trainedModel: ref(first.model!),
      trainedTransforms: { [asset]: ref(first.transforms!.output3) },
      resourceName: "Bike Demand SQL [trained model]",
    });
    const endpoint = (
      await classicEndpointProvider.create!({
        ...classicInputs,
        name: "contoso",
        resourceName: "Bike Demand SQL [trained model]",
        trainedModel: ref(second.model!),
        trainedTransforms: { [asset]: ref(second.transforms!.output3) },
      })
    ).outs as ClassicEndpointOutputs;
    expect(endpoint.servedModelUri).to.equal(second.model!.uri);
    expect(endpoint.servedTransformUris).to.deep.equal(pair(second));
    const classicScore = await new RrsClient(
      endpoint.apiLocation,
      endpoint.primaryKey,
    ).executeTable({
      input1: { ColumnNames: loadDefinition(predictiveFile).inputColumns, Values: [row] },
    });
    expect(classicScore.output1.Values[0][0]).to.equal(freshPair);
  });
});
