/**
 * A v2 online endpoint's Test page (a JSON body, pre-filled with rows of the data its live version
 * was trained on, sent to the endpoint's scoring URI by the portal's API as a client would, to
 * the deployment the traffic picks or to a chosen one) and its Consume page (the scoring URI, the
 * auth mode, the key hidden until asked for, a curl command, a Python sample and an
 * `az ml online-endpoint invoke` line), and its Calls page (the calls each deployment answered).
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { V2CredentialsView, V2EndpointDetailView, V2ScoreView } from "../../api";
import { MinutesChart } from "../charts";
import { ApiError, post } from "../client";
import { useApi } from "../data";
import { minuteLabel } from "../format";
import { href } from "../router";
import {
  CALL_TIME_HEADINGS,
  CallTimes,
  CodeSamples,
  CountingNote,
  Facts,
  Loading,
  TableWrap,
  Title,
} from "../ui";
import { V2_KEY_PLACEHOLDER, v2Samples } from "../v2samples";

/** The Test, Consume or Calls page. */
export type V2EndpointTab = "test" | "consume" | "calls";

function Tabs(props: { name: string; tab: V2EndpointTab }) {
  const tabs: [V2EndpointTab, string][] = [
    ["test", "Test"],
    ["consume", "Consume"],
    ["calls", "Calls"],
  ];
  return (
    <nav class="tabs" aria-label="Views of this endpoint">
      <a href={href("v2")}>Azure ML v2</a>
      {tabs.map(([tab, label]) => (
        <a
          key={tab}
          href={href("v2", "endpoints", props.name, tab)}
          aria-current={props.tab === tab ? "page" : undefined}
        >
          {label}
        </a>
      ))}
    </nav>
  );
}

/** A deployment picker: the endpoint's traffic, or one deployment by name. */
function DeploymentChoice(props: {
  detail: V2EndpointDetailView;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div class="field">
      <label for="v2-deployment">Deployment</label>
      <select
        id="v2-deployment"
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        <option value="">As the traffic picks</option>
        {props.detail.endpoint.deployments.map((d) => (
          <option key={d.name} value={d.name}>
            {d.name}
            {d.model
              ? ` (${d.model.name}:${d.model.version}, ${d.traffic} %)`
              : ` (${d.traffic} %)`}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * The columns of an answer whose members are arrays of one length (the sample script's
 * `predictions` and `probabilities`), one row per scored row; undefined for any other answer.
 */
function columnsOf(text: string): { names: string[]; rows: string[][] } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const arrays = Object.entries(parsed as Record<string, unknown>).filter(
    (entry): entry is [string, unknown[]] => Array.isArray(entry[1]),
  );
  const length = arrays[0]?.[1].length;
  if (length === undefined || arrays.some(([, a]) => a.length !== length)) return undefined;
  return {
    names: arrays.map(([name]) => name),
    rows: Array.from({ length }, (_, i) =>
      arrays.map(([, a]) => (typeof a[i] === "string" ? a[i] : JSON.stringify(a[i]))),
    ),
  };
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function TestPage(props: { detail: V2EndpointDetailView }) {
  const { detail } = props;
  const [body, setBody] = useState(() => JSON.stringify(detail.sample, null, 2));
  const [deployment, setDeployment] = useState("");
  const [answer, setAnswer] = useState<V2ScoreView | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  // Answers so far: the answer's section carries its number, so a reader (or a test) tells a new
  // answer from the one before even when they read the same.
  const [answers, setAnswers] = useState(0);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    // No earlier answer stays on the page while this one is on its way.
    setAnswer(undefined);
    try {
      setAnswer(
        await post<V2ScoreView>(`v2/endpoints/${encodeURIComponent(detail.endpoint.name)}/score`, {
          body,
          ...(deployment !== "" ? { deployment } : {}),
        }),
      );
      setAnswers((n) => n + 1);
    } catch (e) {
      setAnswer(undefined);
      setError(e instanceof ApiError ? `${e.code}: ${e.message}` : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const table = answer && answer.status === 200 ? columnsOf(answer.body) : undefined;
  return (
    <>
      <form onSubmit={(e) => void submit(e)} aria-describedby="v2-test-help">
        <p id="v2-test-help" class="muted wrap">
          Sends the body to <code>{detail.endpoint.scoringUri}</code> with the endpoint's
          credential, as a client does.{" "}
          {detail.sampleSource ? (
            <>
              The sample holds the first rows of the data the live version was trained on (
              <code>{detail.sampleSource}</code>), every column of them: a script reads the ones it
              needs (the sample <code>score.py</code> ignores the label).
            </>
          ) : (
            "No training data was found for a sample: put rows in data."
          )}
        </p>
        <DeploymentChoice detail={detail} value={deployment} onChange={setDeployment} />
        <div class="field wide">
          <label for="v2-body">Request body (JSON)</label>
          <textarea
            id="v2-body"
            rows={14}
            spellcheck={false}
            value={body}
            onInput={(e) => setBody(e.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? "Sending…" : "Send"}
        </button>
      </form>
      <div aria-live="polite">
        {error ? (
          <p class="error" role="alert" data-testid="score-error">
            {error}
          </p>
        ) : null}
        {answer ? (
          <section aria-label="The endpoint's answer" data-answer={answers}>
            <h2>Answer</h2>
            <Facts
              items={[
                [
                  "Status",
                  <span
                    key="s"
                    data-testid="v2-status"
                    class={answer.status === 200 ? undefined : "error"}
                  >
                    {answer.status}
                  </span>,
                ],
                [
                  "Answered by",
                  <code key="d" data-testid="v2-deployment">
                    {answer.deployment ?? "—"}
                  </code>,
                ],
              ]}
            />
            {table ? (
              <TableWrap label="Scored rows">
                <table data-testid="v2-predictions">
                  <thead>
                    <tr>
                      <th scope="col">Row</th>
                      {table.names.map((name) => (
                        <th scope="col" key={name} class="scored">
                          {name}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {table.rows.map((row, r) => (
                      <tr key={r}>
                        <th scope="row">{r + 1}</th>
                        {row.map((cell, i) => (
                          <td key={i} class="scored" data-column={table.names[i]}>
                            {cell}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            ) : null}
            <h3>Body</h3>
            <pre class="code" tabIndex={0} data-testid="v2-response">
              {pretty(answer.body)}
            </pre>
          </section>
        ) : null}
      </div>
    </>
  );
}

function ConsumePage(props: { detail: V2EndpointDetailView }) {
  const { detail } = props;
  const [credentials, setCredentials] = useState<V2CredentialsView | undefined>(undefined);
  const [deployment, setDeployment] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const body = JSON.stringify(detail.sample);
  const samples = v2Samples(
    detail,
    body,
    credentials?.primary ?? V2_KEY_PLACEHOLDER,
    deployment === "" ? undefined : deployment,
  );
  const toggle = async (): Promise<void> => {
    if (credentials) {
      setCredentials(undefined);
      return;
    }
    try {
      setCredentials(
        await post<V2CredentialsView>(
          `v2/endpoints/${encodeURIComponent(detail.endpoint.name)}/credentials`,
        ),
      );
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const token = detail.endpoint.authMode === "AMLToken";
  const hidden = "••••••••";
  const facts: [string, ComponentChildren][] = [
    ["Scoring URI", <code key="u">POST {detail.endpoint.scoringUri}</code>],
    ["Auth mode", detail.endpoint.authMode],
    [
      token ? "Token" : "Primary key",
      <code key="p" data-testid="v2-primary-key">
        {credentials ? credentials.primary : hidden}
      </code>,
    ],
    token
      ? ["Expires", credentials?.expiresOn ?? "—"]
      : [
          "Secondary key",
          <code key="s" data-testid="v2-secondary-key">
            {credentials ? credentials.secondary : hidden}
          </code>,
        ],
    ["Authorization", <code key="h">Bearer {"<key or token>"}</code>],
  ];
  return (
    <>
      <Facts items={facts} />
      {detail.endpoint.authMode === "AADToken" ? (
        <p class="muted">
          This endpoint takes a Microsoft Entra token (on the emulator, its ARM token); it has no
          key to show.
        </p>
      ) : (
        <p>
          <button
            type="button"
            onClick={() => void toggle()}
            aria-pressed={credentials !== undefined}
          >
            {credentials
              ? token
                ? "Hide the token"
                : "Hide the keys"
              : token
                ? "Show a token and put it in the samples"
                : "Show the keys and put the primary key in the samples"}
          </button>
        </p>
      )}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <DeploymentChoice detail={detail} value={deployment} onChange={setDeployment} />
      <CodeSamples samples={samples} headingId="v2-samples-heading" />
    </>
  );
}

/**
 * The scoring calls each deployment answered (what traffic and mirroring did): totals since the
 * emulator started, and per minute over the last hour, stacked by deployment.
 */
function CallsPage(props: { detail: V2EndpointDetailView; onRefresh: () => void }) {
  const { calls } = props.detail;
  if (!calls) return <p class="muted">This emulator does not count calls.</p>;
  const total = calls.deployments.reduce((sum, d) => sum + d.totals.calls, 0);
  const lastHour = calls.deployments.reduce(
    (sum, d) => sum + d.perMinute.reduce((a, b) => a + b, 0),
    0,
  );
  return (
    <section aria-labelledby="v2-calls-heading">
      <h2 id="v2-calls-heading">Calls by deployment</h2>
      <CountingNote since={calls.since} onRefresh={props.onRefresh}>
        Scoring calls a deployment answered; mirrored copies and the Test page's calls are not
        counted.
      </CountingNote>
      <TableWrap label="Calls by deployment">
        <table data-testid="v2-calls">
          <thead>
            <tr>
              <th scope="col">Deployment</th>
              <th scope="col">Traffic</th>
              <th scope="col">Calls</th>
              <th scope="col">Share</th>
              <th scope="col">Failed</th>
              {CALL_TIME_HEADINGS.map((h) => (
                <th scope="col" key={h}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {calls.deployments.map((d) => (
              <tr key={d.name} data-deployment={d.name}>
                <th scope="row">{d.name}</th>
                <td>
                  {props.detail.endpoint.deployments.find((x) => x.name === d.name)?.traffic ?? 0} %
                </td>
                <td data-testid="calls">{d.totals.calls}</td>
                <td>{total > 0 ? `${Math.round((100 * d.totals.calls) / total)} %` : "—"}</td>
                <td data-testid="failed">{d.totals.failed}</td>
                <CallTimes totals={d.totals} />
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {lastHour > 0 ? (
        <MinutesChart
          minutes={calls.minutes}
          series={calls.deployments.map((d) => ({ label: d.name, values: d.perMinute }))}
          label={minuteLabel}
          description={`Calls per minute over the last hour by deployment: ${calls.deployments
            .map((d) => `${d.name} ${d.perMinute.reduce((a, b) => a + b, 0)}`)
            .join(", ")}`}
          testId="v2-calls-chart"
        />
      ) : (
        <p class="muted">No calls in the last hour.</p>
      )}
    </section>
  );
}

/** `#/v2/endpoints/{name}/test|consume|calls`. */
export function V2EndpointView(props: { name: string; tab: V2EndpointTab }) {
  const { data, error, reload } = useApi<V2EndpointDetailView>(
    `v2/endpoints/${encodeURIComponent(props.name)}`,
  );
  const heading = (
    <Title>
      Endpoint <code>{props.name}</code>
      <span class="muted">
        {" "}
        — {props.tab === "test" ? "Test" : props.tab === "consume" ? "Consume" : "Calls"}
      </span>
    </Title>
  );
  if (!data)
    return (
      <>
        {heading}
        <Loading error={error} />
      </>
    );
  return (
    <>
      {heading}
      <Tabs name={data.endpoint.name} tab={props.tab} />
      {props.tab === "test" ? <TestPage detail={data} /> : null}
      {props.tab === "consume" ? <ConsumePage detail={data} /> : null}
      {props.tab === "calls" ? <CallsPage detail={data} onRefresh={reload} /> : null}
    </>
  );
}
