import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { run } from "../../src/cli/jobs.js";
import { CrashReport } from "../../src/core/crash.js";
import { PostgresStore, withUser } from "../../src/store/postgres.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import type { Store } from "../../src/store/store.js";

// `hotfix-loop jobs` against both stores, through the environment the App reads (DATABASE_URL or HOTFIX_DB_PATH).

const PG_URL = inject("testDatabaseUrl");
const SCHEMA = `hotfix_jobs_cli_${process.pid}_${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), "hotfix-jobs-"));
const NOW = new Date("2026-03-31T12:00:00.000Z");
const schemas: string[] = [];

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: withUser(PG_URL) });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

/** A parked job (GitHub refused it) and a job waiting after a failure; returns their ids. */
async function seed(store: Store): Promise<{ parked: number; waiting: number }> {
  await store.migrate();
  const ingest = (signature: string) =>
    store.ingest(
      {
        repo: "acme/shop",
        installationId: 1,
        signature,
        report: CrashReport.parse({ provider: "sentry", exception: { type: "TypeError", message: "boom" } }),
        deliveryId: `${signature}-1`,
        refreshIntervalSeconds: 60,
        reopenOnRegression: true,
      },
      NOW,
    );
  const a = await ingest("aaaa000000000000");
  const b = await ingest("bbbb000000000000");
  const jobs = await store.claimJobs("w1", NOW, 2, 60_000);
  const of = (groupId: number) => jobs.find((j) => j.groupId === groupId)!;
  await store.parkJob(
    of(a.groupId),
    "w1",
    "issues are turned off in acme/shop: turn them on, or route its crashes elsewhere",
    NOW,
    "issues-disabled",
  );
  await store.retryJob(of(b.groupId), "w1", new Date(NOW.getTime() + 600_000), "HttpError: Server Error");
  return { parked: of(a.groupId).id, waiting: of(b.groupId).id };
}

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const cli = (...args: string[]) => run(args, () => NOW);

const targets = [
  {
    name: "SQLite",
    async open() {
      const path = join(dir, `store-${Date.now()}-${Math.random().toString(36).slice(2)}.sqlite`);
      vi.stubEnv("DATABASE_URL", "");
      vi.stubEnv("HOTFIX_DB_PATH", path);
      return new SqliteStore(path);
    },
  },
  {
    name: "PostgreSQL",
    async open() {
      const schema = `${SCHEMA}_${schemas.length + 1}`;
      schemas.push(schema);
      const store = new PostgresStore(PG_URL, { schema });
      const url = new URL(PG_URL);
      url.searchParams.set("options", `-c search_path=${schema}`);
      vi.stubEnv("DATABASE_URL", url.toString());
      return store;
    },
  },
];

describe.each(targets)("hotfix-loop jobs on $name", (target) => {
  it("lists parked jobs with why, then waiting ones with their last error; --parked and --json", async () => {
    const store = await target.open();
    const { parked, waiting } = await seed(store);
    await store.close();

    expect(await cli()).toBe(0);
    expect(out.join("\n")).toBe(
      [
        `#${parked}  parked (issues-disabled)  acme/shop  crash aaaa000000000000, no issue yet; 1 attempt(s), parked 2026-03-31 12:00 UTC`,
        "    issues are turned off in acme/shop: turn them on, or route its crashes elsewhere",
        `#${waiting}  waiting  acme/shop  crash bbbb000000000000, no issue yet; 1 attempt(s), due 2026-03-31 12:10 UTC`,
        "    HttpError: Server Error",
      ].join("\n"),
    );
    out = [];
    expect(await cli("--parked", "--json")).toBe(0);
    const listed = JSON.parse(out.join("\n")) as { jobs: { id: number; state: string; parkReason: string }[] };
    expect(listed.jobs.map((j) => [j.id, j.state, j.parkReason])).toEqual([[parked, "parked", "issues-disabled"]]);
  });

  it("retries a job by id or every parked one, and drops a job", async () => {
    const store = await target.open();
    const { parked, waiting } = await seed(store);
    expect(await cli("retry", String(waiting))).toBe(0);
    expect(await cli("retry", "--all-parked")).toBe(0);
    expect(out).toEqual([`Job #${waiting} is due now, its attempts counted afresh.`, "1 parked job(s) back in the queue, due now."]);
    expect((await store.jobs.list(NOW)).map((j) => [j.id, j.state, j.attempts])).toEqual([
      [parked, "due", 0],
      [waiting, "due", 0],
    ]);
    expect(await cli("drop", String(parked))).toBe(0);
    expect((await store.jobs.list(NOW)).map((j) => j.id)).toEqual([waiting]);
    expect(await cli("drop", String(parked))).toBe(1);
    expect(err.at(-1)).toBe(`hotfix-loop jobs: no job #${parked} in the store (hotfix-loop jobs lists them)`);
    await store.close();
  });
});

describe("hotfix-loop jobs refuses what it cannot do, naming it", () => {
  it.each([
    [["retry"], /retry takes a job ID or --all-parked, one of them/],
    [["retry", "3", "--all-parked"], /retry takes a job ID or --all-parked, one of them/],
    [["drop"], /drop takes one job ID/],
    [["drop", "x1"], /ID: expected a job's number as the listing shows it, got "x1"/],
    [["redo", "3"], /unknown action "redo": expected retry or drop/],
    [["--all-parked"], /--all-parked goes with retry/],
    [["drop", "3", "--json"], /--parked and --json list jobs; they do not go with drop/],
    [["--frobnicate"], /Unknown option '--frobnicate'/],
  ])("%j", async (args, message) => {
    expect(await cli(...args)).toBe(2);
    expect(err[0]).toMatch(message);
    expect(err[0]).toMatch(/usage: hotfix-loop jobs/);
  });
});
