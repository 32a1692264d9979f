/**
 * The graph a job's worker runs for the portal (`emulator/jobs/observedGraph.ts`): the job's own
 * with Evaluate Model's inputs and results as added outputs, each evaluation tied to the model
 * output it evaluates; and the same graph, unchanged, when there is nothing to watch. The added
 * outputs must not change what the job computes: the engine runs both graphs on the same rows and
 * the job's own outputs are equal byte for byte.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { ArmWebService } from "../../../contract";
import { loadEngine } from "../../../emulator/engineLoader";
import { observeEvaluations } from "../../../emulator/jobs/observedGraph";
import { censusCsv } from "../api/censusData";
import { clusteringGraph } from "../../helpers/portal";

function definition(name: string): ArmWebService {
  const file = path.join(__dirname, "..", "..", "..", "definitions", `${name}.json`);
  return JSON.parse(readFileSync(file, "utf8")) as ArmWebService;
}

describe("emulator observed graph", function () {
  it("adds Evaluate Model's scored rows and results as outputs, tied to the model output", function () {
    const properties = definition("census-training").properties;
    const observed = observeEvaluations(properties);
    expect(observed.evaluations).to.deep.equal([
      {
        nodeId: "node8",
        side: "left",
        scoredOutput: "__portal_node8_left",
        resultsOutput: "__portal_node8_results",
        modelSource: "node6/Trained model",
      },
    ]);
    expect(observed.outputSources).to.deep.equal({
      output1: "node6/Trained model",
      output2: "node8/Evaluation results",
    });
    const added = observed.properties.package!.edges.slice(properties.package!.edges.length);
    expect(added).to.deep.equal([
      {
        sourceNodeId: "node8",
        sourcePortId: "Evaluation results",
        targetNodeId: "__portal_node8_results_node",
        targetPortId: "Data",
      },
      {
        sourceNodeId: "node7",
        sourcePortId: "Scored dataset",
        targetNodeId: "__portal_node8_left_node",
        targetPortId: "Data",
      },
    ]);
    expect(Object.keys(observed.properties.output!.properties)).to.deep.equal([
      "output1",
      "output2",
      "__portal_node8_results",
      "__portal_node8_left",
    ]);
    // The job's definition itself is left as it was.
    expect(Object.keys(properties.output!.properties)).to.deep.equal(["output1", "output2"]);
  });

  it("ties a clustering's evaluation to the model Train Clustering Model trained and scored with", function () {
    const properties = clusteringGraph();
    expect(observeEvaluations(properties).evaluations).to.deep.equal([
      {
        nodeId: "evaluate",
        side: "left",
        scoredOutput: "__portal_evaluate_left",
        resultsOutput: "__portal_evaluate_results",
        modelSource: "train/Trained model",
      },
    ]);
  });

  it("leaves a graph without Evaluate Model as it is", function () {
    const properties = definition("census-predictive").properties;
    const observed = observeEvaluations(properties);
    expect(observed.properties).to.equal(properties);
    expect(observed.evaluations).to.deep.equal([]);
  });

  it("computes the job's own outputs exactly as the job's graph does", function () {
    const engine = loadEngine();
    const properties = definition("census-training").properties;
    const spec = properties.input!.properties.input1;
    const input1 = engine.applySchema(
      engine.parseCsv(Buffer.from(censusCsv(400, 5)), "input1"),
      spec,
      "input1",
    );
    const run = (p: typeof properties) =>
      engine.runGraph({
        properties: p,
        inputs: { input1 },
        globalParameters: {},
        trainedModels: {},
        trainedAt: "2026-11-27T00:00:00.000Z",
      });
    const plain = run(properties);
    const observed = observeEvaluations(properties);
    const watched = run(observed.properties);
    const bytes = (r: typeof plain, port: string): Buffer => {
      const output = r.outputs[port];
      if (output.kind === "model") return Buffer.from(output.ilearner);
      if (output.kind === "dataset") return Buffer.from(engine.toCsv(output.table));
      throw new Error(`${port}: a ${output.kind}`);
    };
    for (const port of ["output1", "output2"])
      expect(bytes(watched, port).equals(bytes(plain, port)), port).to.equal(true);
    const scored = watched.outputs.__portal_node8_left;
    expect(
      scored.kind === "dataset" && scored.table.columns.map((c) => c.name).slice(-2),
    ).to.deep.equal(["Scored Labels", "Scored Probabilities"]);
  });
});
