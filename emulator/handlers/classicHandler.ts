/**
 * The classic management API ("Web Services Management for Azure ML" v1.0, `docs/contracts.md`
 * §3): web services and their endpoints under `/workspaces/{ws}/webservices`. The one retraining
 * call is the endpoint PATCH of `Resources`: it downloads the new model through the given SAS,
 * caches it, and swaps it in atomically (after `--swap-delay-ms`); only non-default endpoints of
 * a predictive service take a new model.
 */
import type {
  AzureBlobDetails,
  ClassicEndpoint,
  ClassicWebService,
  EndpointResource,
} from "../../contract";
import { newHexId, newKey } from "../auth/secrets";
import type { EmulatorConfig } from "../config";
import { DEFAULT_ENDPOINT_NAME } from "../constants";
import { ErrorFactory } from "../errors";
import type { JobRemover } from "../jobs/jobRemover";
import type { Logger } from "../logger";
import { effectiveSha } from "../services/executionTargets";
import type { ModelFetcher } from "../services/modelFetcher";
import type { MetadataStore } from "../store/metadataStore";
import type {
  ClassicEndpointRecord,
  ClassicServiceRecord,
  EndpointResourceState,
} from "../store/records";
import { fetchTrainedModel, locationRef, readResourceLocation } from "./trainedModels";
import type { HandlerResponse, RequestInfo } from "./types";
import { isObject, nowIso, optionalString, pickMembers, rejectUnknown } from "./util";

/** Path parameters of a classic web service. */
export interface ClassicServiceParams {
  readonly workspaceId: string;
  readonly webServiceId: string;
}

/** Path parameters of a classic endpoint. */
export interface ClassicEndpointParams extends ClassicServiceParams {
  readonly endpointName: string;
}

/** An endpoint with its web service, as read from the store. */
export interface FoundEndpoint {
  readonly service: ClassicServiceRecord;
  readonly endpoint: ClassicEndpointRecord;
}

const ENDPOINT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$/;
const TRACE_LEVELS = ["None", "Error", "All"] as const;
const MAX_CONCURRENT_CALLS = 200;
const LOW_THROTTLE_CALLS = 4;
const HIGH_THROTTLE_DEFAULT_CALLS = 20;
const MAX_DESCRIPTION = 2000;

/** An empty location, shown for a resource that never had a model. */
export const EMPTY_LOCATION: AzureBlobDetails = {
  BaseLocation: "",
  RelativeLocation: "",
  SasBlobToken: "",
};

/**
 * Splits an asset uri into the classic `Location` triple (BaseLocation + RelativeLocation
 * reproduce the URL; a SAS query becomes the SasBlobToken).
 * @param uri - an http(s) blob URL
 */
export function locationOfUri(uri: string): AzureBlobDetails {
  const url = new URL(uri);
  return {
    BaseLocation: `${url.protocol}//${url.host}/`,
    RelativeLocation: url.pathname.replace(/^\//, ""),
    SasBlobToken: url.search,
  };
}

/**
 * The wire form of a classic web service.
 * @param service - the record
 * @param endpointCount - how many endpoints it has
 */
export function webServiceView(
  service: ClassicServiceRecord,
  endpointCount: number,
): ClassicWebService {
  return {
    Id: service.id,
    Name: service.name,
    ...(service.description !== undefined ? { Description: service.description } : {}),
    CreationTime: service.creationTime,
    WorkspaceId: service.workspaceId,
    DefaultEndpointName: DEFAULT_ENDPOINT_NAME,
    EndpointCount: endpointCount,
  };
}

/**
 * The wire form of a classic endpoint.
 * @param endpoint - the record
 * @param info - request facts (base URL)
 */
export function endpointView(endpoint: ClassicEndpointRecord, info: RequestInfo): ClassicEndpoint {
  const path = `workspaces/${endpoint.workspaceId}/webservices/${endpoint.webServiceId}/endpoints/${endpoint.name}`;
  const resources: EndpointResource[] = endpoint.resources.map((resource) => ({
    Name: resource.name,
    Kind: "TrainedModel",
    Location: { ...resource.location },
  }));
  return {
    Name: endpoint.name,
    ...(endpoint.description !== undefined ? { Description: endpoint.description } : {}),
    CreationTime: endpoint.creationTime,
    WorkspaceId: endpoint.workspaceId,
    WebServiceId: endpoint.webServiceId,
    HelpLocation: `${info.baseUrl}/apihelp/${path}`,
    PrimaryKey: endpoint.primaryKey,
    SecondaryKey: endpoint.secondaryKey,
    ApiLocation: `${info.baseUrl}/workspaces/${endpoint.workspaceId}/services/${endpoint.executionId}`,
    Resources: resources,
    Version: endpoint.version,
    MaxConcurrentCalls: endpoint.maxConcurrentCalls,
    DiagnosticsTraceLevel: endpoint.diagnosticsTraceLevel,
    ThrottleLevel: endpoint.throttleLevel,
  };
}

/** Handlers of the classic management surface. */
export class ClassicHandler {
  /**
   * @param config - strictness, swap delay
   * @param store - records
   * @param fetcher - downloads PATCHed models
   * @param jobs - cancels jobs of deleted endpoints
   * @param logger - log lines
   */
  constructor(
    private readonly config: EmulatorConfig,
    private readonly store: MetadataStore,
    private readonly fetcher: ModelFetcher,
    private readonly jobs: JobRemover,
    private readonly logger: Logger,
  ) {}

  private requireService(params: ClassicServiceParams): ClassicServiceRecord {
    const service = this.store.getClassicService(params.workspaceId, params.webServiceId);
    if (!service) {
      if (!this.store.hasWorkspace(params.workspaceId))
        throw ErrorFactory.workspaceNotFound(params.workspaceId);
      throw ErrorFactory.webServiceNotFound(params.webServiceId);
    }
    return service;
  }

  private requireEndpoint(params: ClassicEndpointParams): FoundEndpoint {
    const service = this.requireService(params);
    const endpoint = this.store.getEndpoint(service.key, params.endpointName);
    if (!endpoint) throw ErrorFactory.endpointNotFound(params.endpointName);
    return { service, endpoint };
  }

  /**
   * GET the web services of a workspace (204 when there are none).
   * @param workspaceId - the workspace
   */
  listWebServices(workspaceId: string): HandlerResponse<ClassicWebService[]> {
    if (!this.store.hasWorkspace(workspaceId)) throw ErrorFactory.workspaceNotFound(workspaceId);
    const services = this.store.listClassicServices(workspaceId);
    if (services.length === 0) return { status: 204 };
    return {
      status: 200,
      body: services.map((s) => webServiceView(s, this.store.countEndpoints(s.key))),
    };
  }

  /**
   * GET one web service.
   * @param params - workspace and web service
   */
  getWebService(params: ClassicServiceParams): HandlerResponse<ClassicWebService> {
    const service = this.requireService(params);
    return {
      status: 200,
      body: webServiceView(service, this.store.countEndpoints(service.key)),
    };
  }

  /**
   * DELETE a web service with its endpoints and their jobs.
   * @param params - workspace and web service
   */
  deleteWebService(params: ClassicServiceParams): HandlerResponse {
    const service = this.requireService(params);
    for (const endpoint of this.store.listEndpoints(service.key))
      this.jobs.removeAllFor(endpoint.executionId);
    this.store.deleteClassicService(service.key);
    this.logger.info(`classic web service ${service.name}: deleted`);
    return { status: 204 };
  }

  /**
   * GET the endpoints of a web service (204 when there are none).
   * @param params - workspace and web service
   * @param info - request facts
   */
  listEndpoints(
    params: ClassicServiceParams,
    info: RequestInfo,
  ): HandlerResponse<ClassicEndpoint[]> {
    const service = this.requireService(params);
    const endpoints = this.store.listEndpoints(service.key);
    if (endpoints.length === 0) return { status: 204 };
    return { status: 200, body: endpoints.map((e) => endpointView(e, info)) };
  }

  /**
   * GET one endpoint (workspace token, or the endpoint's own key).
   * @param params - workspace, web service, endpoint
   * @param info - request facts
   * @param found - the endpoint as the authentication step read it, when it did
   */
  getEndpoint(
    params: ClassicEndpointParams,
    info: RequestInfo,
    found?: FoundEndpoint,
  ): HandlerResponse<ClassicEndpoint> {
    const { endpoint } = found ?? this.requireEndpoint(params);
    return { status: 200, body: endpointView(endpoint, info) };
  }

  /** Validates the settable members shared by PUT and PATCH. */
  private settings(
    values: Partial<
      Record<
        "Description" | "ThrottleLevel" | "MaxConcurrentCalls" | "DiagnosticsTraceLevel",
        unknown
      >
    >,
    current:
      | Pick<
          ClassicEndpointRecord,
          "description" | "throttleLevel" | "maxConcurrentCalls" | "diagnosticsTraceLevel"
        >
      | undefined,
  ): Pick<
    ClassicEndpointRecord,
    "description" | "throttleLevel" | "maxConcurrentCalls" | "diagnosticsTraceLevel"
  > {
    const description = optionalString(values.Description, "Description") ?? current?.description;
    if (description !== undefined && description.length > MAX_DESCRIPTION) {
      throw ErrorFactory.badParameterValue("Description", `at most ${MAX_DESCRIPTION} characters`);
    }
    const throttleText = optionalString(values.ThrottleLevel, "ThrottleLevel");
    let throttleLevel = current?.throttleLevel ?? "Low";
    if (throttleText !== undefined) {
      const match = (["Low", "High"] as const).find(
        (t) => t.toLowerCase() === throttleText.toLowerCase(),
      );
      if (!match) throw ErrorFactory.badParameterValue("ThrottleLevel", "must be 'Low' or 'High'");
      throttleLevel = match;
    }
    let maxConcurrentCalls = current?.maxConcurrentCalls ?? LOW_THROTTLE_CALLS;
    const calls = values.MaxConcurrentCalls;
    if (calls !== undefined && calls !== null) {
      // One published sample sends the number as a string.
      const n = typeof calls === "string" && calls.trim() !== "" ? Number(calls) : calls;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_CONCURRENT_CALLS) {
        throw ErrorFactory.badParameterValue(
          "MaxConcurrentCalls",
          `must be an integer from 1 to ${MAX_CONCURRENT_CALLS}`,
        );
      }
      maxConcurrentCalls = n;
    } else if (
      throttleText !== undefined &&
      throttleLevel === "High" &&
      current?.throttleLevel !== "High"
    ) {
      maxConcurrentCalls = HIGH_THROTTLE_DEFAULT_CALLS;
    }
    // ThrottleLevel Low caps concurrency at 4 (the PowerShell module drops MaxConcurrentCalls).
    if (throttleLevel === "Low")
      maxConcurrentCalls = Math.min(maxConcurrentCalls, LOW_THROTTLE_CALLS);
    const traceText = optionalString(values.DiagnosticsTraceLevel, "DiagnosticsTraceLevel");
    let diagnosticsTraceLevel = current?.diagnosticsTraceLevel ?? "None";
    if (traceText !== undefined) {
      const match = TRACE_LEVELS.find((t) => t.toLowerCase() === traceText.toLowerCase());
      if (!match)
        throw ErrorFactory.badParameterValue(
          "DiagnosticsTraceLevel",
          "must be 'None', 'Error' or 'All'",
        );
      diagnosticsTraceLevel = match;
    }
    return { description, throttleLevel, maxConcurrentCalls, diagnosticsTraceLevel };
  }

  /**
   * PUT: create an endpoint (201; it copies the web service's current model) or update its
   * settings (200).
   * @param params - workspace, web service, endpoint
   * @param body - `{Description, ThrottleLevel, MaxConcurrentCalls}`
   * @param info - request facts
   */
  putEndpoint(
    params: ClassicEndpointParams,
    body: unknown,
    info: RequestInfo,
  ): HandlerResponse<ClassicEndpoint> {
    const service = this.requireService(params);
    if (!ENDPOINT_NAME.test(params.endpointName))
      throw ErrorFactory.invalidEndpointName(params.endpointName);
    const object = body === undefined || body === null ? {} : body;
    if (!isObject(object)) throw ErrorFactory.requestBodyInvalid("the body must be a JSON object");
    // The PowerShell SDK also serializes WebServiceId and EndpointName: known, ignored.
    const { values, unknown } = pickMembers(object, [
      "Description",
      "ThrottleLevel",
      "MaxConcurrentCalls",
      "DiagnosticsTraceLevel",
      "WebServiceId",
      "EndpointName",
    ]);
    rejectUnknown(unknown, this.config.strict);
    const existing = this.store.getEndpoint(service.key, params.endpointName);
    const settings = this.settings(values, existing);
    if (existing) {
      const updated = { ...existing, ...settings };
      this.store.putEndpoint(updated);
      return { status: 200, body: endpointView(updated, info) };
    }
    const source = this.store.getEndpoint(service.key, DEFAULT_ENDPOINT_NAME);
    const definition = this.store.getDefinition(service.key, service.definitionVersion);
    const now = nowIso();
    const resources: EndpointResourceState[] = (definition?.shape.trainedModels ?? []).map(
      (model) => {
        const from = source?.resources.find((r) => r.assetId === model.assetId);
        return {
          name: model.name,
          assetId: model.assetId,
          location: from ? { ...from.location } : { ...EMPTY_LOCATION },
          sha: from ? effectiveSha(from) : null,
          pending: undefined,
        };
      },
    );
    const endpoint: ClassicEndpointRecord = {
      serviceKey: service.key,
      workspaceId: service.workspaceId,
      webServiceId: service.id,
      name: params.endpointName,
      executionId: newHexId(),
      ...settings,
      creationTime: now,
      primaryKey: newKey(),
      secondaryKey: newKey(),
      definitionVersion: service.definitionVersion,
      version: now,
      resources,
    };
    this.store.putEndpoint(endpoint);
    this.logger.info(`classic web service ${service.name}: endpoint ${endpoint.name} created`);
    return { status: 201, body: endpointView(endpoint, info) };
  }

  /**
   * PATCH: replace trained models (`Resources`) and/or change settings. Answers 200 with the
   * endpoint once the model is downloaded and cached; it serves the new model from then on (or
   * after `--swap-delay-ms`).
   * @param params - workspace, web service, endpoint
   * @param body - `{Resources?, Description?, DiagnosticsTraceLevel?, ThrottleLevel?, MaxConcurrentCalls?}`
   * @param info - request facts
   * @param found - the endpoint as the authentication step read it, when it did
   */
  async patchEndpoint(
    params: ClassicEndpointParams,
    body: unknown,
    info: RequestInfo,
    found?: FoundEndpoint,
  ): Promise<HandlerResponse<ClassicEndpoint>> {
    const { service, endpoint } = found ?? this.requireEndpoint(params);
    if (!isObject(body)) throw ErrorFactory.requestBodyInvalid("the body must be a JSON object");
    const { values, unknown } = pickMembers(body, [
      "Resources",
      "Description",
      "DiagnosticsTraceLevel",
      "ThrottleLevel",
      "MaxConcurrentCalls",
    ]);
    rejectUnknown(unknown, this.config.strict);
    const settings = this.settings(values, endpoint);

    const changes = new Map<string, { location: AzureBlobDetails; sha: string }>();
    if (values.Resources !== undefined && values.Resources !== null) {
      if (!Array.isArray(values.Resources))
        throw ErrorFactory.requestBodyInvalid("'Resources' must be an array");
      if (values.Resources.length > 0) {
        if (endpoint.resources.length === 0) throw ErrorFactory.noUpdatableResources();
        if (endpoint.name === DEFAULT_ENDPOINT_NAME)
          throw ErrorFactory.defaultEndpointNotUpdatable();
      }
      for (const [i, item] of values.Resources.entries()) {
        const { resource, location } = readResourceLocation(item, i, (name) => {
          if (!name) throw ErrorFactory.requestBodyInvalid(`'Resources[${i}].Name' is empty`);
          const match = endpoint.resources.find((r) => r.name === name);
          if (!match) {
            throw ErrorFactory.unknownResourceName(
              name,
              endpoint.resources.map((r) => `'${r.name}'`).join(", "),
            );
          }
          return match;
        });
        const ref = locationRef(location, resource.name);
        const sha = await fetchTrainedModel(this.fetcher, ref, resource.name);
        changes.set(resource.assetId, { location, sha });
      }
    }

    // Re-read after the downloads: another request may have changed the endpoint meanwhile.
    const current = this.store.getEndpoint(service.key, endpoint.name);
    if (!current) throw ErrorFactory.endpointNotFound(endpoint.name);
    const now = Date.now();
    const effectiveAt = new Date(now + this.config.swapDelayMs).toISOString();
    const resources = current.resources.map((resource): EndpointResourceState => {
      const change = changes.get(resource.assetId);
      if (!change) return resource;
      if (this.config.swapDelayMs === 0) {
        return { ...resource, location: change.location, sha: change.sha, pending: undefined };
      }
      // Keep serving the model in effect now until the swap time.
      return {
        ...resource,
        location: change.location,
        sha: effectiveSha(resource, now),
        pending: { sha: change.sha, effectiveAt },
      };
    });
    const updated: ClassicEndpointRecord = {
      ...current,
      ...settings,
      resources,
      version: changes.size > 0 ? new Date(now).toISOString() : current.version,
    };
    this.store.putEndpoint(updated);
    if (changes.size > 0) {
      this.logger.info(
        `classic endpoint ${endpoint.name} of ${service.name}: ${changes.size} trained model(s) replaced` +
          (this.config.swapDelayMs > 0 ? `, served from ${effectiveAt}` : ""),
      );
    }
    return { status: 200, body: endpointView(updated, info) };
  }

  /**
   * DELETE an endpoint (the default one only when it is the last).
   * @param params - workspace, web service, endpoint
   */
  deleteEndpoint(params: ClassicEndpointParams): HandlerResponse {
    const { service, endpoint } = this.requireEndpoint(params);
    if (endpoint.name === DEFAULT_ENDPOINT_NAME && this.store.countEndpoints(service.key) > 1)
      throw ErrorFactory.cannotDeleteDefaultEndpoint();
    this.jobs.removeAllFor(endpoint.executionId);
    this.store.deleteEndpoint(service.key, endpoint.name);
    this.logger.info(`classic web service ${service.name}: endpoint ${endpoint.name} deleted`);
    return { status: 204 };
  }

  /**
   * POST refresh: bring the endpoint to the web service's latest definition and, with
   * `OverwriteResources`, to the default endpoint's models. 200 with the endpoint when something
   * changed, 304 when nothing did.
   * @param params - workspace, web service, endpoint
   * @param body - `{"OverwriteResources": "True"}` (a .NET bool string or a JSON bool)
   * @param info - request facts
   */
  refreshEndpoint(
    params: ClassicEndpointParams,
    body: unknown,
    info: RequestInfo,
  ): HandlerResponse<ClassicEndpoint> {
    const { service, endpoint } = this.requireEndpoint(params);
    const object = body === undefined || body === null ? {} : body;
    if (!isObject(object)) throw ErrorFactory.requestBodyInvalid("the body must be a JSON object");
    const { values, unknown } = pickMembers(object, ["OverwriteResources"]);
    rejectUnknown(unknown, this.config.strict);
    const flag = values.OverwriteResources;
    if (
      flag !== undefined &&
      flag !== null &&
      typeof flag !== "boolean" &&
      !/^(true|false)$/i.test(String(flag))
    ) {
      throw ErrorFactory.badParameterValue("OverwriteResources", "must be 'True' or 'False'");
    }
    const overwrite = flag === true || /^true$/i.test(String(flag ?? ""));
    const definition = this.store.getDefinition(service.key, service.definitionVersion);
    const source = this.store.getEndpoint(service.key, DEFAULT_ENDPOINT_NAME);
    let changed = endpoint.definitionVersion !== service.definitionVersion;
    const resources = (definition?.shape.trainedModels ?? []).map(
      (model): EndpointResourceState => {
        const own = endpoint.resources.find((r) => r.name === model.name);
        const fromDefault = source?.resources.find((r) => r.name === model.name);
        if (overwrite && fromDefault && endpoint.name !== DEFAULT_ENDPOINT_NAME) {
          const sha = effectiveSha(fromDefault);
          if (!own || effectiveSha(own) !== sha || own.pending) changed = true;
          return {
            name: model.name,
            assetId: model.assetId,
            location: { ...fromDefault.location },
            sha,
            pending: undefined,
          };
        }
        if (own) return { ...own, assetId: model.assetId };
        changed = true;
        return {
          name: model.name,
          assetId: model.assetId,
          location: { ...EMPTY_LOCATION },
          sha: null,
          pending: undefined,
        };
      },
    );
    if (!changed) return { status: 304 };
    const updated: ClassicEndpointRecord = {
      ...endpoint,
      definitionVersion: service.definitionVersion,
      resources,
      version: nowIso(),
    };
    this.store.putEndpoint(updated);
    this.logger.info(`classic endpoint ${endpoint.name} of ${service.name}: refreshed`);
    return { status: 200, body: endpointView(updated, info) };
  }
}
