/**
 * The staged rollout's configuration (`rollout.stages`): defaults, `"*"`, the default endpoint,
 * and each bad input named with its key and the fix, every problem in one error.
 */
import { expect } from "chai";
import { ConfigError, parseConfig } from "../config";
import { expectInstance } from "./helpers/expect";

const model = {
  version: "2026-11-27.1",
  data: "data/census-2026-11.csv",
  gate: { metric: "AUC", min: 0.8 },
};
const json = (v: unknown): string => JSON.stringify(v);
const endpoints = [
  { name: "contoso" },
  { name: "fabrikam" },
  { name: "northwind" },
  { name: "tailspin", model: { version: "2026-10-30.1", data: "data/census-2026-10.csv" } },
];
const DEFAULTS = {
  sampleRows: 20,
  rowsPerCall: 5,
  maxP99Ms: 5000,
  bakeSeconds: 0,
  recheckSeconds: 30,
  tolerance: 1e-9,
};

function problems(rollout: unknown, platform?: string): string[] {
  try {
    parseConfig({
      model: json(model),
      endpoints: json(endpoints),
      rollout: json(rollout),
      ...(platform ? { platform } : {}),
    });
  } catch (e) {
    expectInstance(e, ConfigError);
    return e.problems;
  }
  throw new Error("parseConfig accepted it");
}

describe("config: rollout stages", () => {
  it("no rollout key: no stages (every endpoint at once, as before)", () => {
    const config = parseConfig({ model: json(model), endpoints: json(endpoints) });
    expect(config.rollout).to.equal(undefined);
    expect(Object.keys(config)).to.not.include("rollout");
  });

  it("fills the check's defaults, resolves '*' to the endpoints no earlier stage names (not pinned ones)", () => {
    const config = parseConfig({
      model: json(model),
      endpoints: json(endpoints),
      rollout: json({
        stages: [
          { name: "canary", endpoints: ["default", "contoso"], bakeSeconds: 600 },
          { name: "rest", endpoints: "*", check: { sampleRows: 50, maxP99Ms: 800 } },
        ],
      }),
    });
    expect(config.rollout).to.deep.equal({
      stages: [
        {
          name: "canary",
          endpoints: ["default", "contoso"],
          check: { ...DEFAULTS, bakeSeconds: 600 },
        },
        {
          name: "rest",
          endpoints: ["fabrikam", "northwind"],
          check: { ...DEFAULTS, sampleRows: 50, maxP99Ms: 800 },
        },
      ],
    });
  });

  it("rejects each bad stage, naming the key and the fix, all at once", () => {
    expect(
      problems({
        stages: [
          { name: "Canary!", endpoints: ["contoso"] },
          { name: "one", endpoints: ["contoso", "nowhere", "tailspin"], bakeSeconds: -1 },
          { name: "two", endpoints: "*", check: { sampleRows: 0, tolerance: 0.5, extra: 1 } },
          { name: "three", endpoints: "*" },
        ],
      }),
    ).to.deep.equal([
      'azureml-retrain:rollout.stages[0].name: "Canary!" is not a valid stage name: 1-24 lowercase letters, digits and inner hyphens, e.g. "canary"',
      "azureml-retrain:rollout.stages[1].bakeSeconds: must be a whole number of seconds in 0..86400, got -1",
      "azureml-retrain:rollout.stages[2].check.sampleRows: must be a whole number of rows in 1..1000, got 0",
      "azureml-retrain:rollout.stages[2].check.tolerance: must be a number in 0..0.001 (the same model scores the same: 1e-9 allows for float formatting), got 0.5",
      'azureml-retrain:rollout.stages[2].check: Unrecognized key: "extra"',
    ]);
    expect(
      problems({
        stages: [
          { name: "all", endpoints: ["contoso", "fabrikam", "northwind"] },
          { name: "rest", endpoints: "*" },
        ],
      }),
    ).to.deep.equal([
      'azureml-retrain:rollout.stages[1].endpoints: "*" holds no endpoint: every endpoint is in an earlier stage; remove the stage',
    ]);
  });

  it("rejects unknown, pinned and repeated endpoints, '*' before the last stage, and endpoints left out", () => {
    expect(
      problems({
        stages: [
          { name: "canary", endpoints: ["contoso", "nowhere", "tailspin"] },
          { name: "canary", endpoints: "*" },
          { name: "last", endpoints: ["contoso"] },
        ],
      }),
    ).to.deep.equal([
      'azureml-retrain:rollout.stages[0].endpoints: "nowhere" is not a declared endpoint (azureml-retrain:endpoints); use "default" for the predictive service\'s own endpoint',
      'azureml-retrain:rollout.stages[0].endpoints: "tailspin" is pinned to model 2026-10-30.1; a staged rollout moves the main model: remove it from the stage',
      'azureml-retrain:rollout.stages[1].name: "canary" is the name of an earlier stage',
      'azureml-retrain:rollout.stages[1].endpoints: "*" (every endpoint no earlier stage names) is only allowed in the last stage',
      'azureml-retrain:rollout.stages[2].endpoints: "contoso" is already in stage "canary"; an endpoint belongs to one stage',
      'azureml-retrain:rollout.stages: endpoints "fabrikam", "northwind" are in no stage: add them to a stage, or end with a stage whose endpoints are "*"',
    ]);
  });

  it("rejects an empty list of stages and stages on the v2 platform", () => {
    expect(problems({ stages: [] })).to.deep.equal([
      "azureml-retrain:rollout.stages: must list at least one stage, or remove rollout",
    ]);
    expect(problems({ stages: [{ name: "a", endpoints: ["default"] }] }, "v2")).to.include(
      "azureml-retrain:rollout: stages roll out across classic endpoints; the v2 platform moves traffic with azureml-retrain:v2.rollout",
    );
  });
});
