import { z } from "zod";
import { Source } from "../core/config.js";
import type { CrashReport } from "../core/crash.js";
import { compareVersions } from "../core/version.js";
import { type ClockStore, SqlClockStore, startRound } from "./clock-store.js";
import { isRegression, newestRelease, rescheduled, syncDueAt, versionOf } from "./outbox.js";
import type { CrashGroup, IngestInput, IngestResult, Job, RepoSettings, Store, VersionCount } from "./store.js";

/**
 * The Store written once in the SQL SQLite and PostgreSQL share (upserts with ON CONFLICT,
 * RETURNING, `?` placeholders); each database supplies only its connection, its transaction
 * discipline, its row-locking clauses and its schema. JSON columns are text: the store
 * never looks inside them, and text reads back the same from both databases.
 */

export type SqlValue = string | number | null;
export type SqlRow = Record<string, unknown>;

export interface SqlTx {
  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlDatabase {
  /** One statement on its own (autocommit). */
  query(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** Runs `fn` in one transaction, running it again when the database reports a transient conflict. */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  /** Clause that holds the selected rows until commit ("" where a transaction already excludes other writers). */
  readonly lockRows: string;
  /** Clause that holds the selected rows and passes over rows another transaction holds. */
  readonly lockRowsSkipLocked: string;
  /** Numbered migrations; index 0 is version 1. Append only: a released migration never changes. */
  readonly migrations: readonly string[];
  /** Called first inside the migration transaction: makes concurrent migrations of replicas wait for each other. */
  lockForMigration(tx: SqlTx): Promise<void>;
  close(): Promise<void>;
}

/** Thrown inside the ingest transaction to roll it back when a concurrent twin stored the delivery first. */
class DeliverySeen extends Error {}

const iso = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value));
const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : iso(value));
const int = (value: unknown): number => Number(value);
const textOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

function toGroup(row: SqlRow): CrashGroup & { resolvedMaxVersion: string | null } {
  return {
    id: int(row.id),
    repo: String(row.repo),
    installationId: int(row.installation_id),
    signature: String(row.signature),
    issueNumber: row.issue_number === null ? null : int(row.issue_number),
    state: row.state === "resolved" ? "resolved" : "open",
    fixedIn: textOrNull(row.fixed_in),
    resolvedMaxVersion: textOrNull(row.resolved_max_version),
    regressedIn: textOrNull(row.regressed_in),
    events: int(row.events),
    users: int(row.users),
    firstSeen: iso(row.first_seen),
    lastSeen: iso(row.last_seen),
    latest: JSON.parse(String(row.latest)) as CrashReport,
    renderedAt: isoOrNull(row.rendered_at),
    renderedEvents: int(row.rendered_events),
  };
}

function publicGroup(row: SqlRow | undefined): CrashGroup | null {
  if (!row) return null;
  const { resolvedMaxVersion: _, ...group } = toGroup(row);
  return group;
}

function toJob(row: SqlRow): Job {
  return { id: int(row.id), kind: "sync-issue", groupId: int(row.group_id), attempts: int(row.attempts), dueAt: iso(row.due_at) };
}

function toVersionCount(row: SqlRow): VersionCount {
  return { version: String(row.version), count: int(row.count), firstSeen: iso(row.first_seen), lastSeen: iso(row.last_seen) };
}

function toSettings(row: SqlRow): RepoSettings {
  return {
    repo: String(row.repo),
    installationId: int(row.installation_id),
    config: JSON.parse(String(row.config)) as unknown,
    fetchedAt: iso(row.fetched_at),
  };
}

/** The reporter's time of the crash, unless missing, unreadable or later than the alert's arrival (a skewed clock). */
function occurredAt(reported: string | undefined, received: string): string {
  const at = reported ? Date.parse(reported) : NaN;
  return Number.isNaN(at) || at > Date.parse(received) ? received : new Date(at).toISOString();
}

const byVersion = (a: VersionCount, b: VersionCount) => compareVersions(a.version, b.version) || a.version.localeCompare(b.version);

const ConfigSources = z.object({ sources: z.array(z.unknown()) });

/** The (provider, project) pairs a repository's config takes alerts from; "" stands for every project. */
function routesOf(config: unknown): { provider: string; project: string }[] {
  const parsed = ConfigSources.safeParse(config);
  if (!parsed.success) return [];
  // One malformed source must not silence the others: each is read on its own.
  return parsed.data.sources.flatMap((raw) => {
    const source = Source.safeParse(raw);
    if (!source.success) return [];
    const { provider, projects } = source.data;
    return projects.length === 0 ? [{ provider, project: "" }] : projects.map((project) => ({ provider, project }));
  });
}

export class SqlStore implements Store {
  readonly clock: ClockStore;

  constructor(private readonly db: SqlDatabase) {
    this.clock = new SqlClockStore(db);
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
    const version = versionOf(input.report);
    try {
      return await this.db.transaction(async (tx): Promise<IngestResult> => {
        const [seen] = await tx.all("SELECT group_id FROM deliveries WHERE repo = ? AND delivery_id = ?", [input.repo, input.deliveryId]);
        if (seen) return { status: "duplicate", groupId: int(seen.group_id) };

        // The upsert leaves state, fixed_in and the issue fields alone, so the returned row still
        // says what the group was before this alert: that is what the regression decision needs.
        const [row] = await tx.all(
          `INSERT INTO crash_groups (repo, installation_id, signature, state, events, users, first_seen, last_seen, latest, rendered_events)
           VALUES (?, ?, ?, 'open', 1, ?, ?, ?, ?, 0)
           ON CONFLICT (repo, signature) DO UPDATE SET
             installation_id = excluded.installation_id,
             events = crash_groups.events + 1,
             users = CASE WHEN excluded.users > crash_groups.users THEN excluded.users ELSE crash_groups.users END,
             last_seen = excluded.last_seen,
             latest = excluded.latest
           RETURNING *`,
          [input.repo, input.installationId, input.signature, input.report.users ?? 0, now, now, JSON.stringify(input.report)],
        );
        if (!row) throw new Error(`ingest: the upsert of ${input.repo} ${input.signature} returned no row`);
        const group = toGroup(row);

        const recorded = await tx.run(
          "INSERT INTO deliveries (repo, delivery_id, group_id, received_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
          [input.repo, input.deliveryId, group.id, now],
        );
        if (recorded === 0) throw new DeliverySeen();

        await tx.run(
          `INSERT INTO version_occurrences (group_id, version, count, first_seen, last_seen) VALUES (?, ?, 1, ?, ?)
           ON CONFLICT (group_id, version) DO UPDATE SET count = version_occurrences.count + 1, last_seen = excluded.last_seen`,
          [group.id, version, now, now],
        );

        const regressed = input.reopenOnRegression && isRegression(group, input.report.release);
        if (regressed) {
          await tx.run("UPDATE crash_groups SET state = 'open', regressed_in = ? WHERE id = ?", [version, group.id]);
          group.regressedIn = version;
        }
        // The hotfix clock starts when the reporter first saw the crash (never after the alert arrived); a regression's, at this alert.
        if (regressed || group.events === 1) await startRound(tx, group.id, regressed ? now : occurredAt(input.report.firstSeen, now));
        await this.ensureJob(tx, group.id, syncDueAt(group, now, input.refreshIntervalSeconds), input.refreshIntervalSeconds);
        // events is 1 only on the insert: every later alert adds one.
        return { status: "stored", groupId: group.id, created: group.events === 1, regressed };
      });
    } catch (error) {
      if (!(error instanceof DeliverySeen)) throw error;
      const [seen] = await this.read("SELECT group_id FROM deliveries WHERE repo = ? AND delivery_id = ?", [input.repo, input.deliveryId]);
      if (!seen) throw new Error(`ingest: delivery ${input.deliveryId} was reported stored but is not`);
      return { status: "duplicate", groupId: int(seen.group_id) };
    }
  }

  /** Makes the group's one pending job due no later than `dueAt`, or re-arms it when a worker holds it. */
  private async ensureJob(tx: SqlTx, groupId: number, dueAt: string, refreshSeconds: number | null): Promise<void> {
    // Two rounds at most: the insert only loses to a twin that committed, which the second read sees.
    for (let round = 0; round < 3; round++) {
      const [job] = await tx.all(`SELECT id, due_at, lease_until, rearm FROM sync_jobs WHERE group_id = ?${this.db.lockRows}`, [groupId]);
      if (job) {
        const next = rescheduled({ dueAt: iso(job.due_at), leased: job.lease_until !== null, rearm: Boolean(job.rearm) }, dueAt);
        await tx.run(
          `UPDATE sync_jobs SET due_at = ?, rearm = ${next.rearm ? "TRUE" : "FALSE"}, refresh_seconds = COALESCE(?, refresh_seconds) WHERE id = ?`,
          [next.dueAt, refreshSeconds, int(job.id)],
        );
        return;
      }
      const inserted = await tx.run(
        `INSERT INTO sync_jobs (kind, group_id, due_at, attempts, rearm, refresh_seconds) VALUES ('sync-issue', ?, ?, 0, FALSE, ?)
         ON CONFLICT (group_id) DO NOTHING`,
        [groupId, dueAt, refreshSeconds ?? 0],
      );
      if (inserted === 1) return;
    }
    throw new Error(`scheduling the sync of group ${groupId}: its job kept appearing and disappearing`);
  }

  async claimJobs(workerId: string, nowDate: Date, limit: number, leaseMs: number): Promise<Job[]> {
    const now = nowDate.toISOString();
    const leaseUntil = new Date(nowDate.getTime() + leaseMs).toISOString();
    const rows = await this.db.transaction((tx) =>
      tx.all(
        `UPDATE sync_jobs SET lease_owner = ?, lease_until = ?, attempts = attempts + 1, rearm = FALSE
         WHERE id IN (
           SELECT id FROM sync_jobs WHERE due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
           ORDER BY due_at, id LIMIT ?${this.db.lockRowsSkipLocked})
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
      const [group] = await tx.all("SELECT issue_number, regressed_in, rendered_at FROM crash_groups WHERE id = ?", [int(held.group_id)]);
      const dueAt = group
        ? syncDueAt(
            { issueNumber: group.issue_number === null ? null : int(group.issue_number), regressedIn: textOrNull(group.regressed_in), renderedAt: isoOrNull(group.rendered_at) },
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

  async retryJob(job: Job, workerId: string, dueAt: Date, error: string): Promise<void> {
    await this.db.transaction((tx) =>
      tx.run(
        "UPDATE sync_jobs SET due_at = ?, lease_owner = NULL, lease_until = NULL, rearm = FALSE, last_error = ? WHERE id = ? AND lease_owner = ?",
        [dueAt.toISOString(), error, job.id, workerId],
      ),
    );
  }

  async scheduleSync(groupId: number, dueAt: Date): Promise<void> {
    await this.db.transaction((tx) => this.ensureJob(tx, groupId, dueAt.toISOString(), null));
  }

  async getGroup(id: number): Promise<CrashGroup | null> {
    return publicGroup((await this.read("SELECT * FROM crash_groups WHERE id = ?", [id]))[0]);
  }

  async findGroup(repo: string, signature: string): Promise<CrashGroup | null> {
    return publicGroup((await this.read("SELECT * FROM crash_groups WHERE repo = ? AND signature = ?", [repo, signature]))[0]);
  }

  async findGroupByIssue(repo: string, issueNumber: number): Promise<CrashGroup | null> {
    return publicGroup((await this.read("SELECT * FROM crash_groups WHERE repo = ? AND issue_number = ? ORDER BY id LIMIT 1", [repo, issueNumber]))[0]);
  }

  async setIssue(groupId: number, issueNumber: number): Promise<void> {
    await this.write("UPDATE crash_groups SET issue_number = ? WHERE id = ?", [issueNumber, groupId]);
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

  async resolve(groupId: number, fixedIn: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.all(`SELECT id FROM crash_groups WHERE id = ?${this.db.lockRows}`, [groupId]);
      const versions = await tx.all("SELECT version FROM version_occurrences WHERE group_id = ?", [groupId]);
      await tx.run(
        "UPDATE crash_groups SET state = 'resolved', fixed_in = ?, resolved_max_version = ?, regressed_in = NULL WHERE id = ?",
        [fixedIn, newestRelease(versions.map((v) => String(v.version))), groupId],
      );
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

  async putRepoSettings(settings: RepoSettings): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO repo_settings (repo, installation_id, config, fetched_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (repo) DO UPDATE SET installation_id = excluded.installation_id, config = excluded.config, fetched_at = excluded.fetched_at`,
        [settings.repo, settings.installationId, JSON.stringify(settings.config ?? null), new Date(settings.fetchedAt).toISOString()],
      );
      await tx.run("DELETE FROM repo_sources WHERE repo = ?", [settings.repo]);
      for (const route of routesOf(settings.config)) {
        await tx.run("INSERT INTO repo_sources (repo, provider, project) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [settings.repo, route.provider, route.project]);
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

  async pruneDeliveries(before: Date): Promise<number> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.all("SELECT CAST(COUNT(*) AS INTEGER) AS n FROM deliveries WHERE received_at < ?", [before.toISOString()]);
      await tx.run("DELETE FROM deliveries WHERE received_at < ?", [before.toISOString()]);
      return int(row?.n);
    });
  }

  async stats(): Promise<{ groups: number; pendingJobs: number; deliveries: number }> {
    const [row] = await this.read(
      `SELECT (SELECT CAST(COUNT(*) AS INTEGER) FROM crash_groups) AS groups_count,
              (SELECT CAST(COUNT(*) AS INTEGER) FROM sync_jobs) AS jobs_count,
              (SELECT CAST(COUNT(*) AS INTEGER) FROM deliveries) AS deliveries_count`,
    );
    return { groups: int(row?.groups_count), pendingJobs: int(row?.jobs_count), deliveries: int(row?.deliveries_count) };
  }

  private read(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    return this.db.query(sql, params);
  }

  private async write(sql: string, params: readonly SqlValue[]): Promise<void> {
    await this.db.query(sql, params);
  }
}
