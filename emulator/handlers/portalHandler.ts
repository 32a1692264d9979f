/**
 * The portal's handlers: the page, signing in and out, and the portal API (`portal/api.ts`),
 * built from the store's records. The API only reads, with three exceptions, each a thing the
 * page's user asks for: the keys of a service or endpoint (hidden until then), scoring rows on the
 * Test page (the RRS handler itself does it, so the page shows what RRS answers), and downloading
 * a job's output (the bytes pass through here, so the page never holds a SAS).
 *
 * Nothing it answers carries a key (outside `keys`), a token or a SAS: locations lose their query,
 * connection strings and storage keys are never read, and secret-looking parameter values are
 * hidden. The reliability suite's secrets scan reads every answer of this API.
 */
import * as path from "node:path";
import type { ColumnSpecification, TableSpecification, WebServiceProperties } from "../../contract";
import type { PortalSessions } from "../auth/portalSession";
import { describeBlob, describeStorageError, downloadBlob } from "../blob/blobIo";
import type { EngineApi } from "../engine/api";
import { ErrorFactory } from "../errors";
import { CONTENT_TYPES } from "../jobs/formats";
import type {
  ArmServiceView,
  ClassicEndpointView,
  ClassicServiceView,
  ColumnView,
  JobSummaryView,
  JobsView,
  JobView,
  KeysView,
  MetricReading,
  ModelListItemView,
  ModelsView,
  ModelView,
  ServedByView,
  ServedModel,
  ServicesView,
  TargetDetailView,
  TargetKind,
  V2CredentialsView,
  V2EndpointDetailView,
  V2JobsView,
  V2JobView,
  V2ScoreView,
  V2View,
} from "../portal/api";
import type { CallStats } from "../services/callStats";
import { PortalCredentialError } from "../v2/handlers/portalHandler";
import { effectiveSha, type ExecutionTargets } from "../services/executionTargets";
import { PORTAL_HEADERS, type PortalAssets, type PortalScript } from "../services/portalAssets";
import type { MetadataStore } from "../store/metadataStore";
import type { ModelStore } from "../store/modelStore";
import type {
  ArmServiceRecord,
  ClassicEndpointRecord,
  ClassicServiceRecord,
  JobRecord,
  ModelReportRecord,
  ModelSummary,
} from "../store/records";
import type { RrsHandler } from "./rrsHandler";
import type { HandlerResponse, RequestInfo } from "./types";
import { isObject } from "./util";

/** Jobs a list shows at most. */
const JOB_LIST_LIMIT = 100;
/** Metrics shown beside a model, in this order, when its evaluation has them. */
const HEADLINE_METRICS = [
  "AUC",
  "Accuracy",
  "Precision",
  "Recall",
  "F1 Score",
  "Overall Accuracy",
  "Macro-averaged Precision",
  "Macro-averaged Recall",
  "Mean Absolute Error",
  "Root Mean Squared Error",
  "Coefficient of Determination",
];
/** Parameter names whose values the portal does not show (a key or password set as a parameter). */
const SECRET_NAME = /key|password|secret|token|connection|sas|credential/i;

/** A GUID, as BES names the folders of its default outputs. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A location without its query (where a SAS would be). */
function withoutQuery(location: string): string {
  return location.split("?")[0];
}

/**
 * The folder an `.ilearner` blob sits in, below its container: this project stores models as
 * `{container}/{version}/{key}.ilearner`, so it reads as the model's version (none for a blob at
 * the container's top or in a GUID folder).
 * @param location - `container/blob`, or a blob URL (path style `/{account}/{container}/...` for
 *   an IP or localhost host, host style `/{container}/...` otherwise)
 */
export function modelVersionOf(location: string): string | undefined {
  let segments: string[];
  if (/^https?:\/\//i.test(location)) {
    const url = new URL(location);
    segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const pathStyle = /^(\d+\.\d+\.\d+\.\d+|localhost|\[.*\])$/i.test(url.hostname);
    if (pathStyle) segments = segments.slice(1);
  } else {
    segments = location.split("/").filter(Boolean);
  }
  // container / ... / folder / file; a GUID folder (BES's default outputs) is no version.
  const folder = segments.length >= 3 ? segments[segments.length - 2] : undefined;
  return folder !== undefined && !GUID.test(folder) ? folder : undefined;
}

/** Evaluate Model's headline metrics of a model, from its report. */
function headline(report: ModelReportRecord | undefined): MetricReading[] {
  const evaluation = report?.evaluations.find((e) => e.side === "left") ?? report?.evaluations[0];
  if (!evaluation) return [];
  const { columnNames, rows } = evaluation.metrics;
  const row = rows[evaluation.side === "left" ? 0 : Math.min(1, rows.length - 1)] ?? [];
  const readings: MetricReading[] = [];
  for (const name of HEADLINE_METRICS) {
    const value = row[columnNames.indexOf(name)];
    if (columnNames.includes(name) && value !== null && value !== undefined) {
      const number = Number(value);
      readings.push({ name, value: Number.isFinite(number) ? number.toFixed(4) : value });
    }
  }
  return readings;
}

function columnsOf(spec: TableSpecification | undefined): ColumnView[] {
  return Object.entries(spec?.properties ?? {}).map(
    ([name, column]: [string, ColumnSpecification]) => ({
      name,
      type: column.type,
      format: column.format,
      values: column.enum?.map((v) => String(v)),
    }),
  );
}

function durationMs(job: JobRecord, now: number): number | null {
  const start = job.startTime ?? job.submittedToRunAt;
  if (start === null) return null;
  const end = job.endTime !== null ? Date.parse(job.endTime) : now;
  return Math.max(0, end - Date.parse(start));
}

/** Everything the portal's handlers read. */
export interface PortalHandlerDependencies {
  readonly store: MetadataStore;
  readonly models: ModelStore;
  readonly engine: Pick<EngineApi, "inspectModel">;
  readonly targets: ExecutionTargets;
  readonly rrs: Pick<RrsHandler, "execute">;
  readonly sessions: PortalSessions;
  readonly assets: PortalAssets;
  /** The execution calls counted per service or endpoint (absent: none shown). */
  readonly calls?: Pick<CallStats, "snapshot">;
  /** The v2 surface's read-only views (absent: the portal shows no v2 workspace). */
  readonly v2?: {
    overview(): V2View;
    jobList(): V2JobsView;
    job(id: string): Promise<V2JobView | undefined>;
    endpoint(name: string): Promise<V2EndpointDetailView | undefined>;
  };
  /**
   * The v2 endpoints' credential (asked for) and scoring calls made as a client would (absent:
   * no v2 endpoint). `credentials` throws a `PortalCredentialError` whose message says why an
   * endpoint's auth mode has no credential to show.
   */
  readonly v2Endpoints?: {
    credentials(name: string): V2CredentialsView | undefined;
    score(
      name: string,
      body: Buffer,
      deployment: string | undefined,
    ): Promise<V2ScoreView | undefined>;
  };
}

/** Handlers of the portal. */
export class PortalHandler {
  /** Header summaries of stored models, by sha-256 (model bytes never change). */
  private readonly summaries = new Map<string, ModelSummary | undefined>();

  /**
   * @param deps - the store, the model store, the engine, the targets, the RRS handler, the
   *   sessions and the page's assets
   */
  constructor(private readonly deps: PortalHandlerDependencies) {}

  // --- the page and signing in ----------------------------------------------------------------

  /**
   * `GET /portal/`: the application for a live session; with `?token=`, signs in and redirects
   * to the same page without the token; else the sign-in page.
   * @param session - the request's live session, if any
   * @param token - the `token` query parameter, if any
   */
  page(session: string | undefined, token: string | undefined): HandlerResponse {
    if (token !== undefined && token !== "") {
      const id = this.deps.sessions.exchange(token);
      if (id === undefined) {
        return this.html(
          401,
          "login",
          "This sign-in link is not valid any more (a link works once). Paste the workspace token instead.",
        );
      }
      return {
        status: 303,
        headers: {
          ...PORTAL_HEADERS,
          Location: "/portal/",
          "Set-Cookie": this.deps.sessions.cookie(id),
        },
      };
    }
    return session !== undefined ? this.html(200, "app") : this.html(401, "login");
  }

  private html(status: number, kind: PortalScript, message?: string): HandlerResponse {
    return {
      status,
      headers: PORTAL_HEADERS,
      raw: this.deps.assets.html(kind, message),
      contentType: "text/html; charset=utf-8",
    };
  }

  /**
   * `POST /portal/api/session`: exchanges `{token}` for a session cookie.
   * @param body - `{ "token": "..." }`
   */
  signIn(body: unknown): HandlerResponse {
    const token = isObject(body) && typeof body.token === "string" ? body.token.trim() : "";
    const id = token === "" ? undefined : this.deps.sessions.exchange(token);
    if (id === undefined) throw ErrorFactory.portalTokenInvalid();
    return {
      status: 204,
      headers: { ...PORTAL_HEADERS, "Set-Cookie": this.deps.sessions.cookie(id) },
    };
  }

  /**
   * `DELETE /portal/api/session`: ends the session.
   * @param session - the request's session
   */
  signOut(session: string | undefined): HandlerResponse {
    this.deps.sessions.end(session);
    return {
      status: 204,
      headers: { ...PORTAL_HEADERS, "Set-Cookie": this.deps.sessions.clearedCookie() },
    };
  }

  /**
   * A bundled script of the page.
   * @param name - `app` or `login`
   */
  async script(name: PortalScript): Promise<HandlerResponse> {
    return {
      status: 200,
      headers: PORTAL_HEADERS,
      raw: await this.deps.assets.script(name),
      contentType: "text/javascript; charset=utf-8",
    };
  }

  /** The page's style sheet. */
  css(): HandlerResponse {
    return {
      status: 200,
      headers: PORTAL_HEADERS,
      raw: this.deps.assets.css(),
      contentType: "text/css; charset=utf-8",
    };
  }

  // --- Azure Machine Learning (v2) -------------------------------------------------------------

  /** `GET /portal/api/v2`: workspaces, endpoints with deployments and traffic, model versions. */
  v2(): HandlerResponse<V2View> {
    return this.json(this.deps.v2?.overview() ?? { workspaces: [] });
  }

  /** `GET /portal/api/v2/jobs`: the latest command jobs, newest first. */
  v2Jobs(): HandlerResponse<V2JobsView> {
    return this.json(this.deps.v2?.jobList() ?? { jobs: [] });
  }

  /**
   * `GET /portal/api/v2/jobs/{id}`: a command job with its inputs, outputs and log.
   * @param id - the portal's id of the job
   */
  async v2Job(id: string): Promise<HandlerResponse<V2JobView>> {
    const job = await this.deps.v2?.job(id);
    if (!job) throw ErrorFactory.portalItemNotFound("v2 job", id);
    return this.json(job);
  }

  /**
   * `GET /portal/api/v2/endpoints/{name}`: an endpoint with a sample request (no key).
   * @param name - the endpoint
   */
  async v2Endpoint(name: string): Promise<HandlerResponse<V2EndpointDetailView>> {
    const endpoint = await this.deps.v2?.endpoint(name);
    if (!endpoint) throw ErrorFactory.portalItemNotFound("online endpoint", name);
    return this.json(endpoint);
  }

  /**
   * `POST /portal/api/v2/endpoints/{name}/credentials`: the endpoint's keys (or a new AML token),
   * when the page's user asks for them.
   * @param name - the endpoint
   */
  v2Credentials(name: string): HandlerResponse<V2CredentialsView> {
    let credentials: V2CredentialsView | undefined;
    try {
      credentials = this.deps.v2Endpoints?.credentials(name);
    } catch (error) {
      // The refusal the page shows (an AADToken endpoint has no credential to give); anything
      // else is the emulator's fault, answered 500 and logged like any other.
      if (error instanceof PortalCredentialError)
        throw ErrorFactory.portalBadRequest(error.message);
      throw error;
    }
    if (!credentials) throw ErrorFactory.portalItemNotFound("online endpoint", name);
    return this.json(credentials);
  }

  /**
   * `POST /portal/api/v2/endpoints/{name}/score`: the Test page's body sent to the endpoint's
   * scoring URI as a client sends it (with the endpoint's credential, which stays here); answers
   * 200 with the router's status, deployment and body.
   * @param name - the endpoint
   * @param request - `{ "body": "<request text>", "deployment"?: "<name>" }`
   */
  async v2Score(name: string, request: unknown): Promise<HandlerResponse<V2ScoreView>> {
    if (!isObject(request) || typeof request.body !== "string")
      throw ErrorFactory.portalBadRequest(
        'Send {"body": "<the request body as text>"} with an optional "deployment": "<name>".',
      );
    const deployment = request.deployment;
    if (deployment !== undefined && typeof deployment !== "string")
      throw ErrorFactory.portalBadRequest(
        '"deployment" must be a deployment name (or absent for the traffic to pick one).',
      );
    const answer = await this.deps.v2Endpoints?.score(
      name,
      Buffer.from(request.body, "utf8"),
      deployment,
    );
    if (!answer) throw ErrorFactory.portalItemNotFound("online endpoint", name);
    return this.json(answer);
  }

  private json<T>(body: T): HandlerResponse<T> {
    return { status: 200, headers: PORTAL_HEADERS, body };
  }

  // --- services and endpoints -----------------------------------------------------------------

  /**
   * `GET /portal/api/services`: every ARM service and every classic web service with its endpoints.
   * @param info - request facts (base URL)
   */
  services(info: RequestInfo): HandlerResponse<ServicesView> {
    const { store } = this.deps;
    const reports = new Map<string, ModelReportRecord | undefined>();
    const arm = store.listAllArmServices().map((record) => this.armView(record, info, reports));
    const classic = store
      .listAllClassicServices()
      .map((service) => this.classicServiceView(service, info, reports));
    return this.json({ arm, classic });
  }

  /**
   * `GET /portal/api/targets/{executionId}`: a service or endpoint, its schema and latest jobs.
   * @param executionId - its execution id
   * @param info - request facts
   */
  target(executionId: string, info: RequestInfo): HandlerResponse<TargetDetailView> {
    const found = this.findTarget(executionId);
    const reports = new Map<string, ModelReportRecord | undefined>();
    const target =
      found.kind === "arm"
        ? this.armView(found.record, info, reports)
        : this.endpointView(found.service, found.endpoint, info, reports);
    const properties = this.definitionOf(found);
    const parameters = (this.servingShape(found)?.parameters ?? []).map(({ name, required }) => {
      const given = properties?.parameters?.[name];
      const hidden = SECRET_NAME.test(name) || given?.certificateThumbprint !== undefined;
      const value = given?.value;
      return {
        name,
        required,
        value:
          value === undefined || value === null ? undefined : hidden ? "(hidden)" : String(value),
      };
    });
    const example: Record<string, string[][]> = {};
    for (const [port, rows] of Object.entries(properties?.exampleRequest?.inputs ?? {})) {
      example[port] = rows.map((row) => row.map((v) => (v === null ? "" : String(v))));
    }
    const jobs = this.deps.store
      .listRecentJobs(JOB_LIST_LIMIT, found.executionId)
      .map((job) => this.jobSummary(job));
    return this.json({
      target,
      input: target.inputs.map((port) => ({
        port,
        columns: columnsOf(properties?.input?.properties?.[port]),
      })),
      output: target.outputs.map(({ name }) => ({
        port: name,
        columns: columnsOf(properties?.output?.properties?.[name]),
      })),
      parameters,
      example,
      jobs,
      ...(this.deps.calls ? { calls: this.deps.calls.snapshot(found.executionId) } : {}),
    });
  }

  /**
   * `POST /portal/api/targets/{executionId}/keys`: the keys, when the page's user asks for them.
   * @param executionId - the service or endpoint
   */
  keys(executionId: string): HandlerResponse<KeysView> {
    const target = this.deps.targets.byExecutionId(executionId);
    if (!target) throw ErrorFactory.portalItemNotFound("service or endpoint", executionId);
    return this.json({ primary: target.keys[0], secondary: target.keys[1] });
  }

  /**
   * `POST /portal/api/targets/{executionId}/score`: the Test page's rows, scored by the RRS handler
   * exactly as `POST …/execute?details=true` would score them.
   * @param executionId - the service or endpoint
   * @param body - an RRS request (table format)
   * @param info - request facts
   */
  async score(executionId: string, body: unknown, info: RequestInfo): Promise<HandlerResponse> {
    const target = this.deps.targets.byExecutionId(executionId);
    if (!target) throw ErrorFactory.portalItemNotFound("service or endpoint", executionId);
    const answer = await this.deps.rrs.execute(target, body, {
      ...info,
      query: { "api-version": "2.0", details: "true" },
    });
    return { ...answer, headers: { ...answer.headers, ...PORTAL_HEADERS } };
  }

  // --- jobs -------------------------------------------------------------------------------------

  /**
   * `GET /portal/api/jobs`: the latest jobs, newest first.
   * @param targetId - only this service's or endpoint's, when given
   */
  jobs(targetId: string | undefined): HandlerResponse<JobsView> {
    const jobs = this.deps.store
      .listRecentJobs(JOB_LIST_LIMIT, targetId?.toLowerCase())
      .map((job) => this.jobSummary(job));
    return this.json({ jobs });
  }

  /**
   * `GET /portal/api/jobs/{id}`: a job with its timeline and outputs.
   * @param jobId - the job
   */
  job(jobId: string): HandlerResponse<JobView> {
    const job = this.deps.store.getJob(jobId.toLowerCase());
    if (!job) throw ErrorFactory.portalItemNotFound("job", jobId);
    const finished = job.status === "Finished";
    return this.json({
      ...this.jobSummary(job),
      timeline: job.timeline ?? [],
      inputs: Object.entries(job.inputs).map(([port, ref]) => ({
        port,
        location: describeBlob(ref),
      })),
      outputs: Object.entries(job.outputs).map(([port, output]) => ({
        port,
        kind: output.kind,
        format: output.format,
        location: describeBlob(output.ref),
        download: finished
          ? `/portal/api/jobs/${job.id}/outputs/${encodeURIComponent(port)}`
          : undefined,
        sha256: job.models?.[port],
      })),
      globalParameters: Object.fromEntries(
        Object.entries(job.globalParameters).map(([name, value]) => [
          name,
          SECRET_NAME.test(name) ? "(hidden)" : value,
        ]),
      ),
    });
  }

  /**
   * `GET /portal/api/jobs/{id}/outputs/{port}`: a finished job's output, downloaded by the
   * emulator with the job's own credentials.
   * @param jobId - the job
   * @param port - the output port
   */
  async download(jobId: string, port: string): Promise<HandlerResponse> {
    const job = this.deps.store.getJob(jobId.toLowerCase());
    const output = job?.status === "Finished" ? job.outputs[port] : undefined;
    if (!job || !output) throw ErrorFactory.portalItemNotFound("output", `${jobId}/${port}`);
    let bytes: Buffer;
    try {
      bytes = await downloadBlob(output.ref);
    } catch (error) {
      const failure = describeStorageError(error);
      if (failure.notFound)
        throw ErrorFactory.portalItemNotFound("output blob", describeBlob(output.ref));
      throw ErrorFactory.blobAccessFailed(port, failure.reason);
    }
    const file = path.posix.basename(describeBlob(output.ref)).replace(/[^\w.-]/g, "_");
    return {
      status: 200,
      headers: { ...PORTAL_HEADERS, "Content-Disposition": `attachment; filename="${file}"` },
      raw: bytes,
      contentType: CONTENT_TYPES[output.format],
    };
  }

  // --- models ---------------------------------------------------------------------------------

  /** `GET /portal/api/models`: every model a job wrote or a service read, newest first. */
  models(): HandlerResponse<ModelsView> {
    const servedBy = this.servedBy();
    const items: ModelListItemView[] = [];
    const listed = new Set<string>();
    for (const report of this.deps.store.listModelReports()) {
      listed.add(report.sha256);
      items.push(this.modelItem(report.sha256, report, servedBy));
    }
    for (const sha of this.deps.models.list()) {
      if (!listed.has(sha)) items.push(this.modelItem(sha, undefined, servedBy));
    }
    return this.json({ models: items });
  }

  /**
   * `GET /portal/api/models/{sha256}`: a model with its evaluations and plots.
   * @param sha256 - the model
   */
  model(sha256: string): HandlerResponse<ModelView> {
    const sha = sha256.toLowerCase();
    const report = /^[0-9a-f]{64}$/.test(sha) ? this.deps.store.getModelReport(sha) : undefined;
    if (!report && !(/^[0-9a-f]{64}$/.test(sha) && this.deps.models.has(sha)))
      throw ErrorFactory.portalItemNotFound("model", sha256);
    return this.json({
      ...this.modelItem(sha, report, this.servedBy()),
      evaluations: report?.evaluations ?? [],
    });
  }

  // --- views ----------------------------------------------------------------------------------

  private report(
    sha: string | null,
    cache: Map<string, ModelReportRecord | undefined>,
  ): ModelReportRecord | undefined {
    if (sha === null) return undefined;
    if (!cache.has(sha)) cache.set(sha, this.deps.store.getModelReport(sha));
    return cache.get(sha);
  }

  /** The header of a stored model, read once. */
  private summaryOf(sha: string): ModelSummary | undefined {
    if (!this.summaries.has(sha)) {
      let summary: ModelSummary | undefined;
      try {
        if (this.deps.models.has(sha)) {
          const info = this.deps.engine.inspectModel(this.deps.models.get(sha));
          summary = {
            learner: info.learner,
            labelColumn: info.labelColumn,
            featureColumns: info.featureColumns,
            trainedAt: info.trainedAt,
          };
        }
      } catch {
        summary = undefined;
      }
      this.summaries.set(sha, summary);
    }
    return this.summaries.get(sha);
  }

  private served(
    resource: string,
    sha: string | null,
    location: string,
    since: string | undefined,
    pending: ServedModel["pending"],
    reports: Map<string, ModelReportRecord | undefined>,
  ): ServedModel {
    const report = this.report(sha, reports);
    return {
      resource,
      sha256: sha,
      location: withoutQuery(location),
      version: location === "" ? undefined : modelVersionOf(withoutQuery(location)),
      since: sha === null ? undefined : since,
      pending,
      summary: report?.summary ?? (sha === null ? undefined : this.summaryOf(sha)),
      metrics: headline(report),
    };
  }

  private armView(
    record: ArmServiceRecord,
    info: RequestInfo,
    reports: Map<string, ModelReportRecord | undefined>,
  ): ArmServiceView {
    const serving = record.active;
    const shape = serving?.shape ?? record.shape;
    const models = shape.trainedModels.map(({ assetId, name }) =>
      this.served(
        name,
        serving?.models[assetId] ?? null,
        serving?.properties.assets?.[assetId]?.locationInfo.uri ?? "",
        serving?.servedSince?.[assetId],
        undefined,
        reports,
      ),
    );
    return {
      kind: "arm",
      executionId: record.executionId,
      label: record.name,
      state: record.provisioningState,
      apiLocation: `${info.baseUrl}/subscriptions/${record.executionScope}/services/${record.executionId}`,
      models,
      inputs: shape.inputs.map((i) => i.name),
      outputs: shape.outputs.map((o) => ({ name: o.name, kind: o.kind })),
      scorable: shape.outputs.every((o) => o.kind === "dataset"),
      subscriptionId: record.subscriptionId,
      resourceGroup: record.resourceGroup,
      name: record.name,
      title: record.properties.title,
      description: record.properties.description,
      location: record.location,
      createdOn: record.createdOn,
      modifiedOn: record.modifiedOn,
    };
  }

  private classicServiceView(
    service: ClassicServiceRecord,
    info: RequestInfo,
    reports: Map<string, ModelReportRecord | undefined>,
  ): ClassicServiceView {
    return {
      workspaceId: service.workspaceId,
      id: service.id,
      name: service.name,
      description: service.description,
      creationTime: service.creationTime,
      definitionVersion: service.definitionVersion,
      endpoints: this.deps.store
        .listEndpoints(service.key)
        .map((endpoint) => this.endpointView(service, endpoint, info, reports)),
    };
  }

  private endpointView(
    service: ClassicServiceRecord,
    endpoint: ClassicEndpointRecord,
    info: RequestInfo,
    reports: Map<string, ModelReportRecord | undefined>,
  ): ClassicEndpointView {
    const definition = this.deps.store.getDefinition(
      endpoint.serviceKey,
      endpoint.definitionVersion,
    );
    const shape = definition?.shape;
    const now = Date.now();
    const models = endpoint.resources.map((resource) => {
      const sha = effectiveSha(resource, now);
      const swapped = resource.pending !== undefined && sha === resource.pending.sha;
      const location =
        resource.location.BaseLocation === "" && resource.location.RelativeLocation === ""
          ? ""
          : `${resource.location.BaseLocation.replace(/\/+$/, "")}/${resource.location.RelativeLocation.replace(/^\/+/, "")}`;
      return this.served(
        resource.name,
        sha,
        location,
        swapped ? resource.pending?.effectiveAt : endpoint.version,
        resource.pending && !swapped
          ? { sha256: resource.pending.sha, effectiveAt: resource.pending.effectiveAt }
          : undefined,
        reports,
      );
    });
    return {
      kind: "classic",
      executionId: endpoint.executionId,
      label: `${service.name} / ${endpoint.name}`,
      state: definition ? "Succeeded" : "Unavailable",
      apiLocation: `${info.baseUrl}/workspaces/${endpoint.workspaceId}/services/${endpoint.executionId}`,
      models,
      inputs: shape?.inputs.map((i) => i.name) ?? [],
      outputs: shape?.outputs.map((o) => ({ name: o.name, kind: o.kind })) ?? [],
      scorable: shape !== undefined && shape.outputs.every((o) => o.kind === "dataset"),
      workspaceId: endpoint.workspaceId,
      webServiceId: endpoint.webServiceId,
      webServiceName: service.name,
      name: endpoint.name,
      description: endpoint.description,
      creationTime: endpoint.creationTime,
      throttleLevel: endpoint.throttleLevel,
      maxConcurrentCalls: endpoint.maxConcurrentCalls,
      diagnosticsTraceLevel: endpoint.diagnosticsTraceLevel,
      definitionVersion: endpoint.definitionVersion,
    };
  }

  private findTarget(executionId: string):
    | { kind: "arm"; executionId: string; record: ArmServiceRecord }
    | {
        kind: "classic";
        executionId: string;
        service: ClassicServiceRecord;
        endpoint: ClassicEndpointRecord;
      } {
    const id = executionId.toLowerCase();
    const record = this.deps.store.getArmServiceByExecutionId(id);
    if (record) return { kind: "arm", executionId: id, record };
    const endpoint = this.deps.store.getEndpointByExecutionId(id);
    const service = endpoint
      ? this.deps.store.getClassicService(endpoint.workspaceId, endpoint.webServiceId)
      : undefined;
    if (endpoint && service) return { kind: "classic", executionId: id, service, endpoint };
    throw ErrorFactory.portalItemNotFound("service or endpoint", executionId);
  }

  private definitionOf(found: ReturnType<PortalHandler["findTarget"]>): WebServiceProperties {
    if (found.kind === "arm") return found.record.active?.properties ?? found.record.properties;
    return (
      this.deps.store.getDefinition(found.endpoint.serviceKey, found.endpoint.definitionVersion)
        ?.properties ?? { packageType: "Graph" }
    );
  }

  private servingShape(found: ReturnType<PortalHandler["findTarget"]>) {
    if (found.kind === "arm") return found.record.active?.shape ?? found.record.shape;
    return this.deps.store.getDefinition(
      found.endpoint.serviceKey,
      found.endpoint.definitionVersion,
    )?.shape;
  }

  private jobSummary(job: JobRecord): JobSummaryView {
    const arm = this.deps.store.getArmServiceByExecutionId(job.targetId);
    let label = job.targetId;
    let kind: TargetKind | undefined;
    if (arm) {
      label = arm.name;
      kind = "arm";
    } else {
      const endpoint = this.deps.store.getEndpointByExecutionId(job.targetId);
      const service = endpoint
        ? this.deps.store.getClassicService(endpoint.workspaceId, endpoint.webServiceId)
        : undefined;
      if (endpoint) {
        label = `${service?.name ?? endpoint.webServiceId} / ${endpoint.name}`;
        kind = "classic";
      }
    }
    return {
      id: job.id,
      target: { executionId: job.targetId, label, kind },
      status: job.status,
      queued: job.status === "Running" && job.startTime === null,
      createdAt: job.createdAt,
      startTime: job.startTime,
      endTime: job.endTime,
      durationMs: durationMs(job, Date.now()),
      details: job.details,
    };
  }

  /** Who serves each model now (and which model waits for a swap), by sha-256. */
  private servedBy(): Map<string, ServedByView[]> {
    const by = new Map<string, ServedByView[]>();
    const add = (sha: string | null | undefined, view: ServedByView): void => {
      if (!sha) return;
      by.set(sha, [...(by.get(sha) ?? []), view]);
    };
    for (const record of this.deps.store.listAllArmServices()) {
      for (const { assetId, name } of record.active?.shape.trainedModels ?? []) {
        add(record.active?.models[assetId], {
          kind: "arm",
          executionId: record.executionId,
          label: record.name,
          resource: name,
          pending: false,
        });
      }
    }
    const now = Date.now();
    for (const service of this.deps.store.listAllClassicServices()) {
      for (const endpoint of this.deps.store.listEndpoints(service.key)) {
        for (const resource of endpoint.resources) {
          const sha = effectiveSha(resource, now);
          const view = {
            kind: "classic" as const,
            executionId: endpoint.executionId,
            label: `${service.name} / ${endpoint.name}`,
            resource: resource.name,
          };
          add(sha, { ...view, pending: false });
          if (resource.pending && resource.pending.sha !== sha)
            add(resource.pending.sha, { ...view, pending: true });
        }
      }
    }
    return by;
  }

  private modelItem(
    sha: string,
    report: ModelReportRecord | undefined,
    servedBy: Map<string, ServedByView[]>,
  ): ModelListItemView {
    const stored = this.deps.models.has(sha);
    const plots = report?.evaluations.find((e) => e.plots !== undefined)?.plots;
    let version = report ? modelVersionOf(report.location) : undefined;
    if (version === undefined) {
      // A model no job of this emulator wrote: the folder of where a service reads it from.
      for (const record of this.deps.store.listAllArmServices()) {
        for (const { assetId } of record.active?.shape.trainedModels ?? []) {
          const uri = record.active?.properties.assets?.[assetId]?.locationInfo.uri;
          if (record.active?.models[assetId] === sha && uri)
            version ??= modelVersionOf(withoutQuery(uri));
        }
      }
    }
    return {
      sha256: sha,
      bytes: report?.bytes ?? (stored ? this.deps.models.get(sha).byteLength : undefined),
      summary: report?.summary ?? this.summaryOf(sha),
      version,
      location: report?.location,
      createdAt: report?.createdAt,
      jobId: report?.jobId,
      metrics: headline(report),
      task: plots?.kind,
      servedBy: servedBy.get(sha) ?? [],
      stored,
    };
  }
}
