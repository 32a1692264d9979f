/**
 * Jobs: the latest BES jobs, and one job with its status, duration, per-module timeline, the
 * `Details` of a failure and its outputs with download links. Both views follow a job live while
 * it is queued or running (they poll the API), and stop once it ended.
 */
import type { JobSummaryView, JobsView as Jobs, JobView as Job } from "../../api";
import { TimelineChart } from "../charts";
import { useApi } from "../data";
import { duration, short, when } from "../format";
import { href } from "../router";
import { Facts, Loading, Status, TableWrap, Title } from "../ui";

const ACTIVE = new Set(["NotStarted", "Running"]);

/** A table of jobs. */
export function JobTable(props: { jobs: readonly JobSummaryView[]; showTarget: boolean }) {
  if (props.jobs.length === 0) return <p class="muted">No job yet.</p>;
  return (
    <TableWrap label="Jobs">
      <table class="stack" data-testid="jobs">
        <thead>
          <tr>
            <th scope="col">Job</th>
            {props.showTarget ? <th scope="col">Service or endpoint</th> : null}
            <th scope="col">Status</th>
            <th scope="col">Submitted</th>
            <th scope="col">Duration</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {props.jobs.map((job) => (
            <tr key={job.id} data-job={job.id}>
              <th scope="row">
                <a href={href("jobs", job.id)} title={job.id}>
                  <code>{short(job.id)}</code>
                </a>
              </th>
              {props.showTarget ? (
                <td data-label="Service or endpoint">
                  {job.target.kind ? (
                    <a href={href("targets", job.target.executionId)}>{job.target.label}</a>
                  ) : (
                    <span class="muted">{job.target.label} (deleted)</span>
                  )}
                </td>
              ) : null}
              <td data-label="Status">
                <Status status={job.status} queued={job.queued} />
              </td>
              <td data-label="Submitted">{when(job.createdAt)}</td>
              <td data-label="Duration">{duration(job.durationMs)}</td>
              <td data-label="Details" class="details">
                {job.details ?? ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** `#/jobs[?target=…]`. */
export function JobsView(props: { target: string | undefined }) {
  const path = props.target ? `jobs?target=${encodeURIComponent(props.target)}` : "jobs";
  const { data, error, reload } = useApi<Jobs>(path, (jobs) =>
    jobs.jobs.some((j) => ACTIVE.has(j.status)),
  );
  return (
    <>
      <Title>Jobs</Title>
      <p>
        <button type="button" class="quiet" onClick={reload}>
          Refresh
        </button>
        {props.target ? (
          <>
            {" "}
            <a href={href("jobs")}>All jobs</a>
          </>
        ) : null}
      </p>
      {data ? <JobTable jobs={data.jobs} showTarget={true} /> : <Loading error={error} />}
    </>
  );
}

/**
 * The bars of a job's timeline: its modules, and the work around them (the worker starting and
 * reading the inputs before the first module, writing the outputs after the last).
 */
function timelineBars(job: Job, now: number) {
  const origin = Date.parse(job.startTime ?? job.timeline[0].startedAt);
  const end = job.endTime ? Date.parse(job.endTime) : now;
  const bars = job.timeline.map((m) => ({
    label: `${m.module} (${m.nodeId})`,
    start: Date.parse(m.startedAt) - origin,
    end: (m.endedAt ? Date.parse(m.endedAt) : end) - origin,
    state: m.endedAt === null ? ("running" as const) : ("done" as const),
  }));
  const first = Math.min(...bars.map((b) => b.start));
  const last = Math.max(...bars.map((b) => b.end));
  const phases = [
    { label: "start-up, reading inputs", start: 0, end: first, state: "other" as const },
  ];
  if (job.status === "Finished")
    phases.push({
      label: "writing outputs",
      start: last,
      end: end - origin,
      state: "other" as const,
    });
  return [phases[0], ...bars, ...phases.slice(1)];
}

function Timeline(props: { job: Job }) {
  const { job } = props;
  if (job.timeline.length === 0)
    return (
      <p class="muted">
        {ACTIVE.has(job.status) ? "No module has started yet." : "No module ran."}
      </p>
    );
  const origin = Date.parse(job.startTime ?? job.timeline[0].startedAt);
  const bars = timelineBars(job, Date.now());
  return (
    <>
      <TimelineChart
        modules={bars}
        description={`Timeline of the job: ${bars.map((b) => `${b.label} ${Math.max(0, Math.round(b.end - b.start))} ms`).join(", ")}`}
      />
      <TableWrap label="Modules">
        <table data-testid="timeline">
          <thead>
            <tr>
              <th scope="col">Module</th>
              <th scope="col">Started</th>
              <th scope="col">Took</th>
            </tr>
          </thead>
          <tbody>
            {job.timeline.map((m, i) => (
              <tr key={`${m.nodeId}-${i}`} data-module={m.module}>
                <th scope="row">
                  {m.module} <span class="muted small">{m.nodeId}</span>
                </th>
                <td>+{duration(Date.parse(m.startedAt) - origin)}</td>
                <td>
                  {m.endedAt
                    ? duration(Date.parse(m.endedAt) - Date.parse(m.startedAt))
                    : job.status === "Running"
                      ? "running"
                      : "did not finish"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}

/** `#/jobs/{id}`. */
export function JobView(props: { jobId: string }) {
  const { data: job, error } = useApi<Job>(`jobs/${props.jobId}`, (j) => ACTIVE.has(j.status));
  if (!job)
    return (
      <>
        <Title>Job {short(props.jobId)}</Title>
        <Loading error={error} />
      </>
    );
  return (
    <>
      <Title>
        Job <code>{short(job.id)}</code>
      </Title>
      <div aria-live="polite" data-testid="job-status">
        <Facts
          items={[
            ["Status", <Status status={job.status} queued={job.queued} />],
            [
              "Service or endpoint",
              job.target.kind ? (
                <a href={href("targets", job.target.executionId)}>{job.target.label}</a>
              ) : (
                job.target.label
              ),
            ],
            ["Job id", <code>{job.id}</code>],
            ["Submitted", when(job.createdAt)],
            ["Started", when(job.startTime)],
            ["Ended", when(job.endTime)],
            ["Duration", <span data-testid="job-duration">{duration(job.durationMs)}</span>],
          ]}
        />
      </div>
      {job.details ? (
        <section aria-labelledby="details-heading">
          <h2 id="details-heading">Details</h2>
          <pre class="failure" data-testid="job-details" tabIndex={0}>
            {job.details}
          </pre>
        </section>
      ) : null}
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Modules</h2>
        <Timeline job={job} />
      </section>
      <section aria-labelledby="outputs-heading">
        <h2 id="outputs-heading">Outputs</h2>
        <TableWrap label="Outputs">
          <table data-testid="outputs">
            <thead>
              <tr>
                <th scope="col">Port</th>
                <th scope="col">Kind</th>
                <th scope="col">Written to</th>
                <th scope="col">Download</th>
              </tr>
            </thead>
            <tbody>
              {job.outputs.map((o) => (
                <tr key={o.port}>
                  <th scope="row">{o.port}</th>
                  <td>
                    {o.kind} (.{o.format})
                    {o.sha256 ? (
                      <div>
                        <a href={href("models", o.sha256)}>model {short(o.sha256)}</a>
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <code>{o.location}</code>
                  </td>
                  <td>
                    {o.download ? (
                      <a href={o.download} download data-testid={`download-${o.port}`}>
                        Download
                      </a>
                    ) : (
                      <span class="muted">when finished</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
      <section aria-labelledby="inputs-heading">
        <h2 id="inputs-heading">Inputs</h2>
        <Facts items={job.inputs.map((i) => [i.port, <code>{i.location}</code>])} />
        {Object.keys(job.globalParameters).length > 0 ? (
          <Facts items={Object.entries(job.globalParameters).map(([k, v]) => [k, v])} />
        ) : null}
      </section>
    </>
  );
}
