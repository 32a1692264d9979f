/**
 * Staged rollout of a predictive definition that applies a saved transformation, through the
 * strict engine double (`harness/`) and the SDK's provider host, on the local stack (the emulator
 * as its own process, Azurite).
 *
 * The definitions are the census pair with one more step on each side: the training graph adds two
 * derived columns (Apply SQL Transformation) and normalizes them (Normalize Data), saving the
 * normalization as a web service output; the predictive graph derives the same columns and
 * replays the saved normalization (a "[transform]" asset and Apply Transformation) before Score
 * Model. The derived columns are not input columns, so the held-out rows a stage sends are the
 * raw ones an endpoint expects.
 *
 * - a fresh staged up: every endpoint serves the model and the transformation of that retrain,
 *   and a preview then has nothing to do;
 * - a bump whose canary (the predictive service's own endpoint and a classic endpoint) fails its
 *   check (the emulator's fault injection on the classic endpoint's RRS path): up fails with the
 *   exact error, both canary endpoints serve the OLD model and the OLD transformation again (read
 *   from the emulator), the later stage is untouched;
 * - the retry after the fault is gone converges on the new model and the new transformation.
 * - No endpoint key, token or account key in the checkpoint file or in what the engine printed.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { reportedAssetUris, reportedModelUri } from "../../clients/arm";
import { ClassicManagementClient, endpointModelUri } from "../../clients/classic";
import { printed, stepLines, type EngineDouble } from "../../harness/engine";
import {
  MODEL_ASSET,
  localArm,
  localConfig,
  localServiceRef,
  localWebServiceRef,
  startLocalStack,
  writeCensusSample,
  type LocalStack,
} from "../../harness/localStack";
import type { Props } from "../../harness/secrets";
import { expectPresent } from "../helpers/expect";
import { azuriteBlobEndpoint } from "../helpers/env";
import { expectNoSecrets, failScoringOf, literal, RunLog, tearDownStack } from "../helpers/stack";

/** The "[transform]" asset of the predictive definition below. */
const TRANSFORM_ASSET = "Census Derived Normalization [transform]";

interface Graph {
  properties: {
    output?: { properties: Props };
    assets: Record<string, Props>;
    package: { nodes: Record<string, Props>; edges: Props[] };
  };
}

const readDefinition = (name: string): Graph =>
  JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "..", "definitions", name), "utf8"),
  ) as Graph;

const columns = (names: string[]): { value: string } => ({
  value: JSON.stringify({
    isFilter: true,
    rules: [{ ruleType: "ColumnNames", exclude: false, columns: names }],
  }),
});

/** Two derived columns: never input columns, so the held-out rows keep the raw inputs. */
const DERIVE = {
  name: "Apply SQL Transformation",
  type: "Module",
  locationInfo: { uri: "aml://module/apply-sql-transformation" },
};
const DERIVE_PARAMETERS = {
  "SQL Query Script": {
    value: 'select *, age + 0.5 as agez, "hours-per-week" + 0.5 as hoursz from t1;',
  },
};

/** Replaces the edge into `node`'s `port` with a chain through `via` (first in, last out). */
function insertBefore(
  graph: Graph,
  node: string,
  port: string,
  via: { id: string; in: string; out: string }[],
): void {
  const pkg = graph.properties.package;
  pkg.edges = pkg.edges.flatMap((e) => {
    if (e.targetNodeId !== node || e.targetPortId !== port) return [e];
    const chain: Props[] = [{ ...e, targetNodeId: via[0].id, targetPortId: via[0].in }];
    via.forEach((v, i) => {
      const next = via[i + 1];
      chain.push({
        sourceNodeId: v.id,
        sourcePortId: v.out,
        targetNodeId: next ? next.id : node,
        targetPortId: next ? next.in : port,
      });
    });
    return chain;
  });
}

/** The census training definition that derives, normalizes and saves the normalization. */
function trainingWithTransform(): Graph {
  const graph = readDefinition("census-training.json");
  const { assets, package: pkg } = graph.properties;
  assets.derive = DERIVE;
  assets.normalize = {
    name: "Normalize Data",
    type: "Module",
    locationInfo: { uri: "aml://module/normalize-data" },
  };
  pkg.nodes.derive = { assetId: "derive", parameters: DERIVE_PARAMETERS };
  pkg.nodes.normalize = {
    assetId: "normalize",
    parameters: {
      "Transformation method": { value: "ZScore" },
      "Columns to transform": columns(["agez", "hoursz"]),
      "Use 0 for constant columns when checked": { value: "True" },
    },
  };
  // Clean Missing Data (node2) → derive → normalize → Edit Metadata (node3).
  insertBefore(graph, "node3", "Dataset", [
    { id: "derive", in: "Table1", out: "Results dataset" },
    { id: "normalize", in: "Dataset", out: "Transformed dataset" },
  ]);
  pkg.nodes.transformOut = { outputId: "output3" };
  pkg.edges.push({
    sourceNodeId: "normalize",
    sourcePortId: "Transformation function",
    targetNodeId: "transformOut",
    targetPortId: "Data",
  });
  graph.properties.output!.properties.output3 = {
    title: "Normalization",
    type: "object",
    properties: {},
  };
  return graph;
}

/** The census predictive definition that derives the columns and replays the normalization. */
function predictiveWithTransform(): Graph {
  const graph = readDefinition("census-predictive.json");
  const { assets, package: pkg } = graph.properties;
  assets.derive = DERIVE;
  assets.saved = {
    name: TRANSFORM_ASSET,
    type: "Resource",
    locationInfo: { uri: "" },
    outputPorts: { Transformation: { type: "Dataset" } },
  };
  assets.apply = {
    name: "Apply Transformation",
    type: "Module",
    locationInfo: { uri: "aml://module/apply-transformation" },
  };
  pkg.nodes.derive = { assetId: "derive", parameters: DERIVE_PARAMETERS };
  pkg.nodes.saved = { assetId: "saved", parameters: {} };
  pkg.nodes.apply = { assetId: "apply", parameters: {} };
  // Clean Missing Data (node7) → derive → apply → Edit Metadata (node2).
  insertBefore(graph, "node2", "Dataset", [
    { id: "derive", in: "Table1", out: "Results dataset" },
    { id: "apply", in: "Dataset", out: "Transformed dataset" },
  ]);
  pkg.edges.push({
    sourceNodeId: "saved",
    sourcePortId: "Transformation",
    targetNodeId: "apply",
    targetPortId: "Transformation",
  });
  return graph;
}

describe("staged rollout of a definition with a saved transformation through the strict engine double", function () {
  this.timeout(600_000);
  const ENDPOINTS = ["contoso", "fabrikam"];
  const stages = [
    {
      name: "canary",
      endpoints: ["default", "contoso"],
      check: { sampleRows: 20, rowsPerCall: 10 },
    },
    { name: "rest", endpoints: "*" },
  ];
  let work: string;
  let stack: LocalStack;
  let engine: EngineDouble;
  let files: Record<string, string>;
  let services: Record<string, string>;
  const { runs, run } = new RunLog();

  const config = (version: string, data: string): Record<string, unknown> =>
    localConfig({
      servers: stack,
      model: { version, data },
      gate: { metric: "AUC", min: 0.7, maxRegression: 0.05 },
      deadlineMinutes: 10,
      endpoints: ENDPOINTS.map((name) => ({ name })),
      extra: { rollout: { stages }, services },
    });

  interface Pair {
    model: string | undefined;
    transform: string | undefined;
  }
  /** What the predictive service and each classic endpoint serve, read from the emulator. */
  async function servedPairs(): Promise<Record<string, Pair>> {
    const out: Record<string, Pair> = {};
    const service = await localArm(stack.emulator).get(localServiceRef(stack.emulator));
    expectPresent(service, "the predictive service");
    out.default = {
      model: reportedModelUri(service, MODEL_ASSET),
      transform: reportedAssetUris(service, [TRANSFORM_ASSET])[TRANSFORM_ASSET],
    };
    const client = new ClassicManagementClient(stack.emulator.credentials.workspaceToken);
    const ref = localWebServiceRef(stack.emulator);
    for (const name of ENDPOINTS) {
      const e = await client.getEndpoint(ref, name);
      expectPresent(e, `endpoint ${name}`);
      out[name] = {
        model: endpointModelUri(e, MODEL_ASSET),
        transform: endpointModelUri(e, TRANSFORM_ASSET),
      };
    }
    return out;
  }
  /** The pair the stack's model resource holds now. */
  const modelPair = (): { model: string; transform: string } => {
    const outputs = engine.resource("model")?.outputs as Props | undefined;
    const model = (outputs?.model as { uri?: string } | undefined)?.uri;
    const transform = (outputs?.transforms as Record<string, { uri?: string }> | undefined)?.output3
      ?.uri;
    expectPresent(model, "the model's URI");
    expectPresent(transform, "the transformation's URI");
    return { model, transform };
  };
  const everywhere = (pair: Pair): Record<string, Pair> => ({
    default: pair,
    contoso: pair,
    fabrikam: pair,
  });
  const stageStatus = (name: string): unknown => engine.resource(`stage-${name}`)?.outputs.status;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "staged-transform-"));
    const write = (name: string, seed: number): string =>
      writeCensusSample(work, name, { seed, drift: 1 });
    files = {
      november: write("census-2026-11.csv", 2),
      december: write("census-2026-12.csv", 5),
    };
    const save = (name: string, graph: Graph): string => {
      const file = path.join(work, name);
      fs.writeFileSync(file, JSON.stringify(graph));
      return file;
    };
    services = {
      trainingDefinition: save("census-derived-training.json", trainingWithTransform()),
      predictiveDefinition: save("census-derived-predictive.json", predictiveWithTransform()),
    };
    stack = await startLocalStack(work, {
      passphrase: "staged transform passphrase",
      azuriteBlobEndpoint: azuriteBlobEndpoint(),
      hostEnv: { AZUREML_RETRAIN_LOG: "" },
    });
    engine = stack.engine;
  });

  after(() => tearDownStack(engine, stack, work));

  let first: { model: string; transform: string };
  it("a fresh staged up serves the retrain's model and transformation everywhere, each stage passed", async () => {
    const up = await run(engine.up(config("2026-11-27.1", files.november)));
    expect(up.error, `${up.error?.message}\n${printed(up)}`).to.equal(undefined);
    first = modelPair();
    expect(first.transform).to.match(/\/models\/2026-11-27\.1\/[0-9a-f]{16}\.output3\.itransform$/);
    expect(await servedPairs()).to.deep.equal(everywhere(first));
    expect([stageStatus("canary"), stageStatus("rest")]).to.deep.equal(["passed", "passed"]);
    // Converged: every staged endpoint's rollback target is known to a preview, even empty.
    const preview = await run(engine.preview(config("2026-11-27.1", files.november)));
    expect(preview.error, preview.error?.message).to.equal(undefined);
    expect(stepLines(preview).filter((l) => !l.startsWith("same "))).to.deep.equal([]);
    expect(engine.resource("stage-canary")?.outputs.servingTransforms).to.deep.equal({
      default: { [TRANSFORM_ASSET]: first.transform },
      contoso: { [TRANSFORM_ASSET]: first.transform },
    });
  });

  it("a canary that fails its check serves the old model AND the old transformation again, the rest untouched, with the exact error", async () => {
    // Only contoso's RRS fails: the gate scores through the predictive service, which must
    // answer. The stage still rolls back every endpoint of the canary, the predictive
    // service's own (the ARM PATCH) as well as contoso (the classic PATCH).
    await failScoringOf(stack, engine.resource("endpoint-contoso")?.outputs.apiLocation as string);
    const up = await run(engine.up(config("2026-12-01.1", files.december)));
    expectPresent(up.error, "the up failed");
    expect(stepLines(up)).to.deep.equal([
      "replace model [version,dataSha256]",
      "same storage",
      "same storage-containers",
      "same training",
      "update classic",
      "update endpoint-contoso",
      "update predictive",
      "update stage-canary (failed)",
    ]);
    const second = modelPair();
    expect(second.transform).to.match(
      /\/models\/2026-12-01\.1\/[0-9a-f]{16}\.output3\.itransform$/,
    );
    // Each endpoint recorded the pair it served before its repoint: the rollback's target.
    for (const name of ["predictive", "endpoint-contoso"]) {
      const outputs = engine.resource(name)?.outputs as Props;
      expect(
        { model: outputs.previousModelUri, transforms: outputs.previousTransformUris },
        name,
      ).to.deep.equal({
        model: first.model,
        transforms: { [TRANSFORM_ASSET]: first.transform },
      });
    }
    const fault =
      "503 ServiceUnavailable: The service is temporarily unavailable (fault injected by the emulator); retry after 1 s. (TooManyConcurrentRequests: The service is temporarily unavailable (fault injected by the emulator); retry after 1 s.)";
    const calls = [1, 2]
      .map((n) => `call ${n} \\(rows \\d+(?:, \\d+){9}\\): ${literal(fault)}`)
      .join("; ");
    const back = `to ${first.model} with "${TRANSFORM_ASSET}" at ${first.transform} (verified)`;
    const stage = engine.resource("stage-canary");
    expectPresent(stage?.initErrors, "the stage's init errors");
    expect(stage.initErrors).to.have.length(1);
    expect(stage.initErrors[0]).to.match(
      new RegExp(
        "^" +
          [
            literal(
              'rollout stage "canary" (1 of 2) failed the check of model 2026-12-01.1 in round 1:',
            ),
            literal('  - endpoint "contoso": 2 of 2 calls failed: ') + calls,
            literal(`rolled back: endpoint "default" ${back}; endpoint "contoso" ${back}`),
            literal("later stages were not started; the next up checks this stage again"),
          ].join("\n") +
          "$",
      ),
    );
    expect(printed(up)).to.equal(
      `  ${stage.urn}\n    error: 1 error occurred:\n\t* ${stage.initErrors[0]}\n\n`,
    );
    expect({ status: stage.outputs.status, rollbacks: stage.outputs.rollbacks }).to.deep.equal({
      status: "rolled-back",
      rollbacks: ["default", "contoso"].map((endpoint) => ({
        endpoint,
        to: first.model,
        transforms: { [TRANSFORM_ASSET]: first.transform },
        outcome: "verified",
      })),
    });
    // The canary serves the old pair again; the later stage was never repointed.
    expect(await servedPairs()).to.deep.equal(everywhere(first));
  });

  it("the retry after the fault is gone converges on the new model and the new transformation", async () => {
    await stack.emulator.restartWith([]);
    const up = await run(engine.up(config("2026-12-01.1", files.december)));
    expect(up.error, `${up.error?.message}\n${printed(up)}`).to.equal(undefined);
    // The canary's own resources still say they serve the new pair: the stage repoints them.
    expect(stepLines(up)).to.deep.equal([
      "delete-replaced model",
      "same classic",
      "same endpoint-contoso",
      "same model",
      "same predictive",
      "same storage",
      "same storage-containers",
      "same training",
      "update endpoint-fabrikam",
      "update stage-canary",
      "update stage-rest",
    ]);
    const second = modelPair();
    expect(second.model).to.match(/\/models\/2026-12-01\.1\/[0-9a-f]{16}\.ilearner$/);
    expect(second.transform).to.not.equal(first.transform);
    expect(await servedPairs()).to.deep.equal(everywhere(second));
    expect([stageStatus("canary"), stageStatus("rest")]).to.deep.equal(["passed", "passed"]);
    expect(engine.resource("stage-canary")?.initErrors).to.equal(undefined);
    const preview = await run(engine.preview(config("2026-12-01.1", files.december)));
    expect(stepLines(preview).filter((l) => !l.startsWith("same "))).to.deep.equal([]);
  });

  it("no key, token or account key in the checkpoint or the printed text", () => {
    expectNoSecrets(stack, engine, runs);
  });
});
