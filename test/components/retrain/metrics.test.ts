import { expect } from "chai";
import { canonicalMetric, parseEvaluationCsv } from "../../../components/retrain/metrics";

describe("components/retrain/metrics", () => {
  describe("canonicalMetric", () => {
    it("canonicalMetric maps case-insensitively and rejects unknown names", () => {
      expect(canonicalMetric("coefficient of determination")).to.equal(
        "Coefficient of Determination",
      );
      expect(canonicalMetric("R2")).to.equal(undefined);
    });
  });

  describe("parseEvaluationCsv", () => {
    it("reads the first row's numeric metrics by caption, skipping labels", () => {
      const csv =
        "AUC,Accuracy,Precision,Recall,F1 Score,Threshold,Positive Label,Negative Label\r\n" +
        '0.9012,0.85,0.7,0.6,0.646,0.5,">50K","<=50K"\r\n' +
        "0.8,0.8,0.6,0.5,0.54,0.5,>50K,<=50K\r\n";
      expect(parseEvaluationCsv(csv)).to.deep.equal({
        AUC: 0.9012,
        Accuracy: 0.85,
        Precision: 0.7,
        Recall: 0.6,
        "F1 Score": 0.646,
        Threshold: 0.5,
      });
    });
    it("refuses a CSV without data rows", () => {
      expect(() => parseEvaluationCsv("AUC,Accuracy\n")).to.throw(/no data row/);
    });
  });
});
