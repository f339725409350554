import { formatTime } from "./time.js";
import type { ProviderName } from "./crash.js";
import type { MeasuredLag } from "./report-lag.js";
import { compareRates, exposureNeeded, RATE_TEST_NAME, rateTestPValue, type RateComparison } from "./rate-test.js";

/**
 * The post-deploy verdict: did the crash become rarer in the new version?
 *
 * Occurrences of a signature are modelled as a Poisson process whose rate is proportional to
 * exposure (sessions, or all reported errors when the reporter does not track sessions). The
 * old rate is itself an estimate, so the new version is compared with the old ones by the exact
 * conditional test of two Poisson rates (rate-test.ts), at the configured confidence.
 *
 * Decisions (docs/reading-a-verdict.md explains them to users):
 * - verified: no crash in the new version, and that is significantly below the old rate. It
 *   says the rate fell, not that the crash can never happen.
 * - not verified: the crash occurs in the new version. When its rate is significantly lower the
 *   sentence says by how much, with an interval; a partial fix is not a fix.
 * - not enough data yet: the counting window is too short; or no crash yet but too little
 *   exposure to tell a fix from luck (the sentence says how much is needed); or no old rate.
 *
 * About 420 lines: the verdict, when it can come, and the sentence that states it belong together; the
 * statistics themselves are in rate-test.ts.
 */

export type ExposureUnit = "sessions" | "events";

/** How the counts were made, when it matters for reading them; typed so reports never parse sentences. */
export type CountNote =
  /** Earlier releases with crashes but no session data, left out so no crash is counted against zero sessions. */
  | { kind: "left-out-without-sessions"; versions: string[] }
  /** Exposure is all reported errors although sessions were asked for. */
  | { kind: "events-instead-of-sessions"; why: "new-release-without-sessions" | "no-session-data" }
  /** The reporter gives totals only: the report-lag cut-off could not be applied. */
  | { kind: "no-cutoff" };

/** What a crash reporter says about one signature: the new version against the versions before it. */
export interface CrashCounts {
  provider: ProviderName;
  signature: string;
  version: string;
  /** Occurrences of the signature in the new version. */
  occurrences: number;
  /** Exposure of the new version, in `exposureUnit`. */
  exposure: number;
  exposureUnit: ExposureUnit;
  before: {
    /** Occurrences of the signature in `versions`. */
    occurrences: number;
    exposure: number;
    /** The versions before the fix the old rate is measured on, oldest first. */
    versions: string[];
  };
  notes?: CountNote[];
}

export type VerdictName = "verified" | "not-verified" | "not-enough-data";

/** Why the verdict is what it is; reports, outputs and tests key on it. */
export type VerdictReason =
  | "window" // the counting window since the deployment is shorter than the minimum
  | "rate-fell" // verified: no crash, significantly below the old rate
  | "too-little-exposure" // no crash, but too little exposure to tell a fix from luck
  | "no-exposure" // nothing of the new version counted yet
  | "no-baseline" // no crash, and no earlier rate to compare with
  | "still-occurs" // present at a rate not significantly lower
  | "lower-but-present" // significantly lower, yet present
  | "occurs-without-baseline"; // present, and no earlier rate to compare with

export interface VerifyPolicy {
  /** e.g. 0.99: "verified" needs P(so few crashes | rate unchanged) < 1%. */
  confidence: number;
  /** Minutes of counting window (deployment to cut-off) before any verdict but "not enough data yet". */
  minWindowMinutes: number;
  /** Crashes and exposure are counted only up to this many minutes ago: late reports (mobile) must have arrived. */
  reportLagMinutes: number;
  /** How the lag was measured from the reporter; absent when it is the configured one. */
  measuredLag?: MeasuredLag | null;
}

export interface CountingWindow {
  deployedAt: Date;
  /** The cut-off: now − report lag. */
  until: Date;
  /** Minutes from the deployment to the cut-off (0 when the cut-off is before the deployment). */
  minutes: number;
}

export interface VerificationVerdict {
  verdict: VerdictName;
  reason: VerdictReason;
  counts: CrashCounts;
  /** Occurrences per unit of exposure before the fix; null without an earlier rate. */
  rateBefore: number | null;
  /** Occurrences per unit of exposure in the new version; null without exposure. */
  rateNow: number | null;
  /** Occurrences the old rate predicts for the new version's exposure. */
  expected: number | null;
  /** The exact test; null when there is nothing to compare (no old rate, no exposure, window). */
  test: (RateComparison & { name: string }) | null;
  /** Exposure of the new version at which zero crashes would verify; null without an old rate. */
  exposureNeeded: number | null;
  window: CountingWindow;
  confidence: number;
  reportLagMinutes: number;
  measuredLag: MeasuredLag | null;
  /**
   * While there is not enough data: the earliest time a verdict is possible if traffic goes on
   * as counted so far (and no crash comes); null when nothing counted yet gives a rate.
   */
  expectedAt: Date | null;
  /** The same with its uncertainty: when the verdict may come if traffic changes; null with expectedAt. */
  verdictExpected: VerdictExpectation | null;
  /** One plain sentence with the numbers. */
  sentence: string;
}

/** The counting window: from the deployment to now less the report lag. Throws for a deployment in the future. */
export function countingWindow(deployedAt: Date, now: Date, reportLagMinutes: number): CountingWindow {
  if (Number.isNaN(deployedAt.getTime())) throw new RangeError("the deployment time is not a valid time");
  if (deployedAt.getTime() > now.getTime()) {
    throw new RangeError(
      `the deployment time ${deployedAt.toISOString()} is in the future (now ${now.toISOString()}): give the time the deployment happened`,
    );
  }
  const until = new Date(now.getTime() - reportLagMinutes * 60_000);
  return { deployedAt, until, minutes: Math.max(0, (until.getTime() - deployedAt.getTime()) / 60_000) };
}

function checkCounts(counts: CrashCounts): void {
  const check = (value: number, what: string, whole: boolean) => {
    if (!Number.isFinite(value) || value < 0 || (whole && !Number.isInteger(value))) {
      throw new RangeError(
        `${counts.provider} counts for ${counts.version}: ${what} must be a ${whole ? "whole number" : "number"} ≥ 0, got ${value}`,
      );
    }
  };
  check(counts.occurrences, "occurrences", true);
  check(counts.exposure, "exposure", false);
  check(counts.before.occurrences, "before.occurrences", true);
  check(counts.before.exposure, "before.exposure", false);
}

export function checkPolicy(policy: VerifyPolicy): void {
  if (!(policy.confidence > 0.5 && policy.confidence < 1)) throw new RangeError(`confidence must be between 0.5 and 1, got ${policy.confidence}`);
  for (const key of ["minWindowMinutes", "reportLagMinutes"] as const) {
    if (!Number.isInteger(policy[key]) || policy[key] < 0) throw new RangeError(`${key} must be a whole number ≥ 0, got ${policy[key]}`);
  }
}

export interface Assessment {
  verdict: VerdictName;
  reason: VerdictReason;
  window: CountingWindow;
  /** The rate test's p-value; null when there is nothing to compare. */
  pValue: number | null;
}

/** The verdict alone, without the numbers for people: what the simulation runs thousands of times. */
export function assessVerification(counts: CrashCounts, policy: VerifyPolicy, deployedAt: Date, now: Date): Assessment {
  checkCounts(counts);
  checkPolicy(policy);
  const window = countingWindow(deployedAt, now, policy.reportLagMinutes);
  const k = counts.occurrences;
  const hasBaseline = counts.before.occurrences > 0 && counts.before.exposure > 0;
  const pValue = hasBaseline && counts.exposure > 0 ? rateTestPValue(counts.before, counts) : null;
  const is = (verdict: VerdictName, reason: VerdictReason): Assessment => ({ verdict, reason, window, pValue });
  if (window.minutes < policy.minWindowMinutes) return is("not-enough-data", "window");
  if (!hasBaseline) return k > 0 ? is("not-verified", "occurs-without-baseline") : is("not-enough-data", "no-baseline");
  if (pValue === null) return k > 0 ? is("not-verified", "still-occurs") : is("not-enough-data", "no-exposure");
  const significant = pValue < 1 - policy.confidence;
  if (k === 0) return significant ? is("verified", "rate-fell") : is("not-enough-data", "too-little-exposure");
  return is("not-verified", significant ? "lower-but-present" : "still-occurs");
}

export function decideVerification(counts: CrashCounts, policy: VerifyPolicy, deployedAt: Date, now: Date): VerificationVerdict {
  const { verdict, reason, window } = assessVerification(counts, policy, deployedAt, now);
  const expectation = verdict === "not-enough-data" ? expectVerdict(counts, policy, window) : null;
  const hasBaseline = counts.before.occurrences > 0 && counts.before.exposure > 0;
  const rateBefore = hasBaseline ? counts.before.occurrences / counts.before.exposure : null;
  const test = hasBaseline && counts.exposure > 0 ? { name: RATE_TEST_NAME, ...compareRates(counts.before, counts, policy.confidence) } : null;
  const result: Omit<VerificationVerdict, "sentence"> = {
    verdict,
    reason,
    counts,
    rateBefore,
    rateNow: counts.exposure > 0 ? counts.occurrences / counts.exposure : null,
    expected: rateBefore === null ? null : rateBefore * counts.exposure,
    test,
    exposureNeeded: hasBaseline ? exposureNeeded(counts.before, policy.confidence) : null,
    window,
    confidence: policy.confidence,
    reportLagMinutes: policy.reportLagMinutes,
    measuredLag: policy.measuredLag ?? null,
    expectedAt: expectation?.at ?? null,
    verdictExpected: expectation,
  };
  return { ...result, sentence: explain(result, policy) };
}

/**
 * When a verdict may come, and how sure that is. The rate counted so far is a short stretch of a
 * day: traffic over the rest of the wait may run faster or slower (web traffic follows the clock;
 * the simulation in bench/verify-time.ts found a point time from the first window within ±20% in
 * about half of quiet deployments, 53–55%, all of it the daily swing). So the time comes with the
 * range it may fall in; when that range is within ±20% of the time from the deployment, the time
 * is named alone, else the range is.
 */
export interface VerdictExpectation {
  /** At the exposure rate counted so far. */
  at: Date;
  /** If the rest of the exposure comes faster, or slower, by the most TRAFFIC_SWING and the count's noise allow. */
  earliest: Date;
  latest: Date;
  /** The range is within ±EXPECTATION_TOLERANCE of the time from the deployment: `at` is worth naming alone. */
  precise: boolean;
}

/**
 * How far the rate over the rest of the wait may differ from the rate counted so far, as a factor
 * (1.5: from two thirds to one and a half times), once the wait spans TRAFFIC_SWING_MINUTES or
 * more. Day and night traffic differ by more than that, but a rate counted over a stretch and
 * the rate over the rest of the wait are both averages, which swing less than the traffic does.
 */
export const TRAFFIC_SWING = 1.5;
/** A quarter of a day: the time traffic takes from its daily mean to its peak. Shorter waits swing proportionally less. */
export const TRAFFIC_SWING_MINUTES = 360;
/** The relative accuracy a named time promises (the issue's ±20%). */
export const EXPECTATION_TOLERANCE = 0.2;
/** Standard errors of the counted exposure allowed for: a rate from 25 counted sessions is good to ±40%, from 10,000 to ±2%. */
const NOISE_Z = 2;

/**
 * When a verdict becomes possible, and the range it may come in: the counting window must reach
 * both the minimum and the exposure the exact test needs for zero crashes to be significant,
 * and the report lag must pass after it. At the rate counted so far that is `at`; the rest of
 * the exposure still needed may come faster or slower, by the daily swing (growing with how far
 * ahead the wait reaches, up to TRAFFIC_SWING) and by the Poisson noise of the count itself.
 * Null without a rate (nothing counted, or no old rate, whose need is unknown).
 */
export function expectVerdict(counts: CrashCounts, policy: VerifyPolicy, window: CountingWindow): VerdictExpectation | null {
  const hasBaseline = counts.before.occurrences > 0 && counts.before.exposure > 0;
  if (!hasBaseline || counts.occurrences > 0 || counts.exposure <= 0 || window.minutes <= 0) return null;
  const perMinute = counts.exposure / window.minutes;
  const remaining = Math.max(0, exposureNeeded(counts.before, policy.confidence) - counts.exposure);
  const rest = remaining / perMinute;
  const reach = Math.min(1, (window.minutes + rest) / TRAFFIC_SWING_MINUTES);
  const factor = (1 + (TRAFFIC_SWING - 1) * reach) * (1 + NOISE_Z / Math.sqrt(counts.exposure));
  const at = (windowMinutes: number) =>
    new Date(window.deployedAt.getTime() + (Math.max(policy.minWindowMinutes, windowMinutes) + policy.reportLagMinutes) * 60_000);
  const expected = at(window.minutes + rest);
  const earliest = at(window.minutes + rest / factor);
  const latest = at(window.minutes + rest * factor);
  const span = expected.getTime() - window.deployedAt.getTime();
  const precise =
    latest.getTime() - expected.getTime() <= EXPECTATION_TOLERANCE * span && expected.getTime() - earliest.getTime() <= EXPECTATION_TOLERANCE * span;
  return { at: expected, earliest, latest, precise };
}

/**
 * When to ask the reporter again after "not enough data yet": at the time expected at the rate
 * counted so far, else at the end of the minimum window and the lag, and never sooner than
 * `retryMinutes` from now. Not at the range's earliest: every look is another chance for an
 * unfixed crash to pass the test by luck, and looking there too raised the simulation's false
 * "verified" above 1 − confidence (1.4% in the quiet web cell).
 */
export function nextLookAt(
  verdict: Pick<VerificationVerdict, "verdictExpected" | "window" | "reportLagMinutes">,
  policy: VerifyPolicy,
  now: Date,
  retryMinutes: number,
): Date {
  const windowEnd = verdict.window.deployedAt.getTime() + (policy.minWindowMinutes + verdict.reportLagMinutes) * 60_000;
  return new Date(Math.max(verdict.verdictExpected?.at.getTime() ?? windowEnd, windowEnd, now.getTime() + retryMinutes * 60_000));
}

// ---- the sentence -------------------------------------------------------------------

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const twoDigits = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 2 });

/** Two significant digits, grouped: 3.1, 0.65, 38, 1,500. */
export function formatNumber(value: number): string {
  if (value === 0) return "0";
  if (!Number.isFinite(value)) return "∞";
  if (Math.abs(value) >= 100) return integer.format(value);
  return twoDigits.format(value);
}

/** A probability as people read it: "< 1e-16", "= 2.3e-5", "= 0.29". */
export function formatProbability(p: number): string {
  if (p < 1e-16) return "< 1e-16";
  if (p < 0.001) {
    const [mantissa, exponent] = p.toExponential(1).split("e");
    return `= ${mantissa}e${exponent}`;
  }
  return `= ${formatNumber(p)}`;
}

/** "1 crash", "2 crashes", "1,486 sessions". */
export function plural(n: number, one: string, many: string): string {
  return `${integer.format(n)} ${n === 1 ? one : many}`;
}

/** The unit words: sessions, or all errors the reporter received for the version. */
export function unitWords(unit: ExposureUnit): { one: string; many: string } {
  return unit === "sessions" ? { one: "session", many: "sessions" } : { one: "reported error", many: "reported errors" };
}

/** Per 1, per 1,000 or per 1,000,000 units, whichever makes the old rate a number ≥ 1. */
export function rateScale(rate: number): number {
  if (rate >= 1 || rate <= 0) return 1;
  return rate >= 1e-3 ? 1_000 : 1_000_000;
}

export function formatRate(rate: number, scale: number, unit: ExposureUnit): string {
  const words = unitWords(unit);
  return scale === 1 ? `${formatNumber(rate)} per ${words.one}` : `${formatNumber(rate * scale)} per ${integer.format(scale)} ${words.many}`;
}

/** "12 crashes in 3,400 sessions". */
export function crashesIn(occurrences: number, exposure: number, unit: ExposureUnit): string {
  const words = unitWords(unit);
  return `${plural(occurrences, "crash", "crashes")} in ${plural(exposure, words.one, words.many)}`;
}

/** The confidence as a percentage: "99%". */
export const percent = (share: number) => `${formatNumber(share * 100)}%`;

function explain(v: Omit<VerificationVerdict, "sentence">, policy: VerifyPolicy): string {
  const { counts, test } = v;
  const unit = counts.exposureUnit;
  const words = unitWords(unit);
  const amount = crashesIn(counts.occurrences, counts.exposure, unit);
  const seen = `${amount} of ${counts.version}`;
  const scale = rateScale(v.rateBefore ?? 0);
  const oldRate = v.rateBefore === null ? "" : formatRate(v.rateBefore, scale, unit);
  const against = `against ${describeBefore(counts)} (${oldRate})`;
  const threshold = percent(1 - policy.confidence);
  const p = test === null ? "" : formatProbability(test.pValue);
  switch (v.reason) {
    case "window": {
      const waits = policy.minWindowMinutes + policy.reportLagMinutes;
      const lag =
        policy.reportLagMinutes > 0
          ? ` (${plural(policy.minWindowMinutes, "minute", "minutes")} of counting plus ${plural(policy.reportLagMinutes, "minute", "minutes")} for late crash reports)`
          : "";
      const since = Math.floor((v.window.until.getTime() - v.window.deployedAt.getTime()) / 60_000 + policy.reportLagMinutes);
      // Without a rate yet, the earliest time is the end of the wait itself.
      const until = v.expectedAt === null ? `, until ${formatTime(new Date(v.window.deployedAt.getTime() + waits * 60_000).toISOString())}` : "";
      return `Not enough data yet: ${counts.version} was deployed ${plural(since, "minute", "minutes")} ago and verification waits at least ${plural(waits, "minute", "minutes")}${lag}${until}; so far ${amount}.${expectation(v, words.many)}`;
    }
    case "rate-fell":
      return (
        `Verified: the crash rate fell. ${seen}, ${against}, where about ${formatNumber(v.expected ?? 0)} would be expected if nothing had changed (P ${p}, below ${threshold}). ` +
        `With ${percent(v.confidence)} confidence the rate fell by at least ${formatNumber((1 - (test?.ratioHigh ?? 1)) * 100)}%; no crash was seen, which shows a lower rate, not that the crash can never happen.`
      );
    case "too-little-exposure": {
      const needed = v.exposureNeeded ?? 0;
      const more = Math.max(0, Math.ceil(needed) - counts.exposure);
      return (
        `Not enough data yet: ${seen}, ${against}; about ${formatNumber(v.expected ?? 0)} would be expected if nothing had changed, and none happens by chance with P ${p} (a verdict needs below ${threshold}). ` +
        `If no crash occurs, about ${plural(Math.ceil(needed), words.one, words.many)} of ${counts.version} are needed, ${integer.format(more)} more.${expectation(v, words.many)}`
      );
    }
    case "no-exposure":
      return `Not enough data yet: no ${words.many} of ${counts.version} counted yet.`;
    case "no-baseline":
      return `Not enough data yet: ${seen}, but the versions before it (${describeBefore(counts)}) give no old rate to compare with.`;
    case "still-occurs": {
      const direction = (v.rateNow ?? 0) > (v.rateBefore ?? 0) ? "above" : "not significantly below";
      const nowRate = v.rateNow === null ? `no ${words.many} recorded yet` : formatRate(v.rateNow, scale, unit);
      return `Not verified: the crash still occurs, ${seen} (${nowRate}), ${direction} the old rate of ${oldRate} (${describeBefore(counts)}${test ? `; P ${p}` : ""}).`;
    }
    case "lower-but-present": {
      const drop = formatNumber((1 - (test?.ratio ?? 1)) * 100);
      const atLeast = formatNumber((1 - (test?.ratioHigh ?? 1)) * 100);
      const interval = `${formatNumber(test?.ratioLow ?? 0)} and ${formatNumber(test?.ratioHigh ?? 1)}`;
      return (
        `Not verified: the crash still occurs, though less often: ${seen}. The rate dropped by ${drop}% (from ${oldRate} to ${formatRate(v.rateNow ?? 0, scale, unit)}; ` +
        `with ${percent(v.confidence)} confidence by at least ${atLeast}%, new/old rate ratio between ${interval}).`
      );
    }
    case "occurs-without-baseline":
      return `Not verified: the crash still occurs, ${seen}; the versions before it (${describeBefore(counts)}) give no old rate to compare with.`;
  }
}

/**
 * " At the 1,200 sessions an hour counted so far, a verdict is expected at 2026-12-07 14:20 UTC.", or, when
 * traffic over the rest of the wait could move it by more than ±20%, the range it is expected in.
 */
function expectation(v: Omit<VerificationVerdict, "sentence">, units: string): string {
  const e = v.verdictExpected;
  if (e === null) return "";
  const perHour = (v.counts.exposure / v.window.minutes) * 60;
  const lag = v.reportLagMinutes > 0 ? `, after the ${plural(v.reportLagMinutes, "minute", "minutes")} left for late reports` : "";
  const rate = `At the ${formatNumber(perHour)} ${units} an hour counted so far`;
  const time = (d: Date) => formatTime(d.toISOString());
  if (e.precise) return ` ${rate}, a verdict is expected at ${time(e.at)}${lag}.`;
  // Traffic changes over the day: from a short count, the range is what can be said; the time at the counted rate goes with it.
  return ` ${rate}, a verdict is expected between ${time(e.earliest)} and ${time(e.latest)}${lag} (at ${time(e.at)} if traffic stays at that rate).`;
}

/** "1.4.0, 1.4.1: 120 crashes in 38,700 sessions". */
export function describeBefore(counts: CrashCounts): string {
  const versions = counts.before.versions.length > 0 ? `${counts.before.versions.join(", ")}: ` : "";
  return `${versions}${crashesIn(counts.before.occurrences, counts.before.exposure, counts.exposureUnit)}`;
}

/** Orders verdicts from worst to best, so several hotfixes in one deployment sum up to one. */
export function worstVerdict(verdicts: VerdictName[]): VerdictName | null {
  for (const name of ["not-verified", "not-enough-data", "verified"] as const) if (verdicts.includes(name)) return name;
  return null;
}
