/**
 * Training quality, measured against the known true models of data/generate.ts, and the
 * optimizer's optimality conditions.
 */
import { expect } from "chai";
import { expectVariant } from "../../helpers/expect";
import {
  bikeToCsv,
  BIKE_TRUE_MODEL,
  censusToCsv,
  censusTrueModel,
  generateBikeRows,
  generateCensusRows,
  type CensusRow,
} from "../../../data/generate";
import type { DataTable } from "../../../emulator/engine/api";
import { parseCsv } from "../../../emulator/engine/csv";
import { rawCoefficients } from "../../../emulator/engine/learners/linearRegression";
import type { TrainedModel } from "../../../emulator/engine/learners/model";
import { minimizeOwlqn } from "../../../emulator/engine/learners/owlqn";
import { rocAuc } from "../../../emulator/engine/metrics";
import { linearRegression } from "../../../emulator/engine/modules/linearRegression";
import { scoreTable } from "../../../emulator/engine/modules/scoreModel";
import { trainModel } from "../../../emulator/engine/modules/trainModel";
import { twoClassBoostedDecisionTree } from "../../../emulator/engine/modules/twoClassBoostedDecisionTree";
import { twoClassLogisticRegression } from "../../../emulator/engine/modules/twoClassLogisticRegression";
import type { StudioModule } from "../../../emulator/engine/modules/types";
import { Rng } from "../../../emulator/engine/rng";
import { byNames, run, table, values } from "./helpers";

function fit(
  learner: StudioModule,
  data: DataTable,
  label: string,
  params: Record<string, string> = {},
): TrainedModel {
  const out = run(trainModel, [run(learner, [], params)[0], data], {
    "Label column": byNames(label),
  })[0];
  expectVariant(out, "type", "TrainedModel");
  return out.model;
}

function census(rows: number, seed: number, drift: number, interaction = 0) {
  const r = generateCensusRows({ rows, seed, drift, interaction, missingRate: 0 });
  return { rows: r, table: parseCsv(Buffer.from(censusToCsv(r)), "census") };
}

const truth = (rows: CensusRow[]) => rows.map((r) => (r.income === ">50K" ? 1 : 0));

function modelAuc(model: TrainedModel, data: { rows: CensusRow[]; table: DataTable }): number {
  return rocAuc(
    truth(data.rows),
    values(scoreTable(model, data.table), "Scored Probabilities") as number[],
  );
}

function trueAuc(data: { rows: CensusRow[] }, drift: number, interaction = 0): number {
  const m = censusTrueModel(drift, interaction);
  return rocAuc(
    truth(data.rows),
    data.rows.map((r) =>
      m.probability({
        ...r,
        workclass: r.workclass!,
        occupation: r.occupation!,
        "native-country": r["native-country"]!,
      }),
    ),
  );
}

describe("engine learners: quality", () => {
  it("Two-Class Logistic Regression comes within 0.01 AUC of the true model on held-out rows", () => {
    const train = census(75_000, 1, 0);
    const test = census(25_000, 2, 0);
    const model = fit(twoClassLogisticRegression, train.table, "income");
    const got = modelAuc(model, test);
    const best = trueAuc(test, 0);
    expect(
      Math.abs(got - best),
      `logistic regression AUC ${got.toFixed(4)} vs true ${best.toFixed(4)}`,
    ).to.be.below(0.01);
    expect(best, `the true model separates the classes (AUC ${best.toFixed(4)})`).to.be.above(0.8);
  });

  it("drift: a model trained on the newer population scores the newer population clearly better", () => {
    const older = fit(twoClassLogisticRegression, census(3000, 11, 0).table, "income");
    const newer = fit(twoClassLogisticRegression, census(3000, 12, 1).table, "income");
    const test = census(20_000, 13, 1);
    const [aOld, aNew] = [modelAuc(older, test), modelAuc(newer, test)];
    expect(
      aNew - aOld,
      `new model ${aNew.toFixed(4)} vs old model ${aOld.toFixed(4)} on drifted rows`,
    ).to.be.above(0.03);
  });

  it("Two-Class Boosted Decision Tree beats logistic regression on data with an interaction term", () => {
    const train = census(20_000, 21, 0, 2);
    const test = census(20_000, 22, 0, 2);
    const lr = modelAuc(fit(twoClassLogisticRegression, train.table, "income"), test);
    const bdt = modelAuc(fit(twoClassBoostedDecisionTree, train.table, "income"), test);
    expect(
      bdt,
      `boosted trees AUC ${bdt.toFixed(4)} vs logistic regression ${lr.toFixed(4)}`,
    ).to.be.above(lr + 0.05);
    expect(bdt, "and comes close to the true model").to.be.above(trueAuc(test, 0, 2) - 0.03);
  });

  it("Linear Regression (OLS) recovers the true coefficients within 1% on 100k rows", () => {
    const data = parseCsv(
      Buffer.from(bikeToCsv(generateBikeRows({ rows: 100_000, seed: 5 }))),
      "bike",
    );
    const c = rawCoefficients(fit(linearRegression, data, "count"));
    for (const [name, expected] of Object.entries(BIKE_TRUE_MODEL.coefficients)) {
      const rel = Math.abs(c.numeric[name] - expected) / Math.abs(expected);
      expect(
        rel,
        `${name}: ${c.numeric[name]} vs ${expected} (${(100 * rel).toFixed(2)}%)`,
      ).to.be.below(0.01);
    }
    // Season effects are identified up to the intercept: compare differences to spring.
    const s = c.levels.season;
    for (const season of ["summer", "fall", "winter"]) {
      const got = s[season] - s.spring;
      const expected = BIKE_TRUE_MODEL.season[season] - BIKE_TRUE_MODEL.season.spring;
      expect(
        Math.abs(got - expected) / Math.abs(expected),
        `${season}: ${got} vs ${expected}`,
      ).to.be.below(0.01);
    }
    expect(
      Math.abs(c.intercept + s.spring - BIKE_TRUE_MODEL.intercept) / BIKE_TRUE_MODEL.intercept,
    ).to.be.below(0.01);
  });

  it("Linear Regression (Online Gradient Descent) gets close to the least-squares fit, deterministically", () => {
    const data = parseCsv(
      Buffer.from(bikeToCsv(generateBikeRows({ rows: 20_000, seed: 6 }))),
      "bike",
    );
    const params = { "Solution method": "Online Gradient Descent", "Random number seed": "3" };
    const ogd = fit(linearRegression, data, "count", params);
    expect(fit(linearRegression, data, "count", params).body).to.deep.equal(ogd.body);
    const pred = values(scoreTable(ogd, data), "Scored Labels") as number[];
    const y = values(data, "count") as number[];
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const r2 =
      1 -
      y.reduce((s, v, i) => s + (v - pred[i]) ** 2, 0) / y.reduce((s, v) => s + (v - mean) ** 2, 0);
    expect(r2, `OGD R² ${r2.toFixed(4)}`).to.be.above(0.9);
  });

  it("Linear Regression without intercept fits y = 2x exactly", () => {
    const data = table({ x: [1, 2, 3, 4], y: [2, 4, 6, 8] });
    const m = fit(linearRegression, data, "y", {
      "Include intercept term": "False",
      "L2 regularization weight": "0",
    });
    const c = rawCoefficients(m);
    expect(
      Math.abs(c.numeric.x - 2) < 1e-12 && Math.abs(c.intercept) < 1e-12,
      JSON.stringify(c),
    ).to.equal(true);
  });

  it("boosted trees learn an XOR that no single split separates", () => {
    const rng = new Rng(4);
    const a: number[] = [];
    const b: number[] = [];
    const y: string[] = [];
    for (let i = 0; i < 400; i++) {
      const u = rng.nextDouble();
      const v = rng.nextDouble();
      a.push(u);
      b.push(v);
      y.push(u > 0.5 !== v > 0.5 ? "yes" : "no");
    }
    const data = table({ a, b, y });
    const model = fit(twoClassBoostedDecisionTree, data, "y", {
      "Number of trees constructed": "20",
    });
    const scored = scoreTable(model, data);
    const correct = (values(scored, "Scored Labels") as string[]).filter(
      (l, i) => l === y[i],
    ).length;
    expect(correct, `${correct}/400 right`).to.be.at.least(390);
    expect(
      fit(twoClassBoostedDecisionTree, data, "y", { "Number of trees constructed": "20" }).body,
      "deterministic",
    ).to.deep.equal(model.body);
  });
});

describe("engine learners: OWL-QN", () => {
  it("reaches the L1 optimality conditions of a lasso-penalized quadratic", () => {
    // f(x) = ½‖x - c‖² with L1 = 1: the solution is soft-thresholding, x_i = sign(c_i)·max(|c_i| - 1, 0).
    const c = Float64Array.from([3, -0.5, 0.2, -2, 1]);
    const result = minimizeOwlqn(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < x.length; i++) {
          g[i] = x[i] - c[i];
          f += 0.5 * g[i] * g[i];
        }
        return f;
      },
      new Float64Array(5),
      {
        l1: 1,
        penalized: new Uint8Array(5).fill(1),
        memory: 5,
        tolerance: 1e-12,
        maxIterations: 200,
      },
    );
    const expected = [2, 0, 0, -1, 0];
    result.x.forEach((v, i) =>
      expect(Math.abs(v - expected[i]), `x[${i}] = ${v}, expected ${expected[i]}`).to.be.below(
        1e-6,
      ),
    );
    expect(result.x[1], "coordinates below the threshold are exactly zero").to.equal(0);
  });

  it("solves a smooth ill-conditioned problem (L-BFGS, no L1)", () => {
    const scale = [1, 10, 100, 1000];
    const result = minimizeOwlqn(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < x.length; i++) {
          const d = x[i] - 1;
          f += 0.5 * scale[i] * d * d;
          g[i] = scale[i] * d;
        }
        return f;
      },
      new Float64Array(4),
      { l1: 0, penalized: new Uint8Array(4), memory: 10, tolerance: 1e-14, maxIterations: 500 },
    );
    result.x.forEach((v, i) => expect(Math.abs(v - 1), `x[${i}] = ${v}`).to.be.below(1e-5));
  });
});
