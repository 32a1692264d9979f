/** The SQLite metadata store, the model store and the credentials file, on a temporary folder. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadCredentials } from "../../../emulator/store/credentials";
import { ModelStore } from "../../../emulator/store/modelStore";
import type { ClassicEndpointRecord, JobRecord } from "../../../emulator/store/records";
import { SqliteMetadataStore } from "../../../emulator/store/sqliteMetadataStore";

function job(id: string, targetId: string, status: JobRecord["status"] = "NotStarted"): JobRecord {
  return {
    id,
    targetId,
    seq: 0,
    status,
    createdAt: "2026-11-27T00:00:00Z",
    submittedToRunAt: null,
    startTime: null,
    endTime: null,
    inputs: {},
    outputs: {},
    globalParameters: {},
    details: null,
  };
}

function endpoint(serviceKey: string, name: string, executionId: string): ClassicEndpointRecord {
  return {
    serviceKey,
    workspaceId: "ws",
    webServiceId: serviceKey.split("/")[1],
    name,
    executionId,
    description: undefined,
    creationTime: "2026-11-27T00:00:00Z",
    primaryKey: "primary-key-of-" + name,
    secondaryKey: "secondary-key-of-" + name,
    throttleLevel: "Low",
    maxConcurrentCalls: 4,
    diagnosticsTraceLevel: "None",
    definitionVersion: 1,
    version: "2026-11-27T00:00:00Z",
    resources: [],
  };
}

describe("emulator stores", function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(path.join(tmpdir(), "emu-store-"));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps records across close and reopen, in a file readable by its owner only", function () {
    const file = path.join(dir, "emulator.db");
    const store = new SqliteMetadataStore(file);
    store.init();
    store.ensureWorkspace("WS1");
    const a = store.putJob(job("a", "t1"));
    const b = store.putJob(job("b", "t1", "Running"));
    store.putJob(job("c", "t2", "Running"));
    assert.ok(b.seq > a.seq, "submission order");
    store.close();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const reopened = new SqliteMetadataStore(file);
    reopened.init();
    assert.equal(reopened.hasWorkspace("ws1"), true, "workspace ids are case-insensitive");
    assert.deepEqual(
      reopened.listJobs(["Running"]).map((j) => j.id),
      ["b", "c"],
    );
    assert.deepEqual(
      reopened.listJobs(["Running", "NotStarted"], "t1").map((j) => j.id),
      ["a", "b"],
    );
    reopened.deleteJobsOf("t1");
    assert.equal(reopened.getJob("a"), undefined);
    reopened.close();
  });

  it("rolls a failed transaction back", function () {
    const store = new SqliteMetadataStore(":memory:");
    store.init();
    assert.throws(() =>
      store.transaction(() => {
        store.ensureWorkspace("w");
        throw new Error("abort");
      }),
    );
    assert.equal(store.hasWorkspace("w"), false);
    store.close();
  });

  it("counts a web service's endpoints without reading them", function () {
    const store = new SqliteMetadataStore(":memory:");
    store.init();
    assert.equal(store.countEndpoints("ws/a"), 0);
    store.putEndpoint(endpoint("ws/a", "default", "e1"));
    store.putEndpoint(endpoint("ws/a", "second", "e2"));
    store.putEndpoint(endpoint("ws/b", "default", "e3"));
    store.putEndpoint(endpoint("ws/a", "second", "e2"));
    assert.equal(store.countEndpoints("ws/a"), 2);
    assert.equal(store.countEndpoints("ws/a"), store.listEndpoints("ws/a").length);
    store.deleteEndpoint("ws/a", "second");
    assert.equal(store.countEndpoints("ws/a"), 1);
    assert.equal(store.countEndpoints("ws/b"), 1);
    store.close();
  });

  it("changes its revision with every write of a service or endpoint, not with jobs", function () {
    const store = new SqliteMetadataStore(":memory:");
    store.init();
    let seen = store.revision;
    const changed = (what: string): void => {
      assert.notEqual(store.revision, seen, what);
      seen = store.revision;
    };
    store.putEndpoint(endpoint("ws/a", "default", "e1"));
    changed("putEndpoint");
    store.deleteEndpoint("ws/a", "default");
    changed("deleteEndpoint");
    store.deleteClassicService("ws/a");
    changed("deleteClassicService");
    assert.throws(() =>
      store.transaction(() => {
        seen = store.revision;
        store.ensureWorkspace("w");
        throw new Error("abort");
      }),
    );
    changed("a rolled-back transaction");
    store.putJob(job("j", "e1"));
    store.ensureWorkspace("w");
    assert.equal(store.revision, seen, "jobs and workspaces do not change what is served");
    store.close();
  });

  it("stores model bytes once, by content, atomically", function () {
    const models = new ModelStore(path.join(dir, "models"));
    const sha = models.put(Buffer.from("model-1"));
    assert.equal(sha, ModelStore.hash(Buffer.from("model-1")));
    assert.equal(models.put(Buffer.from("model-1")), sha);
    assert.equal(models.pathOf(sha), path.join(dir, "models", sha.slice(0, 2), `${sha}.ilearner`));
    assert.equal(
      new ModelStore(path.join(dir, "models")).get(sha).toString(),
      "model-1",
      "read back from the file",
    );
    assert.throws(() => models.pathOf("../x"), /sha-256/);
  });

  it("generates tokens once and keeps them in a 0600 file; given tokens are not written", function () {
    const first = loadCredentials(dir, { armToken: undefined, workspaceToken: undefined });
    const second = loadCredentials(dir, { armToken: undefined, workspaceToken: undefined });
    assert.equal(second.armToken, first.armToken);
    assert.equal(second.workspaceToken, first.workspaceToken);
    assert.notEqual(first.armToken, first.workspaceToken);
    assert.equal(statSync(first.file).mode & 0o777, 0o600);
    const given = loadCredentials(dir, { armToken: "given-arm-token", workspaceToken: undefined });
    assert.equal(given.armToken, "given-arm-token");
    assert.equal(given.generated.armToken, false);
    assert.equal(
      loadCredentials(dir, { armToken: undefined, workspaceToken: undefined }).armToken,
      first.armToken,
    );
  });

  it("names a corrupt credentials file and says to fix or delete it", function () {
    const none = { armToken: undefined, workspaceToken: undefined };
    const { file } = loadCredentials(dir, none);
    for (const content of ['{"armToken": "abc"', "[]", "null", "secret-token-value"]) {
      writeFileSync(file, content);
      assert.throws(
        () => loadCredentials(dir, none),
        (error: Error) =>
          error.message.includes(file) &&
          /corrupt/.test(error.message) &&
          /fix it, or delete it/.test(error.message) &&
          !error.message.includes("secret-token-value"),
        `content ${content}`,
      );
    }
    rmSync(file);
    const recreated = loadCredentials(dir, none);
    assert.ok(recreated.armToken.length > 0, "deleting it recreates the generated tokens");
  });
});
