/**
 * The v2 components' pure logic, table-tested: deployment names, traffic plans and kept
 * deployments of the rollout, drift in its diff; the retrain's training key, job names, command
 * line, job body and checks; asset versions and diffs; the endpoint's body and diff; the v2 limits.
 */
import { expect } from "chai";
import {
  assetVersion,
  checkAsset,
  diffAsset,
  folderDigestInput,
  uploadPath,
} from "../../../components/v2Asset/logic";
import { diffOnlineEndpoint, endpointBody } from "../../../components/v2Endpoint/logic";
import {
  checkMlTrainedModel,
  diffMlTrainedModel,
  inputName,
  jobBody,
  jobName,
  metricsOf,
  modelProperties,
  trainCommand,
  trainingKey,
} from "../../../components/v2Retrain/logic";
import type { MlTrainedModelInputs } from "../../../components/v2Retrain/types";
import {
  checkServedModel,
  deploymentName,
  diffServedModel,
  isSettled,
  keptDeployments,
  trafficPlan,
} from "../../../components/v2Rollout/logic";
import type { ServedModelOutputs } from "../../../components/v2Rollout/types";
import { limitFailures } from "../../../components/shared/checks";
import { checkTarget } from "../../../components/shared/mlTarget";
import { UNKNOWN } from "../../../components/shared/values";
import { keepDeployments, mirrorPercent, trafficSteps } from "../../../components/shared/limits";

const TARGET = {
  endpoint: "http://127.0.0.1:9700",
  subscriptionId: "s",
  resourceGroup: "rg",
  workspace: "ml",
  token: "t",
};
const DATASTORE = {
  name: "workspaceblobstore",
  container: "c",
  artifactContainer: "azureml",
  connectionString: "cs",
};

describe("v2 components: pure logic", function () {
  describe("rollout", function () {
    it("names a version's deployment within Azure's rule", function () {
      const cases: [string, string][] = [
        ["2026-11-27.1", "v2026-11-27-1"],
        ["A.B", "va-b"],
        ["12", "v12"],
        ["v9", "vv9"],
      ];
      for (const [version, name] of cases) expect(deploymentName(version), version).to.equal(name);
      // Azure's names have 3 characters at least: a short one gets a hash.
      expect(deploymentName("1")).to.equal("v1-6b86b273");
      const long = deploymentName("2026-11-27.1-experiment_with_a_long_name");
      expect(long).to.match(/^v2026-11-27-1-experimen-[0-9a-f]{8}$/);
      expect(long.length).to.be.at.most(32);
      expect(deploymentName("2026-11-27.1-experiment_with_a_long_name_2")).not.to.equal(long);
    });

    it("plans a traffic move: mirror first, then the steps, then all of it", function () {
      const current = { traffic: { old: 100 }, mirrorTraffic: {} };
      expect(trafficPlan(current, "new", { steps: [20, 100], mirrorPercent: 10 })).to.deep.equal([
        { traffic: { old: 100 }, mirrorTraffic: { new: 10 } },
        { traffic: { old: 80, new: 20 }, mirrorTraffic: {} },
        { traffic: { new: 100 }, mirrorTraffic: {} },
      ]);
      expect(trafficPlan(current, "new", { steps: [100] })).to.deep.equal([
        { traffic: { new: 100 }, mirrorTraffic: {} },
      ]);
      expect(
        trafficPlan({ traffic: {} }, "new", { steps: [50, 100], mirrorPercent: 10 }),
      ).to.deep.equal([{ traffic: { new: 100 }, mirrorTraffic: {} }]);
      expect(
        trafficPlan({ traffic: { new: 100, old: 0 }, mirrorTraffic: {} }, "new", {
          steps: [50, 100],
        }),
      ).to.deep.equal([]);
      // Back to a kept deployment after a hand-made split: from whichever serves the most.
      expect(trafficPlan({ traffic: { a: 30, b: 70 } }, "a", { steps: [100] })).to.deep.equal([
        { traffic: { a: 100 }, mirrorTraffic: {} },
      ]);
      expect(trafficPlan({ traffic: { a: 30, b: 70 } }, "c", { steps: [50, 100] })).to.deep.equal([
        { traffic: { b: 50, c: 50 }, mirrorTraffic: {} },
        { traffic: { c: 100 }, mirrorTraffic: {} },
      ]);
    });

    it("says when all calls go to one deployment", function () {
      expect(isSettled({ traffic: { a: 100, b: 0 }, mirrorTraffic: { b: 0 } }, "a")).to.equal(true);
      expect(isSettled({ traffic: { a: 100 }, mirrorTraffic: { b: 10 } }, "a")).to.equal(false);
      expect(isSettled({ traffic: { a: 90, b: 10 } }, "a")).to.equal(false);
      expect(isSettled({ traffic: {} }, "a")).to.equal(false);
    });

    it("keeps the newest deployments and deletes the older ones", function () {
      expect(keptDeployments([], "v3", 1)).to.deep.equal({ kept: ["v3"], removed: [] });
      expect(keptDeployments(["v2", "v1"], "v3", 1)).to.deep.equal({
        kept: ["v3", "v2"],
        removed: ["v1"],
      });
      expect(keptDeployments(["v2", "v1"], "v1", 1)).to.deep.equal({
        kept: ["v1", "v2"],
        removed: [],
      });
      expect(keptDeployments(["v2", "v1"], "v3", 0)).to.deep.equal({
        kept: ["v3"],
        removed: ["v2", "v1"],
      });
    });

    it("diffs: traffic changed by hand is a change; another endpoint replaces", function () {
      const inputs = {
        target: TARGET,
        endpointName: "census",
        location: "local",
        modelId: "m1",
        modelVersion: "1",
        codeId: "c",
        scoringScript: "score.py",
        environmentId: "e",
        instanceType: "Standard_DS3_v2",
        instanceCount: 1,
        requestTimeout: "PT5S",
        rollout: { steps: [100] },
        keep: 1,
        check: { path: "d.csv", inputColumns: ["a"], rows: 5 },
      };
      const olds: ServedModelOutputs = {
        ...inputs,
        liveDeployment: "v1",
        deployments: ["v1"],
        traffic: { v1: 100 },
        mirrorTraffic: {},
      };
      expect(diffServedModel(olds, inputs)).to.deep.equal({
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
        drift: false,
      });
      expect(diffServedModel({ ...olds, traffic: { v0: 100 } }, inputs)).to.deep.equal({
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
        drift: true,
      });
      expect(diffServedModel({ ...olds, mirrorTraffic: { v0: 5 } }, inputs).drift).to.equal(true);
      expect(diffServedModel(olds, { ...inputs, modelId: "m2" }).changes).to.equal(true);
      expect(diffServedModel(olds, { ...inputs, endpointName: "other" })).to.deep.include({
        replaces: ["endpointName"],
        deleteBeforeReplace: true,
      });
    });

    it("checks its settings and fills the defaults", function () {
      const { failures, normalized } = checkServedModel({
        target: TARGET,
        endpointName: "census",
        location: "local",
        modelId: "m",
        modelVersion: "1",
        codeId: "c",
        environmentId: "e",
        check: { path: "d.csv", inputColumns: ["a"] },
        rollout: { steps: [60, 30, 100], mirrorPercent: 80 },
        keep: 11,
        instanceCount: 0,
      });
      expect(failures.map((f) => f.property)).to.deep.equal([
        "keep",
        "rollout.steps",
        "rollout.mirrorPercent",
        "instanceCount",
      ]);
      expect(normalized).to.deep.include({
        scoringScript: "score.py",
        instanceType: "Standard_DS3_v2",
        requestTimeout: "PT5S",
      });
    });
  });

  describe("retrain", function () {
    const inputs: MlTrainedModelInputs = {
      target: TARGET,
      datastore: DATASTORE,
      modelName: "census",
      version: "2026-11-27.1",
      data: { assetId: "/x/data/d/versions/1", sha256: "a".repeat(64), path: "data/x.csv" },
      codeId: "/x/codes/c/versions/1",
      environmentId: "/x/environments/e/versions/1",
      trainScript: "train.py",
      parameters: { C: "0.5", "test-size": "0.2" },
      gate: { metric: "AUC", min: 0.75 },
      retain: true,
      deadlineMinutes: 90,
    };

    it("keys a model on what it is trained from, and names its jobs from the key", function () {
      const key = trainingKey(inputs);
      expect(key).to.match(/^[0-9a-f]{16}$/);
      expect(trainingKey({ ...inputs, codeId: inputs.codeId.toUpperCase() })).to.equal(key);
      for (const change of [
        { version: "2" },
        { parameters: { C: "1" } },
        { data: { ...inputs.data, sha256: "b".repeat(64) } },
        { trainScript: "t2.py" },
      ])
        expect(trainingKey({ ...inputs, ...change }), JSON.stringify(change)).not.to.equal(key);
      expect(jobName("census", "2026-11-27.1", key, 1)).to.equal(
        `census-v2026-11-27-1-${key.slice(0, 8)}`,
      );
      expect(jobName("census", "2026-11-27.1", key, 3)).to.equal(
        `census-v2026-11-27-1-${key.slice(0, 8)}-r3`,
      );
    });

    it("builds the command line and the job body with explicit output URIs", function () {
      expect(inputName("test-size")).to.equal("test_size");
      expect(trainCommand("train.py", inputs.parameters)).to.equal(
        "python train.py --data ${{inputs.data}} --model ${{outputs.model}} --metrics ${{outputs.metrics}} --C ${{inputs.C}} --test-size ${{inputs.test_size}}",
      );
      const body = jobBody({ ...inputs, compute: "cpu-cluster" }, "k", "census-job") as {
        properties: Record<string, unknown>;
      };
      expect(body.properties).to.deep.include({
        jobType: "Command",
        computeId:
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ml/computes/cpu-cluster",
        limits: { jobLimitsType: "Command", timeout: "PT90M" },
        inputs: {
          data: { jobInputType: "uri_file", uri: "/x/data/d/versions/1", mode: "Download" },
          C: { jobInputType: "literal", value: "0.5" },
          test_size: { jobInputType: "literal", value: "0.2" },
        },
        outputs: {
          model: {
            jobOutputType: "uri_folder",
            uri: "azureml://datastores/workspaceblobstore/paths/models/census/2026-11-27.1/census-job/model/",
            mode: "Upload",
          },
          metrics: {
            jobOutputType: "uri_folder",
            uri: "azureml://datastores/workspaceblobstore/paths/models/census/2026-11-27.1/census-job/metrics/",
            mode: "Upload",
          },
        },
      });
    });

    it("records metrics in the version's properties and reads them back", function () {
      const props = modelProperties("k", "d", { AUC: 0.81, "F1 Score": 0.5 });
      expect(props).to.deep.equal({
        "azureml-retrain.trainingKey": "k",
        "azureml-retrain.dataSha256": "d",
        "metric.AUC": "0.81",
        "metric.F1 Score": "0.5",
      });
      expect(metricsOf(props)).to.deep.equal({ AUC: 0.81, "F1 Score": 0.5 });
    });

    it("checks parameters, script and gate, naming each", function () {
      const { failures, normalized } = checkMlTrainedModel({
        ...inputs,
        parameters: { "bad name": "1", data: "x", C: 2 },
        trainScript: "train.sh",
        gate: { metric: "AUC", max: 0.9 },
        deadlineMinutes: undefined,
      });
      expect(failures.map((f) => f.property)).to.deep.equal([
        "trainScript",
        "parameters.bad name",
        "parameters.data",
        "gate.max",
      ]);
      expect(normalized).to.deep.include({
        parameters: { C: "2" },
        deadlineMinutes: 120,
        retain: true,
      });
    });

    it("puts the model's id and training key in the checked inputs, for previews", function () {
      const { failures, normalized } = checkMlTrainedModel({ ...inputs });
      expect(failures).to.deep.equal([]);
      expect(normalized).to.deep.include({
        modelId:
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ml/models/census/versions/2026-11-27.1",
        trainingKey: trainingKey(inputs),
      });
    });

    it("replaces on what the model is trained from, updates on the gate", function () {
      const olds = {
        ...inputs,
        trainingKey: "k",
        modelId: "m",
        modelUri: "u",
        metrics: {},
        jobName: "j",
        reused: false,
        trainedAt: "t",
        gateSummary: "g",
      };
      expect(diffMlTrainedModel(olds, inputs)).to.deep.equal({
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      });
      expect(
        diffMlTrainedModel(olds, { ...inputs, data: { ...inputs.data, sha256: "b" } }).replaces,
      ).to.deep.equal(["data"]);
      expect(
        diffMlTrainedModel(olds, { ...inputs, version: "2", parameters: {} }).replaces,
      ).to.deep.equal(["version", "parameters"]);
      expect(
        diffMlTrainedModel(olds, { ...inputs, gate: { metric: "AUC", min: 0.8 } }),
      ).to.deep.equal({ changes: true, replaces: [], deleteBeforeReplace: false });
    });
  });

  describe("assets and endpoint", function () {
    it("checks a target only once it is known: a new stack's preview has none yet", function () {
      expect(checkTarget(UNKNOWN, "target")).to.deep.equal([]);
      expect(checkTarget(undefined, "target")).to.deep.equal([
        {
          property: "target",
          reason: "is required: { endpoint, subscriptionId, resourceGroup, workspace }",
        },
      ]);
      expect(
        checkTarget({ ...TARGET, endpoint: "" }, "target").map((f) => f.property),
      ).to.deep.equal(["target.endpoint"]);
    });

    it("names versions and uploads by content", function () {
      expect(assetVersion("0123456789abcdef".repeat(4))).to.equal("sha256-0123456789abcdef");
      expect(uploadPath("code", "ab")).to.equal("code/sha256/ab");
      expect(uploadPath("data", "ab")).to.equal("data/sha256/ab.csv");
      expect(folderDigestInput({ "b.py": "2", "a.py": "1" })).to.equal(
        "a.py\u00001\nb.py\u00002\n",
      );
    });

    it("checks an asset's declaration and diffs it by content", function () {
      expect(
        checkAsset({ kind: "environment", target: TARGET, name: "env" }).map((f) => f.property),
      ).to.deep.equal(["image"]);
      expect(
        checkAsset({ kind: "code", target: TARGET, name: "bad name!" }).map((f) => f.property),
      ).to.deep.equal(["name", "path"]);
      const olds = {
        kind: "data" as const,
        target: TARGET,
        datastore: DATASTORE,
        name: "d",
        path: "a.csv",
        contentSha256: "1",
        version: "v",
        assetId: "id",
        reused: false,
      };
      expect(diffAsset(olds, { ...olds })).to.deep.equal({
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      });
      expect(diffAsset(olds, { ...olds, contentSha256: "2" }).replaces).to.deep.equal([
        "contentSha256",
      ]);
      expect(diffAsset(olds, { ...olds, path: "b.csv" })).to.deep.equal({
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
    });

    it("never writes traffic on create and sends back the endpoint's own on update", function () {
      const inputs = {
        target: TARGET,
        name: "census",
        location: "local",
        authMode: "Key" as const,
      };
      expect(endpointBody(inputs)).to.deep.equal({
        location: "local",
        identity: { type: "SystemAssigned" },
        properties: { authMode: "Key" },
      });
      expect(endpointBody(inputs, { traffic: { v1: 100 } })).to.deep.equal({
        location: "local",
        identity: { type: "SystemAssigned" },
        properties: { authMode: "Key", traffic: { v1: 100 }, mirrorTraffic: {} },
      });
      const olds = { ...inputs, endpointArmId: "id", scoringUri: "u", primaryKey: "k" };
      expect(diffOnlineEndpoint(olds, inputs)).to.deep.equal({
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      });
      expect(diffOnlineEndpoint(olds, { ...inputs, name: "other" })).to.deep.equal({
        changes: true,
        replaces: ["name"],
        deleteBeforeReplace: true,
      });
      expect(diffOnlineEndpoint(olds, { ...inputs, authMode: "AMLToken" })).to.deep.equal({
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
    });

    it("limits the rollout settings with messages that say the rule", function () {
      expect(limitFailures(trafficSteps(), [10, 50, 100], "s")).to.deep.equal([]);
      const rule = "must be increasing whole percents in 1..100 ending at 100, e.g. [10, 50, 100]";
      expect(limitFailures(trafficSteps(), [50, 10, 100], "s")).to.deep.equal([
        { property: "s", reason: rule },
      ]);
      expect(limitFailures(trafficSteps(), [10, 50], "s")).to.deep.equal([
        { property: "s", reason: rule },
      ]);
      expect(limitFailures(mirrorPercent(), 60, "m")).to.deep.equal([
        {
          property: "m",
          reason: "must be a whole percent in 1..50 (Azure mirrors at most half the calls), got 60",
        },
      ]);
      expect(limitFailures(keepDeployments(), -1, "k")).to.deep.equal([
        { property: "k", reason: "must be a whole number of deployments in 0..10, got -1" },
      ]);
    });
  });
});
