/**
 * The execution API serves two kinds of target through the same handlers: an ARM web service
 * (`/subscriptions/{scope}/services/{id}`) and a classic endpoint
 * (`/workspaces/{ws}/services/{id}`). This module resolves an execution URL to an
 * {@link ExecutionTarget}: its keys, what it serves right now, and where default outputs go.
 */
import type { StorageAccount } from "../blob/blobIo";
import type { EmulatorConfig } from "../config";
import type { MetadataStore } from "../store/metadataStore";
import type { ClassicEndpointRecord, EndpointResourceState, ServingState } from "../store/records";
import { storageAccountOf } from "./storageAccounts";

/** How an execution URL starts. */
export type ExecutionScopeKind = "subscriptions" | "workspaces";

/** A service or endpoint the execution API can drive. */
export interface ExecutionTarget {
  readonly kind: "arm" | "classic";
  /** The 32-hex id of the execution URL (jobs are scoped by it). */
  readonly executionId: string;
  /** Human-readable name for logs. */
  readonly label: string;
  /** Primary and secondary API keys. */
  readonly keys: readonly [string, string];
  /** What it serves now; undefined until an ARM service first provisions successfully. */
  readonly serving: ServingState | undefined;
  /** Provisioning state (classic endpoints are always `Succeeded`). */
  readonly state: string;
  /** Trained-model resource names by asset id. */
  readonly modelNames: Readonly<Record<string, string>>;
  /** Account for outputs without an override. */
  readonly defaultStorage: StorageAccount | undefined;
}

/**
 * The model a classic endpoint resource serves at a given time: a PATCHed model takes over once
 * its swap time has passed, so a scoring request sees the old or the new model, never a mix.
 * @param resource - the endpoint resource
 * @param now - the time of the request
 */
export function effectiveSha(resource: EndpointResourceState, now = Date.now()): string | null {
  if (resource.pending && Date.parse(resource.pending.effectiveAt) <= now)
    return resource.pending.sha;
  return resource.sha;
}

/** Resolves execution URLs. */
export class ExecutionTargets {
  /**
   * @param config - storage base
   * @param store - records
   */
  constructor(
    private readonly config: EmulatorConfig,
    private readonly store: MetadataStore,
  ) {}

  /**
   * The target of an execution URL, or undefined.
   * @param scopeKind - `subscriptions` (ARM) or `workspaces` (classic)
   * @param scope - the segment after it
   * @param executionId - the 32-hex service id
   */
  resolve(
    scopeKind: ExecutionScopeKind,
    scope: string,
    executionId: string,
  ): ExecutionTarget | undefined {
    const id = executionId.toLowerCase();
    if (scopeKind === "subscriptions") {
      const record = this.store.getArmServiceByExecutionId(id);
      if (!record || record.executionScope !== scope.toLowerCase()) return undefined;
      const shape = record.active?.shape ?? record.shape;
      return {
        kind: "arm",
        executionId: record.executionId,
        label: `ARM service ${record.name}`,
        keys: [record.primaryKey, record.secondaryKey],
        serving: record.active,
        state: record.provisioningState,
        modelNames: Object.fromEntries(shape.trainedModels.map((m) => [m.assetId, m.name])),
        defaultStorage: storageAccountOf(this.config.storage, record.storageAccount),
      };
    }
    const endpoint = this.store.getEndpointByExecutionId(id);
    if (!endpoint || endpoint.workspaceId.toLowerCase() !== scope.toLowerCase()) return undefined;
    return this.classicTarget(endpoint);
  }

  /**
   * The target of a classic endpoint.
   * @param endpoint - the endpoint record
   */
  classicTarget(endpoint: ClassicEndpointRecord): ExecutionTarget | undefined {
    const service = this.store.getClassicService(endpoint.workspaceId, endpoint.webServiceId);
    const definition = this.store.getDefinition(endpoint.serviceKey, endpoint.definitionVersion);
    if (!service || !definition) return undefined;
    const now = Date.now();
    const models: Record<string, string | null> = {};
    for (const resource of endpoint.resources)
      models[resource.assetId] = effectiveSha(resource, now);
    return {
      kind: "classic",
      executionId: endpoint.executionId,
      label: `endpoint ${endpoint.name} of web service ${service.name}`,
      keys: [endpoint.primaryKey, endpoint.secondaryKey],
      serving: { properties: definition.properties, shape: definition.shape, models },
      state: "Succeeded",
      modelNames: Object.fromEntries(endpoint.resources.map((r) => [r.assetId, r.name])),
      defaultStorage: service.storageAccount,
    };
  }
}
