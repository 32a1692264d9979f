/** Credential generation and constant-time checking. */
import assert from "node:assert/strict";
import {
  authorizes,
  bearerToken,
  newHexId,
  newKey,
  newToken,
  secretEquals,
} from "../../../emulator/auth";

describe("emulator auth", function () {
  it("generates ids, keys and tokens of the right shape, never twice the same", function () {
    assert.match(newHexId(), /^[0-9a-f]{32}$/);
    assert.match(newKey(), /^[A-Za-z0-9+/]{86}==$/);
    assert.match(newToken(), /^[A-Za-z0-9_-]{43}$/);
    const keys = new Set(Array.from({ length: 200 }, () => newKey()));
    assert.equal(keys.size, 200);
  });

  it("compares secrets exactly, whatever their lengths", function () {
    assert.equal(secretEquals("abc", "abc"), true);
    assert.equal(secretEquals("abc", "abd"), false);
    assert.equal(secretEquals("abc", "abcd"), false);
    assert.equal(secretEquals("", "abc"), false);
  });

  it("reads only the Bearer scheme", function () {
    assert.equal(bearerToken("Bearer k1"), "k1");
    assert.equal(bearerToken("bearer   k1  "), "k1");
    assert.equal(bearerToken("Basic k1"), undefined);
    assert.equal(bearerToken("Bearer"), undefined);
    assert.equal(bearerToken(undefined), undefined);
    assert.equal(bearerToken(["Bearer a", "Bearer b"]), "a");
  });

  it("authorizes when any accepted secret matches, never with an empty one", function () {
    assert.equal(authorizes("Bearer s2", ["s1", "s2"]), true);
    assert.equal(authorizes("Bearer s3", ["s1", "s2"]), false);
    assert.equal(authorizes("Bearer x", [undefined, ""]), false);
    assert.equal(authorizes(undefined, ["s1"]), false);
  });
});
