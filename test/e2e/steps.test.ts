/**
 * The exact steps of the program's changes, through the strict engine double (`harness/`) and
 * the SDK's provider host, on the local stack: what a pull request's preview shows and what the
 * merge's up does.
 *
 * - A gate-only or retain-only change updates the TrainedModels (one per declared model, main
 *   and pinned: they share the gate) and nothing downstream: the model's location is in the
 *   checked inputs, so it stays known in the preview.
 * - A version bump replaces the TrainedModel, updates the services and the unpinned endpoint,
 *   nothing else; its preview already knows the new model's URI.
 * - A change that would replace the classic web service is refused at check, saying how to do it
 *   on purpose; done on purpose, every endpoint under it is deleted first and created again,
 *   with new keys, and the provider warns so.
 * - The first failure ends the run with the failed step named; the next up converges.
 * - A SAS in `data` does not reach what the engine prints with its signature.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateCensusRows } from "../../data/generate";
import { printed, stepLines, type EngineDouble } from "../../harness/engine";
import {
  OutputCursor,
  localConfig,
  servedByPredictive,
  shuffledLabels,
  startLocalStack,
  writeCensusCsv,
  writeCensusSample,
  type LocalStack,
} from "../../harness/localStack";
import type { Props } from "../../harness/secrets";
import { expectPresent } from "../helpers/expect";
import { azuriteBlobEndpoint } from "../helpers/env";
import { tearDownStack } from "../helpers/stack";

const UNCHANGED = ["same storage", "same storage-containers", "same training"];
/** The gate and retention after the gate-only and retain-only changes: kept from then on. */
const SETTLED = { gateMin: 0.65, retain: false } as const;

describe("the program's steps through the strict engine double", function () {
  this.timeout(300_000);
  let work: string;
  let stack: LocalStack;
  let engine: EngineDouble;
  let files: Record<string, string>;
  let hostLines: OutputCursor;
  /** The inputs each resource's last Check got, by name. */
  const checked = new Map<string, Props>();

  const october = { version: "2026-10-30.1" };
  const config = (
    model: { version: string; data: string },
    options: { gateMin?: number; retain?: boolean; services?: Props } = {},
  ): Record<string, unknown> => {
    const base = localConfig({
      servers: stack,
      model,
      gate: { metric: "AUC", min: options.gateMin ?? 0.7, maxRegression: 0.05 },
      deadlineMinutes: 10,
      endpoints: [
        { name: "contoso" },
        { name: "fabrikam", model: { ...october, data: files.october } },
      ],
      ...(options.services ? { extra: { services: options.services } } : {}),
    });
    return {
      ...base,
      model: { ...(base.model as Props), retain: options.retain ?? true },
    };
  };
  const november = (): { version: string; data: string } => ({
    version: "2026-11-27.1",
    data: files.november,
  });

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "steps-"));
    const write = (name: string, seed: number, drift: number): string =>
      writeCensusSample(work, name, { seed, drift });
    files = {
      october: write("census-2026-10.csv", 1, 0),
      november: write("census-2026-11.csv", 2, 1),
      december: write("census-2026-12.csv", 5, 1),
      noise: writeCensusCsv(
        work,
        "census-noise.csv",
        shuffledLabels(generateCensusRows({ rows: 3000, seed: 3, drift: 0 })),
      ),
    };
    stack = await startLocalStack(work, {
      passphrase: "steps passphrase",
      azuriteBlobEndpoint: azuriteBlobEndpoint(),
      hostEnv: { AZUREML_RETRAIN_LOG: "" },
    });
    engine = stack.engine;
    hostLines = new OutputCursor(stack.host);
    // Keeps what each Check was given: what a preview knows about each resource.
    const host = stack.host as unknown as {
      check: (urn: string, olds: Props, news: Props) => Promise<unknown>;
    };
    const check = host.check.bind(stack.host);
    host.check = (urn, olds, news) => {
      checked.set(urn.split("::").pop() ?? urn, news);
      return check(urn, olds, news);
    };
  });

  after(() => tearDownStack(engine, stack, work));

  it("a fresh up creates every resource", async () => {
    const up = await engine.up(config(november()));
    expect(up.error, up.error?.message).to.equal(undefined);
    expect(stepLines(up)).to.deep.equal([
      "create classic",
      "create endpoint-contoso",
      "create endpoint-fabrikam",
      "create model",
      "create model-2026-10-30.1",
      "create predictive",
      "create storage",
      "create storage-containers",
      "create training",
    ]);
    hostLines.take();
  });

  for (const [change, options] of [
    ["gate-only", { gateMin: 0.65 }],
    ["retain-only", { gateMin: 0.65, retain: false }],
  ] as const) {
    it(`a ${change} change updates the TrainedModels and nothing downstream`, async () => {
      const expected = [
        ...UNCHANGED,
        "same classic",
        "same endpoint-contoso",
        "same endpoint-fabrikam",
        "same predictive",
        "update model",
        "update model-2026-10-30.1",
      ].sort();
      const preview = await engine.preview(config(november(), options));
      expect(preview.error, preview.error?.message).to.equal(undefined);
      expect(stepLines(preview)).to.deep.equal(expected);
      const up = await engine.up(config(november(), options));
      expect(up.error, up.error?.message).to.equal(undefined);
      expect(stepLines(up)).to.deep.equal(expected);
      expect(
        hostLines.take().filter((l) => /BES job|upload|repointing|setting/.test(l)),
        "no job, upload or repoint",
      ).to.deep.equal([]);
    });
  }

  it("a version bump replaces the TrainedModel, updates the services and the unpinned endpoint, nothing else", async () => {
    const expected = [
      ...UNCHANGED,
      "delete-replaced model",
      "replace model [version,dataSha256]",
      "same endpoint-fabrikam",
      "same model-2026-10-30.1",
      "update classic",
      "update endpoint-contoso",
      "update predictive",
    ].sort();
    const bump = { version: "2026-12-01.1", data: files.december };
    const preview = await engine.preview(config(bump, SETTLED));
    expect(preview.error, preview.error?.message).to.equal(undefined);
    expect(stepLines(preview)).to.deep.equal(expected);
    // The preview knows the new model's URI: the pull request's comment can show it.
    const previewed = checked.get("predictive")?.trainedModelUri;
    expect(previewed)
      .to.be.a("string")
      .and.match(/\/models\/2026-12-01\.1\/[0-9a-f]{16}\.ilearner$/);

    const up = await engine.up(config(bump, SETTLED));
    expect(up.error, up.error?.message).to.equal(undefined);
    expect(stepLines(up)).to.deep.equal(expected);
    expect(await servedByPredictive(stack.emulator)).to.equal(previewed);
    hostLines.take();
  });

  it("a change that would replace the classic web service is refused at check, saying how to do it", async () => {
    const other = { classicWebServiceId: "c0ffee00c0ffee00c0ffee00c0ffee01" };
    const current = (engine.resource("classic")?.inputs.webServiceId ?? "") as string;
    const preview = await engine.preview(
      config({ version: "2026-12-01.1", data: files.december }, { ...SETTLED, services: other }),
    );
    expectPresent(preview.error, "the preview failed");
    expect(preview.error.message).to.match(
      /^resource urn:pulumi:local::azureml-retrain::\S+::classic is invalid$/,
    );
    expect(preview.diagnostics.map((d) => d.message)).to.deep.equal([
      `pulumi-nodejs:dynamic/azureml:ClassicWebService resource 'classic': property webServiceId value {${other.classicWebServiceId}} has a problem: ` +
        `changing webServiceId from "${current}" to "${other.classicWebServiceId}" replaces the classic web service: every endpoint under it is deleted and created again under the new one, and each consumer gets new keys. ` +
        "To do it on purpose, set allowReplacement (azureml-retrain:services.allowClassicReplacement in the stack config) to true for that up, then give the consumers their new keys",
    ]);
  });

  it("replacing the classic web service on purpose recreates every endpoint first deleted, with new keys and a warning", async () => {
    const services = {
      classicWebServiceId: "c0ffee00c0ffee00c0ffee00c0ffee01",
      allowClassicReplacement: true,
    };
    const model = { version: "2026-12-01.1", data: files.december };
    const keysBefore = ["endpoint-contoso", "endpoint-fabrikam"].map(
      (n) => engine.resource(n)?.outputs.primaryKey,
    );
    const expected = [
      ...UNCHANGED,
      "delete-replaced classic",
      "delete-replaced endpoint-contoso",
      "delete-replaced endpoint-fabrikam",
      "replace classic [webServiceId]",
      "replace endpoint-contoso [webServiceId]",
      "replace endpoint-fabrikam [webServiceId]",
      "same model",
      "same predictive",
      // The pinned model is gated against fabrikam, on the new service now.
      "update model-2026-10-30.1",
    ].sort();
    const preview = await engine.preview(config(model, { ...SETTLED, services }));
    expect(preview.error, preview.error?.message).to.equal(undefined);
    expect(stepLines(preview)).to.deep.equal(expected);
    expect(
      preview.steps
        .filter((s) => s.dependentOf === "classic")
        .map((s) => s.name)
        .sort(),
    ).to.deep.equal(["endpoint-contoso", "endpoint-fabrikam"]);
    expect(
      hostLines
        .take()
        .some((l) =>
          /^\[ClassicWebService c0ffee00c0ffee00c0ffee00c0ffee01\] WARNING: webServiceId changed: .*each consumer gets new keys$/.test(
            l,
          ),
        ),
      "the preview warns",
    ).to.equal(true);

    const up = await engine.up(config(model, { ...SETTLED, services }));
    expect(up.error, up.error?.message).to.equal(undefined);
    expect(stepLines(up)).to.deep.equal(expected);
    const keysAfter = ["endpoint-contoso", "endpoint-fabrikam"].map(
      (n) => engine.resource(n)?.outputs.primaryKey,
    );
    expect(keysAfter.every((k, i) => typeof k === "string" && k !== keysBefore[i])).to.equal(true);
    hostLines.take();
  });

  it("the first failure ends the run with the failed step named; the next up converges", async () => {
    const services = { classicWebServiceId: "c0ffee00c0ffee00c0ffee00c0ffee01" };
    const failed = await engine.up(
      config({ version: "2026-12-02.1", data: files.noise }, { ...SETTLED, services }),
    );
    expectPresent(failed.error, "the up failed");
    expect(failed.error.message).to.match(/model 2026-12-02\.1 failed the promotion gate/);
    expect(stepLines(failed)).to.deep.equal(
      [
        ...UNCHANGED,
        "replace model [version,dataSha256] (failed)",
        "same model-2026-10-30.1",
      ].sort(),
    );
    expect(failed.diagnostics.map((d) => d.urn)).to.deep.equal([
      "urn:pulumi:local::azureml-retrain::pulumi-nodejs:dynamic/azureml:TrainedModel::model",
    ]);
    const next = await engine.up(
      config({ version: "2026-12-02.1", data: files.november }, { ...SETTLED, services }),
    );
    expect(next.error, next.error?.message).to.equal(undefined);
    expect(stepLines(next)).to.include("replace model [version,dataSha256]");
    expect(await servedByPredictive(stack.emulator)).to.match(/\/models\/2026-12-02\.1\//);
    hostLines.take();
  });

  it("a SAS in data is printed without its signature when check refuses it", async () => {
    const signature = ["abc", "DEF", "123", "%2B%2F", "xyz="].join("");
    const data = `${azuriteBlobEndpoint()}/training-data/..%2Fmodels/x.csv?sv=2024-01-01&sr=b&sp=r&sig=${signature}`;
    const preview = await engine.preview(
      config(
        { version: "2026-12-03.1", data },
        { ...SETTLED, services: { classicWebServiceId: "c0ffee00c0ffee00c0ffee00c0ffee01" } },
      ),
    );
    expectPresent(preview.error, "the preview failed");
    const text = printed(preview);
    expect(text).to.match(
      /property data value \{&\{\{http:\/\/\S+\?sv=2024-01-01&sr=b&sp=r&sig=\*\*\*\}\}\} has a problem: /,
    );
    expect(text).to.not.include(signature);
    expect(text).to.not.include(decodeURIComponent(signature));
  });
});
