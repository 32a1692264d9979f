/**
 * Models: every `.ilearner` the emulator knows (written by its jobs, or read by its services),
 * with Evaluate Model's metrics and plots (ROC curve and confusion matrix of a classifier, actual
 * against predicted values and residuals of a regression, the clusters of a clustering) and the
 * services and endpoints serving it.
 */
import type {
  EvaluationPlots,
  ModelEvaluation,
  ModelListItemView,
  ModelsView as Models,
  ModelView as Model,
} from "../../api";
import { ClusterChart, ConfusionChart, RocChart, ScatterChart } from "../charts";
import { useApi } from "../data";
import { bytes, metric, short, when } from "../format";
import { href } from "../router";
import { Facts, Loading, Metrics, TableWrap, Title } from "../ui";

function ServedBy(props: { model: ModelListItemView }) {
  if (props.model.servedBy.length === 0) return <span class="muted">not served</span>;
  return (
    <ul class="plain">
      {props.model.servedBy.map((s) => (
        <li key={`${s.executionId}-${s.resource}`}>
          <a href={href("targets", s.executionId)}>{s.label}</a>
          {s.pending ? <span class="pending"> (after its swap)</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** `#/models`. */
export function ModelsView() {
  const { data, error } = useApi<Models>("models");
  return (
    <>
      <Title>Models</Title>
      {!data ? (
        <Loading error={error} />
      ) : data.models.length === 0 ? (
        <p class="muted">
          No model yet: run a training job (or start the emulators with --with-samples).
        </p>
      ) : (
        <TableWrap label="Models">
          <table class="stack" data-testid="models">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Version</th>
                <th scope="col">Learner</th>
                <th scope="col">Trained</th>
                <th scope="col">Metrics</th>
                <th scope="col">Served by</th>
              </tr>
            </thead>
            <tbody>
              {data.models.map((m) => (
                <tr key={m.sha256} data-model={m.sha256}>
                  <th scope="row">
                    <a href={href("models", m.sha256)} title={m.sha256}>
                      <code>{short(m.sha256)}</code>
                    </a>
                  </th>
                  <td data-label="Version" class="nowrap">
                    {m.version ?? "—"}
                  </td>
                  <td data-label="Learner">
                    {m.summary ? `${m.summary.learner} → ${m.summary.labelColumn}` : "—"}
                  </td>
                  <td data-label="Trained">{when(m.summary?.trainedAt)}</td>
                  <td data-label="Metrics">
                    <Metrics metrics={m.metrics} />
                  </td>
                  <td data-label="Served by">
                    <ServedBy model={m} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}

function MatrixTable(props: {
  classes: readonly string[];
  counts: readonly (readonly number[])[];
}) {
  return (
    <TableWrap label="Confusion matrix">
      <table class="matrix" data-testid="confusion-table">
        <caption>Rows: actual class; columns: predicted class.</caption>
        <thead>
          <tr>
            <td />
            {props.classes.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.classes.map((actual, i) => (
            <tr key={actual}>
              <th scope="row">{actual}</th>
              {props.classes.map((predicted, j) => (
                <td key={predicted}>{props.counts[i]?.[j] ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Plots(props: { plots: EvaluationPlots }) {
  const { plots } = props;
  if (plots.kind === "binary") {
    const classes = [plots.positive, plots.negative];
    return (
      <div class="plots">
        <figure>
          <RocChart
            series={[{ label: `positive: ${plots.positive}`, points: plots.roc }]}
            description={`ROC curve over ${plots.rows} scored rows, positive class ${plots.positive}`}
          />
          <figcaption>
            ROC curve on {plots.rows} scored rows (positive class {plots.positive}); dashed: chance.
          </figcaption>
        </figure>
        <figure>
          <ConfusionChart
            classes={classes}
            counts={plots.confusion}
            description={`Confusion matrix at threshold ${plots.threshold}: ${classes
              .map((a, i) =>
                classes
                  .map((p, j) => `actual ${a} predicted ${p}: ${plots.confusion[i][j]}`)
                  .join(", "),
              )
              .join(", ")}`}
          />
          <figcaption>Confusion matrix at the threshold {plots.threshold}.</figcaption>
          <MatrixTable classes={classes} counts={plots.confusion} />
        </figure>
      </div>
    );
  }
  if (plots.kind === "multiclass") {
    return (
      <div class="plots">
        <figure>
          <ConfusionChart
            classes={plots.classes}
            counts={plots.confusion}
            description={`Confusion matrix of ${plots.classes.length} classes over ${plots.rows} scored rows`}
          />
          <figcaption>Confusion matrix on {plots.rows} scored rows.</figcaption>
          <MatrixTable classes={plots.classes} counts={plots.confusion} />
        </figure>
        {plots.roc.length > 0 ? (
          <figure>
            <RocChart
              series={plots.roc.map((r) => ({ label: r.label, points: r.points }))}
              description={`One-versus-rest ROC curves of ${plots.roc.length} classes`}
            />
            <figcaption>One-versus-rest ROC curve of each class; dashed: chance.</figcaption>
          </figure>
        ) : null}
      </div>
    );
  }
  const low = Math.min(...plots.points.flatMap((p) => [p.actual, p.predicted]));
  const high = Math.max(...plots.points.flatMap((p) => [p.actual, p.predicted]));
  const predictedLow = Math.min(...plots.points.map((p) => p.predicted));
  const predictedHigh = Math.max(...plots.points.map((p) => p.predicted));
  return (
    <div class="plots">
      <figure>
        <ScatterChart
          points={plots.points.map((p) => ({ x: p.actual, y: p.predicted }))}
          xTitle="Actual"
          yTitle="Predicted"
          line={[
            { x: low, y: low },
            { x: high, y: high },
          ]}
          description={`Predicted against actual values of ${plots.points.length} of ${plots.rows} scored rows`}
          testId="predicted-actual-chart"
        />
        <figcaption>
          Predicted against actual ({plots.points.length} of {plots.rows} rows); dashed: predicted =
          actual.
        </figcaption>
      </figure>
      <figure>
        <ScatterChart
          points={plots.points.map((p) => ({ x: p.predicted, y: p.actual - p.predicted }))}
          xTitle="Predicted"
          yTitle="Residual (actual − predicted)"
          line={[
            { x: predictedLow, y: 0 },
            { x: predictedHigh, y: 0 },
          ]}
          description={`Residuals against predicted values of ${plots.points.length} scored rows`}
          testId="residuals-chart"
        />
        <figcaption>Residuals against predicted values; dashed: no error.</figcaption>
      </figure>
    </div>
  );
}

/** A cluster row of Evaluate Model's clustering table ("Evaluation For Cluster No.k"). */
const CLUSTER_ROW = /Evaluation For Cluster No\.(\d+)$/;

/**
 * The clusters of a clustering's evaluation table (points, average and longest distance to the
 * centre), or undefined when the table is not a clustering's.
 */
function clustersOf(
  metrics: ModelEvaluation["metrics"],
): { label: string; points: number; average: number; maximal: number }[] | undefined {
  const at = (name: string): number => metrics.columnNames.indexOf(name);
  const [description, points, average, maximal] = [
    at("Result Description"),
    at("Number of Points"),
    at("Average Distance to Cluster Center"),
    at("Maximal Distance To Cluster Center"),
  ];
  if ([description, points, average, maximal].some((i) => i < 0)) return undefined;
  const clusters = metrics.rows.flatMap((row) => {
    const match = CLUSTER_ROW.exec(row[description] ?? "");
    return match
      ? [
          {
            label: `cluster ${match[1]}`,
            points: Number(row[points]),
            average: Number(row[average]),
            maximal: Number(row[maximal]),
          },
        ]
      : [];
  });
  return clusters.length > 0 ? clusters : undefined;
}

function Evaluation(props: { evaluation: ModelEvaluation; index: number }) {
  const { evaluation } = props;
  const { columnNames, rows } = evaluation.metrics;
  const clusters = evaluation.plots ? undefined : clustersOf(evaluation.metrics);
  return (
    <section aria-labelledby={`evaluation-${props.index}`} data-testid="evaluation">
      <h2 id={`evaluation-${props.index}`}>
        Evaluate Model <span class="muted small">node {evaluation.nodeId}</span>
      </h2>
      <TableWrap label="Evaluation results">
        <table data-testid="metrics">
          <thead>
            <tr>
              {columnNames.map((name) => (
                <th scope="col" key={name}>
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={r}>
                {row.map((cell, i) => (
                  <td key={i} data-metric={columnNames[i]}>
                    {metric(cell)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {evaluation.plots ? (
        <Plots plots={evaluation.plots} />
      ) : clusters ? (
        <div class="plots">
          <figure>
            <ClusterChart
              clusters={clusters}
              description={`Clusters: ${clusters
                .map(
                  (c) =>
                    `${c.label} ${c.points} points, average distance ${metric(String(c.average))}`,
                )
                .join("; ")}`}
            />
            <figcaption>
              Points per cluster (bars) and their average and longest distance to its centre, as in
              the table above.
            </figcaption>
          </figure>
        </div>
      ) : (
        <p class="muted">
          No plot: the scores are not a classifier's, a regression's or a clustering's.
        </p>
      )}
    </section>
  );
}

/** `#/models/{sha256}`. */
export function ModelView(props: { sha256: string }) {
  const { data: model, error } = useApi<Model>(`models/${props.sha256}`);
  if (!model)
    return (
      <>
        <Title>Model {short(props.sha256)}</Title>
        <Loading error={error} />
      </>
    );
  return (
    <>
      <Title>
        Model <code>{short(model.sha256)}</code>
        {model.version ? <span class="muted"> — {model.version}</span> : null}
      </Title>
      <Facts
        items={[
          ["sha-256", <code class="wrap">{model.sha256}</code>],
          ["Learner", model.summary?.learner ?? "—"],
          ["Label", model.summary?.labelColumn ?? "—"],
          [
            "Features",
            model.summary
              ? `${model.summary.featureColumns.length}: ${model.summary.featureColumns.join(", ")}`
              : "—",
          ],
          ["Trained", when(model.summary?.trainedAt)],
          ["Size", bytes(model.bytes)],
          ["Written to", model.location ? <code>{model.location}</code> : "—"],
          [
            "Trained by",
            model.jobId ? (
              <a href={href("jobs", model.jobId)}>job {short(model.jobId)}</a>
            ) : (
              "not a job of this emulator"
            ),
          ],
          ["Served by", <ServedBy model={model} />],
        ]}
      />
      {model.evaluations.length === 0 ? (
        <p class="muted">
          No evaluation: the job that wrote this model evaluated no Score Model it fed (or no job of
          this emulator wrote it).
        </p>
      ) : (
        model.evaluations.map((e, i) => (
          <Evaluation key={`${e.nodeId}-${e.side}`} evaluation={e} index={i} />
        ))
      )}
    </>
  );
}
