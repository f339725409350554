import { existsSync } from "node:fs";
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

/**
 * The App's store for a command that reads what the App wrote, or why there is none: SQLite would
 * create an empty file at a mistyped path, and the command would say, wrongly, that nothing happened.
 */
export function openExistingStore(env: Record<string, string | undefined>): { store: Store } | { missing: string } {
  const file = sqlitePath(env);
  if (!env.DATABASE_URL?.trim() && !existsSync(file))
    return {
      missing: `no store at ${file}: set HOTFIX_DB_PATH to the App's SQLite file, or DATABASE_URL to its PostgreSQL (as the App has them)`,
    };
  return { store: openStore(env) };
}

export function sqliteSynchronous(raw: string | undefined): SqliteSynchronous {
  const value = (raw?.trim() || "NORMAL").toUpperCase();
  if (value === "NORMAL" || value === "FULL") return value;
  throw new Error(`HOTFIX_SQLITE_SYNCHRONOUS: expected NORMAL or FULL, got ${JSON.stringify(raw)}`);
}
