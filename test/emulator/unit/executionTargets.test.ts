/**
 * Execution targets: what an execution URL resolves to (ARM service or classic endpoint), and
 * that a resolved target is reused only while it holds: any write of a service or endpoint, or
 * the swap time of a PATCHed model, makes the next request see the new state.
 */
import { expect } from "chai";
import type { WebServiceProperties } from "../../../contract";
import { resolveConfig } from "../../../emulator/config";
import type { ServiceShape } from "../../../emulator/engine/api";
import { ExecutionTargets } from "../../../emulator/services/executionTargets";
import type {
  ArmServiceRecord,
  ClassicEndpointRecord,
  ClassicServiceRecord,
} from "../../../emulator/store/records";
import { SqliteMetadataStore } from "../../../emulator/store/sqliteMetadataStore";

const SHA_OLD = "a".repeat(64);
const SHA_NEW = "b".repeat(64);
const ARM_ID = "1".repeat(32);
const CLASSIC_ID = "2".repeat(32);
const SCOPE = "3".repeat(32);

const shape: ServiceShape = {
  inputs: [{ name: "input1", columns: ["x"] }],
  outputs: [{ name: "output1", kind: "dataset" }],
  parameters: [],
  trainedModels: [{ assetId: "asset2", name: "Model [trained model]" }],
};
const properties = { title: "t" } as unknown as WebServiceProperties;

function armService(sha: string | null): ArmServiceRecord {
  return {
    key: "sub/rg/svc",
    subscriptionId: "sub",
    resourceGroup: "rg",
    name: "svc",
    executionScope: SCOPE,
    executionId: ARM_ID,
    location: "westeurope",
    tags: undefined,
    properties,
    shape,
    primaryKey: "arm-primary",
    secondaryKey: "arm-secondary",
    storageAccount: undefined,
    commitmentPlan: undefined,
    provisioningState: "Succeeded",
    createdOn: "2026-11-27T00:00:00Z",
    modifiedOn: "2026-11-27T00:00:00Z",
    active: { properties, shape, models: { asset2: sha } },
    operationId: undefined,
  };
}

const classicService: ClassicServiceRecord = {
  key: "ws/svc",
  workspaceId: "WS",
  id: "svc",
  name: "Classic",
  description: undefined,
  creationTime: "2026-11-27T00:00:00Z",
  storageAccount: undefined,
  definitionVersion: 1,
};

function classicEndpoint(pending?: { sha: string; effectiveAt: string }): ClassicEndpointRecord {
  return {
    serviceKey: "ws/svc",
    workspaceId: "WS",
    webServiceId: "svc",
    name: "later",
    executionId: CLASSIC_ID,
    description: undefined,
    creationTime: "2026-11-27T00:00:00Z",
    primaryKey: "classic-primary",
    secondaryKey: "classic-secondary",
    throttleLevel: "Low",
    maxConcurrentCalls: 4,
    diagnosticsTraceLevel: "None",
    definitionVersion: 1,
    version: "2026-11-27T00:00:00Z",
    resources: [
      {
        name: "Model [trained model]",
        assetId: "asset2",
        location: { BaseLocation: "", RelativeLocation: "", SasBlobToken: "" },
        sha: SHA_OLD,
        pending,
      },
    ],
  };
}

describe("emulator execution targets", function () {
  let store: SqliteMetadataStore;
  let targets: ExecutionTargets;

  beforeEach(function () {
    store = new SqliteMetadataStore(":memory:");
    store.init();
    targets = new ExecutionTargets(resolveConfig({}), store);
    store.putClassicService(classicService);
    store.putDefinition({
      serviceKey: "ws/svc",
      version: 1,
      properties,
      shape,
      publishedAt: "2026-11-27T00:00:00Z",
    });
  });
  afterEach(function () {
    store.close();
  });

  it("resolves an ARM service and a classic endpoint by URL and by execution id", function () {
    store.putArmService(armService(SHA_OLD));
    store.putEndpoint(classicEndpoint());
    const arm = targets.resolve("subscriptions", SCOPE.toUpperCase(), ARM_ID.toUpperCase());
    expect(arm?.keys).to.deep.equal(["arm-primary", "arm-secondary"]);
    expect(arm?.serving?.models.asset2).to.equal(SHA_OLD);
    expect(arm?.state).to.equal("Succeeded");
    const classic = targets.resolve("workspaces", "ws", CLASSIC_ID);
    expect(classic?.keys).to.deep.equal(["classic-primary", "classic-secondary"]);
    expect(classic?.label).to.equal("endpoint later of web service Classic");
    expect(classic?.serving?.shape.trainedModels).to.deep.equal(shape.trainedModels);
    expect(targets.byExecutionId(ARM_ID)?.executionId).to.equal(ARM_ID);
    expect(targets.byExecutionId(CLASSIC_ID)?.executionId).to.equal(CLASSIC_ID);
    expect(targets.byExecutionId("4".repeat(32))).to.equal(undefined);
  });

  it("answers nothing for another scope or the other kind of URL", function () {
    store.putArmService(armService(SHA_OLD));
    store.putEndpoint(classicEndpoint());
    expect(targets.resolve("subscriptions", SCOPE, ARM_ID), "resolved (and cached) once").to.be.ok;
    expect(targets.resolve("subscriptions", "5".repeat(32), ARM_ID)).to.equal(undefined);
    expect(targets.resolve("workspaces", SCOPE, ARM_ID)).to.equal(undefined);
    expect(targets.resolve("workspaces", "WS", CLASSIC_ID)).to.be.ok;
    expect(targets.resolve("workspaces", "other", CLASSIC_ID)).to.equal(undefined);
    expect(targets.resolve("subscriptions", SCOPE, CLASSIC_ID)).to.equal(undefined);
  });

  it("reuses a resolved target until a service or endpoint is written", function () {
    store.putArmService(armService(SHA_OLD));
    const first = targets.resolve("subscriptions", SCOPE, ARM_ID);
    expect(targets.resolve("subscriptions", SCOPE, ARM_ID), "the same object").to.equal(first);
    expect(targets.byExecutionId(ARM_ID)).to.equal(first);
    // Provisioning succeeding swaps the served model without touching modifiedOn.
    store.putArmService(armService(SHA_NEW));
    expect(targets.resolve("subscriptions", SCOPE, ARM_ID)?.serving?.models.asset2).to.equal(
      SHA_NEW,
    );
    store.deleteArmService("sub/rg/svc");
    expect(targets.resolve("subscriptions", SCOPE, ARM_ID), "deleted").to.equal(undefined);

    store.putEndpoint(classicEndpoint());
    const classic = targets.resolve("workspaces", "ws", CLASSIC_ID);
    expect(targets.resolve("workspaces", "ws", CLASSIC_ID), "the same object").to.equal(classic);
    store.putEndpoint({ ...classicEndpoint(), primaryKey: "regenerated" });
    expect(targets.resolve("workspaces", "ws", CLASSIC_ID)?.keys[0]).to.equal("regenerated");
    store.deleteClassicService("ws/svc");
    expect(targets.resolve("workspaces", "ws", CLASSIC_ID), "service deleted").to.equal(undefined);
  });

  it("serves a PATCHed classic model from its swap time on, with no write in between", async function () {
    const effectiveAt = new Date(Date.now() + 150).toISOString();
    store.putEndpoint(classicEndpoint({ sha: SHA_NEW, effectiveAt }));
    const before = targets.resolve("workspaces", "ws", CLASSIC_ID);
    expect(before?.serving?.models.asset2, "the old model before the swap time").to.equal(SHA_OLD);
    expect(targets.resolve("workspaces", "ws", CLASSIC_ID), "reused meanwhile").to.equal(before);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(effectiveAt) + 20 - Date.now()));
    const after = targets.resolve("workspaces", "ws", CLASSIC_ID);
    expect(after?.serving?.models.asset2, "the new model after it").to.equal(SHA_NEW);
    expect(before?.serving?.models.asset2, "a resolved target never changes").to.equal(SHA_OLD);
  });
});
