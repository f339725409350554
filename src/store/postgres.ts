import { userInfo } from "node:os";
import pg from "pg";
import { SqlSharedPace, type SharedPace } from "./pace.js";
import { migrations, POSTGRES } from "./schema.js";
import type { SqlDatabase, SqlRow, SqlTx, SqlValue } from "./sql.js";
import { SqlStore } from "./sql-store.js";

/** The schema (schema.ts) in PostgreSQL's types. */
const MIGRATIONS = migrations(POSTGRES);

/** serialization_failure and deadlock_detected: the transaction did nothing and may simply run again. */
const TRANSIENT = new Set(["40001", "40P01"]);
const MAX_ATTEMPTS = 8;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `?` placeholders become `$1…$n`; our SQL has no other question marks. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * The URL with a user when it names none: the one given (the App's PGUSER), else the operating-system user, as libpq
 * takes it; node-postgres would only read $USER, which may be unset.
 */
export function withUser(connectionString: string, user?: string): string {
  try {
    const url = new URL(connectionString);
    if (url.username) return connectionString;
    url.username = user || userInfo().username;
    return url.toString();
  } catch {
    return connectionString;
  }
}

class PostgresDatabase implements SqlDatabase {
  readonly lockRows = " FOR UPDATE";
  readonly writesInWith = true;
  readonly lockRowsSkipLocked = " FOR UPDATE SKIP LOCKED";
  readonly migrations = MIGRATIONS;
  private readonly pool: pg.Pool;
  private readonly statements = new Map<string, { name: string; text: string }>();

  constructor(
    connectionString: string,
    private readonly schema: string | undefined,
    onPoolError: (error: Error) => void,
    user: string | undefined,
  ) {
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
      throw new Error(`PostgresStore: schema must be lower-case letters, digits and _ (got ${JSON.stringify(schema)})`);
    }
    this.pool = new pg.Pool({
      connectionString: withUser(connectionString, user),
      // Every connection of the pool works in the store's schema.
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle connection the server dropped must not crash the App; the next query reconnects. It is still said.
    this.pool.on("error", (error) => onPoolError(error));
  }

  /**
   * A named statement: each connection parses and plans it once and then only binds values.
   * Unnamed, PostgreSQL parsed and planned every statement of every alert, most of its CPU in
   * the storm. The store's statements are a fixed set of texts, so the names are too.
   */
  private prepared(sql: string, params: readonly SqlValue[]): pg.QueryConfig {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = { name: `hotfix_${this.statements.size + 1}`, text: numbered(sql) };
      this.statements.set(sql, statement);
    }
    return { ...statement, values: [...params] };
  }

  async query(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    return (await this.pool.query(this.prepared(sql, params))).rows as SqlRow[];
  }

  async transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query("BEGIN");
        const result = await fn({
          all: async (sql, params = []) => (await client.query(this.prepared(sql, params))).rows as SqlRow[],
          run: async (sql, params = []) => (await client.query(this.prepared(sql, params))).rowCount ?? 0,
          exec: async (script) => {
            await client.query(script);
          },
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        const code = (error as { code?: unknown }).code;
        if (typeof code === "string" && TRANSIENT.has(code) && attempt < MAX_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
          continue;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }

  async lockForMigration(tx: SqlTx): Promise<void> {
    // Replicas starting together take turns: the second finds the first one's migrations applied.
    await tx.all("SELECT pg_advisory_xact_lock(hashtext(?))", [`hotfix-loop migrate ${this.schema ?? ""}`]);
    if (this.schema) await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** The store for several App replicas sharing one PostgreSQL database. */
export class PostgresStore extends SqlStore {
  readonly pace: SharedPace;

  /** `onPoolError` hears of idle connections the server dropped (default: a line on stderr). */
  /** `user`: PostgreSQL's user when the URL names none (the App's PGUSER); unset: the operating-system user. */
  constructor(connectionString: string, options: { schema?: string; onPoolError?: (error: Error) => void; user?: string } = {}) {
    const onPoolError =
      options.onPoolError ?? ((error: Error) => console.error(`hotfix-loop store: an idle PostgreSQL connection failed: ${error.message}`));
    const db = new PostgresDatabase(connectionString, options.schema, onPoolError, options.user);
    super(db);
    this.pace = new SqlSharedPace(db);
  }
}
