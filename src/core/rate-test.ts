/**
 * The exact conditional test of two Poisson rates, and the exact (Clopper-Pearson) interval
 * for their ratio.
 *
 * Crashes before and after a fix are counted against their exposures E0 and E1. If the rates
 * are equal, then given the total n = k0 + k1 the count after is Binomial(n, p0) with
 * p0 = E1 / (E0 + E1): the unknown common rate drops out, so the old rate need not be known,
 * only its evidence. A small k1 is evidence that the rate fell; P(K ≤ k1 | n, p0) is its
 * one-sided p-value. The Clopper-Pearson bounds for the binomial p map to the rate ratio
 * R = r1 / r0 through p = E1·R / (E0 + E1·R).
 *
 * The binomial CDF is the regularized incomplete beta function, computed with Lentz's
 * continued fraction; test/core/verify.test.ts cross-checks it against @stdlib.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): about 15 significant digits. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0] ?? 1;
  for (let i = 1; i < 9; i++) sum += (c[i] ?? 0) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of I_x(a, b), valid where x < (a + 1) / (a + b + 2). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), a, b > 0. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function wholeNumber(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a whole number ≥ 0, got ${value}`);
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  wholeNumber(k, "binomialCdf: k");
  wholeNumber(n, "binomialCdf: n");
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialCdf: p must be between 0 and 1, got ${p}`);
  if (k >= n || p === 0) return 1;
  if (p === 1) return 0;
  return incompleteBeta(1 - p, n - k, k + 1);
}

/** The x in [0, 1] where the increasing function f crosses `target`, by bisection to double precision. */
function solve(f: (x: number) => number, target: number): number {
  let low = 0;
  let high = 1;
  for (let i = 0; i < 200 && high - low > 1e-15 * Math.max(high, 1e-300); i++) {
    const mid = (low + high) / 2;
    if (f(mid) < target) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * Clopper-Pearson bounds for a binomial p after k successes in n trials, each one-sided at
 * level 1 − alpha: P(X ≥ k | low) = alpha and P(X ≤ k | high) = alpha.
 */
export function clopperPearson(k: number, n: number, alpha: number): { low: number; high: number } {
  // The bounds are the beta quantiles Beta(alpha; k, n − k + 1) and Beta(1 − alpha; k + 1, n − k).
  const low = k === 0 ? 0 : solve((x) => incompleteBeta(x, k, n - k + 1), alpha);
  const high = k === n ? 1 : solve((x) => incompleteBeta(x, k + 1, n - k), 1 - alpha);
  return { low, high };
}

export const RATE_TEST_NAME = "exact conditional test of two Poisson rates (binomial, given the total count)";

export interface RateComparison {
  /** P(K_after ≤ k_after | n, p0): the chance of so few crashes after if the rate had not changed. */
  pValue: number;
  /** Share of the exposure that is after the fix: p0 = E1 / (E0 + E1). */
  shareAfter: number;
  /** Estimated new/old rate ratio, (k1/E1) / (k0/E0); null when no crash before. */
  ratio: number | null;
  /** Bounds of the ratio, each one-sided at the confidence: high < 1 exactly when pValue < 1 − confidence. */
  ratioLow: number;
  ratioHigh: number;
}

function checkExposures(e0: number, e1: number): void {
  if (!(e0 > 0 && e1 > 0)) throw new RangeError(`rate test: both exposures must be above 0, got ${e0} and ${e1}`);
}

/** P(K_after ≤ k1 | n = k0 + k1, p0 = e1 / (e0 + e1)): small when the rate after is lower. */
export function rateTestPValue(before: { occurrences: number; exposure: number }, after: { occurrences: number; exposure: number }): number {
  checkExposures(before.exposure, after.exposure);
  const n = before.occurrences + after.occurrences;
  return n === 0 ? 1 : binomialCdf(after.occurrences, n, after.exposure / (before.exposure + after.exposure));
}

/** Compares k1 crashes in exposure e1 with k0 crashes in e0; both exposures must be > 0. */
export function compareRates(
  before: { occurrences: number; exposure: number },
  after: { occurrences: number; exposure: number },
  confidence: number,
): RateComparison {
  const { occurrences: k0, exposure: e0 } = before;
  const { occurrences: k1, exposure: e1 } = after;
  checkExposures(e0, e1);
  const n = k0 + k1;
  const toRatio = (p: number) => (p >= 1 ? Number.POSITIVE_INFINITY : (p * e0) / ((1 - p) * e1));
  const bounds = n === 0 ? { low: 0, high: 1 } : clopperPearson(k1, n, 1 - confidence);
  return {
    pValue: rateTestPValue(before, after),
    shareAfter: e1 / (e0 + e1),
    ratio: k0 === 0 ? null : k1 / e1 / (k0 / e0),
    ratioLow: toRatio(bounds.low),
    ratioHigh: toRatio(bounds.high),
  };
}

/**
 * Exposure after the fix at which zero crashes would be significant, given k0 crashes in e0
 * before: (e0 / (e0 + e1))^k0 < 1 − confidence. Infinite without a crash before.
 */
export function exposureNeeded(before: { occurrences: number; exposure: number }, confidence: number): number {
  if (before.occurrences === 0) return Number.POSITIVE_INFINITY;
  return before.exposure * (Math.exp(-Math.log(1 - confidence) / before.occurrences) - 1);
}
