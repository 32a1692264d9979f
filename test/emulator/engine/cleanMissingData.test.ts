import { expect } from "chai";
import { expectVariant } from "../../helpers/expect";
import { cleanMissingData } from "../../../emulator/engine/modules/cleanMissingData";
import { byNames, names, run, table, tableOf, throwsEngine, values } from "./helpers";

const input = () =>
  table({
    i: [1, null, 4, 4],
    d: [1.5, 2.5, null, 4],
    b: [true, null, true, false],
    s: ["x", "y", null, "y"],
    full: [1, 2, 3, 4],
    empty: { type: "Double", values: [null, null, null, null] },
  });

function clean(params: Record<string, string>) {
  const [out, transform] = run(cleanMissingData, [input()], params);
  return { out: tableOf(out), transform };
}

describe("engine module Clean Missing Data", () => {
  it("Custom substitution value parses the value to each column's type", () => {
    const { out } = clean({
      "Columns to be cleaned": byNames("i", "d", "s"),
      "Replacement value": "7",
    });
    expect(values(out, "i")).to.deep.equal([1, 7, 4, 4]);
    expect(values(out, "d")).to.deep.equal([1.5, 2.5, 7, 4]);
    expect(values(out, "s")).to.deep.equal(["x", "y", "7", "y"]);
    expect(values(out, "b"), "unselected columns pass through").to.deep.equal([1, null, 1, 0]);
  });

  it("Error 0002 when the substitute does not fit a column's type", () => {
    throwsEngine(
      () => clean({ "Columns to be cleaned": byNames("i"), "Replacement value": "1.5" }),
      {
        code: "0002",
        message:
          'Error 0002: Failed to convert "Replacement value" parameter value "1.5" from "String" to "Integer"',
      },
    );
  });

  it("Replace with mean rounds back for integer and boolean columns", () => {
    const { out, transform } = clean({
      "Columns to be cleaned": byNames("i", "d", "b"),
      "Cleaning mode": "Replace with mean",
    });
    expect(values(out, "i")).to.deep.equal([1, 3, 4, 4]); // mean 3
    expect(values(out, "d")).to.deep.equal([1.5, 2.5, 8 / 3, 4]);
    expect(values(out, "b")).to.deep.equal([1, 1, 1, 0]); // mean 2/3 → true
    expectVariant(transform, "type", "Transform");
    expectVariant(transform.transform, "kind", "cleaning");
    expect(transform.transform.substitutes).to.deep.equal({ i: 3, d: 8 / 3, b: 1 });
  });

  it("Replace with median and mode", () => {
    const median = clean({
      "Columns to be cleaned": byNames("d"),
      "Cleaning mode": "Replace with median",
    }).out;
    expect(values(median, "d")).to.deep.equal([1.5, 2.5, 2.5, 4]);
    const mode = clean({
      "Columns to be cleaned": byNames("i", "s"),
      "Cleaning mode": "Replace with mode",
    }).out;
    expect(values(mode, "i")).to.deep.equal([1, 4, 4, 4]);
    expect(values(mode, "s")).to.deep.equal(["x", "y", "y", "y"]);
  });

  it("Error 0017 for mean on a String column", () => {
    throwsEngine(
      () => clean({ "Columns to be cleaned": byNames("s"), "Cleaning mode": "Replace with mean" }),
      {
        code: "0017",
        message:
          'Error 0017: Cannot process column "s" of type String. The type is not supported by the module.',
      },
    );
  });

  it("drops all-missing columns by default in the statistic modes, or propagates them", () => {
    const removed = clean({
      "Columns to be cleaned": byNames("d", "empty"),
      "Cleaning mode": "Replace with mean",
    }).out;
    expect(names(removed)).to.deep.equal(["i", "d", "b", "s", "full"]);
    const kept = clean({
      "Columns to be cleaned": byNames("d", "empty"),
      "Cleaning mode": "Replace with mean",
      "Cols with all missing values": "Propagate",
    }).out;
    expect(values(kept, "empty")).to.deep.equal([null, null, null, null]);
  });

  it("Remove entire row drops rows with a missing value in the selected columns", () => {
    const { out } = clean({
      "Columns to be cleaned": byNames("i", "s"),
      "Cleaning mode": "Remove entire row",
    });
    expect(out.rowCount).to.equal(2);
    expect(values(out, "full")).to.deep.equal([1, 4]);
  });

  it("Remove entire column drops selected columns that have a missing value", () => {
    const { out } = clean({
      "Columns to be cleaned": byNames("i", "full"),
      "Cleaning mode": "Remove entire column",
    });
    expect(names(out)).to.deep.equal(["d", "b", "s", "full", "empty"]);
  });

  it("appends <column>_IsMissing indicators", () => {
    const { out } = clean({
      "Columns to be cleaned": byNames("i", "s"),
      "Generate missing value indicator column": "True",
    });
    expect(names(out).slice(-2)).to.deep.equal(["i_IsMissing", "s_IsMissing"]);
    expect(values(out, "i_IsMissing")).to.deep.equal([0, 1, 0, 0]);
    expect(out.columns[out.columns.length - 1].type).to.equal("Boolean");
  });

  it("cleans nothing when one selected column's missing ratio is out of range (all-or-nothing)", () => {
    // i and s miss 1/4 = 0.25; full misses 0.
    const { out } = clean({
      "Columns to be cleaned": byNames("i", "s", "full"),
      "Minimum missing value ratio": "0.2",
      "Generate missing value indicator column": "True",
    });
    expect(values(out, "i")).to.deep.equal([1, null, 4, 4]);
    expect(values(out, "i_IsMissing")).to.deep.equal([0, 0, 0, 0]);
    const ok = clean({
      "Columns to be cleaned": byNames("i", "s"),
      "Minimum missing value ratio": "0.2",
    }).out;
    expect(values(ok, "i")).to.deep.equal([1, 0, 4, 4]);
  });

  it("Error 0008 for a ratio outside [0, 1]", () => {
    throwsEngine(() => clean({ "Maximum missing value ratio": "1.5" }), {
      code: "0008",
      message:
        'Error 0008: Parameter "Maximum missing value ratio" value should be in the range of [0, 1].',
    });
  });

  it("MICE is a clear not-supported error", () => {
    throwsEngine(() => clean({ "Cleaning mode": "Replace using MICE" }), {
      code: "0039",
      message:
        'Error 0039: Error while completing operation: cleaning mode "Replace using MICE" is not supported by the emulator.',
    });
  });
});
