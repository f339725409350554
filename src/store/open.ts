import { PostgresStore } from "./postgres.js";
import { SqliteStore } from "./sqlite.js";
import type { Store } from "./store.js";

const DEFAULT_DB_PATH = "./hotfix-loop.sqlite";

/**
 * The App's store from its environment: PostgreSQL when DATABASE_URL is set (several
 * replicas), else one SQLite file at HOTFIX_DB_PATH. Call `await store.migrate()` before use.
 */
export function openStore(env: Record<string, string | undefined>): Store {
  const url = env.DATABASE_URL?.trim();
  if (url) return new PostgresStore(url);
  return new SqliteStore(env.HOTFIX_DB_PATH?.trim() || DEFAULT_DB_PATH);
}
