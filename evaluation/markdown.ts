/**
 * The report as GitHub Markdown: the pull-request comment. Plots are Mermaid `xychart-beta`
 * charts, which GitHub draws from the comment's text, so no image is hosted anywhere; the
 * confusion matrix and the data changes are tables. The first line is a hidden marker by which the
 * workflow finds its own comment and updates it instead of adding one per push.
 */
import { rocAtGrid } from "./curves";
import { psiReading, type ColumnChange, type ColumnProfile } from "./profile";
import { describeGate, type EvaluationReport, type SideSummary } from "./report";

/**
 * The hidden first line of a stack's comment: one comment per stack, so a pull request that
 * the workflow evaluates for the classic and the v2 stack keeps both.
 * @param stack - the stack evaluated
 */
export function commentMarker(stack: string): string {
  return `<!-- azureml-retrain:evaluation stack=${stack} -->`;
}

/** Colours of the chart lines, in series order, and their names for the caption. */
const PALETTE = { candidate: "#1f77b4", served: "#d62728", reference: "#9e9e9e" } as const;

const fixed = (n: number, digits = 4): string => (Object.is(n, -0) ? 0 : n).toFixed(digits);
const signed = (n: number): string => (n >= 0 ? "+" : "−") + fixed(Math.abs(n));
const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
/** A table cell: pipes and line breaks would break the table. */
const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
/** A Mermaid string: double quotes end it. */
const quoted = (s: string): string => `"${s.replace(/"/g, "'")}"`;

/** A Mermaid xychart with coloured lines (GitHub draws no legend: the caption names them). */
function lineChart(options: {
  title: string;
  xTitle: string;
  xLabels: readonly string[];
  yTitle: string;
  yRange?: readonly [number, number];
  lines: readonly { colour: string; values: readonly number[] }[];
}): string {
  const palette = options.lines.map((l) => l.colour).join(", ");
  const range = options.yRange ? ` ${options.yRange[0]} --> ${options.yRange[1]}` : "";
  return [
    "```mermaid",
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    "xychart-beta",
    `  title ${quoted(options.title)}`,
    `  x-axis ${quoted(options.xTitle)} [${options.xLabels.map(quoted).join(", ")}]`,
    `  y-axis ${quoted(options.yTitle)}${range}`,
    ...options.lines.map((l) => `  line [${l.values.map((v) => fixed(v)).join(", ")}]`),
    "```",
  ].join("\n");
}

function sideLine(label: string, side: SideSummary, where: string): string {
  const parameters = Object.entries(side.parameters)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  return (
    `- **${label}** ${code(side.version)} (${where}): ${code(side.data)} ` +
    `(sha256 ${code(side.dataSha256.slice(0, 12))}), ${code(side.trainingDefinition)}` +
    `${parameters ? `, ${cell(parameters)}` : ""}; ${side.source === "cached" ? "taken from the evaluation cache" : "trained by this run"}`
  );
}

function metricsTable(report: EvaluationReport): string[] {
  const lines = [
    "| Metric | Candidate | Served | Δ (candidate − served) | Favours |",
    "| --- | ---: | ---: | ---: | --- |",
  ];
  for (const row of report.metrics) {
    const name = `${row.gated ? `**${row.metric}** (gate)` : row.metric} ${row.direction === "higher" ? "↑" : "↓"}`;
    lines.push(
      `| ${name} | ${fixed(row.candidate)} | ${row.served === undefined ? "—" : fixed(row.served)} | ` +
        `${row.delta === undefined ? "—" : signed(row.delta)} | ${row.favours ?? "—"} |`,
    );
  }
  return lines;
}

function binarySection(report: EvaluationReport): string[] {
  if (report.plots.task !== "binary") return [];
  const { candidate, served, positive, threshold } = report.plots;
  const grid = Array.from({ length: 11 }, (_, k) => (k / 10).toFixed(1));
  const lines = [
    lineChart({
      title: "ROC curve on the held-out rows",
      xTitle: "False positive rate",
      xLabels: grid,
      yTitle: "True positive rate",
      yRange: [0, 1],
      lines: [
        { colour: PALETTE.candidate, values: rocAtGrid(candidate.roc, 10) },
        ...(served ? [{ colour: PALETTE.served, values: rocAtGrid(served.roc, 10) }] : []),
        { colour: PALETTE.reference, values: grid.map(Number) },
      ],
    }),
    "",
    `<sub>Blue: candidate${served ? " · red: served" : ""} · grey: chance.</sub>`,
    "",
    `Confusion matrix at threshold ${threshold} (positive class ${code(positive)}): **candidate**${served ? " · served" : ""}`,
    "",
  ];
  const c = candidate.confusion;
  const s = served?.confusion;
  const pair = (a: number, b: number | undefined): string =>
    `**${a}**${b === undefined ? "" : ` · ${b}`}`;
  lines.push(
    `| | predicted ${code(c.positive)} | predicted ${code(c.negative)} |`,
    "| --- | ---: | ---: |",
    `| actual ${code(c.positive)} | ${pair(c.truePositive, s?.truePositive)} | ${pair(c.falseNegative, s?.falseNegative)} |`,
    `| actual ${code(c.negative)} | ${pair(c.falsePositive, s?.falsePositive)} | ${pair(c.trueNegative, s?.trueNegative)} |`,
  );
  return lines;
}

function regressionSection(report: EvaluationReport): string[] {
  if (report.plots.task !== "regression") return [];
  const { bins } = report.plots;
  const labels = bins.map((b) => b.actual.toFixed(1));
  const hasServed = bins.every((b) => b.served !== undefined);
  return [
    lineChart({
      title: "Predicted vs actual (held-out rows in 10 bins by actual value)",
      xTitle: "Mean actual value of the bin",
      xLabels: labels,
      yTitle: "Mean predicted value",
      lines: [
        { colour: PALETTE.candidate, values: bins.map((b) => b.candidate) },
        ...(hasServed ? [{ colour: PALETTE.served, values: bins.map((b) => b.served!) }] : []),
        { colour: PALETTE.reference, values: bins.map((b) => b.actual) },
      ],
    }),
    "",
    `<sub>Blue: candidate${hasServed ? " · red: served" : ""} · grey: actual (a perfect model follows it).</sub>`,
    "",
    lineChart({
      title: "Mean residual (predicted − actual) per bin",
      xTitle: "Mean actual value of the bin",
      xLabels: labels,
      yTitle: "Mean residual",
      lines: [
        { colour: PALETTE.candidate, values: bins.map((b) => b.candidate - b.actual) },
        ...(hasServed
          ? [{ colour: PALETTE.served, values: bins.map((b) => b.served! - b.actual) }]
          : []),
        { colour: PALETTE.reference, values: bins.map(() => 0) },
      ],
    }),
    "",
    `<sub>Blue: candidate${hasServed ? " · red: served" : ""} · grey: zero.</sub>`,
  ];
}

/** Mean or top levels of a column, for a table cell. */
export function summarizeColumn(profile: ColumnProfile | undefined): string {
  if (!profile) return "—";
  if (profile.kind === "numeric") return profile.mean === undefined ? "—" : profile.mean.toFixed(2);
  return (profile.top ?? []).map((t) => `${t.level} ${percent(t.share)}`).join(", ") || "—";
}

function dataSection(report: EvaluationReport): string[] {
  const { base, candidate, columns } = report.data;
  const lines = [
    "#### What changed in the data",
    "",
    "| | Rows | sha256 |",
    "| --- | ---: | --- |",
    ...(base
      ? [`| served (${code(base.file)}) | ${base.rows} | ${code(base.sha256.slice(0, 12))} |`]
      : []),
    `| candidate (${code(candidate.file)}) | ${candidate.rows} | ${code(candidate.sha256.slice(0, 12))} |`,
    "",
  ];
  if (!base) {
    lines.push("The base declares no model: nothing to compare the data with.", "");
  }
  const arrow = (a: string, b: string): string => (base ? `${a} → ${b}` : b);
  lines.push(
    `| Column | Missing${base ? " (served → candidate)" : ""} | Mean or top levels${base ? " (served → candidate)" : ""} | PSI |`,
    "| --- | ---: | --- | ---: |",
  );
  for (const column of columns) {
    lines.push(
      `| ${code(column.name)} | ${arrow(column.base ? percent(column.base.missing) : "—", column.candidate ? percent(column.candidate.missing) : "—")} | ` +
        `${cell(arrow(summarizeColumn(column.base), summarizeColumn(column.candidate)))} | ${psiCell(column)} |`,
    );
  }
  const drift = columns.filter((c) => c.psi !== undefined);
  if (drift.length > 0) {
    const top = Math.max(0.3, ...drift.map((c) => c.psi!));
    lines.push(
      "",
      "```mermaid",
      `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${PALETTE.candidate}"}}}}%%`,
      "xychart-beta",
      `  title "Drift per column (population stability index)"`,
      `  x-axis [${drift.map((c) => quoted(c.name)).join(", ")}]`,
      `  y-axis "PSI" 0 --> ${fixed(Math.ceil(top * 10) / 10, 1)}`,
      `  bar [${drift.map((c) => fixed(c.psi!)).join(", ")}]`,
      "```",
      "",
      "<sub>PSI below 0.1: stable; 0.1 to 0.25: a moderate shift; above 0.25: a significant shift.</sub>",
    );
  }
  return lines;
}

function psiCell(column: ColumnChange): string {
  return column.psi === undefined ? "—" : `${fixed(column.psi)} (${psiReading(column.psi)})`;
}

/**
 * The pull-request comment for a report.
 * @param report - the evaluation report
 */
export function renderMarkdown(report: EvaluationReport): string {
  const verdict = report.unchanged
    ? "✅ the declared model is unchanged"
    : report.gate.passed
      ? "✅ the gate passes the candidate"
      : "❌ the gate refuses the candidate";
  const lines = [
    commentMarker(report.stack),
    `### Model evaluation for stack ${code(report.stack)}: ${verdict}`,
    "",
  ];
  if (report.unchanged) {
    lines.push(
      `This branch declares the same model as ${code(report.baseRef)} (version, data and parameters): \`up\` will neither train nor gate it.`,
      "",
    );
  }
  lines.push(
    sideLine("Candidate", report.candidate, "this branch"),
    ...(report.served
      ? [sideLine("Served", report.served, code(report.baseRef))]
      : [`- **Served**: nothing (${code(report.baseRef)} declares no model)`]),
    "",
    `Both models were trained on the project's emulator and scored on the same ${report.heldOutRows} held-out rows of the candidate's data.`,
    "",
    ...metricsTable(report),
    "",
    `**Gate** (${describeGate(report.gate.spec)}): **${report.gate.passed ? "passed" : "refused"}**: ${report.gate.summary}`,
    "",
    report.platform === "v2"
      ? "<sub>The gate's line is the one `up` prints: the candidate's value in its training job's `metrics.json` against the served deployment scored through the endpoint on a sample of the candidate's data.</sub>"
      : "<sub>The gate's line is the one `up` prints: the candidate's Evaluate Model value against the served model scored on a sample of the candidate's data.</sub>",
    "",
    ...(report.plots.task === "binary" ? binarySection(report) : regressionSection(report)),
    "",
    ...dataSection(report),
  );
  if (report.notes.length > 0) {
    lines.push("", "#### Notes", "", ...report.notes.map((n) => `- ${n}`));
  }
  return lines.join("\n") + "\n";
}
