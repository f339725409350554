import type { CrashReport } from "../core/crash.js";
import type { RefusalReason } from "../core/refusal.js";
import type { ReporterGroup } from "../core/reporter-group.js";
import type { Route } from "../core/routes.js";

/**
 * The App's durable state, in words and per concern: the records the store reads and writes, and an interface for
 * each of its jobs. The bottom of the store: it imports nothing of it, so everything above (the SQL, both
 * databases, the App) can import it without a circle. A caller that needs one concern takes that interface;
 * `Store` (store.ts) is all of them, for the code that opens and hands out the store.
 *
 * Ingest is one transaction: an alert is acknowledged only after `ingest` resolves, and everything GitHub must still
 * learn about it is then an outbox job, so a crash or a restart loses nothing and a retried delivery is recognised by
 * its delivery id.
 */

export type GroupState = "open" | "resolved";

export interface CrashGroup {
  id: number;
  /** "owner/name" */
  repo: string;
  installationId: number;
  signature: string;
  /** null until the issue exists on GitHub. */
  issueNumber: number | null;
  state: GroupState;
  /** Version the hotfix shipped in, set when the issue is closed (from the marker or the closing PR). */
  fixedIn: string | null;
  /** Set when the worker judged a resolved group's new release a regression (core/regression.ts); cleared once the reopen is on GitHub. */
  regressedIn: string | null;
  /** Alerts received, across versions. */
  events: number;
  /** Highest user count a reporter sent. */
  users: number;
  firstSeen: string;
  lastSeen: string;
  /** The latest report, scrubbed of nothing yet (scrub happens at render time). */
  latest: CrashReport;
  /** When the issue body was last written, ISO; null before the issue exists. */
  renderedAt: string | null;
  /** Events count the body was last rendered with, to skip edits that change nothing. */
  renderedEvents: number;
  /** The crash came past the repository's new-issue budget: issueNumber is the roll-up issue it is counted in. */
  rolledUp: boolean;
}

export interface VersionCount {
  version: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export interface IngestInput {
  repo: string;
  installationId: number;
  signature: string;
  /**
   * The same crash's signatures under earlier signature versions: the alert joins a group the
   * repository already has under one of them when it has none under `signature`.
   */
  aliases?: string[];
  /**
   * The reporter's own group of the crash: the alert joins the group it is attached to whatever
   * `signature` says; when it is attached to none, the group the signature picks takes it.
   */
  reporterGroup?: ReporterGroup | null;
  report: CrashReport;
  /**
   * Idempotency key: the reporter's delivery/request id, or a hash of the signed body.
   * Unique per repository, so one delivery routed to several repositories is stored once in each.
   */
  deliveryId: string;
  /** Minimum seconds between two edits of one issue (config issues.refreshIntervalSeconds). */
  refreshIntervalSeconds: number;
  /** Whether a resolved group's alerts are judged as possible regressions (config issues.reopenOnRegression). */
  reopenOnRegression: boolean;
}

/** candidate: the group is resolved and the alert's release was not judged since the close; its sync is due now to judge it. */
export type IngestResult = { status: "duplicate"; groupId: number } | { status: "stored"; groupId: number; created: boolean; candidate: boolean };

export type JobKind = "sync-issue";

export interface Job {
  id: number;
  kind: JobKind;
  groupId: number;
  /** Times the job was claimed, this claim included (1 on its first run); back to 0 when a re-armed job is rescheduled. */
  attempts: number;
  dueAt: string;
}

/** A job that failed its maximum number of attempts: it is not claimed again, and says why. */
export interface ParkedJob {
  id: number;
  groupId: number;
  repo: string;
  signature: string;
  attempts: number;
  parkedAt: string;
  lastError: string | null;
}

export interface RepoSettings {
  repo: string;
  installationId: number;
  /** Raw `.github/hotfix.yml` as parsed JSON, null when the repository has none. */
  config: unknown;
  fetchedAt: string;
}

/** What /readyz and /metrics read about the outbox. */
export interface OutboxStatus {
  /** Jobs waiting, due or not, held by a worker or not. */
  pendingJobs: number;
  /** Jobs due now that no worker holds (never claimed, or their lease ran out). */
  dueJobs: number;
  /** Due time of the oldest of those, ISO; null when none is due. */
  oldestDueAt: string | null;
  /** Jobs set aside after too many failed attempts; undefined while the store does not park jobs. */
  parkedJobs?: number;
}

/** Why a sync job was taken out of the queue: it failed its maximum number of attempts, or GitHub refused it for good. */
export type ParkReason = "attempts" | RefusalReason;

/** The store's schema and connection. */
export interface StoreLifecycle {
  /** Creates or upgrades the schema; safe to run from several replicas at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Alerts in, GitHub work out: the ingest transaction, the outbox of sync jobs the worker runs, and the idempotency record. */
export interface IngestStore {
  /**
   * Records one alert: upserts its group (the one its reporter group is attached to, else
   * (repo, signature), which then takes the reporter group), bumps the per-version count,
   * and makes sure exactly one pending sync job exists for the group, due now when the
   * issue must be opened or reopened, else no earlier than renderedAt + refresh interval.
   * A delivery id seen before changes nothing and returns "duplicate".
   */
  ingest(input: IngestInput, now: Date): Promise<IngestResult>;

  /** Leases up to `limit` due jobs to this worker for `leaseMs`; a job whose lease ran out is due again. */
  claimJobs(workerId: string, now: Date, limit: number, leaseMs: number): Promise<Job[]>;
  /** Removes the job (it is done). A job re-armed by a later ingest while leased stays pending. */
  completeJob(job: Job, workerId: string): Promise<void>;
  /** Releases the lease and schedules the next attempt. */
  retryJob(job: Job, workerId: string, dueAt: Date, error: string): Promise<void>;
  /** Schedules a sync job for the group (no duplicate if one is pending): a stage of the hotfix clock or the board moved. */
  scheduleSync(groupId: number, dueAt: Date, refreshSeconds: number): Promise<void>;
  /**
   * Takes the job out of the queue for good, with the reason (a poison job: it failed its
   * maximum number of attempts, or GitHub refused it for good). Later alerts of its group are still counted; they leave it parked.
   */
  parkJob(job: Job, workerId: string, error: string, at: Date, reason?: ParkReason): Promise<void>;
  /** Parked jobs, newest first, for the health report. */
  parkedJobs(): Promise<ParkedJob[]>;
  /** The outbox as operators watch it (health.ts): a stalled worker shows as an old due job. */
  outboxStatus(now: Date): Promise<OutboxStatus>;

  /**
   * Forgets delivery ids received before `before`, and the oldest past the newest `keepAtMost`,
   * so the idempotency table (the one record kept per alert) is bounded in time and in rows;
   * reporters retry a delivery within hours, never weeks. Returns how many went.
   */
  pruneDeliveries(before: Date, keepAtMost?: number): Promise<number>;
}

/** Crash groups, their hotfix issues and their occurrences. */
export interface GroupStore {
  getGroup(id: number): Promise<CrashGroup | null>;
  findGroup(repo: string, signature: string): Promise<CrashGroup | null>;
  findGroupByIssue(repo: string, issueNumber: number): Promise<CrashGroup | null>;
  /** The reporter groups attached to the group, in the order they were attached. */
  reporterGroups(groupId: number): Promise<ReporterGroup[]>;
  /** Records the issue number of an issue found on GitHub (by its marker). */
  setIssue(groupId: number, issueNumber: number): Promise<void>;
  /** Records the issue the App just opened for the group, or the roll-up issue it was counted in. */
  recordOpened(groupId: number, issueNumber: number, at: Date, rolledUp: boolean): Promise<void>;
  /** The repository's crash groups counted in its roll-up issue, oldest first. */
  rolledUpGroups(repo: string): Promise<CrashGroup[]>;
  /**
   * Records that the issue body was written with this many events at this time, and the reopen (if any) done.
   * Pass the `events` of the group as read for rendering: regressedIn stays set when a regression arrived after that read.
   */
  markRendered(groupId: number, events: number, at: Date): Promise<void>;
  /** The issue was closed at `at`: the group is resolved, fixed in `fixedIn` when known; releases are judged afresh. */
  resolve(groupId: number, fixedIn: string | null, at: Date): Promise<void>;
  /** The issue was reopened by a person: the group is open again. */
  reopen(groupId: number): Promise<void>;

  /** Per-version occurrence counts of one signature in one repo (for the verification endpoint). */
  versionCounts(repo: string, signature: string): Promise<VersionCount[]>;
  /** Total alerts per version in one repo across signatures (exposure proxy for the generic provider). */
  repoVersionCounts(repo: string): Promise<VersionCount[]>;
}

/** Each repository's installation and raw `.github/hotfix.yml`, and the routes index the caller computed from it. */
export interface SettingsStore {
  getRepoSettings(repo: string): Promise<RepoSettings | null>;
  /** Stores the settings and replaces the repository's routes with `routes` (core/routes.ts computes them from the config). */
  putRepoSettings(settings: RepoSettings, routes: readonly Route[]): Promise<void>;
  /** Repositories with a route for this provider and project (or for every project of the provider). */
  routesFor(provider: string, project: string | undefined): Promise<RepoSettings[]>;
}
