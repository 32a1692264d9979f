/**
 * The pure logic of the local containers: the account a connection string names goes into the
 * checked inputs (known in a preview), and the diff.
 */
import { expect } from "chai";
import { declaredAccount, diffLocalContainers } from "../../../components/storage/logic";
import { UNKNOWN } from "../../../components/shared/values";

const cs =
  "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1/;";

describe("components/storage/logic", () => {
  it("reads the account name and blob endpoint off the connection string", () => {
    expect(declaredAccount({ connectionString: cs })).to.deep.equal({
      accountName: "devstoreaccount1",
      blobEndpoint: "http://127.0.0.1:10000/devstoreaccount1",
    });
    expect(declaredAccount({ connectionString: UNKNOWN })).to.deep.equal({});
    expect(declaredAccount({ connectionString: "nonsense" })).to.deep.equal({});
  });

  it("replaces for another account or endpoint, updates for another key or container list", () => {
    const olds = { connectionString: cs, containers: ["a", "b"] };
    const rotated = cs.replace("a2V5", "b3RoZXI=");
    expect(
      diffLocalContainers(olds as never, { connectionString: rotated, containers: ["b", "a"] }),
    ).to.deep.equal({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(
      diffLocalContainers(olds as never, { connectionString: cs, containers: ["b", "a"] }),
    ).to.deep.equal({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(
      diffLocalContainers(olds as never, {
        connectionString: cs.replace(/devstoreaccount1/g, "other"),
        containers: ["a", "b"],
      }).replaces,
    ).to.deep.equal(["connectionString"]);
  });
});
