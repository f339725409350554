/**
 * The store's schema, written once for both databases: numbered migrations, each a script of statements. What
 * differs between SQLite and PostgreSQL is named in a `Dialect` and substituted; the rest is the same SQL. Append a
 * migration; never edit a released one: a database records the versions it ran (schema_migrations, see
 * SqlStore.migrate) and never runs them again, so an edit would reach new databases only and the two would differ.
 * test/store/schema.test.ts holds the schema a fresh database reaches against the one recorded before.
 *
 * JSON columns are text in both: the store never looks inside them, and text reads back the same from both.
 */

export interface Dialect {
  /** The row id a new crash group takes by itself. */
  readonly rowId: string;
  /**
   * A row id never handed out twice, even after its row was deleted (SQLite's AUTOINCREMENT): a worker holding a
   * finished job's id cannot touch a new job, nor a stale stage row id a new one.
   */
  readonly unusedRowId: string;
  /** GitHub's installation ids outgrow 32 bits. */
  readonly bigint: string;
  /** SQLite keeps ISO-8601 text from toISOString(), which sorts as time; PostgreSQL its own type. */
  readonly time: string;
  readonly boolean: string;
  readonly false: string;
  /** GitHub's pacing windows shared by replicas (pace.ts): only PostgreSQL serves several replicas. */
  readonly sharedPace: boolean;
}

export const SQLITE: Dialect = {
  rowId: "INTEGER PRIMARY KEY",
  unusedRowId: "INTEGER PRIMARY KEY AUTOINCREMENT",
  bigint: "INTEGER",
  time: "TEXT",
  boolean: "INTEGER",
  false: "0",
  sharedPace: false,
};

export const POSTGRES: Dialect = {
  rowId: "integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
  unusedRowId: "integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
  bigint: "bigint",
  time: "timestamptz",
  boolean: "boolean",
  false: "FALSE",
  sharedPace: true,
};

/** The migrations in one database's dialect, version 1 first. */
export function migrations(d: Dialect): string[] {
  return [
    `CREATE TABLE crash_groups (
       id ${d.rowId},
       repo text NOT NULL,
       signature text NOT NULL,
       installation_id ${d.bigint} NOT NULL,
       issue_number integer,
       state text NOT NULL CHECK (state IN ('open', 'resolved')),
       fixed_in text,
       resolved_max_version text,
       regressed_in text,
       events integer NOT NULL,
       users integer NOT NULL,
       first_seen ${d.time} NOT NULL,
       last_seen ${d.time} NOT NULL,
       latest text NOT NULL,
       rendered_at ${d.time},
       rendered_events integer NOT NULL,
       UNIQUE (repo, signature)
     );
     CREATE INDEX crash_groups_issue ON crash_groups (repo, issue_number);
     CREATE TABLE version_occurrences (
       group_id integer NOT NULL REFERENCES crash_groups (id) ON DELETE CASCADE,
       version text NOT NULL,
       count integer NOT NULL,
       first_seen ${d.time} NOT NULL,
       last_seen ${d.time} NOT NULL,
       PRIMARY KEY (group_id, version)
     );
     CREATE TABLE deliveries (
       repo text NOT NULL,
       delivery_id text NOT NULL,
       group_id integer NOT NULL REFERENCES crash_groups (id) ON DELETE CASCADE,
       received_at ${d.time} NOT NULL,
       PRIMARY KEY (repo, delivery_id)
     );
     CREATE TABLE sync_jobs (
       id ${d.unusedRowId},
       kind text NOT NULL,
       group_id integer NOT NULL UNIQUE REFERENCES crash_groups (id) ON DELETE CASCADE,
       due_at ${d.time} NOT NULL,
       attempts integer NOT NULL,
       lease_owner text,
       lease_until ${d.time},
       rearm ${d.boolean} NOT NULL,
       refresh_seconds integer NOT NULL,
       last_error text
     );
     CREATE INDEX sync_jobs_due ON sync_jobs (due_at, id);
     CREATE TABLE repo_settings (
       repo text PRIMARY KEY,
       installation_id ${d.bigint} NOT NULL,
       config text NOT NULL,
       fetched_at ${d.time} NOT NULL
     );
     CREATE TABLE repo_sources (
       repo text NOT NULL REFERENCES repo_settings (repo) ON DELETE CASCADE,
       provider text NOT NULL,
       project text NOT NULL,
       PRIMARY KEY (provider, project, repo)
     );`,
    // 2. Deliveries are pruned by age (IngestStore.pruneDeliveries).
    `CREATE INDEX deliveries_received ON deliveries (received_at);`,
    // 3. The new-issue budget and its roll-up issue; poison jobs parked after their last attempt.
    `ALTER TABLE crash_groups ADD COLUMN issue_opened_at ${d.time};
     ALTER TABLE crash_groups ADD COLUMN rolled_up ${d.boolean} NOT NULL DEFAULT ${d.false};
     CREATE INDEX crash_groups_opened ON crash_groups (repo, issue_opened_at);
     ALTER TABLE sync_jobs ADD COLUMN parked_at ${d.time};`,
    // 4. The hotfix clock (issue 11): stage times per group and round, fix pull requests, what issues and boards show.
    `CREATE TABLE stage_times (
       id ${d.unusedRowId},
       group_id integer NOT NULL REFERENCES crash_groups (id) ON DELETE CASCADE,
       round integer NOT NULL,
       stage text NOT NULL,
       at ${d.time} NOT NULL,
       detail text NOT NULL,
       UNIQUE (group_id, round, stage)
     );
     CREATE TABLE fix_pull_requests (
       repo text NOT NULL,
       pr_number integer NOT NULL,
       group_id integer NOT NULL REFERENCES crash_groups (id) ON DELETE CASCADE,
       PRIMARY KEY (repo, pr_number, group_id)
     );
     CREATE TABLE clock_rendered (
       group_id integer PRIMARY KEY REFERENCES crash_groups (id) ON DELETE CASCADE,
       stage_id integer NOT NULL
     );
     CREATE TABLE boards (
       repo text PRIMARY KEY,
       issue_number integer,
       rendered_at ${d.time},
       stage_id integer NOT NULL
     );`,
    // 5. Regressions judged by git (issue 20). Groups resolved before it count as closed at their last alert.
    `CREATE TABLE fix_merges (
       repo text NOT NULL,
       pr_number integer NOT NULL,
       merge_commit text NOT NULL,
       commits text NOT NULL,
       merged_at ${d.time} NOT NULL,
       PRIMARY KEY (repo, pr_number)
     );
     CREATE TABLE comparisons (
       repo text NOT NULL,
       base text NOT NULL,
       head text NOT NULL,
       answer text NOT NULL,
       PRIMARY KEY (repo, base, head)
     );
     CREATE TABLE regression_candidates (
       group_id integer NOT NULL REFERENCES crash_groups (id) ON DELETE CASCADE,
       version text NOT NULL,
       seen_at ${d.time} NOT NULL,
       verdict text,
       PRIMARY KEY (group_id, version)
     );
     CREATE TABLE group_resolutions (
       group_id integer PRIMARY KEY REFERENCES crash_groups (id) ON DELETE CASCADE,
       resolved_at ${d.time} NOT NULL
     );
     INSERT INTO group_resolutions (group_id, resolved_at) SELECT id, last_seen FROM crash_groups WHERE state = 'resolved';`,
    // 6. Replicas and operators (issue 24): the exact new-issue budget (issues the App opened before it count as
    // claims at the time they were opened, so an upgrade does not hand out a fresh hour's budget), why a job was
    // parked, and GitHub's pace shared by replicas.
    `CREATE TABLE issue_budgets (
       repo text PRIMARY KEY,
       rollup_opener text,
       rollup_opening_until ${d.time}
     );
     CREATE TABLE issue_claims (
       group_id integer PRIMARY KEY REFERENCES crash_groups (id) ON DELETE CASCADE,
       repo text NOT NULL,
       claimed_at ${d.time} NOT NULL
     );
     CREATE INDEX issue_claims_repo ON issue_claims (repo, claimed_at);
     INSERT INTO issue_claims (group_id, repo, claimed_at)
       SELECT id, repo, issue_opened_at FROM crash_groups WHERE issue_opened_at IS NOT NULL AND rolled_up = FALSE;
     ALTER TABLE sync_jobs ADD COLUMN park_reason text;${
       d.sharedPace
         ? `
     CREATE TABLE pace_lanes (owner text PRIMARY KEY);
     CREATE TABLE pace_holds (
       id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       owner text NOT NULL,
       window_key text NOT NULL,
       units integer NOT NULL,
       ms integer NOT NULL,
       answered boolean NOT NULL,
       until timestamptz NOT NULL
     );
     CREATE INDEX pace_holds_owner ON pace_holds (owner, until);`
         : ""
     }`,
    // 7. The reporter's groups attached to each crash group (issue 18, docs/grouping.md). A reporter group names its
    // group by the group's signature, which never changes: the alert's first statement can then decide its group
    // before the group exists, and the check that the group does exist waits for the commit. The key is unique, so a
    // reporter group never spans two groups; `project` is '' where ids are unique across the reporter.
    `CREATE TABLE reporter_groups (
       repo text NOT NULL,
       provider text NOT NULL,
       project text NOT NULL,
       reporter_id text NOT NULL,
       signature text NOT NULL,
       attached_at ${d.time} NOT NULL,
       PRIMARY KEY (repo, provider, project, reporter_id),
       FOREIGN KEY (repo, signature) REFERENCES crash_groups (repo, signature) DEFERRABLE INITIALLY DEFERRED
     );
     CREATE INDEX reporter_groups_group ON reporter_groups (repo, signature);`,
    // 8. The App's scheduled verifications of deployed hotfixes (issue 20).
    `CREATE TABLE verify_jobs (
       id ${d.unusedRowId},
       repo text NOT NULL,
       installation_id integer NOT NULL,
       group_id integer NOT NULL REFERENCES crash_groups (id) ON DELETE CASCADE,
       version text NOT NULL,
       sha text NOT NULL,
       environment text NOT NULL,
       deployed_at ${d.time} NOT NULL,
       due_at ${d.time} NOT NULL,
       looks integer NOT NULL DEFAULT 0,
       UNIQUE (group_id, version)
     );
     CREATE INDEX verify_jobs_due ON verify_jobs (due_at);`,
    // 9. Port PRs of merged hotfixes (issue 25): the board lists those not merged yet. A port's change bumps the board's
    // port_changes, which it compares with what it last showed, as it does stage rows.
    `CREATE TABLE port_pull_requests (
       repo text NOT NULL,
       port_pr integer NOT NULL,
       original_pr integer NOT NULL,
       target text NOT NULL,
       opened_at ${d.time} NOT NULL,
       state text NOT NULL CHECK (state IN ('open', 'merged', 'closed')),
       PRIMARY KEY (repo, port_pr)
     );
     ALTER TABLE boards ADD COLUMN port_changes integer NOT NULL DEFAULT 0;
     ALTER TABLE boards ADD COLUMN rendered_port_changes integer NOT NULL DEFAULT 0;`,
  ];
}
