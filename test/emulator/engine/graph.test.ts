import { expect } from "chai";
import { expectVariant } from "../../helpers/expect";
import type { GraphNode, WebServiceProperties } from "../../../contract";
import {
  describeService,
  inspectModel,
  runGraph,
  type GraphRunRequest,
} from "../../../emulator/engine";
import { byNames, table, throwsEngine, values } from "./helpers";

const MODULES = {
  lr: "Two-Class Logistic Regression",
  train: "Train Model",
  score: "Score Model",
  select: "Select Columns in Dataset",
  split: "Split Data",
};

type Edge = [string, string, string, string];

function service(
  nodes: Record<string, GraphNode>,
  edges: Edge[],
  extra: Partial<WebServiceProperties> = {},
): WebServiceProperties {
  return {
    packageType: "Graph",
    assets: Object.fromEntries(
      Object.entries(MODULES).map(([id, name]) => [
        id,
        { name, type: "Module" as const, locationInfo: { uri: `aml://module/${id}` } },
      ]),
    ),
    package: {
      nodes,
      edges: edges.map(([sourceNodeId, sourcePortId, targetNodeId, targetPortId]) => ({
        sourceNodeId,
        sourcePortId,
        targetNodeId,
        targetPortId,
      })),
    },
    ...extra,
  };
}

/** input → Train Model ← LR; model → output1; input → Select Columns → output2. */
const trainingNodes = (): Record<string, GraphNode> => ({
  in: { inputId: "input1" },
  lr: { assetId: "lr", parameters: {} },
  train: { assetId: "train", parameters: { "Label column": { value: byNames("y") } } },
  sel: { assetId: "select", parameters: { "Select columns": { value: byNames("x") } } },
  model: { outputId: "output1" },
  data: { outputId: "output2" },
});
const trainingEdges: Edge[] = [
  ["in", "Data", "train", "Dataset"],
  ["lr", "Untrained model", "train", "Untrained model"],
  ["train", "Trained model", "model", "Data"],
  ["in", "Data", "sel", "Dataset"],
  ["sel", "Results dataset", "data", "Data"],
];
const data = () => table({ x: [1, 2, 3, 4, 5, 6], y: ["a", "a", "b", "a", "b", "b"] });

function request(
  properties: WebServiceProperties,
  extra: Partial<GraphRunRequest> = {},
): GraphRunRequest {
  return {
    properties,
    inputs: { input1: data() },
    globalParameters: {},
    trainedModels: {},
    ...extra,
  };
}

describe("engine graph", () => {
  describe("describeService", () => {
    it("reports inputs, outputs by kind, parameters and trained models", () => {
      const p = service(trainingNodes(), trainingEdges, {
        input: {
          type: "object",
          properties: {
            input1: {
              type: "object",
              properties: { x: { type: "Integer" }, y: { type: "String" } },
            },
          },
        },
        parameters: { Seed: { value: "1" }, Needed: {} },
      });
      p.assets!.m = {
        name: "Old Model [trained model]",
        type: "Resource",
        locationInfo: { uri: "" },
      };
      expect(describeService(p)).to.deep.equal({
        inputs: [{ name: "input1", columns: ["x", "y"] }],
        outputs: [
          { name: "output1", kind: "model" },
          { name: "output2", kind: "dataset" },
        ],
        parameters: [
          { name: "Seed", required: false },
          { name: "Needed", required: true },
        ],
        trainedModels: [{ assetId: "m", name: "Old Model [trained model]" }],
      });
    });

    it("reads PascalCase packages (as in the ARM PATCH example)", () => {
      const pascal = JSON.parse(
        JSON.stringify(service(trainingNodes(), trainingEdges))
          .replace(/"assetId"/g, '"AssetId"')
          .replace(/"inputId"/g, '"InputId"')
          .replace(/"sourceNodeId"/g, '"SourceNodeId"')
          .replace(/"value"/g, '"Value"'),
      ) as WebServiceProperties;
      expect(describeService(pascal).outputs.length).to.equal(2);
      expect(runGraph(request(pascal)).outputs.output1).to.be.ok;
    });

    it("accepts a module it cannot run, lists it, and fails a run that reaches it naming the module and node", () => {
      const p = service(trainingNodes(), trainingEdges);
      p.assets!.lr = {
        name: "Two-Class Locally Deep Support Vector Machine",
        type: "Module",
        locationInfo: { uri: "x" },
      };
      expect(describeService(p).unsupported).to.deep.equal([
        { nodeId: "lr", moduleName: "Two-Class Locally Deep Support Vector Machine" },
      ]);
      throwsEngine(() => describeService(p, { strict: true }), {
        kind: "package",
        code: "UnsupportedModule",
        message:
          'Module "Two-Class Locally Deep Support Vector Machine" (node lr) is not supported by the emulator (--strict refuses it at publish time; without --strict a job or call that reaches it fails)',
        nodeId: "lr",
      });
      throwsEngine(() => runGraph(request(p)), {
        kind: "package",
        code: "UnsupportedModule",
        message:
          'Module "Two-Class Locally Deep Support Vector Machine" (node lr) is not supported by the emulator; docs/modules.md lists the modules it runs',
        nodeId: "lr",
      });
    });

    it("rejects unknown assets, dangling edges, unknown ports, doubled ports, unconnected ports and cycles", () => {
      const withNodes = (patch: (n: Record<string, GraphNode>) => void, edges = trainingEdges) => {
        const n = trainingNodes();
        patch(n);
        return service(n, edges);
      };
      throwsEngine(() => describeService(withNodes((n) => (n.lr = { assetId: "nope" }))), {
        code: "UnknownAsset",
        message: 'Node "lr" uses asset "nope", which is not in the assets',
      });
      throwsEngine(
        () =>
          describeService(
            service(trainingNodes(), [...trainingEdges, ["ghost", "x", "train", "Dataset"]]),
          ),
        {
          kind: "package",
          code: "DanglingEdge",
          message: 'Edge ghost:"x" → train:"Dataset" refers to node "ghost", which does not exist',
        },
      );
      throwsEngine(
        () =>
          describeService(
            service(trainingNodes(), [
              ...trainingEdges.slice(1),
              ["in", "Data", "train", "Data set"],
            ]),
          ),
        {
          code: "UnknownPort",
          message:
            'Module "Train Model" (node train) has no input port "Data set" (its input ports: "Untrained model", "Dataset")',
        },
      );
      throwsEngine(
        () =>
          describeService(
            service(trainingNodes(), [
              ...trainingEdges,
              ["sel", "Results dataset", "train", "Dataset"],
            ]),
          ),
        {
          code: "PortConflict",
        },
      );
      throwsEngine(
        () =>
          describeService(
            service(
              trainingNodes(),
              trainingEdges.filter((e) => e[0] !== "lr"),
            ),
          ),
        {
          code: "UnconnectedPort",
          message:
            'Input port "Untrained model" of module "Train Model" (node train) is not connected',
        },
      );
      const cyclic = service(
        {
          a: { assetId: "select", parameters: {} },
          b: { assetId: "select", parameters: {} },
          out: { outputId: "o" },
        },
        [
          ["a", "Results dataset", "b", "Dataset"],
          ["b", "Results dataset", "a", "Dataset"],
          ["b", "Results dataset", "out", "Data"],
        ],
      );
      throwsEngine(() => describeService(cyclic), {
        code: "Cycle",
        message: "The graph has a cycle through nodes a, b",
      });
    });

    it("rejects an output fed by an untrained learner", () => {
      const p = service({ lr: { assetId: "lr" }, out: { outputId: "output1" } }, [
        ["lr", "Untrained model", "out", "Data"],
      ]);
      throwsEngine(() => describeService(p), { code: "UnsupportedOutput" });
    });

    it("ignores unknown module parameters, unless strict", () => {
      const n = trainingNodes();
      n.lr.parameters = { "Learning speed": { value: "fast" } };
      const p = service(n, trainingEdges);
      expect(() => describeService(p)).to.not.throw();
      throwsEngine(() => describeService(p, { strict: true }), {
        kind: "package",
        code: "UnknownModuleParameter",
        message:
          'Module "Two-Class Logistic Regression" (node lr) has no parameter "Learning speed"',
      });
      throwsEngine(() => runGraph(request(p, { strict: true })), {
        code: "UnknownModuleParameter",
      });
    });
  });

  describe("runGraph", () => {
    it("returns a model and a dataset, with one progress line per module start and finish", () => {
      const lines: string[] = [];
      const result = runGraph(
        request(service(trainingNodes(), trainingEdges), { onProgress: (l) => lines.push(l) }),
      );
      const output1 = result.outputs.output1;
      expectVariant(output1, "kind", "model");
      expect(inspectModel(output1.ilearner).labelColumn).to.equal("y");
      const output2 = result.outputs.output2;
      expectVariant(output2, "kind", "dataset");
      expect(values(output2.table, "x")).to.deep.equal([1, 2, 3, 4, 5, 6]);
      expect(lines.map((l) => l.replace(/\d+ ms$/, "N ms"))).to.deep.equal([
        "lr Two-Class Logistic Regression: started",
        "lr Two-Class Logistic Regression: finished in N ms",
        "sel Select Columns in Dataset: started",
        "sel Select Columns in Dataset: finished in N ms",
        "train Train Model: started",
        "train Train Model: finished in N ms",
      ]);
    });

    it("records trainedAt, so a run's model bytes are reproducible", () => {
      const p = service(trainingNodes(), trainingEdges);
      const a = runGraph(request(p, { trainedAt: "2026-11-01T00:00:00.000Z" })).outputs.output1;
      const b = runGraph(request(p, { trainedAt: "2026-11-01T00:00:00.000Z" })).outputs.output1;
      expectVariant(a, "kind", "model");
      expectVariant(b, "kind", "model");
      expect(a.ilearner).to.deep.equal(b.ilearner);
      expect(inspectModel(a.ilearner).trainedAt).to.equal("2026-11-01T00:00:00.000Z");
    });

    it("binds web service parameters to module parameters, defaults first", () => {
      const nodes = trainingNodes();
      nodes.split = { assetId: "split", parameters: { "Randomized split": { value: "False" } } };
      const edges: Edge[] = [
        ["in", "Data", "split", "Dataset"],
        ["split", "Results dataset1", "data", "Data"],
        ...trainingEdges.filter((e) => e[2] !== "data"),
      ];
      const p = service(nodes, edges, { parameters: { Fraction: { value: "0.5" } } });
      p.package!.graphParameters = {
        Fraction: {
          type: "Float",
          links: [
            { nodeId: "split", parameterKey: "Fraction of rows in the first output dataset" },
          ],
        },
      };
      const first = (globalParameters: Record<string, string>) => {
        const out = runGraph(request(p, { globalParameters })).outputs.output2;
        expectVariant(out, "kind", "dataset");
        return values(out.table, "x");
      };
      expect(first({})).to.deep.equal([1, 2, 3]);
      expect(first({ Fraction: "0.34" })).to.deep.equal([1, 2]);
    });

    it("MissingRequiredGlobalParameters and UnexpectedParameter", () => {
      const p = service(trainingNodes(), trainingEdges, { parameters: { Needed: {} } });
      p.package!.graphParameters = {
        Needed: {
          type: "Float",
          links: [{ nodeId: "lr", parameterKey: "L2 regularization weight" }],
        },
      };
      throwsEngine(() => runGraph(request(p)), {
        kind: "inputMismatch",
        code: "MissingRequiredGlobalParameters",
        message: 'Missing required web service parameter(s): "Needed"',
      });
      throwsEngine(() => runGraph(request(p, { globalParameters: { Needed: "1", Other: "2" } })), {
        kind: "inputMismatch",
        code: "UnexpectedParameter",
        message: 'Unexpected web service parameter "Other" (the service\'s parameters: "Needed")',
      });
      expect(runGraph(request(p, { globalParameters: { Needed: "0.5" } })).outputs.output1).to.be
        .ok;
    });

    it("attributes module errors to their node and module", () => {
      const nodes = trainingNodes();
      nodes.train.parameters = { "Label column": { value: byNames("income") } };
      throwsEngine(() => runGraph(request(service(nodes, trainingEdges))), {
        kind: "module",
        code: "0001",
        message: 'Error 0001: Column with name or index "income" does not exist in "Dataset"',
        nodeId: "train",
        moduleName: "Train Model",
      });
    });

    it("runs only what the outputs need", () => {
      const nodes = trainingNodes();
      nodes.stray = {
        assetId: "select",
        parameters: { "Select columns": { value: byNames("nope") } },
      };
      const p = service(nodes, [...trainingEdges, ["in", "Data", "stray", "Dataset"]]);
      expect(runGraph(request(p)).outputs.output2).to.be.ok;
    });

    it("MissingInput, UnexpectedInput, MissingTrainedModel and unreadable model bytes", () => {
      const p = service(trainingNodes(), trainingEdges);
      throwsEngine(() => runGraph(request(p, { inputs: {} })), {
        kind: "inputMismatch",
        code: "MissingInput",
        message: 'Missing web service input "input1"',
      });
      throwsEngine(() => runGraph(request(p, { inputs: { input1: data(), input2: data() } })), {
        kind: "inputMismatch",
        code: "UnexpectedInput",
      });
      const scoring = service(
        {
          in: { inputId: "input1" },
          m: { assetId: "m" },
          score: { assetId: "score" },
          out: { outputId: "output1" },
        },
        [
          ["m", "Trained model", "score", "Trained model"],
          ["in", "Data", "score", "Dataset"],
          ["score", "Scored dataset", "out", "Data"],
        ],
      );
      scoring.assets!.m = {
        name: "X [trained model]",
        type: "Resource",
        locationInfo: { uri: "" },
      };
      throwsEngine(() => runGraph(request(scoring)), {
        kind: "model",
        code: "MissingTrainedModel",
        message: 'No trained model bytes were given for asset "m" ("X [trained model]")',
      });
      throwsEngine(
        () => runGraph(request(scoring, { trainedModels: { m: Buffer.from("garbage") } })),
        { kind: "model", code: "InvalidModel", nodeId: "m" },
      );
      const trained = runGraph(request(service(trainingNodes(), trainingEdges))).outputs.output1;
      expectVariant(trained, "kind", "model");
      const scored = runGraph(request(scoring, { trainedModels: { m: trained.ilearner } })).outputs
        .output1;
      expectVariant(scored, "kind", "dataset");
      expect(scored.table.columns.at(-1)!.name).to.equal("Scored Probabilities");
    });

    it("passes a trained model asset straight to a model output", () => {
      const trained = runGraph(request(service(trainingNodes(), trainingEdges))).outputs.output1;
      expectVariant(trained, "kind", "model");
      const p = service({ m: { assetId: "m" }, out: { outputId: "output1" } }, [
        ["m", "anything", "out", "Data"],
      ]);
      p.assets!.m = { name: "X [trained model]", type: "Resource", locationInfo: { uri: "" } };
      const out = runGraph(request(p, { inputs: {}, trainedModels: { m: trained.ilearner } }))
        .outputs.output1;
      expectVariant(out, "kind", "model");
      expect(out.ilearner).to.deep.equal(trained.ilearner);
    });
  });
});
