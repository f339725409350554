import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { migrations, SQLITE } from "./schema.js";
import type { SqlDatabase, SqlRow, SqlTx, SqlValue } from "./sql.js";
import { SqlStore } from "./sql-store.js";

/** The schema (schema.ts) in SQLite's types. */
const MIGRATIONS = migrations(SQLITE);

/** How long a write waits for the file's write lock (held by the checkpointer or another process) before it fails. */
const LOCK_WAIT_MS = 5000;

/** How often the checkpointer copies committed WAL pages into the database file. */
export const CHECKPOINT_EVERY_MS = 250;

/**
 * The checkpointer's own connection, in a worker thread. Its source is inline so that the
 * bundled App (lib/) needs no second file; better-sqlite3 is found where this module finds it.
 */
const CHECKPOINTER_SOURCE = `
const { workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path);
// RESTART waits for the App's write in progress, not longer: the next round tries again.
db.pragma("busy_timeout = 20");
setInterval(() => {
  // PASSIVE copies what is committed without blocking anyone, but while the App keeps writing it
  // never copies the last frames, and the WAL starts over only once all are copied: it would grow
  // without end. RESTART then copies the few frames written meanwhile and makes the App's next
  // write start the WAL over; it holds the App's writes only for those frames.
  db.pragma("wal_checkpoint(PASSIVE)");
  db.pragma("wal_checkpoint(RESTART)");
}, workerData.everyMs);
`;

/**
 * SQLite copies the WAL into the database file (a checkpoint, with its fsyncs) inside the
 * commit that crosses 1,000 WAL pages, so every few hundred alerts one ingest blocked the
 * event loop for several milliseconds, and every alert queued behind it waited: in the storm
 * the store's p99 was 3 ms against a p50 of 0.08 ms (0.5 ms with this). The App's connection
 * no longer checkpoints; a connection in a worker thread does, off the event loop, holding the
 * App's writes only for the last frames. The WAL holds at most one interval's writes. Durability
 * is the same: a commit is acknowledged once it is in the WAL, whoever checkpoints it later,
 * and the WAL is replayed on open. If the thread cannot start, the App's connection
 * checkpoints as before.
 */
function checkpointElsewhere(db: Database.Database, path: string): Worker | null {
  try {
    const module = createRequire(import.meta.url).resolve("better-sqlite3");
    const worker = new Worker(CHECKPOINTER_SOURCE, { eval: true, workerData: { module, path, everyMs: CHECKPOINT_EVERY_MS } });
    worker.unref();
    db.pragma("wal_autocheckpoint = 0");
    worker.once("error", () => db.open && db.pragma("wal_autocheckpoint = 1000"));
    return worker;
  } catch {
    return null;
  }
}

const isBusy = (error: unknown): boolean => error instanceof Database.SqliteError && error.code === "SQLITE_BUSY";

interface Batch {
  committed: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

class SqliteDatabase implements SqlDatabase {
  readonly lockRows = "";
  readonly writesInWith = false;
  readonly lockRowsSkipLocked = "";
  readonly migrations = MIGRATIONS;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** One connection serves every caller, so transactions take turns on it. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly tx: SqlTx;
  private readonly checkpointer: Worker | null = null;
  /** The transaction alerts of this turn of the event loop join, until it commits. */
  private batch: Batch | null = null;

  constructor(path: string, synchronous: SqliteSynchronous) {
    if (path !== ":memory:" && !path.startsWith("file:")) mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    // An alert is acknowledged once ingest commits, and the reporter will not send it again.
    // WAL with synchronous=NORMAL survives a killed or crashed process (the commit is in the
    // OS's cache; test/proof/faults.test.ts kills the App with SIGKILL mid-storm): only a power
    // loss or a kernel crash can take back the last commits. FULL fsyncs the WAL on every
    // commit and survives those too, but the fsync blocks the event loop (better-sqlite3 is
    // synchronous): in the 1,000 alerts/s storm it raised ack p50 from 3.5 to 13 ms and p99
    // from 33 to 43 ms. NORMAL is the default; HOTFIX_SQLITE_SYNCHRONOUS=FULL chooses the other.
    this.db.pragma(`synchronous = ${synchronous}`);
    // Another process on the same file (a CLI next to the App) waits for the write lock instead of failing.
    this.db.pragma(`busy_timeout = ${LOCK_WAIT_MS}`);
    if (path !== ":memory:") this.checkpointer = checkpointElsewhere(this.db, path);
    // The WAL file keeps its largest size when it starts over; past this the App's write that starts it over shrinks it.
    this.db.pragma(`journal_size_limit = ${8 * 1024 * 1024}`);
    this.db.pragma("foreign_keys = ON");
    this.tx = {
      all: async (sql, params = []) => this.all(sql, params),
      run: async (sql, params = []) => this.statement(sql).run(...params).changes,
      exec: async (script) => {
        this.db.exec(script);
      },
    };
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Transaction control, prepared once: it runs several times per alert, and exec() parses its text each time. */
  private control(sql: string): void {
    this.statement(sql).run();
  }

  private all(sql: string, params: readonly SqlValue[]): SqlRow[] {
    const statement = this.statement(sql);
    if (statement.reader) return statement.all(...params) as SqlRow[];
    statement.run(...params);
    return [];
  }

  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  query(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    return this.inTurn(async () => {
      // Nobody reads what is not committed: the worker must not act on an alert that may yet be lost.
      this.commitBatch();
      return this.all(sql, params);
    });
  }

  /**
   * Group commit: the transactions asked for within one turn of the event loop (a storm's
   * alerts parsed in the same poll) share one SQLite transaction, each after the first in its own savepoint,
   * committed once at the end of the turn; each caller is answered only after that commit, so
   * nothing is acknowledged before it is durable. One commit writes a page the batch touched
   * once instead of once per alert (the group's row, its job, the index pages).
   */
  async transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    const { result, batch } = await this.inTurn(async () => {
      // The batch's first member needs no savepoint: undoing it is undoing the whole transaction. At 1,000
      // alerts/s most batches hold one alert, and SAVEPOINT + RELEASE were half the transaction control.
      const first = this.batch === null;
      const open = await this.openBatch();
      if (!first) this.control("SAVEPOINT alert");
      try {
        const value = await fn(this.tx);
        if (!first) this.control("RELEASE alert");
        return { result: value, batch: open };
      } catch (error) {
        // A failed transaction is undone alone; the others of the batch still commit.
        if (first) this.abandonBatch(open);
        else if (this.db.inTransaction) this.db.exec("ROLLBACK TO alert; RELEASE alert");
        throw error;
      }
    });
    await batch.committed;
    return result;
  }

  private async openBatch(): Promise<Batch> {
    if (this.batch) return this.batch;
    await this.beginImmediate();
    const batch: Batch = { committed: Promise.resolve(), resolve: () => undefined, reject: () => undefined };
    batch.committed = new Promise<void>((resolve, reject) => Object.assign(batch, { resolve, reject }));
    // Callers await it only after their own part ran; a batch nobody joined still must not warn of an unhandled rejection.
    batch.committed.catch(() => undefined);
    this.batch = batch;
    setImmediate(() => void this.inTurn(async () => this.commitBatch()));
    return batch;
  }

  /**
   * IMMEDIATE takes the write lock up front, so a transaction never fails half-way on a busy file. While the
   * checkpointer's RESTART (or a CLI on the same file) holds the lock, SQLite's busy handler would sleep inside
   * the call, on the event loop's thread, and every alert behind it would wait unparsed and unanswered: the ack's
   * p99 stalls. So this connection asks without waiting and waits on a timer between tries, off the event loop.
   */
  private async beginImmediate(): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let pause = 1; ; pause = Math.min(pause * 2, 16)) {
      this.statement("PRAGMA busy_timeout = 0").get();
      try {
        this.control("BEGIN IMMEDIATE");
        return;
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
      } finally {
        this.statement(`PRAGMA busy_timeout = ${LOCK_WAIT_MS}`).get();
      }
      await sleep(pause);
    }
  }

  /** Rolls back a batch its first member failed in; nobody else joined it, and a later member opens the next one. */
  private abandonBatch(batch: Batch): void {
    this.batch = null;
    if (this.db.inTransaction) this.db.exec("ROLLBACK");
    batch.resolve();
  }

  private commitBatch(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = null;
    try {
      this.control("COMMIT");
      batch.resolve();
    } catch (error) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      batch.reject(error instanceof Error ? error : new Error(`COMMIT failed: ${String(error)}`));
    }
  }

  async lockForMigration(): Promise<void> {
    // BEGIN IMMEDIATE already keeps every other connection to the file out.
  }

  async close(): Promise<void> {
    await this.checkpointer?.terminate();
    await this.inTurn(async () => {
      this.commitBatch();
      this.db.close();
    });
  }
}

/** The default store: one file, created on first start (":memory:" for tests). */
export type SqliteSynchronous = "NORMAL" | "FULL";

export class SqliteStore extends SqlStore {
  constructor(path: string, options: { synchronous?: SqliteSynchronous } = {}) {
    super(new SqliteDatabase(path, options.synchronous ?? "NORMAL"));
  }
}
