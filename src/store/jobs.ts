import * as z from "zod";
import { RefusalReason } from "../core/refusal.js";
import type { SqlDatabase, SqlRow } from "./sql.js";
import type { ParkReason as ParkReasonType } from "./types.js";

/**
 * The outbox as an operator sees and moves it (`hotfix-loop jobs`, and the App when GitHub says a
 * refusal's cause is gone): every job with its last error and, for a parked one, why it was parked;
 * and the leases of jobs that wait long for GitHub's pace.
 * Written once in the SQL both databases share, on sync_jobs.
 */

/** Why a job was parked: it failed its last attempt, or GitHub refused it in a way no retry changes (core/refusal.ts). */
// The type is types.ts's, where the store's interfaces name it; this is its schema, for rows read back and metrics' labels.
export const ParkReason = z.enum(["attempts", ...RefusalReason.options]) satisfies z.ZodType<ParkReasonType>;
export type ParkReason = ParkReasonType;

export type JobState = "due" | "waiting" | "running" | "parked";

export interface JobListing {
  id: number;
  groupId: number;
  repo: string;
  signature: string;
  issueNumber: number | null;
  state: JobState;
  attempts: number;
  dueAt: string;
  parkedAt: string | null;
  /** Set while parked. */
  parkReason: ParkReason | null;
  lastError: string | null;
}

/** Which parked jobs to take back: one repository's, or one installation's. */
export type ParkedScope = { repo: string } | { installationId: number };

export interface JobAdmin {
  /** Jobs, parked first, then by due time; only parked ones with `parkedOnly`. */
  list(now: Date, options?: { parkedOnly?: boolean }): Promise<JobListing[]>;
  /** Makes the job due at `at` with its attempts back to 0, parked or not; false when there is no such job. */
  retry(id: number, at: Date): Promise<boolean>;
  /** Takes parked jobs back into the queue, due at `at` (all of them, or those in scope parked for one of `reasons`); returns how many. */
  retryParked(at: Date, scope?: ParkedScope, reasons?: readonly ParkReason[]): Promise<number>;
  /** Removes the job; its group's next alert schedules a new one. False when there is no such job. */
  drop(id: number): Promise<boolean>;
  /** Parked jobs per reason, for /metrics. */
  parkedByReason(): Promise<Partial<Record<ParkReason, number>>>;
  /**
   * Extends the worker's leases on these jobs to `until`: a job waiting its turn at GitHub's pace may
   * outlast its lease, and another replica must not take a job whose worker is alive. Returns how many it still held.
   */
  renewLeases(workerId: string, ids: readonly number[], until: Date): Promise<number>;
}

const Int = z.coerce.number().int();
const Iso = z.union([z.date().transform((d) => d.toISOString()), z.string()]);
const ListingRow = z.object({
  id: Int,
  group_id: Int,
  repo: z.string(),
  signature: z.string(),
  issue_number: Int.nullable(),
  attempts: Int,
  due_at: Iso,
  lease_until: Iso.nullable(),
  parked_at: Iso.nullable(),
  park_reason: ParkReason.nullable(),
  last_error: z.string().nullable(),
});

function toListing(row: SqlRow, now: string): JobListing {
  const parsed = ListingRow.safeParse(row);
  if (!parsed.success) throw new Error(`store: a sync_jobs row read back does not have the expected shape: ${parsed.error.issues[0]?.message}`);
  const r = parsed.data;
  const state: JobState =
    r.parked_at !== null ? "parked" : r.lease_until !== null && r.lease_until > now ? "running" : r.due_at <= now ? "due" : "waiting";
  return {
    id: r.id,
    groupId: r.group_id,
    repo: r.repo,
    signature: r.signature,
    issueNumber: r.issue_number,
    state,
    attempts: r.attempts,
    dueAt: r.due_at,
    parkedAt: r.parked_at,
    // A job parked before reasons were kept was parked after its attempts.
    parkReason: r.parked_at === null ? null : (r.park_reason ?? "attempts"),
    lastError: r.last_error,
  };
}

/** Back in the queue: due, not held, nothing parked, a fresh count of attempts. The last error stays until the next attempt. */
const REQUEUE = "UPDATE sync_jobs SET due_at = ?, parked_at = NULL, park_reason = NULL, lease_owner = NULL, lease_until = NULL, attempts = 0";

export class SqlJobAdmin implements JobAdmin {
  constructor(private readonly db: SqlDatabase) {}

  async list(now: Date, options: { parkedOnly?: boolean } = {}): Promise<JobListing[]> {
    const rows = await this.db.query(
      `SELECT j.id, j.group_id, g.repo, g.signature, g.issue_number, j.attempts, j.due_at, j.lease_until, j.parked_at, j.park_reason, j.last_error
       FROM sync_jobs j JOIN crash_groups g ON g.id = j.group_id
       ${options.parkedOnly ? "WHERE j.parked_at IS NOT NULL" : ""}
       ORDER BY CASE WHEN j.parked_at IS NULL THEN 1 ELSE 0 END, j.due_at, j.id`,
    );
    // Times compare as ISO text: both databases' rows come back as the same format (Iso above).
    return rows.map((row) => toListing(row, now.toISOString()));
  }

  async retry(id: number, at: Date): Promise<boolean> {
    return (await this.db.transaction((tx) => tx.run(`${REQUEUE} WHERE id = ?`, [at.toISOString(), id]))) > 0;
  }

  async retryParked(at: Date, scope?: ParkedScope, reasons?: readonly ParkReason[]): Promise<number> {
    const where = ["parked_at IS NOT NULL"];
    const params: (string | number)[] = [at.toISOString()];
    if (scope && "repo" in scope) {
      where.push("group_id IN (SELECT id FROM crash_groups WHERE repo = ?)");
      params.push(scope.repo);
    } else if (scope) {
      where.push("group_id IN (SELECT id FROM crash_groups WHERE installation_id = ?)");
      params.push(scope.installationId);
    }
    if (reasons) {
      where.push(`COALESCE(park_reason, 'attempts') IN (${reasons.map(() => "?").join(", ") || "NULL"})`);
      params.push(...reasons);
    }
    return this.db.transaction((tx) => tx.run(`${REQUEUE} WHERE ${where.join(" AND ")}`, params));
  }

  async drop(id: number): Promise<boolean> {
    return (await this.db.transaction((tx) => tx.run("DELETE FROM sync_jobs WHERE id = ?", [id]))) > 0;
  }

  async renewLeases(workerId: string, ids: readonly number[], until: Date): Promise<number> {
    if (ids.length === 0) return 0;
    return this.db.transaction((tx) =>
      tx.run(`UPDATE sync_jobs SET lease_until = ? WHERE lease_owner = ? AND id IN (${ids.map(() => "?").join(", ")})`, [
        until.toISOString(),
        workerId,
        ...ids,
      ]),
    );
  }

  async parkedByReason(): Promise<Partial<Record<ParkReason, number>>> {
    const rows = await this.db.query(
      "SELECT COALESCE(park_reason, 'attempts') AS reason, COUNT(*) AS n FROM sync_jobs WHERE parked_at IS NOT NULL GROUP BY COALESCE(park_reason, 'attempts')",
    );
    return Object.fromEntries(rows.map((r) => [ParkReason.parse(r.reason), Number(r.n)]));
  }
}
