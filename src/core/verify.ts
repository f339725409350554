import type { ProviderName } from "./crash.js";

/**
 * The post-deploy verdict: did the crash stop in the new version?
 *
 * Occurrences of a signature are modelled as a Poisson process whose rate is
 * proportional to exposure (sessions, or all reported errors when the reporter does not
 * track sessions). The old rate r comes from the versions before the fix; if the fix did
 * nothing, the new version would show about λ = r × exposure_new occurrences. Seeing k
 * is then judged by P(X ≤ k | λ): when that is below 1 − confidence, "the crash is as
 * frequent as before" no longer explains what we see.
 *
 * Decisions (README "The Action: post-deploy verification" explains them to users):
 * - verified: k = 0 and P(0 | λ) = e^−λ < 1 − confidence.
 * - not enough data yet: the minimum window since the deployment has not passed, or
 *   k = 0 but e^−λ is still ≥ 1 − confidence (too little exposure to tell a fix from luck;
 *   the sentence says how much exposure is needed), or k = 0 with no earlier rate.
 * - not verified: k > 0. A rate significantly lower than before still means the crash
 *   happens in the fixed version, so the fix is not verified; the sentence says honestly
 *   by how much the rate dropped so the team can judge a partial fix.
 */

export type ExposureUnit = "sessions" | "events";

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
    /** The versions before the fix the old rate is measured on. */
    versions: string[];
  };
}

export type VerdictName = "verified" | "not-verified" | "not-enough-data";

/** Why the verdict is what it is; the report and the tests key on it. */
export type VerdictReason =
  | "window" // minimum time since the deployment not reached
  | "gone" // verified: zero where the old rate predicts clearly more
  | "too-little-exposure" // zero, but the old rate predicts too few to tell
  | "no-baseline" // zero, and no earlier rate to compare with
  | "still-occurs" // present at a rate not significantly lower
  | "lower-but-present" // significantly lower, yet present
  | "occurs-without-baseline"; // present, and no earlier rate to compare with

export interface VerifyPolicy {
  /** e.g. 0.99: a verdict needs P(observed | crash unfixed) < 1%. */
  confidence: number;
  minWindowMinutes: number;
}

export interface Verdict {
  verdict: VerdictName;
  reason: VerdictReason;
  counts: CrashCounts;
  /** Occurrences per unit of exposure before the fix; null without an earlier rate. */
  rateBefore: number | null;
  /** Occurrences per unit of exposure in the new version; null without exposure. */
  rateNow: number | null;
  /** λ: occurrences the old rate predicts for the new version's exposure. */
  expected: number | null;
  /** P(X ≤ occurrences | λ). */
  probability: number | null;
  /** Relative change of the rate: −0.8 is a drop by 80%. */
  rateChange: number | null;
  /** Total exposure of the new version at which zero occurrences would verify the fix. */
  exposureNeeded: number | null;
  minutesSinceDeploy: number;
  confidence: number;
  /** One plain sentence with the numbers. */
  sentence: string;
}

/** P(X ≤ k) for X ~ Poisson(λ), summed in log space so large λ does not overflow. */
export function poissonCdf(k: number, lambda: number): number {
  if (!Number.isFinite(lambda) || lambda < 0) throw new RangeError(`poissonCdf: λ must be a finite number ≥ 0, got ${lambda}`);
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`poissonCdf: k must be a whole number ≥ 0, got ${k}`);
  if (lambda === 0) return 1;
  const logLambda = Math.log(lambda);
  let logTerm = -lambda;
  let sum = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += logLambda - Math.log(i);
    const term = Math.exp(logTerm);
    sum += term;
    // Past the mode the terms only shrink; once they stop moving the sum, it is 1 to double precision.
    if (i > lambda && term < sum * 1e-17) break;
  }
  return Math.min(sum, 1);
}

/** Exposure at which zero occurrences would be significant: e^(−r·E) < 1 − confidence. */
export function exposureNeeded(rateBefore: number, confidence: number): number {
  return -Math.log(1 - confidence) / rateBefore;
}

/** Minutes between the deployment and `now`. */
export function minutesBetween(from: Date, to: Date): number {
  return Math.max(0, (to.getTime() - from.getTime()) / 60_000);
}

export function decideVerdict(counts: CrashCounts, policy: VerifyPolicy, deployedAt: Date, now: Date): Verdict {
  const { occurrences: k, exposure } = counts;
  const alpha = 1 - policy.confidence;
  const minutesSinceDeploy = minutesBetween(deployedAt, now);
  const rateBefore = counts.before.occurrences > 0 && counts.before.exposure > 0 ? counts.before.occurrences / counts.before.exposure : null;
  const rateNow = exposure > 0 ? k / exposure : null;
  const expected = rateBefore === null ? null : rateBefore * exposure;
  const probability = expected === null ? null : poissonCdf(k, expected);
  const rateChange = rateBefore !== null && rateNow !== null ? rateNow / rateBefore - 1 : null;
  const needed = rateBefore === null ? null : exposureNeeded(rateBefore, policy.confidence);

  const decide = (): { verdict: VerdictName; reason: VerdictReason } => {
    if (minutesSinceDeploy < policy.minWindowMinutes) return { verdict: "not-enough-data", reason: "window" };
    if (k > 0) {
      if (probability === null) return { verdict: "not-verified", reason: "occurs-without-baseline" };
      return { verdict: "not-verified", reason: probability < alpha ? "lower-but-present" : "still-occurs" };
    }
    if (probability === null) return { verdict: "not-enough-data", reason: "no-baseline" };
    return probability < alpha ? { verdict: "verified", reason: "gone" } : { verdict: "not-enough-data", reason: "too-little-exposure" };
  };
  const { verdict, reason } = decide();
  const result: Omit<Verdict, "sentence"> = {
    verdict,
    reason,
    counts,
    rateBefore,
    rateNow,
    expected,
    probability,
    rateChange,
    exposureNeeded: needed,
    minutesSinceDeploy,
    confidence: policy.confidence,
  };
  return { ...result, sentence: explain(result, policy) };
}

// ---- the sentence -------------------------------------------------------------------

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Two significant digits, grouped: 3.1, 0.65, 38, 1,500. */
export function formatNumber(value: number): string {
  if (value === 0) return "0";
  if (Math.abs(value) >= 100) return integer.format(value);
  return new Intl.NumberFormat("en-US", { maximumSignificantDigits: 2 }).format(value);
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

function plural(n: number, one: string, many: string): string {
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

function explain(v: Omit<Verdict, "sentence">, policy: VerifyPolicy): string {
  const { counts } = v;
  const words = unitWords(counts.exposureUnit);
  const crashes = plural(counts.occurrences, "crash", "crashes");
  const amount = `${crashes} in ${plural(counts.exposure, words.one, words.many)}`;
  const seen = `${amount} of ${counts.version}`;
  const scale = v.rateBefore === null ? 1 : rateScale(v.rateBefore);
  const oldRate = v.rateBefore === null ? "" : formatRate(v.rateBefore, scale, counts.exposureUnit);
  const threshold = `${formatNumber((1 - policy.confidence) * 100)}%`;
  const p = v.probability ?? 1;
  switch (v.reason) {
    case "window":
      return `Not enough data yet: ${counts.version} was deployed ${plural(Math.floor(v.minutesSinceDeploy), "minute", "minutes")} ago and verification waits at least ${plural(policy.minWindowMinutes, "minute", "minutes")} (so far ${amount}).`;
    case "gone":
      return `Verified: ${seen}; at the old rate of ${oldRate} we would have expected ${formatNumber(v.expected ?? 0)} (P(0) ${formatProbability(p)}).`;
    case "too-little-exposure": {
      const needed = v.exposureNeeded ?? 0;
      const more = Math.max(0, needed - counts.exposure);
      return `Not enough data yet: ${seen}; at the old rate of ${oldRate} we would expect ${formatNumber(v.expected ?? 0)}, and 0 happens by chance with P(0) ${formatProbability(p)} (a verdict needs below ${threshold}); about ${plural(Math.ceil(needed), words.one, words.many)} are needed, ${integer.format(Math.ceil(more))} more.`;
    }
    case "no-baseline":
      return `Not enough data yet: ${seen}, but the versions before it (${describeBefore(counts)}) give no old rate to compare with.`;
    case "still-occurs": {
      const direction = (v.rateChange ?? 0) > 0 ? "above" : "not significantly below";
      const nowRate = v.rateNow === null ? `no ${words.many} recorded yet` : formatRate(v.rateNow, scale, counts.exposureUnit);
      return `Not verified: ${seen} (${nowRate}), ${direction} the old rate of ${oldRate} (expected ${formatNumber(v.expected ?? 0)}; P(≤${counts.occurrences}) ${formatProbability(p)}).`;
    }
    case "lower-but-present":
      return `Not verified: the rate dropped by ${formatNumber(-(v.rateChange ?? 0) * 100)}% (from ${oldRate} to ${formatRate(v.rateNow ?? 0, scale, counts.exposureUnit)}) but the crash still occurs: ${seen}.`;
    case "occurs-without-baseline":
      return `Not verified: the crash still occurs, ${seen}; the versions before it (${describeBefore(counts)}) give no old rate to compare with.`;
  }
}

function describeBefore(counts: CrashCounts): string {
  const words = unitWords(counts.exposureUnit);
  const versions = counts.before.versions.length > 0 ? `${counts.before.versions.join(", ")}: ` : "";
  return `${versions}${plural(counts.before.occurrences, "crash", "crashes")} in ${plural(counts.before.exposure, words.one, words.many)}`;
}

/** Orders verdicts from worst to best, so several hotfixes in one deployment sum up to one. */
export function worstVerdict(verdicts: VerdictName[]): VerdictName | null {
  for (const name of ["not-verified", "not-enough-data", "verified"] as const) if (verdicts.includes(name)) return name;
  return null;
}
