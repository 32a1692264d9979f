/**
 * Microsoft's own example requests for `Microsoft.MachineLearning/webServices` 2017-01-01
 * (azure-rest-api-specs, committed unchanged in `fixtures/arm-examples/`) sent through
 * Microsoft's own ARM client, `azure-arm-machinelearning` 1.1.0-preview, against the emulator on
 * loopback with its ARM token: create (long-running), get without keys, patch (long-running),
 * listKeys, list and delete. The example's graph holds Execute R Script and Import Data with an
 * encrypted account key; the emulator accepts it, as Azure did. The raw example (PascalCase
 * `package` members) is accepted as well, read case-insensitively.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { WebServicesManagementClient } from "azure-arm-machinelearning";
import type { WebServicesModels } from "azure-arm-machinelearning";
import { TokenCredentials } from "ms-rest";
import type { ArmWebService } from "../../../contract";
import {
  armServicePath,
  startTestEmulator,
  waitForProvisioning,
  type TestEmulator,
} from "../../helpers/emulator";

/** One example file: its request parameters and documented responses. */
interface Example {
  parameters: Record<string, unknown>;
  responses: Record<string, { body?: unknown }>;
}

function example(name: string): Example {
  const file = path.join(__dirname, "fixtures", "arm-examples", `${name}.json`);
  return JSON.parse(readFileSync(file, "utf8")) as Example;
}

/** What the client exposes at run time but its typings leave out: its models and deserializer. */
interface ClientInternals {
  models: Record<string, new () => { mapper(): unknown }>;
  deserialize(mapper: unknown, body: unknown, name: string): WebServicesModels.WebService;
}

/** Members the service computes, and the commitment plan, which GET never returns. */
const COMPUTED = [
  "createdOn",
  "modifiedOn",
  "provisioningState",
  "swaggerLocation",
  "commitmentPlan",
];

/** A deserialized service without the computed members (its graph and settings). */
function declared(service: WebServicesModels.WebService): Record<string, unknown> {
  const properties = { ...(service.properties as unknown as Record<string, unknown>) };
  for (const name of COMPUTED) delete properties[name];
  return { location: service.location, tags: service.tags, properties };
}

describe("Microsoft's example requests through Microsoft's ARM client (azure-arm-machinelearning)", function () {
  this.timeout(60_000);
  const put = example("putWebService");
  const subscriptionId = String(put.parameters.subscriptionId);
  const resourceGroup = String(put.parameters.resourceGroupName);
  const name = String(put.parameters.webServiceName);
  let emulator: TestEmulator;
  let client: WebServicesManagementClient;
  let internals: ClientInternals;
  const fromExample = (body: unknown, member: string) =>
    internals.deserialize(new internals.models.WebService().mapper(), body, member);

  before(async function () {
    // A provisioning delay makes the client see "Provisioning" and poll the operation.
    emulator = await startTestEmulator({ provisioningDelayMs: 200 });
    client = new WebServicesManagementClient(
      new TokenCredentials(emulator.credentials.armToken),
      subscriptionId,
      emulator.url,
      { longRunningOperationRetryTimeout: 0, noRetryPolicy: true },
    );
    internals = client as unknown as ClientInternals;
  });
  after(async function () {
    await emulator?.close();
  });

  it("create (long-running): the example PUT, converted by the client's own deserializer, provisions", async function () {
    const payload = fromExample(put.parameters.createOrUpdatePayload, "createOrUpdatePayload");
    expect(
      (payload.properties as { packageProperty?: unknown }).packageProperty,
      "the client names it packageProperty",
    ).to.exist;
    const created = await client.webServices.createOrUpdate(resourceGroup, name, payload);
    expect(created.properties.provisioningState).to.equal("Succeeded");
    expect(created.name).to.equal(name);
    const documented = fromExample(put.responses["201"].body, "body");
    expect(declared(created)).to.deep.equal(declared(documented));
  });

  it("get: the service without its keys or storage key, as the example response shows it", async function () {
    const service = await client.webServices.get(resourceGroup, name);
    expect(service.properties.provisioningState).to.equal("Succeeded");
    expect(service.properties.keys).to.equal(undefined);
    expect(service.properties.storageAccount).to.deep.equal({ name: "Storage_Name" });
    expect(service.properties.commitmentPlan, "GET never returns the commitment plan").to.equal(
      undefined,
    );
    const documented = fromExample(example("getWebService").responses["200"].body, "body");
    expect(declared(service)).to.deep.equal(declared(documented));
  });

  it("patch (long-running): the example PATCH changes title and description and keeps the rest", async function () {
    const patch = example("patchWebService");
    const payload = fromExample(patch.parameters.patchPayload, "patchPayload");
    const patched = await client.webServices.patch(resourceGroup, name, payload);
    expect(patched.properties.provisioningState).to.equal("Succeeded");
    const documented = fromExample(patch.responses["200"].body, "body");
    expect(declared(patched)).to.deep.equal(declared(documented));
  });

  it("listKeys: two distinct keys of Azure's shape (64 random bytes, base64)", async function () {
    const keys = await client.webServices.listKeys(resourceGroup, name);
    expect(keys.primary).to.match(/^[A-Za-z0-9+/]{86}==$/);
    expect(keys.secondary).to.match(/^[A-Za-z0-9+/]{86}==$/);
    expect(keys.primary).to.not.equal(keys.secondary);
  });

  it("list: by resource group and by subscription, with the patched title", async function () {
    const byGroup = await client.webServices.listByResourceGroup(resourceGroup);
    expect(byGroup.map((s) => [s.name, s.properties.title])).to.deep.equal([
      [name, "New Web Service Title"],
    ]);
    const bySubscription = await client.webServices.listBySubscriptionId();
    expect(bySubscription.map((s) => s.name)).to.deep.equal([name]);
  });

  it("delete: the service is gone, and GET answers 404 ResourceNotFound", async function () {
    await client.webServices.remove(resourceGroup, name);
    const error = (await client.webServices.get(resourceGroup, name).then(
      () => undefined,
      (e: unknown) => e,
    )) as { statusCode?: number; code?: string } | undefined;
    expect(error?.statusCode).to.equal(404);
    expect(error?.code).to.equal("ResourceNotFound");
  });

  it("accepts the raw example body (PascalCase package members) without the client", async function () {
    const servicePath = armServicePath(subscriptionId, resourceGroup, "RawExample");
    const response = await emulator.arm("PUT", servicePath, put.parameters.createOrUpdatePayload);
    expect(response.status, response.text).to.equal(201);
    const service: ArmWebService = await waitForProvisioning(emulator, servicePath);
    expect(service.properties.provisioningState).to.equal("Succeeded");
    expect(service.properties.package?.edges[1]).to.deep.equal({
      sourceNodeId: "node3",
      targetNodeId: "node1",
      targetPortId: "Dataset1",
    });
    expect(service.properties.package?.nodes.node3).to.deep.equal({ inputId: "input1" });
  });
});
