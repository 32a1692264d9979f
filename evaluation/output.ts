/**
 * What both platforms' evaluations share once the models are scored: the candidate's scored
 * held-out rows read from its training output, and the report written as `report.md` (the
 * comment), `report.html` and `verdict.json`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ScoredRows } from "./curves";
import { renderHtml } from "./html";
import { renderMarkdown } from "./markdown";
import { parseTable } from "./profile";
import type { EvaluationReport } from "./report";

/** The subscription of the evaluation's own emulator (classic and v2). */
export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
/** The resource group the evaluation's services and workspace go in. */
export const RESOURCE_GROUP = "evaluation";
/** Rows per scoring call when the served model scores the held-out rows (as the gate's sampling does). */
export const BATCH_ROWS = 500;
/** Cache entries kept after a run. */
export const CACHE_KEEP = 16;

/**
 * Reads the candidate's scored held-out rows (a CSV with the label, `Scored Labels` and, for a
 * classifier, `Scored Probabilities`).
 * @param scoredCsv - the CSV
 * @param label - the label column
 */
export function candidateRows(
  scoredCsv: string,
  label: string,
): { rows: Record<string, string>[]; scored: ScoredRows } {
  const table = parseTable(scoredCsv);
  const at = (name: string): number => table.header.indexOf(name);
  const labelAt = at(label);
  const scoredAt = at("Scored Labels");
  const probabilityAt = at("Scored Probabilities");
  if (labelAt < 0 || scoredAt < 0) {
    throw new Error(
      `the scored held-out rows lack ${labelAt < 0 ? `the label column "${label}"` : '"Scored Labels"'} (columns: ${table.header.join(", ")})`,
    );
  }
  const kept = table.rows.filter((r) => r[labelAt] !== "" && r[scoredAt] !== "");
  return {
    rows: kept.map((r) => Object.fromEntries(table.header.map((h, i) => [h, r[i]]))),
    scored: {
      truths: kept.map((r) => r[labelAt]),
      labels: kept.map((r) => r[scoredAt]),
      ...(probabilityAt >= 0 ? { probabilities: kept.map((r) => Number(r[probabilityAt])) } : {}),
    },
  };
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** The project folder (a git work tree). */
  readonly projectDir: string;
  /** The stack whose declaration is evaluated (`Pulumi.<stack>.yaml`). */
  readonly stack: string;
  /** The git ref of the served model's declaration (e.g. `origin/main`). */
  readonly baseRef: string;
  /** Where the report is written (`report.md`, `report.html`, `verdict.json`). */
  readonly outDir: string;
  /** The evaluation cache (default `<outDir>/cache`); `false` to train both sides every time. */
  readonly cacheDir?: string | false;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
  /** An Azurite to use instead of starting one (its blob endpoint). */
  readonly azuriteBlobEndpoint?: string;
  /**
   * The interpreter of the v2 command jobs and deployments (the emulator's `--python`; default
   * `AZUREML_EMULATOR_PYTHON` or `python3`). It must import what the scripts import.
   */
  readonly python?: string;
}

/** What `evaluate` returns. */
export interface EvaluationResult {
  readonly report: EvaluationReport;
  readonly markdown: string;
  readonly files: ReportFiles;
  /** Seconds spent per phase (not in the report: it must not change from run to run). */
  readonly seconds: Readonly<Record<string, number>>;
}

/** The files {@link writeReport} writes. */
export interface ReportFiles {
  readonly markdown: string;
  readonly html: string;
  readonly verdict: string;
}

/**
 * Renders the report and writes it under `outDir`.
 * @param report - the report
 * @param where - the output folder, the stack and the base ref (for `verdict.json`)
 */
export async function writeReport(
  report: EvaluationReport,
  where: { readonly outDir: string; readonly stack: string; readonly baseRef: string },
): Promise<{ markdown: string; files: ReportFiles }> {
  const markdown = renderMarkdown(report);
  const html = await renderHtml(report);
  fs.mkdirSync(where.outDir, { recursive: true });
  const files = {
    markdown: path.join(where.outDir, "report.md"),
    html: path.join(where.outDir, "report.html"),
    verdict: path.join(where.outDir, "verdict.json"),
  };
  fs.writeFileSync(files.markdown, markdown);
  fs.writeFileSync(files.html, html);
  fs.writeFileSync(
    files.verdict,
    JSON.stringify(
      {
        stack: where.stack,
        baseRef: where.baseRef,
        passed: report.gate.passed,
        summary: report.gate.summary,
      },
      null,
      2,
    ) + "\n",
  );
  return { markdown, files };
}
