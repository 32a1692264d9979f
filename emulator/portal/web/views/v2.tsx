/**
 * Azure Machine Learning (v2): each workspace's online endpoints with their deployments (the model
 * version each serves, its metrics, the share of calls it takes and the share mirrored to it), its
 * registered model versions, and the command jobs, each with its status, command, inputs, outputs
 * and log. A running job is followed live. Each endpoint links to its Test and Consume pages
 * (`v2endpoint.tsx`); this view never shows an endpoint key.
 */
import type {
  V2EndpointView,
  V2JobSummaryView,
  V2JobsView as Jobs,
  V2JobView as Job,
  V2View as Overview,
  V2WorkspaceView,
} from "../../api";
import { useApi } from "../data";
import { bytes, duration, when } from "../format";
import { href } from "../router";
import { Facts, Loading, Metrics, TableWrap, Title } from "../ui";

const ENDED = new Set(["Completed", "Failed", "Canceled", "NotResponding", "Paused"]);

/** A v2 state as a badge (the word is the information, not the colour). */
function V2Status(props: { status: string }) {
  const tone =
    props.status === "Completed" || props.status === "Succeeded"
      ? "ok"
      : props.status === "Failed"
        ? "bad"
        : props.status === "Canceled"
          ? "muted"
          : "busy";
  return (
    <span class={`status status-${tone}`} data-testid="status">
      {props.status}
    </span>
  );
}

function Endpoint(props: { endpoint: V2EndpointView }) {
  const { endpoint } = props;
  return (
    <section class="card" data-endpoint={endpoint.name}>
      <h3>
        Endpoint <code>{endpoint.name}</code> <V2Status status={endpoint.state} />
      </h3>
      <Facts
        items={[
          ["Scoring URI", <code key="uri">{endpoint.scoringUri}</code>],
          ["Auth", endpoint.authMode],
          ["Created", when(endpoint.createdAt)],
        ]}
      />
      <nav class="tabs" aria-label={`Pages of ${endpoint.name}`}>
        <a href={href("v2", "endpoints", endpoint.name, "test")}>Test</a>
        <a href={href("v2", "endpoints", endpoint.name, "consume")}>Consume</a>
        <a href={href("v2", "endpoints", endpoint.name, "calls")}>Calls</a>
      </nav>
      {endpoint.deployments.length === 0 ? (
        <p class="muted">No deployment yet.</p>
      ) : (
        <TableWrap label={`Deployments of ${endpoint.name}`}>
          <table class="stack" data-testid="deployments">
            <thead>
              <tr>
                <th scope="col">Deployment</th>
                <th scope="col">Model version</th>
                <th scope="col">Traffic</th>
                <th scope="col">Mirrored</th>
                <th scope="col">State</th>
                <th scope="col">Metrics</th>
                <th scope="col">Trained by</th>
              </tr>
            </thead>
            <tbody>
              {endpoint.deployments.map((d) => (
                <tr key={d.name} data-deployment={d.name}>
                  <th scope="row">
                    <code>{d.name}</code>
                  </th>
                  <td data-label="Model version" data-testid="model">
                    {d.model ? `${d.model.name}:${d.model.version}` : "—"}
                  </td>
                  <td data-label="Traffic" data-testid="traffic">
                    {d.traffic} %
                  </td>
                  <td data-label="Mirrored" data-testid="mirror">
                    {d.mirror} %
                  </td>
                  <td data-label="State">
                    <V2Status status={d.state} />
                  </td>
                  <td data-label="Metrics">
                    <Metrics metrics={d.metrics} />
                  </td>
                  <td data-label="Trained by">
                    {d.job ? <a href={href("v2", "jobs", d.job.id)}>{d.job.name}</a> : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

function Workspace(props: { workspace: V2WorkspaceView }) {
  const { workspace } = props;
  return (
    <section data-workspace={workspace.name}>
      <h2>
        Workspace <code>{workspace.name}</code>
      </h2>
      <Facts
        items={[
          ["Subscription", <code key="s">{workspace.subscriptionId}</code>],
          ["Resource group", workspace.resourceGroup],
          ["Location", workspace.location],
          ["Created", when(workspace.createdAt)],
        ]}
      />
      {workspace.endpoints.length === 0 ? (
        <p class="muted">No online endpoint.</p>
      ) : (
        workspace.endpoints.map((e) => <Endpoint key={e.name} endpoint={e} />)
      )}
      <h3>Model versions</h3>
      {workspace.models.length === 0 ? (
        <p class="muted">No model registered.</p>
      ) : (
        <TableWrap label={`Model versions of ${workspace.name}`}>
          <table class="stack" data-testid="model-versions">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Registered</th>
                <th scope="col">Metrics</th>
                <th scope="col">Tags</th>
                <th scope="col">Served by</th>
                <th scope="col">Trained by</th>
              </tr>
            </thead>
            <tbody>
              {workspace.models.map((m) => (
                <tr key={`${m.name}:${m.version}`} data-model={`${m.name}:${m.version}`}>
                  <th scope="row">
                    <code>
                      {m.name}:{m.version}
                    </code>
                  </th>
                  <td data-label="Registered">{when(m.createdAt)}</td>
                  <td data-label="Metrics">
                    <Metrics metrics={m.metrics} />
                  </td>
                  <td data-label="Tags">
                    {Object.entries(m.tags)
                      .map(([k, v]) => `${k}: ${v}`)
                      .join("; ") || "—"}
                  </td>
                  <td data-label="Served by">{m.servedBy.join(", ") || "—"}</td>
                  <td data-label="Trained by">
                    {m.job ? <a href={href("v2", "jobs", m.job.id)}>{m.job.name}</a> : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

/** A table of v2 jobs. */
function V2JobTable(props: { jobs: readonly V2JobSummaryView[] }) {
  if (props.jobs.length === 0) return <p class="muted">No job yet.</p>;
  return (
    <TableWrap label="Command jobs">
      <table class="stack" data-testid="v2-jobs">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Workspace</th>
            <th scope="col">Status</th>
            <th scope="col">Submitted</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {props.jobs.map((job) => (
            <tr key={job.id} data-job={job.name}>
              <th scope="row">
                <a href={href("v2", "jobs", job.id)}>{job.name}</a>
              </th>
              <td data-label="Workspace">{job.workspace}</td>
              <td data-label="Status">
                <V2Status status={job.status} />
              </td>
              <td data-label="Submitted">{when(job.createdAt)}</td>
              <td data-label="Duration">{duration(job.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** `#/v2`: workspaces, endpoints, deployments and traffic, model versions, and the latest jobs. */
export function V2View() {
  const overview = useApi<Overview>("v2");
  const jobs = useApi<Jobs>("v2/jobs", (j) => j.jobs.some((job) => !ENDED.has(job.status)));
  return (
    <>
      <Title>Azure ML v2</Title>
      <p>
        <button
          type="button"
          class="quiet"
          onClick={() => {
            overview.reload();
            jobs.reload();
          }}
        >
          Refresh
        </button>
      </p>
      {overview.data ? (
        overview.data.workspaces.length === 0 ? (
          <p class="muted">No v2 workspace on this emulator.</p>
        ) : (
          overview.data.workspaces.map((w) => (
            <Workspace key={`${w.subscriptionId}/${w.resourceGroup}/${w.name}`} workspace={w} />
          ))
        )
      ) : (
        <Loading error={overview.error} />
      )}
      <h2>Command jobs</h2>
      {jobs.data ? <V2JobTable jobs={jobs.data.jobs} /> : <Loading error={jobs.error} />}
    </>
  );
}

/** `#/v2/jobs/{id}`: one command job, followed live until it ends. */
export function V2JobView(props: { id: string }) {
  const { data, error } = useApi<Job>(
    `v2/jobs/${encodeURIComponent(props.id)}`,
    (job) => !ENDED.has(job.status),
  );
  if (!data)
    return (
      <>
        <Title>Command job</Title>
        <Loading error={error} />
      </>
    );
  return (
    <>
      <Title>
        Command job <code>{data.name}</code>
      </Title>
      <p>
        <a href={href("v2")}>Azure ML v2</a>
      </p>
      <Facts
        items={[
          ["Status", <V2Status key="s" status={data.status} />],
          ["Workspace", data.workspace],
          ["Experiment", data.experimentName ?? "—"],
          ["Submitted", when(data.createdAt)],
          ["Started", when(data.startTime)],
          ["Ended", when(data.endTime)],
          ["Duration", duration(data.durationMs)],
          ...(data.reason ? ([["Reason", data.reason]] as [string, string][]) : []),
        ]}
      />
      <h2>Command</h2>
      <pre class="code" data-testid="command">
        {data.command}
      </pre>
      <h2>Inputs</h2>
      {data.inputs.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <TableWrap label="Inputs">
          <table data-testid="inputs">
            <thead>
              <tr>
                <th scope="col">Input</th>
                <th scope="col">Type</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {data.inputs.map((i) => (
                <tr key={i.name}>
                  <th scope="row">{i.name}</th>
                  <td>{i.type}</td>
                  <td>
                    <code>{i.value}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <h2>Outputs</h2>
      {data.outputs.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <TableWrap label="Outputs">
          <table data-testid="outputs">
            <thead>
              <tr>
                <th scope="col">Output</th>
                <th scope="col">Location</th>
                <th scope="col">Files</th>
              </tr>
            </thead>
            <tbody>
              {data.outputs.map((o) => (
                <tr key={o.name} data-output={o.name}>
                  <th scope="row">{o.name}</th>
                  <td>
                    <code>{o.uri}</code>
                  </td>
                  <td data-testid="files">
                    {o.files.length === 0
                      ? "—"
                      : o.files.map((f) => `${f.path} (${bytes(f.bytes)})`).join(", ")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <h2>Log</h2>
      {data.logTruncated ? <p class="muted">Its last 64 KiB:</p> : null}
      <pre class="code log" data-testid="log" tabIndex={0}>
        {data.log === "" ? "(nothing yet)" : data.log}
      </pre>
    </>
  );
}
