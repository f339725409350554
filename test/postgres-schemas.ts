import pg from "pg";
import { withUser } from "../src/store/postgres.js";

/** Drops the PostgreSQL schemas a test file's stores worked in, when the file is done. */
export async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: withUser(url) });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
