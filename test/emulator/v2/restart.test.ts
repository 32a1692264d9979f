/**
 * The v2 surface across an emulator restart on the same data folder: endpoints, keys, traffic
 * and deployments survive (containers start again), a job stopped by the shutdown reads
 * Canceled, and a job the previous process left running (a crash) reads Failed.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type {
  CommandJobProperties,
  EndpointKeys,
  OnlineEndpointProperties,
  V2Resource,
} from "../../../contract/v2";
import { V2Store } from "../../../emulator/v2/store/v2Store";
import type { JobInternal } from "../../../emulator/v2/store/records";
import { uniqueName } from "../../helpers/env";
import { httpRequest, startTestEmulator, type TestEmulator } from "../../helpers/emulator";
import { V2Api, echoScoringFolder, uploadBlob, type TestWorkspace } from "../../helpers/v2";
import { sklearnPython } from "../../../harness/interpreters";

describe("emulator v2 surface: restart", function () {
  this.timeout(120_000);
  const location = mkdtempSync(path.join(tmpdir(), "azureml-emulator-v2-restart-"));
  let emulator: TestEmulator | undefined;
  after(async function () {
    await emulator?.close();
    rmSync(location, { recursive: true, force: true });
  });

  const start = async (): Promise<V2Api> => {
    emulator = await startTestEmulator({
      location,
      keepLocation: true,
      python: sklearnPython(),
      v2: { retryAfterSeconds: 0 },
    });
    return new V2Api(emulator);
  };

  it("keeps endpoints, keys, traffic and deployments; stopped jobs read Canceled, crashed ones Failed", async function () {
    let api = await start();
    const ws: TestWorkspace = await api.workspace();
    const codeId = await api.code(ws, echoScoringFolder(), "echo");
    const environmentId = await api.environment(ws);
    await uploadBlob(ws.container, "models/kept/label.txt", "kept");
    await api.call("PUT", `${ws.path}/models/kept/versions/1`, {
      properties: { modelUri: "azureml://datastores/workspaceblobstore/paths/models/kept/" },
    });
    const endpointPath = `${ws.path}/onlineEndpoints/${uniqueName("rs")}`;
    await api.putAndWait(endpointPath, { location: "westeurope", properties: { authMode: "Key" } });
    await api.putAndWait(`${endpointPath}/deployments/only`, {
      location: "westeurope",
      properties: {
        endpointComputeType: "Managed",
        model: "azureml:kept:1",
        codeConfiguration: { codeId, scoringScript: "score.py" },
        environmentId,
      },
    });
    await api.putAndWait(endpointPath, {
      location: "westeurope",
      properties: { authMode: "Key", traffic: { only: 100 } },
    });
    const keys = (await api.call<EndpointKeys>("POST", `${endpointPath}/listKeys`)).body;
    const stopped = uniqueName("stopped");
    await api.call("PUT", `${ws.path}/jobs/${stopped}`, {
      properties: { jobType: "Command", environmentId, command: "sleep 60" },
    });
    const crashed = uniqueName("crashed");
    await api.call("PUT", `${ws.path}/jobs/${crashed}`, {
      properties: { jobType: "Command", environmentId, command: "true" },
    });
    for (let i = 0; i < 100; i++) {
      const job = await api.call<V2Resource<CommandJobProperties>>(
        "GET",
        `${ws.path}/jobs/${crashed}`,
      );
      if (job.body.properties.status === "Completed") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await emulator!.close();

    // What a crash leaves: a job whose record still says Running.
    const store = new V2Store(path.join(location, "v2.db"));
    store.init();
    const key = `${ws.path}/jobs/${crashed}`.toLowerCase();
    const record = store.get<unknown, JobInternal>(key)!;
    store.put({ ...record, internal: { ...record.internal!, status: "Running" } });
    store.close();

    api = await start();
    await emulator!.server.v2.recovered();
    const endpoint = await api.call<V2Resource<OnlineEndpointProperties>>("GET", endpointPath);
    expect([
      endpoint.body.properties.traffic,
      endpoint.body.properties.provisioningState,
    ]).to.deep.equal([{ only: 100 }, "Succeeded"]);
    expect((await api.call<EndpointKeys>("POST", `${endpointPath}/listKeys`)).body).to.deep.equal(
      keys,
    );
    const scored = await httpRequest("POST", endpoint.body.properties.scoringUri!, {
      token: keys.primaryKey,
      body: { data: 1 },
    });
    expect([scored.status, scored.body]).to.deep.equal([200, { model: "kept", echo: 1 }]);
    const statuses = await Promise.all(
      [stopped, crashed].map(
        async (name) =>
          (await api.call<V2Resource<CommandJobProperties>>("GET", `${ws.path}/jobs/${name}`)).body
            .properties.status,
      ),
    );
    expect(statuses).to.deep.equal(["Canceled", "Failed"]);
  });
});
