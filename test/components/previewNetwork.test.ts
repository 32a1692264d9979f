/**
 * A preview with nothing changed makes no network call: check and diff of every provider, with
 * the inputs the program registers for the local stack (an unpinned and two pinned endpoints),
 * on providers deserialized from their `__provider` text as the host does. Pull-request previews
 * run without credentials, and bench item 3 counts on this.
 */
import { expect } from "chai";
import * as diagnostics from "node:diagnostics_channel";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { setEnv } from "../helpers/env";
import { installMocks, settle, unwrapSecrets, type Registration } from "../helpers/mocks";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => {
  handler: () => pulumi.dynamic.ResourceProvider;
};

const P = "azureml-retrain";
/** Diagnostics channels of every outgoing HTTP request (node:http, fetch) and TCP connection. */
const CHANNELS = ["http.client.request.start", "undici:request:create", "net.client.socket"];

describe("preview without network", function () {
  this.timeout(60_000);
  let dir: string;
  let registrations: Registration[];
  let restoreEnv: (() => void) | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-net-"));
    restoreEnv = setEnv({ AZUREML_RETRAIN_CACHE_DIR: path.join(dir, "cache") });
    fs.writeFileSync(
      path.join(dir, "credentials.json"),
      JSON.stringify({ armToken: "ARM-TOKEN-1", workspaceToken: "WS-TOKEN-1" }),
    );
    registrations = await installMocks(P, "test");
    const config = {
      target: "local",
      model: {
        version: "2026-11-27.1",
        data: "data/census-2026-11.csv",
        gate: { metric: "AUC", min: 0.8, maxRegression: 0.01 },
      },
      endpoints: [
        { name: "contoso" },
        { name: "fabrikam", model: { version: "2026-10-30.1", data: "data/census-2026-10.csv" } },
        { name: "northwind", model: { version: "2026-10-30.1", data: "data/census-2026-10.csv" } },
      ],
      local: { emulatorLocation: dir },
    };
    pulumi.runtime.setAllConfig(
      Object.fromEntries(
        Object.entries(config).map(([k, v]) => [
          `${P}:${k}`,
          typeof v === "string" ? v : JSON.stringify(v),
        ]),
      ),
    );
    for (const file of ["../../index", "../../config"]) delete require.cache[require.resolve(file)];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("../../index");
    await settle();
  });

  after(() => {
    restoreEnv?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("check and diff of every dynamic resource send nothing, and see no change", async () => {
    const dynamic = registrations.filter((r) => r.custom && r.type.startsWith("pulumi-nodejs:"));
    expect(dynamic.length, dynamic.map((r) => r.name).join(", ")).to.equal(9);
    const calls: string[] = [];
    const record = (message: unknown, name: string | symbol): void => {
      const request = (message as { request?: { path?: string } }).request;
      calls.push(`${String(name)} ${request?.path ?? ""}`);
    };
    for (const c of CHANNELS) diagnostics.subscribe(c, record);
    const changed: string[] = [];
    try {
      // The probe itself: a loopback request must be seen (request and connection).
      const server = http.createServer((_q, r) => r.end("ok"));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const { port } = server.address() as { port: number };
      await new Promise((r) =>
        http.get(`http://127.0.0.1:${port}/probe`, (res) => res.resume().on("end", r)),
      );
      await new Promise((r) => server.close(r));
      expect(calls.length, calls.join("; ")).to.equal(2);
      calls.length = 0;

      for (const registration of dynamic) {
        const news = unwrapSecrets(registration.inputs) as Record<string, unknown>;
        const provider = requireFromString(String(news.__provider)).handler();
        const checked = await provider.check!({}, news);
        expect(checked.failures ?? [], registration.name).to.deep.equal([]);
        const inputs = { ...checked.inputs, __provider: news.__provider };
        // The stored outputs of an unchanged resource hold the same inputs.
        const diff = await provider.diff!("id", inputs, inputs);
        if (diff.changes !== false) changed.push(registration.name);
      }
    } finally {
      for (const c of CHANNELS) diagnostics.unsubscribe(c, record);
    }
    expect(calls).to.deep.equal([]);
    expect(changed).to.deep.equal([]);
  });
});
