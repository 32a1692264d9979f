/**
 * What Chromium draws of an evaluation report's HTML page (`evaluation/html.ts`): each figure's
 * SVG size and marks, the verdict line, and every request the page made (a self-contained page
 * makes one: itself).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import type { EvaluationResult } from "../../evaluation/run";

/** One figure of the page, as drawn. */
export interface DrawnFigure {
  /** Its `data-chart` (roc, confusion, psi, ...). */
  id: string;
  width: number;
  height: number;
  /** Marks of each kind in its SVG. */
  lines: number;
  rects: number;
  symbols: number;
  /** The text marks (a confusion matrix's counts). */
  texts: string[];
}

/** The page's figures: id, SVG size, and the marks of each kind drawn in it. */
export async function figuresOf(
  browser: Browser,
  file: string,
): Promise<{ figures: DrawnFigure[]; verdict: string | null; requests: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  try {
    await page.goto(`file://${file}`);
    // Passed as text: tsx would wrap a function's inner arrows in a helper the page lacks.
    const figures =
      (await page.evaluate(`[...document.querySelectorAll("figure[data-chart]")].map((figure) => {
      const box = figure.querySelector("svg")?.getBoundingClientRect();
      return {
        id: figure.getAttribute("data-chart"),
        width: Math.round(box?.width ?? 0),
        height: Math.round(box?.height ?? 0),
        lines: figure.querySelectorAll("g.mark-line.role-mark path").length,
        rects: figure.querySelectorAll("g.mark-rect.role-mark path").length,
        symbols: figure.querySelectorAll("g.mark-symbol.role-mark path").length,
        texts: [...figure.querySelectorAll("g.mark-text.role-mark text")].map((t) => t.textContent),
      };
    })`)) as DrawnFigure[];
    const verdict = await page.textContent("#verdict");
    return { figures, verdict, requests };
  } finally {
    await page.close();
  }
}

/**
 * Checks the HTML page of a census evaluation the gate passed, as Chromium draws it: one
 * self-contained file (no script, link or source, nothing requested but itself), the verdict, the
 * ROC curves (chance, candidate, served), both confusion matrices with the report's counts in
 * their cells, and one drift bar per column.
 * @param browser - Chromium
 * @param result - the evaluation
 */
export async function expectCensusReportPage(
  browser: Browser,
  result: Pick<EvaluationResult, "files" | "report">,
): Promise<void> {
  const html = readFileSync(result.files.html, "utf8");
  expect(html).to.not.match(/<script|<link|src=/i);
  const { figures, verdict, requests } = await figuresOf(browser, result.files.html);
  expect(verdict).to.equal("the gate passes the candidate");
  expect(requests).to.deep.equal([`file://${result.files.html}`]);
  const { plots } = result.report;
  if (plots.task !== "binary") throw new Error("census is a binary classification");
  const c = plots.candidate.confusion;
  const s = plots.served!.confusion;
  expect(figures.map((f) => [f.id, f.width > 300, f.height > 150])).to.deep.equal([
    ["roc", true, true],
    ["confusion", true, true],
    ["psi", true, true],
  ]);
  expect(figures[0].lines).to.equal(3);
  expect(figures[1].rects).to.equal(8);
  expect(figures[1].texts).to.deep.equal(
    [
      c.truePositive,
      c.falseNegative,
      c.falsePositive,
      c.trueNegative,
      s.truePositive,
      s.falseNegative,
      s.falsePositive,
      s.trueNegative,
    ].map(String),
  );
  expect(figures[2].rects).to.equal(14);
}
