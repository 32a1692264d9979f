/**
 * Web services: every ARM web service and every classic web service with its endpoints, each with
 * the model it serves (version, since when, its metrics).
 */
import type {
  ArmServiceView,
  ClassicEndpointView,
  ServedModel,
  ServicesView as Services,
} from "../../api";
import { useApi } from "../data";
import { short, when } from "../format";
import { href } from "../router";
import { Loading, Metrics, Status, TableWrap, Title } from "../ui";

/** The model(s) a service or endpoint serves, in a table cell. */
export function ServedCell(props: { models: readonly ServedModel[] }) {
  if (props.models.length === 0) return <span class="muted">no trained model resource</span>;
  return (
    <>
      {props.models.map((m) => (
        <div key={m.resource} class="served">
          {m.sha256 === null ? (
            <span class="muted">no model yet</span>
          ) : (
            <>
              <a href={href("models", m.sha256)} title={m.sha256} data-testid="served-version">
                {m.version ?? short(m.sha256)}
              </a>{" "}
              <span class="muted">since {when(m.since)}</span>
              {m.pending ? (
                <span class="pending">
                  {" "}
                  → {short(m.pending.sha256)} at {when(m.pending.effectiveAt)}
                </span>
              ) : null}
            </>
          )}
        </div>
      ))}
    </>
  );
}

function Actions(props: { target: ArmServiceView | ClassicEndpointView }) {
  const id = props.target.executionId;
  return (
    <span class="actions">
      {props.target.scorable ? <a href={href("targets", id, "test")}>Test</a> : null}
      <a href={href("targets", id, "consume")}>Consume</a>
      <a href={`${href("jobs")}?target=${id}`}>Jobs</a>
    </span>
  );
}

function ArmTable(props: { services: readonly ArmServiceView[] }) {
  if (props.services.length === 0)
    return (
      <p class="muted">
        No ARM web service yet (PUT one, or start the emulators with --with-samples).
      </p>
    );
  return (
    <TableWrap label="ARM web services">
      <table class="stack" data-testid="arm-services">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Resource group</th>
            <th scope="col">State</th>
            <th scope="col">Model served</th>
            <th scope="col">Metrics</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.services.map((s) => (
            <tr key={s.executionId}>
              <th scope="row">
                <a href={href("targets", s.executionId)}>{s.name}</a>
                {s.title ? <div class="muted small">{s.title}</div> : null}
              </th>
              <td data-label="Resource group">{s.resourceGroup}</td>
              <td data-label="State">
                <Status status={s.state} />
              </td>
              <td data-label="Model served">
                {s.scorable ? (
                  <ServedCell models={s.models} />
                ) : (
                  <span class="muted">trains models</span>
                )}
              </td>
              <td data-label="Metrics">
                <Metrics metrics={s.models.flatMap((m) => m.metrics)} />
              </td>
              <td data-label="">
                <Actions target={s} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function EndpointTable(props: { endpoints: readonly ClassicEndpointView[]; service: string }) {
  if (props.endpoints.length === 0) return <p class="muted">No endpoint.</p>;
  return (
    <TableWrap label={`Endpoints of ${props.service}`}>
      <table class="stack" data-testid="classic-endpoints">
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            <th scope="col">Model served</th>
            <th scope="col">Metrics</th>
            <th scope="col">Throttle</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.endpoints.map((e) => (
            <tr key={e.executionId} data-endpoint={e.name}>
              <th scope="row">
                <a href={href("targets", e.executionId)}>{e.name}</a>
                {e.description ? <div class="muted small">{e.description}</div> : null}
              </th>
              <td data-label="Model served">
                <ServedCell models={e.models} />
              </td>
              <td data-label="Metrics">
                <Metrics metrics={e.models.flatMap((m) => m.metrics)} />
              </td>
              <td data-label="Throttle">
                {e.throttleLevel}, at most {e.maxConcurrentCalls} calls
              </td>
              <td data-label="">
                <Actions target={e} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** `#/services`. */
export function ServicesView() {
  const { data, error } = useApi<Services>("services");
  return (
    <>
      <Title>Web services</Title>
      {!data ? (
        <Loading error={error} />
      ) : (
        <>
          <section aria-labelledby="arm-heading">
            <h2 id="arm-heading">ARM web services</h2>
            <ArmTable services={data.arm} />
          </section>
          <section aria-labelledby="classic-heading">
            <h2 id="classic-heading">Classic web services</h2>
            {data.classic.length === 0 ? (
              <p class="muted">No classic web service yet (publish one through the admin route).</p>
            ) : (
              data.classic.map((service) => (
                <section
                  key={`${service.workspaceId}/${service.id}`}
                  class="classic-service"
                  data-service={service.name}
                >
                  <h3>
                    {service.name}{" "}
                    <span class="muted small">
                      workspace {service.workspaceId}, definition v{service.definitionVersion}
                    </span>
                  </h3>
                  <EndpointTable endpoints={service.endpoints} service={service.name} />
                </section>
              ))
            )}
          </section>
        </>
      )}
    </>
  );
}
