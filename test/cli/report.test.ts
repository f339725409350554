import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parseSince, run } from "../../src/cli/report.js";
import { CrashReport } from "../../src/core/crash.js";
import { SqliteStore } from "../../src/store/sqlite.js";

const dir = mkdtempSync(join(tmpdir(), "hotfix-report-"));
const DB = join(dir, "store.sqlite");
const NOW = new Date("2026-03-31T12:00:00.000Z");
const ago = (days: number, hours = 0) => new Date(NOW.getTime() - days * 86_400_000 + hours * 3_600_000);

async function seed(): Promise<void> {
  const store = new SqliteStore(DB);
  await store.migrate();
  const crash = (type: string, firstSeen: Date) =>
    CrashReport.parse({ provider: "sentry", exception: { type, message: "boom" }, release: "1.0.0", firstSeen: firstSeen.toISOString() });
  const ingest = (repo: string, signature: string, report: CrashReport, at: Date) =>
    store.ingest(
      {
        repo,
        installationId: 1,
        signature,
        report,
        deliveryId: `${repo}-${signature}-${at.toISOString()}`,
        refreshIntervalSeconds: 60,
        reopenOnRegression: true,
      },
      at,
    );
  // Verified ten hours after detection, 20 days ago; another still open; a third repository verified 60 days ago.
  const a = await ingest("acme/shop", "aaaa", crash("TypeError", ago(20)), ago(20));
  await store.setIssue(a.groupId, 1);
  await store.clock.recordStage(a.groupId, "issue-opened", ago(20, 1));
  await store.clock.recordStage(a.groupId, "verified", ago(20, 10));
  await store.resolve(a.groupId, "1.0.1", ago(20, 10));
  const b = await ingest("acme/shop", "bbbb", crash("RangeError", ago(2)), ago(2));
  await store.setIssue(b.groupId, 2);
  await store.clock.recordStage(b.groupId, "issue-opened", ago(2, 1));
  const c = await ingest("acme/admin", "cccc", crash("Error", ago(60)), ago(60));
  await store.clock.recordStage(c.groupId, "verified", ago(60, 5));
  await store.close();
}

let out: string[];
let err: string[];

beforeAll(async () => {
  vi.stubEnv("DATABASE_URL", "");
  vi.stubEnv("HOTFIX_DB_PATH", DB);
  await seed();
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

function capture(): void {
  out = [];
  err = [];
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
}

describe("hotfix-loop report", () => {
  it("prints the board's figures of one repository as JSON", async () => {
    capture();
    expect(await run(["--repo", "Acme/Shop", "--json"], () => NOW)).toBe(0);
    const report = JSON.parse(out.join("\n"));
    expect(report.repos).toHaveLength(1);
    const [shop] = report.repos;
    expect(shop).toMatchObject({ repo: "acme/shop", asOf: NOW.toISOString() });
    expect(shop.open).toEqual([expect.objectContaining({ issueNumber: 2, stage: "issue-opened", runningMs: 2 * 86_400_000 })]);
    expect(shop.windows.map((w: { days: number; verified: number }) => [w.days, w.verified])).toEqual([
      [30, 1],
      [90, 1],
    ]);
    expect(shop.windows[0].detectionToVerified).toEqual({ count: 1, median: 10 * 3_600_000, p90: 10 * 3_600_000 });
  });

  it("prints every repository as text, over the window asked for", async () => {
    capture();
    expect(await run(["--since", "90d"], () => NOW)).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("acme/admin (as of 2026-03-31 12:00 UTC)");
    expect(text).toContain("acme/shop (as of 2026-03-31 12:00 UTC)");
    expect(text).toContain("    #2: Issue opened, running 2 d");
    expect(text).toContain(
      "  Last 90 days: 1 verified; not verified the first time 0; regressions 0\n    detection → verified: median 5 h, p90 5 h (1)",
    );
    expect(text).not.toContain("Last 30 days");
  });

  it("says when the store has nothing for the repository", async () => {
    capture();
    expect(await run(["--repo", "acme/none"], () => NOW)).toBe(0);
    expect(out.join("\n")).toBe("No hotfix clock in the store for acme/none yet.");
  });

  it.each([[["--since", "soon"]], [["--repo", "not a repo"]], [["--colour"]]])("refuses %j with the usage", async (args) => {
    capture();
    expect(await run(args, () => NOW)).toBe(2);
    expect(err.join("\n")).toMatch(/^hotfix-loop report: .*(--since|--repo|--colour)[\s\S]*usage: hotfix-loop report/);
  });

  it("refuses a SQLite path where there is no store, and creates nothing there", async () => {
    capture();
    const typo = join(dir, "hotfix-lop.sqlite");
    vi.stubEnv("HOTFIX_DB_PATH", typo);
    try {
      expect(await run([], () => NOW)).toBe(1);
    } finally {
      vi.stubEnv("HOTFIX_DB_PATH", DB);
    }
    expect(err.join("\n")).toBe(
      `hotfix-loop report: no store at ${typo}: set HOTFIX_DB_PATH to the App's SQLite file, or DATABASE_URL to its PostgreSQL (as the App has them)`,
    );
    expect(existsSync(typo)).toBe(false);
  });

  it("reads durations in hours, days and weeks", () => {
    expect([parseSince("12h"), parseSince("30d"), parseSince("2W"), parseSince("0d"), parseSince("30")]).toEqual([0.5, 30, 14, null, null]);
  });
});
