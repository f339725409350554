import { LRUCache } from "lru-cache";
import * as z from "zod";
import { formatIssues } from "../core/zod-problems.js";
import { CrashReport, firstSeenOf, ProviderName } from "../core/crash.js";
import { reporterGroup, reporterGroupKey, type ReporterGroup } from "../core/reporter-group.js";
import { compareVersions } from "../core/version.js";
import { type IssueBudget, SqlIssueBudget } from "./budget.js";
import { type ClockStore, SqlClockStore, startRound } from "./clock-store.js";
import { type FixStore, markCandidate, recordResolution, SqlFixStore, UNJUDGED } from "./fix-store.js";
import { newestRelease, rescheduled, syncDueAt, occurrenceVersion, UNKNOWN_VERSION } from "./outbox.js";
import { type JobAdmin, SqlJobAdmin } from "./jobs.js";
import type { Route } from "../core/routes.js";
import { SqlVerifyJobStore, type VerifyJobStore } from "./verify-jobs.js";
import type { SqlDatabase, SqlRow, SqlTx, SqlValue } from "./sql.js";
import type { Store } from "./store.js";
import type { CrashGroup, IngestInput, IngestResult, Job, OutboxStatus, ParkedJob, ParkReason, RepoSettings, VersionCount } from "./types.js";

/**
 * Over 300 lines on purpose: the one implementation of every Store method for both databases,
 * whose transactions span several tables, so splitting it by table would split them.
 *
 * The Store written once in the SQL SQLite and PostgreSQL share (upserts with ON CONFLICT,
 * RETURNING, `?` placeholders); each database supplies only its connection, its transaction
 * discipline, its row-locking clauses and its dialect of the schema (schema.ts). JSON columns are text: the store
 * never looks inside them, and text reads back the same from both databases.
 */

/** Thrown inside the ingest transaction to roll it back when a concurrent twin stored the delivery first. */
class DeliverySeen extends Error {}

// Rows are a boundary like any other: each is parsed, so a column that does not hold what the
// code expects fails here, naming it, instead of travelling on as a wrong type.
const Int = z.coerce.number().int();
/** SQLite keeps times as ISO text, PostgreSQL gives Date objects. */
const Iso = z.union([z.date().transform((d) => d.toISOString()), z.string()]);
const Json = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "not JSON" });
    return z.NEVER;
  }
});

const GroupRow = z.object({
  id: Int,
  repo: z.string(),
  installation_id: Int,
  signature: z.string(),
  issue_number: Int.nullable(),
  state: z.enum(["open", "resolved"]),
  fixed_in: z.string().nullable(),
  regressed_in: z.string().nullable(),
  events: Int,
  users: Int,
  first_seen: Iso,
  last_seen: Iso,
  latest: Json.pipe(CrashReport),
  rendered_at: Iso.nullable(),
  rendered_events: Int,
  rolled_up: z.union([z.boolean(), Int.transform((n) => n !== 0)]),
});
const JobRow = z.object({ id: Int, group_id: Int, attempts: Int, due_at: Iso });
const VersionRow = z.object({ version: z.string(), count: Int, first_seen: Iso, last_seen: Iso });
const SettingsRow = z.object({ repo: z.string(), installation_id: Int, config: Json, fetched_at: Iso });
const ParkedRow = z.object({
  id: Int,
  group_id: Int,
  repo: z.string(),
  signature: z.string(),
  attempts: Int,
  parked_at: Iso,
  last_error: z.string().nullable(),
});
const CountRow = z.object({ n: Int });
const ReporterGroupRow = z.object({ provider: ProviderName, project: z.string(), reporter_id: z.string().min(1) });
const AttachedRow = z.object({ signature: z.string().min(1) });

function parseRow<S extends z.ZodType>(schema: S, row: SqlRow | undefined, what: string): z.infer<S> {
  const parsed = schema.safeParse(row);
  if (!parsed.success)
    throw new Error(
      `store: a ${what} row read back does not have the expected shape: ${formatIssues(parsed.error.issues, row).slice(0, 3).join("; ")}`,
    );
  return parsed.data;
}

/** What ingest decides on from the upserted group: regression candidate, hotfix clock and sync time. */
const INGESTED_COLUMNS = "id, events, state, issue_number, regressed_in, rendered_at";
const IngestedRow = GroupRow.pick({
  id: true,
  events: true,
  state: true,
  issue_number: true,
  regressed_in: true,
  rendered_at: true,
});

function ingested(r: z.infer<typeof IngestedRow>) {
  return {
    id: r.id,
    events: r.events,
    state: r.state,
    issueNumber: r.issue_number,
    regressedIn: r.regressed_in,
    renderedAt: r.rendered_at,
  };
}

const toIngested = (row: SqlRow) => ingested(parseRow(IngestedRow, row, "crash_groups"));

function toGroup(row: SqlRow): CrashGroup {
  const r = parseRow(GroupRow, row, "crash_groups");
  return {
    ...ingested(r),
    repo: r.repo,
    installationId: r.installation_id,
    signature: r.signature,
    fixedIn: r.fixed_in,
    users: r.users,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    latest: r.latest,
    renderedEvents: r.rendered_events,
    rolledUp: r.rolled_up,
  };
}

/** Delivery ids deleted per transaction when pruning. */
const PRUNE_SLICE = 5_000;

function publicGroup(row: SqlRow | undefined): CrashGroup | null {
  return row ? toGroup(row) : null;
}

function toJob(row: SqlRow): Job {
  const r = parseRow(JobRow, row, "sync_jobs");
  return { id: r.id, kind: "sync-issue", groupId: r.group_id, attempts: r.attempts, dueAt: r.due_at };
}

function toVersionCount(row: SqlRow): VersionCount {
  const r = parseRow(VersionRow, row, "version_occurrences");
  return { version: r.version, count: r.count, firstSeen: r.first_seen, lastSeen: r.last_seen };
}

function toSettings(row: SqlRow): RepoSettings {
  const r = parseRow(SettingsRow, row, "repo_settings");
  return { repo: r.repo, installationId: r.installation_id, config: r.config, fetchedAt: r.fetched_at };
}

const int = (value: unknown): number => parseRow(CountRow, { n: value }, "count").n;
// A schema made once: zod compiles an object schema on its first parse, which a schema made per call pays every time.
const TimeRow = z.object({ t: Iso });
const iso = (value: unknown): string => parseRow(TimeRow, { t: value }, "time").t;
const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : iso(value));
// Text columns come back as strings (numbers for a few drivers' integer columns), never objects.
// eslint-disable-next-line @typescript-eslint/no-base-to-string
const textOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

const byVersion = (a: VersionCount, b: VersionCount) => compareVersions(a.version, b.version) || a.version.localeCompare(b.version);

/**
 * The writes of an alert that lock its group's rows. `group` is the group's id: a parameter when they run
 * one by one, the upsert's output when they run as one statement.
 */
const upsertGroup = (
  returning: string,
) => `INSERT INTO crash_groups (repo, installation_id, signature, state, events, users, first_seen, last_seen, latest, rendered_events)
   VALUES (?, ?, ?, 'open', 1, ?, ?, ?, ?, 0)
   ON CONFLICT (repo, signature) DO UPDATE SET
     installation_id = excluded.installation_id,
     events = crash_groups.events + 1,
     users = CASE WHEN excluded.users > crash_groups.users THEN excluded.users ELSE crash_groups.users END,
     last_seen = excluded.last_seen,
     latest = excluded.latest
   RETURNING ${returning}`;
const UPSERT_GROUP = upsertGroup(INGESTED_COLUMNS);
const recordDelivery = (group: string) =>
  `INSERT INTO deliveries (repo, delivery_id, group_id, received_at) VALUES (?, ?, ${group}, ?) ON CONFLICT DO NOTHING`;
const countVersion = (group: string) =>
  `INSERT INTO version_occurrences (group_id, version, count, first_seen, last_seen) VALUES (${group}, ?, 1, ?, ?)
   ON CONFLICT (group_id, version) DO UPDATE SET count = version_occurrences.count + 1, last_seen = excluded.last_seen`;
const JOB_COLUMNS = "due_at, lease_until, rearm, parked_at, refresh_seconds";
const jobOf = (group: string, lock: string) => `SELECT id, ${JOB_COLUMNS} FROM sync_jobs WHERE group_id = ${group}${lock}`;
/** The upserted group's id inside the one statement. */
const UPSERTED = "(SELECT id FROM g)";
/**
 * One by one (SQLite), the upsert returns its group's job too, one indexed look-up per column: a statement fewer per
 * alert. Unlocked: only where the transaction already excludes other writers, which running one by one implies here.
 */
const UPSERT_GROUP_AND_JOB = upsertGroup(
  [
    INGESTED_COLUMNS,
    ...["id", ...JOB_COLUMNS.split(", ")].map((c) => `(SELECT ${c} FROM sync_jobs WHERE group_id = crash_groups.id) AS ${c === "id" ? "job_id" : c}`),
  ].join(", "),
);

/** The group's job from the columns an alert's writes returned with the group, or none. */
function jobOfRow({ job_id, due_at, lease_until, rearm, parked_at, refresh_seconds }: SqlRow): SqlRow | undefined {
  return job_id === null ? undefined : { id: job_id, due_at, lease_until, rearm, parked_at, refresh_seconds };
}

interface AlertWrite {
  input: IngestInput;
  signature: string;
  version: string;
  now: string;
}

/** Key of the group-signature cache: the alert's reporter group in one repository, else its current signature. */
const groupKey = (input: IngestInput) =>
  input.reporterGroup ? `${input.repo}\nreporter ${reporterGroupKey(input.reporterGroup)}` : `${input.repo}\n${input.signature}`;

export class SqlStore implements Store {
  readonly clock: ClockStore;
  readonly fixes: FixStore;
  readonly budget: IssueBudget;
  readonly jobs: JobAdmin;
  /**
   * The signature of the group each recent crash went to (its own, an alias's, its reporter group's), as committed:
   * spares the alias and reporter-group statements per alert. Both only ever point a key at one group.
   */
  readonly verifyJobs: VerifyJobStore;
  private readonly groupKeys = new LRUCache<string, string>({ max: 10_000 });

  /** `db` is public for what reads the database beside the Store's methods: the tests' own counts (test/store/counts.ts). */
  constructor(readonly db: SqlDatabase) {
    this.clock = new SqlClockStore(db);
    this.fixes = new SqlFixStore(db);
    this.budget = new SqlIssueBudget(db);
    this.jobs = new SqlJobAdmin(db);
    this.verifyJobs = new SqlVerifyJobStore(db);
  }

  async migrate(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.db.lockForMigration(tx);
      await tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
      const applied = new Set((await tx.all("SELECT version FROM schema_migrations")).map((r) => int(r.version)));
      for (const [index, script] of this.db.migrations.entries()) {
        const version = index + 1;
        if (applied.has(version)) continue;
        await tx.exec(script);
        await tx.run("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", [version, new Date().toISOString()]);
      }
    });
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async ingest(input: IngestInput, nowDate: Date): Promise<IngestResult> {
    const now = nowDate.toISOString();
    const version = occurrenceVersion(input.report);
    try {
      const result = await this.db.transaction(async (tx) => {
        const signature = this.groupKeys.get(groupKey(input)) ?? (await this.attachedSignature(tx, input, await this.groupSignature(tx, input), now));
        const { group: row, job } = await this.writeAlert(tx, { input, signature, version, now });
        const group = toIngested(row);

        // A closed crash seen in a release not judged since the close: the worker asks git whether it is news.
        const candidate =
          input.reopenOnRegression && group.state === "resolved" && version !== UNKNOWN_VERSION && (await markCandidate(tx, group.id, version, now));
        // The hotfix clock starts when the crash was first seen, by the rule of the issue's "First seen"; a regression's, when judged.
        if (group.events === 1) await startRound(tx, group.id, new Date(firstSeenOf(input.report, now)).toISOString());
        const dueAt = candidate ? now : syncDueAt(group, now, input.refreshIntervalSeconds);
        await this.ensureJob(tx, group.id, dueAt, input.refreshIntervalSeconds, { job });
        // events is 1 only on the insert: every later alert adds one.
        const stored: IngestResult = { status: "stored", groupId: group.id, created: group.events === 1, candidate };
        return { signature, stored };
      });
      // Committed: the group exists, and groups are never deleted, so this crash's alerts go to it from now on.
      this.groupKeys.set(groupKey(input), result.signature);
      return result.stored;
    } catch (error) {
      if (!(error instanceof DeliverySeen)) throw error;
      const [seen] = await this.read("SELECT group_id FROM deliveries WHERE repo = ? AND delivery_id = ?", [input.repo, input.deliveryId]);
      if (!seen) throw new Error(`ingest: delivery ${input.deliveryId} was reported stored but is not`);
      return { status: "duplicate", groupId: int(seen.group_id) };
    }
  }

  /**
   * Counts the alert in its group and version and records its delivery id; returns the group as it was
   * before the alert (the upsert leaves state and the issue fields alone, which is what the
   * regression candidate needs) and its pending job, locked. Only what the decisions read comes back:
   * parsing `latest` back for every alert was a third of the ingest's time in the storm.
   * A delivery seen before throws DeliverySeen, which rolls the transaction back: a look-up first
   * would cost every alert a statement to spare the rare repeat its upsert.
   */
  private async writeAlert(tx: SqlTx, { input, signature, version, now }: AlertWrite): Promise<{ group: SqlRow; job: SqlRow | undefined }> {
    const groupValues = [input.repo, input.installationId, signature, input.report.users ?? 0, now, now, JSON.stringify(input.report)];
    if (this.db.writesInWith) {
      const [row] = await tx.all(
        `WITH g AS (${UPSERT_GROUP}), d AS (${recordDelivery(UPSERTED)} RETURNING 1), v AS (${countVersion(UPSERTED)}),
           j AS (${jobOf(UPSERTED, this.db.lockRows)})
         SELECT g.*, (SELECT COUNT(*) FROM d) AS recorded, j.id AS job_id, ${JOB_COLUMNS.replace(/(\w+)/g, "j.$1")} FROM g LEFT JOIN j ON TRUE`,
        [...groupValues, input.repo, input.deliveryId, now, version, now, now],
      );
      if (!row) throw new Error(`ingest: the upsert of ${input.repo} ${signature} returned no row`);
      if (int(row.recorded) === 0) throw new DeliverySeen();
      return { group: row, job: jobOfRow(row) };
    }
    const [row] = await tx.all(UPSERT_GROUP_AND_JOB, groupValues);
    if (!row) throw new Error(`ingest: the upsert of ${input.repo} ${signature} returned no row`);
    const id = int(row.id);
    if ((await tx.run(recordDelivery("?"), [input.repo, input.deliveryId, id, now])) === 0) throw new DeliverySeen();
    await tx.run(countVersion("?"), [id, version, now, now]);
    return { group: row, job: jobOfRow(row) };
  }

  /**
   * The signature the repository already groups this crash under: the current one, or an alias
   * (the same crash's signature under an earlier version) whose group predates the change, so
   * that group keeps counting instead of a second issue opening. Read in the ingest's
   * transaction, so two alerts of a crash new to the repository cannot pick different groups.
   */
  private async groupSignature(tx: SqlTx, input: IngestInput): Promise<string> {
    const aliases = input.aliases ?? [];
    if (aliases.length === 0) return input.signature;
    const candidates = [input.signature, ...aliases];
    const rows = await tx.all(`SELECT signature FROM crash_groups WHERE repo = ? AND signature IN (${candidates.map(() => "?").join(", ")})`, [
      input.repo,
      ...candidates,
    ]);
    const stored = new Set(rows.map((r) => String(r.signature)));
    return candidates.find((c) => stored.has(c)) ?? input.signature;
  }

  /**
   * The signature of the group the alert's reporter group is attached to, else `bySignature`'s, to which
   * it is attached now. One statement decides both: two replicas' first alerts of one reporter group
   * insert the same key, and the second waits for the first to commit and then reads its group.
   */
  private async attachedSignature(tx: SqlTx, input: IngestInput, bySignature: string, now: string): Promise<string> {
    const group = input.reporterGroup;
    if (!group) return bySignature;
    const [row] = await tx.all(
      `INSERT INTO reporter_groups (repo, provider, project, reporter_id, signature, attached_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (repo, provider, project, reporter_id) DO UPDATE SET signature = reporter_groups.signature
       RETURNING signature`,
      [input.repo, group.provider, group.project ?? "", group.id, bySignature, now],
    );
    if (!row) throw new Error(`ingest: attaching reporter group ${reporterGroupKey(group)} in ${input.repo} returned no row`);
    return parseRow(AttachedRow, row, "reporter_groups").signature;
  }

  /**
   * Makes the group's one pending job due no later than `dueAt`, or re-arms it when a worker holds it.
   * `read` is the job as the caller already read it, locked, in this transaction.
   */
  private async ensureJob(tx: SqlTx, groupId: number, dueAt: string, refreshSeconds: number, read?: { job: SqlRow | undefined }): Promise<void> {
    // Two rounds at most: the insert only loses to a twin that committed, which the second read sees.
    for (let round = 0; round < 3; round++) {
      const [job] = round === 0 && read ? [read.job] : await tx.all(jobOf("?", this.db.lockRows), [groupId]);
      // A parked job stays parked: its alerts are counted, and the poison is not retried per alert.
      if (job?.parked_at) return;
      if (job) {
        const current = { dueAt: iso(job.due_at), leased: job.lease_until !== null, rearm: Boolean(job.rearm) };
        const next = rescheduled(current, dueAt);
        // Most of a storm's repeats leave their group's job as it is: an update writing the same values would cost a row write each.
        if (next.dueAt === current.dueAt && next.rearm === current.rearm && int(job.refresh_seconds) === refreshSeconds) return;
        await tx.run(`UPDATE sync_jobs SET due_at = ?, rearm = ${next.rearm ? "TRUE" : "FALSE"}, refresh_seconds = ? WHERE id = ?`, [
          next.dueAt,
          refreshSeconds,
          int(job.id),
        ]);
        return;
      }
      const inserted = await tx.run(
        `INSERT INTO sync_jobs (kind, group_id, due_at, attempts, rearm, refresh_seconds) VALUES ('sync-issue', ?, ?, 0, FALSE, ?)
         ON CONFLICT (group_id) DO NOTHING`,
        [groupId, dueAt, refreshSeconds],
      );
      if (inserted === 1) return;
    }
    throw new Error(`scheduling the sync of group ${groupId}: its job kept appearing and disappearing`);
  }

  async claimJobs(workerId: string, nowDate: Date, limit: number, leaseMs: number): Promise<Job[]> {
    const now = nowDate.toISOString();
    const leaseUntil = new Date(nowDate.getTime() + leaseMs).toISOString();
    // A job that opens or reopens an issue goes before refreshes, however long those have waited: a person
    // waits on the first, and GitHub's pacing of writes would otherwise let a backlog of refreshes delay it.
    // A subquery rather than a join, so the claim locks no crash group (ingest updates them under lock).
    const rows = await this.db.transaction((tx) =>
      tx.all(
        `UPDATE sync_jobs SET lease_owner = ?, lease_until = ?, attempts = attempts + 1, rearm = FALSE
         WHERE id IN (
           SELECT id FROM sync_jobs WHERE due_at <= ? AND (lease_until IS NULL OR lease_until <= ?) AND parked_at IS NULL
           ORDER BY (SELECT CASE WHEN g.issue_number IS NULL OR g.regressed_in IS NOT NULL THEN 0 ELSE 1 END
                       FROM crash_groups g WHERE g.id = sync_jobs.group_id), due_at, id
           LIMIT ?${this.db.lockRowsSkipLocked})
         RETURNING id, group_id, attempts, due_at`,
        [workerId, leaseUntil, now, now, limit],
      ),
    );
    return rows.map(toJob).sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.id - b.id));
  }

  async completeJob(job: Job, workerId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [held] = await tx.all(
        `SELECT id, group_id, due_at, rearm, refresh_seconds FROM sync_jobs WHERE id = ? AND lease_owner = ?${this.db.lockRows}`,
        [job.id, workerId],
      );
      // Not ours any more: the lease ran out and another worker has the job now.
      if (!held) return;
      if (!held.rearm) {
        await tx.run("DELETE FROM sync_jobs WHERE id = ?", [job.id]);
        return;
      }
      const [group] = await tx.all(
        `SELECT issue_number, regressed_in, rendered_at,
           CASE WHEN state = 'resolved' AND ${UNJUDGED} THEN 1 ELSE 0 END AS judging
         FROM crash_groups WHERE id = ?`,
        [int(held.group_id)],
      );
      // A release that came in while the job ran waits for a verdict, not for the refresh interval.
      const dueAt =
        group && !int(group.judging)
          ? syncDueAt(
              {
                issueNumber: group.issue_number === null ? null : int(group.issue_number),
                regressedIn: textOrNull(group.regressed_in),
                renderedAt: isoOrNull(group.rendered_at),
              },
              iso(held.due_at),
              int(held.refresh_seconds),
            )
          : iso(held.due_at);
      await tx.run(
        "UPDATE sync_jobs SET due_at = ?, lease_owner = NULL, lease_until = NULL, rearm = FALSE, attempts = 0, last_error = NULL WHERE id = ?",
        [dueAt, job.id],
      );
    });
  }

  async scheduleSync(groupId: number, dueAt: Date, refreshSeconds: number): Promise<void> {
    await this.db.transaction((tx) => this.ensureJob(tx, groupId, dueAt.toISOString(), refreshSeconds));
  }

  async retryJob(job: Job, workerId: string, dueAt: Date, error: string): Promise<void> {
    await this.db.transaction((tx) =>
      tx.run(
        "UPDATE sync_jobs SET due_at = ?, lease_owner = NULL, lease_until = NULL, rearm = FALSE, last_error = ? WHERE id = ? AND lease_owner = ?",
        [dueAt.toISOString(), error, job.id, workerId],
      ),
    );
  }

  async parkJob(job: Job, workerId: string, error: string, at: Date, reason: ParkReason = "attempts"): Promise<void> {
    await this.db.transaction((tx) =>
      tx.run(
        "UPDATE sync_jobs SET parked_at = ?, park_reason = ?, lease_owner = NULL, lease_until = NULL, rearm = FALSE, last_error = ? WHERE id = ? AND lease_owner = ?",
        [at.toISOString(), reason, error, job.id, workerId],
      ),
    );
  }

  async parkedJobs(): Promise<ParkedJob[]> {
    const rows = await this.read(
      `SELECT j.id, j.group_id, g.repo, g.signature, j.attempts, j.parked_at, j.last_error FROM sync_jobs j
       JOIN crash_groups g ON g.id = j.group_id WHERE j.parked_at IS NOT NULL ORDER BY j.parked_at DESC, j.id DESC`,
    );
    return rows.map((row) => {
      const r = parseRow(ParkedRow, row, "parked sync_jobs");
      return {
        id: r.id,
        groupId: r.group_id,
        repo: r.repo,
        signature: r.signature,
        attempts: r.attempts,
        parkedAt: r.parked_at,
        lastError: r.last_error,
      };
    });
  }

  async getGroup(id: number): Promise<CrashGroup | null> {
    return publicGroup((await this.read("SELECT * FROM crash_groups WHERE id = ?", [id]))[0]);
  }

  async findGroup(repo: string, signature: string): Promise<CrashGroup | null> {
    return publicGroup((await this.read("SELECT * FROM crash_groups WHERE repo = ? AND signature = ?", [repo, signature]))[0]);
  }

  async findGroupByIssue(repo: string, issueNumber: number): Promise<CrashGroup | null> {
    return publicGroup(
      (await this.read("SELECT * FROM crash_groups WHERE repo = ? AND issue_number = ? ORDER BY id LIMIT 1", [repo, issueNumber]))[0],
    );
  }

  async reporterGroups(groupId: number): Promise<ReporterGroup[]> {
    const rows = await this.read(
      `SELECT r.provider, r.project, r.reporter_id FROM reporter_groups r JOIN crash_groups g ON g.repo = r.repo AND g.signature = r.signature
       WHERE g.id = ? ORDER BY r.attached_at, r.provider, r.project, r.reporter_id`,
      [groupId],
    );
    return rows.map((row) => {
      const r = parseRow(ReporterGroupRow, row, "reporter_groups");
      return reporterGroup(r.provider, r.project || undefined, r.reporter_id);
    });
  }

  async setIssue(groupId: number, issueNumber: number): Promise<void> {
    await this.write("UPDATE crash_groups SET issue_number = ? WHERE id = ?", [issueNumber, groupId]);
  }

  async recordOpened(groupId: number, issueNumber: number, at: Date, rolledUp: boolean): Promise<void> {
    await this.write(`UPDATE crash_groups SET issue_number = ?, issue_opened_at = ?, rolled_up = ${rolledUp ? "TRUE" : "FALSE"} WHERE id = ?`, [
      issueNumber,
      at.toISOString(),
      groupId,
    ]);
  }

  async rolledUpGroups(repo: string): Promise<CrashGroup[]> {
    const rows = await this.read("SELECT * FROM crash_groups WHERE repo = ? AND rolled_up = TRUE ORDER BY id", [repo]);
    return rows.map((row) => publicGroup(row)!);
  }

  async markRendered(groupId: number, events: number, at: Date): Promise<void> {
    // A regression that arrived after the worker read the group bumped events past what was
    // rendered: its reopen is still to do, so regressed_in stays for the re-armed job.
    await this.write(
      `UPDATE crash_groups SET rendered_at = ?, rendered_events = ?,
         regressed_in = CASE WHEN events <= ? THEN NULL ELSE regressed_in END
       WHERE id = ?`,
      [at.toISOString(), events, events, groupId],
    );
  }

  async resolve(groupId: number, fixedIn: string | null, at: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.all(`SELECT id FROM crash_groups WHERE id = ?${this.db.lockRows}`, [groupId]);
      await recordResolution(tx, groupId, at.toISOString());
      const versions = await tx.all("SELECT version FROM version_occurrences WHERE group_id = ?", [groupId]);
      await tx.run("UPDATE crash_groups SET state = 'resolved', fixed_in = ?, resolved_max_version = ?, regressed_in = NULL WHERE id = ?", [
        fixedIn,
        newestRelease(versions.map((v) => String(v.version))),
        groupId,
      ]);
    });
  }

  async reopen(groupId: number): Promise<void> {
    await this.write("UPDATE crash_groups SET state = 'open' WHERE id = ?", [groupId]);
  }

  async versionCounts(repo: string, signature: string): Promise<VersionCount[]> {
    const rows = await this.read(
      `SELECT v.version, v.count, v.first_seen, v.last_seen FROM version_occurrences v
       JOIN crash_groups g ON g.id = v.group_id WHERE g.repo = ? AND g.signature = ?`,
      [repo, signature],
    );
    return rows.map(toVersionCount).sort(byVersion);
  }

  async repoVersionCounts(repo: string): Promise<VersionCount[]> {
    const rows = await this.read(
      `SELECT v.version, CAST(SUM(v.count) AS INTEGER) AS count, MIN(v.first_seen) AS first_seen, MAX(v.last_seen) AS last_seen
       FROM version_occurrences v JOIN crash_groups g ON g.id = v.group_id WHERE g.repo = ? GROUP BY v.version`,
      [repo],
    );
    return rows.map(toVersionCount).sort(byVersion);
  }

  async getRepoSettings(repo: string): Promise<RepoSettings | null> {
    const [row] = await this.read("SELECT repo, installation_id, config, fetched_at FROM repo_settings WHERE repo = ?", [repo]);
    return row ? toSettings(row) : null;
  }

  async putRepoSettings(settings: RepoSettings, routes: readonly Route[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO repo_settings (repo, installation_id, config, fetched_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (repo) DO UPDATE SET installation_id = excluded.installation_id, config = excluded.config, fetched_at = excluded.fetched_at`,
        [settings.repo, settings.installationId, JSON.stringify(settings.config ?? null), new Date(settings.fetchedAt).toISOString()],
      );
      await tx.run("DELETE FROM repo_sources WHERE repo = ?", [settings.repo]);
      for (const route of routes) {
        await tx.run("INSERT INTO repo_sources (repo, provider, project) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [
          settings.repo,
          route.provider,
          route.project,
        ]);
      }
    });
  }

  async routesFor(provider: string, project: string | undefined): Promise<RepoSettings[]> {
    const rows = await this.read(
      `SELECT s.repo, s.installation_id, s.config, s.fetched_at FROM repo_settings s
       WHERE EXISTS (SELECT 1 FROM repo_sources r WHERE r.repo = s.repo AND r.provider = ? AND (r.project = '' OR r.project = ?))
       ORDER BY s.repo`,
      [provider, project ?? ""],
    );
    return rows.map(toSettings);
  }

  async pruneDeliveries(before: Date, keepAtMost = Number.POSITIVE_INFINITY): Promise<number> {
    let cutoff = `received_at < ?`;
    let at = before.toISOString();
    if (Number.isFinite(keepAtMost)) {
      // The newest delivery past the cap: it and every older one go, so at most keepAtMost stay (fewer on a tie).
      const [row] = await this.read("SELECT received_at FROM deliveries ORDER BY received_at DESC LIMIT 1 OFFSET ?", [keepAtMost]);
      const past = row ? iso(row.received_at) : null;
      if (past !== null && past >= at) [cutoff, at] = ["received_at <= ?", past];
    }
    // In slices, each its own transaction: a backlog of millions of ids must not hold the event loop or the lock for seconds.
    let pruned = 0;
    for (;;) {
      const removed = await this.db.transaction((tx) =>
        tx.run(
          `DELETE FROM deliveries WHERE (repo, delivery_id) IN (SELECT repo, delivery_id FROM deliveries WHERE ${cutoff} ORDER BY received_at LIMIT ?)`,
          [at, PRUNE_SLICE],
        ),
      );
      pruned += removed;
      if (removed < PRUNE_SLICE) return pruned;
    }
  }

  async outboxStatus(now: Date): Promise<OutboxStatus> {
    const at = now.toISOString();
    const [row] = await this.read(
      `SELECT (SELECT CAST(COUNT(*) AS INTEGER) FROM sync_jobs WHERE parked_at IS NULL) AS pending_count,
              (SELECT CAST(COUNT(*) AS INTEGER) FROM sync_jobs WHERE parked_at IS NOT NULL) AS parked_count,
              CAST(COUNT(*) AS INTEGER) AS due_count, MIN(due_at) AS oldest_due_at
         FROM sync_jobs WHERE parked_at IS NULL AND due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)`,
      [at, at],
    );
    return {
      pendingJobs: int(row?.pending_count),
      dueJobs: int(row?.due_count),
      oldestDueAt: isoOrNull(row?.oldest_due_at),
      parkedJobs: int(row?.parked_count),
    };
  }

  private read(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    return this.db.query(sql, params);
  }

  private async write(sql: string, params: readonly SqlValue[]): Promise<void> {
    await this.db.query(sql, params);
  }
}
