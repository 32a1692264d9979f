/**
 * What the portal shows of the v2 surface, read from the v2 store (and, for a job, its log file
 * and its outputs' blob listings): workspaces, online endpoints with their deployments and
 * traffic, model versions with their metrics, and command jobs, and a sample request per endpoint
 * (the first rows of the data its live version was trained on). Read-only: nothing here writes a
 * record, starts or stops anything.
 *
 * Nothing it answers carries a secret: endpoint keys and AML tokens (`secrets` of an endpoint),
 * datastore keys and SAS tokens are never read, environment variables are not shown, and literal
 * inputs whose name looks like a secret are `(hidden)`.
 */
import { open, stat } from "node:fs/promises";
import type {
  CommandJobProperties,
  JobInput,
  ModelVersionProperties,
  OnlineDeploymentProperties,
  OnlineEndpointProperties,
} from "../../../contract/v2";
import type {
  MetricReading,
  V2DeploymentView,
  V2EndpointDetailView,
  V2EndpointView,
  V2JobSummaryView,
  V2JobsView,
  V2JobView,
  V2CallsView,
  V2ModelVersionView,
  V2View,
  V2WorkspaceView,
} from "../../portal/api";
import { v2CallKey, type CallStats } from "../../services/callStats";
import { parseCsv } from "../../portal/web/csv";
import { V2Error } from "../errors";
import { keyOf, parseAssetReference } from "../ids";
import type { JobInternal, ProvisionedInternal, ResourceRecord } from "../store/records";
import type { V2Store } from "../store/v2Store";
import type { AssetResolver } from "./assets";
import { BlobAccessError, type DatastoreBlobs } from "./blobs";
import type { CommandJobRunner } from "./jobRunner";

/** Jobs a list shows at most. */
const JOB_LIST_LIMIT = 100;
/** The end of a job's log the portal shows. */
const LOG_TAIL_BYTES = 64 * 1024;
/** Files listed per output at most. */
const OUTPUT_FILES_LIMIT = 100;
/** Literal input names whose values are not shown. */
const SECRET_NAME = /key|password|secret|token|connection|sas|credential/i;
/** Rows of the training data in an endpoint's sample request. */
const SAMPLE_ROWS = 2;
/** The head of a training data file read for the sample (a few rows' worth, however large it is). */
const SAMPLE_HEAD_BYTES = 64 * 1024;
/** A cell that reads as a number in JSON. */
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
/** Metrics shown first, in this order, when a version has them. */
const HEADLINE = ["AUC", "Accuracy", "Precision", "Recall", "F1 Score"];

type JobRecord = ResourceRecord<unknown, JobInternal>;

/** The metrics of a version: its `metric.<name>` properties (how the retrain flow registers them). */
function metricsOf(properties: Readonly<Record<string, string>> | undefined): MetricReading[] {
  const entries = Object.entries(properties ?? {})
    .filter(([k, v]) => k.startsWith("metric.") && v !== "")
    .map(([k, v]) => [k.slice("metric.".length), v] as const);
  const rank = (name: string): number => {
    const at = HEADLINE.indexOf(name);
    return at < 0 ? HEADLINE.length : at;
  };
  return entries
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => {
      const number = Number(value);
      return { name, value: Number.isFinite(number) ? number.toFixed(4) : value };
    });
}

/** The portal's id of a record: its creation order (unique across the store, never reused). */
function portalId(record: ResourceRecord): string {
  return String(record.seq);
}

/** The v2 surface as the portal shows it. */
export class V2PortalQueries {
  /**
   * @param store - the v2 records
   * @param blobs - datastore access (job outputs)
   * @param jobs - the job runner (log files)
   * @param assets - asset references (a job's data input)
   * @param scoringUri - the scoring URI of an endpoint name (at the surface's public address)
   */
  constructor(
    private readonly store: V2Store,
    private readonly blobs: DatastoreBlobs,
    private readonly assets: AssetResolver,
    private readonly jobs: CommandJobRunner,
    private readonly scoringUri: (endpoint: string) => string,
    private readonly calls?: Pick<CallStats, "currentMinute" | "snapshot" | "window">,
  ) {}

  /** Every workspace with its endpoints, deployments, traffic and model versions. */
  overview(): V2View {
    const workspaces: V2WorkspaceView[] = this.store.listKind("workspaces").map((ws) => {
      const versions = this.store
        .listKind("models/versions")
        .filter((v) => v.key.startsWith(`${ws.key}/`));
      const jobsByName = new Map(
        this.store.list(ws.key, "jobs").items.map((j) => [j.name.toLowerCase(), j]),
      );
      const jobOf = (name: string | undefined) => {
        const job = name ? jobsByName.get(name.toLowerCase()) : undefined;
        return job ? { id: portalId(job), name: job.name } : undefined;
      };
      const servedBy = new Map<string, string[]>();
      const endpoints: V2EndpointView[] = this.store
        .list(ws.key, "onlineEndpoints")
        .items.map((endpoint) => {
          const props = endpoint.body.properties as unknown as OnlineEndpointProperties;
          const deployments: V2DeploymentView[] = this.store
            .list(endpoint.key, "onlineEndpoints/deployments")
            .items.map((d) => {
              const dp = d.body.properties as unknown as OnlineDeploymentProperties;
              const reference = dp.model
                ? parseAssetReference(dp.model, ws.workspace, "models")
                : undefined;
              let model: V2DeploymentView["model"];
              let version: ResourceRecord | undefined;
              if (reference && typeof reference !== "string" && reference.kind === "version") {
                model = { name: reference.name, version: reference.version };
                version = versions.find(
                  (v) =>
                    v.key ===
                    keyOf(`${ws.id}/models/${reference.name}/versions/${reference.version}`),
                );
                if (version) {
                  const list = servedBy.get(version.key) ?? [];
                  list.push(`${endpoint.name}/${d.name}`);
                  servedBy.set(version.key, list);
                }
              }
              const vp = version?.body.properties as unknown as ModelVersionProperties | undefined;
              const sku = d.body.sku as { capacity?: number; name?: string } | undefined;
              return {
                name: d.name,
                state:
                  (d.internal as ProvisionedInternal | undefined)?.provisioningState ?? "Unknown",
                traffic: props.traffic?.[d.name] ?? 0,
                mirror: props.mirrorTraffic?.[d.name] ?? 0,
                model,
                instanceType: dp.instanceType,
                instanceCount: sku?.capacity,
                createdAt: d.createdAt,
                metrics: metricsOf(vp?.properties),
                job: jobOf(vp?.jobName),
              };
            });
          return {
            name: endpoint.name,
            state:
              (endpoint.internal as ProvisionedInternal | undefined)?.provisioningState ??
              "Unknown",
            authMode: props.authMode,
            scoringUri: this.scoringUri(endpoint.name),
            createdAt: endpoint.createdAt,
            deployments,
          };
        });
      const models: V2ModelVersionView[] = [...versions]
        .sort((a, b) => b.seq - a.seq)
        .map((v) => {
          const vp = v.body.properties as unknown as ModelVersionProperties;
          return {
            // …/models/{name}/versions/{version}
            name: v.id.split("/").slice(-3)[0],
            version: v.name,
            createdAt: v.createdAt,
            tags: { ...(vp.tags ?? {}) },
            metrics: metricsOf(vp.properties),
            job: jobOf(vp.jobName),
            servedBy: servedBy.get(v.key) ?? [],
          };
        });
      return {
        subscriptionId: ws.workspace.subscriptionId,
        resourceGroup: ws.workspace.resourceGroup,
        name: ws.name,
        location: ws.body.location ?? "",
        createdAt: ws.createdAt,
        endpoints,
        models,
      };
    });
    return { workspaces };
  }

  /**
   * One endpoint with a sample request for its Test and Consume pages; undefined when there is
   * no endpoint with that name.
   * @param name - the endpoint name (unique across the emulator)
   */
  async endpoint(name: string): Promise<V2EndpointDetailView | undefined> {
    for (const workspace of this.overview().workspaces) {
      const endpoint = workspace.endpoints.find((e) => e.name.toLowerCase() === name.toLowerCase());
      if (!endpoint) continue;
      // The deployment most calls reach (the first of equals): its version's training data.
      const live = [...endpoint.deployments].sort((a, b) => b.traffic - a.traffic)[0];
      const rows = live?.job ? await this.trainingRows(live.job.id) : undefined;
      return {
        subscriptionId: workspace.subscriptionId,
        resourceGroup: workspace.resourceGroup,
        workspace: workspace.name,
        endpoint,
        sample: { data: rows?.rows ?? [] },
        sampleSource: rows?.source,
        ...(this.calls ? { calls: callsOf(this.calls, endpoint) } : {}),
      };
    }
    return undefined;
  }

  /**
   * The first rows of a job's first CSV file input, as objects of column and value; undefined
   * when the job has none or it cannot be read.
   */
  private async trainingRows(
    jobId: string,
  ): Promise<{ rows: Record<string, string | number | null>[]; source: string } | undefined> {
    const job = this.store.listKind("jobs").find((j) => portalId(j) === jobId) as
      JobRecord | undefined;
    if (!job) return undefined;
    const props = job.body.properties as unknown as CommandJobProperties;
    for (const [name, input] of Object.entries(props.inputs ?? {}) as [string, JobInput][]) {
      if (input.jobInputType !== "uri_file") continue;
      let uri = input.uri ?? "";
      if (/^azureml:[^/]/i.test(uri) || /\/data\/[^/]+\/versions\//i.test(uri)) {
        let resolved: ReturnType<AssetResolver["resolve"]>;
        try {
          resolved = this.assets.resolve(job.workspace, "data", uri, name);
        } catch (error) {
          // A reference that names nothing (any more): no sample from it.
          if (error instanceof V2Error) continue;
          throw error;
        }
        if (resolved.kind !== "version") continue;
        uri = (resolved.record.body.properties as { dataUri?: string }).dataUri ?? "";
      }
      if (!/\.csv$/i.test(uri.split("?")[0])) continue;
      let head: { text: string; whole: boolean } | undefined;
      try {
        head = await this.blobs.readHead(this.blobs.resolve(job.workspace, uri), SAMPLE_HEAD_BYTES);
      } catch (error) {
        if (error instanceof BlobAccessError) continue;
        throw error;
      }
      if (head === undefined) continue;
      const parsed = parseCsv(head.text);
      // The last row of a cut head may be cut too.
      if (!head.whole) parsed.pop();
      const [header, ...body] = parsed.slice(0, SAMPLE_ROWS + 1);
      if (!header || body.length === 0) continue;
      const columns = header.map((c) => c.trim());
      return {
        source: uri.split("?")[0],
        rows: body.map((cells) =>
          Object.fromEntries(
            columns.map((column, i) => {
              const cell = (cells[i] ?? "").trim();
              return [column, cell === "" ? null : NUMBER.test(cell) ? Number(cell) : cell];
            }),
          ),
        ),
      };
    }
    return undefined;
  }

  private summary(job: JobRecord, now: number): V2JobSummaryView {
    const props = job.body.properties as unknown as CommandJobProperties;
    const internal = job.internal;
    const start = internal?.startTime ?? null;
    const end = internal?.endTime ?? null;
    return {
      id: portalId(job),
      name: job.name,
      workspace: job.workspace.workspace,
      displayName: props.displayName,
      experimentName: props.experimentName,
      status: internal?.status ?? "NotStarted",
      createdAt: job.createdAt,
      startTime: start,
      endTime: end,
      durationMs:
        start === null ? null : Math.max(0, (end ? Date.parse(end) : now) - Date.parse(start)),
      reason: internal?.reason,
    };
  }

  /** The latest jobs of every workspace, newest first. */
  jobList(): V2JobsView {
    const now = Date.now();
    const jobs = [...this.store.listKind("jobs")]
      .sort((a, b) => b.seq - a.seq)
      .slice(0, JOB_LIST_LIMIT)
      .map((j) => this.summary(j as JobRecord, now));
    return { jobs };
  }

  /**
   * One job: its command, inputs, outputs (with their files) and the end of its log; undefined
   * when there is none with that id.
   * @param id - the portal's id of the job
   */
  async job(id: string): Promise<V2JobView | undefined> {
    const record = this.store.listKind("jobs").find((j) => portalId(j) === id) as
      JobRecord | undefined;
    if (!record) return undefined;
    const props = record.body.properties as unknown as CommandJobProperties;
    const inputs = Object.entries(props.inputs ?? {}).map(([name, input]) => ({
      name,
      type: input.jobInputType,
      value:
        input.jobInputType === "literal"
          ? SECRET_NAME.test(name)
            ? "(hidden)"
            : (input.value ?? "")
          : (input.uri ?? "").split("?")[0],
    }));
    const finished = ["Completed", "Failed", "Canceled"].includes(record.internal?.status ?? "");
    const outputs = await Promise.all(
      Object.entries(props.outputs ?? {}).map(async ([name, output]) => {
        const uri = (record.internal?.outputUris[name] ?? output.uri ?? "").split("?")[0];
        let files: { path: string; bytes: number }[] = [];
        if (finished && uri !== "") {
          try {
            files = await this.blobs.list(
              this.blobs.resolve(record.workspace, uri),
              OUTPUT_FILES_LIMIT,
            );
          } catch (error) {
            if (!(error instanceof BlobAccessError)) throw error;
          }
        }
        return { name, type: output.jobOutputType, uri, files };
      }),
    );
    const { text, truncated } = await this.logTail(record);
    return {
      ...this.summary(record, Date.now()),
      command: props.command,
      inputs,
      outputs,
      log: text,
      logTruncated: truncated,
    };
  }

  private async logTail(job: JobRecord): Promise<{ text: string; truncated: boolean }> {
    const file = this.jobs.logFileOf(job);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      return { text: "", truncated: false };
    }
    const start = Math.max(0, size - LOG_TAIL_BYTES);
    const handle = await open(file, "r");
    try {
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      let text = buffer.toString("utf8");
      // Start at a whole line when the head was cut.
      if (start > 0) text = text.slice(text.indexOf("\n") + 1);
      return { text, truncated: start > 0 };
    } finally {
      await handle.close();
    }
  }
}

/**
 * The scoring calls of each of an endpoint's deployments, all read at one minute.
 * @param calls - the emulator's call counts
 * @param endpoint - the endpoint
 */
function callsOf(
  calls: Pick<CallStats, "currentMinute" | "snapshot" | "window">,
  endpoint: V2EndpointView,
): V2CallsView {
  const current = calls.currentMinute();
  return {
    ...calls.window(current),
    deployments: endpoint.deployments.map((d) => {
      const { rrs, perMinute } = calls.snapshot(v2CallKey(endpoint.name, d.name), current);
      return {
        name: d.name,
        totals: rrs,
        perMinute: perMinute.map((m) => m.rrs),
        failedPerMinute: perMinute.map((m) => m.rrsFailed),
      };
    }),
  };
}
