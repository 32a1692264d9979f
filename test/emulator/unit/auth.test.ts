/** Credential generation and constant-time checking. */
import { expect } from "chai";
import {
  authorizes,
  bearerToken,
  newHexId,
  newKey,
  newToken,
  secretEquals,
} from "../../../emulator/auth/secrets";

describe("emulator auth", function () {
  it("generates ids, keys and tokens of the right shape, never twice the same", function () {
    expect(newHexId()).to.match(/^[0-9a-f]{32}$/);
    expect(newKey()).to.match(/^[A-Za-z0-9+/]{86}==$/);
    expect(newToken()).to.match(/^[A-Za-z0-9_-]{43}$/);
    const keys = new Set(Array.from({ length: 200 }, () => newKey()));
    expect(keys.size).to.equal(200);
  });

  it("compares secrets exactly, whatever their lengths", function () {
    expect(secretEquals("abc", "abc")).to.equal(true);
    expect(secretEquals("abc", "abd")).to.equal(false);
    expect(secretEquals("abc", "abcd")).to.equal(false);
    expect(secretEquals("", "abc")).to.equal(false);
  });

  it("reads only the Bearer scheme", function () {
    expect(bearerToken("Bearer k1")).to.equal("k1");
    expect(bearerToken("bearer   k1  ")).to.equal("k1");
    expect(bearerToken("Basic k1")).to.equal(undefined);
    expect(bearerToken("Bearer")).to.equal(undefined);
    expect(bearerToken(undefined)).to.equal(undefined);
    expect(bearerToken(["Bearer a", "Bearer b"])).to.equal("a");
  });

  it("authorizes when any accepted secret matches, never with an empty one", function () {
    expect(authorizes("Bearer s2", ["s1", "s2"])).to.equal(true);
    expect(authorizes("Bearer s3", ["s1", "s2"])).to.equal(false);
    expect(authorizes("Bearer x", [undefined, ""])).to.equal(false);
    expect(authorizes(undefined, ["s1"])).to.equal(false);
  });
});
