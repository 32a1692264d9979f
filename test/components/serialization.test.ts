/**
 * What survives Pulumi's closure serialization: the providers' code runs from the serialized text
 * in the provider host, where classes become ES5 constructor functions.
 */
import assert from "node:assert/strict";
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
      assert.ok(caught instanceof Error);
      assert.match(caught.message, message);
      assert.equal(caught.name, name);
      assert.match(String(caught.stack), /\n\s+at /);
    });
  }
});
