/**
 * The engine runs on a worker thread (as the server runs it): no shared state, plain-data
 * results, errors as plain data.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { WebServiceProperties } from "../../../contract";
import { EngineError, inspectModel, type EngineErrorData } from "../../../emulator/engine";

const root = join(__dirname, "..", "..", "..");

/**
 * The first message of a worker, then terminates it. A worker that throws rejects with its error;
 * one that exits without a message rejects at once, naming its exit code (rather than leaving
 * the test to wait for mocha's timeout).
 * @param worker - a started worker
 */
function firstMessage(worker: Worker): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    worker.once("message", (m: Record<string, unknown>) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) =>
      reject(new Error(`the worker exited with code ${code} before sending a message`)),
    );
  });
}

function runInWorker(
  properties: WebServiceProperties,
  csv: Uint8Array,
): Promise<Record<string, unknown>> {
  return firstMessage(
    new Worker(join(__dirname, "fixtures", "engineWorker.ts"), {
      workerData: { properties, csv },
    }),
  );
}

describe("engine on a worker thread", () => {
  const properties = (
    JSON.parse(readFileSync(join(root, "definitions", "bike-demand-training.json"), "utf8")) as {
      properties: WebServiceProperties;
    }
  ).properties;

  it("trains a service and returns the model bytes and the evaluation", async () => {
    const reply = await runInWorker(
      properties,
      readFileSync(join(root, "data", "bike-demand-sample.csv")),
    );
    expect(reply.error).to.equal(undefined);
    expect(inspectModel(reply.ilearner as Uint8Array).learner).to.equal("Linear Regression");
    const evaluation = reply.evaluation as { columnNames: string[]; values: string[][] };
    expect(evaluation.columnNames[4]).to.equal("Coefficient of Determination");
    expect(Number(evaluation.values[0][4])).to.be.above(0.9);
    expect(reply.lines as string[]).to.include("node2 Edit Metadata: started");
  });

  it("reports an engine error as plain data that rebuilds into an EngineError", async () => {
    const reply = await runInWorker(properties, Buffer.from("hour,count\n1,2\n"));
    const error = EngineError.fromJSON(reply.error as EngineErrorData);
    expect(error.kind).to.equal("inputMismatch");
    expect(error.code).to.equal("SchemaMismatch");
    expect(error.message).to.equal('Input "input1" is missing column "temperature"');
  });

  it("fails at once, naming the exit code, when a worker exits without a message", async function () {
    // Without the exit handler this would wait for the timeout; with it, it rejects at exit.
    this.timeout(10_000);
    await expect(firstMessage(new Worker("process.exit(3)", { eval: true }))).to.be.rejectedWith(
      /^the worker exited with code 3 before sending a message$/,
    );
  });
});
