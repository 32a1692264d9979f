/**
 * Built-in modules in the serialized providers. The closure serializer writes each built-in
 * module a provider uses as one top-level `const <local name> = require("<module>")`, keyed by
 * the compiler's local name; two modules with the same local name (`node:fs/promises` and
 * `node:timers/promises` are both `import_promises` under tsx) kept only one, and the retrain
 * provider's BES wait loop failed with "import_promises.setTimeout is not a function" (found by
 * the reliability tests; fixed by `clients/sleep.ts`). This checks, for every provider, that each
 * member the serialized code reads off a built-in module exists on that module.
 */
import { expect } from "chai";
import { builtinModules } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { classicEndpointProvider, classicWebServiceProvider } from "../../components/classic";
import { trainedModelProvider } from "../../components/retrain/provider";
import { localContainersProvider } from "../../components/storage";
import { webServiceProvider } from "../../components/webService";

const providers: Record<string, pulumi.dynamic.ResourceProvider> = {
  TrainedModel: trainedModelProvider,
  "TrainingService/PredictiveService": webServiceProvider,
  ClassicWebService: classicWebServiceProvider,
  ClassicEndpoint: classicEndpointProvider,
  LocalContainers: localContainersProvider,
};

describe("built-in modules in the serialized providers", function () {
  this.timeout(60_000);
  for (const [name, provider] of Object.entries(providers)) {
    it(`${name}: every member read off a built-in module exists on it`, async () => {
      const { text } = await pulumi.runtime.serializeFunction(() => provider, {
        isFactoryFunction: true,
      });
      const builtins = new Map<string, string>();
      for (const m of text.matchAll(/^const (\w+) = require\("([^"]+)"\);$/gm)) {
        const module = m[2].replace(/^node:/, "");
        if (builtinModules.includes(module)) builtins.set(m[1], module);
      }
      const missing: string[] = [];
      let checked = 0;
      for (const [local, module] of builtins) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const exports = require(module) as Record<string, unknown>;
        for (const use of text.matchAll(new RegExp(`\\b${local}\\.(\\w+)`, "g"))) {
          checked++;
          if (exports[use[1]] === undefined) missing.push(`${local}.${use[1]} (${module})`);
        }
      }
      expect([...new Set(missing)]).to.deep.equal([]);
      expect(checked > 0 || builtins.size === 0).to.equal(true);
    });
  }
});
