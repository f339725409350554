import { describe, expect, it } from "vitest";
import {
  decideVerdict,
  exposureNeeded,
  formatProbability,
  poissonCdf,
  worstVerdict,
  type CrashCounts,
  type VerdictReason,
  type VerdictName,
} from "../../src/core/verify.js";

describe("poissonCdf against table values", () => {
  // Reference values computed exactly (50-digit decimal sums of the pmf), e.g. P(X≤2|λ=10) = 61·e^-10 = 0.002769395716.
  it.each([
    [0, 1, Math.exp(-1)],
    [2, 10, 0.0027693957],
    [5, 5, 0.6159606548],
    [10, 10, 0.5830397502],
    [0, 38, 3.1391327920e-17],
    [35, 38, 0.3509736137],
    [0, 4.605, 0.010001702],
    [100, 100, 0.5265621985],
  ])("P(X ≤ %i | λ = %d) ≈ %f", (k, lambda, expected) => {
    expect(poissonCdf(k, lambda)).toBeCloseTo(expected, 6);
    expect(Math.abs(poissonCdf(k, lambda) - expected) / expected).toBeLessThan(1e-5);
  });

  it("is 1 with no expected occurrences, and never above 1", () => {
    expect(poissonCdf(0, 0)).toBe(1);
    expect(poissonCdf(5000, 10)).toBe(1);
  });

  it("does not overflow for large λ", () => {
    expect(poissonCdf(0, 50_000)).toBe(0);
    // At the mean the CDF is just over 1/2 (exact: 0.5008410431).
    expect(poissonCdf(100_000, 100_000)).toBeCloseTo(0.5008410431, 8);
  });

  it("rejects nonsense", () => {
    expect(() => poissonCdf(-1, 2)).toThrow(/k must be/);
    expect(() => poissonCdf(1.5, 2)).toThrow(/k must be/);
    expect(() => poissonCdf(1, Number.NaN)).toThrow(/λ must be/);
  });

  it("exposure needed solves e^(−r·E) = 1 − confidence", () => {
    // −ln(0.01) = 4.60517
    expect(exposureNeeded(1, 0.99)).toBeCloseTo(4.60517, 4);
    expect(exposureNeeded(3.1e-3, 0.99)).toBeCloseTo(1485.54, 1);
    expect(Math.exp(-3.1e-3 * exposureNeeded(3.1e-3, 0.99))).toBeCloseTo(0.01, 10);
  });
});

const policy = { confidence: 0.99, minWindowMinutes: 30 };
const deployedAt = new Date("2024-05-01T10:00:00Z");
const later = new Date("2024-05-01T12:00:00Z");

function counts(k: number, exposure: number, k0: number, exposure0: number): CrashCounts {
  return {
    provider: "sentry",
    signature: "0123456789abcdef",
    version: "1.4.2",
    occurrences: k,
    exposure,
    exposureUnit: "sessions",
    before: { occurrences: k0, exposure: exposure0, versions: ["1.4.0", "1.4.1"] },
  };
}

describe("decideVerdict: a table of cases", () => {
  const cases: { name: string; counts: CrashCounts; now?: Date; verdict: VerdictName; reason: VerdictReason; sentence: RegExp }[] = [
    {
      name: "zero after a high rate with large exposure",
      counts: counts(0, 12_400, 120, 38_700),
      verdict: "verified",
      reason: "gone",
      sentence: /^Verified: 0 crashes in 12,400 sessions of 1\.4\.2; at the old rate of 3\.1 per 1,000 sessions we would have expected 38 \(P\(0\) < 1e-16\)\.$/,
    },
    {
      name: "zero with tiny exposure",
      counts: counts(0, 400, 120, 38_700),
      verdict: "not-enough-data",
      reason: "too-little-exposure",
      // λ = 1.24, P(0) = e^-1.24 = 0.289; needed = 4.605/0.0031008 = 1,486 sessions
      sentence: /^Not enough data yet: 0 crashes in 400 sessions of 1\.4\.2; .* expect 1\.2, .*P\(0\) = 0\.29 .* about 1,486 sessions are needed, 1,086 more\.$/,
    },
    {
      name: "same rate",
      counts: counts(35, 12_400, 120, 38_700),
      verdict: "not-verified",
      reason: "still-occurs",
      sentence: /^Not verified: 35 crashes in 12,400 sessions of 1\.4\.2 \(2\.8 per 1,000 sessions\), not significantly below the old rate of 3\.1 per 1,000 sessions \(expected 38; P\(≤35\) = 0\.3\d\)\.$/,
    },
    {
      name: "higher rate",
      counts: counts(60, 12_400, 120, 38_700),
      verdict: "not-verified",
      reason: "still-occurs",
      sentence: /above the old rate/,
    },
    {
      name: "lower but present",
      counts: counts(8, 12_400, 120, 38_700),
      verdict: "not-verified",
      reason: "lower-but-present",
      // 8/12400 = 0.645 per 1,000 against 3.1: −79%
      sentence: /^Not verified: the rate dropped by 79% \(from 3\.1 per 1,000 sessions to 0\.65 per 1,000 sessions\) but the crash still occurs: 8 crashes in 12,400 sessions of 1\.4\.2\.$/,
    },
    {
      name: "no prior data, zero now",
      counts: counts(0, 12_400, 0, 0),
      verdict: "not-enough-data",
      reason: "no-baseline",
      sentence: /no old rate to compare with/,
    },
    {
      name: "no prior data, present now",
      counts: counts(5, 1_200, 3, 0),
      verdict: "not-verified",
      reason: "occurs-without-baseline",
      sentence: /^Not verified: the crash still occurs, 5 crashes in 1,200 sessions of 1\.4\.2; the versions before it \(1\.4\.0, 1\.4\.1: 3 crashes in 0 sessions\)/,
    },
    {
      name: "minimum window not passed, even with plenty of exposure",
      counts: counts(0, 12_400, 120, 38_700),
      now: new Date("2024-05-01T10:12:30Z"),
      verdict: "not-enough-data",
      reason: "window",
      sentence: /^Not enough data yet: 1\.4\.2 was deployed 12 minutes ago and verification waits at least 30 minutes \(so far 0 crashes in 12,400 sessions\)\.$/,
    },
  ];

  it.each(cases)("$name → $verdict", ({ counts: c, now, verdict, reason, sentence }) => {
    const v = decideVerdict(c, policy, deployedAt, now ?? later);
    expect(v.verdict).toBe(verdict);
    expect(v.reason).toBe(reason);
    expect(v.sentence).toMatch(sentence);
  });

  it("reports the statistics behind the verdict", () => {
    const v = decideVerdict(counts(0, 12_400, 120, 38_700), policy, deployedAt, later);
    expect(v.rateBefore).toBeCloseTo(120 / 38_700, 12);
    expect(v.expected).toBeCloseTo(38.45, 2);
    expect((v.probability ?? 0) / 2.002375403996199e-17).toBeCloseTo(1, 10);
    expect(v.exposureNeeded).toBeCloseTo(1485.1673849811, 8);
    expect(v.minutesSinceDeploy).toBe(120);
  });

  it("the boundary follows the confidence: zero verifies exactly when e^-λ < 1 − confidence", () => {
    // Old rate 1 per session: 4 sessions give P(0) = 0.018 (not enough at 99%), 5 give 0.0067.
    expect(decideVerdict(counts(0, 4, 100, 100), policy, deployedAt, later).verdict).toBe("not-enough-data");
    expect(decideVerdict(counts(0, 5, 100, 100), policy, deployedAt, later).verdict).toBe("verified");
    // At 95% confidence (α = 0.05) 4 sessions are enough.
    expect(decideVerdict(counts(0, 4, 100, 100), { confidence: 0.95, minWindowMinutes: 0 }, deployedAt, later).verdict).toBe("verified");
  });

  it("takes the worst verdict of several hotfixes", () => {
    expect(worstVerdict(["verified", "not-enough-data"])).toBe("not-enough-data");
    expect(worstVerdict(["verified", "not-verified", "not-enough-data"])).toBe("not-verified");
    expect(worstVerdict(["verified"])).toBe("verified");
    expect(worstVerdict([])).toBeNull();
  });

  it("formats probabilities as people read them", () => {
    expect(formatProbability(1e-20)).toBe("< 1e-16");
    expect(formatProbability(2.34e-5)).toBe("= 2.3e-5");
    expect(formatProbability(0.289)).toBe("= 0.29");
  });
});

describe("verification comment", () => {
  it("round-trips its marker, found again by signature and version whatever the verdict", async () => {
    const { parseVerificationMarker, renderVerification, verificationMarkerKey } = await import("../../src/core/verify-report.js");
    const hostile = { ...counts(0, 12_400, 120, 38_700), version: "1.4.2 --> <b>@team</b>" };
    const body = renderVerification(decideVerdict(hostile, policy, deployedAt, later), { environment: "production", sha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e" });
    expect(parseVerificationMarker(body)).toEqual({ signature: "0123456789abcdef", version: "1.4.2 --> <b>@team</b>", verdict: "verified" });
    expect(body.startsWith(verificationMarkerKey({ signature: "0123456789abcdef", version: hostile.version }))).toBe(true);
    // The marker is the only HTML comment (the chart's axis range "0 --> n" is inside its code fence), and the untrusted version never reaches the Markdown raw.
    expect(body.replace(/^```mermaid\n[\s\S]*?\n```$/gm, "").match(/-->/g)).toHaveLength(1);
    const visible = body.slice(body.indexOf(" -->") + 4);
    expect(visible).not.toContain("<b>");
    expect(visible).not.toMatch(/@team/);
    expect(body).toContain("| Crashes | 120 | 0 |");
    expect(body).toContain("in production at f95f852");
    expect(parseVerificationMarker("no marker here")).toBeNull();
  });
});
