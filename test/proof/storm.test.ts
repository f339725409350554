import { describe, expect, it } from "vitest";
import { stormTheApp } from "../../bench/storm-scenario.js";

// The storm proof at CI size (npm run bench:storm runs it at 10,000 alerts): a realistic,
// faulty GitHub, and the App still opens exactly one issue per signature and counts every
// acknowledged alert, with writes bounded by creates plus the refresh interval.
describe("storm of signed alerts", () => {
  it("opens exactly one issue per signature and counts every acknowledged alert", async () => {
    const run = { alerts: 1_000, signatures: 50, senders: 8, ratePerSecond: 500, settleMs: 40_000 };
    const figures = await stormTheApp(run);
    expect(figures.storm.unanswered).toBe(0);
    expect(figures.storm.acknowledged).toHaveLength(run.alerts);
    expect(figures.counted).toBe(run.alerts);
    expect(figures.issues).toBe(run.signatures);
    expect(figures.duplicated).toBe(0);
    expect(figures.creates).toBe(run.signatures);
    // One edit per signature per refresh interval (5 s in the storm's config) while alerts keep coming.
    const stormSeconds = figures.storm.elapsedMs / 1000;
    expect(figures.edits).toBeLessThanOrEqual(run.signatures * (Math.ceil(stormSeconds / 5) + 1));
    expect(figures.pendingJobs).toBe(0);
  }, 90_000);
});
