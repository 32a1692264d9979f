/**
 * Built-in modules in the serialized providers. The closure serializer writes each built-in
 * module a provider uses as one top-level `const <local name> = require("<module>")`, keyed by
 * the compiler's local name; two modules with the same local name (`node:fs/promises` and
 * `node:timers/promises` are both `import_promises` under tsx) kept only one, and the retrain
 * provider's BES wait loop failed with "import_promises.setTimeout is not a function" (found by
 * the reliability tests; fixed by `clients/sleep.ts`). This checks, for every provider, that each
 * member the serialized code reads off a built-in module exists on that module; a control shows
 * the check finds such a member, and every provider must give it something to check.
 */
import { expect } from "chai";
import { builtinModules } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { classicEndpointProvider } from "../../components/classicEndpoint/provider";
import { classicWebServiceProvider } from "../../components/classicWebService/provider";
import { trainedModelProvider } from "../../components/retrain/provider";
import { localContainersProvider } from "../../components/storage/provider";
import { webServiceProvider } from "../../components/webService/provider";
import { assetProvider } from "../../components/v2Asset/provider";
import { onlineEndpointProvider } from "../../components/v2Endpoint/provider";
import { mlTrainedModelProvider } from "../../components/v2Retrain/provider";
import { servedModelProvider } from "../../components/v2Rollout/provider";
import { localMlWorkspaceProvider } from "../../components/v2Workspace/provider";

/** Each provider, with built-in modules its code is known to reach (SAS minting, hashing). */
const providers: Record<string, [pulumi.dynamic.ResourceProvider, string[]]> = {
  TrainedModel: [trainedModelProvider, ["crypto", "fs/promises"]],
  "TrainingService/PredictiveService": [webServiceProvider, []],
  ClassicWebService: [classicWebServiceProvider, ["crypto"]],
  ClassicEndpoint: [classicEndpointProvider, ["crypto"]],
  LocalContainers: [localContainersProvider, ["crypto"]],
  MlWorkspace: [localMlWorkspaceProvider, []],
  "CodeAsset/DataAsset/EnvironmentAsset": [assetProvider, ["crypto", "fs/promises"]],
  OnlineEndpoint: [onlineEndpointProvider, []],
  MlTrainedModel: [mlTrainedModelProvider, ["crypto", "fs/promises"]],
  ServedModel: [servedModelProvider, ["crypto", "fs/promises"]],
};

/** What {@link builtinMembers} found in a serialized text. */
interface BuiltinUse {
  /** Local name → built-in module, as the serializer declared them. */
  readonly modules: Record<string, string>;
  /** How many member reads off those names were checked. */
  readonly checked: number;
  /** `local.member (module)` for every member the module does not have. */
  readonly missing: string[];
}

/** Every member read off a built-in module's local name in `text`, checked against the module. */
function builtinMembers(text: string): BuiltinUse {
  const modules: Record<string, string> = {};
  for (const m of text.matchAll(/^const (\w+) = require\("([^"]+)"\);$/gm)) {
    const module = m[2].replace(/^node:/, "");
    if (builtinModules.includes(module)) modules[m[1]] = module;
  }
  const missing = new Set<string>();
  let checked = 0;
  for (const [local, module] of Object.entries(modules)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(module) as Record<string, unknown>;
    for (const use of text.matchAll(new RegExp(`\\b${local}\\.(\\w+)`, "g"))) {
      checked++;
      if (exports[use[1]] === undefined) missing.add(`${local}.${use[1]} (${module})`);
    }
  }
  return { modules, checked, missing: [...missing] };
}

describe("built-in modules in the serialized providers", function () {
  this.timeout(60_000);

  it("control: a member a built-in module lacks is found", () => {
    const text = [
      'const import_promises = require("node:fs/promises");',
      "exports.handler = () => import_promises.setTimeout(1) && import_promises.readFile('x');",
    ].join("\n");
    expect(builtinMembers(text)).to.deep.equal({
      modules: { import_promises: "fs/promises" },
      checked: 2,
      missing: ["import_promises.setTimeout (fs/promises)"],
    });
  });

  for (const [name, [provider, known]] of Object.entries(providers)) {
    it(`${name}: every member read off a built-in module exists on it`, async () => {
      const { text } = await pulumi.runtime.serializeFunction(() => provider, {
        isFactoryFunction: true,
      });
      const use = builtinMembers(text);
      expect(use.missing).to.deep.equal([]);
      // A pattern that stopped matching the serializer's output would find nothing and pass:
      // every `require` of a built-in anywhere in the text must be one the pattern saw, and the
      // modules this provider is known to reach must be among them.
      const anywhere = [...text.matchAll(/require\("(?:node:)?([\w/]+)"\)/g)]
        .map((m) => m[1])
        .filter((m) => builtinModules.includes(m));
      expect(Object.values(use.modules).sort()).to.deep.equal(anywhere.sort());
      expect(Object.values(use.modules)).to.include.members(known);
      if (known.length > 0) expect(use.checked, "member reads checked").to.be.above(0);
    });
  }
});
