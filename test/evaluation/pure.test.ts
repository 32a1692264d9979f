/**
 * The pure parts of the evaluation: data profile and PSI, ROC and confusion figures, regression
 * bins, cache keys, the derived training definition, and the report's Markdown on fixed data.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadDefinition, trainingShape } from "../../components/definition";
import { EvaluationCache, sideKey } from "../../evaluation/cache";
import {
  binaryFigures,
  positiveClass,
  regressionBins,
  rocAtGrid,
  rocCurve,
  thin,
} from "../../evaluation/curves";
import { commentMarker, renderMarkdown } from "../../evaluation/markdown";
import {
  compareData,
  parseTable,
  populationStabilityIndex,
  PSI_FLOOR,
  psiReading,
} from "../../evaluation/profile";
import { buildReport, describeGate, taskOf } from "../../evaluation/report";
import { SCORED_OUTPUT, withScoredOutput } from "../../evaluation/scoredOutput";

const psiTerm = (b: number, c: number): number =>
  (Math.max(c, PSI_FLOOR) - Math.max(b, PSI_FLOOR)) *
  Math.log(Math.max(c, PSI_FLOOR) / Math.max(b, PSI_FLOOR));

describe("evaluation: data profile and PSI", () => {
  it("PSI of a categorical column is the sum over levels, missing values a level of their own", () => {
    expect(
      populationStabilityIndex(["a", "a", "b", "b"], ["a", "a", "a", "b"], "categorical"),
    ).to.be.closeTo(psiTerm(0.5, 0.75) + psiTerm(0.5, 0.25), 1e-15);
    expect(populationStabilityIndex(["", "x"], ["x", "x"], "categorical")).to.be.closeTo(
      psiTerm(0.5, 0) + psiTerm(0.5, 1),
      1e-15,
    );
    expect(populationStabilityIndex(["a", "b"], ["b", "a"], "categorical")).to.equal(0);
  });

  it("PSI of a numeric column bins at the base's deciles: a shift past the last decile is large", () => {
    const base = Array.from({ length: 10 }, (_, i) => String(i + 1));
    expect(populationStabilityIndex(base, [...base].reverse(), "numeric")).to.equal(0);
    // Every candidate value above the base's 9th decile: one bin holds all, nine empty.
    const shifted = base.map(() => "100");
    expect(populationStabilityIndex(base, shifted, "numeric")).to.be.closeTo(
      9 * psiTerm(0.1, 0) + psiTerm(0.1, 1),
      1e-12,
    );
    expect(psiReading(0.05)).to.equal("stable");
    expect(psiReading(0.1)).to.equal("moderate shift");
    expect(psiReading(0.25)).to.equal("significant shift");
  });

  it("profiles columns: kinds over both files, share missing, mean, top levels by count then name", () => {
    const base = parseTable("n,c\n1,x\n3,y\n,y\n");
    const candidate = parseTable("n,c,extra\n2,z\n4,z\n6,x\n8,\n");
    const result = compareData(
      { table: candidate, file: "cand.csv", sha256: "c".repeat(64) },
      { table: base, file: "base.csv", sha256: "b".repeat(64) },
    );
    expect(result.base).to.deep.equal({
      file: "base.csv",
      sha256: "b".repeat(64),
      rows: 3,
      columns: [
        { name: "n", kind: "numeric", missing: 1 / 3, mean: 2 },
        {
          name: "c",
          kind: "categorical",
          missing: 0,
          top: [
            { level: "y", share: 2 / 3 },
            { level: "x", share: 1 / 3 },
          ],
        },
      ],
    });
    expect(result.candidate.columns).to.deep.equal([
      { name: "n", kind: "numeric", missing: 0, mean: 5 },
      {
        name: "c",
        kind: "categorical",
        missing: 0.25,
        top: [
          { level: "z", share: 2 / 3 },
          { level: "x", share: 1 / 3 },
        ],
      },
      { name: "extra", kind: "categorical", missing: 1, top: [] },
    ]);
    expect(result.columns.map((c) => [c.name, c.psi === undefined])).to.deep.equal([
      ["n", false],
      ["c", false],
      ["extra", true],
    ]);
  });

  it("a numeric column with a text value in either file is categorical in both", () => {
    const result = compareData(
      { table: parseTable("v\n1\n2\n"), file: "c.csv", sha256: "0".repeat(64) },
      { table: parseTable("v\n1\nn/a\n"), file: "b.csv", sha256: "1".repeat(64) },
    );
    expect(result.columns[0].kind).to.equal("categorical");
    expect(result.candidate.columns[0]).to.deep.equal({
      name: "v",
      kind: "categorical",
      missing: 0,
      top: [
        { level: "1", share: 0.5 },
        { level: "2", share: 0.5 },
      ],
    });
  });

  it("refuses an empty file with the fix", () => {
    expect(() => parseTable("")).to.throw("the data file is empty: it needs a header row");
  });
});

describe("evaluation: figures", () => {
  it("the ROC curve steps through every distinct score, ties together", () => {
    expect(rocCurve([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])).to.deep.equal([
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: 0.5 },
      { fpr: 0.5, tpr: 0.5 },
      { fpr: 0.5, tpr: 1 },
      { fpr: 1, tpr: 1 },
    ]);
    expect(rocCurve([0.5, 0.5], [1, 0])).to.deep.equal([
      { fpr: 0, tpr: 0 },
      { fpr: 1, tpr: 1 },
    ]);
    expect(rocAtGrid(rocCurve([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]), 4)).to.deep.equal([
      0.5, 0.5, 1, 1, 1,
    ]);
  });

  it("the confusion matrix counts rows above the threshold as positive", () => {
    const scored = {
      truths: ["yes", "no", "yes", "no", "no"],
      labels: ["yes", "yes", "no", "no", "no"],
      probabilities: [0.9, 0.6, 0.4, 0.5, 0.1],
    };
    expect(positiveClass(scored)).to.equal("yes");
    expect(binaryFigures(scored, "yes").confusion).to.deep.equal({
      threshold: 0.5,
      positive: "yes",
      negative: "no",
      truePositive: 1,
      falseNegative: 1,
      falsePositive: 1,
      trueNegative: 2,
    });
  });

  it("regression bins hold equal row counts by actual value", () => {
    expect(regressionBins([4, 1, 3, 2], [5, 1, 3, 1], [4, 2, 2, 2], 2)).to.deep.equal([
      { actual: 1.5, candidate: 1, served: 2, rows: 2 },
      { actual: 3.5, candidate: 4, served: 3, rows: 2 },
    ]);
  });

  it("thin keeps the first and last points", () => {
    expect(thin([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4)).to.deep.equal([0, 3, 6, 9]);
    expect(thin([1, 2], 4)).to.deep.equal([1, 2]);
  });
});

describe("evaluation: cache", () => {
  const side = {
    definition: { b: 1, a: [1, 2] },
    version: "1",
    dataSha256: "a".repeat(64),
    parameters: { y: "2", x: "1" },
  };

  it("keys by content: key order does not matter, each field does", () => {
    const key = sideKey(side);
    expect(key).to.match(/^[0-9a-f]{32}$/);
    expect(
      sideKey({ ...side, definition: { a: [1, 2], b: 1 }, parameters: { x: "1", y: "2" } }),
    ).to.equal(key);
    for (const changed of [
      { definition: { b: 2, a: [1, 2] } },
      { version: "2" },
      { dataSha256: "b".repeat(64) },
      { parameters: { x: "1", y: "3" } },
    ]) {
      expect(sideKey({ ...side, ...changed }), JSON.stringify(changed)).to.not.equal(key);
    }
  });

  it("stores whole entries, finds them again, and prunes the least recently used", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "evaluation-cache-"));
    try {
      const cache = new EvaluationCache(dir);
      const entry = {
        model: Buffer.from([1, 2, 3]),
        evaluation: "AUC\n0.8\n",
        scored: "y,Scored Labels\n1,1\n",
        record: { metrics: { AUC: 0.8 }, jobId: "job" },
      };
      const keys = ["1", "2", "3"].map((v) => sideKey({ ...side, version: v }));
      expect(cache.get(keys[0])).to.equal(undefined);
      keys.forEach((k, i) => {
        cache.put(k, { ...entry, record: { ...entry.record, jobId: `job${i}` } });
        const t = new Date(Date.UTC(2026, 0, 1 + i));
        fs.utimesSync(path.join(dir, k), t, t);
      });
      expect(cache.get(keys[1])).to.deep.equal({
        ...entry,
        record: { metrics: { AUC: 0.8 }, jobId: "job1" },
      });
      // keys[1] was just used, keys[2] is the newest write: keys[0] goes.
      expect(cache.prune(2)).to.deep.equal([keys[0]]);
      expect(fs.readdirSync(dir).sort()).to.deep.equal([keys[1], keys[2]].sort());
      // An incomplete entry is not a hit.
      fs.rmSync(path.join(dir, keys[2], "scored.csv"));
      expect(cache.get(keys[2])).to.equal(undefined);
      expect(() => cache.get("../x")).to.throw("not a cache key: ../x");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("evaluation: the scored-rows output", () => {
  it("adds an output fed by what feeds Evaluate Model, leaving the ports the retrain uses alone", () => {
    const definition = loadDefinition("definitions/census-training.json");
    const derived = withScoredOutput(definition.properties, definition.file);
    // The retrain's ports are the same; the added output is the graph's scored rows, which
    // trainingShape names (a staged rollout reads them too).
    expect(trainingShape({ ...definition, properties: derived })).to.deep.equal({
      ...trainingShape(definition),
      scoresOutput: SCORED_OUTPUT,
    });
    const added = derived.package!.edges.filter((e) => e.targetNodeId === SCORED_OUTPUT);
    const intoEvaluate = definition.properties.package!.edges.find(
      (e) => e.targetPortId === "Scored dataset",
    )!;
    expect(added).to.deep.equal([
      {
        sourceNodeId: intoEvaluate.sourceNodeId,
        sourcePortId: intoEvaluate.sourcePortId,
        targetNodeId: SCORED_OUTPUT,
        targetPortId: "Data",
      },
    ]);
    expect(Object.keys(derived.output!.properties!)).to.deep.equal([
      "output1",
      "output2",
      SCORED_OUTPUT,
    ]);
    // The original is not changed.
    expect(definition.properties.package!.nodes[SCORED_OUTPUT]).to.equal(undefined);
  });

  it("refuses a graph without Evaluate Model, naming the file", () => {
    const definition = loadDefinition("definitions/census-predictive.json");
    expect(() => withScoredOutput(definition.properties, definition.file)).to.throw(
      `training definition "definitions/census-predictive.json" must feed exactly one Evaluate Model's "Scored dataset" port (found 0): the report scores the same rows`,
    );
  });
});

describe("evaluation: the report and its comment", () => {
  /** Scores from a fixed rule: the candidate ranks better than the served model. */
  const truths = ["1", "0", "1", "0", "1", "0", "0", "0"];
  const candidateP = [0.9, 0.2, 0.7, 0.6, 0.4, 0.1, 0.3, 0.2];
  const servedP = [0.6, 0.7, 0.4, 0.2, 0.3, 0.55, 0.1, 0.2];
  const labelsOf = (p: number[]): string[] => p.map((x) => (x > 0.5 ? "1" : "0"));
  const side = (version: string, data: string, sha: string, source: "trained" | "cached") => ({
    version,
    data,
    dataSha256: sha.repeat(64),
    parameters: { "Random seed": "42" },
    trainingDefinition: "definitions/t.json",
    modelKey: version === "2" ? "k2" : "k1",
    source,
  });
  const report = () =>
    buildReport({
      stack: "dev",
      baseRef: "origin/main",
      candidate: side("2", "data/new.csv", "c", "trained"),
      served: side("1", "data/old.csv", "b", "cached"),
      gate: { metric: "AUC", min: 0.7, maxRegression: 0.01 },
      verdict: {
        passed: true,
        summary: "AUC 0.9333 >= min 0.7000; vs served 0.6667 (better by 0.2667, allowed 0.0100)",
      },
      evaluation: { AUC: 0.9333333333333333, Accuracy: 0.875, Threshold: 0.5, "True Positive": 2 },
      heldOut: {
        candidate: { truths, labels: labelsOf(candidateP), probabilities: candidateP },
        served: { truths, labels: labelsOf(servedP), probabilities: servedP },
      },
      data: compareData(
        { table: parseTable("x,y\n1,a\n2,b\n"), file: "data/new.csv", sha256: "c".repeat(64) },
        { table: parseTable("x,y\n1,a\n,a\n"), file: "data/old.csv", sha256: "b".repeat(64) },
      ),
      notes: ["a | note"],
    });

  it("computes the served model's metrics on the same rows with the champion scoring", () => {
    const r = report();
    expect(taskOf({ AUC: 1 })).to.equal("binary");
    expect(taskOf({ "Root Mean Squared Error": 1 })).to.equal("regression");
    // AUC of servedP: positives 0.6, 0.4, 0.3 beat 4 + 3 + 3 of the 15 pairs with negatives
    // 0.7, 0.2, 0.55, 0.1, 0.2.
    expect(r.metrics).to.deep.equal([
      {
        metric: "AUC",
        direction: "higher",
        candidate: 0.9333333333333333,
        served: 10 / 15,
        delta: 0.9333333333333333 - 10 / 15,
        favours: "candidate",
        gated: true,
      },
      {
        metric: "Accuracy",
        direction: "higher",
        candidate: 0.875,
        served: 0.5,
        delta: 0.375,
        favours: "candidate",
        gated: false,
      },
    ]);
    expect(r.unchanged).to.equal(false);
    expect(describeGate(r.gate.spec)).to.equal(
      "AUC >= 0.7, at most 0.01 worse than the served model",
    );
  });

  it("says so when the branch declares the served model again", () => {
    const base = report();
    const same = buildReport({
      stack: "dev",
      baseRef: "origin/main",
      gate: base.gate.spec,
      candidate: side("2", "data/new.csv", "c", "trained"),
      served: side("2", "data/new.csv", "c", "trained"),
      verdict: {
        passed: true,
        summary: "the declared model is unchanged: up will not train or gate it",
      },
      evaluation: { AUC: 0.9 },
      heldOut: { candidate: { truths, labels: labelsOf(candidateP), probabilities: candidateP } },
      data: base.data,
    });
    expect(same.unchanged).to.equal(true);
    expect(renderMarkdown(same).split("\n").slice(1, 4)).to.deep.equal([
      "### Model evaluation for stack `dev`: ✅ the declared model is unchanged",
      "",
      "This branch declares the same model as `origin/main` (version, data and parameters): `up` will neither train nor gate it.",
    ]);
  });

  it("renders the comment exactly", () => {
    expect(renderMarkdown(report())).to.equal(`${commentMarker("dev")}
### Model evaluation for stack \`dev\`: ✅ the gate passes the candidate

- **Candidate** \`2\` (this branch): \`data/new.csv\` (sha256 \`cccccccccccc\`), \`definitions/t.json\`, Random seed=42; trained by this run
- **Served** \`1\` (\`origin/main\`): \`data/old.csv\` (sha256 \`bbbbbbbbbbbb\`), \`definitions/t.json\`, Random seed=42; taken from the evaluation cache

Both models were trained on the project's emulator and scored on the same 8 held-out rows of the candidate's data.

| Metric | Candidate | Served | Δ (candidate − served) | Favours |
| --- | ---: | ---: | ---: | --- |
| **AUC** (gate) ↑ | 0.9333 | 0.6667 | +0.2667 | candidate |
| Accuracy ↑ | 0.8750 | 0.5000 | +0.3750 | candidate |

**Gate** (AUC >= 0.7, at most 0.01 worse than the served model): **passed**: AUC 0.9333 >= min 0.7000; vs served 0.6667 (better by 0.2667, allowed 0.0100)

<sub>The gate's line is the one \`up\` prints: the candidate's Evaluate Model value against the served model scored on a sample of the candidate's data.</sub>

\`\`\`mermaid
%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#1f77b4, #d62728, #9e9e9e"}}}}%%
xychart-beta
  title "ROC curve on the held-out rows"
  x-axis "False positive rate" ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"]
  y-axis "True positive rate" 0 --> 1
  line [0.6667, 0.6667, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000]
  line [0.0000, 0.0000, 0.3333, 0.3333, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000]
  line [0.0000, 0.1000, 0.2000, 0.3000, 0.4000, 0.5000, 0.6000, 0.7000, 0.8000, 0.9000, 1.0000]
\`\`\`

<sub>Blue: candidate · red: served · grey: chance.</sub>

Confusion matrix at threshold 0.5 (positive class \`1\`): **candidate** · served

| | predicted \`1\` | predicted \`0\` |
| --- | ---: | ---: |
| actual \`1\` | **2** · 1 | **1** · 2 |
| actual \`0\` | **1** · 2 | **4** · 3 |

#### What changed in the data

| | Rows | sha256 |
| --- | ---: | --- |
| served (\`data/old.csv\`) | 2 | \`bbbbbbbbbbbb\` |
| candidate (\`data/new.csv\`) | 2 | \`cccccccccccc\` |

| Column | Missing (served → candidate) | Mean or top levels (served → candidate) | PSI |
| --- | ---: | --- | ---: |
| \`x\` | 50.0% → 0.0% | 1.00 → 1.50 | 8.5155 (significant shift) |
| \`y\` | 0.0% → 0.0% | a 100.0% → a 50.0%, b 50.0% | 4.6043 (significant shift) |

\`\`\`mermaid
%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#1f77b4"}}}}%%
xychart-beta
  title "Drift per column (population stability index)"
  x-axis ["x", "y"]
  y-axis "PSI" 0 --> 8.6
  bar [8.5155, 4.6043]
\`\`\`

<sub>PSI below 0.1: stable; 0.1 to 0.25: a moderate shift; above 0.25: a significant shift.</sub>

#### Notes

- a | note
`);
  });
});
