/**
 * docs/modules.md against the code: its catalogue is exactly what the module registry renders
 * (ports, parameters, defaults, ranges, other keys, differences), every module has a section,
 * there are at least 40, and every learner added with the catalogue has its measured quality row.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { MODULES } from "../../../emulator/engine/modules/registry";
import { MODULES_DOC, withCatalogue } from "../../../scripts/modulesDoc";

describe("docs/modules.md ↔ the module registry", function () {
  const doc = readFileSync(MODULES_DOC, "utf8");

  it("the committed catalogue is the one the code renders (run `npm run docs:modules` after changing a module)", async function () {
    expect(await withCatalogue(doc)).to.equal(doc);
  });

  it("has a section for each of the registry's modules, at least 40", function () {
    const sections = [...doc.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    expect(sections.slice().sort()).to.deep.equal(MODULES.map((m) => m.name).sort());
    expect(sections.length).to.be.at.least(40);
  });

  it("states the measured quality of every learner added with the catalogue", function () {
    const rows = [
      ...doc.matchAll(/^\| ([A-Z][^|]+?) +\| [^|]+\| +(\d\.\d{4}) \| +(\d\.\d{4}) \|/gm),
    ].map((m) => m[1]);
    expect(rows).to.deep.equal([
      "Two-Class Decision Forest",
      "Two-Class Averaged Perceptron",
      "Two-Class Support Vector Machine",
      "Multiclass Logistic Regression",
      "Multiclass Decision Forest",
      "Boosted Decision Tree Regression",
      "Decision Forest Regression",
      "Poisson Regression",
      "K-Means Clustering",
    ]);
  });
});
