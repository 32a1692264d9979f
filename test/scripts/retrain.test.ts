import { expect } from "chai";
import { dataSourceOf, nextVersion, planRetrain } from "../../scripts/retrain";

const stack = `# The dev stack (comments survive a bump)
config:
  azureml-retrain:target: azure
  azureml-retrain:model:
    version: "2026-11-27.1" # bumped by the schedule
    data: https://acct.blob.core.windows.net/incoming/census-2026-11-27.csv
    gate: { metric: AUC, min: 0.8 }
  azureml-retrain:dataSource:
    container: incoming
    prefix: census-
`;

describe("scripts/retrain (scheduled retrain as GitOps)", () => {
  it("numbers versions by day", () => {
    const day = new Date("2026-12-01T03:00:00Z");
    expect(nextVersion("2026-11-27.1", day)).to.equal("2026-12-01.1");
    expect(nextVersion("2026-12-01.1", day)).to.equal("2026-12-01.2");
    expect(nextVersion("v7", day)).to.equal("2026-12-01.1");
  });

  it("bumps version and data to the newest snapshot, keeping the file's comments", () => {
    const plan = planRetrain(
      stack,
      [
        "https://acct.blob.core.windows.net/incoming/census-2026-11-27.csv",
        "https://acct.blob.core.windows.net/incoming/census-2026-12-01.csv",
        "https://acct.blob.core.windows.net/incoming/census-2026-11-30.csv",
      ],
      new Date("2026-12-01T03:00:00Z"),
    );
    expect(plan.changed).to.equal(true);
    expect(plan.version).to.equal("2026-12-01.1");
    expect(plan.data).to.equal("https://acct.blob.core.windows.net/incoming/census-2026-12-01.csv");
    expect(plan.text!).to.match(/version: "2026-12-01\.1" # bumped by the schedule/);
    expect(plan.text!).to.match(
      /data: https:\/\/acct\.blob\.core\.windows\.net\/incoming\/census-2026-12-01\.csv/,
    );
    expect(plan.text!).to.match(/^# The dev stack \(comments survive a bump\)/);
  });

  it("changes nothing when the declared data is the newest", () => {
    const plan = planRetrain(
      stack,
      ["https://acct.blob.core.windows.net/incoming/census-2026-11-27.csv"],
      new Date(),
    );
    expect(plan).to.deep.equal({ changed: false });
  });

  it("reads the data source, and says what is missing", () => {
    expect(dataSourceOf(stack)).to.deep.equal({ container: "incoming", prefix: "census-" });
    expect(() => dataSourceOf("config: {}\n")).to.throw(/no azureml-retrain:dataSource\.container/);
    expect(() => planRetrain("config: {}\n", [], new Date())).to.throw(/no azureml-retrain:model/);
  });
});
