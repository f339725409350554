import { describe, expect, it } from "vitest";
import { formatTimes, percentile, simulateTimes } from "../../bench/verify-time.js";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { exposureNeeded } from "../../src/core/rate-test.js";
import { countingWindow, expectVerdict, nextLookAt, type CrashCounts } from "../../src/core/verify.js";

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

  // The done-when: a time named alone is within ±20% of when the verdict became possible; where
  // the count so far cannot support that (traffic swings over the day), the range given holds it.
  it.each(results.map((r) => [r.cell.name, r] as const))('%s: what each "not enough data yet" says comes true in ≥ 90%%', (_name, r) => {
    expect(r.named).toBeGreaterThan(900);
    expect(r.namedTrue / r.named).toBeGreaterThanOrEqual(0.9);
    expect(r.statementsTrue / r.statements).toBeGreaterThanOrEqual(0.9);
    if (r.namedPrecise > 0) expect(r.namedWithin20 / r.namedPrecise).toBeGreaterThanOrEqual(0.9);
  });

  it("names a time alone where the count supports it, a range where the day's swing does not", () => {
    // Busy web: 30 of about 48 minutes counted. Quiet web: 30 minutes of about 8 hours, across the day's swing.
    expect(cell("web, busy")[0]!.namedPrecise / cell("web, busy")[0]!.named).toBeGreaterThanOrEqual(0.95);
    const quiet = cell("web, quiet")[0]!;
    expect(quiet.namedPrecise / quiet.named).toBeLessThan(0.1);
    // The range is honest, not unbounded: its width is about the wait itself, not many times it.
    expect(percentile(quiet.rangeWidths, 0.5)).toBeLessThan(1.5);
    expect(formatTimes(results)).not.toMatch(/OFF|FALSE VERIFIED|SLOW/);
  });

  it("the mobile lag is measured in hours and a verdict waits for it", () => {
    for (const r of cell("mobile")) {
      expect(percentile(r.lags, 0.5)).toBeGreaterThan(6 * 60);
      expect(percentile(r.minutesToVerified, 0.5)).toBeGreaterThan(percentile(r.lags, 0.5));
    }
  });
});

describe("expectVerdict", () => {
  const deployedAt = new Date("2026-12-07T09:00:00Z");
  const policy = { confidence: 0.99, minWindowMinutes: 30, reportLagMinutes: 2 };
  const before = { occurrences: 40, exposure: 20_000, versions: ["1.0.0"] };
  const needed = exposureNeeded(before, policy.confidence);
  const counts = (exposure: number, occurrences = 0): CrashCounts => ({
    provider: "sentry",
    signature: "0123456789abcdef",
    version: "1.0.1",
    occurrences,
    exposure,
    exposureUnit: "sessions",
    before,
  });
  const minutesAfter = (d: Date) => (d.getTime() - deployedAt.getTime()) / 60_000;
  const at = (minutes: number) => new Date(deployedAt.getTime() + minutes * 60_000);

  it("at the rate counted, the exposure needed plus the report lag", () => {
    // 60 minutes counted at 5 sessions a minute: the rest of the need at that rate, then the lag.
    const window = countingWindow(deployedAt, at(62), 2);
    const e = expectVerdict(counts(300), policy, window)!;
    expect(minutesAfter(e.at)).toBeCloseTo(needed / 5 + 2, 3);
    expect(e.earliest.getTime()).toBeLessThan(e.at.getTime());
    expect(e.latest.getTime()).toBeGreaterThan(e.at.getTime());
  });

  it("a long wait from a short count is a range; the same wait nearly counted is a time", () => {
    const early = expectVerdict(counts(150), policy, countingWindow(deployedAt, at(32), 2))!;
    expect(early.precise).toBe(false);
    // The range is wider than ±20%, which is why a time alone is not named.
    expect(minutesAfter(early.latest)).toBeGreaterThan(1.2 * minutesAfter(early.at));
    const minutes = Math.floor((0.9 * needed) / 5);
    const late = expectVerdict(counts(minutes * 5), policy, countingWindow(deployedAt, at(minutes + 2), 2))!;
    expect(late.precise).toBe(true);
    expect(minutesAfter(late.latest)).toBeLessThanOrEqual(1.2 * minutesAfter(late.at));
  });

  it("a short wait at high traffic is a time, from the first look", () => {
    const e = expectVerdict(counts(3_000), policy, countingWindow(deployedAt, at(32), 2))!;
    expect(e.precise).toBe(true);
  });

  it("nothing to say without a rate, with a crash, or with enough already", () => {
    expect(expectVerdict(counts(0), policy, countingWindow(deployedAt, at(62), 2))).toBeNull();
    expect(expectVerdict(counts(300, 1), policy, countingWindow(deployedAt, at(62), 2))).toBeNull();
    const done = expectVerdict(counts(Math.ceil(needed) + 10), policy, countingWindow(deployedAt, at(62), 2))!;
    expect(done.earliest).toEqual(done.at);
    expect(done.latest).toEqual(done.at);
  });

  it("the next look is at the time at the counted rate, never before the window and lag, nor sooner than the retry", () => {
    const window = countingWindow(deployedAt, at(32), 2);
    const verdictExpected = expectVerdict(counts(150), policy, window);
    expect(nextLookAt({ verdictExpected, window, reportLagMinutes: 2 }, policy, at(32), 5)).toEqual(verdictExpected!.at);
    expect(nextLookAt({ verdictExpected: null, window, reportLagMinutes: 2 }, policy, at(10), 5)).toEqual(at(32));
    expect(nextLookAt({ verdictExpected: null, window, reportLagMinutes: 2 }, policy, at(40), 5)).toEqual(at(45));
  });
});
