/**
 * ARM provisioning, the long-running half of PUT and PATCH. The handler stores the desired
 * definition with `provisioningState: Provisioning` and an operation; the provisioner then (after
 * `--provisioning-delay-ms`) reads every trained-model asset from its uri, checks and caches the
 * bytes, and either makes the definition active (`Succeeded`) or leaves the previously active
 * one serving (`Failed`, with `errorInfo` on the operation). Azure keeps serving the cached model
 * even if its blob is deleted later (`docs/contracts.md` §6): only a new provisioning
 * reads the blobs again.
 *
 * Every write re-reads the record and checks that the operation is still the current one, so a
 * DELETE or a newer update during provisioning wins.
 */
import type { EmulatorConfig } from "../config";
import { ErrorFactory, type HttpError } from "../errors";
import type { Logger } from "../logger";
import type { MetadataStore } from "../store/metadataStore";
import type { ArmServiceRecord, OperationRecord, ServingState } from "../store/records";
import { assetBlobRef, type ModelFetcher } from "./modelFetcher";
import { storageAccountOf } from "./storageAccounts";

/**
 * When each asset's model started being served: kept from the previous active definition when the
 * asset serves the same model bytes, now otherwise.
 * @param previous - what was served before this provisioning
 * @param models - the models it serves now, by asset id
 * @param now - the time provisioning succeeded
 */
function servedSince(
  previous: ServingState | undefined,
  models: Readonly<Record<string, string | null>>,
  now: string,
): Record<string, string> {
  const since: Record<string, string> = {};
  for (const [assetId, sha] of Object.entries(models)) {
    if (sha === null) continue;
    const kept = previous?.models[assetId] === sha ? previous.servedSince?.[assetId] : undefined;
    since[assetId] = kept ?? now;
  }
  return since;
}

/** Runs ARM provisioning operations. */
export class Provisioner {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  /**
   * @param config - provisioning delay, storage base
   * @param store - records
   * @param fetcher - reads trained models
   * @param logger - log lines
   */
  constructor(
    private readonly config: EmulatorConfig,
    private readonly store: MetadataStore,
    private readonly fetcher: ModelFetcher,
    private readonly logger: Logger,
  ) {}

  /**
   * Schedules the provisioning of a service's desired definition.
   * @param serviceKey - the service
   * @param operationId - the operation that tracks it
   */
  schedule(serviceKey: string, operationId: string): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = this.run(serviceKey, operationId)
        .catch((error: unknown) => {
          this.logger.error(
            `provisioning ${operationId} crashed: ${(error as Error)?.stack ?? String(error)}`,
          );
          this.finish(serviceKey, operationId, ErrorFactory.internalError(operationId));
        })
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }, this.config.provisioningDelayMs);
    this.timers.add(timer);
  }

  /** Restarts provisionings that a previous process left unfinished. */
  resume(): void {
    for (const record of this.store.listProvisioningArmServices()) {
      if (record.operationId) {
        this.logger.info(
          `resuming provisioning of ${record.name} (operation ${record.operationId})`,
        );
        this.schedule(record.key, record.operationId);
      }
    }
  }

  /** Stops scheduling and waits for provisionings in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private current(serviceKey: string, operationId: string): ArmServiceRecord | undefined {
    const record = this.store.getArmService(serviceKey);
    return record && record.operationId === operationId ? record : undefined;
  }

  private async run(serviceKey: string, operationId: string): Promise<void> {
    const record = this.current(serviceKey, operationId);
    if (!record) return;
    const account = storageAccountOf(this.config.storage, record.storageAccount);
    const models: Record<string, string | null> = {};
    for (const { assetId, name } of record.shape.trainedModels) {
      const location = record.properties.assets?.[assetId]?.locationInfo;
      const uri = location?.uri ?? "";
      if (uri === "") {
        // Allowed: the service publishes, but cannot score until a model is set.
        models[assetId] = null;
        continue;
      }
      if (!/^https?:\/\//i.test(uri)) {
        this.finish(
          serviceKey,
          operationId,
          ErrorFactory.armTrainedModelUnavailable(assetId, "the uri is not an http(s) blob URL"),
        );
        return;
      }
      const result = await this.fetcher.fetch(
        assetBlobRef(uri, location?.credentials, account),
        name,
      );
      if (!result.ok) {
        this.finish(
          serviceKey,
          operationId,
          result.problem === "unreadable"
            ? ErrorFactory.armTrainedModelUnavailable(assetId, result.reason)
            : ErrorFactory.armIncompatibleModel(assetId, result.reason),
        );
        return;
      }
      models[assetId] = result.sha;
      this.logger.info(
        `service ${record.name}: asset ${assetId} loaded (${result.info.learner}, sha256 ${result.sha.slice(0, 12)})`,
      );
    }
    this.finish(serviceKey, operationId, undefined, models);
  }

  private finish(
    serviceKey: string,
    operationId: string,
    error: HttpError | undefined,
    models?: Record<string, string | null>,
  ): void {
    // The operation is an ARM resource: its errorInfo is the error's ARM form.
    const failure = error?.inEnvelope("arm");
    this.store.transaction(() => {
      const record = this.current(serviceKey, operationId);
      const operation = this.store.getOperation(operationId);
      const now = new Date().toISOString();
      if (operation) {
        const done: OperationRecord = {
          ...operation,
          status: failure ? "Failed" : "Succeeded",
          endTime: now,
          percentComplete: 100,
          errorInfo: failure
            ? {
                code: failure.code,
                message: failure.message,
                ...(failure.target !== undefined ? { target: failure.target } : {}),
                ...(failure.details.length > 0
                  ? { details: failure.details.map((d) => ({ ...d })) }
                  : {}),
              }
            : null,
        };
        this.store.putOperation(done);
      }
      if (!record) return;
      this.store.putArmService({
        ...record,
        provisioningState: failure ? "Failed" : "Succeeded",
        operationId: undefined,
        active:
          failure || !models
            ? record.active
            : {
                properties: record.properties,
                shape: record.shape,
                models,
                servedSince: servedSince(record.active, models, now),
              },
      });
      this.logger.info(
        `service ${record.name}: provisioning ${failure ? `failed (${failure.code}: ${failure.message})` : "succeeded"}`,
      );
    });
  }
}
