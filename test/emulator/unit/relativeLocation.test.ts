/** RelativeLocation parsing: a blob inside its container, and no way out of it. */
import { expect } from "chai";
import {
  RelativeLocationError,
  parseRelativeLocation,
} from "../../../emulator/blob/relativeLocation";

describe("emulator RelativeLocation", function () {
  it("parses container/blob, with or without one leading slash", function () {
    expect(parseRelativeLocation("data/census.csv")).to.deep.equal({
      container: "data",
      blob: "census.csv",
    });
    expect(parseRelativeLocation("/data/a/b/model.ilearner")).to.deep.equal({
      container: "data",
      blob: "a/b/model.ilearner",
    });
    expect(parseRelativeLocation("experimentoutput/0f-1/0f-1.ilearner")).to.deep.equal({
      container: "experimentoutput",
      blob: "0f-1/0f-1.ilearner",
    });
    expect(parseRelativeLocation("$root/x.csv")).to.deep.equal({
      container: "$root",
      blob: "x.csv",
    });
  });

  const rejected: [string, unknown, RegExp][] = [
    ["empty", "", /empty/],
    ["not a string", 42, /empty/],
    ["parent segment", "data/../other/x.csv", /leaves its container/],
    ["leading parent", "../data/x.csv", /leaves its container|container name/],
    ["dot segment", "data/./x.csv", /leaves its container/],
    ["encoded parent", "data/%2e%2e/x.csv", /leaves its container/],
    ["encoded slash + parent", "data/%2e%2e%2fx.csv", /leaves its container/],
    ["double-encoded", "data/%252e%252e%252fsecret", /leaves its container/],
    ["absolute path", "//etc/passwd", /absolute path/],
    ["encoded absolute", "%2fetc/passwd", /absolute path|container name/],
    ["URL", "https://evil.example/c/x.csv", /absolute URL/],
    ["drive path", "C:/x.csv", /absolute URL or drive path/],
    ["backslash", "data\\..\\x.csv", /backslash/],
    ["encoded backslash", "data/%5c..%5cx.csv", /backslash/],
    ["control character", "data/x\u0000.csv", /control character/],
    ["empty segment", "data//x.csv", /empty path segment/],
    ["no blob", "data", /names no blob/],
    ["bad container", "Data/x.csv", /container name/],
    ["short container", "ab/x.csv", /container name/],
    ["double hyphen container", "a--b/x.csv", /container name/],
    ["malformed encoding", "data/%zz.csv", /percent-encoding/],
  ];
  for (const [name, value, reason] of rejected) {
    it(`rejects ${name}`, function () {
      expect(() => parseRelativeLocation(value)).to.throw(RelativeLocationError, reason);
    });
  }
});
