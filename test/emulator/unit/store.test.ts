/** The SQLite metadata store, the model store and the credentials file, on a temporary folder. */
import { expect } from "chai";
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
    expect(b.seq, "submission order").to.be.above(a.seq);
    store.close();
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    const reopened = new SqliteMetadataStore(file);
    reopened.init();
    expect(reopened.hasWorkspace("ws1"), "workspace ids are case-insensitive").to.equal(true);
    expect(reopened.listJobs(["Running"]).map((j) => j.id)).to.deep.equal(["b", "c"]);
    expect(reopened.listJobs(["Running", "NotStarted"], "t1").map((j) => j.id)).to.deep.equal([
      "a",
      "b",
    ]);
    reopened.deleteJobsOf("t1");
    expect(reopened.getJob("a")).to.equal(undefined);
    reopened.close();
  });

  it("rolls a failed transaction back", function () {
    const store = new SqliteMetadataStore(":memory:");
    store.init();
    expect(() =>
      store.transaction(() => {
        store.ensureWorkspace("w");
        throw new Error("abort");
      }),
    ).to.throw();
    expect(store.hasWorkspace("w")).to.equal(false);
    store.close();
  });

  it("counts a web service's endpoints without reading them", function () {
    const store = new SqliteMetadataStore(":memory:");
    store.init();
    expect(store.countEndpoints("ws/a")).to.equal(0);
    store.putEndpoint(endpoint("ws/a", "default", "e1"));
    store.putEndpoint(endpoint("ws/a", "second", "e2"));
    store.putEndpoint(endpoint("ws/b", "default", "e3"));
    store.putEndpoint(endpoint("ws/a", "second", "e2"));
    expect(store.countEndpoints("ws/a")).to.equal(2);
    expect(store.countEndpoints("ws/a")).to.equal(store.listEndpoints("ws/a").length);
    store.deleteEndpoint("ws/a", "second");
    expect(store.countEndpoints("ws/a")).to.equal(1);
    expect(store.countEndpoints("ws/b")).to.equal(1);
    store.close();
  });

  it("changes its revision with every write of a service or endpoint, not with jobs", function () {
    const store = new SqliteMetadataStore(":memory:");
    store.init();
    let seen = store.revision;
    const changed = (what: string): void => {
      expect(store.revision, what).to.not.equal(seen);
      seen = store.revision;
    };
    store.putEndpoint(endpoint("ws/a", "default", "e1"));
    changed("putEndpoint");
    store.deleteEndpoint("ws/a", "default");
    changed("deleteEndpoint");
    store.deleteClassicService("ws/a");
    changed("deleteClassicService");
    expect(() =>
      store.transaction(() => {
        seen = store.revision;
        store.ensureWorkspace("w");
        throw new Error("abort");
      }),
    ).to.throw();
    changed("a rolled-back transaction");
    store.putJob(job("j", "e1"));
    store.ensureWorkspace("w");
    expect(store.revision, "jobs and workspaces do not change what is served").to.equal(seen);
    store.close();
  });

  it("stores model bytes once, by content, atomically", function () {
    const models = new ModelStore(path.join(dir, "models"));
    const sha = models.put(Buffer.from("model-1"));
    expect(sha).to.equal(ModelStore.hash(Buffer.from("model-1")));
    expect(models.put(Buffer.from("model-1"))).to.equal(sha);
    expect(models.pathOf(sha)).to.equal(
      path.join(dir, "models", sha.slice(0, 2), `${sha}.ilearner`),
    );
    expect(
      new ModelStore(path.join(dir, "models")).get(sha).toString(),
      "read back from the file",
    ).to.equal("model-1");
    expect(() => models.pathOf("../x")).to.throw(/sha-256/);
  });

  it("generates tokens once and keeps them in a 0600 file; given tokens are not written", function () {
    const first = loadCredentials(dir, { armToken: undefined, workspaceToken: undefined });
    const second = loadCredentials(dir, { armToken: undefined, workspaceToken: undefined });
    expect(second.armToken).to.equal(first.armToken);
    expect(second.workspaceToken).to.equal(first.workspaceToken);
    expect(first.armToken).to.not.equal(first.workspaceToken);
    expect(statSync(first.file).mode & 0o777).to.equal(0o600);
    const given = loadCredentials(dir, { armToken: "given-arm-token", workspaceToken: undefined });
    expect(given.armToken).to.equal("given-arm-token");
    expect(given.generated.armToken).to.equal(false);
    expect(
      loadCredentials(dir, { armToken: undefined, workspaceToken: undefined }).armToken,
    ).to.equal(first.armToken);
  });

  it("names a corrupt credentials file and says to fix or delete it", function () {
    const none = { armToken: undefined, workspaceToken: undefined };
    const old = loadCredentials(dir, none);
    const { file } = old;
    for (const content of ['{"armToken": "abc"', "[]", "null", "secret-token-value"]) {
      writeFileSync(file, content);
      expect(() => loadCredentials(dir, none), `content ${content}`)
        .to.throw(/corrupt/)
        .that.has.property("message")
        .that.includes(file)
        .and.matches(/fix it, or delete it/)
        .and.does.not.include("secret-token-value");
    }
    rmSync(file);
    const recreated = loadCredentials(dir, none);
    // Deleting it recreates the generated tokens: new ones, of the generated shape (43 base64url
    // characters), kept for the next start.
    expect(recreated.armToken).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(recreated.workspaceToken).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(recreated.armToken).to.not.equal(old.armToken);
    expect(recreated.workspaceToken).to.not.equal(old.workspaceToken);
    expect(recreated.armToken).to.not.equal(recreated.workspaceToken);
    expect(recreated.generated).to.deep.equal({ armToken: true, workspaceToken: true });
    const reloaded = loadCredentials(dir, none);
    expect({ arm: reloaded.armToken, workspace: reloaded.workspaceToken }).to.deep.equal({
      arm: recreated.armToken,
      workspace: recreated.workspaceToken,
    });
  });
});
