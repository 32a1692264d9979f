/**
 * The shim every resource registers as its provider: a few lines that load the project's
 * providers at run time through `loadProviders.cjs`, which bundles them once with esbuild and
 * reuses the bundle while no source file changes. Run here as the provider host runs it: a plain
 * `node` process in a project directory, with no TypeScript loader.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { shimText, type ProviderKind } from "../../../components/shared/shim";
import { PROJECT_DIR } from "../../../harness/providerHost";
import { fakeProject } from "../../helpers/fakeProject";

const KINDS: ProviderKind[] = [
  "trainedModel",
  "webService",
  "classicWebService",
  "classicEndpoint",
  "localContainers",
];

/** Loads a shim text in a plain node process in `cwd` and runs `body` (a function body) with it. */
function inPlainNode(cwd: string, text: string, body: string): unknown {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "shim-text-"));
  const file = path.join(tmp, "provider.js");
  fs.writeFileSync(file, text);
  const script = `
    const shim = require("require-from-string")(require("fs").readFileSync(${JSON.stringify(file)}, "utf8")).handler();
    (async () => { const result = await (async (shim) => { ${body} })(shim); console.log(JSON.stringify(result)); })()
      .catch((e) => { console.log(JSON.stringify({ error: e.message })); });`;
  try {
    return JSON.parse(
      execFileSync(process.execPath, ["-e", script], {
        cwd,
        encoding: "utf8",
        env: { ...process.env, NODE_OPTIONS: "" },
      }),
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

describe("components/shared/shim: the provider in the state loads the project's code", function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it("is at most 4 kB for every kind, and holds none of the provider's code", async () => {
    const sizes: Record<string, number> = {};
    for (const kind of KINDS) {
      const text = shimText(kind);
      sizes[kind] = Buffer.byteLength(text);
      expect(text).to.not.match(
        /BesClient|ArmWebServicesClient|ClassicManagementClient|blobService/,
      );
    }
    expect(
      Object.values(sizes).every((n) => n > 100 && n <= 4096),
      JSON.stringify(sizes),
    ).to.equal(true);
  });

  it("runs the project's provider in a plain node process in the project directory", async () => {
    const result = inPlainNode(
      PROJECT_DIR,
      shimText("classicEndpoint"),
      `return (await shim.check({}, { name: "default" })).failures.map((f) => f.property);`,
    );
    expect(result).to.include.members(["name", "endpoint", "token", "trainedModel"]);
  });

  it("loads the code on disk at the time of the call: changed code is bundled again", async () => {
    const version = (n: number): string =>
      `export const providers = { localContainers: { async delete() { return "deleted by v${n}"; } } };\n`;
    const dir = fakeProject(version(1));
    dirs.push(dir);
    const text = shimText("localContainers");
    expect(inPlainNode(dir, text, `return shim.delete("id", {});`)).to.equal("deleted by v1");
    expect(inPlainNode(dir, text, `return shim.delete("id", {});`)).to.equal("deleted by v1");
    const cache = path.join(dir, "node_modules", ".cache", "azureml-retrain");
    const bundles = (): string[] => fs.readdirSync(cache).filter((f) => f.endsWith(".js"));
    expect(bundles(), "one bundle, reused by the second process").to.have.length(1);
    fs.writeFileSync(path.join(dir, "components", "providers.ts"), version(2));
    expect(inPlainNode(dir, text, `return shim.delete("id", {});`)).to.equal("deleted by v2");
    expect(bundles()).to.have.length(2);
  });

  it("says what is missing when the project's code is not where the host runs", async () => {
    const dir = fakeProject("export const providers = {};\n");
    dirs.push(dir);
    fs.rmSync(path.join(dir, "components", "providers.ts"));
    expect(
      inPlainNode(dir, shimText("trainedModel"), `return shim.delete("id", {});`),
    ).to.deep.equal({
      error: `the azureml-retrain providers are loaded from the project's code at run time, and ${path.join(dir, "components", "providers.ts")} does not exist: run pulumi from the azureml-retrain project directory, with its code checked out and \`npm ci\` run`,
    });
  });
});
