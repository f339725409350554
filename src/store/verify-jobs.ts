import * as z from "zod";
import type { SqlDatabase } from "./sql.js";

/**
 * The App's scheduled verifications: one row per crash group and deployed version, due when
 * enough exposure should have accrued. Apart from `sync_jobs`, which holds one job per group:
 * a verification waits hours while the group's issue keeps being refreshed. A claim moves the
 * due time past a lease, so a replica that dies mid-look leaves the row to be looked at again.
 * Written once in the SQL both databases share, like sql-store.ts.
 */

export const VerifyJob = z.object({
  id: z.coerce.number().int(),
  repo: z.string(),
  installationId: z.coerce.number().int(),
  groupId: z.coerce.number().int(),
  version: z.string(),
  sha: z.string(),
  environment: z.string(),
  deployedAt: z.union([z.date().transform((d) => d.toISOString()), z.string()]),
  /** Looks taken so far, this claim included. */
  looks: z.coerce.number().int(),
});
export type VerifyJob = z.infer<typeof VerifyJob>;

export type NewVerifyJob = Omit<VerifyJob, "id" | "looks">;

export interface VerifyJobStore {
  /** Schedules the first look; a redelivered deployment (same group and version) schedules nothing. Returns whether it was new. */
  schedule(job: NewVerifyJob, dueAt: Date): Promise<boolean>;
  /** Due jobs, each held for `leaseMs` (its due time moves past the lease) and its look counted. */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<VerifyJob[]>;
  /** "Not enough data yet": look again then. */
  reschedule(id: number, dueAt: Date): Promise<void>;
  /** A verdict, or the last look: the job is gone. */
  finish(id: number): Promise<void>;
}

export class SqlVerifyJobStore implements VerifyJobStore {
  constructor(private readonly db: SqlDatabase) {}

  async schedule(job: NewVerifyJob, dueAt: Date): Promise<boolean> {
    const changed = await this.db.transaction((tx) =>
      tx.run(
        `INSERT INTO verify_jobs (repo, installation_id, group_id, version, sha, environment, deployed_at, due_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [job.repo, job.installationId, job.groupId, job.version, job.sha, job.environment, job.deployedAt, dueAt.toISOString()],
      ),
    );
    return changed > 0;
  }

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<VerifyJob[]> {
    const rows = await this.db.transaction((tx) =>
      tx.all(
        `UPDATE verify_jobs SET due_at = ?, looks = looks + 1
         WHERE id IN (SELECT id FROM verify_jobs WHERE due_at <= ? ORDER BY due_at, id LIMIT ?${this.db.lockRowsSkipLocked})
         RETURNING id, repo, installation_id, group_id, version, sha, environment, deployed_at, looks`,
        [new Date(now.getTime() + leaseMs).toISOString(), now.toISOString(), limit],
      ),
    );
    return rows.map((row) => VerifyJob.parse({ ...row, installationId: row.installation_id, groupId: row.group_id, deployedAt: row.deployed_at }));
  }

  async reschedule(id: number, dueAt: Date): Promise<void> {
    await this.db.query("UPDATE verify_jobs SET due_at = ? WHERE id = ?", [dueAt.toISOString(), id]);
  }

  async finish(id: number): Promise<void> {
    await this.db.query("DELETE FROM verify_jobs WHERE id = ?", [id]);
  }
}
