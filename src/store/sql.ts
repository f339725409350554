/**
 * What the store's SQL runs on: the one connection interface both databases implement (sqlite.ts, postgres.ts) and
 * every part of the store writes its SQL against. The bottom of the store with types.ts: it imports nothing.
 */

export type SqlValue = string | number | null;
export type SqlRow = Record<string, unknown>;

export interface SqlTx {
  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlDatabase {
  /** One statement on its own (autocommit). */
  query(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** Runs `fn` in one transaction, running it again when the database reports a transient conflict. */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  /** Clause that holds the selected rows until commit ("" where a transaction already excludes other writers). */
  readonly lockRows: string;
  /** Clause that holds the selected rows and passes over rows another transaction holds. */
  readonly lockRowsSkipLocked: string;
  /**
   * Whether INSERTs may go in a WITH clause (PostgreSQL): an alert's writes are then one statement, so the
   * rows its group's other alerts wait on are held from that statement to the commit, not across a round trip each.
   */
  readonly writesInWith: boolean;
  /** Numbered migrations (schema.ts in this database's dialect); index 0 is version 1. Append only: a released migration never changes. */
  readonly migrations: readonly string[];
  /** Called first inside the migration transaction: makes concurrent migrations of replicas wait for each other. */
  lockForMigration(tx: SqlTx): Promise<void>;
  close(): Promise<void>;
}
