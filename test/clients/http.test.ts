/**
 * The HTTP stack's retry and error behaviour, against a loopback server scripted per test (the
 * server plays a flaky service; what is asserted is what the client did).
 */
import { expect } from "chai";
import { expectServiceError } from "../helpers/expect";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import {
  BesClient,
  normalizeJobStatus,
  normalizeStatusCode,
  pollIntervalMs,
} from "../../clients/bes";
import { isServiceError, JsonHttpClient } from "../../clients/http";
import { redactingErrors, redactSecrets } from "../../clients/redact";

type Reply = { status: number; headers?: Record<string, string>; body?: unknown };

async function scriptedServer(replies: Reply[]): Promise<{
  url: string;
  requests: { method: string; url: string; auth?: string; at: number }[];
  close(): Promise<void>;
}> {
  const requests: { method: string; url: string; auth?: string; at: number }[] = [];
  const server = http.createServer((req, res) => {
    requests.push({
      method: req.method ?? "",
      url: req.url ?? "",
      auth: req.headers.authorization,
      at: Date.now(),
    });
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)];
    res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe("clients/http retries and errors", () => {
  it("honours Retry-After on 429, then succeeds", async () => {
    const s = await scriptedServer([
      { status: 429, headers: { "retry-after": "1" } },
      { status: 200, body: { ok: true } },
    ]);
    try {
      const retries: string[] = [];
      const res = await new JsonHttpClient({ onRetry: (r) => retries.push(r) }).request(
        "GET",
        `${s.url}/x`,
      );
      expect(res.body).to.deep.equal({ ok: true });
      expect(s.requests.length).to.equal(2);
      expect(s.requests[1].at - s.requests[0].at, "waited for Retry-After").to.be.at.least(950);
      expect(retries).to.deep.equal(["HTTP 429 (Retry-After)"]);
    } finally {
      await s.close();
    }
  });

  it("backs off with jitter on 503 without Retry-After, and caps the wait", async () => {
    const s = await scriptedServer([{ status: 503 }, { status: 503 }, { status: 200, body: {} }]);
    try {
      const waits: number[] = [];
      await new JsonHttpClient({
        retry: { retryDelayMs: 100, maxRetryDelayMs: 150 },
        onRetry: (_r, _a, w) => waits.push(w),
      }).request("GET", `${s.url}/x`);
      expect(s.requests.length).to.equal(3);
      expect(waits[0] >= 50 && waits[0] <= 100, `first wait ${waits[0]}`).to.equal(true);
      expect(waits[1] >= 75 && waits[1] <= 150, `second wait ${waits[1]} is capped`).to.equal(true);
    } finally {
      await s.close();
    }
  });

  it("gives up after maxRetries and reports the last answer", async () => {
    const s = await scriptedServer([
      { status: 500, body: { error: { code: "InternalError", message: "boom" } } },
    ]);
    try {
      await expect(
        new JsonHttpClient({ retry: { maxRetries: 2, retryDelayMs: 1 } }).request(
          "GET",
          `${s.url}/x`,
        ),
      ).to.be.rejectedWith(/GET .*\/x failed: 500 InternalError: boom/);
      expect(s.requests.length).to.equal(3);
    } finally {
      await s.close();
    }
  });

  it("does not retry a 400 and parses the Azure error envelope", async () => {
    const s = await scriptedServer([
      {
        status: 400,
        headers: { "x-ms-request-id": "req-1" },
        body: {
          error: {
            code: "BadArgument",
            message: "Invalid argument provided.",
            details: [
              { code: "InvalidBlobExtension", target: "output1", message: "use .ilearner" },
            ],
          },
        },
      },
    ]);
    try {
      const error = await new JsonHttpClient()
        .request("POST", `${s.url}/jobs?sig=SECRETSIG`, {})
        .catch((e: unknown) => e);
      expect(s.requests.length).to.equal(1);
      expectServiceError(error, 400, "BadArgument");
      const served = error;
      expect(served.detailCode).to.equal("InvalidBlobExtension");
      expect(served.requestId).to.equal("req-1");
      expect(served.message).to.match(
        /POST http:\/\/127\.0\.0\.1:\d+\/jobs failed: 400 BadArgument: Invalid argument provided\. \(InvalidBlobExtension \[output1\]: use \.ilearner\)/,
      );
      expect(served.message).to.not.match(/SECRETSIG/);
    } finally {
      await s.close();
    }
  });

  it("sends the static bearer token and reports network errors by code", async () => {
    const s = await scriptedServer([{ status: 200, body: {} }]);
    await new JsonHttpClient({ credential: { kind: "token", token: "tok-123" } }).request(
      "GET",
      `${s.url}/x`,
    );
    expect(s.requests[0].auth).to.equal("Bearer tok-123");
    await s.close();
    const error = await new JsonHttpClient({ retry: { maxRetries: 1, retryDelayMs: 1 } })
      .request("GET", `${s.url}/x`)
      .catch((e: unknown) => e);
    expect(isServiceError(error, 0, "ECONNREFUSED"), String(error)).to.equal(true);
  });

  describe("BES status normalization", () => {
    const cases: [unknown, string][] = [
      ["Finished", "Finished"],
      ["running", "Running"],
      [4, "Finished"],
      [2, "Failed"],
      ["3", "Cancelled"],
      [" 0 ", "NotStarted"],
    ];
    for (const [raw, name] of cases) {
      it(`${JSON.stringify(raw)} → ${name}`, () => expect(normalizeStatusCode(raw)).to.equal(name));
    }
    for (const raw of [5, -1, "Done", null, 1.5]) {
      it(`${JSON.stringify(raw)} is refused`, () =>
        expect(() => normalizeStatusCode(raw)).to.throw(/unknown BES StatusCode/));
    }
    it("reads the legacy single Result and the spaced 'Status Code'", () => {
      const status = normalizeJobStatus({
        "Status Code": 4,
        Result: { RelativeLocation: "c/m.ilearner" },
      } as never);
      expect(status.state).to.equal("Finished");
      expect(status.results).to.deep.equal({ output1: { RelativeLocation: "c/m.ilearner" } });
    });
    it("keeps the run times when the service reports them", () => {
      const status = normalizeJobStatus({
        StatusCode: "Finished",
        StartTime: "2026-11-27T10:00:00.000Z",
        EndTime: "2026-11-27T10:00:02.500Z",
      });
      expect(status.startTime).to.equal("2026-11-27T10:00:00.000Z");
      expect(status.endTime).to.equal("2026-11-27T10:00:02.500Z");
      const pending = normalizeJobStatus({ StatusCode: "NotStarted", StartTime: null });
      expect(pending.startTime).to.equal(undefined);
      expect(pending.endTime).to.equal(undefined);
    });
  });

  it("BES polls at a twentieth of the time waited, between its bounds", () => {
    expect(pollIntervalMs(0)).to.equal(250);
    expect(pollIntervalMs(4_000)).to.equal(250);
    expect(pollIntervalMs(20_000)).to.equal(1_000);
    expect(pollIntervalMs(120_000)).to.equal(6_000);
    expect(pollIntervalMs(2 * 3600_000)).to.equal(15_000);
    expect(pollIntervalMs(10_000, 25, 100)).to.equal(100);
  });

  it("BES wait reports each state once and returns the terminal status", async () => {
    for (const final of ["Finished", "Failed", "Cancelled"]) {
      const s = await scriptedServer([
        { status: 200, body: { StatusCode: "NotStarted" } },
        { status: 200, body: { StatusCode: "Running" } },
        { status: 200, body: { StatusCode: 1 } },
        {
          status: 200,
          body: { StatusCode: final, Details: final === "Failed" ? "Error 0001" : null },
        },
      ]);
      try {
        const states: string[] = [];
        const status = await new BesClient(s.url, "key").waitForCompletion("job1", {
          deadline: Date.now() + 60_000,
          initialIntervalMs: 10,
          onStateChange: (st) => states.push(st),
        });
        expect(status.state).to.equal(final);
        expect(states).to.deep.equal(["NotStarted", "Running", final]);
        expect(s.requests.length).to.equal(4);
        if (final === "Failed") expect(status.details).to.equal("Error 0001");
      } finally {
        await s.close();
      }
    }
  });

  it("BES wait cancels the job at its deadline", async () => {
    const s = await scriptedServer([{ status: 200, body: { StatusCode: "Running" } }]);
    try {
      const bes = new BesClient(s.url, "key");
      const states: string[] = [];
      await expect(
        bes.waitForCompletion("job1", {
          deadline: Date.now() + 300,
          initialIntervalMs: 50,
          onStateChange: (st) => states.push(st),
        }),
      ).to.be.rejectedWith(/BES job job1 did not finish within its deadline .*it was cancelled/);
      expect(states).to.deep.equal(["Running"]);
      expect(s.requests.at(-1)?.method).to.equal("DELETE");
      expect(s.requests.at(-1)?.url ?? "").to.match(/^\/jobs\/job1\?api-version=2\.0$/);
    } finally {
      await s.close();
    }
  });

  it("redacts a known connection string's bare account key, and errors thrown through redactingErrors", async () => {
    const cs =
      "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=S3cretKeyValue==;BlobEndpoint=x";
    expect(redactSecrets("auth failed for key S3cretKeyValue==", [cs])).to.equal(
      "auth failed for key ***",
    );
    await expect(
      redactingErrors([cs], async () => {
        throw new Error("signature of S3cretKeyValue== did not match");
      }),
    ).to.be.rejectedWith("signature of *** did not match");
    expect(await redactingErrors([cs], async () => 42)).to.equal(42);
  });

  it("redacts SAS signatures, account keys and bearer tokens", () => {
    expect(
      redactSecrets("url?sv=1&sig=abc%2Fdef&se=2 AccountKey=xyz==; Authorization: Bearer eyJ.a.b", [
        "plain-secret-1",
      ]),
    ).to.equal("url?sv=1&sig=***&se=2 AccountKey=***; Authorization: Bearer ***");
    expect(redactSecrets("token plain-secret-1 here", ["plain-secret-1"])).to.equal(
      "token *** here",
    );
  });
});
