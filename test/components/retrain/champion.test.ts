import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { auc, computeMetric, sampleCsv } from "../../../components/retrain/champion";
import { parseCsvRecords } from "../../../components/retrain/csvText";

describe("components/retrain/champion", () => {
  it("parses RFC 4180 records: quoted commas, quotes, newlines, CRLF", () => {
    expect(parseCsvRecords('a,b\r\n"x, y","say ""hi"""\n"multi\nline",2\n')).to.deep.equal([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["multi\nline", "2"],
    ]);
  });
  it("drops a record cut by a truncated read", () => {
    expect(parseCsvRecords("a,b\n1,2\n3,", true)).to.deep.equal([
      ["a", "b"],
      ["1", "2"],
    ]);
  });
  it("samples evenly from the whole file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sample-"));
    const file = path.join(dir, "d.csv");
    fs.writeFileSync(
      file,
      "n,label\n" + Array.from({ length: 1000 }, (_, i) => `${i},${i % 2}`).join("\n") + "\n",
    );
    const { header, rows } = await sampleCsv(file, 10);
    fs.rmSync(dir, { recursive: true });
    expect(header).to.deep.equal(["n", "label"]);
    expect(rows.map((r) => Number(r[0]))).to.deep.equal([
      0, 100, 200, 300, 400, 500, 600, 700, 800, 900,
    ]);
  });

  it("auc: perfect, inverted, random-ish and tied scores", () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).to.equal(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).to.equal(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).to.equal(0.5);
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).to.equal(0.75);
  });

  describe("computeMetric", () => {
    const truths = [">50K", "<=50K", ">50K", "<=50K", ">50K"];
    const labels = [">50K", "<=50K", "<=50K", ">50K", ">50K"];
    const probs = [0.9, 0.2, 0.4, 0.6, 0.7];
    const cases: [string, number][] = [
      ["AUC", 5 / 6],
      ["Accuracy", 3 / 5],
      ["Precision", 2 / 3],
      ["Recall", 2 / 3],
      ["F1 Score", 2 / 3],
    ];
    for (const [metric, expected] of cases) {
      it(`${metric} of a binary classifier`, () => {
        expect(Math.abs(computeMetric(metric, truths, labels, probs)! - expected)).to.be.below(
          1e-12,
        );
      });
    }
    it("reads the positive class off the scores, not off an ordering rule", () => {
      // Same scores, class names swapped: the metric does not flip.
      const swap = (v: string): string => (v === ">50K" ? "no" : "yes");
      const value = computeMetric("AUC", truths.map(swap), labels.map(swap), probs);
      expect(Math.abs(value! - 5 / 6)).to.be.below(1e-12);
    });
    it("regression metrics", () => {
      const y = ["1", "2", "3", "4"];
      const p = ["1", "2", "3", "6"];
      expect(computeMetric("Mean Absolute Error", y, p, undefined)).to.equal(0.5);
      expect(computeMetric("Root Mean Squared Error", y, p, undefined)).to.equal(1);
      expect(computeMetric("Coefficient of Determination", y, p, undefined)).to.equal(1 - 4 / 5);
      expect(computeMetric("Relative Squared Error", y, p, undefined)).to.equal(4 / 5);
      expect(computeMetric("Relative Absolute Error", y, p, undefined)).to.equal(2 / 4);
    });
    it("is undefined without probabilities for a probability metric, or for an unknown metric", () => {
      expect(computeMetric("AUC", truths, labels, undefined)).to.equal(undefined);
      expect(computeMetric("ROC", truths, labels, probs)).to.equal(undefined);
    });
  });
});
