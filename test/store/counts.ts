import { SqlStore } from "../../src/store/sql-store.js";
import type { Store } from "../../src/store/store.js";

/** What tests count in the database: crash groups, sync jobs waiting and parked, delivery ids kept. */
export interface StoreCounts {
  groups: number;
  pendingJobs: number;
  parkedJobs: number;
  deliveries: number;
}

/**
 * Counted straight from the store's tables: the App never needs these figures, so they are no part of the Store
 * (the App's own view of the outbox is `outboxStatus`). Works on both databases, the SQL being the same.
 */
export async function storeCounts(store: Store): Promise<StoreCounts> {
  if (!(store instanceof SqlStore))
    throw new Error("storeCounts: the store is not a SqlStore (SqliteStore or PostgresStore), so its tables cannot be read");
  const [row] = await store.db.query(
    `SELECT (SELECT CAST(COUNT(*) AS INTEGER) FROM crash_groups) AS groups_count,
            (SELECT CAST(COUNT(*) AS INTEGER) FROM sync_jobs WHERE parked_at IS NULL) AS jobs_count,
            (SELECT CAST(COUNT(*) AS INTEGER) FROM sync_jobs WHERE parked_at IS NOT NULL) AS parked_count,
            (SELECT CAST(COUNT(*) AS INTEGER) FROM deliveries) AS deliveries_count`,
  );
  if (!row) throw new Error("storeCounts: the count query returned no row");
  return {
    groups: Number(row.groups_count),
    pendingJobs: Number(row.jobs_count),
    parkedJobs: Number(row.parked_count),
    deliveries: Number(row.deliveries_count),
  };
}
