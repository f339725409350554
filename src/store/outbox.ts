import type { CrashReport } from "../core/crash.js";
import { newestVersion } from "../core/version.js";

/**
 * The decisions both stores make the same way, kept free of SQL: which version an alert
 * counts under, when a group's issue must next be synced, and how a pending
 * sync job absorbs a new request for one. Timestamps are ISO strings from toISOString(),
 * so they order as text.
 */

/** Occurrences of a report without a release are counted under this version. */
export const UNKNOWN_VERSION = "unknown";

export function occurrenceVersion(report: CrashReport): string {
  return report.release?.trim() || UNKNOWN_VERSION;
}

/** The newest release among the versions a group was seen in ("unknown" is not a release). */
export function newestRelease(versions: string[]): string | null {
  return newestVersion(versions.filter((v) => v !== UNKNOWN_VERSION));
}

export interface SyncTarget {
  issueNumber: number | null;
  regressedIn: string | null;
  renderedAt: string | null;
}

/**
 * When the group's issue must next be written: at once when it does not exist yet or must
 * be reopened, else no earlier than one refresh interval after the last write, so a storm
 * of repeats costs one issue edit per interval.
 */
export function syncDueAt(group: SyncTarget, notBefore: string, refreshIntervalSeconds: number): string {
  if (group.issueNumber === null || group.regressedIn !== null || group.renderedAt === null) return notBefore;
  const refresh = new Date(Date.parse(group.renderedAt) + refreshIntervalSeconds * 1000).toISOString();
  return refresh > notBefore ? refresh : notBefore;
}

export interface PendingJob {
  dueAt: string;
  /** A worker holds the job (its lease may have run out while it still works). */
  leased: boolean;
  rearm: boolean;
}

/**
 * A pending job takes the earlier of its due time and the new one. A job a worker holds
 * is re-armed instead: the worker may already have read the group, so the job must run
 * once more after it completes, at the requested time.
 */
export function rescheduled(job: PendingJob, dueAt: string): { dueAt: string; rearm: boolean } {
  const earlier = job.dueAt < dueAt ? job.dueAt : dueAt;
  if (job.leased) return { dueAt: job.rearm ? earlier : dueAt, rearm: true };
  return { dueAt: earlier, rearm: false };
}
