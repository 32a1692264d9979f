/**
 * Row plans (`emulator/engine/graph/rowPlan.ts`) are an exact shortcut: for every request,
 * `scoreRows` either gives exactly what the ordinary run gives (the rows as tables typed by the
 * input schema, the graph run module by module, the outputs rendered), or declines (undefined)
 * and the ordinary run decides, errors included. These tests score real sample definitions and
 * small graphs both ways, row by row and in batches, with the perturbations a caller sends
 * (missing cells, unseen levels, numbers as JSON numbers or text, reordered, extra and missing
 * columns, values that do not convert), and check both that the answers are equal and that the
 * plan is really used where it should be.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { WebServiceProperties } from "../../../contract";
import {
  applySchema,
  isEngineError,
  parseCsv,
  prepareGraph,
  runGraph,
  runPreparedAsync,
  scoreRows,
  tableFromRows,
  tableToRows,
  type PreparedGraph,
  type RenderedTable,
} from "../../../emulator/engine";
import { expectVariant } from "../../helpers/expect";
import { graphProperties } from "../../helpers/graphs";

type Cell = string | number | boolean | null;

const root = join(__dirname, "..", "..", "..");
const definition = (name: string): WebServiceProperties =>
  (
    JSON.parse(readFileSync(join(root, "definitions", `${name}.json`), "utf8")) as {
      properties: WebServiceProperties;
    }
  ).properties;

/** A model trained by a training definition on a CSV of data/ (its output1). */
function trainedModel(training: WebServiceProperties, csv: string): Uint8Array {
  let table = parseCsv(readFileSync(join(root, "data", csv)), "input1");
  table = applySchema(table, training.input!.properties.input1, "input1");
  const out = runGraph({
    properties: training,
    inputs: { input1: table },
    globalParameters: {},
    trainedModels: {},
    trainedAt: "2026-12-01T00:00:00.000Z",
  }).outputs.output1;
  expectVariant(out, "kind", "model", "the training graph's model");
  return out.ilearner;
}

/** The predictive graph prepared with the model in its "[trained model]" asset. */
function prepared(predictive: WebServiceProperties, model: Uint8Array): PreparedGraph {
  const assetId = Object.entries(predictive.assets ?? {}).find(([, a]) =>
    a.name.endsWith("[trained model]"),
  )![0];
  return prepareGraph({ properties: predictive, trainedModels: { [assetId]: model } });
}

type Outcome = { tables: Record<string, RenderedTable> } | { error: string };

/** The ordinary run of one request: what the RRS handler does without a row plan. */
async function ordinary(
  graph: PreparedGraph,
  properties: WebServiceProperties,
  columns: string[],
  rows: Cell[][],
  globalParameters: Record<string, string> = {},
): Promise<Outcome> {
  try {
    const spec = properties.input?.properties?.input1;
    let table = tableFromRows(columns, rows, spec);
    if (spec) table = applySchema(table, spec, "input1");
    const result = await runPreparedAsync(graph, { inputs: { input1: table }, globalParameters });
    const tables: Record<string, RenderedTable> = {};
    for (const [name, output] of Object.entries(result.outputs)) {
      expectVariant(output, "kind", "dataset", `output ${name}`);
      tables[name] = tableToRows(output.table);
    }
    return { tables };
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return { error: `${error.kind} ${error.code}: ${error.message}` };
  }
}

/**
 * Scores one request both ways and checks them against each other; returns whether the plan
 * answered.
 */
async function compare(
  graph: PreparedGraph,
  properties: WebServiceProperties,
  columns: string[],
  rows: Cell[][],
  globalParameters: Record<string, string> = {},
): Promise<boolean> {
  const expected = await ordinary(graph, properties, columns, rows, globalParameters);
  const planned = scoreRows(graph, { inputs: { input1: { columns, rows } }, globalParameters });
  const what = `${JSON.stringify(columns)} ${JSON.stringify(rows).slice(0, 300)}`;
  if ("error" in expected) {
    expect(planned, `the plan declines what the ordinary run refuses (${expected.error})`).to.equal(
      undefined,
    );
    return false;
  }
  if (planned === undefined) return false;
  expect(planned, what).to.deep.equal(expected.tables);
  return true;
}

/** Rows of a data/ CSV without one column, as text cells (what a client reading the CSV sends). */
function csvRows(
  file: string,
  without: string,
  count: number,
): { columns: string[]; rows: Cell[][] } {
  const [header, ...lines] = readFileSync(join(root, "data", file), "utf8")
    .trim()
    .split("\n");
  const names = header.split(",");
  const keep = names.map((n, i) => (n === without ? -1 : i)).filter((i) => i >= 0);
  return {
    columns: keep.map((i) => names[i]),
    rows: lines.slice(0, count).map((line) => {
      const cells = line.split(",");
      return keep.map((i) => cells[i]);
    }),
  };
}

describe("engine row plans: scoreRows gives exactly the ordinary run's answer, or declines", function () {
  this.timeout(120_000);

  describe("census: Clean Missing Data, Edit Metadata, Score Model (logistic regression), Select Columns", () => {
    const properties = definition("census-predictive");
    const graph = prepared(
      properties,
      trainedModel(definition("census-training"), "census-2026-10.csv"),
    );
    const { columns, rows } = csvRows("census-2026-11.csv", "income", 400);
    const at = (name: string): number => columns.indexOf(name);

    it("scores 400 one-row requests through the plan, each equal to the ordinary run", async () => {
      let planned = 0;
      for (const row of rows) if (await compare(graph, properties, columns, [row])) planned++;
      expect(planned).to.equal(rows.length);
    });

    it("scores a 50-row request, with columns in another order, through the plan", async () => {
      const order = [...columns].reverse();
      const batch = rows.slice(0, 50).map((row) => order.map((c) => row[at(c)]));
      expect(await compare(graph, properties, order, batch)).to.equal(true);
    });

    it("substitutes missing categories, scores unseen levels, and leaves rows with a missing number unscored", async () => {
      const variants: Cell[][] = [];
      for (const row of rows.slice(0, 30)) {
        const missingWork = [...row];
        missingWork[at("workclass")] = null;
        const emptyOccupation = [...row];
        emptyOccupation[at("occupation")] = "";
        const unseen = [...row];
        unseen[at("native-country")] = "Atlantis";
        const noAge = [...row];
        noAge[at("age")] = null;
        const numbers = [...row];
        numbers[at("age")] = Number(row[at("age")]);
        numbers[at("hours-per-week")] = Number(row[at("hours-per-week")]);
        const questionMark = [...row];
        questionMark[at("capital-gain")] = "?";
        variants.push(missingWork, emptyOccupation, unseen, noAge, numbers, questionMark);
      }
      let planned = 0;
      for (const row of variants) if (await compare(graph, properties, columns, [row])) planned++;
      expect(planned).to.equal(variants.length);
      expect(await compare(graph, properties, columns, variants)).to.equal(true);
    });

    it("declines what the ordinary run refuses: text in a number, a fraction in an integer, extra, missing and repeated columns, short rows", async () => {
      const row = rows[0];
      const text = [...row];
      text[at("age")] = "forty";
      const fraction = [...row];
      fraction[at("age")] = 40.5;
      const cases: [string[], Cell[][]][] = [
        [columns, [text]],
        [columns, [fraction]],
        [[...columns, "extra"], [[...row, "1"]]],
        [columns.slice(1), [row.slice(1)]],
        [[...columns.slice(0, -1), columns[0]], [row]],
        [columns, [row.slice(1)]],
        [columns, []],
      ];
      for (const [names, batch] of cases)
        expect(await compare(graph, properties, names, batch), JSON.stringify(names)).to.equal(
          false,
        );
    });
  });

  describe("bike demand: Edit Metadata, Score Model (linear regression), Select Columns", () => {
    const properties = definition("bike-demand-predictive");
    const graph = prepared(
      properties,
      trainedModel(definition("bike-demand-training"), "bike-demand-sample.csv"),
    );
    const { columns, rows } = csvRows("bike-demand-sample.csv", "count", 300);

    it("scores every row and a batch through the plan, equal to the ordinary run", async () => {
      let planned = 0;
      for (const row of rows) if (await compare(graph, properties, columns, [row])) planned++;
      expect(planned).to.equal(rows.length);
      expect(await compare(graph, properties, columns, rows)).to.equal(true);
    });
  });

  describe("small graphs", () => {
    const trainingRows = Array.from({ length: 120 }, (_v, i) => ({
      x: ((i * 37) % 101) / 10,
      z: (i * 13) % 7,
      c: ["red", "green", "blue"][i % 3],
      b: i % 4 === 0 ? "True" : "False",
      y: ["low", "mid", "high"][(i * 7) % 3],
    }));
    const schema = { x: "Number", z: "Integer", c: "String", b: "Boolean" } as const;
    const pick = (...names: string[]): string =>
      JSON.stringify({
        isFilter: true,
        rules: [{ ruleType: "ColumnNames", exclude: false, columns: names }],
      });

    /** Trains a learner module on the rows and returns its model. */
    function train(
      learner: string,
      labelOf: (r: (typeof trainingRows)[0]) => Cell,
      params: Record<string, string> = {},
    ): Uint8Array {
      const properties = graphProperties(
        {
          in: { input: "input1" },
          learner: { module: learner, params },
          train: { module: "Train Model", params: { "Label column": pick("y") } },
          out: { output: "output1" },
        },
        [
          "in:Data -> train:Dataset",
          "learner:Untrained model -> train:Untrained model",
          "train:Trained model -> out:",
        ],
      );
      const table = tableFromRows(
        ["x", "z", "c", "b", "y"],
        trainingRows.map((r) => [r.x, r.z, r.c, r.b, labelOf(r)]),
      );
      const out = runGraph({
        properties,
        inputs: { input1: table },
        globalParameters: {},
        trainedModels: {},
      }).outputs.output1;
      expectVariant(out, "kind", "model", "a model");
      return out.ilearner;
    }

    /** input → (middle) → Score Model → output, the model in a "[trained model]" resource. */
    function scoring(middle: Record<string, Record<string, string>>): WebServiceProperties {
      const nodes: Parameters<typeof graphProperties>[0] = {
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
      };
      const edges: string[] = [];
      let previous = "in:Data";
      Object.entries(middle).forEach(([module, params], k) => {
        nodes[`m${k}`] = { module, params };
        edges.push(`${previous} -> m${k}:Dataset`);
        previous = `m${k}:${module === "Clean Missing Data" ? "Cleaned dataset" : "Results dataset"}`;
      });
      edges.push(
        `${previous} -> score:Dataset`,
        "model:Trained model -> score:Trained model",
        "score:Scored dataset -> out:",
      );
      return graphProperties(nodes, edges, { inputs: { input1: schema } });
    }

    const probe: Cell[][] = [
      [1.5, 3, "red", "True"],
      [9.9, 0, "green", "False"],
      [null, 2, "blue", "True"],
      [4, null, "purple", null],
      [0.1, 6, null, "False"],
      ["2.5", "4", "red", "true"],
    ];
    const probeColumns = ["x", "z", "c", "b"];

    const learners: [string, (r: (typeof trainingRows)[0]) => Cell, Record<string, string>][] = [
      [
        "Two-Class Boosted Decision Tree",
        (r) => (r.y === "high" ? "yes" : "no"),
        { "Number of trees constructed": "5" },
      ],
      [
        "Two-Class Decision Forest",
        (r) => (r.y === "low" ? 1 : 0),
        { "Number of decision trees": "3" },
      ],
      ["Multiclass Logistic Regression", (r) => r.y, {}],
      ["Linear Regression", (r) => r.x * 2 + r.z, {}],
    ];
    for (const [learner, labelOf, params] of learners) {
      it(`${learner}: every probe row and the batch through the plan`, async () => {
        const properties = scoring({});
        const graph = prepareGraph({
          properties,
          trainedModels: {
            "a-model": train(learner, labelOf, params),
          },
        });
        let planned = 0;
        for (const row of probe)
          if (await compare(graph, properties, probeColumns, [row])) planned++;
        expect(planned).to.equal(probe.length);
        expect(await compare(graph, properties, probeColumns, probe)).to.equal(true);
      });
    }

    const lr = (): Uint8Array =>
      train("Two-Class Logistic Regression", (r) => (r.y === "mid" ? "yes" : "no"));

    it("a substitute that does not fit a column is declined only for rows where it is needed", async () => {
      const properties = scoring({
        "Clean Missing Data": {
          "Columns to be cleaned": pick("x", "c"),
          "Cleaning mode": "Custom substitution value",
          "Replacement value": "none",
        },
      });
      const graph = prepareGraph({ properties, trainedModels: { "a-model": lr() } });
      expect(await compare(graph, properties, probeColumns, [probe[0]])).to.equal(true);
      expect(await compare(graph, properties, probeColumns, [probe[4]])).to.equal(true);
      expect(await compare(graph, properties, probeColumns, [probe[2]])).to.equal(false);
    });

    it("graphs whose modules depend on the other rows always go the ordinary way", async () => {
      const variants: Record<string, Record<string, string>>[] = [
        {
          "Clean Missing Data": {
            "Columns to be cleaned": pick("x"),
            "Cleaning mode": "Replace with mean",
          },
        },
        {
          "Clean Missing Data": {
            "Columns to be cleaned": pick("x"),
            "Cleaning mode": "Custom substitution value",
            "Minimum missing value ratio": "0.5",
          },
        },
        {
          "Clean Missing Data": {
            "Columns to be cleaned": pick("x"),
            "Cleaning mode": "Custom substitution value",
            "Generate missing value indicator column": "True",
          },
        },
        { "Edit Metadata": { Column: pick("z"), "Data type": "Floating point" } },
      ];
      for (const middle of variants) {
        const properties = scoring(middle);
        const graph = prepareGraph({ properties, trainedModels: { "a-model": lr() } });
        for (const row of probe)
          expect(
            await compare(graph, properties, probeColumns, [row]),
            JSON.stringify(middle),
          ).to.equal(false);
      }
    });

    it("a call with web service parameters goes the ordinary way", async () => {
      const properties = scoring({
        "Edit Metadata": { Column: pick("c"), Categorical: "Make categorical" },
      });
      properties.parameters = {
        Unused: { value: "1" },
      } as unknown as WebServiceProperties["parameters"];
      const graph = prepareGraph({ properties, trainedModels: { "a-model": lr() } });
      expect(await compare(graph, properties, probeColumns, [probe[0]])).to.equal(true);
      expect(
        scoreRows(graph, {
          inputs: { input1: { columns: probeColumns, rows: [probe[0]] } },
          globalParameters: { Unused: "2" },
        }),
      ).to.equal(undefined);
    });
  });
});
