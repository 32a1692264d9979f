/**
 * Managed online endpoints and their deployments.
 *
 * Writes are long-running (PUT: `Azure-AsyncOperation`; DELETE and regenerateKeys: `Location`)
 * and one at a time per endpoint (a second write answers 409). An identical PUT of a Succeeded
 * resource answers 200 at once, with nothing restarted.
 *
 * Traffic: GET shows the declared `traffic` and `mirrorTraffic`; the scoring router uses the
 * *applied* ones, which change atomically when the endpoint's operation succeeds (a failed one
 * keeps the old). A deployment is provisioned by fetching its model and code and starting its
 * container; `model`, `codeConfiguration`, `instanceType` and `endpointComputeType` never change
 * in place; other changes start a new container and swap it in. A deployment with live or
 * mirrored traffic cannot be deleted; deletion drains the calls in flight first.
 */
import { randomBytes } from "node:crypto";
import type {
  EndpointKeys,
  EndpointToken,
  OnlineDeploymentProperties,
  OnlineEndpointProperties,
  V2Resource,
} from "../../../contract/v2";
import { registerSecret } from "../../logger";
import {
  DEFAULT_INSTANCE_TYPE,
  DEPLOYMENT_NAME_PATTERN,
  ENDPOINT_NAME_PATTERN,
  TOKEN_REFRESH_S,
  TOKEN_VALIDITY_S,
} from "../constants";
import { V2Errors } from "../errors";
import { childArmId, keyOf, parseDuration, type WorkspaceRef } from "../ids";
import { trafficProblem } from "../services/routing";
import type { EndpointSecretsRecord, ProvisionedInternal, ResourceRecord } from "../store/records";
import {
  canonical,
  envelopeOf,
  firstDifference,
  isObject,
  listPage,
  nowIso,
  optionalString,
  requireWorkspace,
  requiredString,
  resourceBody,
  stringMap,
  viewOf,
  type V2Request,
  type V2Response,
  type V2Services,
} from "./common";

/** Internal state of an endpoint: the traffic the router applies. */
export interface EndpointInternal extends ProvisionedInternal {
  readonly appliedTraffic: Readonly<Record<string, number>>;
  readonly appliedMirror: Readonly<Record<string, number>>;
}

/** An endpoint record. */
export type EndpointRecord = ResourceRecord<EndpointSecretsRecord, EndpointInternal>;
/** A deployment record. */
export type DeploymentRecord = ResourceRecord<unknown, ProvisionedInternal>;

const AUTH_MODES = ["Key", "AMLToken", "AADToken"];
/** Deployment members that are never changed in place. */
const DEPLOYMENT_IMMUTABLE = ["endpointComputeType", "model", "codeConfiguration", "instanceType"];

/** A 32-character key (the shape of Azure's endpoint keys). */
function newEndpointKey(): string {
  const key = randomBytes(24).toString("base64url");
  registerSecret(key);
  return key;
}

function percentMap(value: unknown, target: string): Record<string, number> {
  if (value === undefined || value === null) return {};
  if (!isObject(value))
    throw V2Errors.invalidTraffic(target, "must map deployment names to percents");
  const out: Record<string, number> = {};
  for (const [name, percent] of Object.entries(value)) {
    if (typeof percent !== "number")
      throw V2Errors.invalidTraffic(target, `the percent of ${name} must be a number`);
    out[name] = percent;
  }
  return out;
}

/** Handlers of online endpoints and deployments. */
export class EndpointHandler {
  /** Endpoint names → keys (names are unique across the emulator). */
  private readonly byName = new Map<string, string>();

  /** @param services - store, operations, deployment containers */
  constructor(private readonly services: V2Services) {}

  // ------------------------------------------------------------------------------------------
  // Lookups shared with the scoring router
  // ------------------------------------------------------------------------------------------

  /**
   * The endpoint of a scoring URL, by name.
   * @param name - the endpoint name
   */
  endpointByName(name: string): EndpointRecord | undefined {
    const lower = name.toLowerCase();
    let key = this.byName.get(lower);
    if (key === undefined) {
      key = this.services.store
        .listKind("onlineEndpoints")
        .find((r) => r.name.toLowerCase() === lower)?.key;
      if (key === undefined) return undefined;
      this.byName.set(lower, key);
    }
    const record = this.services.store.get<EndpointSecretsRecord, EndpointInternal>(key);
    if (!record) this.byName.delete(lower);
    return record;
  }

  /** The scoring URI of an endpoint. */
  scoringUri(baseUrl: string, name: string): string {
    return `${baseUrl}/inference/${encodeURIComponent(name)}/score`;
  }

  // ------------------------------------------------------------------------------------------
  // Endpoints
  // ------------------------------------------------------------------------------------------

  private endpointKey(ws: WorkspaceRef, name: string): string {
    return keyOf(childArmId(ws, ["onlineEndpoints", name]));
  }

  private endpointView(
    record: EndpointRecord,
    request: V2Request,
    operationUrl?: string,
  ): V2Resource<OnlineEndpointProperties> {
    const props = record.body.properties as unknown as OnlineEndpointProperties;
    return viewOf(record, {
      ...props,
      traffic: { ...(props.traffic ?? {}) },
      mirrorTraffic: { ...(props.mirrorTraffic ?? {}) },
      scoringUri: this.scoringUri(request.baseUrl, record.name),
      swaggerUri: `${request.baseUrl}/inference/${encodeURIComponent(record.name)}/swagger.json`,
      provisioningState: record.internal!.provisioningState,
      ...(operationUrl
        ? { properties: { ...(props.properties ?? {}), AzureAsyncOperationUri: operationUrl } }
        : {}),
    });
  }

  private requireEndpoint(ws: WorkspaceRef, name: string): EndpointRecord {
    requireWorkspace(this.services, ws);
    const record = this.services.store.get<EndpointSecretsRecord, EndpointInternal>(
      this.endpointKey(ws, name),
    );
    if (!record) throw V2Errors.notFound(`Online endpoint ${name}`, `workspace ${ws.workspace}`);
    return record;
  }

  private deploymentsOf(endpoint: EndpointRecord): DeploymentRecord[] {
    return this.services.store.list(endpoint.key, "onlineEndpoints/deployments")
      .items as DeploymentRecord[];
  }

  private checkTraffic(
    endpoint: EndpointRecord | undefined,
    traffic: Record<string, number>,
    mirror: Record<string, number>,
  ): void {
    const deployments = endpoint ? this.deploymentsOf(endpoint) : [];
    const problem = trafficProblem(
      traffic,
      mirror,
      deployments.map((d) => d.name),
    );
    if (problem) throw V2Errors.invalidTraffic(problem.target, problem.reason);
    for (const [target, map] of [
      ["properties.traffic", traffic],
      ["properties.mirrorTraffic", mirror],
    ] as const) {
      for (const [name, percent] of Object.entries(map)) {
        const deployment = deployments.find((d) => d.name.toLowerCase() === name.toLowerCase());
        if (percent > 0 && deployment?.internal?.provisioningState !== "Succeeded")
          throw V2Errors.invalidTraffic(
            target,
            `deployment ${name} is ${deployment?.internal?.provisioningState ?? "missing"}, not Succeeded`,
          );
      }
    }
  }

  /** Canonical deployment-name case in a traffic map. */
  private canonicalNames(
    endpoint: EndpointRecord | undefined,
    map: Record<string, number>,
  ): Record<string, number> {
    if (!endpoint) return map;
    const names = new Map(this.deploymentsOf(endpoint).map((d) => [d.name.toLowerCase(), d.name]));
    return Object.fromEntries(
      Object.entries(map).map(([n, p]) => [names.get(n.toLowerCase()) ?? n, p]),
    );
  }

  /**
   * PUT an endpoint.
   * @param ws - the workspace
   * @param name - the endpoint name
   * @param body - `{location, identity?, tags?, properties: {authMode, traffic?, mirrorTraffic?}}`
   * @param request - request facts
   */
  putEndpoint(ws: WorkspaceRef, name: string, body: unknown, request: V2Request): V2Response {
    const workspace = requireWorkspace(this.services, ws);
    if (!ENDPOINT_NAME_PATTERN.test(name))
      throw V2Errors.invalidName(
        "online endpoint",
        name,
        "3 to 32 letters, digits and '-', starting with a letter and not ending with '-'",
      );
    const { properties, rest } = resourceBody(body);
    const envelope = envelopeOf(rest);
    if (!envelope.location) throw V2Errors.invalidValue("location", "is required, e.g. westeurope");
    const authMode = properties.authMode;
    if (typeof authMode !== "string" || !AUTH_MODES.includes(authMode))
      throw V2Errors.invalidValue(
        "properties.authMode",
        `is required: one of ${AUTH_MODES.join(", ")}`,
      );
    const key = this.endpointKey(ws, name);
    const existing = this.services.store.get<EndpointSecretsRecord, EndpointInternal>(key);
    if (!existing) {
      const other = this.endpointByName(name);
      if (other && other.key !== key) throw V2Errors.endpointNameTaken(name);
    }
    const traffic = this.canonicalNames(
      existing,
      percentMap(properties.traffic, "properties.traffic"),
    );
    const mirror = this.canonicalNames(
      existing,
      percentMap(properties.mirrorTraffic, "properties.mirrorTraffic"),
    );
    this.checkTraffic(existing, traffic, mirror);
    const description = optionalString(properties.description, "properties.description");
    const props = stringMap(properties.properties, "properties.properties");
    const publicNetworkAccess = optionalString(
      properties.publicNetworkAccess,
      "properties.publicNetworkAccess",
    );
    const stored: OnlineEndpointProperties = {
      authMode: authMode as OnlineEndpointProperties["authMode"],
      ...(description !== undefined ? { description } : {}),
      traffic,
      mirrorTraffic: mirror,
      publicNetworkAccess: (publicNetworkAccess as "Enabled" | "Disabled" | undefined) ?? "Enabled",
      ...(props !== undefined ? { properties: props } : {}),
    };
    const newBody = { ...envelope, properties: stored as unknown as Record<string, unknown> };
    if (
      existing &&
      existing.internal!.provisioningState === "Succeeded" &&
      canonical(existing.body) === canonical(newBody)
    )
      return { status: 200, body: this.endpointView(existing, request) };
    this.services.operations.assertFree(key, `online endpoint ${name}`);
    if (
      existing?.body.location &&
      existing.body.location.replace(/\s+/g, "").toLowerCase() !==
        envelope.location.replace(/\s+/g, "").toLowerCase()
    )
      throw V2Errors.cannotChange("location");
    const now = nowIso();
    const record = this.services.store.put<EndpointSecretsRecord, EndpointInternal>({
      key,
      id: existing?.id ?? childArmId(ws, ["onlineEndpoints", name]),
      kind: "onlineEndpoints",
      name: existing?.name ?? name,
      parent: workspace.key,
      workspace: ws,
      createdAt: existing?.createdAt ?? now,
      modifiedAt: now,
      seq: existing?.seq ?? 0,
      body: newBody,
      secrets: existing?.secrets ?? {
        primaryKey: newEndpointKey(),
        secondaryKey: newEndpointKey(),
        tokens: [],
      },
      internal: {
        provisioningState: existing ? "Updating" : "Creating",
        appliedTraffic: existing?.internal?.appliedTraffic ?? {},
        appliedMirror: existing?.internal?.appliedMirror ?? {},
      },
    });
    this.byName.set(record.name.toLowerCase(), key);
    const operation = this.services.operations.begin({
      resourceKey: key,
      resourceId: record.id,
      lockKey: key,
      subscriptionId: ws.subscriptionId,
      location: envelope.location,
      kind: existing ? "update" : "create",
      work: async () => {
        const current = this.services.store.get<EndpointSecretsRecord, EndpointInternal>(key);
        if (!current) return;
        const declared = current.body.properties as unknown as OnlineEndpointProperties;
        this.checkTraffic(current, declared.traffic ?? {}, declared.mirrorTraffic ?? {});
        this.services.store.put({
          ...current,
          internal: {
            ...current.internal!,
            provisioningState: "Succeeded",
            appliedTraffic: { ...(declared.traffic ?? {}) },
            appliedMirror: { ...(declared.mirrorTraffic ?? {}) },
          },
        });
      },
      onFailure: () => {
        const current = this.services.store.get<EndpointSecretsRecord, EndpointInternal>(key);
        if (!current) return;
        const declared = current.body.properties as unknown as OnlineEndpointProperties;
        // The declared traffic did not take effect: show what is applied.
        this.services.store.put({
          ...current,
          body: {
            ...current.body,
            properties: {
              ...declared,
              traffic: { ...current.internal!.appliedTraffic },
              mirrorTraffic: { ...current.internal!.appliedMirror },
            } as unknown as Record<string, unknown>,
          },
          internal: { ...current.internal!, provisioningState: "Failed" },
        });
      },
    });
    const headers = this.services.operations.asyncHeaders(request, operation);
    return {
      status: existing ? 200 : 201,
      body: this.endpointView(record, request, headers["Azure-AsyncOperation"]),
      headers,
    };
  }

  /**
   * PATCH an endpoint: `tags` and `identity` only.
   * @param ws - the workspace
   * @param name - the endpoint
   * @param body - `{tags?, identity?}`
   * @param request - request facts
   */
  patchEndpoint(ws: WorkspaceRef, name: string, body: unknown, request: V2Request): V2Response {
    const record = this.requireEndpoint(ws, name);
    this.services.operations.assertFree(record.key, `online endpoint ${name}`);
    if (!isObject(body)) throw V2Errors.invalidValue("body", "must be a JSON object");
    if (body.properties !== undefined)
      throw V2Errors.invalidValue(
        "properties",
        "cannot be patched: PUT the endpoint (only tags and identity are patched)",
      );
    const tags = stringMap(body.tags, "tags");
    if (body.identity !== undefined && !isObject(body.identity))
      throw V2Errors.invalidValue("identity", "must be an object");
    const updated = this.services.store.put({
      ...record,
      modifiedAt: nowIso(),
      body: {
        ...record.body,
        ...(tags !== undefined ? { tags } : {}),
        ...(isObject(body.identity) ? { identity: { ...body.identity } } : {}),
      },
    });
    return { status: 200, body: this.endpointView(updated, request) };
  }

  /**
   * GET an endpoint.
   * @param ws - the workspace
   * @param name - the endpoint
   * @param request - request facts
   */
  getEndpoint(ws: WorkspaceRef, name: string, request: V2Request): V2Response {
    return { status: 200, body: this.endpointView(this.requireEndpoint(ws, name), request) };
  }

  /**
   * List endpoints.
   * @param ws - the workspace
   * @param request - request facts
   */
  listEndpoints(ws: WorkspaceRef, request: V2Request): V2Response {
    const workspace = requireWorkspace(this.services, ws);
    return listPage(this.services, workspace.key, "onlineEndpoints", request, (r) =>
      this.endpointView(r as EndpointRecord, request),
    );
  }

  /**
   * DELETE an endpoint with its deployments: 202 + `Location`; 204 when there is none.
   * @param ws - the workspace
   * @param name - the endpoint
   * @param request - request facts
   */
  deleteEndpoint(ws: WorkspaceRef, name: string, request: V2Request): V2Response {
    requireWorkspace(this.services, ws);
    const key = this.endpointKey(ws, name);
    const record = this.services.store.get<EndpointSecretsRecord, EndpointInternal>(key);
    if (!record) return { status: 204 };
    this.services.operations.assertFree(key, `online endpoint ${name}`);
    this.services.store.put({
      ...record,
      internal: { ...record.internal!, provisioningState: "Deleting" },
    });
    const operation = this.services.operations.begin({
      resourceKey: key,
      resourceId: record.id,
      lockKey: key,
      subscriptionId: ws.subscriptionId,
      location: record.body.location ?? "local",
      kind: "delete",
      work: async () => {
        for (const deployment of this.deploymentsOf(record))
          await this.services.hosts.remove(deployment.key);
        this.services.store.deleteTree(key);
        this.byName.delete(record.name.toLowerCase());
      },
      onFailure: () => {
        const current = this.services.store.get<EndpointSecretsRecord, EndpointInternal>(key);
        if (current)
          this.services.store.put({
            ...current,
            internal: { ...current.internal!, provisioningState: "Failed" },
          });
      },
    });
    return { status: 202, headers: this.services.operations.locationHeaders(request, operation) };
  }

  /**
   * `POST …/listKeys`.
   * @param ws - the workspace
   * @param name - the endpoint
   */
  listKeys(ws: WorkspaceRef, name: string): V2Response<EndpointKeys> {
    const record = this.requireEndpoint(ws, name);
    return {
      status: 200,
      body: { primaryKey: record.secrets!.primaryKey, secondaryKey: record.secrets!.secondaryKey },
    };
  }

  /**
   * `POST …/regenerateKeys` `{keyType, keyValue?}`: 202 + `Location`.
   * @param ws - the workspace
   * @param name - the endpoint
   * @param body - the request
   * @param request - request facts
   */
  regenerateKeys(ws: WorkspaceRef, name: string, body: unknown, request: V2Request): V2Response {
    const record = this.requireEndpoint(ws, name);
    if (!isObject(body))
      throw V2Errors.invalidValue("body", "must be {keyType: 'Primary' | 'Secondary'}");
    const keyType = body.keyType;
    if (keyType !== "Primary" && keyType !== "Secondary")
      throw V2Errors.invalidValue("keyType", "must be Primary or Secondary");
    const keyValue = optionalString(body.keyValue, "keyValue");
    if (keyValue !== undefined && keyValue.length < 16)
      throw V2Errors.invalidValue("keyValue", "must be at least 16 characters");
    if (keyValue !== undefined) registerSecret(keyValue);
    this.services.operations.assertFree(record.key, `online endpoint ${name}`);
    const operation = this.services.operations.begin({
      resourceKey: record.key,
      resourceId: record.id,
      lockKey: record.key,
      subscriptionId: ws.subscriptionId,
      location: record.body.location ?? "local",
      kind: "regenerateKeys",
      work: async () => {
        const current = this.services.store.get<EndpointSecretsRecord, EndpointInternal>(
          record.key,
        );
        if (!current?.secrets) return;
        const value = keyValue ?? newEndpointKey();
        this.services.store.put({
          ...current,
          secrets:
            keyType === "Primary"
              ? { ...current.secrets, primaryKey: value }
              : { ...current.secrets, secondaryKey: value },
        });
      },
    });
    return { status: 202, headers: this.services.operations.locationHeaders(request, operation) };
  }

  /**
   * `POST …/token`: an AML token for an `AMLToken` endpoint.
   * @param ws - the workspace
   * @param name - the endpoint
   */
  token(ws: WorkspaceRef, name: string): V2Response<EndpointToken> {
    const record = this.requireEndpoint(ws, name);
    const authMode = (record.body.properties as unknown as OnlineEndpointProperties).authMode;
    if (authMode !== "AMLToken") throw V2Errors.tokenNotSupported(authMode);
    const now = Date.now();
    const token = randomBytes(32).toString("base64url");
    registerSecret(token);
    const expiresAt = now + TOKEN_VALIDITY_S * 1000;
    const tokens = [
      ...record.secrets!.tokens.filter((t) => t.expiresAt > now),
      { token, expiresAt },
    ];
    this.services.store.put({ ...record, secrets: { ...record.secrets!, tokens } });
    return {
      status: 200,
      body: {
        accessToken: token,
        tokenType: "Bearer",
        expiryTimeUtc: Math.floor(expiresAt / 1000),
        refreshAfterTimeUtc: Math.floor((now + TOKEN_REFRESH_S * 1000) / 1000),
      },
    };
  }

  // ------------------------------------------------------------------------------------------
  // Deployments
  // ------------------------------------------------------------------------------------------

  private deploymentView(record: DeploymentRecord): V2Resource<OnlineDeploymentProperties> {
    return viewOf(record, {
      ...(record.body.properties as unknown as OnlineDeploymentProperties),
      provisioningState: record.internal!.provisioningState,
    });
  }

  private requireDeployment(
    ws: WorkspaceRef,
    endpoint: string,
    name: string,
  ): { endpoint: EndpointRecord; deployment: DeploymentRecord } {
    const endpointRecord = this.requireEndpoint(ws, endpoint);
    const deployment = this.services.store.get<unknown, ProvisionedInternal>(
      keyOf(`${endpointRecord.id}/deployments/${name}`),
    );
    if (!deployment)
      throw V2Errors.notFound(
        `Deployment ${name}`,
        `endpoint ${endpointRecord.name}, workspace ${ws.workspace}`,
      );
    return { endpoint: endpointRecord, deployment };
  }

  private normaliseDeployment(
    ws: WorkspaceRef,
    properties: Record<string, unknown>,
  ): OnlineDeploymentProperties {
    const computeType = properties.endpointComputeType;
    if (computeType !== "Managed")
      throw V2Errors.invalidValue(
        "properties.endpointComputeType",
        `only Managed deployments are emulated, got ${JSON.stringify(computeType)}`,
      );
    const model = requiredString(
      properties.model,
      "properties.model",
      "a model version (azureml:<name>:<version> or its ARM id)",
    );
    const resolved = this.services.assets.resolve(ws, "models", model, "properties.model");
    if (resolved.kind !== "version")
      throw V2Errors.invalidValue(
        "properties.model",
        "registry models are not emulated: register the model in the workspace",
      );
    const modelType =
      (resolved.record.body.properties as { modelType?: string }).modelType ?? "custom_model";
    let codeConfiguration: OnlineDeploymentProperties["codeConfiguration"];
    if (properties.codeConfiguration !== undefined && properties.codeConfiguration !== null) {
      const code = properties.codeConfiguration;
      if (!isObject(code))
        throw V2Errors.invalidValue(
          "properties.codeConfiguration",
          "must be {codeId, scoringScript}",
        );
      const codeId = requiredString(
        code.codeId,
        "properties.codeConfiguration.codeId",
        "a code version",
      );
      this.services.assets.resolve(ws, "codes", codeId, "properties.codeConfiguration.codeId");
      const scoringScript = requiredString(
        code.scoringScript,
        "properties.codeConfiguration.scoringScript",
        "the script's path in the code folder, e.g. score.py",
      );
      codeConfiguration = { codeId, scoringScript };
    }
    if (!codeConfiguration) {
      if (modelType === "mlflow_model")
        throw V2Errors.invalidValue(
          "properties.codeConfiguration",
          "MLflow no-code deployments are not emulated: give a scoring script",
        );
      throw V2Errors.missingDriverProgram();
    }
    const environmentId = requiredString(
      properties.environmentId,
      "properties.environmentId",
      "an environment version for the scoring script",
    );
    this.services.assets.resolve(ws, "environments", environmentId, "properties.environmentId");
    const requestSettings = isObject(properties.requestSettings) ? properties.requestSettings : {};
    const requestTimeout =
      optionalString(requestSettings.requestTimeout, "properties.requestSettings.requestTimeout") ??
      "PT5S";
    const timeoutMs = parseDuration(requestTimeout);
    if (timeoutMs === undefined || timeoutMs <= 0 || timeoutMs > 180_000)
      throw V2Errors.invalidValue(
        "properties.requestSettings.requestTimeout",
        `must be an ISO 8601 duration up to PT180S, got '${requestTimeout}'`,
      );
    const maxConcurrent = requestSettings.maxConcurrentRequestsPerInstance ?? 1;
    if (
      typeof maxConcurrent !== "number" ||
      !Number.isInteger(maxConcurrent) ||
      maxConcurrent < 1 ||
      maxConcurrent > 1000
    )
      throw V2Errors.invalidValue(
        "properties.requestSettings.maxConcurrentRequestsPerInstance",
        "must be an integer from 1 to 1000",
      );
    const description = optionalString(properties.description, "properties.description");
    const environmentVariables = stringMap(
      properties.environmentVariables,
      "properties.environmentVariables",
    );
    const props = stringMap(properties.properties, "properties.properties");
    return {
      endpointComputeType: "Managed",
      model,
      codeConfiguration,
      environmentId,
      instanceType:
        optionalString(properties.instanceType, "properties.instanceType") ?? DEFAULT_INSTANCE_TYPE,
      ...(description !== undefined ? { description } : {}),
      ...(environmentVariables !== undefined ? { environmentVariables } : {}),
      ...(props !== undefined ? { properties: props } : {}),
      requestSettings: { requestTimeout, maxConcurrentRequestsPerInstance: maxConcurrent },
      ...(isObject(properties.readinessProbe)
        ? { readinessProbe: { ...properties.readinessProbe } }
        : {}),
      ...(isObject(properties.livenessProbe)
        ? { livenessProbe: { ...properties.livenessProbe } }
        : {}),
      scaleSettings: { scaleType: "Default" },
      appInsightsEnabled: properties.appInsightsEnabled === true,
    };
  }

  /**
   * PUT a deployment.
   * @param ws - the workspace
   * @param endpointName - the endpoint
   * @param name - the deployment
   * @param body - `{location, sku?, properties}`
   * @param request - request facts
   */
  putDeployment(
    ws: WorkspaceRef,
    endpointName: string,
    name: string,
    body: unknown,
    request: V2Request,
  ): V2Response {
    const endpoint = this.requireEndpoint(ws, endpointName);
    if (!DEPLOYMENT_NAME_PATTERN.test(name))
      throw V2Errors.invalidName(
        "deployment",
        name,
        "3 to 32 letters, digits and '-', starting with a letter",
      );
    const { properties, rest } = resourceBody(body);
    const envelope = envelopeOf(rest);
    if (!envelope.location) throw V2Errors.invalidValue("location", "is required, e.g. westeurope");
    const normalised = this.normaliseDeployment(ws, properties);
    const sku = { name: "Default", capacity: 1, ...(envelope.sku ?? {}) };
    const capacity = sku.capacity;
    if (
      typeof capacity !== "number" ||
      !Number.isInteger(capacity) ||
      capacity < 1 ||
      capacity > 20
    )
      throw V2Errors.invalidValue("sku.capacity", "must be an integer from 1 to 20");
    const key = keyOf(`${endpoint.id}/deployments/${name}`);
    const existing = this.services.store.get<unknown, ProvisionedInternal>(key);
    if (existing) {
      const differs = firstDifference(
        existing.body.properties,
        normalised as unknown as Record<string, unknown>,
        DEPLOYMENT_IMMUTABLE,
      );
      if (differs !== undefined) throw V2Errors.deploymentFieldImmutable(`properties.${differs}`);
    }
    const newBody = {
      ...envelope,
      sku,
      properties: normalised as unknown as Record<string, unknown>,
    };
    if (
      existing &&
      existing.internal!.provisioningState === "Succeeded" &&
      canonical(existing.body) === canonical(newBody)
    )
      return { status: 200, body: this.deploymentView(existing) };
    this.services.operations.assertFree(endpoint.key, `online endpoint ${endpoint.name}`);
    const now = nowIso();
    const record = this.services.store.put<unknown, ProvisionedInternal>({
      key,
      id: existing?.id ?? `${endpoint.id}/deployments/${name}`,
      kind: "onlineEndpoints/deployments",
      name: existing?.name ?? name,
      parent: endpoint.key,
      workspace: ws,
      createdAt: existing?.createdAt ?? now,
      modifiedAt: now,
      seq: existing?.seq ?? 0,
      body: newBody,
      internal: { provisioningState: existing ? "Updating" : "Creating" },
    });
    const setState = (state: ProvisionedInternal["provisioningState"]): void => {
      const current = this.services.store.get<unknown, ProvisionedInternal>(key);
      if (current)
        this.services.store.put({
          ...current,
          internal: { ...current.internal!, provisioningState: state },
        });
    };
    const operation = this.services.operations.begin({
      resourceKey: key,
      resourceId: record.id,
      lockKey: endpoint.key,
      subscriptionId: ws.subscriptionId,
      location: envelope.location,
      kind: existing ? "update" : "create",
      work: async () => {
        const current = this.services.store.get<unknown, ProvisionedInternal>(key);
        if (!current) return;
        await this.services.hosts.provision(current, capacity);
        setState("Succeeded");
      },
      onFailure: () => setState("Failed"),
    });
    return {
      status: existing ? 200 : 201,
      body: this.deploymentView(record),
      headers: this.services.operations.asyncHeaders(request, operation),
    };
  }

  /**
   * PATCH a deployment: `tags` and `sku` only (the capacity takes effect at the next rollout).
   * @param ws - the workspace
   * @param endpointName - the endpoint
   * @param name - the deployment
   * @param body - `{tags?, sku?}`
   */
  patchDeployment(ws: WorkspaceRef, endpointName: string, name: string, body: unknown): V2Response {
    const { endpoint, deployment } = this.requireDeployment(ws, endpointName, name);
    this.services.operations.assertFree(endpoint.key, `online endpoint ${endpoint.name}`);
    if (!isObject(body)) throw V2Errors.invalidValue("body", "must be a JSON object");
    if (body.properties !== undefined)
      throw V2Errors.invalidValue(
        "properties",
        "cannot be patched: PUT the deployment (only tags and sku are patched)",
      );
    const tags = stringMap(body.tags, "tags");
    if (body.sku !== undefined && !isObject(body.sku))
      throw V2Errors.invalidValue("sku", "must be an object");
    const updated = this.services.store.put({
      ...deployment,
      modifiedAt: nowIso(),
      body: {
        ...deployment.body,
        ...(tags !== undefined ? { tags } : {}),
        ...(isObject(body.sku) ? { sku: { ...(deployment.body.sku ?? {}), ...body.sku } } : {}),
      },
    });
    return { status: 200, body: this.deploymentView(updated) };
  }

  /**
   * GET a deployment.
   * @param ws - the workspace
   * @param endpointName - the endpoint
   * @param name - the deployment
   */
  getDeployment(ws: WorkspaceRef, endpointName: string, name: string): V2Response {
    return {
      status: 200,
      body: this.deploymentView(this.requireDeployment(ws, endpointName, name).deployment),
    };
  }

  /**
   * List an endpoint's deployments.
   * @param ws - the workspace
   * @param endpointName - the endpoint
   * @param request - request facts
   */
  listDeployments(ws: WorkspaceRef, endpointName: string, request: V2Request): V2Response {
    const endpoint = this.requireEndpoint(ws, endpointName);
    return listPage(this.services, endpoint.key, "onlineEndpoints/deployments", request, (r) =>
      this.deploymentView(r as DeploymentRecord),
    );
  }

  /**
   * DELETE a deployment: refused while it takes traffic; drains its calls, then stops it.
   * @param ws - the workspace
   * @param endpointName - the endpoint
   * @param name - the deployment
   * @param request - request facts
   */
  deleteDeployment(
    ws: WorkspaceRef,
    endpointName: string,
    name: string,
    request: V2Request,
  ): V2Response {
    const endpoint = this.requireEndpoint(ws, endpointName);
    const key = keyOf(`${endpoint.id}/deployments/${name}`);
    const deployment = this.services.store.get<unknown, ProvisionedInternal>(key);
    if (!deployment) return { status: 204 };
    const declared = endpoint.body.properties as unknown as OnlineEndpointProperties;
    const takes = (map: Readonly<Record<string, number>> | undefined): boolean =>
      Object.entries(map ?? {}).some(
        ([d, p]) => d.toLowerCase() === deployment.name.toLowerCase() && p > 0,
      );
    if (
      takes(declared.traffic) ||
      takes(declared.mirrorTraffic) ||
      takes(endpoint.internal!.appliedTraffic) ||
      takes(endpoint.internal!.appliedMirror)
    )
      throw V2Errors.deploymentHasTraffic(deployment.name, endpoint.name);
    this.services.operations.assertFree(endpoint.key, `online endpoint ${endpoint.name}`);
    this.services.store.put({
      ...deployment,
      internal: { ...deployment.internal!, provisioningState: "Deleting" },
    });
    const operation = this.services.operations.begin({
      resourceKey: key,
      resourceId: deployment.id,
      lockKey: endpoint.key,
      subscriptionId: ws.subscriptionId,
      location: deployment.body.location ?? "local",
      kind: "delete",
      work: async () => {
        await this.services.hosts.remove(key);
        this.services.store.delete(key);
        const current = this.services.store.get<EndpointSecretsRecord, EndpointInternal>(
          endpoint.key,
        );
        if (current) {
          // Zero-percent entries of the deleted deployment go too (Azure drops them).
          const strip = (map: Readonly<Record<string, number>>): Record<string, number> =>
            Object.fromEntries(
              Object.entries(map).filter(
                ([d]) => d.toLowerCase() !== deployment.name.toLowerCase(),
              ),
            );
          const props = current.body.properties as unknown as OnlineEndpointProperties;
          this.services.store.put({
            ...current,
            body: {
              ...current.body,
              properties: {
                ...props,
                traffic: strip(props.traffic ?? {}),
                mirrorTraffic: strip(props.mirrorTraffic ?? {}),
              } as unknown as Record<string, unknown>,
            },
            internal: {
              ...current.internal!,
              appliedTraffic: strip(current.internal!.appliedTraffic),
              appliedMirror: strip(current.internal!.appliedMirror),
            },
          });
        }
      },
      onFailure: () => {
        const current = this.services.store.get<unknown, ProvisionedInternal>(key);
        if (current)
          this.services.store.put({
            ...current,
            internal: { ...current.internal!, provisioningState: "Failed" },
          });
      },
    });
    return { status: 202, headers: this.services.operations.locationHeaders(request, operation) };
  }

  /**
   * `POST …/getLogs` `{containerType?, tail?}`.
   * @param ws - the workspace
   * @param endpointName - the endpoint
   * @param name - the deployment
   * @param body - the request
   */
  getLogs(
    ws: WorkspaceRef,
    endpointName: string,
    name: string,
    body: unknown,
  ): V2Response<{ content: string }> {
    const { deployment } = this.requireDeployment(ws, endpointName, name);
    const request = isObject(body) ? body : {};
    const container = request.containerType ?? "InferenceServer";
    if (container !== "InferenceServer" && container !== "StorageInitializer")
      throw V2Errors.invalidValue("containerType", "must be InferenceServer or StorageInitializer");
    const tail = request.tail;
    if (
      tail !== undefined &&
      tail !== null &&
      (typeof tail !== "number" || !Number.isInteger(tail) || tail < 0)
    )
      throw V2Errors.invalidValue("tail", "must be a non-negative integer");
    return {
      status: 200,
      body: {
        content: this.services.hosts.logs(
          deployment.key,
          container,
          typeof tail === "number" ? tail : undefined,
        ),
      },
    };
  }

  /** Recovery after a restart: containers of Succeeded deployments are started again. */
  async recover(): Promise<void> {
    for (const deployment of this.services.store.listKind(
      "onlineEndpoints/deployments",
    ) as DeploymentRecord[]) {
      const state = deployment.internal?.provisioningState;
      if (state === "Succeeded") {
        try {
          const capacity = Number(
            (deployment.body.sku as { capacity?: number } | undefined)?.capacity ?? 1,
          );
          await this.services.hosts.provision(deployment, capacity);
        } catch (error) {
          this.services.logger.error(
            `deployment ${deployment.name}: could not be started again: ${(error as Error).message}`,
          );
          this.services.store.put({ ...deployment, internal: { provisioningState: "Failed" } });
        }
      } else if (state && !["Failed", "Canceled"].includes(state)) {
        this.services.store.put({ ...deployment, internal: { provisioningState: "Failed" } });
      }
    }
    for (const endpoint of this.services.store.listKind("onlineEndpoints") as EndpointRecord[]) {
      const state = endpoint.internal?.provisioningState;
      if (state && !["Succeeded", "Failed", "Canceled"].includes(state))
        this.services.store.put({
          ...endpoint,
          internal: { ...endpoint.internal!, provisioningState: "Failed" },
        });
    }
  }
}
