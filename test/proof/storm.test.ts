import { describe, expect, it } from "vitest";
import { pacedFloorMs, stormTheApp } from "../../bench/storm-scenario.js";

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

  // GitHub's pace on a clock 20 times faster (10 in 3 s, 25 in 20 s rather than 80 a minute, 500 an hour),
  // so that a storm of CI size needs both windows: the App paces itself by the same windows the stand-in
  // enforces, and GitHub never has to refuse a write.
  it("keeps within GitHub's secondary limits without being refused, one issue per signature", async () => {
    const paced = [
      { limit: 10, ms: 3_000 },
      { limit: 25, ms: 20_000 },
    ];
    const run = { alerts: 600, signatures: 30, senders: 8, ratePerSecond: 300, settleMs: 60_000, paced };
    const figures = await stormTheApp(run);
    expect(figures.limited).toBe(0);
    expect(figures.issues).toBe(run.signatures);
    expect(figures.duplicated).toBe(0);
    expect(figures.creates).toBe(run.signatures);
    expect(figures.counted).toBe(run.alerts);
    expect(figures.pendingJobs).toBe(0);
    // The limits were met, not dodged: the writes needed more than the longer window allows, and the
    // issues could not all be there before the shorter window let the last ones go.
    expect(figures.writes).toBeGreaterThan(paced[1]!.limit);
    expect(figures.allIssuesMs).toBeGreaterThanOrEqual(pacedFloorMs(run.signatures, paced));
  }, 90_000);
});
