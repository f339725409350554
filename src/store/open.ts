import { existsSync } from "node:fs";
import { PostgresStore } from "./postgres.js";
import { SqliteStore, type SqliteSynchronous } from "./sqlite.js";
import type { Store } from "./store.js";

/** Where the App's store is, from its settings (DATABASE_URL, HOTFIX_DB_PATH, HOTFIX_SQLITE_SYNCHRONOUS, PGUSER: app/settings.ts). */
export interface StoreSettings {
  /** PostgreSQL (several replicas); unset: SQLite. */
  databaseUrl?: string;
  sqlitePath: string;
  sqliteSynchronous: SqliteSynchronous;
  /** PostgreSQL's user when the URL names none; unset: the operating-system user. */
  postgresUser?: string;
}

/**
 * The App's store: PostgreSQL when a database URL is set (several replicas), else one SQLite
 * file, synced NORMAL or FULL. Call `await store.migrate()` before use.
 */
export function openStore(settings: StoreSettings): Store {
  if (settings.databaseUrl) return new PostgresStore(settings.databaseUrl, { user: settings.postgresUser });
  return new SqliteStore(settings.sqlitePath, { synchronous: settings.sqliteSynchronous });
}

/**
 * The App's store for a command that reads what the App wrote, or why there is none: SQLite would
 * create an empty file at a mistyped path, and the command would say, wrongly, that nothing happened.
 */
export function openExistingStore(settings: StoreSettings): { store: Store } | { missing: string } {
  const file = settings.sqlitePath;
  if (!settings.databaseUrl && !existsSync(file))
    return {
      missing: `no store at ${file}: set HOTFIX_DB_PATH to the App's SQLite file, or DATABASE_URL to its PostgreSQL (as the App has them)`,
    };
  return { store: openStore(settings) };
}

/** HOTFIX_SQLITE_SYNCHRONOUS's value (any case); unset: NORMAL. */
export function sqliteSynchronous(raw: string | undefined): SqliteSynchronous {
  const value = (raw?.trim() || "NORMAL").toUpperCase();
  if (value === "NORMAL" || value === "FULL") return value;
  throw new Error(`HOTFIX_SQLITE_SYNCHRONOUS: expected NORMAL or FULL, got ${JSON.stringify(raw)}`);
}
