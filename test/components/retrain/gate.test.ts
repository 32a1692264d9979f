import { expect } from "chai";
import { evaluateGate, validateGate } from "../../../components/retrain/gate";

describe("components/retrain/gate", () => {
  describe("validateGate", () => {
    const cases: { gate: unknown; failures: string[]; canonical?: unknown }[] = [
      {
        gate: { metric: "AUC", min: 0.8, maxRegression: 0.01 },
        failures: [],
        canonical: { metric: "AUC", min: 0.8, maxRegression: 0.01 },
      },
      { gate: { metric: "auc", min: 0.8 }, failures: [], canonical: { metric: "AUC", min: 0.8 } },
      {
        gate: { metric: "f1 score", min: 0.5 },
        failures: [],
        canonical: { metric: "F1 Score", min: 0.5 },
      },
      {
        gate: { metric: "Root Mean Squared Error", max: 3 },
        failures: [],
        canonical: { metric: "Root Mean Squared Error", max: 3 },
      },
      { gate: { metric: "ROC", min: 0.8 }, failures: ["gate.metric"] },
      { gate: { metric: "AUC", min: 1.5 }, failures: ["gate.min"] },
      { gate: { metric: "AUC", max: 0.9 }, failures: ["gate.max"] },
      { gate: { metric: "Mean Absolute Error", min: 1 }, failures: ["gate.min"] },
      { gate: { metric: "AUC", min: "0.8" }, failures: ["gate.min"] },
      { gate: { metric: "AUC", maxRegression: -0.1 }, failures: ["gate.maxRegression"] },
      { gate: { metric: "AUC", threshold: 0.8 }, failures: ["gate.threshold"] },
      { gate: "AUC>=0.8", failures: ["gate"] },
      { gate: null, failures: ["gate"] },
    ];
    for (const c of cases) {
      it(`${JSON.stringify(c.gate)} → ${c.failures.join(", ") || "valid"}`, () => {
        const result = validateGate(c.gate);
        expect(result.failures.map((f) => f.property)).to.deep.equal(c.failures);
        for (const f of result.failures)
          expect(f.reason.length, "each failure says what to do").to.be.above(10);
        if (c.canonical) expect(result.gate).to.deep.equal(c.canonical);
      });
    }
    it("lists the known metrics when the metric is unknown", () => {
      const { failures } = validateGate({ metric: "ROC" });
      expect(failures[0].reason).to.match(/AUC, Accuracy, Precision/);
    });
  });

  describe("evaluateGate", () => {
    const gate = { metric: "AUC", min: 0.8, maxRegression: 0.01 };
    const table: {
      name: string;
      candidate: Record<string, number>;
      served?: Record<string, number>;
      skip?: boolean;
      passed: boolean;
      text: RegExp;
    }[] = [
      {
        name: "passes min with nothing served",
        candidate: { AUC: 0.85 },
        passed: true,
        text: /AUC 0\.8500 >= min 0\.8000; no served model metrics/,
      },
      {
        name: "fails min",
        candidate: { AUC: 0.79 },
        passed: false,
        text: /AUC 0\.7900 < min 0\.8000/,
      },
      {
        name: "small regression allowed",
        candidate: { AUC: 0.845 },
        served: { AUC: 0.85 },
        passed: true,
        text: /worse by 0\.0050, allowed 0\.0100/,
      },
      {
        name: "regression too large",
        candidate: { AUC: 0.83 },
        served: { AUC: 0.85 },
        passed: false,
        text: /worse by 0\.0200, allowed 0\.0100/,
      },
      {
        name: "improvement",
        candidate: { AUC: 0.9 },
        served: { AUC: 0.85 },
        passed: true,
        text: /better by 0\.0500/,
      },
      {
        name: "rollback skips regression",
        candidate: { AUC: 0.81 },
        served: { AUC: 0.9 },
        skip: true,
        passed: true,
        text: /regression check skipped/,
      },
      {
        name: "rollback still needs min",
        candidate: { AUC: 0.7 },
        served: { AUC: 0.9 },
        skip: true,
        passed: false,
        text: /< min/,
      },
      {
        name: "metric missing",
        candidate: { Accuracy: 0.9 },
        passed: false,
        text: /has no AUC \(it has: Accuracy\)/,
      },
    ];
    for (const c of table) {
      it(c.name, () => {
        const verdict = evaluateGate(gate, c.candidate, c.served, { skipRegression: c.skip });
        expect(verdict.passed).to.equal(c.passed);
        expect(verdict.summary).to.match(c.text);
      });
    }
    it("lower-is-better metrics regress upwards", () => {
      const g = { metric: "Root Mean Squared Error", max: 10, maxRegression: 0.5 };
      expect(
        evaluateGate(g, { "Root Mean Squared Error": 5.4 }, { "Root Mean Squared Error": 5 })
          .passed,
      ).to.equal(true);
      expect(
        evaluateGate(g, { "Root Mean Squared Error": 5.6 }, { "Root Mean Squared Error": 5 })
          .passed,
      ).to.equal(false);
      expect(evaluateGate(g, { "Root Mean Squared Error": 11 }).passed).to.equal(false);
    });
  });
});
