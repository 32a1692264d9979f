/**
 * What `destroy` depends on once the state holds the provider shim instead of the provider's
 * code: the code in the project directory at the time of the destroy. Here a resource is created
 * by one version of a project's provider, the code changes, and a later `destroy` (a new provider
 * host, as a later `pulumi destroy` starts one) runs the new code's delete.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { EngineDouble } from "../../harness/engine";
import { ProviderHost } from "../../harness/providerHost";
import { expectPresent } from "../helpers/expect";
import { fakeProject } from "../helpers/fakeProject";

const PROGRAM = path.join(__dirname, "fixtures", "shimProgram.ts");

/** A `providers.ts` whose `localContainers` provider logs which version created and deleted. */
function version(n: number): string {
  return `import * as fs from "node:fs";
export const providers = {
  localContainers: {
    async check(_olds: unknown, news: Record<string, unknown>) { return { inputs: news, failures: [] }; },
    async diff() { return { changes: false }; },
    async create(inputs: { log: string }) {
      fs.appendFileSync(inputs.log, "created by v${n}\\n");
      return { id: "thing-1", outs: { ...inputs, createdBy: ${n} } };
    },
    async delete(_id: string, props: { log: string }) { fs.appendFileSync(props.log, "deleted by v${n}\\n"); },
  },
};
`;
}

describe("engine double: destroy after the provider's code changed", function () {
  this.timeout(120_000);
  let project: string;
  let host: ProviderHost | undefined;

  after(async () => {
    await host?.stop();
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  it("runs the delete of the code on disk at the time of the destroy", async () => {
    project = fakeProject(version(1));
    const log = path.join(project, "calls.log");
    const engine = (h: ProviderHost): EngineDouble =>
      new EngineDouble({
        host: h,
        project: "fixture",
        stack: "shim",
        passphrase: "shim passphrase",
        program: PROGRAM,
        reload: [PROGRAM],
        checkpoint: path.join(project, "checkpoint.json"),
      });
    host = await ProviderHost.start(project, { ...process.env, NODE_OPTIONS: "" });
    const up = await engine(host).up({ log });
    expect(up.error, up.error?.message).to.equal(undefined);
    const stored = engine(host);
    await stored.load();
    expect(stored.state.map((r) => r.outputs.createdBy)).to.deep.equal([1]);
    const providerText = String(stored.state[0].outputs.__provider);
    expect(Buffer.byteLength(providerText), "the state holds the shim").to.be.at.most(4096);
    await host.stop();

    fs.writeFileSync(path.join(project, "components", "providers.ts"), version(2));
    host = await ProviderHost.start(project, { ...process.env, NODE_OPTIONS: "" });
    const destroyed = await engine(host).destroy();
    expect(destroyed.error, destroyed.error?.message).to.equal(undefined);
    expect(fs.readFileSync(log, "utf8").trim().split("\n")).to.deep.equal([
      "created by v1",
      "deleted by v2",
    ]);
  });

  it("fails the destroy naming what is missing when the code is gone, and keeps the state", async () => {
    project = fakeProject(version(1));
    const log = path.join(project, "calls.log");
    const make = (h: ProviderHost): EngineDouble =>
      new EngineDouble({
        host: h,
        project: "fixture",
        stack: "shim",
        passphrase: "shim passphrase",
        program: PROGRAM,
        reload: [PROGRAM],
        checkpoint: path.join(project, "checkpoint.json"),
      });
    await host?.stop();
    host = await ProviderHost.start(project, { ...process.env, NODE_OPTIONS: "" });
    expect((await make(host).up({ log })).error).to.equal(undefined);
    await host.stop();
    fs.rmSync(path.join(project, "components", "providers.ts"));
    host = await ProviderHost.start(project, { ...process.env, NODE_OPTIONS: "" });
    const engine = make(host);
    const destroyed = await engine.destroy();
    expectPresent(destroyed.error);
    expect(destroyed.error.message).to.match(
      /the azureml-retrain providers are loaded from the project's code at run time, and \S+components\/providers\.ts does not exist: run pulumi from the azureml-retrain project directory/,
    );
    expect(engine.state.map((r) => r.name)).to.deep.equal(["thing"]);
  });
});
