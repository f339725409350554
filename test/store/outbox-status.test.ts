import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { CrashReport } from "../../src/core/crash.js";
import { PostgresStore, withUser } from "../../src/store/postgres.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import type { Store } from "../../src/store/store.js";

// Store.outboxStatus, what /readyz and /metrics read, on both stores: due means due now and held by no worker.

const PG_URL = inject("testDatabaseUrl");
const SCHEMA = `hotfix_outbox_status_${process.pid}_${Date.now().toString(36)}`;
const T0 = new Date("2026-03-01T12:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const report = CrashReport.parse({
  provider: "sentry",
  project: "web",
  exception: { type: "TypeError", message: "x is undefined" },
  frames: [{ file: "src/cart.ts", function: "total", line: 42, in_app: true }],
});

afterAll(async () => {
  const client = new pg.Client({ connectionString: withUser(PG_URL) });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  } finally {
    await client.end();
  }
});

describe.each([
  { name: "SqliteStore", open: () => new SqliteStore(":memory:") as Store },
  { name: "PostgresStore", open: () => new PostgresStore(PG_URL, { schema: SCHEMA }) as Store },
])("$name.outboxStatus", ({ open }) => {
  it("counts pending and due jobs and dates the oldest due one, leaving out jobs a worker holds", async () => {
    const store = open();
    try {
      await store.migrate();
      expect(await store.outboxStatus(at(0))).toMatchObject({ pendingJobs: 0, dueJobs: 0, oldestDueAt: null });
      const alert = { repo: "acme/shop", installationId: 7, report, refreshIntervalSeconds: 60, reopenOnRegression: true };
      await store.ingest({ ...alert, signature: "aaaaaaaaaaaaaaaa", deliveryId: "d1" }, at(0));
      await store.ingest({ ...alert, signature: "bbbbbbbbbbbbbbbb", deliveryId: "d2" }, at(10));

      expect(await store.outboxStatus(at(5))).toMatchObject({ pendingJobs: 2, dueJobs: 1, oldestDueAt: at(0).toISOString() });
      expect(await store.outboxStatus(at(20))).toMatchObject({ pendingJobs: 2, dueJobs: 2, oldestDueAt: at(0).toISOString() });

      const [held] = await store.claimJobs("worker-1", at(20), 1, 60_000);
      expect(held?.dueAt).toBe(at(0).toISOString());
      expect(await store.outboxStatus(at(30))).toMatchObject({ pendingJobs: 2, dueJobs: 1, oldestDueAt: at(10).toISOString() });
      // The lease ran out: the job is due again, and as old as it was.
      expect(await store.outboxStatus(at(100))).toMatchObject({ pendingJobs: 2, dueJobs: 2, oldestDueAt: at(0).toISOString() });
    } finally {
      await store.close();
    }
  });
});
