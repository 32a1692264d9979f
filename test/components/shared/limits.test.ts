/**
 * Each input's limits are defined once (`components/shared/limits.ts`) and used by both the stack
 * config and the providers' `check`: the same bad value is refused by both, with the same words,
 * and a value at the edge of a limit is accepted by both.
 */
import { expect } from "chai";
import { ConfigError, parseConfig } from "../../../config";
import { checkClassicEndpoint } from "../../../components/classicEndpoint/logic";
import { validateTrainedModelInputs } from "../../../components/retrain/logic";
import { LIMITS } from "../../../components/shared/limits";
import { checkWebService } from "../../../components/webService/logic";

const model = { version: "2026-11-27.1", data: "data/census-2026-11.csv", gate: { metric: "AUC" } };

/** The config problems for raw values (an empty list when the config is valid). */
function configProblems(raw: Record<string, unknown>): string[] {
  try {
    parseConfig(
      Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.stringify(v)])) as Record<
        string,
        string
      >,
    );
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

/** A limit: how the config and a check see one value of it. */
interface Case {
  readonly name: string;
  /** Config problem lines for the value. */
  readonly config: (value: unknown) => string[];
  /** The config key the problem names. */
  readonly key: string;
  /** Check failures (property: reason) for the value. */
  readonly check: (value: unknown) => string[];
  /** The property the check names. */
  readonly property: string;
  readonly bad: readonly unknown[];
  readonly good: readonly unknown[];
}

const endpointInputs = {
  endpoint: "http://127.0.0.1:9700",
  workspaceId: "ws",
  webServiceId: "svc",
  token: "t",
  name: "contoso",
  resourceName: "Census Model [trained model]",
  storageConnectionString: "AccountName=a;AccountKey=k",
  trainedModel: { baseLocation: "http://b/", relativeLocation: "models/m.ilearner" },
};
const endpointCheck =
  (field: string) =>
  (value: unknown): string[] =>
    checkClassicEndpoint({ ...endpointInputs, [field]: value }).map(
      (f) => `${f.property}: ${f.reason}`,
    );
const endpointConfig =
  (field: string) =>
  (value: unknown): string[] =>
    configProblems({ model, endpoints: [{ name: "contoso", [field]: value }] });

const cases: Case[] = [
  {
    name: "endpoint name",
    config: (v) => configProblems({ model, endpoints: [{ name: v }] }),
    key: "azureml-retrain:endpoints[0].name",
    check: endpointCheck("name"),
    property: "name",
    bad: ["default", "Contoso", "a".repeat(25), "-x", 7],
    good: ["a", "a".repeat(24), "ep-001"],
  },
  {
    name: "maximum concurrent calls",
    config: endpointConfig("maxConcurrentCalls"),
    key: "azureml-retrain:endpoints[0].maxConcurrentCalls",
    check: endpointCheck("maxConcurrentCalls"),
    property: "maxConcurrentCalls",
    bad: [0, LIMITS.maxConcurrentCalls.max + 1, 2.5, "4"],
    good: [1, LIMITS.maxConcurrentCalls.max],
  },
  {
    name: "endpoint description",
    config: endpointConfig("description"),
    key: "azureml-retrain:endpoints[0].description",
    check: endpointCheck("description"),
    property: "description",
    bad: ["x".repeat(LIMITS.descriptionChars + 1), 5],
    good: ["", "x".repeat(LIMITS.descriptionChars)],
  },
  {
    name: "throttle level",
    config: endpointConfig("throttleLevel"),
    key: "azureml-retrain:endpoints[0].throttleLevel",
    check: endpointCheck("throttleLevel"),
    property: "throttleLevel",
    bad: ["Medium", "low"],
    good: ["Low", "High"],
  },
  {
    name: "model version",
    config: (v) => configProblems({ model: { ...model, version: v } }),
    key: "azureml-retrain:model.version",
    check: (v) =>
      validateTrainedModelInputs({ ...model, version: v })
        .failures.filter((f) => f.property === "version")
        .map((f) => `${f.property}: ${f.reason}`),
    property: "version",
    bad: ["", "v 1", "../x", "a..b", "-1", "x".repeat(65)],
    good: ["1", "2026-11-27.1", "x".repeat(64)],
  },
  {
    name: "job deadline",
    config: (v) => configProblems({ model: { ...model, deadlineMinutes: v } }),
    key: "azureml-retrain:model.deadlineMinutes",
    check: (v) =>
      validateTrainedModelInputs({ ...model, deadlineMinutes: v })
        .failures.filter((f) => f.property === "deadlineMinutes")
        .map((f) => `${f.property}: ${f.reason}`),
    property: "deadlineMinutes",
    bad: [0, -5, LIMITS.deadlineMinutes.max + 1, "soon"],
    good: [0.5, LIMITS.deadlineMinutes.max],
  },
  {
    name: "web service name",
    config: (v) => configProblems({ model, services: { trainingName: v } }),
    key: "azureml-retrain:services.trainingName",
    check: (v) =>
      checkWebService({ role: "training", name: v })
        .filter((f) => f.property === "name")
        .map((f) => `${f.property}: ${f.reason}`),
    property: "name",
    bad: ["bad name", "_x", "x".repeat(101)],
    good: ["census-training", "a", "x".repeat(100)],
  },
];

describe("components/shared/limits: one definition for the config and the checks", () => {
  for (const c of cases) {
    for (const value of c.bad) {
      it(`${c.name}: ${JSON.stringify(value).slice(0, 30)} is refused by both, in the same words`, () => {
        const config = c.config(value);
        const check = c.check(value);
        expect(config).to.have.length(1);
        expect(check).to.have.length(1);
        const reason = check[0].slice(`${c.property}: `.length);
        expect(check[0].startsWith(`${c.property}: `), check[0]).to.equal(true);
        expect(config[0]).to.equal(`${c.key}: ${reason}`);
      });
    }
    it(`${c.name}: ${c.good.map((v) => JSON.stringify(v).slice(0, 12)).join(", ")} accepted by both`, () => {
      for (const value of c.good) {
        expect(c.config(value), JSON.stringify(value)).to.deep.equal([]);
        expect(c.check(value), JSON.stringify(value)).to.deep.equal([]);
      }
    });
  }
});
