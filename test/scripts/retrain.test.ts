import assert from "node:assert/strict";
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
    assert.equal(nextVersion("2026-11-27.1", day), "2026-12-01.1");
    assert.equal(nextVersion("2026-12-01.1", day), "2026-12-01.2");
    assert.equal(nextVersion("v7", day), "2026-12-01.1");
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
    assert.equal(plan.changed, true);
    assert.equal(plan.version, "2026-12-01.1");
    assert.equal(plan.data, "https://acct.blob.core.windows.net/incoming/census-2026-12-01.csv");
    assert.match(plan.text!, /version: "2026-12-01\.1" # bumped by the schedule/);
    assert.match(
      plan.text!,
      /data: https:\/\/acct\.blob\.core\.windows\.net\/incoming\/census-2026-12-01\.csv/,
    );
    assert.match(plan.text!, /^# The dev stack \(comments survive a bump\)/);
  });

  it("changes nothing when the declared data is the newest", () => {
    const plan = planRetrain(
      stack,
      ["https://acct.blob.core.windows.net/incoming/census-2026-11-27.csv"],
      new Date(),
    );
    assert.deepEqual(plan, { changed: false });
  });

  it("reads the data source, and says what is missing", () => {
    assert.deepEqual(dataSourceOf(stack), { container: "incoming", prefix: "census-" });
    assert.throws(() => dataSourceOf("config: {}\n"), /no azureml-retrain:dataSource\.container/);
    assert.throws(() => planRetrain("config: {}\n", [], new Date()), /no azureml-retrain:model/);
  });
});
