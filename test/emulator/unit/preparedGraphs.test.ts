import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WebServiceProperties } from "../../../contract";
import * as engine from "../../../emulator/engine";
import type { ServiceShape } from "../../../emulator/engine/api";
import { PreparedGraphs } from "../../../emulator/handlers/preparedGraphs";
import { ModelStore } from "../../../emulator/store/modelStore";
import type { ServingState } from "../../../emulator/store/records";
import { graphProperties } from "../../helpers/graphs";

/** A predictive graph: input → Score Model (with a "[trained model]" resource) → output. */
function properties(title: string): WebServiceProperties {
  return {
    ...graphProperties(
      {
        in: { input: "input1" },
        model: {
          asset: {
            name: "M [trained model]",
            type: "Resource",
            locationInfo: { uri: "" },
            outputPorts: { "Trained model": { type: "Dataset" } },
          },
        },
        score: { module: "Score Model" },
        out: { output: "output1" },
      },
      [
        "in:Data -> score:Dataset",
        "model:Trained model -> score:Trained model",
        "score:Scored dataset -> out:",
      ],
      { inputs: { input1: { x: "Number" } } },
    ),
    title,
  };
}

function serving(props: WebServiceProperties, sha: string | null): ServingState {
  const shape: ServiceShape = engine.describeService(props);
  return { properties: props, shape, models: { "a-model": sha } };
}

describe("RRS prepared graphs: prepared once per served model", () => {
  let dir: string;
  let models: ModelStore;
  let prepared: WebServiceProperties[];
  let graphs: PreparedGraphs;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "prepared-"));
    models = new ModelStore(dir);
    prepared = [];
    // The real engine, counting what it is asked to prepare.
    graphs = new PreparedGraphs(
      {
        prepareGraph: (request) => {
          prepared.push(request.properties);
          return engine.prepareGraph(request);
        },
      },
      models,
      false,
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps a target's graph while it serves the same model and definition, even from a re-read record", () => {
    const sha = models.put(new Uint8Array([1, 2, 3]));
    const first = serving(properties("v1"), sha);
    const graph = graphs.get("e1", first);
    expect(graphs.get("e1", first)).to.equal(graph);
    // The store changed elsewhere: the target is resolved again into equal, new objects.
    const reread = serving(
      JSON.parse(JSON.stringify(first.properties)) as WebServiceProperties,
      sha,
    );
    expect(graphs.get("e1", reread)).to.equal(graph);
    expect(prepared.length).to.equal(1);
  });

  it("prepares again for another model, another definition, or another target", () => {
    const a = models.put(new Uint8Array([1]));
    const b = models.put(new Uint8Array([2]));
    const g1 = graphs.get("e1", serving(properties("v1"), a));
    const g2 = graphs.get("e1", serving(properties("v1"), b));
    const g3 = graphs.get("e1", serving(properties("v2"), b));
    const g4 = graphs.get("e2", serving(properties("v2"), b));
    expect(new Set([g1, g2, g3, g4]).size).to.equal(4);
    expect(prepared.map((p) => p.title)).to.deep.equal(["v1", "v1", "v2", "v2"]);
    expect(graphs.size).to.equal(2);
  });

  it("a graph whose model bytes cannot be read fails when scored, not when prepared", async () => {
    const sha = models.put(new Uint8Array([9, 9, 9]));
    const graph = graphs.get("e1", serving(properties("v1"), sha));
    const table = engine.tableFromRows(["x"], [[1]]);
    await expect(
      engine.runPreparedAsync(graph, { inputs: { input1: table }, globalParameters: {} }),
    ).to.be.rejectedWith(/not a readable|InvalidModel|\.ilearner/i);
  });
});
