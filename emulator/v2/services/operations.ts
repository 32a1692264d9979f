/**
 * Long-running operations of the v2 surface. A write that Azure answers asynchronously records
 * an operation `InProgress`, answers at once, and does its work after `--v2-operation-delay-ms`;
 * the operation then ends `Succeeded`, or `Failed` with the error the work threw. One operation
 * at a time per lock (an endpoint, with its deployments): a second write answers 409.
 *
 * Two ways to follow an operation, as on Azure:
 * - `Azure-AsyncOperation` (PUT): `…/locations/{loc}/mfeOperationsStatus/{id}` answers the
 *   status body; the client then GETs the resource.
 * - `Location` (DELETE, cancel, regenerateKeys): `…/locations/{loc}/mfeOperationResults/{id}`
 *   answers 202 while running and 200 once done (the error envelope when it failed).
 */
import { randomUUID } from "node:crypto";
import { V2_PROVIDER, type V2OperationStatus } from "../../../contract/v2";
import type { Logger } from "../../logger";
import type { V2Config } from "../config";
import { V2Error, V2Errors } from "../errors";
import type { OperationRecord } from "../store/records";
import type { V2Store } from "../store/v2Store";

/** What a handler needs to build operation URLs. */
export interface OperationUrlContext {
  readonly baseUrl: string;
  readonly apiVersion: string;
}

/** How an operation is started. */
export interface OperationRequest {
  /** Key of the resource it changes. */
  readonly resourceKey: string;
  /** Its ARM id (matched by `--v2-fail-operations`). */
  readonly resourceId: string;
  /** What it locks: at most one running operation per lock. */
  readonly lockKey: string;
  readonly subscriptionId: string;
  readonly location: string;
  readonly kind: OperationRecord["kind"];
  /** The work; a thrown {@link V2Error} becomes the operation's error. */
  work(): Promise<void>;
  /** Called when the operation fails (the work threw, or a failure was injected). */
  onFailure?(error: V2Error): void;
}

/** Tracks and runs long-running operations. */
export class Operations {
  private readonly locks = new Map<string, string>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;
  private failPattern: RegExp | undefined;

  /**
   * @param store - operation records
   * @param config - delay, Retry-After, injected failures
   * @param logger - one line per operation end
   */
  constructor(
    private readonly store: V2Store,
    private readonly config: V2Config,
    private readonly logger: Logger,
  ) {
    this.failPattern = config.failOperations;
  }

  /**
   * Changes the injected failures while the emulator runs (tests switch them on and off).
   * @param pattern - the regular expression, or undefined for none
   */
  setFailurePattern(pattern: RegExp | undefined): void {
    this.failPattern = pattern;
  }

  /**
   * Throws 409 when an operation holds the lock.
   * @param lockKey - the lock
   * @param what - the locked thing, for the message
   */
  assertFree(lockKey: string, what: string): void {
    if (this.locks.has(lockKey)) throw V2Errors.operationInProgress(what);
  }

  /** True when an operation holds the lock. */
  isLocked(lockKey: string): boolean {
    return this.locks.has(lockKey);
  }

  /**
   * Records an operation and schedules its work.
   * @param request - what to run
   */
  begin(request: OperationRequest): OperationRecord {
    if (this.locks.has(request.lockKey))
      throw V2Errors.operationInProgress(request.resourceId.split("/").slice(-1)[0]);
    const operation: OperationRecord = {
      id: randomUUID(),
      resourceKey: request.resourceKey,
      lockKey: request.lockKey,
      subscriptionId: request.subscriptionId,
      location: request.location,
      kind: request.kind,
      status: "InProgress",
      startTime: new Date().toISOString(),
    };
    this.store.putOperation(operation);
    this.locks.set(request.lockKey, operation.id);
    const run = this.run(operation, request).finally(() => {
      this.running.delete(run);
      if (this.locks.get(request.lockKey) === operation.id) this.locks.delete(request.lockKey);
    });
    this.running.add(run);
    return operation;
  }

  private async run(operation: OperationRecord, request: OperationRequest): Promise<void> {
    if (this.config.operationDelayMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.config.operationDelayMs));
    let error: V2Error | undefined;
    if (this.closed) {
      error = V2Errors.interruptedByRestart();
    } else if (this.failPattern?.test(`${request.kind} ${request.resourceId}`)) {
      error = V2Errors.injectedOperationFailure();
    } else {
      try {
        await request.work();
      } catch (thrown) {
        if (thrown instanceof V2Error) error = thrown;
        else {
          this.logger.error(
            `operation ${operation.id} (${request.kind} ${request.resourceId}) failed: ${(thrown as Error)?.stack ?? String(thrown)}`,
          );
          error = new V2Error(
            500,
            "InternalServerError",
            `The operation failed: ${(thrown as Error)?.message ?? String(thrown)}`,
          );
        }
      }
    }
    if (error) {
      try {
        request.onFailure?.(error);
      } catch (thrown) {
        this.logger.error(
          `operation ${operation.id}: recording its failure failed: ${String(thrown)}`,
        );
      }
    }
    const done: OperationRecord = {
      ...operation,
      status: error ? "Failed" : "Succeeded",
      endTime: new Date().toISOString(),
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    };
    if (!this.closed) this.store.putOperation(done);
    this.logger.info(
      `operation ${operation.id}: ${request.kind} ${request.resourceId} ${done.status}` +
        (error ? ` (${error.code}: ${error.message})` : ""),
    );
  }

  /**
   * The status URL (`Azure-AsyncOperation`).
   * @param context - base URL and api-version
   * @param operation - the operation
   */
  statusUrl(context: OperationUrlContext, operation: OperationRecord): string {
    return this.url(context, operation, "mfeOperationsStatus");
  }

  /**
   * The result URL (`Location`).
   * @param context - base URL and api-version
   * @param operation - the operation
   */
  resultUrl(context: OperationUrlContext, operation: OperationRecord): string {
    return this.url(context, operation, "mfeOperationResults");
  }

  private url(context: OperationUrlContext, operation: OperationRecord, kind: string): string {
    const location = operation.location.replace(/\s+/g, "").toLowerCase();
    return (
      `${context.baseUrl}/subscriptions/${operation.subscriptionId}/providers/${V2_PROVIDER}` +
      `/locations/${location}/${kind}/${operation.id}?api-version=${encodeURIComponent(context.apiVersion)}`
    );
  }

  /** Headers of a PUT answered asynchronously. */
  asyncHeaders(context: OperationUrlContext, operation: OperationRecord): Record<string, string> {
    return {
      "Azure-AsyncOperation": this.statusUrl(context, operation),
      "x-ms-async-operation-timeout": "PT1H",
      "Retry-After": String(this.config.retryAfterSeconds),
    };
  }

  /** Headers of a 202 answered with a `Location`. */
  locationHeaders(
    context: OperationUrlContext,
    operation: OperationRecord,
  ): Record<string, string> {
    return {
      Location: this.resultUrl(context, operation),
      "Retry-After": String(this.config.retryAfterSeconds),
    };
  }

  /**
   * The status body of an operation.
   * @param subscriptionId - the subscription in the URL
   * @param id - the operation id
   */
  status(
    subscriptionId: string,
    id: string,
  ): { operation: OperationRecord; body: V2OperationStatus } {
    const operation = this.store.getOperation(id);
    if (!operation || operation.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase())
      throw V2Errors.operationNotFound(id);
    return {
      operation,
      body: {
        id: `/subscriptions/${operation.subscriptionId}/providers/${V2_PROVIDER}/locations/${operation.location.replace(/\s+/g, "").toLowerCase()}/mfeOperationsStatus/${operation.id}`,
        name: operation.id,
        status: operation.status,
        startTime: operation.startTime,
        ...(operation.endTime ? { endTime: operation.endTime } : {}),
        ...(operation.error ? { error: { ...operation.error } } : {}),
      },
    };
  }

  /**
   * Marks operations that were running when the previous process stopped as Failed; returns
   * them so their resources can be marked too.
   */
  recover(): readonly OperationRecord[] {
    const interrupted = this.store.listRunningOperations();
    const error = V2Errors.interruptedByRestart();
    for (const operation of interrupted) {
      this.store.putOperation({
        ...operation,
        status: "Failed",
        endTime: new Date().toISOString(),
        error: { code: error.code, message: error.message },
      });
    }
    return interrupted;
  }

  /** Waits for running operations (their work sees `closed` and stops early where it can). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
  }
}
