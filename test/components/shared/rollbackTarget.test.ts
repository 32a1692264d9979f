/**
 * The rollback target staged endpoints record (`components/shared/rollbackTarget.ts`): the pair
 * served before a repoint, kept across an update that sets the same pair, always present in a
 * stage and absent outside one.
 */
import { expect } from "chai";
import { nextRollbackTarget, rollbackTarget } from "../../../components/shared/rollbackTarget";

const T = "Norm [transform]";

describe("components/shared/rollbackTarget", () => {
  it("records nothing outside a stage, and an empty target in one when nothing is known", () => {
    expect(rollbackTarget(false, true, "m1", { [T]: "t1" })).to.deep.equal({});
    expect(rollbackTarget(true, false, undefined, {})).to.deep.equal({ previousModelUri: "" });
    expect(rollbackTarget(true, true, undefined, {})).to.deep.equal({
      previousModelUri: "",
      previousTransformUris: {},
    });
  });

  const served = { model: "m1", transformOf: (n: string) => (n === T ? "t1" : undefined) };

  it("a repoint records the pair served before it", () => {
    expect(
      nextRollbackTarget({
        staged: true,
        served,
        now: { model: "m2", transforms: { [T]: "t2" } },
        recorded: { previousModelUri: "m0", previousTransformUris: { [T]: "t0" } },
      }),
    ).to.deep.equal({ previousModelUri: "m1", previousTransformUris: { [T]: "t1" } });
  });

  it("a new transformation with the same model is a repoint too", () => {
    expect(
      nextRollbackTarget({
        staged: true,
        served,
        now: { model: "m1", transforms: { [T]: "t2" } },
        recorded: { previousModelUri: "m0", previousTransformUris: { [T]: "t0" } },
      }),
    ).to.deep.equal({ previousModelUri: "m1", previousTransformUris: { [T]: "t1" } });
  });

  it("an update that sets the same pair keeps the target recorded before", () => {
    expect(
      nextRollbackTarget({
        staged: true,
        served,
        now: { model: "m1", transforms: { [T]: "t1" } },
        recorded: { previousModelUri: "m0", previousTransformUris: { [T]: "t0" } },
      }),
    ).to.deep.equal({ previousModelUri: "m0", previousTransformUris: { [T]: "t0" } });
  });

  it("without transformations, the model alone; outside a stage, nothing", () => {
    const update = { served, now: { model: "m2", transforms: {} }, recorded: {} };
    expect(nextRollbackTarget({ staged: true, ...update })).to.deep.equal({
      previousModelUri: "m1",
    });
    expect(nextRollbackTarget({ staged: false, ...update })).to.deep.equal({});
  });
});
