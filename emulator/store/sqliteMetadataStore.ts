/**
 * {@link MetadataStore} in one SQLite database file (`node:sqlite`). Each table has the columns
 * its queries need (lower-cased keys, ids, order) and a `data` column with the record as JSON,
 * so a new record field needs no migration.
 *
 * Tables and keys:
 * - `arm_services`: key (PK, lower sub/rg/name), execution_id (unique), subscription, rg
 * - `operations`: id (PK)
 * - `workspaces`: id (PK, lower-cased)
 * - `classic_services`: key (PK, lower ws/id), workspace
 * - `classic_definitions`: (service_key, version) (PK)
 * - `classic_endpoints`: execution_id (PK), (service_key, name) unique
 * - `jobs`: id (PK), seq (unique, submission order), target_id, status
 * - `model_reports`: sha256 (PK), created (the models BES jobs wrote, for the portal)
 *
 * The file is opened in WAL mode with `synchronous=NORMAL`: a crash loses at most the last
 * transactions, never the file (the restart test kills the process with SIGKILL). Statements are
 * prepared once per SQL text and reused (every RRS and BES request reads records).
 */
import { chmodSync, existsSync } from "node:fs";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { BesStatusName } from "../../contract";
import type { MetadataStore, Page } from "./metadataStore";
import type {
  ArmServiceRecord,
  ClassicDefinitionRecord,
  ClassicEndpointRecord,
  ClassicServiceRecord,
  JobRecord,
  ModelReportRecord,
  OperationRecord,
} from "./records";
import { loadSqlite } from "./sqlite";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS arm_services (
  key TEXT PRIMARY KEY, execution_id TEXT NOT NULL UNIQUE,
  subscription TEXT NOT NULL, rg TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS arm_services_by_rg ON arm_services (subscription, rg, name);
CREATE TABLE IF NOT EXISTS operations (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workspaces (id TEXT PRIMARY KEY, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS classic_services (
  key TEXT PRIMARY KEY, workspace TEXT NOT NULL, created TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS classic_definitions (
  service_key TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (service_key, version));
CREATE TABLE IF NOT EXISTS classic_endpoints (
  execution_id TEXT PRIMARY KEY, service_key TEXT NOT NULL, name TEXT NOT NULL,
  created TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (service_key, name));
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, target_id TEXT NOT NULL,
  status TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_by_target ON jobs (target_id, status, seq);
CREATE TABLE IF NOT EXISTS model_reports (
  sha256 TEXT PRIMARY KEY, created TEXT NOT NULL, data TEXT NOT NULL);
`;

function parse<T>(row: Record<string, unknown> | undefined): T | undefined {
  return row === undefined ? undefined : (JSON.parse(String(row.data)) as T);
}

function parseAll<T>(rows: Record<string, unknown>[]): T[] {
  return rows.map((row) => JSON.parse(String(row.data)) as T);
}

/** The SQLite-backed metadata store. */
export class SqliteMetadataStore implements MetadataStore {
  private db: DatabaseSync | undefined;
  /** Prepared statements of the open database, by SQL text. */
  private readonly statements = new Map<string, StatementSync>();
  private servingRevision = 0;

  /**
   * @param file - the database file, or `:memory:`
   */
  constructor(private readonly file: string) {}

  private get database(): DatabaseSync {
    if (!this.db) throw new Error("the metadata store is not open");
    return this.db;
  }

  /**
   * The prepared statement of a SQL text, prepared on first use.
   * @param sql - the statement
   */
  private sql(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Records that a service, definition or endpoint changed (see {@link revision}). */
  private changed(): void {
    this.servingRevision++;
  }

  get revision(): number {
    return this.servingRevision;
  }

  /** Opens (creating) the database; the file is made readable by its owner only (it holds keys). */
  init(): void {
    if (this.db) return;
    const { DatabaseSync } = loadSqlite();
    const isNew = this.file !== ":memory:" && !existsSync(this.file);
    this.db = new DatabaseSync(this.file);
    if (isNew) chmodSync(this.file, 0o600);
    if (this.file !== ":memory:") this.db.exec("PRAGMA journal_mode = WAL;");
    this.db.exec("PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
    this.db.exec(SCHEMA);
  }

  /** Closes the database. */
  close(): void {
    this.statements.clear();
    this.db?.close();
    this.db = undefined;
    this.changed();
  }

  /** Runs `fn` in a transaction; nested calls join the outer one. */
  transaction<T>(fn: () => T): T {
    const db = this.database;
    if (db.isTransaction) return fn();
    db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      db.exec("ROLLBACK");
      // What was derived from the rolled-back writes is stale.
      this.changed();
      throw error;
    }
  }

  // --- ARM services ---------------------------------------------------------------------------

  getArmService(key: string): ArmServiceRecord | undefined {
    return parse(this.sql("SELECT data FROM arm_services WHERE key = ?").get(key));
  }

  getArmServiceByExecutionId(executionId: string): ArmServiceRecord | undefined {
    return parse(this.sql("SELECT data FROM arm_services WHERE execution_id = ?").get(executionId));
  }

  putArmService(record: ArmServiceRecord): void {
    this.sql(
      "INSERT OR REPLACE INTO arm_services (key, execution_id, subscription, rg, name, data) " +
        "VALUES (?, ?, ?, ?, ?, ?)",
    ).run(
      record.key,
      record.executionId,
      record.subscriptionId.toLowerCase(),
      record.resourceGroup.toLowerCase(),
      record.name.toLowerCase(),
      JSON.stringify(record),
    );
    this.changed();
  }

  deleteArmService(key: string): void {
    this.sql("DELETE FROM arm_services WHERE key = ?").run(key);
    this.changed();
  }

  listArmServices(
    subscriptionId: string,
    resourceGroup: string | undefined,
    offset: number,
    limit: number,
  ): Page<ArmServiceRecord> {
    const rows =
      resourceGroup === undefined
        ? this.sql(
            "SELECT data FROM arm_services WHERE subscription = ? ORDER BY rg, name LIMIT ? OFFSET ?",
          ).all(subscriptionId.toLowerCase(), limit + 1, offset)
        : this.sql(
            "SELECT data FROM arm_services WHERE subscription = ? AND rg = ? ORDER BY name LIMIT ? OFFSET ?",
          ).all(subscriptionId.toLowerCase(), resourceGroup.toLowerCase(), limit + 1, offset);
    const items = parseAll<ArmServiceRecord>(rows);
    return { items: items.slice(0, limit), more: items.length > limit };
  }

  listProvisioningArmServices(): readonly ArmServiceRecord[] {
    return parseAll<ArmServiceRecord>(this.sql("SELECT data FROM arm_services").all()).filter(
      (record) => record.provisioningState === "Provisioning",
    );
  }

  // --- operations -----------------------------------------------------------------------------

  getOperation(id: string): OperationRecord | undefined {
    return parse(this.sql("SELECT data FROM operations WHERE id = ?").get(id));
  }

  putOperation(record: OperationRecord): void {
    this.sql("INSERT OR REPLACE INTO operations (id, data) VALUES (?, ?)").run(
      record.id,
      JSON.stringify(record),
    );
  }

  // --- workspaces -----------------------------------------------------------------------------

  ensureWorkspace(workspaceId: string): void {
    this.sql("INSERT OR IGNORE INTO workspaces (id, created) VALUES (?, ?)").run(
      workspaceId.toLowerCase(),
      new Date().toISOString(),
    );
  }

  hasWorkspace(workspaceId: string): boolean {
    return (
      this.sql("SELECT id FROM workspaces WHERE id = ?").get(workspaceId.toLowerCase()) !==
      undefined
    );
  }

  // --- classic web services -------------------------------------------------------------------

  getClassicService(workspaceId: string, webServiceId: string): ClassicServiceRecord | undefined {
    return parse(
      this.sql("SELECT data FROM classic_services WHERE key = ?").get(
        `${workspaceId.toLowerCase()}/${webServiceId.toLowerCase()}`,
      ),
    );
  }

  putClassicService(record: ClassicServiceRecord): void {
    this.sql(
      "INSERT OR REPLACE INTO classic_services (key, workspace, created, data) VALUES (?, ?, ?, ?)",
    ).run(
      record.key,
      record.workspaceId.toLowerCase(),
      record.creationTime,
      JSON.stringify(record),
    );
    this.changed();
  }

  deleteClassicService(key: string): void {
    this.transaction(() => {
      this.sql("DELETE FROM classic_endpoints WHERE service_key = ?").run(key);
      this.sql("DELETE FROM classic_definitions WHERE service_key = ?").run(key);
      this.sql("DELETE FROM classic_services WHERE key = ?").run(key);
    });
    this.changed();
  }

  listClassicServices(workspaceId: string): readonly ClassicServiceRecord[] {
    return parseAll(
      this.sql("SELECT data FROM classic_services WHERE workspace = ? ORDER BY created, key").all(
        workspaceId.toLowerCase(),
      ),
    );
  }

  putDefinition(record: ClassicDefinitionRecord): void {
    this.sql(
      "INSERT OR REPLACE INTO classic_definitions (service_key, version, data) VALUES (?, ?, ?)",
    ).run(record.serviceKey, record.version, JSON.stringify(record));
    this.changed();
  }

  getDefinition(serviceKey: string, version: number): ClassicDefinitionRecord | undefined {
    return parse(
      this.sql("SELECT data FROM classic_definitions WHERE service_key = ? AND version = ?").get(
        serviceKey,
        version,
      ),
    );
  }

  // --- classic endpoints ----------------------------------------------------------------------

  getEndpoint(serviceKey: string, name: string): ClassicEndpointRecord | undefined {
    return parse(
      this.sql("SELECT data FROM classic_endpoints WHERE service_key = ? AND name = ?").get(
        serviceKey,
        name,
      ),
    );
  }

  getEndpointByExecutionId(executionId: string): ClassicEndpointRecord | undefined {
    return parse(
      this.sql("SELECT data FROM classic_endpoints WHERE execution_id = ?").get(executionId),
    );
  }

  putEndpoint(record: ClassicEndpointRecord): void {
    this.sql(
      "INSERT OR REPLACE INTO classic_endpoints (execution_id, service_key, name, created, data) " +
        "VALUES (?, ?, ?, ?, ?)",
    ).run(
      record.executionId,
      record.serviceKey,
      record.name,
      record.creationTime,
      JSON.stringify(record),
    );
    this.changed();
  }

  deleteEndpoint(serviceKey: string, name: string): void {
    this.sql("DELETE FROM classic_endpoints WHERE service_key = ? AND name = ?").run(
      serviceKey,
      name,
    );
    this.changed();
  }

  listEndpoints(serviceKey: string): readonly ClassicEndpointRecord[] {
    return parseAll(
      this.sql(
        "SELECT data FROM classic_endpoints WHERE service_key = ? ORDER BY created, name",
      ).all(serviceKey),
    );
  }

  countEndpoints(serviceKey: string): number {
    const row = this.sql("SELECT COUNT(*) AS n FROM classic_endpoints WHERE service_key = ?").get(
      serviceKey,
    );
    return Number(row?.n ?? 0);
  }

  // --- jobs -----------------------------------------------------------------------------------

  getJob(id: string): JobRecord | undefined {
    return parse(this.sql("SELECT data FROM jobs WHERE id = ?").get(id));
  }

  putJob(record: JobRecord): JobRecord {
    let stored = record;
    if (record.seq === 0) {
      const row = this.sql("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM jobs").get();
      stored = { ...record, seq: Number(row?.next ?? 1) };
    }
    this.sql(
      "INSERT OR REPLACE INTO jobs (id, seq, target_id, status, data) VALUES (?, ?, ?, ?, ?)",
    ).run(stored.id, stored.seq, stored.targetId, stored.status, JSON.stringify(stored));
    return stored;
  }

  deleteJob(id: string): void {
    this.sql("DELETE FROM jobs WHERE id = ?").run(id);
  }

  listJobs(statuses: readonly BesStatusName[], targetId?: string): readonly JobRecord[] {
    if (statuses.length === 0) return [];
    const marks = statuses.map(() => "?").join(", ");
    const rows =
      targetId === undefined
        ? this.sql(`SELECT data FROM jobs WHERE status IN (${marks}) ORDER BY seq`).all(...statuses)
        : this.sql(
            `SELECT data FROM jobs WHERE target_id = ? AND status IN (${marks}) ORDER BY seq`,
          ).all(targetId, ...statuses);
    return parseAll(rows);
  }

  deleteJobsOf(targetId: string): void {
    this.sql("DELETE FROM jobs WHERE target_id = ?").run(targetId);
  }

  // --- portal queries -------------------------------------------------------------------------

  listAllArmServices(): readonly ArmServiceRecord[] {
    return parseAll(
      this.sql("SELECT data FROM arm_services ORDER BY subscription, rg, name").all(),
    );
  }

  listAllClassicServices(): readonly ClassicServiceRecord[] {
    return parseAll(
      this.sql("SELECT data FROM classic_services ORDER BY workspace, created, key").all(),
    );
  }

  listRecentJobs(limit: number, targetId?: string): readonly JobRecord[] {
    return parseAll(
      targetId === undefined
        ? this.sql("SELECT data FROM jobs ORDER BY seq DESC LIMIT ?").all(limit)
        : this.sql("SELECT data FROM jobs WHERE target_id = ? ORDER BY seq DESC LIMIT ?").all(
            targetId,
            limit,
          ),
    );
  }

  putModelReport(record: ModelReportRecord): void {
    this.sql("INSERT OR REPLACE INTO model_reports (sha256, created, data) VALUES (?, ?, ?)").run(
      record.sha256,
      record.createdAt,
      JSON.stringify(record),
    );
  }

  getModelReport(sha256: string): ModelReportRecord | undefined {
    return parse(this.sql("SELECT data FROM model_reports WHERE sha256 = ?").get(sha256));
  }

  listModelReports(): readonly ModelReportRecord[] {
    return parseAll(this.sql("SELECT data FROM model_reports ORDER BY created DESC, sha256").all());
  }
}
