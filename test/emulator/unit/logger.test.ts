/** Log redaction: no key, token or SAS signature leaves through a log line. */
import { expect } from "chai";
import { createLogger, redact, registerSecret } from "../../../emulator/logger";

describe("emulator log redaction", function () {
  it("masks SAS signatures, account keys, bearer tokens and shared-key headers", function () {
    const line =
      "GET /c/b?sv=2021&sig=abc%2Bdef&se=x sig=q1 Authorization: Bearer tok123 " +
      "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=S3cr3t==;BlobEndpoint=x SharedKey a:zzz";
    const out = redact(line);
    for (const secret of ["abc%2Bdef", "q1", "tok123", "S3cr3t==", "zzz"])
      expect(out.includes(secret), `${secret} in ${out}`).to.equal(false);
    expect(out).to.match(/sig=\*\*\*&se=x/);
    expect(out).to.match(/AccountName=a;AccountKey=\*\*\*;BlobEndpoint=x/);
  });

  it("masks registered secrets wherever they appear", function () {
    registerSecret("registered-secret-value");
    expect(redact("x registered-secret-value y")).to.equal("x *** y");
    registerSecret("short");
    expect(redact("short"), "too short to register").to.equal("short");
  });

  it("writes redacted lines at or above the level only", function () {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: "info", logSink: (line) => lines.push(line) });
    logger.debug("hidden");
    logger.info("sig=secret1");
    logger.error("boom");
    expect(lines.length).to.equal(2);
    expect(lines[0]).to.match(/INFO {2}sig=\*\*\*$/);
    expect(lines[1]).to.match(/ERROR boom$/);
    const silent: string[] = [];
    createLogger({ logLevel: "silent", logSink: (line) => silent.push(line) }).error("x");
    expect(silent).to.deep.equal([]);
  });
});
