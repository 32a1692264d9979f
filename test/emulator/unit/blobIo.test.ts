/** Blob references: connection strings, addressing modes, result SAS (pure, no storage calls). */
import assert from "node:assert/strict";
import {
  parseConnectionString,
  resolveBlobRef,
  resultReference,
} from "../../../emulator/blob/blobIo";
import type { HttpError } from "../../../emulator/errors";

const KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

function detailOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as HttpError).detailCode;
  }
  return undefined;
}

describe("emulator blob references", function () {
  it("parses connection strings (keys case-insensitive; endpoint from suffix or BlobEndpoint)", function () {
    assert.deepEqual(
      parseConnectionString(
        `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${KEY};EndpointSuffix=core.windows.net`,
      ),
      {
        accountName: "acct",
        accountKey: KEY,
        blobEndpoint: "https://acct.blob.core.windows.net",
      },
    );
    assert.equal(
      parseConnectionString(
        `accountname=devstoreaccount1;accountkey=${KEY};blobendpoint=http://127.0.0.1:1234/devstoreaccount1/`,
      )?.blobEndpoint,
      "http://127.0.0.1:1234/devstoreaccount1",
    );
    assert.equal(
      parseConnectionString("UseDevelopmentStorage=true")?.accountName,
      "devstoreaccount1",
    );
    assert.equal(parseConnectionString("AccountName=acct"), undefined);
    assert.equal(parseConnectionString("AccountName=acct;AccountKey=not base64!"), undefined);
    assert.equal(
      parseConnectionString(`AccountName=a;AccountKey=${KEY};BlobEndpoint=ftp://x`),
      undefined,
    );
  });

  it("resolves the connection-string and SAS modes", function () {
    const key = resolveBlobRef(
      { ConnectionString: `AccountName=a;AccountKey=${KEY}`, RelativeLocation: "/c1x/in.csv" },
      "input1",
    );
    assert.equal(key.mode, "key");
    assert.deepEqual(
      [key.mode === "key" && key.container, key.mode === "key" && key.blob],
      ["c1x", "in.csv"],
    );
    const sas = resolveBlobRef(
      {
        BaseLocation: "http://127.0.0.1:1/acct/",
        RelativeLocation: "c1x/m.ilearner",
        SasBlobToken: "sv=1&sig=x",
      },
      "output1",
    );
    assert.deepEqual(sas, {
      mode: "sas",
      baseLocation: "http://127.0.0.1:1/acct",
      container: "c1x",
      blob: "m.ilearner",
      sas: "?sv=1&sig=x",
    });
  });

  it("names what is wrong with a reference", function () {
    assert.equal(
      detailOf(() => resolveBlobRef({ RelativeLocation: "c1x/x.csv" }, "input1")),
      "MissingInputBlobInformation",
    );
    assert.equal(
      detailOf(() =>
        resolveBlobRef({ ConnectionString: "junk", RelativeLocation: "c1x/x.csv" }, "input1"),
      ),
      "InvalidBlobConnectionString",
    );
    assert.equal(
      detailOf(() =>
        resolveBlobRef(
          { ConnectionString: `AccountName=a;AccountKey=${KEY}`, RelativeLocation: "c1x/../y" },
          "input1",
        ),
      ),
      "InvalidBlob",
    );
    assert.equal(
      detailOf(() =>
        resolveBlobRef({ SasBlobToken: "?sig=x", RelativeLocation: "c1x/y.csv" }, "input1"),
      ),
      "MissingInputBlobInformation",
    );
  });

  it("answers a fresh read-only blob SAS for 24 h from 5 min ago", function () {
    const ref = resolveBlobRef(
      {
        ConnectionString: `AccountName=acct;AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:9/acct`,
        RelativeLocation: "c1x/m.ilearner",
      },
      "o",
    );
    const now = new Date("2026-11-27T12:00:00Z");
    const result = resultReference(ref, now);
    assert.equal(result.ConnectionString, null);
    assert.equal(result.BaseLocation, "http://127.0.0.1:9/acct/");
    assert.equal(result.RelativeLocation, "c1x/m.ilearner");
    const sas = new URLSearchParams(result.SasBlobToken!.slice(1));
    assert.equal(sas.get("sp"), "r");
    assert.equal(sas.get("sr"), "b");
    assert.equal(sas.get("st"), "2026-11-27T11:55:00Z");
    assert.equal(sas.get("se"), "2026-11-28T12:00:00Z");
    assert.ok(sas.get("sig"));
    const later = resultReference(ref, new Date(now.getTime() + 1000));
    assert.notEqual(later.SasBlobToken, result.SasBlobToken, "every call signs anew");
  });
});
