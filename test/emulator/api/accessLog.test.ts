/**
 * The access log's level by route: scoring calls and health probes write their line at debug
 * only (a busy scoring client must not cost a log line per row at the default level), every
 * other route at info.
 */
import { expect } from "chai";
import { httpRequest, startTestEmulator, type TestEmulator } from "../../helpers/emulator";

const SERVICE = "/workspaces/ws1/services/0123456789abcdef0123456789abcdef";

/** The access-log lines (method, path without the query, status) the emulator wrote. */
async function accessLines(logLevel: "info" | "debug"): Promise<string[]> {
  const lines: { line: string; level: string }[] = [];
  let emulator: TestEmulator | undefined;
  try {
    emulator = await startTestEmulator({
      logLevel,
      logSink: (line, level) => lines.push({ line, level }),
    });
    const base = emulator.url;
    expect((await httpRequest("GET", `${base}/health`)).status).to.equal(200);
    const scored = await httpRequest("POST", `${base}${SERVICE}/execute?api-version=2.0`, {
      token: "not-a-key",
      body: { Inputs: {}, GlobalParameters: {} },
    });
    expect(scored.status).to.be.oneOf([401, 404]);
    const jobs = await httpRequest("GET", `${base}${SERVICE}/jobs?api-version=2.0`, {
      token: "not-a-key",
    });
    expect(jobs.status).to.be.oneOf([401, 404]);
  } finally {
    await emulator?.close();
  }
  return lines.flatMap(({ line, level }) => {
    const match = / (GET|POST) (\/\S*?)(?:\?\S*)? (\d{3}) \d+\.\dms /.exec(line);
    return match ? [`${level} ${match[1]} ${match[2]} ${match[3]}`] : [];
  });
}

describe("emulator access log: scoring and health at debug, the rest at info", function () {
  this.timeout(60_000);

  it("at info, logs a job list and neither the scoring call nor the health probe", async () => {
    const lines = await accessLines("info");
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(new RegExp(`^info GET ${SERVICE}/jobs 40[14]$`));
  });

  it("at debug, logs all three, the scoring call and the health probe at debug", async () => {
    const lines = await accessLines("debug");
    expect(lines).to.have.length(3);
    expect(lines[0]).to.equal("debug GET /health 200");
    expect(lines[1]).to.match(new RegExp(`^debug POST ${SERVICE}/execute 40[14]$`));
    expect(lines[2]).to.match(new RegExp(`^info GET ${SERVICE}/jobs 40[14]$`));
  });
});
