/**
 * Rule 6 of the engine double: errors as the engine prints and stores them. A check failure is
 * printed with the value of the property it names (`GetResourcePropertyInvalidValueError`), a
 * secret one too. A resource created or updated but not initialized (`ErrorResourceInitFailed`)
 * is kept with its reasons as `initErrors`, printed as the engine prints an `InitError`, and the
 * next up updates it (`CreateStep.Apply`, `continueStepsFromDiff`); a replacement created that
 * way leaves the old resource pending deletion.
 */
import { expect } from "chai";
import { expectPresent } from "../helpers/expect";
import { goValue, printed, stepLines } from "../../harness/engine";
import { fixtureHost, THING, urnOf } from "./fixture";

describe("engine double, rule 6: errors as printed and stored", function () {
  this.timeout(120_000);
  const fixture = fixtureHost();

  it("prints a check failure with the value, a secret one as its plain value", async () => {
    const s = fixture.stack();
    const preview = await s.engine.preview(
      s.config([
        {
          name: "a",
          value: "https://x.blob.core.windows.net/c/d.csv?sv=1&sig=abc",
          secret: "tok-123",
          props: { checkFailure: { property: "token", reason: "is refused" } },
        },
      ]),
    );
    expectPresent(preview.error);
    expect(printed(preview)).to.equal(
      `  ${urnOf("a")}\n    error: ${THING} resource 'a': property token value {&{{tok-123}}} has a problem: is refused`,
    );
  });

  it("formats values as the engine does", () => {
    expect(goValue("x")).to.equal("{x}");
    expect(goValue(5)).to.equal("{5}");
    expect(goValue(undefined)).to.equal("{<nil>}");
    expect(goValue(["a", 1])).to.equal("{[{a} {1}]}");
    expect(goValue({ b: 1, a: "x" })).to.equal("{map[a:{x} b:{1}]}");
    expect(goValue("s", true)).to.equal("{&{{s}}}");
  });

  it("keeps a partially created resource with its reasons, and the next up updates it", async () => {
    const s = fixture.stack();
    const failed = await s.engine.up(
      s.config([{ name: "a", value: 1, props: { partialCreate: "the service is not ready" } }]),
    );
    expectPresent(failed.error);
    expect(printed(failed)).to.equal(
      `  ${urnOf("a")}\n    error: 1 error occurred:\n\t* the service is not ready\n\n`,
    );
    const stored = s.stored();
    expect(stored.map((r) => [r.urn, r.initErrors])).to.deep.equal([
      [urnOf("a"), ["the service is not ready"]],
    ]);
    const next = await s.engine.up(s.config([{ name: "a", value: 1 }]));
    expect(next.error, next.error?.message).to.equal(undefined);
    expect(stepLines(next)).to.deep.equal(["update a"]);
    expect(s.stored()[0].initErrors).to.equal(undefined);
  });

  it("a partially created replacement leaves the old resource pending deletion", async () => {
    const s = fixture.stack();
    const declared = (value: number, props: Record<string, unknown> = {}) => [
      { name: "svc", value, props: { replaceOn: ["value"], ...props } },
    ];
    expect((await s.engine.up(s.config(declared(1)))).error).to.equal(undefined);
    const failed = await s.engine.up(s.config(declared(2, { partialCreate: "half made" })));
    expectPresent(failed.error);
    expect(stepLines(failed)).to.deep.equal(["replace svc [value] (failed)"]);
    expect(
      s.stored().map((r) => ({
        value: (r.inputs as { value: number }).value,
        delete: r.delete,
        initErrors: r.initErrors,
      })),
    ).to.deep.equal([
      { value: 2, delete: undefined, initErrors: ["half made"] },
      { value: 1, delete: true, initErrors: undefined },
    ]);
    s.calls();
    const next = await s.engine.up(s.config(declared(2)));
    expect(next.error, next.error?.message).to.equal(undefined);
    expect(stepLines(next)).to.deep.equal(["delete-replaced svc", "update svc"]);
    expect(s.stored().map((r) => (r.inputs as { value: number }).value)).to.deep.equal([2]);
  });
});
