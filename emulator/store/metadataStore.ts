/**
 * The metadata store: every record the emulator keeps, behind one interface so that handlers
 * never see SQL. Implemented by `SqliteMetadataStore` (a database file under `--location`, or
 * `:memory:` for unit tests). Methods are synchronous: `node:sqlite` is, and a synchronous store
 * makes each read-modify-write of a handler atomic on the event loop without locks.
 */
import type {
  ArmServiceRecord,
  ClassicDefinitionRecord,
  ClassicEndpointRecord,
  ClassicServiceRecord,
  JobRecord,
  ModelReportRecord,
  OperationRecord,
} from "./records";
import type { BesStatusName } from "../../contract";

/** A page of a list. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Whether more items follow this page. */
  readonly more: boolean;
}

/** The emulator's metadata. */
export interface MetadataStore {
  /** Opens the store and creates missing tables. */
  init(): void;
  /** Closes the store (idempotent). */
  close(): void;
  /**
   * Changes with every write of an ARM service, classic web service, definition or endpoint (and
   * with a rolled-back transaction): what is derived from those records may be cached while it
   * stays the same.
   */
  readonly revision: number;
  /** Runs `fn` in one transaction (all or nothing). */
  transaction<T>(fn: () => T): T;

  /** @param key - lower(sub)/lower(rg)/lower(name) */
  getArmService(key: string): ArmServiceRecord | undefined;
  /** @param executionId - the 32-hex id of the execution URL */
  getArmServiceByExecutionId(executionId: string): ArmServiceRecord | undefined;
  /** Inserts or replaces. */
  putArmService(record: ArmServiceRecord): void;
  /** @param key - the service key */
  deleteArmService(key: string): void;
  /**
   * ARM services of a subscription (and resource group), by name.
   * @param subscriptionId - case-insensitive
   * @param resourceGroup - case-insensitive; all groups when undefined
   * @param offset - items to skip
   * @param limit - page size
   */
  listArmServices(
    subscriptionId: string,
    resourceGroup: string | undefined,
    offset: number,
    limit: number,
  ): Page<ArmServiceRecord>;
  /** Services whose provisioning has not finished (resumed after a restart). */
  listProvisioningArmServices(): readonly ArmServiceRecord[];

  /** @param id - operation id */
  getOperation(id: string): OperationRecord | undefined;
  /** Inserts or replaces. */
  putOperation(record: OperationRecord): void;

  /** Records that a workspace exists (idempotent). */
  ensureWorkspace(workspaceId: string): void;
  /** @param workspaceId - case-insensitive */
  hasWorkspace(workspaceId: string): boolean;

  /** @param workspaceId - case-insensitive @param webServiceId - case-insensitive */
  getClassicService(workspaceId: string, webServiceId: string): ClassicServiceRecord | undefined;
  /** Inserts or replaces. */
  putClassicService(record: ClassicServiceRecord): void;
  /** Deletes a web service with its definitions and endpoints. */
  deleteClassicService(key: string): void;
  /** Web services of a workspace, by creation time. */
  listClassicServices(workspaceId: string): readonly ClassicServiceRecord[];

  /** Inserts a definition version. */
  putDefinition(record: ClassicDefinitionRecord): void;
  /** @param serviceKey - the web service key @param version - the version */
  getDefinition(serviceKey: string, version: number): ClassicDefinitionRecord | undefined;

  /** @param serviceKey - the web service key @param name - the endpoint name */
  getEndpoint(serviceKey: string, name: string): ClassicEndpointRecord | undefined;
  /** @param executionId - the 32-hex id of the endpoint's ApiLocation */
  getEndpointByExecutionId(executionId: string): ClassicEndpointRecord | undefined;
  /** Inserts or replaces. */
  putEndpoint(record: ClassicEndpointRecord): void;
  /** @param serviceKey - the web service key @param name - the endpoint name */
  deleteEndpoint(serviceKey: string, name: string): void;
  /** Endpoints of a web service, by creation time. */
  listEndpoints(serviceKey: string): readonly ClassicEndpointRecord[];
  /** How many endpoints a web service has (without reading them). */
  countEndpoints(serviceKey: string): number;

  /** @param id - job id */
  getJob(id: string): JobRecord | undefined;
  /** Inserts or replaces (a new job gets the next `seq` when `seq` is 0). */
  putJob(record: JobRecord): JobRecord;
  /** @param id - job id */
  deleteJob(id: string): void;
  /**
   * Jobs in the given states, in submission order.
   * @param statuses - states to include
   * @param targetId - only this service/endpoint, when given
   */
  listJobs(statuses: readonly BesStatusName[], targetId?: string): readonly JobRecord[];
  /** Deletes every job of a service/endpoint. */
  deleteJobsOf(targetId: string): void;

  // Read-only queries of the portal (every subscription and workspace at once).

  /** Every ARM service, by subscription, resource group and name. */
  listAllArmServices(): readonly ArmServiceRecord[];
  /** Every classic web service, by workspace and creation time. */
  listAllClassicServices(): readonly ClassicServiceRecord[];
  /**
   * The latest jobs, newest first.
   * @param limit - how many at most
   * @param targetId - only this service's or endpoint's, when given
   */
  listRecentJobs(limit: number, targetId?: string): readonly JobRecord[];

  /** Inserts or replaces the report of a model a job wrote. */
  putModelReport(record: ModelReportRecord): void;
  /** @param sha256 - the model's sha-256 */
  getModelReport(sha256: string): ModelReportRecord | undefined;
  /** Every model report, newest first. */
  listModelReports(): readonly ModelReportRecord[];
}
