/**
 * What Chromium draws of an evaluation report's HTML page (`evaluation/html.ts`): each figure's
 * SVG size and marks, the verdict line, and every request the page made (a self-contained page
 * makes one: itself).
 */
import type { Browser } from "playwright-core";

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
