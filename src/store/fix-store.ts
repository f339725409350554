import * as z from "zod";
import { Comparison, Fix, RegressionVerdict, reopens } from "../core/regression.js";
import { startRound } from "./clock-store.js";
import type { SqlDatabase, SqlTx } from "./sql.js";

/**
 * What the regression decision reads beside the crash groups: the fix commits of merged
 * hotfix PRs, GitHub's compare answers (two commits' ancestry never changes, so each is asked
 * once), and per resolved group the releases it crashed in since the close, each judged once
 * by the outbox worker (ingest only records them: GitHub is not asked inside its transaction).
 */

/** A release a resolved group crashed in, not judged yet. */
export interface RegressionCandidate {
  version: string;
  /** When the alert that made it a candidate arrived. */
  seenAt: string;
  /** First time the release was seen in the repository, in any crash group. */
  releaseFirstSeen: string;
  /** When the group was last closed. */
  resolvedAt: string;
  /** Newest version the group was seen in before the close (version order's fallback). */
  resolvedMaxVersion: string | null;
}

export interface FixStore {
  /** A hotfix PR merged; a redelivered event changes nothing. */
  recordFix(repo: string, fix: Fix): Promise<void>;
  /** The merged PRs linked to the group (clock's fix_pull_requests), oldest merge first. */
  fixesOf(groupId: number): Promise<Fix[]>;
  comparison(repo: string, base: string, head: string): Promise<Comparison | null>;
  putComparison(repo: string, base: string, head: string, answer: Comparison): Promise<void>;
  candidates(groupId: number): Promise<RegressionCandidate[]>;
  /**
   * Records the verdict on a candidate; one that reopens sets the group open with regressedIn
   * and starts a new round of the hotfix clock. False when another worker judged it first, or
   * a person reopened the issue meanwhile (nothing is reopened then).
   */
  judge(groupId: number, verdict: RegressionVerdict): Promise<boolean>;
  /** The verdict on the group's release since its last close, null when none. */
  verdictOf(groupId: number, version: string): Promise<RegressionVerdict | null>;
}

/**
 * Inside the ingest transaction, for a resolved group: the release becomes a candidate unless
 * it already is one or was judged since the close. True when it is new (its sync is due now).
 */
export async function markCandidate(tx: SqlTx, groupId: number, version: string, at: string): Promise<boolean> {
  return (
    (await tx.run("INSERT INTO regression_candidates (group_id, version, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [groupId, version, at])) >
    0
  );
}

/** SQL condition on crash_groups: a release of the group awaits the worker's verdict. */
export const UNJUDGED = "EXISTS (SELECT 1 FROM regression_candidates c WHERE c.group_id = crash_groups.id AND c.verdict IS NULL)";

/** Inside the resolve transaction: a new close, so every release is a new question. */
export async function recordResolution(tx: SqlTx, groupId: number, at: string): Promise<void> {
  await tx.run("DELETE FROM regression_candidates WHERE group_id = ?", [groupId]);
  await tx.run(
    `INSERT INTO group_resolutions (group_id, resolved_at) VALUES (?, ?)
     ON CONFLICT (group_id) DO UPDATE SET resolved_at = excluded.resolved_at`,
    [groupId, at],
  );
}

const Iso = z.union([z.date().transform((d) => d.toISOString()), z.string()]);
const JsonText = z.string().transform((text) => JSON.parse(text) as unknown);
const FixRow = z.object({ pr_number: z.coerce.number(), merge_commit: z.string(), commits: JsonText, merged_at: Iso });
const CandidateRow = z.object({
  version: z.string(),
  seen_at: Iso,
  release_first_seen: Iso,
  resolved_at: Iso,
  resolved_max_version: z.string().nullable(),
});

export class SqlFixStore implements FixStore {
  constructor(private readonly db: SqlDatabase) {}

  async recordFix(repo: string, fix: Fix): Promise<void> {
    await this.db.query("INSERT INTO fix_merges (repo, pr_number, merge_commit, commits, merged_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", [
      repo,
      fix.pr,
      fix.mergeCommit,
      JSON.stringify(fix.commits),
      new Date(fix.mergedAt).toISOString(),
    ]);
  }

  async fixesOf(groupId: number): Promise<Fix[]> {
    const rows = await this.db.query(
      `SELECT f.pr_number, f.merge_commit, f.commits, f.merged_at FROM fix_merges f
       JOIN fix_pull_requests p ON p.repo = f.repo AND p.pr_number = f.pr_number
       WHERE p.group_id = ? ORDER BY f.merged_at, f.pr_number`,
      [groupId],
    );
    return rows.map((row) => {
      const r = FixRow.parse(row);
      return Fix.parse({ pr: r.pr_number, mergeCommit: r.merge_commit, commits: r.commits, mergedAt: r.merged_at });
    });
  }

  async comparison(repo: string, base: string, head: string): Promise<Comparison | null> {
    const [row] = await this.db.query("SELECT answer FROM comparisons WHERE repo = ? AND base = ? AND head = ?", [repo, base, head]);
    return row ? JsonText.pipe(Comparison).parse(row.answer) : null;
  }

  async putComparison(repo: string, base: string, head: string, answer: Comparison): Promise<void> {
    await this.db.query("INSERT INTO comparisons (repo, base, head, answer) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", [
      repo,
      base,
      head,
      JSON.stringify(answer),
    ]);
  }

  async candidates(groupId: number): Promise<RegressionCandidate[]> {
    const rows = await this.db.query(
      `SELECT c.version, c.seen_at, r.resolved_at, g.resolved_max_version,
         (SELECT MIN(v.first_seen) FROM version_occurrences v JOIN crash_groups o ON o.id = v.group_id
          WHERE o.repo = g.repo AND v.version = c.version) AS release_first_seen
       FROM regression_candidates c JOIN crash_groups g ON g.id = c.group_id JOIN group_resolutions r ON r.group_id = c.group_id
       WHERE c.group_id = ? AND c.verdict IS NULL ORDER BY c.seen_at, c.version`,
      [groupId],
    );
    return rows.map((row) => {
      const r = CandidateRow.parse(row);
      return {
        version: r.version,
        seenAt: r.seen_at,
        releaseFirstSeen: r.release_first_seen,
        resolvedAt: r.resolved_at,
        resolvedMaxVersion: r.resolved_max_version,
      };
    });
  }

  async judge(groupId: number, verdict: RegressionVerdict): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [group] = await tx.all(`SELECT state FROM crash_groups WHERE id = ?${this.db.lockRows}`, [groupId]);
      const [candidate] = await tx.all("SELECT seen_at FROM regression_candidates WHERE group_id = ? AND version = ? AND verdict IS NULL", [
        groupId,
        verdict.release,
      ]);
      if (!candidate) return false;
      await tx.run("UPDATE regression_candidates SET verdict = ? WHERE group_id = ? AND version = ?", [
        JSON.stringify(verdict),
        groupId,
        verdict.release,
      ]);
      if (!reopens(verdict) || group?.state !== "resolved") return false;
      await tx.run("UPDATE crash_groups SET state = 'open', regressed_in = ? WHERE id = ?", [verdict.release, groupId]);
      // The new round starts when the crash was seen in the release, not when the worker judged it.
      await startRound(tx, groupId, Iso.parse(candidate.seen_at));
      return true;
    });
  }

  async verdictOf(groupId: number, version: string): Promise<RegressionVerdict | null> {
    const [row] = await this.db.query("SELECT verdict FROM regression_candidates WHERE group_id = ? AND version = ? AND verdict IS NOT NULL", [
      groupId,
      version,
    ]);
    return row ? JsonText.pipe(RegressionVerdict).parse(row.verdict) : null;
  }
}
