/**
 * The v2 surface's pure parts, table-tested: references and storage URIs, ISO durations, the
 * command line's placeholders and binding, the router's weighted and mirrored choices (and their
 * replay from a seed), the traffic rules, the api-version range and the options.
 */
import { expect } from "chai";
import { Rng } from "../../../emulator/engine/rng";
import { resolveV2Config } from "../../../emulator/v2/config";
import {
  parseAssetReference,
  parseBlobUrl,
  parseDuration,
  parseStorageUri,
  type WorkspaceRef,
} from "../../../emulator/v2/ids";
import { acceptsApiVersion } from "../../../emulator/v2";
import { bindCommand, placeholdersOf, shellQuote } from "../../../emulator/v2/services/commandLine";
import { pickMirror, pickWeighted, trafficProblem } from "../../../emulator/v2/services/routing";

const WS: WorkspaceRef = { subscriptionId: "sub", resourceGroup: "rg", workspace: "ml" };
const PREFIX =
  "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ml";

describe("emulator v2 surface: pure parts", function () {
  it("parses asset references in their three forms and names what is wrong", function () {
    const cases: [string, unknown][] = [
      ["azureml:census:3", { kind: "version", name: "census", version: "3" }],
      ["azureml:census@latest", { kind: "latest", name: "census" }],
      [`${PREFIX}/models/census/versions/3`, { kind: "version", name: "census", version: "3" }],
      [
        `${PREFIX.toUpperCase()}/MODELS/census/versions/3`,
        { kind: "version", name: "census", version: "3" },
      ],
      [
        "azureml://registries/azureml/environments/sklearn-1.5/labels/latest",
        {
          kind: "registry",
          reference: "azureml://registries/azureml/environments/sklearn-1.5/labels/latest",
        },
      ],
      [
        `${PREFIX}/codes/census/versions/3`,
        `'${PREFIX}/codes/census/versions/3' is not a models version of workspace ml`,
      ],
      [
        "census:3",
        "'census:3' is not an asset reference: use azureml:<name>:<version>, azureml:<name>@latest or the version's ARM id",
      ],
    ];
    for (const [text, expected] of cases)
      expect(parseAssetReference(text, WS, "models"), text).to.deep.equal(expected);
  });

  it("parses storage URIs: datastore paths (short and long), job outputs, blob URLs, assets", function () {
    const cases: [string, unknown][] = [
      [
        "azureml://datastores/workspaceblobstore/paths/data/x.csv",
        { kind: "datastore", datastore: "workspaceblobstore", path: "data/x.csv" },
      ],
      ["azureml://datastores/ds/paths/", { kind: "datastore", datastore: "ds", path: "" }],
      [
        "azureml://subscriptions/sub/resourcegroups/RG/workspaces/ml/datastores/ds/paths/a/b",
        { kind: "datastore", datastore: "ds", path: "a/b" },
      ],
      [
        "azureml://subscriptions/other/resourcegroups/rg/workspaces/ml/datastores/ds/paths/a",
        "'azureml://subscriptions/other/resourcegroups/rg/workspaces/ml/datastores/ds/paths/a' names another workspace than ml",
      ],
      [
        "azureml://jobs/j1/outputs/model",
        { kind: "jobOutput", job: "j1", output: "model", path: "" },
      ],
      [
        "azureml://jobs/j1/outputs/artifacts/paths/user_logs/std_log.txt",
        { kind: "jobOutput", job: "j1", output: "artifacts", path: "user_logs/std_log.txt" },
      ],
      ["azureml:census:1", { kind: "asset", reference: "azureml:census:1" }],
      [
        `${PREFIX}/data/census/versions/1`,
        { kind: "asset", reference: `${PREFIX}/data/census/versions/1` },
      ],
      [
        "http://127.0.0.1:10000/devstoreaccount1/c/p",
        { kind: "blobUrl", url: "http://127.0.0.1:10000/devstoreaccount1/c/p" },
      ],
      [
        "s3://bucket/x",
        "'s3://bucket/x' is not a storage URI: use azureml://datastores/<datastore>/paths/<path>, azureml://jobs/<job>/outputs/<output>, azureml:<name>:<version> or a blob URL",
      ],
    ];
    for (const [text, expected] of cases)
      expect(parseStorageUri(text, WS), text).to.deep.equal(expected);
  });

  it("splits blob URLs in path style (Azurite) and virtual-host style (Azure)", function () {
    expect(
      parseBlobUrl("http://127.0.0.1:10000/devstoreaccount1/box/a/b%20c.txt?sv=x"),
    ).to.deep.equal({ account: "devstoreaccount1", container: "box", path: "a/b c.txt" });
    expect(parseBlobUrl("https://acct.blob.core.windows.net/box/dir/")).to.deep.equal({
      account: "acct",
      container: "box",
      path: "dir",
    });
    expect(parseBlobUrl("https://acct.blob.core.windows.net/")).to.equal(undefined);
    expect(parseBlobUrl("not a url")).to.equal(undefined);
  });

  it("reads ISO 8601 durations", function () {
    const cases: [string, number | undefined][] = [
      ["PT30M", 1_800_000],
      ["PT5S", 5000],
      ["PT0.5S", 500],
      ["P1DT2H", 93_600_000],
      ["PT1H30M15S", 5_415_000],
      ["P", undefined],
      ["PT", undefined],
      ["30m", undefined],
      ["PT-5S", undefined],
    ];
    for (const [text, ms] of cases) expect(parseDuration(text), text).to.equal(ms);
  });

  it("finds a command's placeholders, required and optional", function () {
    expect(
      placeholdersOf(
        "python t.py --d ${{inputs.data}} $[[--b ${{inputs.base}} --d2 ${{inputs.data}}]] --o ${{ outputs.model }} ${{search_space.lr}}",
      ),
    ).to.deep.equal({
      requiredInputs: ["data"],
      optionalInputs: ["base"],
      outputs: ["model"],
      unknown: ["search_space.lr"],
    });
  });

  it("binds a command: literals as they are, paths quoted when needed, optional parts kept or dropped", function () {
    const bindings = {
      literals: { alpha: "0.1" },
      inputPaths: { data: "/tmp/job 1/inputs/data/x.csv" },
      outputPaths: { model: "/tmp/job/outputs/model" },
    };
    expect(
      bindCommand(
        "python t.py --data ${{inputs.data}} --alpha ${{inputs.alpha}} --out ${{outputs.model}} $[[--base ${{inputs.base}}]]$[[ --a ${{inputs.alpha}}]]",
        bindings,
      ),
    ).to.equal(
      "python t.py --data '/tmp/job 1/inputs/data/x.csv' --alpha 0.1 --out /tmp/job/outputs/model  --a 0.1",
    );
    expect(() => bindCommand("x ${{inputs.missing}}", bindings)).to.throw(
      "${{inputs.missing}} names no declared input",
    );
    expect(() => bindCommand("x ${{outputs.other}}", bindings)).to.throw(
      "${{outputs.other}} names no declared output",
    );
    expect(shellQuote("it's")).to.equal(`'it'\\''s'`);
  });

  it("picks deployments by weight in name order, and mirrors below the percent", function () {
    const traffic = { green: 30, blue: 70, red: 0 };
    expect([0, 0.69, 0.7, 0.999].map((d) => pickWeighted(traffic, d))).to.deep.equal([
      "blue",
      "blue",
      "green",
      "green",
    ]);
    expect(pickWeighted({ blue: 0 }, 0.5)).to.equal(undefined);
    expect(pickWeighted({}, 0.5)).to.equal(undefined);
    expect([0, 0.19, 0.2, 0.9].map((d) => pickMirror({ green: 20 }, d))).to.deep.equal([
      "green",
      "green",
      undefined,
      undefined,
    ]);
    expect(pickMirror({ green: 0 }, 0)).to.equal(undefined);
  });

  it("replays the same routing from the same seed, and another from another seed", function () {
    const traffic = { blue: 50, green: 50 };
    const run = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 40 }, () => pickWeighted(traffic, rng.nextDouble())).join(",");
    };
    expect(run(7)).to.equal(run(7));
    expect(run(7)).not.to.equal(run(8));
  });

  it("checks traffic against Azure's rules", function () {
    const deployments = ["blue", "Green"];
    const cases: [Record<string, number>, Record<string, number>, unknown][] = [
      [{ blue: 100 }, {}, undefined],
      [{ blue: 0, green: 0 }, {}, undefined],
      [{ blue: 90, green: 10 }, { green: 0 }, undefined],
      [{ blue: 100 }, { green: 50 }, undefined],
      [
        { blue: 99 },
        {},
        {
          target: "properties.traffic",
          reason: "the percents must add up to 100 (or all be 0), got 99",
        },
      ],
      [
        { blue: 50.5, green: 49.5 },
        {},
        {
          target: "properties.traffic",
          reason: "the percent of blue must be an integer from 0 to 100, got 50.5",
        },
      ],
      [
        { red: 100 },
        {},
        {
          target: "properties.traffic",
          reason: "deployment red does not exist on this endpoint (deployments: blue, Green)",
        },
      ],
      [
        { blue: 100 },
        { green: 51 },
        {
          target: "properties.mirrorTraffic",
          reason: "at most 50 percent can be mirrored, got 51",
        },
      ],
      [
        { blue: 100 },
        { blue: 10 },
        {
          target: "properties.mirrorTraffic",
          reason: "deployment blue takes live traffic and cannot also receive mirrored traffic",
        },
      ],
    ];
    for (const [traffic, mirror, expected] of cases)
      expect(
        trafficProblem(traffic, mirror, deployments),
        JSON.stringify([traffic, mirror]),
      ).to.deep.equal(expected);
    expect(
      trafficProblem({ blue: 90, green: 10 }, { blue: 5, green: 5 }, ["blue", "green"]),
    ).to.deep.equal({
      target: "properties.mirrorTraffic",
      reason: "at most one deployment can receive mirrored traffic",
    });
  });

  it("accepts dated api-versions in range only", function () {
    const cases: [string, boolean][] = [
      ["2022-10-01", true],
      ["2025-12-01", true],
      ["2024-01-01-preview", true],
      ["2022-09-30", false],
      ["2025-12-02", false],
      ["2024-01-01-beta", false],
      ["2024-1-1", false],
    ];
    for (const [version, ok] of cases) expect(acceptsApiVersion(version), version).to.equal(ok);
  });

  it("resolves its options with defaults, and names a bad one", function () {
    const config = resolveV2Config({});
    expect({ ...config, failOperations: String(config.failOperations) }).to.deep.equal({
      python: "python3",
      operationDelayMs: 0,
      retryAfterSeconds: 1,
      routingSeed: undefined,
      failOperations: "undefined",
    });
    expect(resolveV2Config({ failOperations: "^create " }).failOperations?.source).to.equal(
      "^create ",
    );
    expect(() => resolveV2Config({ operationDelayMs: -1 })).to.throw(
      RangeError,
      "operationDelayMs must be a non-negative integer, got -1",
    );
    expect(() => resolveV2Config({ failOperations: "(" })).to.throw(
      RangeError,
      /^failOperations is not a regular expression/,
    );
    expect(() => resolveV2Config({}, " ")).to.throw(
      RangeError,
      "python is empty: name an interpreter",
    );
  });
});
