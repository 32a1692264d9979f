/**
 * The data manipulation modules on small literal tables, with exact results: Join Data, Add
 * Columns, Add Rows, Remove Duplicate Rows, Apply Math Operation, Normalize Data and Apply
 * Transformation, Convert to Indicator Values, Group Data into Bins, Clip Values, Partition and
 * Sample, Summarize Data, Filter Based Feature Selection, Enter Data Manually and Apply SQL
 * Transformation.
 */
import { expect } from "chai";
import { findModule } from "../../../emulator/engine/modules/registry";
import type { PortValue, StudioModule } from "../../../emulator/engine/modules/types";
import { expectVariant } from "../../helpers/expect";
import { byNames, names, run, table, tableOf, throwsEngine, values } from "./helpers";

function module(name: string): StudioModule {
  const m = findModule(name);
  if (!m) throw new Error(`no module ${name}`);
  return m;
}

const people = () =>
  table({
    id: [1, 2, 3, 4],
    name: ["ann", "bob", "cy", "dee"],
    city: { values: ["Oslo", "Rome", "Oslo", null], categorical: true },
    score: [2.5, 4, 1, 8],
  });

describe("engine: data manipulation modules", () => {
  it("Join Data: inner, left outer, full outer and left semi joins; duplicate right names get (1)", () => {
    const left = table({ k: ["a", "b", "c"], v: [1, 2, 3] });
    const right = table({ k: ["b", "c", "c", "d"], v: [20, 30, 31, 40] });
    const join = (type: string, keep = "True") =>
      tableOf(
        run(module("Join Data"), [left, right], {
          "Join key columns for L": byNames("k"),
          "Join key columns for R": byNames("k"),
          "Join type": type,
          "Keep right key columns in joined table": keep,
        })[0],
      );
    const inner = join("Inner Join");
    expect(names(inner)).to.deep.equal(["k", "v", "k (1)", "v (1)"]);
    expect(values(inner, "v")).to.deep.equal([2, 3, 3]);
    expect(values(inner, "v (1)")).to.deep.equal([20, 30, 31]);
    expect(values(join("Left Outer Join"), "v (1)")).to.deep.equal([null, 20, 30, 31]);
    const full = join("Full Outer Join", "False");
    expect(names(full)).to.deep.equal(["k", "v", "v (1)"]);
    expect(values(full, "k")).to.deep.equal(["a", "b", "c", "c", "d"]);
    expect(values(full, "v")).to.deep.equal([1, 2, 3, 3, null]);
    expect(values(join("Left Semi-Join"), "k")).to.deep.equal(["b", "c"]);
  });

  it("Add Columns side by side (0027 on row counts); Add Rows stacks, widening Int64 with Double (0010 on names)", () => {
    const combined = tableOf(
      run(module("Add Columns"), [table({ a: [1, 2] }), table({ a: [3, 4] })])[0],
    );
    expect(names(combined)).to.deep.equal(["a", "a (1)"]);
    throwsEngine(() => run(module("Add Columns"), [table({ a: [1] }), table({ b: [1, 2] })]), {
      code: "0027",
    });
    const stacked = tableOf(
      run(module("Add Rows"), [table({ a: [1, 2] }), table({ a: [2.5] })])[0],
    );
    expect(values(stacked, "a")).to.deep.equal([1, 2, 2.5]);
    expect(stacked.columns[0].type).to.equal("Double");
    throwsEngine(() => run(module("Add Rows"), [table({ a: [1] }), table({ b: [1] })]), {
      code: "0010",
      message:
        "Error 0010: Column names are not the same for column 0 (zero-based) of input datasets (a and b respectively).",
    });
  });

  it("Remove Duplicate Rows keeps the first (or last) row of each key, in table order", () => {
    const t = table({ k: ["x", "y", "x", "z", "y"], n: [1, 2, 3, 4, 5] });
    const first = tableOf(
      run(module("Remove Duplicate Rows"), [t], {
        "Key column selection filter expression": byNames("k"),
      })[0],
    );
    expect(values(first, "n")).to.deep.equal([1, 2, 4]);
    const last = tableOf(
      run(module("Remove Duplicate Rows"), [t], {
        "Key column selection filter expression": byNames("k"),
        "Retain first duplicate row": "False",
      })[0],
    );
    expect(values(last, "n")).to.deep.equal([3, 4, 5]);
  });

  it("Apply Math Operation: unary, constant and column operands; Append, Inplace and ResultOnly; names as Studio writes them", () => {
    const t = table({ a: [1, 4, 9], b: [2, 2, 3] });
    const sqrt = tableOf(
      run(module("Apply Math Operation"), [t], {
        Category: "Basic",
        "Basic math function": "Sqrt",
        "Column set": byNames("a"),
      })[0],
    );
    expect(names(sqrt)).to.deep.equal(["a", "b", "Sqrt(a)"]);
    expect(values(sqrt, "Sqrt(a)")).to.deep.equal([1, 2, 3]);
    const add = tableOf(
      run(module("Apply Math Operation"), [t], {
        Category: "Operations",
        "Arithmetic operation": "Add",
        "Column set": byNames("a"),
        "Constant operand": "10",
        "Output mode": "ResultOnly",
      })[0],
    );
    expect(names(add)).to.deep.equal(["Add(a_$10)"]);
    expect(values(add, "Add(a_$10)")).to.deep.equal([11, 14, 19]);
    const compare = tableOf(
      run(module("Apply Math Operation"), [t], {
        Category: "Compare",
        "Comparison function": "GreaterThan",
        "Column set": byNames("a"),
        "Second argument type": "ColumnSet",
        "Second argument column set": byNames("b"),
      })[0],
    );
    expect(values(compare, "GreaterThan(a_b)")).to.deep.equal([0, 1, 1]);
    expect(compare.columns[2].type).to.equal("Boolean");
    const inplace = tableOf(
      run(module("Apply Math Operation"), [t], {
        Category: "Rounding",
        "Rounding operation": "Mod",
        "Column set": byNames("a"),
        "Constant operand": "4",
        "Output mode": "Inplace",
      })[0],
    );
    expect(values(inplace, "a")).to.deep.equal([1, 0, 1]);
  });

  it("Normalize Data saves ZScore statistics; Apply Transformation replays them on other rows", () => {
    const train = table({ x: [1, 2, 3, 4], y: ["a", "b", "a", "b"] });
    const [normalized, transform] = run(module("Normalize Data"), [train], {
      "Columns to transform": byNames("x"),
    });
    const sd = Math.sqrt(1.25);
    expect(values(tableOf(normalized), "x")).to.deep.equal([1, 2, 3, 4].map((v) => (v - 2.5) / sd));
    expectVariant(transform, "type", "Transform");
    expect(transform.transform).to.deep.equal({
      kind: "normalize",
      method: "ZScore",
      constantsToZero: true,
      columns: [{ name: "x", a: 2.5, b: sd }],
    });
    const applied = tableOf(
      run(module("Apply Transformation"), [transform, table({ x: [2.5], y: ["a"] })])[0],
    );
    expect(values(applied, "x")).to.deep.equal([0]);
    const minmax = tableOf(
      run(module("Normalize Data"), [train], {
        "Transformation method": "MinMax",
        "Columns to transform": byNames("x"),
      })[0],
    );
    expect(values(minmax, "x")).to.deep.equal([0, 1 / 3, 2 / 3, 1]);
    throwsEngine(
      () => run(module("Normalize Data"), [train], { "Columns to transform": byNames("y") }),
      { code: "0017" },
    );
  });

  it("Convert to Indicator Values: one 0/1 column per level (and Missing), the same columns replayed on one row", () => {
    const [out, transform] = run(module("Convert to Indicator Values"), [people()], {
      "Categorical columns to convert": byNames("city"),
      "Overwrite categorical columns": "True",
    });
    expect(names(tableOf(out))).to.deep.equal([
      "id",
      "name",
      "city-Oslo",
      "city-Rome",
      "city-Missing",
      "score",
    ]);
    expect(values(tableOf(out), "city-Oslo")).to.deep.equal([1, 0, 1, 0]);
    expect(values(tableOf(out), "city-Missing")).to.deep.equal([0, 0, 0, 1]);
    const one = table({
      id: [9],
      name: ["eve"],
      city: { values: ["Rome"], categorical: true },
      score: [3],
    });
    const replayed = tableOf(run(module("Apply Transformation"), [transform, one])[0]);
    expect(names(replayed)).to.deep.equal(names(tableOf(out)));
    expect(values(replayed, "city-Rome")).to.deep.equal([1]);
    throwsEngine(
      () =>
        run(module("Convert to Indicator Values"), [people()], {
          "Categorical columns to convert": byNames("name"),
        }),
      { code: "0056" },
    );
  });

  it("Group Data into Bins: quantile, equal-width and custom edges; values on an edge go to the lower bin", () => {
    const t = table({ x: [1, 2, 3, 4, 5, 6, 7, 8] });
    const bins = (params: Record<string, string>) =>
      values(
        tableOf(
          run(module("Group Data into Bins"), [t], {
            "Columns to bin": byNames("x"),
            "Output mode": "Inplace",
            ...params,
          })[0],
        ),
        "x",
      );
    expect(bins({ "Number of bins": "4" })).to.deep.equal([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(bins({ "Binning mode": "Equal Width", "Number of bins": "2" })).to.deep.equal([
      1, 1, 1, 1, 2, 2, 2, 2,
    ]);
    expect(
      bins({ "Binning mode": "Custom Edges", "Comma-separated list of bin edges": "2, 6" }),
    ).to.deep.equal([1, 1, 2, 2, 2, 2, 3, 3]);
  });

  it("Clip Values: peaks to a constant, subpeaks to the median, with indicator columns", () => {
    const t = table({ x: [-5, 0, 0.5, 1, 9] });
    const out = tableOf(
      run(module("Clip Values"), [t], {
        "Set of thresholds": "ClipPeaksAndSubPeaks",
        "Lower substitute value": "Median",
        "List of columns": byNames("x"),
        "Add indicator columns": "True",
      })[0],
    );
    expect(values(out, "x")).to.deep.equal([0.5, 0, 0.5, 1, 1]);
    expect(values(out, "x_clipped_indicator")).to.deep.equal([1, 0, 0, 0, 1]);
  });

  it("Partition and Sample: Head, seeded Sampling, Assign to Folds then Pick Fold (0039 without folds)", () => {
    const t = table({ n: Array.from({ length: 10 }, (_, i) => i) });
    const head = tableOf(
      run(module("Partition and Sample"), [t], {
        "Partition or sample mode": "Head",
        "Number of rows to select": "3",
      })[0],
    );
    expect(values(head, "n")).to.deep.equal([0, 1, 2]);
    const sample = (seed: string) =>
      values(
        tableOf(
          run(module("Partition and Sample"), [t], {
            "Rate of sampling": "0.3",
            "Random seed for sampling": seed,
          })[0],
        ),
        "n",
      );
    expect(sample("5")).to.have.length(3).and.deep.equal(sample("5"));
    const [assigned] = run(module("Partition and Sample"), [t], {
      "Partition or sample mode": "Assign to Folds",
      "Specify number of folds to split evenly into": "2",
      "Randomized split": "False",
    });
    expect(Array.from(tableOf(assigned).folds ?? [])).to.deep.equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const picked = tableOf(
      run(module("Partition and Sample"), [assigned], {
        "Partition or sample mode": "Pick Fold",
        "Specify which fold to be sampled from": "2",
      })[0],
    );
    expect(values(picked, "n")).to.deep.equal([5, 6, 7, 8, 9]);
    throwsEngine(
      () => run(module("Partition and Sample"), [t], { "Partition or sample mode": "Pick Fold" }),
      { code: "0039" },
    );
  });

  it("Summarize Data: counts for every column, statistics for numeric ones", () => {
    const out = tableOf(run(module("Summarize Data"), [people()])[0]);
    expect(values(out, "Feature")).to.deep.equal(["id", "name", "city", "score"]);
    expect(values(out, "Missing Value Count")).to.deep.equal([0, 0, 1, 0]);
    expect(values(out, "Unique Value Count")).to.deep.equal([4, 4, 2, 4]);
    expect(values(out, "Mean")).to.deep.equal([2.5, null, null, 3.875]);
    expect(values(out, "Median")).to.deep.equal([2.5, null, null, 3.25]);
    expect(values(out, "Sample Variance")[0]).to.be.closeTo(5 / 3, 1e-12);
  });

  it("Filter Based Feature Selection keeps the target and the best-scored features", () => {
    const t = table({
      noise: [1, 3, 2, 4, 1, 3],
      strong: [1, 2, 3, 4, 5, 6],
      weak: [2, 1, 4, 3, 6, 5],
      y: [1.1, 2, 2.9, 4.2, 5, 6.1],
    });
    const [filtered, features] = run(module("Filter Based Feature Selection"), [t], {
      "Feature scoring method": "Pearson Correlation",
      "Target column": byNames("y"),
      "Number of desired features": "2",
    });
    expect(names(tableOf(filtered))).to.deep.equal(["strong", "weak", "y"]);
    expect(values(tableOf(features), "Feature")).to.deep.equal(["strong", "weak", "noise"]);
  });

  it("Enter Data Manually reads CSV and TSV with or without a header; Apply SQL Transformation names duplicate columns", () => {
    const csv = tableOf(run(module("Enter Data Manually"), [], { Data: "a,b\n1,x\n2,y\n" })[0]);
    expect(values(csv, "a")).to.deep.equal([1, 2]);
    const tsv = tableOf(
      run(module("Enter Data Manually"), [], {
        DataFormat: "TSV",
        HasHeader: "False",
        Data: "1\tx\n",
      })[0],
    );
    expect(names(tsv)).to.deep.equal(["Col1", "Col2"]);
    const sql = tableOf(
      run(module("Apply SQL Transformation"), [csv, csv], {
        "SQL Query Script":
          "create table t as select a from t1; select t.a, t2.a from t join t2 on t.a = t2.a;",
      })[0],
    );
    expect(names(sql)).to.deep.equal(["a", "a (1)"]);
    expect(values(sql, "a (1)")).to.deep.equal([1, 2]);
    throwsEngine(
      () =>
        run(module("Apply SQL Transformation"), [csv], { "SQL Query Script": "delete from t1;" }),
      {
        code: "0069",
        message:
          'Error 0069: SQL query "delete from t1;" is not correct: the last statement returns no rows: end the script with a SELECT',
      },
    );
  });

  it("data and script modules need the runtime (a synchronous run has none): Error 0039 naming the node", () => {
    throwsEngine(() => run(module("Execute Python Script"), [people()]), {
      code: "0039",
      message:
        "Error 0039: Error while completing operation: node node1 runs a Python script, which needs the emulator's runtime (an asynchronous graph run).",
    });
  });
});

describe("engine: training and evaluation modules", () => {
  const multiclass = () => {
    const rows = Array.from({ length: 90 }, (_, i) => i);
    return table({
      x: rows.map((i) => (i % 3) * 2 + (i % 7) / 10),
      y: rows.map((i) => ((i * 13) % 10) / 10),
      kind: rows.map((i) => ["a", "b", "c"][i % 3]),
    });
  };
  const train = (
    learner: string,
    data = multiclass(),
    params: Record<string, string> = {},
  ): PortValue => {
    const [untrained] = run(module(learner), [], params);
    return run(module("Train Model"), [untrained, data], { "Label column": byNames("kind") })[0];
  };

  it("Score Model and Evaluate Model for a multiclass model: probabilities per class, Combined Evaluation and per-class rows", () => {
    const scored = tableOf(
      run(module("Score Model"), [train("Multiclass Logistic Regression"), multiclass()])[0],
    );
    expect(names(scored).slice(3)).to.deep.equal([
      'Scored Probabilities for Class "a"',
      'Scored Probabilities for Class "b"',
      'Scored Probabilities for Class "c"',
      "Scored Labels",
    ]);
    const evaluation = tableOf(run(module("Evaluate Model"), [scored])[0]);
    expect(values(evaluation, "Result Description")).to.deep.equal([
      "Combined Evaluation",
      "Evaluation For Class a",
      "Evaluation For Class b",
      "Evaluation For Class c",
    ]);
    expect(values(evaluation, "Overall Accuracy")[0]).to.equal(1);
    expect(values(evaluation, "Predicted a")).to.deep.equal([30, 30, 0, 0]);
  });

  it("Evaluate Model for clustering: Studio's table with a row per cluster", () => {
    const points = table({ u: [0, 0.2, 0.1, 5, 5.2, 5.1] });
    const [untrained] = run(module("K-Means Clustering"), [], {
      "Number of Centroids": "2",
      Initialization: "First N",
    });
    const [model, assigned] = run(module("Train Clustering Model"), [untrained, points], {
      "Column Set": byNames("u"),
    });
    expectVariant(model, "type", "TrainedModel");
    const evaluation = tableOf(run(module("Evaluate Model"), [assigned])[0]);
    expect(values(evaluation, "Result Description")).to.deep.equal([
      "Combined Evaluation",
      "Evaluation For Cluster No.0",
      "Evaluation For Cluster No.1",
    ]);
    expect(values(evaluation, "Number of Points")).to.deep.equal([6, 3, 3]);
    expect(values(evaluation, "Maximal Distance To Cluster Center")[1]).to.be.closeTo(0.1, 1e-12);
  });

  it("Tune Model Hyperparameters sweeps the listed values (entire grid) and returns the best model", () => {
    const [learner] = run(module("Two-Class Decision Forest"), [], {
      "Create trainer mode": "Parameter Range",
      "Number of decision trees": "1; 4",
      "Minimum number of samples per leaf node": "1; 20",
    });
    const data = table({
      x: Array.from({ length: 60 }, (_, i) => i % 10),
      kind: Array.from({ length: 60 }, (_, i) => (i % 10 < 5 ? "lo" : "hi")),
    });
    const [sweep, best] = run(module("Tune Model Hyperparameters"), [learner, data], {
      "Specify parameter sweeping mode": "Entire grid",
      "Label column": byNames("kind"),
      "Metric for measuring performance for classification": "Accuracy",
    });
    const results = tableOf(sweep);
    expect(results.rowCount).to.equal(4);
    expect(names(results).slice(0, 2)).to.deep.equal([
      "Number of decision trees",
      "Minimum number of samples per leaf node",
    ]);
    expect(values(results, "Accuracy")[0]).to.equal(1);
    expect(values(results, "Minimum number of samples per leaf node")[0]).to.equal(1);
    expectVariant(best, "type", "TrainedModel");
  });

  it("Cross Validate Model: every row scored by a model that did not see it, ten folds, mean and standard deviation", () => {
    const [learner] = run(module("Multiclass Logistic Regression"), []);
    const [scored, byFold] = run(module("Cross Validate Model"), [learner, multiclass()], {
      "Label column": byNames("kind"),
    });
    expect(values(tableOf(scored), "Fold Assignments").filter((f) => f === 0)).to.have.length(9);
    const folds = tableOf(byFold);
    expect(values(folds, "Fold Number")).to.deep.equal([
      "0",
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
      "Mean",
      "Standard Deviation",
    ]);
    expect(values(folds, "Number of examples in fold").slice(0, 10)).to.deep.equal(
      Array(10).fill(9),
    );
    expect(values(folds, "Overall Accuracy")[10]).to.equal(1);
  });

  it("Permutation Feature Importance ranks the feature the model uses first", () => {
    const data = table({
      signal: Array.from({ length: 200 }, (_, i) => i % 2),
      noise: Array.from({ length: 200 }, (_, i) => (i * 7919) % 13),
      kind: Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? "even" : "odd")),
    });
    const model = train("Two-Class Decision Forest", data);
    const importance = tableOf(
      run(module("Permutation Feature Importance"), [model, data], { "Random seed": "3" })[0],
    );
    expect(values(importance, "Feature")[0]).to.equal("signal");
    expect(values(importance, "Score")[0]).to.be.greaterThan(0.3);
  });
});
