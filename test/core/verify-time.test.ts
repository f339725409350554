import { describe, expect, it } from "vitest";
import { formatTimes, percentile, simulateTimes } from "../../bench/verify-time.js";
import { DEFAULT_CONFIG } from "../../src/core/config.js";

// Time to verdict on virtual time (bench/verify-time.ts; `npm run bench` prints it after the verdict grid):
// the default configuration with the lag measured, looking when each "not enough data yet" says.
describe("time to verdict", () => {
  const results = simulateTimes(1000, 11);
  const cell = (prefix: string) => results.filter((r) => r.cell.name.startsWith(prefix));

  it.each(results.map((r) => [r.cell.name, r] as const))("%s: an unfixed crash is verified in at most 1 − confidence of deployments", (_name, r) => {
    expect(r.unfixedRuns).toBeGreaterThan(900);
    expect(r.falseVerified / r.unfixedRuns).toBeLessThanOrEqual(1 - DEFAULT_CONFIG.verify.confidence);
  });

  it.each(cell("web").map((r) => [r.cell.name, r] as const))("%s: a true fix is verified within 1.5× the floor (median)", (_name, r) => {
    expect(r.fixedVerified / r.fixedRuns).toBeGreaterThanOrEqual(0.99);
    expect(percentile(r.ratios, 0.5)).toBeLessThanOrEqual(1.5);
  });

  it("names a time within ±20% of when the verdict became possible, where traffic over the wait is steady", () => {
    for (const r of [...cell("web, busy"), ...cell("mobile")]) expect(r.namedWithin20 / r.named).toBeGreaterThanOrEqual(0.95);
    expect(formatTimes(results)).toMatch(/web, busy .* ok$/m);
  });

  it("the mobile lag is measured in hours and a verdict waits for it", () => {
    for (const r of cell("mobile")) {
      expect(percentile(r.lags, 0.5)).toBeGreaterThan(6 * 60);
      expect(percentile(r.minutesToVerified, 0.5)).toBeGreaterThan(percentile(r.lags, 0.5));
    }
  });
});
