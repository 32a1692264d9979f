/**
 * The execution API serves two kinds of target through the same handlers: an ARM web service
 * (`/subscriptions/{scope}/services/{id}`) and a classic endpoint
 * (`/workspaces/{ws}/services/{id}`). This module resolves an execution URL to an
 * {@link ExecutionTarget}: its keys, what it serves right now, and where default outputs go.
 *
 * Every RRS and BES request resolves its target, so resolved targets are kept per execution id
 * until the store's {@link MetadataStore.revision} changes (any write of a service, definition or
 * endpoint, e.g. a PATCHed model or a finished provisioning) or, for a classic endpoint with a
 * PATCHed model waiting for `--swap-delay-ms`, until its swap time: the next request after either
 * sees the new model.
 */
import type { StorageAccount } from "../blob/blobIo";
import type { EmulatorConfig } from "../config";
import type { MetadataStore } from "../store/metadataStore";
import type {
  ArmServiceRecord,
  ClassicEndpointRecord,
  EndpointResourceState,
  ServingState,
} from "../store/records";
import { storageAccountOf } from "./storageAccounts";

/** How an execution URL starts. */
export type ExecutionScopeKind = "subscriptions" | "workspaces";

/** A service or endpoint the execution API can drive. */
export interface ExecutionTarget {
  /** The 32-hex id of the execution URL (jobs are scoped by it). */
  readonly executionId: string;
  /** Human-readable name for logs. */
  readonly label: string;
  /** Primary and secondary API keys. */
  readonly keys: readonly [string, string];
  /**
   * What it serves now; undefined until an ARM service first provisions successfully. The names
   * of its trained-model resources are `serving.shape.trainedModels`.
   */
  readonly serving: ServingState | undefined;
  /** Provisioning state (classic endpoints are always `Succeeded`). */
  readonly state: string;
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

/**
 * The next time a classic endpoint starts serving another model by itself (the earliest swap
 * time still to come), or `Infinity`.
 * @param endpoint - the endpoint record
 * @param now - the time its target was resolved
 */
function nextSwap(endpoint: ClassicEndpointRecord, now: number): number {
  let next = Infinity;
  for (const { pending } of endpoint.resources) {
    const at = pending ? Date.parse(pending.effectiveAt) : NaN;
    if (at > now && at < next) next = at;
  }
  return next;
}

/** A resolved target with what its execution URL must say and how long it holds. */
interface Resolved {
  readonly target: ExecutionTarget;
  /** The scope segment of its execution URL, lower-cased. */
  readonly scope: string;
  /** It holds before this time (ms since the epoch) as long as the store's revision is the same. */
  readonly until: number;
}

/** Resolves execution URLs. */
export class ExecutionTargets {
  private readonly cache = new Map<string, Resolved>();
  private cachedRevision = NaN;

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
    const resolved = this.lookup(scopeKind, executionId.toLowerCase());
    return resolved && resolved.scope === scope.toLowerCase() ? resolved.target : undefined;
  }

  /**
   * The ARM service or classic endpoint with this execution id (a job's target), or undefined.
   * @param executionId - the 32-hex id
   */
  byExecutionId(executionId: string): ExecutionTarget | undefined {
    const id = executionId.toLowerCase();
    return (this.lookup("subscriptions", id) ?? this.lookup("workspaces", id))?.target;
  }

  /**
   * The target of an ARM web service.
   * @param record - the service record
   */
  armTarget(record: ArmServiceRecord): ExecutionTarget {
    return {
      executionId: record.executionId,
      label: `ARM service ${record.name}`,
      keys: [record.primaryKey, record.secondaryKey],
      serving: record.active,
      state: record.provisioningState,
      defaultStorage: storageAccountOf(this.config.storage, record.storageAccount),
    };
  }

  /**
   * The target of a classic endpoint, or undefined when its web service or definition is gone.
   * @param endpoint - the endpoint record
   * @param now - the time of the request (picks the model of a pending swap)
   */
  classicTarget(endpoint: ClassicEndpointRecord, now = Date.now()): ExecutionTarget | undefined {
    const service = this.store.getClassicService(endpoint.workspaceId, endpoint.webServiceId);
    const definition = this.store.getDefinition(endpoint.serviceKey, endpoint.definitionVersion);
    if (!service || !definition) return undefined;
    const models: Record<string, string | null> = {};
    for (const resource of endpoint.resources)
      models[resource.assetId] = effectiveSha(resource, now);
    return {
      executionId: endpoint.executionId,
      label: `endpoint ${endpoint.name} of web service ${service.name}`,
      keys: [endpoint.primaryKey, endpoint.secondaryKey],
      serving: { properties: definition.properties, shape: definition.shape, models },
      state: "Succeeded",
      defaultStorage: service.storageAccount,
    };
  }

  /**
   * A target by kind and (lower-cased) execution id: the cached one while it holds, else read
   * from the store.
   */
  private lookup(kind: ExecutionScopeKind, id: string): Resolved | undefined {
    if (this.store.revision !== this.cachedRevision) {
      this.cache.clear();
      this.cachedRevision = this.store.revision;
    }
    const key = `${kind}/${id}`;
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && now < cached.until) return cached;
    const resolved = kind === "subscriptions" ? this.readArm(id) : this.readClassic(id, now);
    if (resolved) this.cache.set(key, resolved);
    else this.cache.delete(key);
    return resolved;
  }

  private readArm(id: string): Resolved | undefined {
    const record = this.store.getArmServiceByExecutionId(id);
    if (!record) return undefined;
    return { target: this.armTarget(record), scope: record.executionScope, until: Infinity };
  }

  private readClassic(id: string, now: number): Resolved | undefined {
    const endpoint = this.store.getEndpointByExecutionId(id);
    const target = endpoint ? this.classicTarget(endpoint, now) : undefined;
    if (!endpoint || !target) return undefined;
    return {
      target,
      scope: endpoint.workspaceId.toLowerCase(),
      until: nextSwap(endpoint, now),
    };
  }
}
