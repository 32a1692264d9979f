/**
 * ARM `Microsoft.MachineLearning/webServices` (api-version 2017-01-01), one method per REST
 * operation (`docs/contracts.md` §4). Input property names are matched case-insensitively
 * and answered in camelCase; keys, the storage key and the commitment plan are never returned by
 * GET. PUT and PATCH are long-running: they answer at once with `provisioningState:
 * Provisioning` and an `Azure-AsyncOperation` URL, and the {@link Provisioner} finishes the work.
 */
import { createHash } from "node:crypto";
import type {
  ArmListPage,
  ArmWebService,
  AsyncOperationStatus,
  WebServiceKeys,
  WebServiceProperties,
} from "../../contract";
import { normalizeResource } from "../arm/normalize";
import { newHexId, newKey } from "../auth/secrets";
import type { EmulatorConfig } from "../config";
import { ARM_API_VERSION, ARM_RESOURCE_TYPE } from "../constants";
import type { EngineApi, ServiceShape } from "../engine/api";
import { ErrorFactory, isEngineError } from "../errors";
import type { JobRemover } from "../jobs/jobRemover";
import type { Logger } from "../logger";
import type { Provisioner } from "../services/provisioner";
import type { MetadataStore } from "../store/metadataStore";
import type { ArmServiceRecord, OperationRecord } from "../store/records";
import type { HandlerResponse, RequestInfo } from "./types";
import { isObject, nowIso } from "./util";

/** Path parameters of a web service. */
export interface ArmServiceParams {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

/** Properties that are computed by the service and ignored when sent. */
const READ_ONLY_PROPERTIES = [
  "createdOn",
  "modifiedOn",
  "provisioningState",
  "swaggerLocation",
] as const;

/**
 * The 32-hex segment after `/subscriptions/` in an ARM service's execution URL: the
 * subscription GUID without dashes (what Azure showed), or a hash when it is not a GUID.
 * @param subscriptionId - the subscription id
 */
export function executionScopeOf(subscriptionId: string): string {
  const compact = subscriptionId.replace(/-/g, "").toLowerCase();
  if (/^[0-9a-f]{32}$/.test(compact)) return compact;
  return createHash("md5").update(subscriptionId.toLowerCase()).digest("hex");
}

/**
 * ARM location names are written both ways ("South Central US", "southcentralus"); URLs use
 * the compact form.
 * @param location - as sent
 */
export function compactLocation(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}

/** Handlers of the ARM surface. */
export class ArmHandler {
  /**
   * @param config - strictness, storage base, page size
   * @param store - records
   * @param engine - validates definitions
   * @param provisioner - finishes PUT/PATCH
   * @param jobs - cancels jobs of deleted services
   * @param logger - log lines
   */
  constructor(
    private readonly config: EmulatorConfig,
    private readonly store: MetadataStore,
    private readonly engine: EngineApi,
    private readonly provisioner: Provisioner,
    private readonly jobs: JobRemover,
    private readonly logger: Logger,
  ) {}

  private static key(params: ArmServiceParams): string {
    return [params.subscriptionId, params.resourceGroup, params.name]
      .map((s) => s.toLowerCase())
      .join("/");
  }

  private require(params: ArmServiceParams): ArmServiceRecord {
    const record = this.store.getArmService(ArmHandler.key(params));
    if (!record) throw ErrorFactory.armResourceNotFound(params.resourceGroup, params.name);
    return record;
  }

  /** The wire form of a service: camelCase, without secrets. */
  private view(record: ArmServiceRecord, info: RequestInfo): ArmWebService {
    const { storageAccount } = record;
    const properties: WebServiceProperties = {
      ...record.properties,
      createdOn: record.createdOn,
      modifiedOn: record.modifiedOn,
      provisioningState: record.provisioningState,
      swaggerLocation: `${info.baseUrl}/subscriptions/${record.executionScope}/services/${record.executionId}/swagger.json`,
      ...(storageAccount ? { storageAccount: { name: storageAccount.name } } : {}),
      packageType: "Graph",
    };
    return {
      id:
        `/subscriptions/${record.subscriptionId}/resourceGroups/${record.resourceGroup}` +
        `/providers/${ARM_RESOURCE_TYPE}/${record.name}`,
      name: record.name,
      type: ARM_RESOURCE_TYPE,
      location: record.location,
      ...(record.tags ? { tags: { ...record.tags } } : {}),
      properties,
    };
  }

  private operationUrl(info: RequestInfo, operation: OperationRecord): string {
    return (
      `${info.baseUrl}/subscriptions/${operation.subscriptionId}/providers/Microsoft.MachineLearning` +
      `/locations/${compactLocation(operation.location)}/operationsStatus/${operation.id}` +
      `?api-version=${ARM_API_VERSION}`
    );
  }

  private describe(properties: WebServiceProperties): ServiceShape {
    try {
      return this.engine.describeService(properties, { strict: this.config.strict });
    } catch (error) {
      if (isEngineError(error)) throw ErrorFactory.webServicePackageError(error.message);
      throw error;
    }
  }

  /** Parses a PUT/PATCH body into camelCase, rejecting non-objects and (strict) unknown names. */
  private parseBody(body: unknown): Record<string, unknown> {
    if (!isObject(body)) throw ErrorFactory.requestBodyInvalid("the body must be a JSON object");
    const { value, unknown } = normalizeResource(body);
    if (this.config.strict && unknown.length > 0)
      throw ErrorFactory.armUnsupportedProperty(unknown[0]);
    if (value.properties !== undefined && !isObject(value.properties)) {
      throw ErrorFactory.requestBodyInvalid("'properties' must be an object");
    }
    if (value.tags !== undefined && value.tags !== null) {
      if (!isObject(value.tags) || Object.values(value.tags).some((v) => typeof v !== "string")) {
        throw ErrorFactory.requestBodyInvalid("'tags' must map names to strings");
      }
    }
    return value;
  }

  /**
   * Applies the rules every update shares (read-only services, storage account, commitment
   * plan, keys) and starts provisioning; returns the stored record and its operation.
   */
  private update(
    params: ArmServiceParams,
    existing: ArmServiceRecord | undefined,
    location: string,
    tags: Record<string, string> | undefined,
    incoming: Record<string, unknown>,
    kind: "put" | "patch",
  ): { record: ArmServiceRecord; operation: OperationRecord } {
    if (existing?.provisioningState === "Provisioning") {
      throw ErrorFactory.anotherOperationInProgress(existing.name);
    }
    if (existing?.properties.readOnly === true)
      throw ErrorFactory.webServiceReadOnly(existing.name);

    const packageType = incoming.packageType;
    if (typeof packageType !== "string" || packageType.toLowerCase() !== "graph") {
      throw ErrorFactory.requestBodyInvalid("'properties.packageType' must be 'Graph'");
    }

    // Storage account: the name can never change (azure-powershell#3465); the key is kept when
    // an update omits it, because GET never returns it and clients send back what GET showed.
    const sentAccount = incoming.storageAccount as
      { name?: unknown; key?: unknown } | undefined | null;
    if (sentAccount !== undefined && sentAccount !== null && !isObject(sentAccount)) {
      throw ErrorFactory.requestBodyInvalid("'properties.storageAccount' must be an object");
    }
    let storageAccount = existing?.storageAccount;
    if (sentAccount && typeof sentAccount.name === "string" && sentAccount.name !== "") {
      if (
        existing?.storageAccount &&
        existing.storageAccount.name.toLowerCase() !== sentAccount.name.toLowerCase()
      ) {
        throw ErrorFactory.cannotChangeStorageAccount(existing.storageAccount.name);
      }
      const key =
        typeof sentAccount.key === "string" && sentAccount.key !== ""
          ? sentAccount.key
          : existing?.storageAccount?.key;
      storageAccount = { name: sentAccount.name, key };
    } else if (sentAccount && typeof sentAccount.key === "string" && existing?.storageAccount) {
      storageAccount = { name: existing.storageAccount.name, key: sentAccount.key };
    }

    // Commitment plan: set at creation, immutable.
    const sentPlan = incoming.commitmentPlan as { id?: unknown } | undefined | null;
    let commitmentPlan = existing?.commitmentPlan;
    if (sentPlan && typeof sentPlan.id === "string") {
      if (
        existing &&
        (existing.commitmentPlan?.id ?? "").toLowerCase() !== sentPlan.id.toLowerCase()
      ) {
        throw ErrorFactory.cannotChangeCommitmentPlan();
      }
      commitmentPlan = { id: sentPlan.id };
    }

    const sentKeys = isObject(incoming.keys) ? incoming.keys : {};
    const primaryKey =
      typeof sentKeys.primary === "string" && sentKeys.primary !== ""
        ? sentKeys.primary
        : (existing?.primaryKey ?? newKey());
    const secondaryKey =
      typeof sentKeys.secondary === "string" && sentKeys.secondary !== ""
        ? sentKeys.secondary
        : (existing?.secondaryKey ?? newKey());

    const properties: Record<string, unknown> = { ...incoming, packageType: "Graph" };
    for (const name of [...READ_ONLY_PROPERTIES, "keys", "storageAccount", "commitmentPlan"])
      delete properties[name];
    const shape = this.describe(properties as unknown as WebServiceProperties);

    const now = nowIso();
    const operation: OperationRecord = {
      id: newHexId(),
      serviceKey: ArmHandler.key(params),
      subscriptionId: existing?.subscriptionId ?? params.subscriptionId,
      location,
      kind,
      status: "Provisioning",
      startTime: now,
      endTime: null,
      percentComplete: 0,
      errorInfo: null,
    };
    const record: ArmServiceRecord = {
      key: ArmHandler.key(params),
      subscriptionId: existing?.subscriptionId ?? params.subscriptionId,
      resourceGroup: existing?.resourceGroup ?? params.resourceGroup,
      name: existing?.name ?? params.name,
      executionScope: existing?.executionScope ?? executionScopeOf(params.subscriptionId),
      executionId: existing?.executionId ?? newHexId(),
      location,
      tags,
      properties: properties as unknown as WebServiceProperties,
      shape,
      primaryKey,
      secondaryKey,
      storageAccount,
      commitmentPlan,
      provisioningState: "Provisioning",
      createdOn: existing?.createdOn ?? now,
      modifiedOn: now,
      active: existing?.active,
      operationId: operation.id,
    };
    this.store.transaction(() => {
      this.store.putOperation(operation);
      this.store.putArmService(record);
    });
    this.provisioner.schedule(record.key, operation.id);
    this.logger.info(
      `ARM service ${record.name}: ${kind.toUpperCase()} accepted (operation ${operation.id})`,
    );
    return { record, operation };
  }

  /**
   * PUT: create (201) or replace (200) a web service.
   * @param params - subscription, resource group, name
   * @param body - the `WebService` resource
   * @param info - request facts
   */
  put(params: ArmServiceParams, body: unknown, info: RequestInfo): HandlerResponse<ArmWebService> {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,259}$/.test(params.name)) {
      throw ErrorFactory.requestBodyInvalid(`'${params.name}' is not a valid web service name`);
    }
    const value = this.parseBody(body);
    const location = value.location;
    if (typeof location !== "string" || location.trim() === "") {
      throw ErrorFactory.requestBodyInvalid("'location' is required");
    }
    if (!isObject(value.properties))
      throw ErrorFactory.requestBodyInvalid("'properties' is required");
    const existing = this.store.getArmService(ArmHandler.key(params));
    const { record, operation } = this.update(
      params,
      existing,
      location,
      (value.tags as Record<string, string> | undefined) ?? undefined,
      value.properties,
      "put",
    );
    return {
      status: existing ? 200 : 201,
      body: this.view(record, info),
      headers: { "Azure-AsyncOperation": this.operationUrl(info, operation) },
    };
  }

  /**
   * PATCH: change only the properties sent (each top-level property is replaced whole; `keys`
   * merge per key). Long-running like PUT.
   * @param params - subscription, resource group, name
   * @param body - a partial `WebService`
   * @param info - request facts
   */
  patch(
    params: ArmServiceParams,
    body: unknown,
    info: RequestInfo,
  ): HandlerResponse<ArmWebService> {
    const existing = this.require(params);
    const value = this.parseBody(body);
    if (
      typeof value.location === "string" &&
      compactLocation(value.location) !== compactLocation(existing.location)
    ) {
      throw ErrorFactory.requestBodyInvalid("the location of a web service cannot be changed");
    }
    const patch = isObject(value.properties) ? value.properties : {};
    const merged: Record<string, unknown> = { ...existing.properties, ...patch };
    if (isObject(patch.keys)) merged.keys = { ...patch.keys };
    const tags =
      value.tags === undefined
        ? existing.tags
        : ((value.tags as Record<string, string> | null) ?? undefined);
    const { record, operation } = this.update(
      params,
      existing,
      existing.location,
      tags ? { ...tags } : undefined,
      merged,
      "patch",
    );
    return {
      status: 200,
      body: this.view(record, info),
      headers: { "Azure-AsyncOperation": this.operationUrl(info, operation) },
    };
  }

  /**
   * GET one web service.
   * @param params - subscription, resource group, name
   * @param info - request facts
   */
  get(params: ArmServiceParams, info: RequestInfo): HandlerResponse<ArmWebService> {
    return { status: 200, body: this.view(this.require(params), info) };
  }

  /**
   * DELETE: 202 with an (already finished) operation when the service existed, 204 otherwise.
   * Its jobs are cancelled and forgotten.
   * @param params - subscription, resource group, name
   * @param info - request facts
   */
  delete(params: ArmServiceParams, info: RequestInfo): HandlerResponse {
    const record = this.store.getArmService(ArmHandler.key(params));
    if (!record) return { status: 204 };
    // readOnly services "can only be deleted": deletion is the one change always allowed.
    this.jobs.removeAllFor(record.executionId);
    const now = nowIso();
    const operation: OperationRecord = {
      id: newHexId(),
      serviceKey: record.key,
      subscriptionId: record.subscriptionId,
      location: record.location,
      kind: "delete",
      status: "Succeeded",
      startTime: now,
      endTime: now,
      percentComplete: 100,
      errorInfo: null,
    };
    this.store.transaction(() => {
      this.store.deleteArmService(record.key);
      this.store.putOperation(operation);
    });
    this.logger.info(`ARM service ${record.name}: deleted`);
    const url = this.operationUrl(info, operation);
    return { status: 202, headers: { "Azure-AsyncOperation": url, Location: url } };
  }

  /**
   * listKeys (a GET on Azure): the primary and secondary keys.
   * @param params - subscription, resource group, name
   */
  listKeys(params: ArmServiceParams): HandlerResponse<WebServiceKeys> {
    const record = this.require(params);
    return { status: 200, body: { primary: record.primaryKey, secondary: record.secondaryKey } };
  }

  /**
   * List by resource group (or, without one, by subscription), one page at a time.
   * @param subscriptionId - the subscription
   * @param resourceGroup - the group, or undefined for the whole subscription
   * @param info - request facts (`$skiptoken`)
   */
  list(
    subscriptionId: string,
    resourceGroup: string | undefined,
    info: RequestInfo,
  ): HandlerResponse<ArmListPage<ArmWebService>> {
    const token = info.query["$skiptoken"];
    let offset = 0;
    if (token !== undefined) {
      offset = Number.parseInt(Buffer.from(token, "base64url").toString("utf8"), 10);
      if (!Number.isInteger(offset) || offset < 0) {
        throw ErrorFactory.requestBodyInvalid("'$skiptoken' is not a token this emulator issued");
      }
    }
    const page = this.store.listArmServices(
      subscriptionId,
      resourceGroup,
      offset,
      this.config.listPageSize,
    );
    const body: ArmListPage<ArmWebService> = {
      value: page.items.map((record) => this.view(record, info)),
    };
    if (page.more) {
      const next = Buffer.from(String(offset + page.items.length), "utf8").toString("base64url");
      body.nextLink =
        `${info.baseUrl}${info.path}?api-version=${encodeURIComponent(info.query["api-version"] ?? ARM_API_VERSION)}` +
        `&$skiptoken=${next}`;
    }
    return { status: 200, body };
  }

  /**
   * The async operation status resource named by `Azure-AsyncOperation`.
   * @param subscriptionId - the subscription in the URL
   * @param operationId - the operation id
   */
  operationStatus(
    subscriptionId: string,
    operationId: string,
  ): HandlerResponse<AsyncOperationStatus> {
    const operation = this.store.getOperation(operationId);
    if (!operation || operation.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) {
      throw ErrorFactory.armOperationNotFound(operationId);
    }
    return {
      status: 200,
      body: {
        id: `/subscriptions/${operation.subscriptionId}/providers/Microsoft.MachineLearning/locations/${compactLocation(operation.location)}/operationsStatus/${operation.id}`,
        name: operation.id,
        provisioningState: operation.status,
        startTime: operation.startTime,
        endTime: operation.endTime,
        percentComplete: operation.percentComplete,
        errorInfo: operation.errorInfo,
        status:
          operation.status === "Provisioning"
            ? "InProgress"
            : operation.status === "Succeeded"
              ? "Succeeded"
              : "Failed",
        ...(operation.errorInfo
          ? { error: { code: operation.errorInfo.code, message: operation.errorInfo.message } }
          : {}),
      },
    };
  }
}
