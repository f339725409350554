import { describe, expect, inject, it } from "vitest";
import { crashRestart, twoReplicas } from "../../bench/fault-scenarios.js";

// The fault proofs at CI size (npm run bench:storm runs them at full size). Each replica is a
// real process running the App; the database is the test run's (test/postgres.global.ts).
const DATABASE_URL = inject("testDatabaseUrl");

describe("faults in the App itself", () => {
  it("kill -9 mid-storm and restart: every acknowledged alert counted, one issue per signature", async () => {
    const run = { alerts: 1_000, signatures: 40, senders: 8, ratePerSecond: 400, killAfter: 400, settleMs: 60_000 };
    const figures = await crashRestart(run);
    expect(figures.storm.unanswered).toBe(0);
    expect(figures.acknowledgedDistinct).toBe(run.alerts);
    expect(figures.counted).toBe(run.alerts);
    expect(figures.issues).toBe(run.signatures);
    expect(figures.duplicated).toBe(0);
    expect(figures.pendingJobs).toBe(0);
  }, 120_000);

  it("two replicas on one PostgreSQL: exactly one issue per signature, no alert lost", async () => {
    const run = { alerts: 1_000, signatures: 40, senders: 8, ratePerSecond: 400, settleMs: 60_000 };
    const figures = await twoReplicas(run, DATABASE_URL);
    expect(figures.storm.unanswered).toBe(0);
    expect(figures.acknowledgedDistinct).toBe(run.alerts);
    expect(figures.counted).toBe(run.alerts);
    expect(figures.issues).toBe(run.signatures);
    expect(figures.duplicated).toBe(0);
    expect(figures.creates).toBe(run.signatures);
    expect(figures.pendingJobs).toBe(0);
  }, 120_000);
});
