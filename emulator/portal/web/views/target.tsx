/**
 * One service or endpoint: its overview (models served, keys hidden until asked for, throttle
 * settings, latest jobs), its Test page (a form built from the input schema, one row or pasted
 * CSV, scored through the same RRS handler) and its Consume page (request and response shapes, a
 * curl command, samples in C#, Python and R).
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { CallsView, CallTotalsView, ColumnView, KeysView, TargetDetailView } from "../../api";
import { CallsChart } from "../charts";
import { ApiError, post } from "../client";
import { parseCsv } from "../csv";
import { useApi } from "../data";
import { minuteLabel, when } from "../format";
import { href } from "../router";
import {
  codeSamples,
  exampleRequest,
  exampleResponse,
  exampleValue,
  executeUrl,
  KEY_PLACEHOLDER,
} from "../samples";
import {
  CALL_TIME_HEADINGS,
  CallTimes,
  CodeSamples,
  CountingNote,
  Facts,
  Loading,
  Metrics,
  Status,
  TableWrap,
  Title,
} from "../ui";
import { JobTable } from "./jobs";

type Tab = "overview" | "test" | "consume";

function Tabs(props: { executionId: string; tab: Tab; scorable: boolean }) {
  const tabs: [Tab, string][] = [
    ["overview", "Overview"],
    ...(props.scorable ? ([["test", "Test"]] as [Tab, string][]) : []),
    ["consume", "Consume"],
  ];
  return (
    <nav class="tabs" aria-label="Views of this service">
      {tabs.map(([tab, label]) => (
        <a
          key={tab}
          href={
            tab === "overview"
              ? href("targets", props.executionId)
              : href("targets", props.executionId, tab)
          }
          aria-current={props.tab === tab ? "page" : undefined}
        >
          {label}
        </a>
      ))}
    </nav>
  );
}

/** The keys, hidden until the reader asks for them. */
function Keys(props: { executionId: string; onKeys?: (keys: KeysView | undefined) => void }) {
  const [keys, setKeys] = useState<KeysView | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const toggle = async (): Promise<void> => {
    if (keys) {
      setKeys(undefined);
      props.onKeys?.(undefined);
      return;
    }
    try {
      const shown = await post<KeysView>(`targets/${props.executionId}/keys`);
      setKeys(shown);
      props.onKeys?.(shown);
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section aria-labelledby="keys-heading">
      <h2 id="keys-heading">Keys</h2>
      <Facts
        items={[
          [
            "Primary key",
            <code data-testid="primary-key">{keys ? keys.primary : "••••••••"}</code>,
          ],
          [
            "Secondary key",
            <code data-testid="secondary-key">{keys ? keys.secondary : "••••••••"}</code>,
          ],
        ]}
      />
      <button type="button" onClick={() => void toggle()} aria-pressed={keys !== undefined}>
        {keys ? "Hide keys" : "Show keys"}
      </button>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}

/**
 * The dashboard of calls (the classic portal's): RRS calls and BES submissions since the emulator
 * started, and per minute over the last hour. A table holds the totals; the chart the minutes.
 */
function Calls(props: { calls: CallsView; onRefresh: () => void }) {
  const { calls } = props;
  const rows: [string, string, CallTotalsView][] = [
    ["rrs", "Request-response (RRS)", calls.rrs],
    ["bes", "Batch submissions (BES)", calls.bes],
  ];
  const lastHour = calls.perMinute.reduce((sum, m) => sum + m.rrs + m.bes, 0);
  return (
    <section aria-labelledby="calls-heading">
      <h2 id="calls-heading">Calls</h2>
      <CountingNote since={calls.since} onRefresh={props.onRefresh}>
        Calls to the execution API that passed authentication; the portal's Test page is not
        counted.
      </CountingNote>
      <TableWrap label="Calls">
        <table data-testid="calls">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Calls</th>
              <th scope="col">Failed</th>
              {CALL_TIME_HEADINGS.map((h) => (
                <th scope="col" key={h}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(([kind, label, t]) => (
              <tr key={kind} data-kind={kind}>
                <th scope="row">{label}</th>
                <td data-testid={`${kind}-calls`}>{t.calls}</td>
                <td data-testid={`${kind}-failed`}>{t.failed}</td>
                <CallTimes totals={t} />
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {lastHour > 0 ? (
        <CallsChart
          minutes={calls.perMinute}
          label={minuteLabel}
          description={`Calls per minute over the last hour: ${lastHour} in all, ${calls.perMinute.reduce((sum, m) => sum + m.rrsFailed + m.besFailed, 0)} failed`}
        />
      ) : (
        <p class="muted" data-testid="no-calls">
          No calls in the last hour.
        </p>
      )}
    </section>
  );
}

function Overview(props: { detail: TargetDetailView; onRefresh: () => void }) {
  const { target, jobs } = props.detail;
  const facts: [string, ComponentChildren][] = [
    ["Kind", target.kind === "arm" ? "ARM web service" : "Classic endpoint"],
    ["State", <Status status={target.state} />],
    ["API location", <code>{target.apiLocation}</code>],
    ["Inputs", target.inputs.join(", ") || "—"],
    ["Outputs", target.outputs.map((o) => `${o.name} (${o.kind})`).join(", ") || "—"],
  ];
  if (target.kind === "arm") {
    facts.push(
      ["Resource group", `${target.subscriptionId} / ${target.resourceGroup}`],
      ["Region", target.location],
      ["Modified", when(target.modifiedOn)],
    );
  } else {
    facts.push(
      ["Web service", `${target.webServiceName} (workspace ${target.workspaceId})`],
      ["Throttle level", <span data-testid="throttle">{target.throttleLevel}</span>],
      ["Max concurrent calls", <span data-testid="max-calls">{target.maxConcurrentCalls}</span>],
      ["Diagnostics", target.diagnosticsTraceLevel],
      ["Definition version", `v${target.definitionVersion}`],
      ["Created", when(target.creationTime)],
    );
  }
  return (
    <>
      <Facts items={facts} />
      <section aria-labelledby="models-heading">
        <h2 id="models-heading">Models served</h2>
        {target.models.length === 0 ? (
          <p class="muted">This service has no trained-model resource.</p>
        ) : (
          <TableWrap label="Models served">
            <table data-testid="served-models">
              <thead>
                <tr>
                  <th scope="col">Resource</th>
                  <th scope="col">Version</th>
                  <th scope="col">Since</th>
                  <th scope="col">Learner</th>
                  <th scope="col">Metrics</th>
                </tr>
              </thead>
              <tbody>
                {target.models.map((m) => (
                  <tr key={m.resource}>
                    <th scope="row">{m.resource}</th>
                    <td>
                      {m.sha256 ? (
                        <a
                          href={href("models", m.sha256)}
                          title={m.location}
                          data-testid="served-version"
                        >
                          {m.version ?? m.sha256.slice(0, 12)}
                        </a>
                      ) : (
                        <span class="muted">no model yet</span>
                      )}
                      {m.pending ? (
                        <div class="pending">
                          next:{" "}
                          <a href={href("models", m.pending.sha256)}>
                            {m.pending.sha256.slice(0, 12)}
                          </a>{" "}
                          at {when(m.pending.effectiveAt)}
                        </div>
                      ) : null}
                    </td>
                    <td>{when(m.since)}</td>
                    <td>{m.summary ? `${m.summary.learner} → ${m.summary.labelColumn}` : "—"}</td>
                    <td>
                      <Metrics metrics={m.metrics} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
      <Keys executionId={target.executionId} />
      {props.detail.calls ? <Calls calls={props.detail.calls} onRefresh={props.onRefresh} /> : null}
      <section aria-labelledby="jobs-heading">
        <h2 id="jobs-heading">Latest jobs</h2>
        <JobTable jobs={jobs} showTarget={false} />
      </section>
    </>
  );
}

/** One input port's form: a field per column (one row), or a CSV text area. */
function InputForm(props: {
  port: string;
  columns: readonly ColumnView[];
  mode: "row" | "csv";
  values: Record<string, string>;
  csv: string;
  onValue: (column: string, value: string) => void;
  onCsv: (text: string) => void;
}) {
  if (props.mode === "csv") {
    const id = `csv-${props.port}`;
    return (
      <div class="field wide">
        <label for={id}>
          Rows of {props.port} as CSV, with a header row (
          {props.columns.map((c) => c.name).join(", ")})
        </label>
        <textarea
          id={id}
          rows={8}
          value={props.csv}
          onInput={(e) => props.onCsv(e.currentTarget.value)}
        />
      </div>
    );
  }
  return (
    <div class="form-grid">
      {props.columns.map((column) => {
        const id = `field-${props.port}-${column.name}`;
        return (
          <div class="field" key={column.name}>
            <label for={id}>
              {column.name} <span class="muted small">{column.type}</span>
            </label>
            {column.values ? (
              <select
                id={id}
                name={column.name}
                value={props.values[column.name] ?? ""}
                onChange={(e) => props.onValue(column.name, e.currentTarget.value)}
              >
                <option value="">(missing)</option>
                {column.values.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                name={column.name}
                inputMode={
                  column.type === "Integer" || column.type === "Number" ? "decimal" : undefined
                }
                value={props.values[column.name] ?? ""}
                placeholder={exampleValue(column)}
                onInput={(e) => props.onValue(column.name, e.currentTarget.value)}
              />
            )}
          </div>
        );
      })}
    </div>
  );
}

interface ScoreAnswer {
  Results: Record<
    string,
    {
      type: string;
      value: { ColumnNames: string[]; ColumnTypes?: string[]; Values: (string | null)[][] };
    }
  >;
}

function TestPage(props: { detail: TargetDetailView }) {
  const { detail } = props;
  const [mode, setMode] = useState<"row" | "csv">("row");
  const [values, setValues] = useState<Record<string, Record<string, string>>>(() => {
    const initial: Record<string, Record<string, string>> = {};
    for (const { port, columns } of detail.input) {
      const example = detail.example[port]?.[0];
      initial[port] = Object.fromEntries(columns.map((c, i) => [c.name, example?.[i] ?? ""]));
    }
    return initial;
  });
  const [csv, setCsv] = useState<Record<string, string>>({});
  const [parameters, setParameters] = useState<Record<string, string>>({});
  const [answer, setAnswer] = useState<ScoreAnswer | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const inputs: Record<string, { ColumnNames: string[]; Values: (string | null)[][] }> = {};
      for (const { port, columns } of detail.input) {
        if (mode === "csv") {
          const rows = parseCsv(csv[port] ?? "");
          if (rows.length < 2)
            throw new Error(`Paste a header row and at least one row for ${port}.`);
          inputs[port] = {
            ColumnNames: rows[0],
            Values: rows.slice(1).map((row) => row.map((v) => (v === "" ? null : v))),
          };
        } else {
          inputs[port] = {
            ColumnNames: columns.map((c) => c.name),
            Values: [columns.map((c) => (values[port]?.[c.name] ?? "") || null)],
          };
        }
      }
      const globals = Object.fromEntries(Object.entries(parameters).filter(([, v]) => v !== ""));
      setAnswer(
        await post<ScoreAnswer>(`targets/${detail.target.executionId}/score`, {
          Inputs: inputs,
          GlobalParameters: globals,
        }),
      );
    } catch (e) {
      setAnswer(undefined);
      setError(e instanceof ApiError ? `${e.code}: ${e.message}` : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form onSubmit={(e) => void submit(e)} aria-describedby="test-help">
        <p id="test-help" class="muted">
          Scores through the service's own request-response API (<code>…/execute?details=true</code>
          ), with the model it serves now.
        </p>
        <fieldset class="mode">
          <legend>Rows</legend>
          <label>
            <input
              type="radio"
              name="mode"
              value="row"
              checked={mode === "row"}
              onChange={() => setMode("row")}
            />{" "}
            One row
          </label>
          <label>
            <input
              type="radio"
              name="mode"
              value="csv"
              checked={mode === "csv"}
              onChange={() => setMode("csv")}
            />{" "}
            Paste CSV
          </label>
        </fieldset>
        {detail.input.map(({ port, columns }) => (
          <fieldset key={port}>
            <legend>{port}</legend>
            <InputForm
              port={port}
              columns={columns}
              mode={mode}
              values={values[port] ?? {}}
              csv={csv[port] ?? ""}
              onValue={(column, value) =>
                setValues((all) => ({ ...all, [port]: { ...(all[port] ?? {}), [column]: value } }))
              }
              onCsv={(text) => setCsv((all) => ({ ...all, [port]: text }))}
            />
          </fieldset>
        ))}
        {detail.parameters.length > 0 ? (
          <fieldset>
            <legend>Web service parameters</legend>
            <div class="form-grid">
              {detail.parameters.map((p) => (
                <div class="field" key={p.name}>
                  <label for={`param-${p.name}`}>
                    {p.name} {p.required ? <span class="muted small">required</span> : null}
                  </label>
                  <input
                    id={`param-${p.name}`}
                    value={parameters[p.name] ?? ""}
                    placeholder={p.value ?? ""}
                    onInput={(e) =>
                      setParameters((all) => ({ ...all, [p.name]: e.currentTarget.value }))
                    }
                  />
                </div>
              ))}
            </div>
          </fieldset>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? "Scoring…" : "Score"}
        </button>
      </form>
      <div aria-live="polite">
        {error ? (
          <p class="error" role="alert" data-testid="score-error">
            {error}
          </p>
        ) : null}
        {answer
          ? Object.entries(answer.Results).map(([port, result]) => (
              <section key={port} aria-label={`Scores of ${port}`}>
                <h2>Scored {port}</h2>
                <TableWrap label={`Scored rows of ${port}`}>
                  <table data-testid="score-result" data-port={port}>
                    <thead>
                      <tr>
                        {result.value.ColumnNames.map((name, i) => (
                          <th
                            scope="col"
                            key={name}
                            class={/^Scored /.test(name) ? "scored" : undefined}
                          >
                            {name}
                            {result.value.ColumnTypes ? (
                              <div class="muted small">{result.value.ColumnTypes[i]}</div>
                            ) : null}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {result.value.Values.map((row, r) => (
                        <tr key={r}>
                          {row.map((cell, i) => (
                            <td
                              key={i}
                              class={
                                /^Scored /.test(result.value.ColumnNames[i]) ? "scored" : undefined
                              }
                              data-column={result.value.ColumnNames[i]}
                            >
                              {cell ?? ""}
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              </section>
            ))
          : null}
      </div>
    </>
  );
}

function ConsumePage(props: { detail: TargetDetailView }) {
  const { detail } = props;
  const [key, setKey] = useState<string>(KEY_PLACEHOLDER);
  const samples = codeSamples(detail, key);
  const fill = async (): Promise<void> => {
    if (key !== KEY_PLACEHOLDER) {
      setKey(KEY_PLACEHOLDER);
      return;
    }
    setKey((await post<KeysView>(`targets/${detail.target.executionId}/keys`)).primary);
  };
  return (
    <>
      <Facts
        items={[
          ["Request-response (RRS)", <code>POST {executeUrl(detail)}</code>],
          ["Batch (BES)", <code>POST {detail.target.apiLocation}/jobs?api-version=2.0</code>],
          ["Swagger", <code>GET {detail.target.apiLocation}/swagger.json?api-version=2.0</code>],
          ["Authorization", <code>Bearer {"<primary or secondary key>"}</code>],
        ]}
      />
      <p>
        <button type="button" onClick={() => void fill()} aria-pressed={key !== KEY_PLACEHOLDER}>
          {key === KEY_PLACEHOLDER ? "Put the primary key in the samples" : "Hide the key"}
        </button>
      </p>
      <section aria-labelledby="shapes-heading">
        <h2 id="shapes-heading">Request and response</h2>
        <div class="two">
          <div>
            <h3>Request body</h3>
            <pre tabIndex={0} data-testid="request-shape">
              <code>{JSON.stringify(exampleRequest(detail), null, 2)}</code>
            </pre>
          </div>
          <div>
            <h3>Response body</h3>
            <pre tabIndex={0} data-testid="response-shape">
              <code>{JSON.stringify(exampleResponse(detail), null, 2)}</code>
            </pre>
          </div>
        </div>
      </section>
      <CodeSamples samples={samples} headingId="samples-heading" copyable />
    </>
  );
}

/** `#/targets/{executionId}[/test|/consume]`. */
export function TargetView(props: { executionId: string; tab: Tab }) {
  const { data, error, reload } = useApi<TargetDetailView>(`targets/${props.executionId}`);
  if (!data)
    return (
      <>
        <Title>Service</Title>
        <Loading error={error} />
      </>
    );
  const tab = props.tab === "test" && !data.target.scorable ? "overview" : props.tab;
  return (
    <>
      <Title>
        {data.target.label}
        {tab !== "overview" ? (
          <span class="muted"> — {tab === "test" ? "Test" : "Consume"}</span>
        ) : null}
      </Title>
      <Tabs executionId={props.executionId} tab={tab} scorable={data.target.scorable} />
      {tab === "overview" ? <Overview detail={data} onRefresh={reload} /> : null}
      {tab === "test" ? <TestPage detail={data} /> : null}
      {tab === "consume" ? <ConsumePage detail={data} /> : null}
    </>
  );
}
