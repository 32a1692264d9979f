/**
 * A new predictive definition reaches every classic endpoint, through the strict engine double
 * (`harness/`) and the SDK's provider host, on the local stack (the emulator as its own process,
 * Azurite).
 *
 * A classic web service has one graph; republishing it moves its default endpoint at once, and a
 * non-default endpoint keeps the graph it was created with until it is refreshed. The stack
 * refreshes each endpoint when the published definition's content hash changes, keeping the
 * endpoint's own models:
 *
 * - a preview of the new definition shows each endpoint as an update (the hash is computed by
 *   the web service's `check`, so it is known before anything runs);
 * - after `up`, every endpoint answers with the new graph's columns, the one that follows the
 *   stack's model and the one pinned to an older model alike, each still scoring with its own
 *   model (the same probabilities as before, to the digit);
 * - going back to the old definition brings the old graph back everywhere;
 * - a preview of what is deployed has nothing to do.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ClassicManagementClient, endpointModelUri } from "../../clients/classic";
import { RrsClient } from "../../clients/rrs";
import { generateCensusRows, type CensusRow } from "../../data/generate";
import { printed, stepLines, type EngineDouble, type RunResult } from "../../harness/engine";
import {
  MODEL_ASSET,
  OutputCursor,
  localConfig,
  localWebServiceRef,
  startLocalStack,
  writeCensusSample,
  type LocalStack,
} from "../../harness/localStack";
import type { Props } from "../../harness/secrets";
import { azuriteBlobEndpoint } from "../helpers/env";
import { expectPresent } from "../helpers/expect";
import { tearDownStack } from "../helpers/stack";

/** The census predictive definition, whose last Select Columns also passes `age` through. */
function predictiveWithAge(): Props {
  const file = path.join(__dirname, "..", "..", "definitions", "census-predictive.json");
  const graph = JSON.parse(fs.readFileSync(file, "utf8")) as {
    properties: {
      output: { properties: { output1: { properties: Props } } };
      package: { nodes: Record<string, { parameters?: Record<string, { value: string }> }> };
    };
  };
  const select = graph.properties.package.nodes.node5.parameters!["Select columns"];
  const rules = JSON.parse(select.value) as { rules: { columns: string[] }[] };
  expect(rules.rules[0].columns).to.deep.equal(["Scored Labels", "Scored Probabilities"]);
  rules.rules[0].columns = ["age", "Scored Labels", "Scored Probabilities"];
  select.value = JSON.stringify(rules);
  graph.properties.output.properties.output1.properties = {
    age: { type: "Integer", format: "Int32" },
    ...graph.properties.output.properties.output1.properties,
  };
  return graph as unknown as Props;
}

describe("a new predictive definition reaches every classic endpoint through the strict engine double", function () {
  this.timeout(600_000);
  const FOLLOWING = "contoso";
  const PINNED = "fabrikam";
  /** What a new definition changes: both web services, and each endpoint by its refresh. */
  const REPUBLISHED = [
    "update classic",
    `update endpoint-${FOLLOWING}`,
    `update endpoint-${PINNED}`,
    "update predictive",
  ];
  let work: string;
  let stack: LocalStack;
  let engine: EngineDouble;
  let files: Record<string, string>;
  let rows: CensusRow[];
  let withAge: string;
  let hostLines: OutputCursor;

  const config = (predictiveDefinition?: string): Record<string, unknown> =>
    localConfig({
      servers: stack,
      model: { version: "2026-11-27.1", data: files.november },
      deadlineMinutes: 10,
      endpoints: [
        { name: FOLLOWING },
        { name: PINNED, model: { version: "2026-10-30.1", data: files.october } },
      ],
      ...(predictiveDefinition ? { extra: { services: { predictiveDefinition } } } : {}),
    });
  const succeeded = (run: RunResult): RunResult => {
    expect(run.error, `${run.error?.message}\n${printed(run)}`).to.equal(undefined);
    return run;
  };

  /** What an endpoint answers for `rows`: its columns, and each row's values. */
  async function scored(name: string): Promise<{ columns: string[]; values: unknown[][] }> {
    const outputs = engine.resource(`endpoint-${name}`)?.outputs;
    expectPresent(outputs, `endpoint-${name} in the state`);
    const rrs = new RrsClient(String(outputs.apiLocation), String(outputs.primaryKey));
    const features = Object.keys(rows[0]).filter((c) => c !== "income");
    const table = await rrs.executeTable({
      input1: {
        ColumnNames: features,
        Values: rows.map((r) =>
          features.map((c) => {
            const v = r[c as keyof CensusRow];
            return v === null ? null : String(v);
          }),
        ),
      },
    });
    return { columns: table.output1.ColumnNames, values: table.output1.Values };
  }

  /** The model each endpoint serves, read from the emulator. */
  async function servedModels(): Promise<Record<string, string | undefined>> {
    const client = new ClassicManagementClient(stack.emulator.credentials.workspaceToken);
    const out: Record<string, string | undefined> = {};
    for (const name of [FOLLOWING, PINNED]) {
      const e = await client.getEndpoint(localWebServiceRef(stack.emulator), name);
      expectPresent(e, `endpoint ${name}`);
      out[name] = endpointModelUri(e, MODEL_ASSET);
    }
    return out;
  }

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "definition-change-"));
    files = {
      october: writeCensusSample(work, "census-2026-10.csv", { seed: 1, drift: 0 }),
      november: writeCensusSample(work, "census-2026-11.csv", { seed: 2, drift: 1 }),
    };
    rows = generateCensusRows({ rows: 5, seed: 77, drift: 1 });
    withAge = path.join(work, "census-predictive-age.json");
    fs.writeFileSync(withAge, JSON.stringify(predictiveWithAge()));
    stack = await startLocalStack(work, {
      passphrase: "definition change passphrase",
      azuriteBlobEndpoint: azuriteBlobEndpoint(),
      hostEnv: { AZUREML_RETRAIN_LOG: "" },
    });
    engine = stack.engine;
    hostLines = new OutputCursor(stack.host);
  });

  after(() => tearDownStack(engine, stack, work));

  let committed: Record<string, { columns: string[]; values: unknown[][] }>;
  let models: Record<string, string | undefined>;
  it("a fresh up: both endpoints answer with the committed graph's two columns", async () => {
    succeeded(await engine.up(config()));
    committed = { [FOLLOWING]: await scored(FOLLOWING), [PINNED]: await scored(PINNED) };
    for (const name of [FOLLOWING, PINNED]) {
      expect(committed[name].columns, name).to.deep.equal([
        "Scored Labels",
        "Scored Probabilities",
      ]);
    }
    // Two models: the endpoints score differently.
    expect(committed[FOLLOWING].values).to.not.deep.equal(committed[PINNED].values);
    models = await servedModels();
    expect(models[FOLLOWING]).to.match(/\/models\/2026-11-27\.1\//);
    expect(models[PINNED]).to.match(/\/models\/2026-10-30\.1\//);
  });

  it("a preview of the new definition shows the web services and every endpoint updated", async () => {
    const preview = succeeded(await engine.preview(config(withAge)));
    expect(stepLines(preview).filter((l) => !l.startsWith("same "))).to.deep.equal(REPUBLISHED);
  });

  it("up: every endpoint answers with the new graph, each with its own model as before", async () => {
    hostLines.take();
    const up = succeeded(await engine.up(config(withAge)));
    // Both endpoints update at once: their lines come in either order.
    const refreshed = hostLines.take().filter((l) => l.includes("published graph"));
    expect(refreshed.sort()).to.deep.equal([
      `[ClassicEndpoint ${FOLLOWING}] refreshed onto the web service's published graph`,
      `[ClassicEndpoint ${PINNED}] refreshed onto the web service's published graph`,
    ]);
    expect(stepLines(up).filter((l) => !l.startsWith("same "))).to.deep.equal(REPUBLISHED);
    for (const name of [FOLLOWING, PINNED]) {
      const after = await scored(name);
      expect(after.columns, name).to.deep.equal(["age", "Scored Labels", "Scored Probabilities"]);
      expect(
        after.values.map((v) => v.slice(1)),
        `${name} scores with the same model`,
      ).to.deep.equal(committed[name].values);
      expect(
        after.values.map((v) => String(v[0])),
        name,
      ).to.deep.equal(rows.map((r) => String(r.age)));
    }
    expect(await servedModels()).to.deep.equal(models);
    const again = succeeded(await engine.preview(config(withAge)));
    expect(stepLines(again).filter((l) => !l.startsWith("same "))).to.deep.equal([]);
  });

  it("going back to the committed definition brings its graph back to every endpoint", async () => {
    succeeded(await engine.up(config()));
    for (const name of [FOLLOWING, PINNED]) {
      expect(await scored(name), name).to.deep.equal(committed[name]);
    }
    expect(await servedModels()).to.deep.equal(models);
  });
});
