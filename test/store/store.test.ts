import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CrashReport, type CrashReportInput } from "../../src/core/crash.js";
import { judgeRegression } from "../../src/core/regression.js";
import { storeSettingsOf } from "../../src/app/settings.js";
import { openStore } from "../../src/store/open.js";
import { PostgresStore, withUser } from "../../src/store/postgres.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import type { IngestInput, Store } from "../../src/store/store.js";
import { dropSchemas } from "../postgres-schemas.js";
import { storeCounts } from "./counts.js";
import { putSettings } from "./settings.js";

/**
 * One suite, run against both stores. PostgreSQL is not optional: CI provides it, and a
 * store suite that silently skips half its targets proves nothing.
 */

const PG_URL = inject("testDatabaseUrl");
const RUN = `hotfix_store_${process.pid}_${Date.now().toString(36)}`;

const T0 = new Date("2026-03-01T12:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function report(overrides: Partial<CrashReportInput> = {}): CrashReport {
  return CrashReport.parse({
    provider: "sentry",
    project: "web",
    exception: { type: "TypeError", message: "Cannot read properties of undefined (reading 'id')" },
    frames: [{ file: "src/cart.ts", function: "total", line: 42, in_app: true }],
    ...overrides,
  });
}

let deliveries = 0;
function alert(overrides: Partial<IngestInput> & { release?: string } = {}): IngestInput {
  const { release, ...rest } = overrides;
  return {
    repo: "acme/shop",
    installationId: 7,
    signature: "0123456789abcdef",
    report: report(release === undefined ? {} : { release }),
    deliveryId: `delivery-${++deliveries}`,
    refreshIntervalSeconds: 60,
    reopenOnRegression: true,
    ...rest,
  };
}

interface Target {
  name: string;
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), "hotfix-store-"));
  const opened: Store[] = [];
  let n = 0;
  return {
    name: "SqliteStore",
    async open() {
      const store = new SqliteStore(join(dir, `store-${++n}.sqlite`));
      opened.push(store);
      await store.migrate();
      return store;
    },
    async cleanup() {
      await Promise.allSettled(opened.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const schemas: string[] = [];
function postgresTarget(): Target {
  const opened: Store[] = [];
  return {
    name: "PostgresStore",
    async open() {
      const schema = `${RUN}_${schemas.length + 1}`;
      schemas.push(schema);
      const store = new PostgresStore(PG_URL, { schema });
      opened.push(store);
      await store.migrate();
      return store;
    },
    async cleanup() {
      await Promise.allSettled(opened.map((s) => s.close()));
    },
  };
}

/** Another handle on the same PostgreSQL schema: a second replica. */
function replicaOf(): PostgresStore {
  const schema = schemas.at(-1);
  if (!schema) throw new Error("no PostgreSQL schema opened yet");
  return new PostgresStore(PG_URL, { schema });
}

beforeAll(async () => {
  const client = new pg.Client({ connectionString: withUser(PG_URL) });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL at ${PG_URL} is not reachable (set TEST_DATABASE_URL): ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
});

afterAll(() => dropSchemas(PG_URL, schemas));

describe.each([{ make: sqliteTarget }, { make: postgresTarget }])("store", ({ make }) => {
  const target = make();
  afterAll(() => target.cleanup());

  describe(target.name, () => {
    it("creates a group and one sync job due at once for a new signature", async () => {
      const store = await target.open();
      const result = await store.ingest(alert({ release: "1.4.2" }), T0);
      expect(result).toEqual({ status: "stored", groupId: expect.any(Number), created: true, candidate: false });
      if (result.status !== "stored") throw new Error("not stored");

      const group = await store.getGroup(result.groupId);
      expect(group).toMatchObject({
        repo: "acme/shop",
        installationId: 7,
        signature: "0123456789abcdef",
        issueNumber: null,
        state: "open",
        fixedIn: null,
        regressedIn: null,
        events: 1,
        firstSeen: T0.toISOString(),
        lastSeen: T0.toISOString(),
        renderedAt: null,
        renderedEvents: 0,
      });
      expect(group?.latest.exception.type).toBe("TypeError");
      expect(await store.findGroup("acme/shop", "0123456789abcdef")).toEqual(group);
      expect(await storeCounts(store)).toEqual({ groups: 1, pendingJobs: 1, parkedJobs: 0, deliveries: 1 });

      const jobs = await store.claimJobs("w1", T0, 10, 30_000);
      expect(jobs).toEqual([{ id: expect.any(Number), kind: "sync-issue", groupId: result.groupId, attempts: 1, dueAt: T0.toISOString() }]);
    });

    it("counts a repeat, keeps the highest user count and the latest report", async () => {
      const store = await target.open();
      await store.ingest({ ...alert(), report: report({ users: 5, release: "1.0.0" }) }, T0);
      const second = await store.ingest({ ...alert(), report: report({ users: 3, release: "1.0.1" }) }, at(5));
      expect(second).toMatchObject({ status: "stored", created: false });
      const group = await store.findGroup("acme/shop", "0123456789abcdef");
      expect(group).toMatchObject({ events: 2, users: 5, firstSeen: T0.toISOString(), lastSeen: at(5).toISOString() });
      expect(group?.latest.release).toBe("1.0.1");
      expect((await storeCounts(store)).pendingJobs).toBe(1);
    });

    it("counts an alert in the group of an alias (an earlier signature of the crash) when none has the current signature", async () => {
      const store = await target.open();
      const old = await store.ingest(alert({ signature: "old-signature" }), T0);
      const joined = await store.ingest(alert({ signature: "new-signature", aliases: ["older-signature", "old-signature"] }), at(1));
      expect(joined).toMatchObject({ status: "stored", groupId: old.groupId, created: false });
      expect(await store.findGroup("acme/shop", "new-signature")).toBeNull();

      // A crash no group knows under any of its signatures is grouped under the current one.
      const fresh = await store.ingest(alert({ signature: "another-crash", aliases: ["never-stored"] }), at(2));
      expect(fresh).toMatchObject({ status: "stored", created: true });
      expect(await store.findGroup("acme/shop", "another-crash")).toMatchObject({ id: fresh.groupId, events: 1 });
    });

    it("joins the group an alert's reporter group is attached to whatever its signature, else by signature, attaching it", async () => {
      const store = await target.open();
      const sentry = (id: string) => ({ provider: "sentry" as const, id });
      const first = await store.ingest(alert({ signature: "chrome-shape", reporterGroup: sentry("4509876543") }), T0);
      // The same Sentry issue in another browser's stack shape: our signature differs, the reporter's group wins.
      const firefox = await store.ingest(alert({ signature: "firefox-shape", reporterGroup: sentry("4509876543") }), at(1));
      expect(firefox).toMatchObject({ status: "stored", groupId: first.groupId, created: false });
      expect(await store.findGroup("acme/shop", "firefox-shape")).toBeNull();
      // Another Sentry issue of a crash the repository groups already: joined by signature, and attached from now on.
      const merged = await store.ingest(alert({ signature: "chrome-shape", reporterGroup: sentry("4509876600") }), at(2));
      expect(merged).toMatchObject({ groupId: first.groupId, created: false });
      const later = await store.ingest(alert({ signature: "safari-shape", reporterGroup: sentry("4509876600") }), at(3));
      expect(later).toMatchObject({ groupId: first.groupId, created: false });
      // Without a reporter group only the signature counts.
      const bare = await store.ingest(alert({ signature: "firefox-shape" }), at(4));
      expect(bare).toMatchObject({ created: true });
      expect(bare.groupId).not.toBe(first.groupId);

      expect(await store.getGroup(first.groupId)).toMatchObject({ signature: "chrome-shape", events: 4 });
      expect(await store.reporterGroups(first.groupId)).toEqual([sentry("4509876543"), sentry("4509876600")]);
      expect(await store.reporterGroups(bare.groupId)).toEqual([]);
      expect((await store.versionCounts("acme/shop", "chrome-shape")).reduce((sum, v) => sum + v.count, 0)).toBe(4);
    });

    it("keeps reporter group ids of two reporters, two Bugsnag projects and two repositories apart", async () => {
      const store = await target.open();
      const id = "60a1b2c3d4e5f6a7b8c9d0e1";
      const sentry = await store.ingest(alert({ signature: "sig-a", reporterGroup: { provider: "sentry", id } }), T0);
      const bugsnag = await store.ingest(alert({ signature: "sig-b", reporterGroup: { provider: "bugsnag", project: "p1", id } }), at(1));
      const otherProject = await store.ingest(alert({ signature: "sig-c", reporterGroup: { provider: "bugsnag", project: "p2", id } }), at(2));
      const generic = await store.ingest(alert({ signature: "sig-d", reporterGroup: { provider: "generic", project: "p1", id } }), at(3));
      const otherRepo = await store.ingest(alert({ repo: "acme/admin", signature: "sig-e", reporterGroup: { provider: "sentry", id } }), at(4));
      const groups = [sentry, bugsnag, otherProject, generic, otherRepo].map((r) => r.groupId);
      expect(new Set(groups).size).toBe(5);
      expect(await store.reporterGroups(otherProject.groupId)).toEqual([{ provider: "bugsnag", project: "p2", id }]);
      // And each stays where it was attached.
      const again = await store.ingest(alert({ signature: "sig-z", reporterGroup: { provider: "bugsnag", project: "p2", id } }), at(5));
      expect(again).toMatchObject({ groupId: otherProject.groupId, created: false });
    });

    it("takes a concurrent burst of one reporter group in several stack shapes as one group", async () => {
      const store = await target.open();
      const reporterGroup = { provider: "sentry" as const, id: "4509876543" };
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => store.ingest(alert({ signature: `shape-${i % 3}`, reporterGroup }), at(i / 1000))),
      );
      expect(new Set(results.map((r) => r.groupId)).size).toBe(1);
      expect(results.filter((r) => r.status === "stored" && r.created)).toHaveLength(1);
      expect(await storeCounts(store)).toMatchObject({ groups: 1, pendingJobs: 1, deliveries: 60 });
      expect(await store.getGroup(results[0]!.groupId)).toMatchObject({ events: 60 });
    });

    it("recognises a delivery id seen before and changes nothing", async () => {
      const store = await target.open();
      const input = alert({ release: "1.0.0" });
      const first = await store.ingest(input, T0);
      const again = await store.ingest(input, at(1));
      expect(again).toEqual({ status: "duplicate", groupId: first.groupId });
      expect(await store.findGroup("acme/shop", input.signature)).toMatchObject({ events: 1, lastSeen: T0.toISOString() });
      expect(await store.versionCounts("acme/shop", input.signature)).toEqual([
        { version: "1.0.0", count: 1, firstSeen: T0.toISOString(), lastSeen: T0.toISOString() },
      ]);
      expect(await storeCounts(store)).toEqual({ groups: 1, pendingJobs: 1, parkedJobs: 0, deliveries: 1 });
    });

    it("forgets old delivery ids when pruned, keeping the crash counts", async () => {
      const store = await target.open();
      await store.ingest(alert({ deliveryId: "old" }), T0);
      await store.ingest(alert({ deliveryId: "new" }), at(60));
      expect(await store.pruneDeliveries(at(30))).toBe(1);
      expect((await storeCounts(store)).deliveries).toBe(1);
      // The recent delivery is still recognised; the pruned one would be counted again, as its retry window is long gone.
      expect((await store.ingest(alert({ deliveryId: "new" }), at(61))).status).toBe("duplicate");
      expect((await store.ingest(alert({ deliveryId: "old" }), at(62))).status).toBe("stored");
      expect(await store.findGroup("acme/shop", "0123456789abcdef")).toMatchObject({ events: 3 });
    });

    it("keeps at most the newest delivery ids it is told to, whatever their age", async () => {
      const store = await target.open();
      for (let i = 0; i < 7; i++) await store.ingest(alert({ deliveryId: `d-${i}` }), at(i));
      expect(await store.pruneDeliveries(T0, 3)).toBe(4);
      expect((await storeCounts(store)).deliveries).toBe(3);
      expect((await store.ingest(alert({ deliveryId: "d-4" }), at(10))).status).toBe("duplicate");
      expect((await store.ingest(alert({ deliveryId: "d-3" }), at(11))).status).toBe("stored");
      // Under the cap, only age prunes.
      expect(await store.pruneDeliveries(T0, 100)).toBe(0);
      expect(await store.findGroup("acme/shop", "0123456789abcdef")).toMatchObject({ events: 8 });
    });

    it("stores one delivery routed to two repositories once in each", async () => {
      const store = await target.open();
      const a = await store.ingest(alert({ deliveryId: "req-1", repo: "acme/shop" }), T0);
      const b = await store.ingest(alert({ deliveryId: "req-1", repo: "acme/admin" }), T0);
      expect(a.status).toBe("stored");
      expect(b.status).toBe("stored");
      expect(a.groupId).not.toBe(b.groupId);
      expect(await storeCounts(store)).toEqual({ groups: 2, pendingJobs: 2, parkedJobs: 0, deliveries: 2 });
    });

    it("counts occurrences per version, without a release under 'unknown'", async () => {
      const store = await target.open();
      await store.ingest(alert({ release: "1.10.0" }), T0);
      await store.ingest(alert({ release: "1.9.0" }), at(1));
      await store.ingest(alert({ release: "1.10.0" }), at(2));
      await store.ingest(alert(), at(3));
      await store.ingest(alert({ signature: "fedcba9876543210", release: "1.10.0" }), at(4));
      await store.ingest(alert({ repo: "other/repo", release: "1.10.0" }), at(5));

      expect(await store.versionCounts("acme/shop", "0123456789abcdef")).toEqual([
        { version: "1.9.0", count: 1, firstSeen: at(1).toISOString(), lastSeen: at(1).toISOString() },
        { version: "1.10.0", count: 2, firstSeen: T0.toISOString(), lastSeen: at(2).toISOString() },
        { version: "unknown", count: 1, firstSeen: at(3).toISOString(), lastSeen: at(3).toISOString() },
      ]);
      expect(await store.repoVersionCounts("acme/shop")).toEqual([
        { version: "1.9.0", count: 1, firstSeen: at(1).toISOString(), lastSeen: at(1).toISOString() },
        { version: "1.10.0", count: 3, firstSeen: T0.toISOString(), lastSeen: at(4).toISOString() },
        { version: "unknown", count: 1, firstSeen: at(3).toISOString(), lastSeen: at(3).toISOString() },
      ]);
      expect(await store.versionCounts("acme/shop", "no-such-signature")).toEqual([]);
    });

    it("schedules the refresh of an existing issue one interval after its last edit", async () => {
      const store = await target.open();
      const { groupId } = await store.ingest(alert(), T0);
      const [job] = await store.claimJobs("w1", T0, 10, 30_000);
      if (!job) throw new Error("no job");
      await store.setIssue(groupId, 12);
      await store.markRendered(groupId, 1, at(1));
      await store.completeJob(job, "w1");
      expect((await storeCounts(store)).pendingJobs).toBe(0);

      for (let i = 0; i < 5; i++) await store.ingest(alert(), at(10 + i));
      expect((await storeCounts(store)).pendingJobs).toBe(1);
      expect(await store.claimJobs("w1", at(60), 10, 30_000)).toEqual([]);
      const [refresh] = await store.claimJobs("w1", at(61), 10, 30_000);
      expect(refresh).toMatchObject({ groupId, dueAt: at(61).toISOString() });
    });

    it("makes the sync due now after a quiet period longer than the interval", async () => {
      const store = await target.open();
      const { groupId } = await store.ingest(alert(), T0);
      const [job] = await store.claimJobs("w1", T0, 10, 30_000);
      await store.setIssue(groupId, 3);
      await store.markRendered(groupId, 1, T0);
      await store.completeJob(job!, "w1");
      await store.ingest(alert(), at(3600));
      expect(await store.claimJobs("w1", at(3600), 10, 30_000)).toMatchObject([{ groupId, dueAt: at(3600).toISOString() }]);
    });

    it("re-arms a job leased while a new alert arrives, so it runs again after completion", async () => {
      const store = await target.open();
      const { groupId } = await store.ingest(alert(), T0);
      const [job] = await store.claimJobs("w1", T0, 10, 30_000);
      if (!job) throw new Error("no job");

      await store.ingest(alert(), at(1));
      expect((await storeCounts(store)).pendingJobs).toBe(1);
      expect(await store.claimJobs("w2", at(2), 10, 30_000)).toEqual([]);

      await store.setIssue(groupId, 12);
      await store.markRendered(groupId, 1, at(2));
      await store.completeJob(job, "w1");
      expect((await storeCounts(store)).pendingJobs).toBe(1);
      // The rerun respects the refresh interval from the edit just made.
      expect(await store.claimJobs("w2", at(61), 10, 30_000)).toEqual([]);
      const [rerun] = await store.claimJobs("w2", at(62), 10, 30_000);
      expect(rerun).toMatchObject({ id: job.id, groupId, attempts: 1 });
      await store.completeJob(rerun!, "w2");
      expect((await storeCounts(store)).pendingJobs).toBe(0);
    });

    it("lets another worker claim a job whose lease ran out, and ignores the first worker afterwards", async () => {
      const store = await target.open();
      await store.ingest(alert(), T0);
      const [job] = await store.claimJobs("crashed", T0, 10, 1_000);
      if (!job) throw new Error("no job");
      expect(await store.claimJobs("w2", at(0.999), 10, 30_000)).toEqual([]);
      const [again] = await store.claimJobs("w2", at(1), 10, 30_000);
      expect(again).toMatchObject({ id: job.id, attempts: 2 });

      await store.completeJob(job, "crashed");
      await store.retryJob(job, "crashed", at(500), "too late");
      expect((await storeCounts(store)).pendingJobs).toBe(1);
      expect(await store.claimJobs("w3", at(2), 10, 30_000)).toEqual([]);
      await store.completeJob(again!, "w2");
      expect((await storeCounts(store)).pendingJobs).toBe(0);
    });

    it("retries a failed job at the time given, counting attempts", async () => {
      const store = await target.open();
      const { groupId } = await store.ingest(alert(), T0);
      const [job] = await store.claimJobs("w1", T0, 10, 30_000);
      await store.retryJob(job!, "w1", at(300), "GitHub answered 502");
      expect(await store.claimJobs("w1", at(299), 10, 30_000)).toEqual([]);
      expect(await store.claimJobs("w1", at(300), 10, 30_000)).toEqual([
        { id: job!.id, kind: "sync-issue", groupId, attempts: 2, dueAt: at(300).toISOString() },
      ]);
    });

    it("claims due jobs by due time, then id, up to the limit", async () => {
      const store = await target.open();
      const a = await store.ingest(alert({ signature: "a" }), at(5));
      const b = await store.ingest(alert({ signature: "b" }), at(1));
      const c = await store.ingest(alert({ signature: "c" }), at(1));
      const d = await store.ingest(alert({ signature: "d" }), at(100));
      const first = await store.claimJobs("w1", at(10), 2, 30_000);
      expect(first.map((j) => j.groupId)).toEqual([b.groupId, c.groupId]);
      const rest = await store.claimJobs("w1", at(10), 10, 30_000);
      expect(rest.map((j) => j.groupId)).toEqual([a.groupId]);
      expect(d.status).toBe("stored");
    });

    it("claims a job that opens an issue before refreshes that were due earlier", async () => {
      const store = await target.open();
      const refreshed = await store.ingest(alert({ signature: "old" }), T0);
      const [first] = await store.claimJobs("w1", T0, 10, 30_000);
      await store.setIssue(refreshed.groupId, 12);
      await store.markRendered(refreshed.groupId, 1, T0);
      await store.completeJob(first!, "w1");
      await store.ingest(alert({ signature: "old" }), at(1));
      const created = await store.ingest(alert({ signature: "new" }), at(70));
      const [job] = await store.claimJobs("w1", at(70), 1, 30_000);
      expect(job).toMatchObject({ groupId: created.groupId });
      expect(await store.claimJobs("w1", at(70), 1, 30_000)).toMatchObject([{ groupId: refreshed.groupId }]);
    });

    it("parks a job after its last attempt: never claimed again, kept with its reason, and later alerts leave it parked", async () => {
      const store = await target.open();
      const { groupId } = await store.ingest(alert(), T0);
      const [job] = await store.claimJobs("w1", T0, 10, 30_000);
      await store.parkJob(job!, "w1", "422 Validation Failed: body is too long", at(1));
      expect(await store.parkedJobs()).toEqual([
        {
          id: job!.id,
          groupId,
          repo: "acme/shop",
          signature: expect.any(String),
          attempts: 1,
          parkedAt: at(1).toISOString(),
          lastError: "422 Validation Failed: body is too long",
        },
      ]);
      expect(await storeCounts(store)).toMatchObject({ pendingJobs: 0, parkedJobs: 1 });
      expect(await store.claimJobs("w1", at(100), 10, 30_000)).toEqual([]);

      await store.ingest(alert(), at(2));
      expect((await store.getGroup(groupId))?.events).toBe(2);
      expect(await store.claimJobs("w1", at(100), 10, 30_000)).toEqual([]);
      expect((await store.parkedJobs()).map((p) => p.id)).toEqual([job!.id]);
    });

    it("lists jobs with their state and last error, retries and drops them, and counts parked ones by reason", async () => {
      const store = await target.open();
      const refused = await store.ingest(alert({ signature: "refused" }), T0);
      const poison = await store.ingest(alert({ repo: "acme/web", installationId: 8, signature: "poison" }), T0);
      const waiting = await store.ingest(alert({ signature: "waiting" }), T0);
      const jobs = await store.claimJobs("w1", T0, 3, 30_000);
      const jobOf = (groupId: number) => jobs.find((j) => j.groupId === groupId)!;
      await store.parkJob(jobOf(refused.groupId), "w1", "issues are turned off in acme/shop", at(1), "issues-disabled");
      await store.parkJob(jobOf(poison.groupId), "w1", "502 Bad Gateway", at(2));
      await store.retryJob(jobOf(waiting.groupId), "w1", at(600), "500 Server Error");

      const listed = await store.jobs.list(at(10));
      expect(listed.map((j) => [j.groupId, j.state, j.parkReason, j.lastError])).toEqual([
        [refused.groupId, "parked", "issues-disabled", "issues are turned off in acme/shop"],
        [poison.groupId, "parked", "attempts", "502 Bad Gateway"],
        [waiting.groupId, "waiting", null, "500 Server Error"],
      ]);
      expect(listed[0]).toMatchObject({ repo: "acme/shop", signature: "refused", issueNumber: null, attempts: 1, parkedAt: at(1).toISOString() });
      expect((await store.jobs.list(at(10), { parkedOnly: true })).map((j) => j.groupId)).toEqual([refused.groupId, poison.groupId]);
      expect(await store.jobs.parkedByReason()).toEqual({ "issues-disabled": 1, attempts: 1 });

      // Healing takes back only the scope's jobs parked for the reasons given.
      expect(await store.jobs.retryParked(at(20), { repo: "acme/shop" }, ["missing-permission"])).toBe(0);
      expect(await store.jobs.retryParked(at(20), { installationId: 7 }, ["issues-disabled"])).toBe(1);
      expect((await store.claimJobs("w2", at(20), 10, 30_000)).map((j) => [j.groupId, j.attempts])).toEqual([[refused.groupId, 1]]);
      expect(await store.jobs.parkedByReason()).toEqual({ attempts: 1 });

      // An operator's retry takes a parked job back, due at once; a drop removes a job, and the next alert schedules a new one.
      expect(await store.jobs.retry(jobOf(poison.groupId).id, at(30))).toBe(true);
      expect(await store.jobs.list(at(30))).toContainEqual(expect.objectContaining({ groupId: poison.groupId, state: "due", attempts: 0 }));
      expect(await store.jobs.drop(jobOf(waiting.groupId).id)).toBe(true);
      expect(await store.jobs.drop(jobOf(waiting.groupId).id)).toBe(false);
      expect(await store.jobs.retry(jobOf(waiting.groupId).id, at(30))).toBe(false);
      await store.ingest(alert({ signature: "waiting" }), at(40));
      expect((await store.jobs.list(at(40))).filter((j) => j.groupId === waiting.groupId)).toHaveLength(1);
      expect(await store.jobs.retryParked(at(50))).toBe(0);
    });

    it("claims new issues within a repository's budget per hour, a group once, roll-ups apart", async () => {
      const store = await target.open();
      const a = await store.ingest(alert({ signature: "a" }), T0);
      const b = await store.ingest(alert({ signature: "b" }), T0);
      const c = await store.ingest(alert({ signature: "c" }), T0);
      const other = await store.ingest(alert({ repo: "acme/other", signature: "a" }), T0);
      const hourBefore = (s: number) => new Date(at(s).getTime() - 3_600_000);
      expect(await store.budget.claim("acme/shop", a.groupId, 2, hourBefore(0), at(0))).toBe(true);
      expect(await store.budget.claim("acme/shop", b.groupId, 2, hourBefore(60), at(60))).toBe(true);
      // The budget is spent; a group that holds a claim keeps it on its retry.
      expect(await store.budget.claim("acme/shop", c.groupId, 2, hourBefore(90), at(90))).toBe(false);
      expect(await store.budget.claim("acme/shop", a.groupId, 2, hourBefore(90), at(90))).toBe(true);
      expect(await store.budget.claim("acme/other", other.groupId, 2, hourBefore(90), at(90))).toBe(true);
      expect(await store.budget.claimedSince("acme/shop", at(0))).toBe(2);
      expect(await store.budget.claimedSince("acme/shop", at(30))).toBe(1);
      // An hour after the first claim, its place is free again.
      expect(await store.budget.claim("acme/shop", c.groupId, 2, hourBefore(3_601), at(3_601))).toBe(true);
      await store.recordOpened(a.groupId, 1, at(0), false);
      await store.recordOpened(b.groupId, 2, at(60), false);
      await store.recordOpened(c.groupId, 3, at(90), true);
      expect((await store.rolledUpGroups("acme/shop")).map((g) => [g.signature, g.issueNumber, g.rolledUp])).toEqual([["c", 3, true]]);
      expect(await store.getGroup(a.groupId)).toMatchObject({ issueNumber: 1, rolledUp: false });
    });

    async function resolvedGroup(store: Store, versions: string[], fixedIn: string | null) {
      let groupId = 0;
      for (const [i, release] of versions.entries()) groupId = (await store.ingest(alert({ release }), at(i))).groupId;
      const jobs = await store.claimJobs("w1", at(10), 10, 30_000);
      await store.setIssue(groupId, 8);
      await store.markRendered(groupId, versions.length, at(10));
      for (const job of jobs) await store.completeJob(job, "w1");
      await store.resolve(groupId, fixedIn, at(10));
      return groupId;
    }

    /** What the worker does with a candidate: judges it by release names (no fix commit is recorded here). */
    async function judgeByNames(store: Store, groupId: number) {
      const group = (await store.getGroup(groupId))!;
      let reopened = false;
      for (const c of await store.fixes.candidates(groupId)) {
        const verdict = judgeRegression({ ...c, release: c.version, releaseRef: null, answers: [], fixedIn: group.fixedIn });
        reopened = (await store.fixes.judge(groupId, verdict)) || reopened;
      }
      return reopened;
    }

    it("makes a resolved group's new release a candidate, due at once; the worker's verdict reopens it", async () => {
      const store = await target.open();
      const groupId = await resolvedGroup(store, ["1.4.0", "1.4.1"], "1.4.2");
      expect(await store.getGroup(groupId)).toMatchObject({ state: "resolved", fixedIn: "1.4.2", regressedIn: null });

      // An old build: a candidate, judged once; its repeats are only counted.
      expect(await store.ingest(alert({ release: "1.4.1" }), at(20))).toMatchObject({ status: "stored", candidate: true });
      expect(await store.fixes.candidates(groupId)).toEqual([
        {
          version: "1.4.1",
          seenAt: at(20).toISOString(),
          releaseFirstSeen: at(1).toISOString(),
          resolvedAt: at(10).toISOString(),
          resolvedMaxVersion: "1.4.1",
        },
      ]);
      const [judgeOld] = await store.claimJobs("w1", at(20), 10, 30_000);
      expect(judgeOld).toMatchObject({ groupId, dueAt: at(20).toISOString() });
      expect(await judgeByNames(store, groupId)).toBe(false);
      await store.markRendered(groupId, 3, at(20));
      await store.completeJob(judgeOld!, "w1");
      expect(await store.fixes.verdictOf(groupId, "1.4.1")).toMatchObject({ outcome: "old-build", basis: "version-order" });
      expect(await store.ingest(alert({ release: "1.4.1" }), at(21))).toMatchObject({ candidate: false });
      expect(await store.getGroup(groupId)).toMatchObject({ state: "resolved", events: 4 });
      expect(await store.claimJobs("w1", at(22), 10, 30_000)).toEqual([]);

      expect(await store.ingest(alert({ release: "1.4.2" }), at(23))).toMatchObject({ status: "stored", candidate: true });
      // Still closed until the worker judges it: the ingest asks nobody.
      expect(await store.getGroup(groupId)).toMatchObject({ state: "resolved", regressedIn: null });
      expect(await store.claimJobs("w1", at(23), 10, 30_000)).toMatchObject([{ groupId, dueAt: at(23).toISOString() }]);
      expect(await judgeByNames(store, groupId)).toBe(true);
      expect(await store.getGroup(groupId)).toMatchObject({ state: "open", regressedIn: "1.4.2", fixedIn: "1.4.2" });
      // Judged once: a second worker's verdict changes nothing.
      expect(await store.fixes.judge(groupId, { outcome: "back", basis: "version-order", release: "1.4.2" })).toBe(false);

      // Alerts in the open group are not candidates.
      expect(await store.ingest(alert({ release: "1.4.3" }), at(102))).toMatchObject({ candidate: false });
      await store.markRendered(groupId, 6, at(103));
      expect(await store.getGroup(groupId)).toMatchObject({ regressedIn: null, renderedEvents: 6 });

      // A new close asks again about every release.
      await store.resolve(groupId, "1.4.4", at(200));
      expect(await store.fixes.verdictOf(groupId, "1.4.2")).toBeNull();
      expect(await store.ingest(alert({ release: "1.4.2" }), at(201))).toMatchObject({ candidate: true });
    });

    it("judges a release that came in while the group's job ran at once, not after the refresh interval", async () => {
      const store = await target.open();
      const groupId = await resolvedGroup(store, ["1.0.0"], "1.0.1");
      await store.ingest(alert({ release: "1.0.0" }), at(20));
      const [job] = await store.claimJobs("w1", at(20), 10, 30_000);
      expect(await judgeByNames(store, groupId)).toBe(false);
      await store.ingest(alert({ release: "1.0.2" }), at(21));
      await store.markRendered(groupId, 3, at(22));
      await store.completeJob(job!, "w1");
      expect(await store.claimJobs("w1", at(22), 10, 30_000)).toMatchObject([{ groupId, dueAt: at(21).toISOString() }]);
    });

    it("with no fixedIn, reopens only for a release newer than every version seen before resolving", async () => {
      const store = await target.open();
      const groupId = await resolvedGroup(store, ["2.0.0", "2.1.0", "1.9.0"], null);
      await store.ingest(alert({ release: "2.0.5" }), at(100));
      await store.ingest(alert({ release: "2.1.0" }), at(101));
      expect(await judgeByNames(store, groupId)).toBe(false);
      expect(await store.getGroup(groupId)).toMatchObject({ state: "resolved" });
      await store.ingest(alert({ release: "2.1.1" }), at(102));
      expect(await judgeByNames(store, groupId)).toBe(true);
      expect(await store.getGroup(groupId)).toMatchObject({ state: "open", regressedIn: "2.1.1" });
    });

    it("never flaps a closed issue open on an old SHA-named build seen before the close", async () => {
      const store = await target.open();
      const groupId = await resolvedGroup(store, ["9fceb02", "0a1b2c3"], null);
      await store.ingest(alert({ release: "9fceb02" }), at(100));
      expect(await judgeByNames(store, groupId)).toBe(false);
      expect(await store.fixes.verdictOf(groupId, "9fceb02")).toMatchObject({ outcome: "old-build", basis: "first-seen" });
      // A release first seen after the close, with no commit to compare: back, by release dates.
      await store.ingest(alert({ release: "d34db33f" }), at(101));
      expect(await judgeByNames(store, groupId)).toBe(true);
      expect(await store.getGroup(groupId)).toMatchObject({ state: "open", regressedIn: "d34db33f" });
    });

    it("only counts an alert without a release for a resolved group", async () => {
      const store = await target.open();
      const groupId = await resolvedGroup(store, ["1.0.0"], "1.0.1");
      expect(await store.ingest(alert(), at(100))).toMatchObject({ status: "stored", candidate: false });
      expect(await store.getGroup(groupId)).toMatchObject({ state: "resolved", events: 2, regressedIn: null });
      expect(await store.fixes.candidates(groupId)).toEqual([]);
      expect(await store.versionCounts("acme/shop", "0123456789abcdef")).toMatchObject([
        { version: "1.0.0", count: 1 },
        { version: "unknown", count: 1 },
      ]);
    });

    it("does not judge anything when reopenOnRegression is off", async () => {
      const store = await target.open();
      const groupId = await resolvedGroup(store, ["1.0.0"], "1.0.1");
      const result = await store.ingest({ ...alert({ release: "1.0.2" }), reopenOnRegression: false }, at(100));
      expect(result).toMatchObject({ status: "stored", candidate: false });
      expect(await store.fixes.candidates(groupId)).toEqual([]);
      expect(await store.getGroup(groupId)).toMatchObject({ state: "resolved", regressedIn: null, events: 2 });
    });

    it("keeps a regression that arrived while its issue was being rendered", async () => {
      const store = await target.open();
      const groupId = await resolvedGroup(store, ["1.0.0"], "1.0.1");
      await store.ingest(alert({ release: "1.0.1" }), at(100));
      const [job] = await store.claimJobs("w1", at(100), 10, 30_000);
      expect(await judgeByNames(store, groupId)).toBe(true);
      // The worker rendered the group as it was before this second regression-era alert.
      const seen = await store.getGroup(groupId);
      await store.ingest(alert({ release: "1.0.2" }), at(101));
      await store.markRendered(groupId, seen!.events - 1, at(102));
      expect(await store.getGroup(groupId)).toMatchObject({ regressedIn: "1.0.1" });
      await store.completeJob(job!, "w1");
      // Due at once again: the reopen is still to be done.
      expect(await store.claimJobs("w1", at(102), 10, 30_000)).toMatchObject([{ groupId }]);
    });

    it("keeps merged fixes per linked group and GitHub's compare answers", async () => {
      const store = await target.open();
      const { groupId } = await store.ingest(alert({ release: "1.0.0" }), T0);
      const fix = { pr: 12, mergeCommit: "f1f1f1f", commits: ["c0ffee1", "c0ffee2"], mergedAt: at(5).toISOString() };
      await store.fixes.recordFix("acme/shop", fix);
      await store.fixes.recordFix("acme/shop", { ...fix, mergeCommit: "redelivered" });
      await store.fixes.recordFix("acme/shop", { ...fix, pr: 14, mergeCommit: "e4e4e4e", commits: [], mergedAt: at(3).toISOString() });
      expect(await store.fixes.fixesOf(groupId)).toEqual([]);
      await store.clock.linkPullRequest("acme/shop", 12, groupId);
      await store.clock.linkPullRequest("acme/shop", 14, groupId);
      await store.clock.linkPullRequest("acme/other", 12, groupId);
      expect(await store.fixes.fixesOf(groupId)).toEqual([
        { ...fix, pr: 14, mergeCommit: "e4e4e4e", commits: [], mergedAt: at(3).toISOString() },
        fix,
      ]);

      expect(await store.fixes.comparison("acme/shop", "f1f1f1f", "9fceb02")).toBeNull();
      await store.fixes.putComparison("acme/shop", "f1f1f1f", "9fceb02", { status: "diverged", aheadBy: 2, behindBy: 3 });
      await store.fixes.putComparison("acme/shop", "f1f1f1f", "9fceb02", { status: "ahead", aheadBy: 9, behindBy: 0 });
      expect(await store.fixes.comparison("acme/shop", "f1f1f1f", "9fceb02")).toEqual({ status: "diverged", aheadBy: 2, behindBy: 3 });
      expect(await store.fixes.comparison("acme/other", "f1f1f1f", "9fceb02")).toBeNull();
    });

    it("resolves and reopens a group", async () => {
      const store = await target.open();
      const { groupId } = await store.ingest(alert({ release: "3.0.0" }), T0);
      await store.resolve(groupId, "3.0.1", at(1));
      expect(await store.getGroup(groupId)).toMatchObject({ state: "resolved", fixedIn: "3.0.1" });
      await store.reopen(groupId);
      expect(await store.getGroup(groupId)).toMatchObject({ state: "open" });
      await store.resolve(groupId, null, at(2));
      expect(await store.getGroup(groupId)).toMatchObject({ state: "resolved", fixedIn: null });
    });

    it("finds a group by its issue number within a repository", async () => {
      const store = await target.open();
      const { groupId } = await store.ingest(alert(), T0);
      const other = await store.ingest(alert({ repo: "acme/admin" }), T0);
      await store.setIssue(groupId, 42);
      await store.setIssue(other.groupId, 43);
      expect((await store.findGroupByIssue("acme/shop", 42))?.id).toBe(groupId);
      expect(await store.findGroupByIssue("acme/shop", 43)).toBeNull();
      expect(await store.findGroupByIssue("acme/admin", 42)).toBeNull();
      expect(await store.getGroup(999_999)).toBeNull();
    });

    it("routes alerts to repositories whose config lists the provider and project", async () => {
      const store = await target.open();
      const put = (repo: string, config: unknown) => putSettings(store, { repo, installationId: 5, config, fetchedAt: T0.toISOString() });
      await put("acme/web", { sources: [{ provider: "sentry", projects: ["web", "web-beta"] }], issues: { labels: ["crash"] } });
      await put("acme/any", { sources: [{ provider: "sentry" }, { provider: "generic", projects: [] }] });
      await put("acme/mobile", { sources: [{ provider: "bugsnag", projects: ["5f1a"] }] });
      await put("acme/none", null);
      await put("acme/broken", { sources: [{ provider: "rollbar" }, { provider: "sentry", projects: ["web"] }] });

      const repos = async (provider: string, project: string | undefined) => (await store.routesFor(provider, project)).map((s) => s.repo);
      expect(await repos("sentry", "web")).toEqual(["acme/any", "acme/broken", "acme/web"]);
      expect(await repos("sentry", "api")).toEqual(["acme/any"]);
      expect(await repos("sentry", undefined)).toEqual(["acme/any"]);
      expect(await repos("bugsnag", "5f1a")).toEqual(["acme/mobile"]);
      expect(await repos("generic", "anything")).toEqual(["acme/any"]);

      const beta = await store.routesFor("sentry", "web-beta");
      expect(beta.map((r) => r.repo)).toEqual(["acme/any", "acme/web"]);
      expect(beta[1]).toEqual({
        repo: "acme/web",
        installationId: 5,
        config: { sources: [{ provider: "sentry", projects: ["web", "web-beta"] }], issues: { labels: ["crash"] } },
        fetchedAt: T0.toISOString(),
      });
      expect(await store.getRepoSettings("acme/none")).toMatchObject({ config: null });

      // A changed config replaces the routes.
      await put("acme/web", { sources: [{ provider: "bugsnag", projects: ["5f1a"] }] });
      expect(await repos("sentry", "web")).toEqual(["acme/any", "acme/broken"]);
      expect(await repos("bugsnag", "5f1a")).toEqual(["acme/mobile", "acme/web"]);
      expect(await store.getRepoSettings("acme/missing")).toBeNull();
    });

    // ---- the hotfix clock (issue 11) ----
    it("keeps the hotfix clock: one round per new crash and per regression, the first time of each stage wins", async () => {
      const store = await target.open();
      const first = await store.ingest({ ...alert(), report: report({ release: "1.0.0", firstSeen: at(-3600).toISOString() }) }, T0);
      if (first.status !== "stored") throw new Error("not stored");
      const id = first.groupId;
      expect((await store.clock.clockOf(id)).stages).toEqual([{ round: 1, stage: "first-occurrence", at: at(-3600).toISOString(), detail: {} }]);
      // A reporter's clock ahead of ours cannot start the clock after the alert arrived.
      const ahead = await store.ingest({ ...alert({ signature: "feedfacefeedface" }), report: report({ firstSeen: at(999).toISOString() }) }, T0);
      expect((await store.clock.clockOf(ahead.groupId)).stages[0]?.at).toBe(T0.toISOString());

      expect(await store.clock.recordStage(id, "issue-opened", at(10))).toBe(true);
      expect(await store.clock.recordStage(id, "fix-pr-opened", at(20), { pr: 12 })).toBe(true);
      expect(await store.clock.recordStage(id, "fix-pr-opened", at(30), { pr: 13 })).toBe(false);
      await store.clock.linkPullRequest("acme/shop", 12, id);
      await store.clock.linkPullRequest("acme/shop", 12, id);
      expect(await store.clock.groupsOfPullRequest("acme/shop", 12)).toEqual([id]);
      expect(await store.clock.groupsOfPullRequest("acme/other", 12)).toEqual([]);
      expect(await store.clock.recordStage(id, "deployed", at(40), { environment: "production", version: "1.0.1" })).toBe(true);

      const before = await store.clock.clockOf(id);
      expect(before.renderedStageId).toBe(0);
      await store.clock.markClockRendered(id, before.lastStageId);
      await store.clock.markClockRendered(id, 1);
      expect((await store.clock.clockOf(id)).renderedStageId).toBe(before.lastStageId);

      // The fixed version crashing again is a regression: round 2 starts at its arrival, not when the worker judged it.
      await store.resolve(id, "1.0.1", at(50));
      expect(await store.ingest(alert({ release: "1.0.1" }), at(100))).toMatchObject({ candidate: true });
      await store.ingest(alert({ release: "1.0.1" }), at(110));
      expect(await store.fixes.judge(id, { outcome: "back", basis: "version-order", release: "1.0.1" })).toBe(true);
      expect(await store.clock.recordStage(id, "issue-opened", at(120))).toBe(true);
      const after = await store.clock.clockOf(id);
      expect(after.stages).toEqual([
        { round: 1, stage: "first-occurrence", at: at(-3600).toISOString(), detail: {} },
        { round: 1, stage: "issue-opened", at: at(10).toISOString(), detail: {} },
        { round: 1, stage: "fix-pr-opened", at: at(20).toISOString(), detail: { pr: 12 } },
        { round: 1, stage: "deployed", at: at(40).toISOString(), detail: { environment: "production", version: "1.0.1" } },
        { round: 2, stage: "first-occurrence", at: at(100).toISOString(), detail: {} },
        { round: 2, stage: "issue-opened", at: at(120).toISOString(), detail: {} },
      ]);
      expect(after.lastStageId).toBeGreaterThan(before.lastStageId);

      const groups = await store.clock.clockGroups("acme/shop");
      expect(groups.map((g) => [g.groupId, g.signature, g.state, g.stages.length])).toEqual([
        [id, "0123456789abcdef", "open", 6],
        [ahead.groupId, "feedfacefeedface", "open", 1],
      ]);
      expect(await store.clock.clockGroups("acme/none")).toEqual([]);
      expect((await store.clock.clockGroups(null)).length).toBe(2);

      expect(await store.clock.boardOf("acme/shop")).toEqual({
        repo: "acme/shop",
        issueNumber: null,
        renderedAt: null,
        renderedStageId: 0,
        lastStageId: after.lastStageId,
        portChanges: 0,
        renderedPortChanges: 0,
      });
      await store.clock.markBoardRendered("acme/shop", 9, at(130), after.lastStageId, 0);
      expect(await store.clock.boardOf("acme/shop")).toEqual({
        repo: "acme/shop",
        issueNumber: 9,
        renderedAt: at(130).toISOString(),
        renderedStageId: after.lastStageId,
        lastStageId: after.lastStageId,
        portChanges: 0,
        renderedPortChanges: 0,
      });
    });

    it("keeps port PRs: those not merged are waiting, per group of the hotfix PR they port; each change is news for the board", async () => {
      const store = await target.open();
      const { groupId } = (await store.ingest(alert(), at(0))) as { groupId: number };
      await store.setIssue(groupId, 7);
      await store.clock.linkPullRequest("acme/shop", 41, groupId);
      const port = (portPr: number, target: string, state: "open" | "merged" | "closed") => ({
        portPr,
        originalPr: 41,
        target,
        openedAt: at(60 + portPr),
        state,
      });
      expect(await store.clock.recordPort("acme/shop", port(42, "main", "open"))).toBe(true);
      // A redelivered "opened" changes nothing.
      expect(await store.clock.recordPort("acme/shop", port(42, "main", "open"))).toBe(false);
      expect(await store.clock.recordPort("acme/shop", port(43, "release/4.13", "open"))).toBe(true);
      // A port of a PR the store links to no group waits for nobody on this board.
      expect(await store.clock.recordPort("acme/shop", { ...port(50, "main", "open"), originalPr: 49 })).toBe(true);
      expect((await store.clock.boardOf("acme/shop")).portChanges).toBe(3);
      const waiting = {
        groupId,
        issueNumber: 7,
        signature: "0123456789abcdef",
        originalPr: 41,
      };
      expect(await store.clock.waitingPorts("acme/shop")).toEqual([
        { ...waiting, portPr: 42, target: "main", openedAt: at(102).toISOString(), state: "open" },
        { ...waiting, portPr: 43, target: "release/4.13", openedAt: at(103).toISOString(), state: "open" },
      ]);

      expect(await store.clock.recordPort("acme/shop", port(42, "main", "merged"))).toBe(true);
      expect(await store.clock.recordPort("acme/shop", port(43, "release/4.13", "closed"))).toBe(true);
      // A merged port stays merged, whatever arrives late.
      expect(await store.clock.recordPort("acme/shop", port(42, "main", "open"))).toBe(false);
      expect(await store.clock.waitingPorts("acme/shop")).toEqual([
        { ...waiting, portPr: 43, target: "release/4.13", openedAt: at(103).toISOString(), state: "closed" },
      ]);
      expect(await store.clock.waitingPorts("acme/other")).toEqual([]);
      const board = await store.clock.boardOf("acme/shop");
      expect(board).toMatchObject({ issueNumber: null, portChanges: 5, renderedPortChanges: 0 });
      await store.clock.markBoardRendered("acme/shop", 9, at(130), board.lastStageId, board.portChanges);
      expect(await store.clock.boardOf("acme/shop")).toMatchObject({ issueNumber: 9, portChanges: 5, renderedPortChanges: 5 });
    });

    it("takes 200 concurrent alerts of one signature as one group with 200 events and one job", async () => {
      const store = await target.open();
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => store.ingest(alert({ release: `1.0.${i % 3}` }), at(i / 1000))));
      expect(results.filter((r) => r.status === "stored" && r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.groupId)).size).toBe(1);
      expect(await store.findGroup("acme/shop", "0123456789abcdef")).toMatchObject({ events: 200 });
      expect(await storeCounts(store)).toEqual({ groups: 1, pendingJobs: 1, parkedJobs: 0, deliveries: 200 });
      const counts = await store.versionCounts("acme/shop", "0123456789abcdef");
      expect(counts.reduce((sum, v) => sum + v.count, 0)).toBe(200);
    });

    it("stores the new alerts of a concurrent burst (committed together) when some of it are repeats", async () => {
      const store = await target.open();
      const burst = Array.from({ length: 40 }, (_, i) => alert({ deliveryId: `burst-${i % 20}`, signature: `sig-${i % 4}` }));
      const results = await Promise.all(burst.map((input) => store.ingest(input, T0)));
      expect(results.filter((r) => r.status === "stored")).toHaveLength(20);
      expect(results.filter((r) => r.status === "duplicate")).toHaveLength(20);
      for (let s = 0; s < 4; s++) expect(await store.findGroup("acme/shop", `sig-${s}`)).toMatchObject({ events: 5 });
      expect(await storeCounts(store)).toMatchObject({ groups: 4, pendingJobs: 4, deliveries: 20 });
    });

    it("stores the rest of a concurrent burst whose first alert is a repeat", async () => {
      const store = await target.open();
      await store.ingest(alert({ deliveryId: "seen" }), T0);
      const burst = ["seen", "new-1", "new-2"].map((deliveryId) => alert({ deliveryId }));
      const results = await Promise.all(burst.map((input) => store.ingest(input, T0)));
      expect(results.map((r) => r.status)).toEqual(["duplicate", "stored", "stored"]);
      expect(await store.findGroup("acme/shop", burst[0]!.signature)).toMatchObject({ events: 3 });
      expect(await storeCounts(store)).toMatchObject({ groups: 1, pendingJobs: 1, deliveries: 3 });
    });

    it("takes concurrent retries of one delivery as one alert", async () => {
      const store = await target.open();
      const input = alert();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.ingest(input, T0)));
      expect(results.filter((r) => r.status === "stored")).toHaveLength(1);
      expect(await store.findGroup("acme/shop", input.signature)).toMatchObject({ events: 1 });
    });

    it("keeps one scheduled verification per group and version, held while claimed, looked at again when rescheduled", async () => {
      const store = await target.open();
      const stored = await store.ingest(alert(), T0);
      if (stored.status !== "stored") throw new Error("not stored");
      const job = {
        repo: "acme/shop",
        installationId: 7,
        groupId: stored.groupId,
        version: "1.4.3",
        sha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
        environment: "production",
        deployedAt: T0.toISOString(),
      };
      expect(await store.verifyJobs.schedule(job, at(1800))).toBe(true);
      // A redelivered deployment_status schedules nothing more.
      expect(await store.verifyJobs.schedule(job, at(60))).toBe(false);
      expect(await store.verifyJobs.claimDue(at(1799), 4, 600_000)).toEqual([]);
      const [claimed] = await store.verifyJobs.claimDue(at(1800), 4, 600_000);
      expect(claimed).toMatchObject({ ...job, id: expect.any(Number), looks: 1 });
      expect(new Date(claimed!.deployedAt).toISOString()).toBe(T0.toISOString());
      // Held by the lease: not claimed twice.
      expect(await store.verifyJobs.claimDue(at(1801), 4, 600_000)).toEqual([]);
      await store.verifyJobs.reschedule(claimed!.id, at(3600));
      expect(await store.verifyJobs.claimDue(at(3599), 4, 600_000)).toEqual([]);
      expect(await store.verifyJobs.claimDue(at(3600), 4, 600_000)).toMatchObject([{ id: claimed!.id, looks: 2 }]);
      await store.verifyJobs.finish(claimed!.id);
      expect(await store.verifyJobs.claimDue(at(86_400), 4, 600_000)).toEqual([]);
    });

    it("migrates twice without harm", async () => {
      const store = await target.open();
      await store.ingest(alert(), T0);
      await store.migrate();
      expect((await storeCounts(store)).groups).toBe(1);
    });
  });
});

describe("SqliteStore on a file", () => {
  const dir = mkdtempSync(join(tmpdir(), "hotfix-store-file-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps groups, counts, jobs, deliveries and settings across a reopen", async () => {
    const path = join(dir, "nested", "hotfix.sqlite");
    const first = new SqliteStore(path);
    await first.migrate();
    const { groupId } = await first.ingest(alert({ deliveryId: "keep-1", release: "1.0.0" }), T0);
    await first.setIssue(groupId, 77);
    await first.resolve(groupId, "1.0.1", at(1));
    await putSettings(first, { repo: "acme/shop", installationId: 7, config: { sources: [{ provider: "sentry" }] }, fetchedAt: T0.toISOString() });
    const before = await first.getGroup(groupId);
    await first.close();

    const second = new SqliteStore(path);
    await second.migrate();
    expect(await second.getGroup(groupId)).toEqual(before);
    expect(await second.findGroupByIssue("acme/shop", 77)).toMatchObject({ id: groupId, state: "resolved", fixedIn: "1.0.1" });
    expect(await storeCounts(second)).toEqual({ groups: 1, pendingJobs: 1, parkedJobs: 0, deliveries: 1 });
    expect(await second.ingest(alert({ deliveryId: "keep-1" }), at(1))).toEqual({ status: "duplicate", groupId });
    expect((await second.routesFor("sentry", "web")).map((s) => s.repo)).toEqual(["acme/shop"]);
    expect(await second.ingest(alert({ release: "1.0.1" }), at(2))).toMatchObject({ candidate: true });
    await second.close();
  });
});

describe("SqliteStore durability", () => {
  const dir = mkdtempSync(join(tmpdir(), "hotfix-store-kill-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps every acknowledged alert when the process is killed with SIGKILL", async () => {
    const child = join(dir, "ingest-child.cjs");
    await build({
      entryPoints: [join(import.meta.dirname, "ingest-child.ts")],
      outfile: child,
      bundle: true,
      platform: "node",
      format: "cjs",
      packages: "external",
      logLevel: "warning",
    });
    const path = join(dir, "killed.sqlite");
    const proc = spawn(process.execPath, [child, path], {
      env: { ...process.env, NODE_PATH: join(process.cwd(), "node_modules") },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const acked: string[] = [];
    let pending = "";
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on("exit", (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      proc.on("exit", () => reject(new Error(`the child exited after ${acked.length} acknowledgements`)));
      proc.stdout.on("data", (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split("\n");
        pending = lines.pop() ?? "";
        acked.push(...lines);
        if (acked.length >= 300) {
          proc.kill("SIGKILL");
          resolve();
        }
      });
    });
    expect(await exited).toBe("SIGKILL");

    const store = new SqliteStore(path);
    try {
      await store.migrate();
      const { deliveries } = await storeCounts(store);
      expect(deliveries).toBeGreaterThanOrEqual(acked.length);
      for (const deliveryId of acked) {
        const again = await store.ingest(alert({ deliveryId, signature: "sig-0" }), T0);
        expect(again, deliveryId).toMatchObject({ status: "duplicate" });
      }
    } finally {
      await store.close();
    }
  });
});

describe("PostgresStore replicas", () => {
  const target = postgresTarget();
  afterAll(() => target.cleanup());

  it("never hands one job to two replicas claiming at once", async () => {
    const store = await target.open();
    const replica = replicaOf();
    try {
      for (let i = 0; i < 60; i++) await store.ingest(alert({ signature: `sig-${i}` }), T0);
      const claimed: number[] = [];
      const drain = async (s: Store, worker: string) => {
        for (;;) {
          const jobs = await s.claimJobs(worker, at(1), 3, 60_000);
          if (jobs.length === 0) return;
          claimed.push(...jobs.map((j) => j.id));
        }
      };
      await Promise.all([drain(store, "replica-a"), drain(replica, "replica-b"), drain(store, "replica-a2"), drain(replica, "replica-b2")]);
      expect(claimed).toHaveLength(60);
      expect(new Set(claimed).size).toBe(60);
    } finally {
      await replica.close();
    }
  });

  it("takes alerts of one signature from two replicas at once as one group", async () => {
    const store = await target.open();
    const replica = replicaOf();
    try {
      await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? store : replica).ingest(alert(), at(i / 1000))));
      expect(await storeCounts(store)).toEqual({ groups: 1, pendingJobs: 1, parkedJobs: 0, deliveries: 100 });
      expect(await replica.findGroup("acme/shop", "0123456789abcdef")).toMatchObject({ events: 100 });
    } finally {
      await replica.close();
    }
  });

  it("holds the new-issue budget exactly with three replicas claiming at once", async () => {
    const store = await target.open();
    const replicas = [store, replicaOf(), replicaOf()];
    try {
      const groups = await Promise.all(Array.from({ length: 30 }, (_, i) => store.ingest(alert({ signature: `budget-${i}` }), T0)));
      const since = new Date(T0.getTime() - 3_600_000);
      const claims = await Promise.all(groups.map((g, i) => replicas[i % 3]!.budget.claim("acme/shop", g.groupId, 7, since, T0)));
      expect(claims.filter(Boolean)).toHaveLength(7);
      // One replica opens the roll-up issue; another may only once the first one's hold ran out.
      const opening = await Promise.all(replicas.map((r, i) => r.budget.claimRollUpOpening("acme/shop", `replica-${i}`, T0, at(120))));
      expect(opening.filter(Boolean)).toHaveLength(1);
      const opener = opening.indexOf(true);
      expect(await replicas[opener]!.budget.claimRollUpOpening("acme/shop", `replica-${opener}`, at(1), at(121))).toBe(true);
      expect(await replicas[(opener + 1) % 3]!.budget.claimRollUpOpening("acme/shop", "late", at(60), at(180))).toBe(false);
      expect(await replicas[(opener + 1) % 3]!.budget.claimRollUpOpening("acme/shop", "late", at(121), at(241))).toBe(true);
      // Each replica retrying its groups' claims keeps exactly the claims made.
      const again = await Promise.all(groups.map((g, i) => replicas[(i + 1) % 3]!.budget.claim("acme/shop", g.groupId, 7, since, T0)));
      expect(again).toEqual(claims);
      expect(await replicas[2]!.budget.claimedSince("acme/shop", since)).toBe(7);
    } finally {
      await Promise.all(replicas.slice(1).map((r) => r.close()));
    }
  });

  it("shares GitHub's pacing windows: three replicas together never hold more than a window allows", async () => {
    const store = await target.open();
    const replicas = [store, replicaOf(), replicaOf()];
    try {
      const content = { window: "content 5/60000", limit: 5, ms: 60_000, units: 1 };
      const inFlight = { window: "in flight", limit: 3, ms: 0, units: 1 };
      const takes = await Promise.all(
        Array.from({ length: 12 }, (_, i) => replicas[i % 3]!.pace!.take("acme", [content, inFlight], { probe: false, inFlightMs: 60_000 })),
      );
      const taken = takes.flatMap((t) => (t.taken ? [t.holds] : []));
      // Three in flight at once, whichever replica asked.
      expect(taken).toHaveLength(3);
      expect(takes.find((t) => !t.taken)).toMatchObject({ short: ["in flight"], waitMs: expect.any(Number) });
      for (const holds of taken) await replicas[1]!.pace!.answered(holds);
      // Answered, the in-flight window is free again; the content window holds 3 of its 5 for a minute.
      const next = await Promise.all(
        Array.from({ length: 3 }, (_, i) => replicas[i]!.pace!.take("acme", [content, inFlight], { probe: false, inFlightMs: 60_000 })),
      );
      expect(next.filter((t) => t.taken)).toHaveLength(2);
      const refused = next.find((t) => !t.taken);
      expect(refused).toMatchObject({ short: ["content 5/60000"] });
      // It may go when the first answered hold leaves the window: within the minute, not at once.
      expect(refused && !refused.taken && refused.waitMs).toBeGreaterThan(50_000);
      // A probe holds nothing; another owner has windows of its own.
      expect(await replicas[2]!.pace!.take("acme", [inFlight], { probe: true, inFlightMs: 60_000 })).toEqual({ taken: true, holds: [] });
      expect(await replicas[2]!.pace!.take("other", [content], { probe: false, inFlightMs: 60_000 })).toMatchObject({ taken: true });
    } finally {
      await Promise.all(replicas.slice(1).map((r) => r.close()));
    }
  });

  it("takes the first alerts of one reporter group in different stack shapes from two replicas at once as one group", async () => {
    const store = await target.open();
    const replica = replicaOf();
    try {
      const reporterGroup = { provider: "sentry" as const, id: "4509876543" };
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => (i % 2 ? store : replica).ingest(alert({ signature: `shape-${i % 4}`, reporterGroup }), at(i / 1000))),
      );
      expect(new Set(results.map((r) => r.groupId)).size).toBe(1);
      expect(await storeCounts(store)).toEqual({ groups: 1, pendingJobs: 1, parkedJobs: 0, deliveries: 100 });
      expect(await replica.getGroup(results[0]!.groupId)).toMatchObject({ events: 100 });
      expect(await replica.reporterGroups(results[0]!.groupId)).toEqual([reporterGroup]);
    } finally {
      await replica.close();
    }
  });

  it("migrates a fresh schema from two replicas starting at once", async () => {
    const schema = `${RUN}_${schemas.length + 1}`;
    schemas.push(schema);
    const a = new PostgresStore(PG_URL, { schema });
    const b = new PostgresStore(PG_URL, { schema });
    try {
      await Promise.all([a.migrate(), b.migrate()]);
      await a.ingest(alert(), T0);
      expect((await storeCounts(b)).groups).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("rejects a schema name it would have to quote", () => {
    expect(() => new PostgresStore(PG_URL, { schema: "x; DROP TABLE y" })).toThrow(/schema/);
  });
});

describe("openStore", () => {
  it("opens PostgreSQL when DATABASE_URL is set, else SQLite at HOTFIX_DB_PATH", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotfix-open-"));
    try {
      const pgStore = openStore(storeSettingsOf({ DATABASE_URL: PG_URL }));
      expect(pgStore).toBeInstanceOf(PostgresStore);
      await pgStore.close();
      const sqlite = openStore(storeSettingsOf({ HOTFIX_DB_PATH: join(dir, "app.sqlite") }));
      expect(sqlite).toBeInstanceOf(SqliteStore);
      await sqlite.migrate();
      expect(await storeCounts(sqlite)).toEqual({ groups: 0, pendingJobs: 0, parkedJobs: 0, deliveries: 0 });
      await sqlite.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("takes HOTFIX_SQLITE_SYNCHRONOUS as NORMAL or FULL and names it when it is neither", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotfix-open-"));
    try {
      const full = openStore(storeSettingsOf({ HOTFIX_DB_PATH: join(dir, "full.sqlite"), HOTFIX_SQLITE_SYNCHRONOUS: "full" }));
      await full.migrate();
      await full.close();
      expect(() => openStore(storeSettingsOf({ HOTFIX_DB_PATH: join(dir, "x.sqlite"), HOTFIX_SQLITE_SYNCHRONOUS: "OFF" }))).toThrow(
        'HOTFIX_SQLITE_SYNCHRONOUS: expected NORMAL or FULL, got "OFF"',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
