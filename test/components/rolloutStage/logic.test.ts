/**
 * The stage's pure logic: check failures, diff, the sample of held-out rows, the comparison with
 * the candidate's scores, the p99, the failure lines, and the rollback's pair of model and
 * transformations.
 */
import { expect } from "chai";
import {
  candidatePair,
  checkRolloutStage,
  describePair,
  diffRolloutStage,
  disagreements,
  endpointProblems,
  p99,
  rollbackPlan,
  sampleReference,
  servesPair,
} from "../../../components/rolloutStage/logic";
import type { RolloutStageInputs, StageEndpoint } from "../../../components/rolloutStage/types";

const check = {
  sampleRows: 2,
  rowsPerCall: 1,
  maxP99Ms: 100,
  bakeSeconds: 0,
  recheckSeconds: 30,
  tolerance: 1e-9,
};
const inputs: RolloutStageInputs = {
  stage: "canary",
  position: 1,
  stages: 2,
  candidate: {
    version: "v2",
    model: { baseLocation: "http://blob/acct/", relativeLocation: "models/v2/k.ilearner" },
    heldOutScores: "models/v2/k.scores.csv",
  },
  scoring: { inputPort: "input1", inputColumns: ["age", "sex"] },
  check,
  endpoints: [
    {
      kind: "classic",
      name: "contoso",
      executionUrl: "http://x/services/1",
      management: { endpoint: "http://x", workspaceId: "w", webServiceId: "s" },
      resourceName: "Model [trained model]",
    },
  ],
  keys: { contoso: "k" },
  storageConnectionString: "cs",
};

const CSV = [
  "age,sex,income,Scored Labels,Scored Probabilities",
  "39,Male,<=50K,<=50K,0.1",
  "50,Female,>50K,>50K,0.9",
  '"41",Male,<=50K,,',
  "60,,>50K,>50K,0.7",
  "",
].join("\n");

describe("RolloutStage logic", () => {
  it("check accepts complete inputs and names each bad field", () => {
    expect(checkRolloutStage(inputs as unknown as Record<string, unknown>)).to.deep.equal([]);
    expect(
      checkRolloutStage({
        ...inputs,
        stage: "Bad Name",
        check: { ...check, rowsPerCall: 0 },
        candidate: { ...inputs.candidate, heldOutScores: "" },
        keys: {},
        storageConnectionString: undefined,
      }),
    ).to.deep.equal([
      {
        property: "stage",
        reason:
          '"Bad Name" is not a valid stage name: 1-24 lowercase letters, digits and inner hyphens, e.g. "canary"',
      },
      {
        property: "check.rowsPerCall",
        reason: "must be a whole number of rows in 1..100, got 0",
      },
      { property: "storageConnectionString", reason: "is required" },
      { property: "keys", reason: 'has no key for endpoint "contoso"' },
    ]);
  });

  it("diff: unchanged and passed is no change; a new candidate or a stage not passed checks again", () => {
    const olds = { ...inputs, status: "passed" as const };
    expect(diffRolloutStage(olds, inputs)).to.deep.equal({
      changes: false,
      replaces: [],
      updates: [],
    });
    expect(
      diffRolloutStage(olds, {
        ...inputs,
        candidate: { ...inputs.candidate, version: "v3" },
      }),
    ).to.deep.equal({ changes: true, replaces: [], updates: ["candidate"] });
    expect(diffRolloutStage({ ...olds, status: "rolled-back" }, inputs)).to.deep.equal({
      changes: true,
      replaces: [],
      updates: ["status"],
    });
    expect(diffRolloutStage({ ...olds, status: "pending" }, inputs).updates).to.deep.equal([
      "status",
    ]);
  });

  it("samples scored rows evenly, with their row numbers, missing values as null", () => {
    expect(sampleReference(CSV, ["age", "sex"], 2)).to.deep.equal([
      { row: 1, features: { age: "39", sex: "Male" }, label: "<=50K", probability: 0.1 },
      { row: 2, features: { age: "50", sex: "Female" }, label: ">50K", probability: 0.9 },
    ]);
    expect(sampleReference(CSV, ["age", "sex"], 10).map((r) => r.row)).to.deep.equal([1, 2, 4]);
    expect(sampleReference(CSV, ["sex"], 10)[2].features).to.deep.equal({ sex: null });
    expect(() => sampleReference(CSV, ["age", "race"], 2)).to.throw(
      'the held-out scores file has no "race" column (it has 5)',
    );
  });

  it("compares labels exactly and probabilities within the tolerance", () => {
    const reference = sampleReference(CSV, ["age", "sex"], 3);
    const served = [
      { "Scored Labels": "<=50K", "Scored Probabilities": 0.1 + 1e-12 },
      { "Scored Labels": "<=50K", "Scored Probabilities": "0.9" },
      { "Scored Labels": ">50K", "Scored Probabilities": null },
    ];
    expect(disagreements(reference, served, 1e-9)).to.deep.equal([
      {
        row: 2,
        expected: { label: ">50K", probability: 0.9 },
        got: { label: "<=50K", probability: 0.9 },
      },
      {
        row: 4,
        expected: { label: ">50K", probability: 0.7 },
        got: { label: ">50K", probability: null },
      },
    ]);
    expect(
      disagreements(
        reference.slice(0, 1),
        [{ "Scored Labels": "<=50K", "Scored Probabilities": 0.1001 }],
        1e-9,
      ),
    ).to.have.length(1);
  });

  it("a regression's held-out scores (no probabilities): labels compared as numbers within the tolerance", () => {
    const regression =
      "temperature,humidity,count,Scored Labels\n0.3,0.8,120,118.25\n0.5,0.6,200,\n0.7,0.4,310,305.5\n";
    const reference = sampleReference(regression, ["temperature", "humidity"], 5);
    expect(reference).to.deep.equal([
      {
        row: 1,
        features: { temperature: "0.3", humidity: "0.8" },
        label: "118.25",
        probability: null,
      },
      {
        row: 3,
        features: { temperature: "0.7", humidity: "0.4" },
        label: "305.5",
        probability: null,
      },
    ]);
    expect(
      disagreements(
        reference,
        [{ "Scored Labels": 118.25 + 1e-12 }, { "Scored Labels": "305.5" }],
        1e-9,
      ),
    ).to.deep.equal([]);
    const found = disagreements(
      reference,
      [{ "Scored Labels": 118.2501 }, { "Scored Labels": null }],
      1e-9,
    );
    expect(found).to.deep.equal([
      {
        row: 1,
        expected: { label: "118.25", probability: null },
        got: { label: "118.2501", probability: null },
      },
      {
        row: 3,
        expected: { label: "305.5", probability: null },
        got: { label: "", probability: null },
      },
    ]);
    expect(
      endpointProblems(
        {
          endpoint: "default",
          calls: 1,
          failedCalls: [],
          rowsChecked: 2,
          disagreements: found,
          p99Ms: 3,
        },
        100,
      ),
    ).to.deep.equal([
      'endpoint "default": 2 of 2 rows disagreed with the candidate\'s own scores: row 1: served 118.2501, the candidate 118.25; row 3: served none, the candidate 305.5',
    ]);
  });

  it("p99 is the nearest rank", () => {
    expect(p99([])).to.equal(0);
    expect(p99([5, 1, 3])).to.equal(5);
    expect(p99(Array.from({ length: 200 }, (_, i) => i + 1))).to.equal(198);
  });

  it("names the failed calls, the rows that disagreed (at most five) and a slow p99", () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({
      row: i + 1,
      expected: { label: ">50K", probability: 0.75 },
      got: { label: "<=50K", probability: 0.25 },
    }));
    expect(
      endpointProblems(
        {
          endpoint: "contoso",
          calls: 4,
          failedCalls: [{ call: 2, rows: [3, 4], error: "503 ServiceUnavailable: busy" }],
          rowsChecked: 8,
          disagreements: rows,
          p99Ms: 250,
        },
        100,
      ),
    ).to.deep.equal([
      'endpoint "contoso": 1 of 4 calls failed: call 2 (rows 3, 4): 503 ServiceUnavailable: busy',
      `endpoint "contoso": 7 of 8 rows disagreed with the candidate's own scores: ${[1, 2, 3, 4, 5]
        .map((r) => `row ${r}: served "<=50K" 0.25, the candidate ">50K" 0.75`)
        .join("; ")}; and 2 more`,
    ]);
    expect(
      endpointProblems(
        {
          endpoint: "default",
          calls: 4,
          failedCalls: [],
          rowsChecked: 20,
          disagreements: [],
          p99Ms: 250,
        },
        100,
      ),
    ).to.deep.equal([
      'endpoint "default": p99 latency 250 ms over 4 calls, above the bound of 100 ms',
    ]);
  });

  describe("a model and its transformations as a pair", () => {
    const T = "Norm [transform]";
    const U = "Other [transform]";
    const at = (v: string, file: string): string => `http://blob/acct/models/${v}/${file}`;
    const withTransforms = {
      candidate: {
        ...inputs.candidate,
        transforms: {
          [T]: {
            baseLocation: "http://blob/acct/",
            relativeLocation: "models/v2/k.output3.itransform",
          },
        },
      },
    };
    const candidate = candidatePair(withTransforms);
    const classic = inputs.endpoints[0];
    const endpoint = (previous: Partial<StageEndpoint>): StageEndpoint =>
      ({ ...classic, ...previous }) as StageEndpoint;

    it("the candidate is its model and each transformation, by name; none without them", () => {
      expect(candidate).to.deep.equal({
        model: at("v2", "k.ilearner"),
        transforms: { [T]: at("v2", "k.output3.itransform") },
      });
      expect(candidatePair(inputs)).to.deep.equal({
        model: at("v2", "k.ilearner"),
        transforms: {},
      });
    });

    it("an endpoint serves the pair only with the model and every transformation", () => {
      const transforms = { [T]: at("v2", "k.output3.itransform") };
      expect(servesPair({ model: candidate.model, transforms }, candidate)).to.equal(true);
      expect(servesPair({ model: candidate.model, transforms: {} }, candidate)).to.equal(false);
      expect(
        servesPair(
          { model: candidate.model, transforms: { [T]: at("v1", "j.output3.itransform") } },
          candidate,
        ),
      ).to.equal(false);
      expect(servesPair({ model: at("v1", "j.ilearner"), transforms }, candidate)).to.equal(false);
      expect(servesPair(undefined, candidate)).to.equal(false);
      expect(describePair({ model: candidate.model, transforms })).to.equal(
        `${at("v2", "k.ilearner")} with "${T}" at ${at("v2", "k.output3.itransform")}`,
      );
      expect(describePair(undefined)).to.equal("(none)");
    });

    it("a rollback sets the earlier model with the earlier transformations", () => {
      expect(
        rollbackPlan(
          endpoint({
            previousModelUri: at("v1", "j.ilearner"),
            previousTransformUris: { [T]: at("v1", "j.output3.itransform"), [U]: "http://x/y" },
          }),
          candidate,
        ),
      ).to.deep.equal({
        target: {
          model: at("v1", "j.ilearner"),
          transforms: { [T]: at("v1", "j.output3.itransform") },
        },
      });
      // Without transformations: the model alone, as before.
      expect(
        rollbackPlan(endpoint({ previousModelUri: at("v1", "j.ilearner") }), candidatePair(inputs)),
      ).to.deep.equal({ target: { model: at("v1", "j.ilearner"), transforms: {} } });
    });

    it("a rollback leaves an endpoint as it is without an earlier model, an earlier transformation, or anything else to set", () => {
      expect(rollbackPlan(endpoint({}), candidate)).to.deep.equal({
        done: {
          endpoint: "contoso",
          outcome:
            "not rolled back: no earlier model is recorded for it (created, or not repointed, since it joined a stage)",
        },
      });
      expect(
        rollbackPlan(
          endpoint({
            previousModelUri: at("v1", "j.ilearner"),
            previousTransformUris: { [U]: "http://x/y" },
          }),
          candidate,
        ),
      ).to.deep.equal({
        done: {
          endpoint: "contoso",
          to: at("v1", "j.ilearner"),
          outcome: `not rolled back: no earlier transformation is recorded for it ("${T}"), and its earlier model alone would not match the transformation it serves`,
        },
      });
      expect(
        rollbackPlan(
          endpoint({
            previousModelUri: candidate.model,
            previousTransformUris: candidate.transforms,
          }),
          candidate,
        ),
      ).to.deep.equal({
        done: {
          endpoint: "contoso",
          to: candidate.model,
          transforms: candidate.transforms,
          outcome: "not rolled back: it served this model and these transformations before",
        },
      });
      expect(
        rollbackPlan(endpoint({ previousModelUri: candidate.model }), candidatePair(inputs)),
      ).to.deep.equal({
        done: {
          endpoint: "contoso",
          to: candidate.model,
          outcome: "not rolled back: it served this model before",
        },
      });
    });
  });
});
