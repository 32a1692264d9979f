/** Log redaction: no key, token or SAS signature leaves through a log line. */
import assert from "node:assert/strict";
import { createLogger, redact, registerSecret } from "../../../emulator/logger";

describe("emulator log redaction", function () {
  it("masks SAS signatures, account keys, bearer tokens and shared-key headers", function () {
    const line =
      "GET /c/b?sv=2021&sig=abc%2Bdef&se=x sig=q1 Authorization: Bearer tok123 " +
      "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=S3cr3t==;BlobEndpoint=x SharedKey a:zzz";
    const out = redact(line);
    for (const secret of ["abc%2Bdef", "q1", "tok123", "S3cr3t==", "zzz"])
      assert.ok(!out.includes(secret), `${secret} in ${out}`);
    assert.match(out, /sig=\*\*\*&se=x/);
    assert.match(out, /AccountName=a;AccountKey=\*\*\*;BlobEndpoint=x/);
  });

  it("masks registered secrets wherever they appear", function () {
    registerSecret("registered-secret-value");
    assert.equal(redact("x registered-secret-value y"), "x *** y");
    registerSecret("short");
    assert.equal(redact("short"), "short", "too short to register");
  });

  it("writes redacted lines at or above the level only", function () {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: "info", logSink: (line) => lines.push(line) });
    logger.debug("hidden");
    logger.info("sig=secret1");
    logger.error("boom");
    assert.equal(lines.length, 2);
    assert.match(lines[0], /INFO {2}sig=\*\*\*$/);
    assert.match(lines[1], /ERROR boom$/);
    const silent: string[] = [];
    createLogger({ logLevel: "silent", logSink: (line) => silent.push(line) }).error("x");
    assert.deepEqual(silent, []);
  });
});
