/**
 * The one redaction wrapper of the providers: an error a method throws leaves without the
 * resource's secrets, in its message, its stack and the reasons of a partially created resource
 * (which the engine prints and stores in the checkpoint as `initErrors`).
 */
import { expect } from "chai";
import { expectInstance } from "../../helpers/expect";
import type * as pulumi from "@pulumi/pulumi";
import { redactingProvider } from "../../../components/shared/redaction";

const TOKEN = "TOKEN-0123456789abcdef";
const KEY = "S3CRETKEY0123456789==";
const SIG = "sig0123456789abcdefSIG%3D";

const provider: pulumi.dynamic.ResourceProvider = redactingProvider(
  {
    async create(inputs: Record<string, unknown>) {
      const message = `PUT failed with ${String(inputs.token)} for AccountKey=${KEY};x and ?sv=1&sig=${SIG}`;
      throw Object.assign(new Error(message), {
        id: "partial-id",
        properties: { kept: true },
        reasons: [message, `second reason ${String(inputs.token)}`],
      });
    },
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
      return {
        inputs: news,
        failures: [
          { property: "data", reason: "is not a valid URL" },
          { property: "token", reason: `is refused: ${String(news.token)}` },
          { property: "nested.value", reason: "is wrong" },
        ],
      };
    },
    async delete(_id: string, props: Record<string, unknown>) {
      throw new Error(`DELETE with Bearer ${String(props.token)} failed`);
    },
  },
  (p) => [p.token as string | undefined],
);

async function failure(run: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expectInstance(error, Error);
  return error as Error & Record<string, unknown>;
}

describe("components/shared/redaction: redactingProvider", () => {
  it("redacts the message, the stack and the init-error reasons, and keeps the partial state", async () => {
    const e = await failure(() => provider.create!({ token: TOKEN }));
    expect(e.message).to.equal("PUT failed with *** for AccountKey=***;x and ?sv=1&sig=***");
    expect(e.reasons).to.deep.equal([
      "PUT failed with *** for AccountKey=***;x and ?sv=1&sig=***",
      "second reason ***",
    ]);
    expect(String(e.stack)).to.match(/^Error: PUT failed with \*\*\* for/);
    for (const secret of [TOKEN, KEY, SIG]) expect(String(e.stack)).to.not.include(secret);
    expect(e.id).to.equal("partial-id");
    expect(e.properties).to.deep.equal({ kept: true });
  });

  it("redacts the values of the properties a check failure names, which the engine prints", async () => {
    const news = {
      token: TOKEN,
      data: `https://acct.blob.core.windows.net/c/d.csv?sv=1&sig=${SIG}`,
      other: `kept ${TOKEN}`,
    };
    const result = await provider.check!({}, news);
    expect(result).to.deep.equal({
      inputs: {
        token: "***",
        data: "https://acct.blob.core.windows.net/c/d.csv?sv=1&sig=***",
        other: `kept ${TOKEN}`,
      },
      failures: [
        { property: "data", reason: "is not a valid URL" },
        { property: "token", reason: "is refused: ***" },
        { property: "nested.value", reason: "is wrong" },
      ],
    });
    expect(news.token, "the caller's inputs are left as they were").to.equal(TOKEN);
  });

  it("finds the secrets of a delete in its stored props", async () => {
    const e = await failure(() => provider.delete!("id", { token: TOKEN }));
    expect(e.message).to.equal("DELETE with Bearer *** failed");
  });
});
