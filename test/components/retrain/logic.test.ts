import { expect } from "chai";
import {
  declaredLocation,
  diffTrainedModel,
  modelKey,
  normalizeParameters,
  validateTrainedModelInputs,
  validateVersion,
} from "../../../components/retrain/logic";
import { UNKNOWN } from "../../../components/shared/values";
import type { TrainedModelOutputs } from "../../../components/retrain/types";

const base: TrainedModelOutputs = {
  version: "2026-11-27.1",
  data: "data/census-2026-11.csv",
  dataSha256: "a".repeat(64),
  parameters: { "L2 regularization weight": "1" },
  gate: { metric: "AUC", min: 0.8, maxRegression: 0.01 },
  retain: true,
  deadlineMinutes: 120,
  training: {
    executionUrl: "http://127.0.0.1:1/subscriptions/x/services/y",
    apiKey: "key-1",
    inputPort: "input1",
    modelOutput: "output1",
    evaluationOutput: "output2",
    inputColumns: ["age", "income"],
  },
  store: {
    connectionString: "AccountName=acct;AccountKey=k1;BlobEndpoint=http://127.0.0.1:1/acct",
    dataContainer: "training-data",
    modelContainer: "models",
  },
  modelKey: "0123456789abcdef",
  status: "ready",
};

describe("components/retrain/logic", () => {
  describe("diffTrainedModel", () => {
    const table: {
      name: string;
      change: Partial<TrainedModelOutputs>;
      replaces: string[];
      updates: string[];
    }[] = [
      { name: "nothing changed", change: {}, replaces: [], updates: [] },
      {
        name: "version bump",
        change: { version: "2026-11-28.1" },
        replaces: ["version"],
        updates: [],
      },
      {
        name: "edited data",
        change: { dataSha256: "b".repeat(64) },
        replaces: ["dataSha256"],
        updates: [],
      },
      {
        name: "renamed data file, same bytes",
        change: { data: "data/renamed.csv" },
        replaces: [],
        updates: ["data"],
      },
      {
        name: "parameters",
        change: { parameters: { "L2 regularization weight": "0.5" } },
        replaces: ["parameters"],
        updates: [],
      },
      {
        name: "parameters in another key order",
        change: { parameters: { b: "1", a: "2" } },
        replaces: ["parameters"],
        updates: [],
      },
      {
        name: "gate tightened",
        change: { gate: { metric: "AUC", min: 0.85 } },
        replaces: [],
        updates: ["gate"],
      },
      { name: "retain flipped", change: { retain: false }, replaces: [], updates: ["retain"] },
      {
        name: "training key rotated",
        change: { training: { ...base.training, apiKey: "key-2" } },
        replaces: [],
        updates: ["training"],
      },
      {
        name: "storage key rotated",
        change: {
          store: {
            ...base.store,
            connectionString: "AccountName=acct;AccountKey=k2;BlobEndpoint=http://127.0.0.1:1/acct",
          },
        },
        replaces: [],
        updates: ["store"],
      },
      {
        name: "another storage account",
        change: {
          store: {
            ...base.store,
            connectionString:
              "AccountName=other;AccountKey=k1;BlobEndpoint=http://127.0.0.1:1/other",
          },
        },
        replaces: ["store"],
        updates: [],
      },
      {
        name: "version unknown at preview",
        change: { version: UNKNOWN },
        replaces: ["version"],
        updates: [],
      },
    ];
    for (const c of table) {
      it(c.name, () => {
        const news = { ...base, ...c.change };
        const result = diffTrainedModel(base, news);
        expect(result.replaces).to.deep.equal(c.replaces);
        expect(result.updates).to.deep.equal(c.updates);
        expect(result.changes).to.equal(c.replaces.length + c.updates.length > 0);
        expect(result.deleteBeforeReplace).to.equal(false);
      });
    }
    it("key order of equal parameters is not a change", () => {
      const olds = { ...base, parameters: { a: "1", b: "2" } };
      expect(diffTrainedModel(olds, { ...olds, parameters: { b: "2", a: "1" } }).changes).to.equal(
        false,
      );
    });
    it("a new __provider alone is not a change", () => {
      const olds = { ...base, __provider: "exports.handler = old" } as TrainedModelOutputs;
      const news = { ...base, __provider: "exports.handler = new" } as TrainedModelOutputs;
      expect(diffTrainedModel(olds, news).changes).to.equal(false);
    });
    it("a model whose job failed updates (a retry)", () => {
      const result = diffTrainedModel({ ...base, status: "failed" }, base);
      expect(result).to.deep.equal({
        changes: true,
        replaces: [],
        updates: ["status"],
        deleteBeforeReplace: false,
      });
    });
  });

  describe("modelKey", () => {
    it("depends on version, data and parameters but not on parameter order", () => {
      const k = modelKey("v1", "a".repeat(64), { x: "1", y: "2" });
      expect(k).to.match(/^[0-9a-f]{16}$/);
      expect(modelKey("v1", "a".repeat(64), { y: "2", x: "1" })).to.equal(k);
      expect(modelKey("v2", "a".repeat(64), { x: "1", y: "2" })).to.not.equal(k);
      expect(modelKey("v1", "b".repeat(64), { x: "1", y: "2" })).to.not.equal(k);
      expect(modelKey("v1", "a".repeat(64), { x: "1", y: "3" })).to.not.equal(k);
    });
  });

  describe("validation", () => {
    const versions: [unknown, boolean][] = [
      ["2026-11-27.1", true],
      ["v3", true],
      ["1.0.0_rc-1", true],
      ["", false],
      ["-v1", false],
      ["v1/../../x", false],
      ["a..b", false],
      ["v 1", false],
      ["x".repeat(65), false],
      [3, false],
    ];
    for (const [v, ok] of versions) {
      it(`version ${JSON.stringify(v).slice(0, 30)} is ${ok ? "valid" : "invalid"}`, () => {
        const failures = validateVersion(v);
        expect(failures.length === 0).to.equal(ok);
        if (!ok) expect(failures[0].reason).to.match(/version|string/);
      });
    }
    it("normalizes parameters to sorted strings", () => {
      expect(normalizeParameters({ b: 2, a: true, c: "x" })).to.deep.equal({
        parameters: { a: "true", b: "2", c: "x" },
        failures: [],
      });
    });
    it("rejects oversized and non-scalar parameters, naming them", () => {
      const { failures } = normalizeParameters({ big: "x".repeat(20_000), nested: { a: 1 } });
      expect(failures.map((f) => f.property)).to.deep.equal([
        "parameters.big",
        "parameters.nested",
      ]);
    });
    it("names each bad field of the inputs", () => {
      const { failures } = validateTrainedModelInputs({
        version: "bad version",
        gate: { metric: "ROC" },
        retain: "yes",
        deadlineMinutes: 0,
        training: {
          executionUrl: "ftp://x",
          apiKey: "",
          inputPort: "input1",
          modelOutput: "output1",
          evaluationOutput: "output2",
          inputColumns: [],
        },
        store: {
          connectionString: "AccountName=a",
          dataContainer: "Bad_Name",
          modelContainer: "models",
        },
      });
      expect(failures.map((f) => f.property)).to.deep.equal([
        "version",
        "gate.metric",
        "retain",
        "deadlineMinutes",
        "training.apiKey",
        "training.executionUrl",
        "training.inputColumns",
        "store.connectionString",
        "store.dataContainer",
      ]);
    });
    it("accepts unknown preview values without complaint", () => {
      const { failures } = validateTrainedModelInputs({
        ...base,
        training: UNKNOWN,
        store: {
          connectionString: UNKNOWN,
          dataContainer: "training-data",
          modelContainer: "models",
        },
      });
      expect(failures).to.deep.equal([]);
    });
  });

  describe("declaredLocation", () => {
    const inputs = {
      version: "2026-11-27.1",
      dataSha256: "d".repeat(64),
      parameters: { b: "2", a: "1" },
      store: {
        connectionString:
          "AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1",
        dataContainer: "training-data",
        modelContainer: "models",
      },
    };
    it("is the content-addressed blob the create writes, known from the inputs alone", () => {
      const key = modelKey(inputs.version, inputs.dataSha256, inputs.parameters);
      expect(declaredLocation(inputs)).to.deep.equal({
        modelKey: key,
        model: {
          baseLocation: "http://127.0.0.1:10000/devstoreaccount1/",
          relativeLocation: `models/2026-11-27.1/${key}.ilearner`,
          uri: `http://127.0.0.1:10000/devstoreaccount1/models/2026-11-27.1/${key}.ilearner`,
        },
      });
    });
    it("is unknown while a part of the key or the store is", () => {
      expect(declaredLocation({ ...inputs, dataSha256: undefined })).to.equal(undefined);
      expect(declaredLocation({ ...inputs, version: UNKNOWN })).to.equal(undefined);
      expect(
        declaredLocation({ ...inputs, store: { ...inputs.store, connectionString: UNKNOWN } }),
      ).to.equal(undefined);
    });
  });
});
