/**
 * The v2 surface's records in their own SQLite database (`v2.db` in the data folder, or
 * `:memory:`), beside the classic surfaces' file: the two surfaces share no table, so neither
 * one's schema can break the other. Synchronous (`node:sqlite`), so each handler's
 * read-modify-write is atomic on the event loop.
 *
 * Tables: `resources` (key = lower-cased ARM id, kind, parent key, creation order, the record as
 * JSON) and `operations` (id, status, the record as JSON).
 */
import { chmodSync, existsSync } from "node:fs";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { loadSqlite } from "../../store/sqlite";
import type { ResourceKind } from "../ids";
import type { OperationRecord, ResourceRecord } from "./records";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS resources (
  key TEXT PRIMARY KEY, kind TEXT NOT NULL, parent TEXT NOT NULL, seq INTEGER NOT NULL UNIQUE,
  data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS resources_by_parent ON resources (parent, kind, seq);
CREATE INDEX IF NOT EXISTS resources_by_kind ON resources (kind, seq);
CREATE TABLE IF NOT EXISTS operations (id TEXT PRIMARY KEY, status TEXT NOT NULL, data TEXT NOT NULL);
`;

/** A page of records. */
export interface RecordPage {
  readonly items: readonly ResourceRecord[];
  readonly more: boolean;
}

/** The v2 records. */
export class V2Store {
  private db: DatabaseSync | undefined;
  private readonly statements = new Map<string, StatementSync>();

  /** @param file - the database file, or `:memory:` */
  constructor(private readonly file: string) {}

  private get database(): DatabaseSync {
    if (!this.db) throw new Error("the v2 store is not open");
    return this.db;
  }

  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.database.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Opens (creating) the database, readable by its owner only (it holds keys). */
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

  /** Closes the database (idempotent). */
  close(): void {
    this.statements.clear();
    this.db?.close();
    this.db = undefined;
  }

  /**
   * Runs `fn` in one transaction.
   * @param fn - the work
   */
  transaction<T>(fn: () => T): T {
    this.database.exec("BEGIN");
    try {
      const result = fn();
      this.database.exec("COMMIT");
      return result;
    } catch (error) {
      this.database.exec("ROLLBACK");
      throw error;
    }
  }

  /** @param key - lower-cased ARM id */
  get<S = unknown, I = unknown>(key: string): ResourceRecord<S, I> | undefined {
    const row = this.sql("SELECT data FROM resources WHERE key = ?").get(key);
    return row === undefined ? undefined : (JSON.parse(String(row.data)) as ResourceRecord<S, I>);
  }

  /**
   * Inserts (assigning the next `seq` when it is 0) or replaces a record.
   * @param record - the record
   */
  put<S, I>(record: ResourceRecord<S, I>): ResourceRecord<S, I> {
    let stored = record;
    if (record.seq === 0) {
      const row = this.sql("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM resources").get();
      stored = { ...record, seq: Number(row?.next ?? 1) };
    }
    this.sql(
      "INSERT OR REPLACE INTO resources (key, kind, parent, seq, data) VALUES (?, ?, ?, ?, ?)",
    ).run(stored.key, stored.kind, stored.parent, stored.seq, JSON.stringify(stored));
    return stored;
  }

  /** @param key - lower-cased ARM id */
  delete(key: string): void {
    this.sql("DELETE FROM resources WHERE key = ?").run(key);
  }

  /**
   * Deletes a resource and everything under it (by id prefix).
   * @param key - lower-cased ARM id
   */
  deleteTree(key: string): void {
    const escaped = key.replace(/[\\%_]/g, (c) => `\\${c}`);
    this.sql("DELETE FROM resources WHERE key = ? OR key LIKE ? ESCAPE '\\'").run(
      key,
      `${escaped}/%`,
    );
  }

  /**
   * Children of a parent, in creation order.
   * @param parent - the parent key
   * @param kind - the kind of children
   * @param offset - items to skip
   * @param limit - page size
   */
  list(parent: string, kind: ResourceKind, offset = 0, limit = 1_000_000): RecordPage {
    const rows = this.sql(
      "SELECT data FROM resources WHERE parent = ? AND kind = ? ORDER BY seq LIMIT ? OFFSET ?",
    ).all(parent, kind, limit + 1, offset);
    const items = rows.slice(0, limit).map((row) => JSON.parse(String(row.data)) as ResourceRecord);
    return { items, more: rows.length > limit };
  }

  /**
   * Every record of a kind, in creation order (recovery, endpoint name uniqueness).
   * @param kind - the kind
   */
  listKind(kind: ResourceKind): readonly ResourceRecord[] {
    return this.sql("SELECT data FROM resources WHERE kind = ? ORDER BY seq")
      .all(kind)
      .map((row) => JSON.parse(String(row.data)) as ResourceRecord);
  }

  /** @param id - operation id */
  getOperation(id: string): OperationRecord | undefined {
    const row = this.sql("SELECT data FROM operations WHERE id = ?").get(id);
    return row === undefined ? undefined : (JSON.parse(String(row.data)) as OperationRecord);
  }

  /** Inserts or replaces an operation. */
  putOperation(record: OperationRecord): void {
    this.sql("INSERT OR REPLACE INTO operations (id, status, data) VALUES (?, ?, ?)").run(
      record.id,
      record.status,
      JSON.stringify(record),
    );
  }

  /** Operations still in progress (failed after a restart). */
  listRunningOperations(): readonly OperationRecord[] {
    return this.sql("SELECT data FROM operations WHERE status = 'InProgress'")
      .all()
      .map((row) => JSON.parse(String(row.data)) as OperationRecord);
  }
}
