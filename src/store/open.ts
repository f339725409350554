import { PostgresStore } from "./postgres.js";
import { SqliteStore, type SqliteSynchronous } from "./sqlite.js";
import type { Store } from "./store.js";

const DEFAULT_DB_PATH = "./hotfix-loop.sqlite";

/**
 * The App's store from its environment: PostgreSQL when DATABASE_URL is set (several
 * replicas), else one SQLite file at HOTFIX_DB_PATH, synced per HOTFIX_SQLITE_SYNCHRONOUS
 * (NORMAL, the default, or FULL). Call `await store.migrate()` before use.
 */
export function openStore(env: Record<string, string | undefined>): Store {
  const url = env.DATABASE_URL?.trim();
  if (url) return new PostgresStore(url);
  return new SqliteStore(sqlitePath(env), { synchronous: sqliteSynchronous(env.HOTFIX_SQLITE_SYNCHRONOUS) });
}

/** The SQLite file the environment names (the store unless DATABASE_URL is set). */
export const sqlitePath = (env: Record<string, string | undefined>): string => env.HOTFIX_DB_PATH?.trim() || DEFAULT_DB_PATH;

export function sqliteSynchronous(raw: string | undefined): SqliteSynchronous {
  const value = (raw?.trim() || "NORMAL").toUpperCase();
  if (value === "NORMAL" || value === "FULL") return value;
  throw new Error(`HOTFIX_SQLITE_SYNCHRONOUS: expected NORMAL or FULL, got ${JSON.stringify(raw)}`);
}
