import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { PostgresStore, withUser } from "../../src/store/postgres.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { dropSchemas } from "../postgres-schemas.js";

/**
 * The schema a fresh database reaches, held against the one recorded before the schema SQL was written once
 * (src/store/schema.ts): an existing user's database was built by the old text, a new one by the new text, and both
 * must be the same database. A change of the schema is a new migration and a deliberate update of these files.
 */

const PG_URL = inject("testDatabaseUrl");
const schemas: string[] = [];
afterAll(() => dropSchemas(PG_URL, schemas));

/** SQL as SQLite keeps it, without what does not change the schema: comments, case, spacing. */
const normalized = (sql: string | null): string =>
  (sql ?? "")
    .replace(/--[^\n]*/g, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/\s*([(),])\s*/g, "$1")
    .trim();

describe("the schema a fresh database reaches", () => {
  it("SQLite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotfix-schema-"));
    try {
      const file = join(dir, "schema.sqlite");
      const store = new SqliteStore(file);
      await store.migrate();
      await store.close();
      const db = new Database(file, { readonly: true });
      const rows = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as {
        type: string;
        name: string;
        tbl_name: string;
        sql: string | null;
      }[];
      db.close();
      const dump = rows.map((r) => `${r.type} ${r.name} on ${r.tbl_name}: ${normalized(r.sql)}`).join("\n");
      await expect(`${dump}\n`).toMatchFileSnapshot("schema.sqlite.golden.txt");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("PostgreSQL", async () => {
    const schema = `hotfix_schema_${process.pid}_${Date.now().toString(36)}`;
    schemas.push(schema);
    const store = new PostgresStore(PG_URL, { schema });
    await store.migrate();
    await store.close();
    const client = new pg.Client({ connectionString: withUser(PG_URL) });
    await client.connect();
    try {
      const columns = await client.query(
        `SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity, identity_generation
         FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
        [schema],
      );
      const constraints = await client.query(
        `SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
         -- PostgreSQL 18 also lists each NOT NULL as a constraint (contype n), 15 does not; the columns' nullable= holds them.
         WHERE n.nspname = $1 AND c.contype <> 'n' ORDER BY tbl, c.conname`,
        [schema],
      );
      const indexes = await client.query(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY tablename, indexname",
        [schema],
      );
      const unqualified = (text: string) => text.replaceAll(`${schema}.`, "");
      const dump = [
        ...columns.rows.map(
          (r) =>
            `column ${r.table_name}.${r.column_name}: ${r.data_type} nullable=${r.is_nullable} default=${r.column_default ?? ""} identity=${r.is_identity} ${r.identity_generation ?? ""}`,
        ),
        ...constraints.rows.map((r) => `constraint ${unqualified(String(r.tbl))}.${r.conname}: ${unqualified(String(r.def))}`),
        ...indexes.rows.map((r) => `index ${r.tablename}.${r.indexname}: ${unqualified(String(r.indexdef))}`),
      ].join("\n");
      await expect(`${dump}\n`).toMatchFileSnapshot("schema.postgres.golden.txt");
    } finally {
      await client.end();
    }
  });
});
