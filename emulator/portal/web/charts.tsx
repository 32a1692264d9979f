/**
 * The portal's charts, drawn by Chart.js (and its matrix chart type for confusion matrices):
 * a ROC curve, a scatter plot (actual against predicted, residuals), a confusion matrix, a
 * job's per-module timeline, a clustering's clusters and a service's calls per minute. Each canvas is an image with a text alternative (`aria-label`),
 * and each chart sits beside a table of the same numbers, so nothing is only in pixels.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import { MatrixController, MatrixElement } from "chartjs-chart-matrix";
import { useEffect, useRef } from "preact/hooks";
import type { CallMinuteView, RocPoint } from "../api";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  MatrixController,
  MatrixElement,
);

/** Colours that stay apart for colour-blind readers (Okabe–Ito). */
export const PALETTE = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#000000",
];

/** A Chart.js chart on a canvas, rebuilt when its configuration changes. */
function ChartCanvas(props: {
  config: ChartConfiguration;
  label: string;
  testId: string;
  height?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return undefined;
    const chart = new Chart(canvas.current, props.config);
    return () => chart.destroy();
  }, [props.config]);
  return (
    <div class="chart" style={{ height: `${props.height ?? 320}px` }}>
      <canvas ref={canvas} role="img" aria-label={props.label} data-testid={props.testId} />
    </div>
  );
}

const common = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
} as const;

/** ROC curves (one per series), with the chance diagonal. */
export function RocChart(props: {
  series: readonly { label: string; points: readonly RocPoint[] }[];
  description: string;
}) {
  const config: ChartConfiguration = {
    type: "line",
    data: {
      datasets: [
        ...props.series.map((s, i) => ({
          label: s.label,
          data: s.points.map((p) => ({ x: p.fpr, y: p.tpr })),
          borderColor: PALETTE[i % PALETTE.length],
          backgroundColor: PALETTE[i % PALETTE.length],
          pointRadius: 0,
          borderWidth: 2,
          stepped: "after" as const,
        })),
        {
          label: "chance",
          data: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
          borderColor: "#999999",
          borderDash: [4, 4],
          pointRadius: 0,
          borderWidth: 1,
        },
      ],
    },
    options: {
      ...common,
      parsing: false,
      scales: {
        x: {
          type: "linear",
          min: 0,
          max: 1,
          title: { display: true, text: "False positive rate" },
        },
        y: { type: "linear", min: 0, max: 1, title: { display: true, text: "True positive rate" } },
      },
    },
  };
  return <ChartCanvas config={config} label={props.description} testId="roc-chart" />;
}

/** A scatter plot of points, with an optional reference line. */
export function ScatterChart(props: {
  points: readonly { x: number; y: number }[];
  xTitle: string;
  yTitle: string;
  line?: readonly { x: number; y: number }[];
  description: string;
  testId: string;
}) {
  const config: ChartConfiguration = {
    type: "scatter",
    data: {
      datasets: [
        {
          label: "rows",
          data: props.points.map((p) => ({ x: p.x, y: p.y })),
          backgroundColor: "rgba(0, 114, 178, 0.45)",
          pointRadius: 2,
        },
        ...(props.line
          ? [
              {
                type: "line" as const,
                label: "reference",
                data: props.line.map((p) => ({ x: p.x, y: p.y })),
                borderColor: "#D55E00",
                borderDash: [4, 4],
                pointRadius: 0,
                borderWidth: 1,
              },
            ]
          : []),
      ],
    },
    options: {
      ...common,
      plugins: { legend: { display: false } },
      scales: {
        x: { type: "linear", title: { display: true, text: props.xTitle } },
        y: { type: "linear", title: { display: true, text: props.yTitle } },
      },
    },
  };
  return <ChartCanvas config={config} label={props.description} testId={props.testId} />;
}

/** A confusion matrix: actual classes down, predicted across, darker for more rows. */
export function ConfusionChart(props: {
  classes: readonly string[];
  counts: readonly (readonly number[])[];
  description: string;
}) {
  const n = props.classes.length;
  const max = Math.max(1, ...props.counts.flat());
  const data = props.classes.flatMap((actual, i) =>
    props.classes.map((predicted, j) => ({
      x: predicted,
      y: actual,
      v: props.counts[i]?.[j] ?? 0,
    })),
  );
  const config = {
    type: "matrix",
    data: {
      datasets: [
        {
          label: "rows",
          data,
          backgroundColor: (context: { raw?: unknown }) => {
            const v = (context.raw as { v?: number } | undefined)?.v ?? 0;
            return `rgba(0, 114, 178, ${0.08 + (0.87 * v) / max})`;
          },
          borderColor: "#ffffff",
          borderWidth: 1,
          width: (context: { chart: Chart }) => (context.chart.chartArea?.width ?? 0) / n - 2,
          height: (context: { chart: Chart }) => (context.chart.chartArea?.height ?? 0) / n - 2,
        },
      ],
    },
    options: {
      ...common,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item: { raw: unknown }) => {
              const cell = item.raw as { x: string; y: string; v: number };
              return `actual ${cell.y}, predicted ${cell.x}: ${cell.v}`;
            },
          },
        },
      },
      scales: {
        x: {
          type: "category",
          labels: [...props.classes],
          offset: true,
          grid: { display: false },
          title: { display: true, text: "Predicted" },
        },
        y: {
          type: "category",
          labels: [...props.classes],
          offset: true,
          // The first class at the top, as in the table beside the chart (the matrix chart type
          // draws a category y axis from the bottom up).
          reverse: false,
          grid: { display: false },
          title: { display: true, text: "Actual" },
        },
      },
    },
  } as unknown as ChartConfiguration;
  return (
    <ChartCanvas
      config={config}
      label={props.description}
      testId="confusion-chart"
      height={Math.max(220, 70 * n + 80)}
    />
  );
}

/**
 * A job's modules as bars from their start to their end (still running: to now, in another
 * colour), and the work around them in grey.
 */
export function TimelineChart(props: {
  modules: readonly {
    label: string;
    start: number;
    end: number;
    state: "done" | "running" | "other";
  }[];
  description: string;
}) {
  const config: ChartConfiguration = {
    type: "bar",
    data: {
      labels: props.modules.map((m) => m.label),
      datasets: [
        {
          label: "module run",
          data: props.modules.map((m) => [m.start, Math.max(m.end, m.start + 1)]),
          backgroundColor: props.modules.map((m) =>
            m.state === "running" ? "#E69F00" : m.state === "done" ? "#009E73" : "#B0B7BF",
          ),
          borderSkipped: false,
          barPercentage: 0.8,
        },
      ],
    },
    options: {
      ...common,
      indexAxis: "y",
      plugins: { legend: { display: false } },
      scales: {
        x: { type: "linear", min: 0, title: { display: true, text: "ms since the job started" } },
      },
    },
  };
  return (
    <ChartCanvas
      config={config}
      label={props.description}
      testId="timeline-chart"
      height={Math.max(140, 34 * props.modules.length + 70)}
    />
  );
}

/** Counts per minute over the last hour, stacked by series. */
export function MinutesChart(props: {
  minutes: readonly string[];
  series: readonly { label: string; values: readonly number[] }[];
  label: (iso: string) => string;
  description: string;
  testId: string;
}) {
  const config: ChartConfiguration = {
    type: "bar",
    data: {
      labels: props.minutes.map(props.label),
      datasets: props.series.map((s, i) => ({
        label: s.label,
        data: [...s.values],
        backgroundColor: PALETTE[i % PALETTE.length],
      })),
    },
    options: {
      ...common,
      scales: {
        x: { stacked: true, ticks: { maxTicksLimit: 12 } },
        y: {
          stacked: true,
          beginAtZero: true,
          ticks: { precision: 0 },
          title: { display: true, text: "calls per minute" },
        },
      },
    },
  };
  return (
    <ChartCanvas config={config} label={props.description} testId={props.testId} height={240} />
  );
}

/**
 * A service's execution calls per minute over the last hour, stacked: RRS answered and failed,
 * BES submissions answered and failed.
 */
export function CallsChart(props: {
  minutes: readonly CallMinuteView[];
  label: (iso: string) => string;
  description: string;
}) {
  const { minutes } = props;
  return (
    <MinutesChart
      minutes={minutes.map((m) => m.minute)}
      series={[
        { label: "RRS", values: minutes.map((m) => m.rrs - m.rrsFailed) },
        { label: "RRS failed", values: minutes.map((m) => m.rrsFailed) },
        { label: "BES", values: minutes.map((m) => m.bes - m.besFailed) },
        { label: "BES failed", values: minutes.map((m) => m.besFailed) },
      ]}
      label={props.label}
      description={props.description}
      testId="calls-chart"
    />
  );
}

/**
 * A clustering's clusters: the points each holds (bars, left axis) and their average and longest
 * distance to its centre (points, right axis), from Evaluate Model's table.
 */
export function ClusterChart(props: {
  clusters: readonly { label: string; points: number; average: number; maximal: number }[];
  description: string;
}) {
  const config: ChartConfiguration = {
    type: "bar",
    data: {
      labels: props.clusters.map((c) => c.label),
      datasets: [
        {
          type: "bar",
          label: "points",
          data: props.clusters.map((c) => c.points),
          backgroundColor: `${PALETTE[0]}99`,
          yAxisID: "y",
          // Drawn first: Chart.js draws a higher order earlier, so the distances sit on top.
          order: 2,
        },
        {
          type: "line",
          label: "average distance to the centre",
          data: props.clusters.map((c) => c.average),
          borderColor: PALETTE[1],
          backgroundColor: PALETTE[1],
          showLine: false,
          pointRadius: 7,
          yAxisID: "distance",
          order: 1,
        },
        {
          type: "line",
          label: "longest distance to the centre",
          data: props.clusters.map((c) => c.maximal),
          borderColor: PALETTE[2],
          backgroundColor: PALETTE[2],
          showLine: false,
          pointRadius: 8,
          pointStyle: "triangle",
          yAxisID: "distance",
          order: 1,
        },
      ],
    },
    options: {
      ...common,
      scales: {
        y: { beginAtZero: true, title: { display: true, text: "points" }, ticks: { precision: 0 } },
        distance: {
          position: "right",
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          title: { display: true, text: "distance to the centre" },
        },
      },
    },
  };
  return (
    <ChartCanvas config={config} label={props.description} testId="cluster-chart" height={280} />
  );
}
