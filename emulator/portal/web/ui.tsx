/** Small shared pieces of the page: status badges, loading and error states, key-value lists. */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { CallTotalsView, MetricReading } from "../api";
import { millis, when } from "./format";

/** A job or provisioning state as a coloured badge (the word is the information, not the colour). */
export function Status(props: { status: string; queued?: boolean }) {
  const tone =
    props.status === "Finished" || props.status === "Succeeded"
      ? "ok"
      : props.status === "Failed" || props.status === "Unavailable"
        ? "bad"
        : props.status === "Cancelled"
          ? "muted"
          : "busy";
  return (
    <span class={`status status-${tone}`} data-testid="status">
      {props.status}
      {props.queued ? " (queued)" : ""}
    </span>
  );
}

/** What a view shows while its data loads, or when it failed. */
export function Loading(props: { error: Error | undefined }) {
  if (props.error)
    return (
      <p class="error" role="alert">
        {props.error.message}
      </p>
    );
  return <p class="loading">Loading…</p>;
}

/** A page title that takes the focus when the view opens (screen readers announce it). */
export function Title(props: { children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <h1 tabIndex={-1} ref={heading}>
      {props.children}
    </h1>
  );
}

/** Terms and their descriptions. */
export function Facts(props: { items: readonly [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {props.items.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A model's headline metrics, inline. */
export function Metrics(props: { metrics: readonly MetricReading[] }) {
  if (props.metrics.length === 0) return <span class="muted">—</span>;
  return (
    <span class="metrics">
      {props.metrics.map((m) => (
        <span key={m.name} class="metric">
          {m.name} <strong>{m.value}</strong>
        </span>
      ))}
    </span>
  );
}

/** A table that scrolls sideways on a narrow window instead of overflowing the page. */
export function TableWrap(props: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={props.label} tabIndex={0}>
      {props.children}
    </div>
  );
}

/**
 * A Consume page's samples, one block each, titled by language; test ids `sample-<language>`
 * (`C#` is `csharp`, other non-word runs a hyphen: `sample-azure-cli`).
 * @param props - the samples by language, the heading's id, and whether each has a Copy button
 */
export function CodeSamples(props: {
  samples: Readonly<Record<string, string>>;
  headingId: string;
  copyable?: boolean;
}) {
  return (
    <section aria-labelledby={props.headingId}>
      <h2 id={props.headingId}>Samples</h2>
      {Object.entries(props.samples).map(([language, code]) => (
        <CodeSample key={language} language={language} code={code} copyable={props.copyable} />
      ))}
    </section>
  );
}

function CodeSample(props: { language: string; code: string; copyable?: boolean }) {
  const [copied, setCopied] = useState(false);
  const copy = async (): Promise<void> => {
    await navigator.clipboard?.writeText(props.code);
    setCopied(true);
  };
  const slug = props.language.toLowerCase().replace("#", "sharp").replace(/\W+/g, "-");
  return (
    <section class="sample" aria-label={`${props.language} sample`}>
      <div class="sample-head">
        <h3>{props.language}</h3>
        {props.copyable ? (
          <button type="button" class="quiet" onClick={() => void copy()}>
            {copied ? "Copied" : "Copy"}
          </button>
        ) : null}
      </div>
      <pre tabIndex={0} data-testid={`sample-${slug}`}>
        <code>{props.code}</code>
      </pre>
    </section>
  );
}

/** The line above a calls table: what it counts, since when, and a button to read it again. */
export function CountingNote(props: {
  since: string;
  onRefresh: () => void;
  children: ComponentChildren;
}) {
  return (
    <p class="muted">
      {props.children} Counted since the emulator started ({when(props.since)}).{" "}
      <button type="button" onClick={props.onRefresh}>
        Refresh
      </button>
    </p>
  );
}

/** The headings of a calls table's time columns (the cells of {@link CallTimes}). */
export const CALL_TIME_HEADINGS = ["Mean time", "Longest", "Latest"] as const;

/** A calls row's time cells: mean and longest time to answer, and the latest call. */
export function CallTimes(props: { totals: CallTotalsView }) {
  return (
    <>
      <td>{millis(props.totals.meanMs)}</td>
      <td>{millis(props.totals.maxMs)}</td>
      <td>{when(props.totals.lastAt)}</td>
    </>
  );
}
