/** Blob references: connection strings, addressing modes, result SAS (pure, no storage calls). */
import { expect } from "chai";
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
    expect(
      parseConnectionString(
        `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${KEY};EndpointSuffix=core.windows.net`,
      ),
    ).to.deep.equal({
      accountName: "acct",
      accountKey: KEY,
      blobEndpoint: "https://acct.blob.core.windows.net",
    });
    expect(
      parseConnectionString(
        `accountname=devstoreaccount1;accountkey=${KEY};blobendpoint=http://127.0.0.1:1234/devstoreaccount1/`,
      )?.blobEndpoint,
    ).to.equal("http://127.0.0.1:1234/devstoreaccount1");
    expect(parseConnectionString("UseDevelopmentStorage=true")?.accountName).to.equal(
      "devstoreaccount1",
    );
    expect(parseConnectionString("AccountName=acct")).to.equal(undefined);
    expect(parseConnectionString("AccountName=acct;AccountKey=not base64!")).to.equal(undefined);
    expect(parseConnectionString(`AccountName=a;AccountKey=${KEY};BlobEndpoint=ftp://x`)).to.equal(
      undefined,
    );
  });

  it("resolves the connection-string and SAS modes", function () {
    const key = resolveBlobRef(
      { ConnectionString: `AccountName=a;AccountKey=${KEY}`, RelativeLocation: "/c1x/in.csv" },
      "input1",
    );
    expect(key.mode).to.equal("key");
    expect([key.mode === "key" && key.container, key.mode === "key" && key.blob]).to.deep.equal([
      "c1x",
      "in.csv",
    ]);
    const sas = resolveBlobRef(
      {
        BaseLocation: "http://127.0.0.1:1/acct/",
        RelativeLocation: "c1x/m.ilearner",
        SasBlobToken: "sv=1&sig=x",
      },
      "output1",
    );
    expect(sas).to.deep.equal({
      mode: "sas",
      baseLocation: "http://127.0.0.1:1/acct",
      container: "c1x",
      blob: "m.ilearner",
      sas: "?sv=1&sig=x",
    });
  });

  it("names what is wrong with a reference", function () {
    expect(detailOf(() => resolveBlobRef({ RelativeLocation: "c1x/x.csv" }, "input1"))).to.equal(
      "MissingInputBlobInformation",
    );
    expect(
      detailOf(() =>
        resolveBlobRef({ ConnectionString: "junk", RelativeLocation: "c1x/x.csv" }, "input1"),
      ),
    ).to.equal("InvalidBlobConnectionString");
    expect(
      detailOf(() =>
        resolveBlobRef(
          { ConnectionString: `AccountName=a;AccountKey=${KEY}`, RelativeLocation: "c1x/../y" },
          "input1",
        ),
      ),
    ).to.equal("InvalidBlob");
    expect(
      detailOf(() =>
        resolveBlobRef({ SasBlobToken: "?sig=x", RelativeLocation: "c1x/y.csv" }, "input1"),
      ),
    ).to.equal("MissingInputBlobInformation");
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
    expect(result.ConnectionString).to.equal(null);
    expect(result.BaseLocation).to.equal("http://127.0.0.1:9/acct/");
    expect(result.RelativeLocation).to.equal("c1x/m.ilearner");
    const sas = new URLSearchParams(result.SasBlobToken!.slice(1));
    expect(sas.get("sp")).to.equal("r");
    expect(sas.get("sr")).to.equal("b");
    expect(sas.get("st")).to.equal("2026-11-27T11:55:00Z");
    expect(sas.get("se")).to.equal("2026-11-28T12:00:00Z");
    expect(sas.get("sig")).to.be.ok;
    const later = resultReference(ref, new Date(now.getTime() + 1000));
    expect(later.SasBlobToken, "every call signs anew").to.not.equal(result.SasBlobToken);
  });
});
