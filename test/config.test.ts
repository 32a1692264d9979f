import { expect } from "chai";
import { expectInstance } from "./helpers/expect";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, parseConfig, readEmulatorCredentials } from "../config";

const model = {
  version: "2026-11-27.1",
  data: "data/census-2026-11.csv",
  gate: { metric: "AUC", min: 0.8, maxRegression: 0.01 },
};
const azure = {
  subscriptionId: "11111111-2222-3333-4444-555555555555",
  resourceGroup: "rg",
  location: "westeurope",
  workspaceId: "ws",
};
const json = (v: unknown): string => JSON.stringify(v);

describe("config", () => {
  it("fills defaults for a minimal local stack", () => {
    const config = parseConfig({ model: json(model) });
    expect(config.target).to.equal("local");
    expect(config.model).to.deep.equal({
      ...model,
      parameters: {},
      retain: true,
      deadlineMinutes: 120,
    });
    expect(config.local).to.deep.equal({
      emulatorUrl: "http://127.0.0.1:9700",
      azuriteBlobEndpoint: "http://127.0.0.1:10000/devstoreaccount1",
      emulatorLocation: ".azureml-emulator",
      workspaceId: "10ca1000000000000000000000000001",
    });
    expect(config.services.trainingDefinition).to.equal("definitions/census-training.json");
    expect(config.endpoints).to.deep.equal([]);
  });

  it("canonicalizes the gate metric and stringifies parameters", () => {
    const config = parseConfig({
      model: json({
        ...model,
        gate: { metric: "auc", min: 0.7 },
        parameters: { seed: 42, flag: true },
      }),
    });
    expect(config.model.gate).to.deep.equal({ metric: "AUC", min: 0.7 });
    expect(config.model.parameters).to.deep.equal({ seed: "42", flag: "true" });
  });

  it("accepts an azure stack with endpoints when the workspace token is set", () => {
    const config = parseConfig({
      target: "azure",
      model: json(model),
      azure: json(azure),
      endpoints: json([{ name: "contoso" }]),
      workspaceToken: "set",
    });
    expect(config.azure?.managementEndpoint).to.equal("https://management.azureml.net");
    expect(config.local).to.equal(undefined);
  });

  const bad: { name: string; raw: Record<string, string | undefined>; problems: RegExp[] }[] = [
    {
      name: "unknown target",
      raw: { target: "gcp", model: json(model) },
      problems: [/azureml-retrain:target: must be "local".*got "gcp"/],
    },
    { name: "missing model", raw: {}, problems: [/azureml-retrain:model: is required/] },
    {
      name: "bad version",
      raw: { model: json({ ...model, version: "v 1" }) },
      problems: [/azureml-retrain:model\.version: "v 1" is not a valid version/],
    },
    {
      name: "unknown gate metric",
      raw: { model: json({ ...model, gate: { metric: "ROC", min: 0.8 } }) },
      problems: [/azureml-retrain:model\.gate\.metric: "ROC" is not a metric/],
    },
    {
      name: "gate min out of range",
      raw: { model: json({ ...model, gate: { metric: "AUC", min: 2 } }) },
      problems: [/model\.gate\.min: AUC lies in \[0, 1\]/],
    },
    {
      name: "typo in a model field",
      raw: { model: json({ ...model, verison: "x" }) },
      problems: [/azureml-retrain:model: .*verison/],
    },
    {
      name: "deadline not a number",
      raw: { model: json({ ...model, deadlineMinutes: "soon" }) },
      problems: [/azureml-retrain:model\.deadlineMinutes/],
    },
    {
      name: "endpoint named default",
      raw: { model: json(model), endpoints: json([{ name: "default" }]) },
      problems: [/endpoints\[0\]\.name: "default" is not a valid endpoint name/],
    },
    {
      name: "endpoint name too long",
      raw: { model: json(model), endpoints: json([{ name: "a-very-long-endpoint-name-here" }]) },
      problems: [/endpoints\[0\]\.name/],
    },
    {
      name: "duplicate endpoint",
      raw: { model: json(model), endpoints: json([{ name: "a1" }, { name: "a1" }]) },
      problems: [/endpoints\[1\]\.name: "a1" is declared twice/],
    },
    {
      name: "bad pinned version",
      raw: {
        model: json(model),
        endpoints: json([{ name: "a1", model: { version: "../x", data: "d.csv" } }]),
      },
      problems: [/endpoints\[0\]\.model\.version/],
    },
    {
      name: "endpoints not a list",
      raw: { model: json(model), endpoints: json({ name: "a1" }) },
      problems: [/azureml-retrain:endpoints: must be a list/],
    },
    {
      name: "bad emulator URL",
      raw: { model: json(model), local: json({ emulatorUrl: "localhost:9700" }) },
      problems: [/azureml-retrain:local\.emulatorUrl: must be an http\(s\) URL/],
    },
    {
      name: "azure without azure config",
      raw: { target: "azure", model: json(model) },
      problems: [/azureml-retrain:azure: is required/],
    },
    {
      name: "azure bad subscription",
      raw: {
        target: "azure",
        model: json(model),
        azure: json({ ...azure, subscriptionId: "nope" }),
      },
      problems: [/azureml-retrain:azure\.subscriptionId: must be a subscription GUID/],
    },
    {
      name: "azure endpoints without token",
      raw: {
        target: "azure",
        model: json(model),
        azure: json(azure),
        endpoints: json([{ name: "c1" }]),
      },
      problems: [/azureml-retrain:workspaceToken: classic endpoints on Azure need/],
    },
    {
      name: "bad classic service id",
      raw: { model: json(model), services: json({ classicWebServiceId: "xyz" }) },
      problems: [/services\.classicWebServiceId: must be the 32-hex id/],
    },
    {
      name: "several problems at once",
      raw: { target: "gcp", model: json({ ...model, version: "", gate: { metric: "X" } }) },
      problems: [/target/, /model\.version/, /model\.gate\.metric/],
    },
  ];
  for (const c of bad) {
    it(`rejects: ${c.name}`, () => {
      let error: unknown;
      try {
        parseConfig(c.raw);
      } catch (e) {
        error = e;
      }
      expectInstance(error, ConfigError, "a ConfigError");
      for (const p of c.problems)
        expect(
          error.problems.some((line) => p.test(line)),
          `expected ${p} in:\n${error.problems.join("\n")}`,
        ).to.equal(true);
      expect(error.problems.length, error.problems.join("\n")).to.equal(c.problems.length);
    });
  }

  describe("readEmulatorCredentials", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "creds-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads the tokens the emulator saved", () => {
      fs.writeFileSync(
        path.join(dir, "credentials.json"),
        json({ armToken: "a", workspaceToken: "w", extra: 1 }),
      );
      expect(readEmulatorCredentials(dir)).to.deep.equal({
        armToken: "a",
        workspaceToken: "w",
      });
    });
    it("says how to start the emulators when the file is missing", () => {
      expect(() => readEmulatorCredentials(dir)).to.throw(
        /start the emulators first \(npm run emulators\)/,
      );
    });
    it("says the file is incomplete", () => {
      fs.writeFileSync(path.join(dir, "credentials.json"), json({ armToken: "a" }));
      expect(() => readEmulatorCredentials(dir)).to.throw(/lacks armToken or workspaceToken/);
    });
  });
});
