/**
 * The stack config's platform switch and v2 section: defaults, and every bad value refused with
 * its key and the rule, before any resource is declared.
 */
import { expect } from "chai";
import { CENSUS_V2_COLUMNS, ConfigError, parseConfig } from "../config";

const model = JSON.stringify({
  version: "2026-11-27.1",
  data: "data/census-2026-11.csv",
  gate: { metric: "AUC", min: 0.75 },
});

function problems(raw: Record<string, string | undefined>): string[] {
  try {
    parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("config: the v2 platform", function () {
  it("is classic unless the platform says v2, and fills the v2 defaults", function () {
    expect(parseConfig({ model }).platform).to.equal("classic");
    const config = parseConfig({ platform: "v2", model });
    expect(config.platform).to.equal("v2");
    expect(config.v2).to.deep.equal({
      workspace: "census-ml",
      endpoint: "census-v2",
      modelName: "census",
      code: "definitions/v2/census/src",
      trainScript: "train.py",
      scoringScript: "score.py",
      environment: {
        image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04",
        condaFile: "definitions/v2/census/environment.yml",
      },
      instanceType: "Standard_DS3_v2",
      instanceCount: 1,
      rollout: { steps: [100] },
      keepDeployments: 1,
      labelColumn: "income",
      columns: CENSUS_V2_COLUMNS,
    });
  });

  it("needs no Studio workspace id on Azure for v2", function () {
    const azure = JSON.stringify({
      subscriptionId: "00000000-0000-0000-0000-000000000000",
      resourceGroup: "rg",
      location: "westeurope",
    });
    expect(
      parseConfig({ platform: "v2", target: "azure", model, azure }).azure?.workspaceId,
    ).to.equal(undefined);
    expect(problems({ target: "azure", model, azure })).to.deep.equal([
      "azureml-retrain:azure.workspaceId: Invalid input: expected string, received undefined",
    ]);
  });

  it("names every bad v2 value with its key", function () {
    const cases: [Record<string, string>, string[]][] = [
      [
        { platform: "v3" },
        [
          'azureml-retrain:platform: must be "classic" (Studio web services) or "v2" (Azure Machine Learning), got "v3"',
        ],
      ],
      [
        { v2: "{}" },
        [
          "azureml-retrain:v2: is only read with azureml-retrain:platform: v2; remove it or set the platform",
        ],
      ],
      [
        { platform: "v2", v2: JSON.stringify({ endpoint: "9lives" }) },
        [
          'azureml-retrain:v2.endpoint: "9lives" is not a valid online endpoint name: 3-32 letters, digits and "-", starting with a letter and not ending with "-" (unique in the region)',
        ],
      ],
      [
        { platform: "v2", v2: JSON.stringify({ rollout: { steps: [50, 20] } }) },
        [
          "azureml-retrain:v2.rollout.steps: must be increasing whole percents in 1..100 ending at 100, e.g. [10, 50, 100]",
        ],
      ],
      [
        { platform: "v2", v2: JSON.stringify({ rollout: { steps: [100], mirrorPercent: 75 } }) },
        [
          "azureml-retrain:v2.rollout.mirrorPercent: must be a whole percent in 1..50 (Azure mirrors at most half the calls), got 75",
        ],
      ],
      [
        { platform: "v2", v2: JSON.stringify({ keepDeployments: 20 }) },
        [
          "azureml-retrain:v2.keepDeployments: must be a whole number of deployments in 0..10, got 20",
        ],
      ],
      [
        { platform: "v2", v2: JSON.stringify({ labelColumn: "label" }) },
        ["azureml-retrain:v2.labelColumn: labelColumn must be one of columns"],
      ],
      [
        { platform: "v2", v2: JSON.stringify({ trainScript: "train.sh" }) },
        ["azureml-retrain:v2.trainScript: must be a .py file in the code folder"],
      ],
      [
        { platform: "v2", v2: JSON.stringify({ surprise: 1 }) },
        ['azureml-retrain:v2: Unrecognized key: "surprise"'],
      ],
    ];
    for (const [raw, expected] of cases)
      expect(problems({ model, ...raw }), JSON.stringify(raw)).to.deep.equal(expected);
  });
});
