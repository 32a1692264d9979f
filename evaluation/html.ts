/**
 * The report as one self-contained HTML file: tables and SVG plots inline, no script, no font or
 * image from anywhere, so it opens offline (its Content-Security-Policy forbids any fetch).
 *
 * The plots are Vega-Lite specifications rendered to SVG here, on the server side, by Vega's own
 * headless renderer (`View#toSVG`): a maintained grammar of graphics draws the axes, scales,
 * legends and marks, which hand-written SVG would have to reimplement, and rendering before
 * writing keeps the file free of a charting script (Vega's browser bundle is ~1 MB) and static.
 * Vega is ESM with a top-level await, so it is loaded with `import()`.
 */
import type * as VegaModule from "vega";
import type * as VegaLiteModule from "vega-lite/build/index";
import { thin } from "./curves";
import { summarizeColumn } from "./markdown";
import { psiReading } from "./profile";
import { describeGate, type EvaluationReport, type SideSummary } from "./report";

/** Points per ROC curve in the page (enough for a smooth curve, small enough for a small file). */
const ROC_POINTS = 200;
/** Held-out rows drawn in the regression scatter plot per model. */
const SCATTER_POINTS = 1000;

const COLOURS = { domain: ["candidate", "served"], range: ["#1f77b4", "#d62728"] };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const VEGA_LITE: string = "vega-lite";

let modules: Promise<{ vega: typeof VegaModule; vegaLite: typeof VegaLiteModule }> | undefined;

function loadVega(): Promise<{ vega: typeof VegaModule; vegaLite: typeof VegaLiteModule }> {
  modules ??= (async () => ({
    vega: (await import("vega")) as typeof VegaModule,
    // Under this project's "node" module resolution TypeScript reads vega-lite's types by path
    // (the import type above); Node resolves the package itself.
    vegaLite: (await import(VEGA_LITE)) as typeof VegaLiteModule,
  }))();
  return modules;
}

/**
 * Renders a Vega-Lite specification to an SVG string.
 * @param spec - the specification (data inline)
 */
export async function renderVegaLite(spec: Record<string, unknown>): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const compiled = vegaLite.compile({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: { font: "sans-serif", view: { stroke: "#ddd" } },
    ...spec,
  } as VegaLiteModule.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The chart specifications of a report, by figure id (what the page and its tests name). */
export function chartSpecs(
  report: EvaluationReport,
): { id: string; caption: string; spec: Record<string, unknown> }[] {
  const charts: { id: string; caption: string; spec: Record<string, unknown> }[] = [];
  const colour = { field: "model", type: "nominal", scale: COLOURS, title: null };
  if (report.plots.task === "binary") {
    const { candidate, served, threshold, positive } = report.plots;
    const roc = [
      ...thin(candidate.roc, ROC_POINTS).map((p) => ({ model: "candidate", ...p })),
      ...(served ? thin(served.roc, ROC_POINTS).map((p) => ({ model: "served", ...p })) : []),
    ];
    charts.push({
      id: "roc",
      caption: `ROC curve on the ${report.heldOutRows} held-out rows (positive class ${positive}); the dashed line is chance.`,
      spec: {
        width: 360,
        height: 320,
        layer: [
          {
            data: {
              values: [
                { fpr: 0, tpr: 0 },
                { fpr: 1, tpr: 1 },
              ],
            },
            mark: { type: "line", strokeDash: [4, 4], color: "#9e9e9e" },
            encoding: {
              x: { field: "fpr", type: "quantitative" },
              y: { field: "tpr", type: "quantitative" },
            },
          },
          {
            data: { values: roc },
            mark: { type: "line", interpolate: "step-after" },
            encoding: {
              x: {
                field: "fpr",
                type: "quantitative",
                title: "False positive rate",
                scale: { domain: [0, 1] },
              },
              y: {
                field: "tpr",
                type: "quantitative",
                title: "True positive rate",
                scale: { domain: [0, 1] },
              },
              color: colour,
            },
          },
        ],
      },
    });
    const cells = (model: string, c: typeof candidate.confusion) => [
      { model, actual: c.positive, predicted: c.positive, count: c.truePositive },
      { model, actual: c.positive, predicted: c.negative, count: c.falseNegative },
      { model, actual: c.negative, predicted: c.positive, count: c.falsePositive },
      { model, actual: c.negative, predicted: c.negative, count: c.trueNegative },
    ];
    const matrix = [
      ...cells("candidate", candidate.confusion),
      ...(served ? cells("served", served.confusion) : []),
    ];
    charts.push({
      id: "confusion",
      caption: `Confusion matrices at threshold ${threshold}.`,
      spec: {
        data: { values: matrix },
        facet: { column: { field: "model", type: "nominal", title: null } },
        spec: {
          width: 160,
          height: 160,
          encoding: {
            x: {
              field: "predicted",
              type: "nominal",
              title: "Predicted",
              sort: [candidate.confusion.positive],
              axis: { labelAngle: 0 },
            },
            y: {
              field: "actual",
              type: "nominal",
              title: "Actual",
              sort: [candidate.confusion.positive],
            },
          },
          layer: [
            {
              mark: "rect",
              encoding: {
                color: {
                  field: "count",
                  type: "quantitative",
                  scale: { scheme: "blues" },
                  legend: null,
                },
              },
            },
            {
              mark: { type: "text", fontSize: 14 },
              encoding: { text: { field: "count", type: "quantitative" } },
            },
          ],
        },
      },
    });
  } else {
    const points = report.plots.points;
    const scatter = [
      ...thin(points, SCATTER_POINTS).map((p) => ({
        model: "candidate",
        actual: p.actual,
        predicted: p.candidate,
      })),
      ...thin(points, SCATTER_POINTS)
        .filter((p) => p.served !== undefined)
        .map((p) => ({ model: "served", actual: p.actual, predicted: p.served! })),
    ];
    const lo = Math.min(...scatter.map((p) => Math.min(p.actual, p.predicted)));
    const hi = Math.max(...scatter.map((p) => Math.max(p.actual, p.predicted)));
    charts.push({
      id: "predicted-actual",
      caption: `Predicted against actual values of the ${report.heldOutRows} held-out rows; the dashed line is a perfect model.`,
      spec: {
        width: 360,
        height: 320,
        layer: [
          {
            data: {
              values: [
                { actual: lo, predicted: lo },
                { actual: hi, predicted: hi },
              ],
            },
            mark: { type: "line", strokeDash: [4, 4], color: "#9e9e9e" },
            encoding: {
              x: { field: "actual", type: "quantitative" },
              y: { field: "predicted", type: "quantitative" },
            },
          },
          {
            data: { values: scatter },
            mark: { type: "point", filled: true, opacity: 0.45, size: 14 },
            encoding: {
              x: { field: "actual", type: "quantitative", title: "Actual" },
              y: { field: "predicted", type: "quantitative", title: "Predicted" },
              color: colour,
            },
          },
        ],
      },
    });
    charts.push({
      id: "residuals",
      caption: "Residuals (predicted − actual) of the held-out rows.",
      spec: {
        width: 360,
        height: 220,
        data: {
          values: scatter.map((p) => ({ model: p.model, residual: p.predicted - p.actual })),
        },
        mark: { type: "bar", opacity: 0.6 },
        encoding: {
          x: { field: "residual", type: "quantitative", bin: { maxbins: 30 }, title: "Residual" },
          y: { aggregate: "count", type: "quantitative", stack: null, title: "Rows" },
          color: colour,
        },
      },
    });
  }
  const drift = report.data.columns.filter((c) => c.psi !== undefined);
  if (drift.length > 0) {
    charts.push({
      id: "psi",
      caption:
        "Drift per column: population stability index of the candidate's data against the served model's (rules at 0.1 and 0.25).",
      spec: {
        width: 360,
        height: 220,
        layer: [
          {
            data: { values: drift.map((c) => ({ column: c.name, psi: c.psi })) },
            mark: "bar",
            encoding: {
              x: {
                field: "column",
                type: "nominal",
                sort: null,
                title: null,
                axis: { labelAngle: -40 },
              },
              y: { field: "psi", type: "quantitative", title: "PSI" },
            },
          },
          {
            data: { values: [{ y: 0.1 }, { y: 0.25 }] },
            mark: { type: "rule", strokeDash: [3, 3], color: "#d62728" },
            encoding: { y: { field: "y", type: "quantitative" } },
          },
        ],
      },
    });
  }
  return charts;
}

const fixed = (n: number | undefined): string => (n === undefined ? "—" : n.toFixed(4));
const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

function sideItem(label: string, side: SideSummary, where: string): string {
  const parameters = Object.entries(side.parameters)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  return (
    `<li><strong>${label}</strong> <code>${escapeHtml(side.version)}</code> (${escapeHtml(where)}): ` +
    `<code>${escapeHtml(side.data)}</code> (sha256 <code>${side.dataSha256.slice(0, 12)}</code>), ` +
    `<code>${escapeHtml(side.trainingDefinition)}</code>${parameters ? `, ${escapeHtml(parameters)}` : ""}; ` +
    `${side.source === "cached" ? "taken from the evaluation cache" : "trained by this run"}</li>`
  );
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; color: #1f2328; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #d0d7de; padding: 0.25rem 0.6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.passed { color: #1a7f37; } .refused { color: #cf222e; }
figure { margin: 1rem 0; } figcaption { color: #59636e; font-size: 0.9em; }
code { background: #f6f8fa; padding: 0 0.2em; border-radius: 3px; }
`;

/**
 * The report as a self-contained HTML page.
 * @param report - the evaluation report
 */
export async function renderHtml(report: EvaluationReport): Promise<string> {
  const verdict = report.unchanged
    ? "the declared model is unchanged"
    : report.gate.passed
      ? "the gate passes the candidate"
      : "the gate refuses the candidate";
  const figures: string[] = [];
  for (const chart of chartSpecs(report)) {
    const svg = await renderVegaLite(chart.spec);
    figures.push(
      `<figure id="figure-${chart.id}" data-chart="${chart.id}">${svg}<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`,
    );
  }
  const metricRows = report.metrics
    .map(
      (row) =>
        `<tr${row.gated ? ' class="gated"' : ""}><td>${escapeHtml(row.metric)}${row.gated ? " (gate)" : ""} ${row.direction === "higher" ? "↑" : "↓"}</td>` +
        `<td class="num">${fixed(row.candidate)}</td><td class="num">${fixed(row.served)}</td>` +
        `<td class="num">${row.delta === undefined ? "—" : (row.delta >= 0 ? "+" : "−") + Math.abs(row.delta).toFixed(4)}</td>` +
        `<td>${row.favours ?? "—"}</td></tr>`,
    )
    .join("\n");
  const { base, candidate, columns } = report.data;
  const arrow = (a: string, b: string): string => (base ? `${a} → ${b}` : b);
  const columnRows = columns
    .map(
      (c) =>
        `<tr><td><code>${escapeHtml(c.name)}</code></td>` +
        `<td class="num">${escapeHtml(arrow(c.base ? percent(c.base.missing) : "—", c.candidate ? percent(c.candidate.missing) : "—"))}</td>` +
        `<td>${escapeHtml(arrow(summarizeColumn(c.base), summarizeColumn(c.candidate)))}</td>` +
        `<td class="num">${c.psi === undefined ? "—" : `${c.psi.toFixed(4)} (${psiReading(c.psi)})`}</td></tr>`,
    )
    .join("\n");
  const dataRows = [...(base ? [["served", base] as const] : []), ["candidate", candidate] as const]
    .map(
      ([label, p]) =>
        `<tr><td>${label} (<code>${escapeHtml(p.file)}</code>)</td><td class="num">${p.rows}</td><td><code>${p.sha256}</code></td></tr>`,
    )
    .join("\n");
  const title = `Model evaluation for stack ${report.stack}: ${verdict}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Model evaluation for stack <code>${escapeHtml(report.stack)}</code>: <span id="verdict" class="${report.gate.passed ? "passed" : "refused"}">${verdict}</span></h1>
${report.unchanged ? `<p>This branch declares the same model as <code>${escapeHtml(report.baseRef)}</code>: <code>up</code> will neither train nor gate it.</p>` : ""}
<ul>
${sideItem("Candidate", report.candidate, "this branch")}
${report.served ? sideItem("Served", report.served, report.baseRef) : `<li><strong>Served</strong>: nothing (<code>${escapeHtml(report.baseRef)}</code> declares no model)</li>`}
</ul>
<p>Both models were trained on the project's emulator and scored on the same ${report.heldOutRows} held-out rows of the candidate's data.</p>
<h2>Metrics</h2>
<table id="metrics">
<thead><tr><th>Metric</th><th>Candidate</th><th>Served</th><th>Δ (candidate − served)</th><th>Favours</th></tr></thead>
<tbody>
${metricRows}
</tbody>
</table>
<p id="gate"><strong>Gate</strong> (${escapeHtml(describeGate(report.gate.spec))}): <strong>${report.gate.passed ? "passed" : "refused"}</strong>: ${escapeHtml(report.gate.summary)}</p>
<h2>Plots</h2>
${figures.filter((f) => !f.includes('data-chart="psi"')).join("\n")}
<h2>What changed in the data</h2>
<table id="data-files">
<thead><tr><th></th><th>Rows</th><th>sha256</th></tr></thead>
<tbody>
${dataRows}
</tbody>
</table>
<table id="columns">
<thead><tr><th>Column</th><th>Missing</th><th>Mean or top levels</th><th>PSI</th></tr></thead>
<tbody>
${columnRows}
</tbody>
</table>
${figures.filter((f) => f.includes('data-chart="psi"')).join("\n")}
${report.notes.length > 0 ? `<h2>Notes</h2>\n<ul>${report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>` : ""}
</body>
</html>
`;
}
