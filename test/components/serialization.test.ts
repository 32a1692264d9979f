/**
 * What survives Pulumi's closure serialization: the providers' code runs from the serialized text
 * in the provider host, where classes become ES5 constructor functions.
 */
import { expect } from "chai";
import { expectInstance } from "../helpers/expect";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { serviceError } from "../../clients/http";
import { gateRejectedError, trainingJobError } from "../../components/retrain/operations";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => {
  handler: () => unknown;
};

async function roundTrip<T>(f: () => T): Promise<T> {
  const serialized = await pulumi.runtime.serializeFunction(f, { isFactoryFunction: false });
  return requireFromString(serialized.text).handler() as T;
}

describe("closure serialization of provider errors", () => {
  const cases: [string, () => Error, RegExp][] = [
    [
      "GateRejectedError",
      () => gateRejectedError("v2", "AUC 0.7000 < min 0.8000", "job1"),
      /model v2 failed the promotion gate: AUC 0\.7000 < min 0\.8000/,
    ],
    [
      "TrainingJobError",
      () => trainingJobError("abc", "Failed", "Error 0001: column x"),
      /BES job abc ended Failed: Error 0001: column x/,
    ],
    [
      "ServiceError",
      () =>
        serviceError({
          method: "GET",
          url: "http://h/x?sig=secret",
          status: 404,
          code: "NotFound",
          message: "nope",
        }),
      /GET http:\/\/h\/x failed: 404 NotFound: nope/,
    ],
  ];
  for (const [name, make, message] of cases) {
    it(`${name} keeps its message, name and stack after a round trip`, async () => {
      const thrower = await roundTrip(() => () => {
        throw make();
      });
      let caught: unknown;
      try {
        thrower();
      } catch (e) {
        caught = e;
      }
      expectInstance(caught, Error);
      expect(caught.message).to.match(message);
      expect(caught.name).to.equal(name);
      expect(String(caught.stack)).to.match(/\n\s+at /);
    });
  }
});

describe("closure serialization after the providers ran in the declaring process", function () {
  this.timeout(60_000);
  // Tests (and any program that calls a provider itself) run provider methods before a resource
  // is declared. Whatever per-process state that leaves must not leak into the serialized text:
  // it did twice (a Map copied by value; a class emitted as a reference to a global).
  it("the retrain and endpoint providers still run in a fresh process", async () => {
    const { trainedModelProvider } = await import("../../components/retrain/provider");
    const { classicEndpointProvider, withEndpointSlot } =
      await import("../../components/classicEndpoint/provider");
    const inputs = {
      version: "v1",
      data: "data/census-2026-11.csv",
      gate: { metric: "AUC", min: 0.7 },
    };
    await trainedModelProvider.check!({}, inputs);
    await withEndpointSlot(async () => undefined);
    const texts = await Promise.all(
      [trainedModelProvider, classicEndpointProvider].map(
        async (p) =>
          (await pulumi.runtime.serializeFunction(() => p, { isFactoryFunction: false })).text,
      ),
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "serialized-"));
    try {
      texts.forEach((t, i) => fs.writeFileSync(path.join(dir, `p${i}.js`), t));
      // A plain node process in the project, as the provider host is.
      const script = `
        const load = (f) => require("require-from-string")(require("fs").readFileSync(f, "utf8")).handler();
        (async () => {
          const retrain = load(${JSON.stringify(path.join(dir, "p0.js"))});
          const { inputs, failures } = await retrain.check({}, ${JSON.stringify(inputs)});
          const endpoint = load(${JSON.stringify(path.join(dir, "p1.js"))});
          const check = await endpoint.check({}, { name: "default" });
          console.log(JSON.stringify({ sha: inputs.dataSha256, failures: failures.length, endpointFailures: check.failures.map((f) => f.property) }));
        })().catch((e) => { console.error(e.stack); process.exit(1); });`;
      const out = execFileSync(process.execPath, ["-e", script], {
        cwd: path.resolve(__dirname, "../.."),
        encoding: "utf8",
      });
      const result = JSON.parse(out) as {
        sha: string;
        failures: number;
        endpointFailures: string[];
      };
      expect(result.sha).to.match(/^[0-9a-f]{64}$/);
      expect(result.endpointFailures, "the endpoint provider ran its check").to.include("name");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
