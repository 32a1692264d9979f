/**
 * Publishing a test graph as an ARM service on a test emulator and running BES jobs and RRS
 * calls on it, for the module suites.
 */
import { expect } from "chai";
import type {
  AzureBlobDataReference,
  BatchExecutionStatus,
  WebServiceKeys,
  WebServiceProperties,
} from "../../../contract";
import { azuriteConnectionString, uniqueName } from "../../helpers/env";
import {
  Bes,
  TEST_STORAGE_ACCOUNT,
  armServicePath,
  executionBase,
  httpRequest,
  putArmService,
  testStorageKey,
  type TestContainer,
  type TestEmulator,
  type TestResponse,
} from "../../helpers/emulator";
import { armDefinition } from "../../helpers/graphs";

/** A published graph. */
export interface PublishedGraph {
  readonly bes: Bes;
  /** RRS `execute` (table format, `details=true`). */
  execute(body: unknown): Promise<TestResponse>;
}

/**
 * Publishes graph properties as an ARM service whose storage account is the run's Azurite.
 * @param emulator - the emulator
 * @param properties - the graph
 */
export async function publishGraph(
  emulator: TestEmulator,
  properties: WebServiceProperties,
): Promise<PublishedGraph> {
  const servicePath = armServicePath(
    "00000000-0000-0000-0000-0000000000d5",
    uniqueName("rg"),
    uniqueName("svc"),
  );
  const service = await putArmService(
    emulator,
    servicePath,
    armDefinition(properties, { name: TEST_STORAGE_ACCOUNT, key: testStorageKey() }),
  );
  expect(service.properties.provisioningState).to.equal("Succeeded");
  const keys = (await emulator.arm<WebServiceKeys>("GET", `${servicePath}/listKeys`)).body;
  const base = executionBase(service);
  return {
    bes: new Bes(base, keys.primary),
    execute: (body) =>
      httpRequest("POST", `${base}/execute?api-version=2.0&details=true`, {
        token: keys.primary,
        body,
      }),
  };
}

/** A blob reference by connection string (the run's Azurite). */
export function blobRef(relativeLocation: string): AzureBlobDataReference {
  return { ConnectionString: azuriteConnectionString(), RelativeLocation: relativeLocation };
}

/** What a finished or failed job left. */
export interface JobOutcome {
  readonly status: BatchExecutionStatus;
  /** Output CSV text by port (finished jobs). */
  readonly outputs: Record<string, string>;
}

/**
 * Uploads the input CSV, runs a job with CSV outputs in the container and reads them back.
 * @param graph - the published graph
 * @param container - where inputs and outputs go
 * @param inputs - CSV text by input port
 * @param outputs - output port names
 */
export async function runJob(
  graph: PublishedGraph,
  container: TestContainer,
  inputs: Record<string, string>,
  outputs: string[],
): Promise<JobOutcome> {
  const id = uniqueName("job");
  const inputRefs: Record<string, AzureBlobDataReference> = {};
  for (const [port, csv] of Object.entries(inputs))
    inputRefs[port] = blobRef(await container.upload(`${id}/${port}.csv`, csv));
  const outputRefs = Object.fromEntries(
    outputs.map((port) => [port, blobRef(`${container.name}/${id}/${port}.csv`)]),
  );
  const status = await graph.bes.run(
    { Inputs: inputRefs, Outputs: outputRefs },
    { timeoutMs: 120_000 },
  );
  const read: Record<string, string> = {};
  if (status.StatusCode === "Finished") {
    for (const port of outputs)
      read[port] = (await container.download(`${id}/${port}.csv`)).toString("utf8");
  }
  return { status, outputs: read };
}
