import betaQuantile from "@stdlib/stats-base-dists-beta-quantile";
import binomialCdfReference from "@stdlib/stats-base-dists-binomial-cdf";
import { describe, expect, it } from "vitest";
import { binomialCdf, clopperPearson, compareRates, exposureNeeded } from "../../src/core/rate-test.js";
import { parseVerificationMarker, renderVerification, verificationMarkerKey } from "../../src/core/verify-report.js";
import {
  decideVerification,
  formatProbability,
  worstVerdict,
  type CrashCounts,
  type VerdictName,
  type VerdictReason,
} from "../../src/core/verify.js";

describe("the rate test against @stdlib", () => {
  const cases: [number, number, number][] = [
    [0, 1, 0.5],
    [2, 10, 0.3],
    [35, 155, 0.2426],
    [0, 120, 0.0123],
    [11, 107, 0.2],
    [500, 100_000, 0.005],
    [3, 3, 0.9],
    [50_000, 100_000, 0.5],
    [1, 2, 0.999999],
    [7, 40, 0.05],
  ];

  it.each(cases)("binomial P(X ≤ %i | n = %i, p = %f)", (k, n, p) => {
    const reference = binomialCdfReference(k, n, p);
    expect(Math.abs(binomialCdf(k, n, p) - reference) / Math.max(reference, 1e-300)).toBeLessThan(1e-8);
  });

  it.each(cases)("Clopper-Pearson bounds after %i of %i are beta quantiles", (k, n) => {
    for (const alpha of [0.01, 0.05]) {
      const { low, high } = clopperPearson(k, n, alpha);
      expect(low).toBeCloseTo(k === 0 ? 0 : betaQuantile(alpha, k, n - k + 1), 10);
      expect(high).toBeCloseTo(k === n ? 1 : betaQuantile(1 - alpha, k + 1, n - k), 10);
    }
  });

  it("significance and the ratio's upper bound agree: high < 1 exactly when P < 1 − confidence", () => {
    for (const [k0, e0, k1, e1] of [
      [120, 38_700, 0, 400],
      [120, 38_700, 0, 1600],
      [96, 24_000, 11, 6000],
      [10, 1000, 3, 1000],
      [3, 1000, 0, 5000],
    ] as const) {
      const c = compareRates({ occurrences: k0, exposure: e0 }, { occurrences: k1, exposure: e1 }, 0.99);
      expect(c.ratioHigh < 1).toBe(c.pValue < 0.01);
      expect(c.ratioLow).toBeLessThanOrEqual(c.ratio ?? 0);
    }
  });

  it("exposure needed solves (e0 / (e0 + e1))^k0 = 1 − confidence", () => {
    const needed = exposureNeeded({ occurrences: 120, exposure: 38_700 }, 0.99);
    expect((38_700 / (38_700 + needed)) ** 120).toBeCloseTo(0.01, 12);
    expect(exposureNeeded({ occurrences: 0, exposure: 5000 }, 0.99)).toBe(Number.POSITIVE_INFINITY);
  });

  it("rejects nonsense", () => {
    expect(() => binomialCdf(-1, 2, 0.5)).toThrow(/k must be/);
    expect(() => binomialCdf(1, 2, Number.NaN)).toThrow(/p must be/);
    expect(() => compareRates({ occurrences: 1, exposure: 0 }, { occurrences: 0, exposure: 1 }, 0.99)).toThrow(/exposures must be above 0/);
  });
});

const policy = { confidence: 0.99, minWindowMinutes: 30, reportLagMinutes: 0 };
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

describe("decideVerification: a table of cases", () => {
  const cases: { name: string; counts: CrashCounts; now?: Date; lag?: number; verdict: VerdictName; reason: VerdictReason; sentence: RegExp }[] = [
    {
      name: "zero after a high rate with large exposure",
      counts: counts(0, 12_400, 120, 38_700),
      verdict: "verified",
      reason: "rate-fell",
      sentence:
        /^Verified: the crash rate fell\. 0 crashes in 12,400 sessions of 1\.4\.2, against 1\.4\.0, 1\.4\.1: 120 crashes in 38,700 sessions \(3\.1 per 1,000 sessions\), where about 38 would be expected if nothing had changed \(P = 3\.\de-15, below 1%\)\. With 99% confidence the rate fell by at least \d\d%; no crash was seen, which shows a lower rate, not that the crash can never happen\.$/,
    },
    {
      name: "zero with tiny exposure",
      counts: counts(0, 400, 120, 38_700),
      verdict: "not-enough-data",
      reason: "too-little-exposure",
      // (38,700 / 39,100)^120 = 0.29; needed: 38,700 × (0.01^(−1/120) − 1) = 1,514.02 sessions, rounded up
      sentence:
        /^Not enough data yet: 0 crashes in 400 sessions of 1\.4\.2, .* none happens by chance with P = 0\.29 .* about 1,515 sessions of 1\.4\.2 are needed, 1,115 more\. At the 200 sessions an hour counted so far, a verdict is expected between 2024-05-01 15:22 UTC and 2024-05-01 21:11 UTC \(at 2024-05-01 17:34 UTC if traffic stays at that rate\)\.$/,
    },
    {
      name: "same rate",
      counts: counts(35, 12_400, 120, 38_700),
      verdict: "not-verified",
      reason: "still-occurs",
      sentence:
        /^Not verified: the crash still occurs, 35 crashes in 12,400 sessions of 1\.4\.2 \(2\.8 per 1,000 sessions\), not significantly below the old rate of 3\.1 per 1,000 sessions \(1\.4\.0, 1\.4\.1: 120 crashes in 38,700 sessions; P = 0\.\d+\)\.$/,
    },
    { name: "higher rate", counts: counts(60, 12_400, 120, 38_700), verdict: "not-verified", reason: "still-occurs", sentence: /above the old rate/ },
    {
      name: "lower but present",
      counts: counts(8, 12_400, 120, 38_700),
      verdict: "not-verified",
      reason: "lower-but-present",
      // 8/12400 = 0.645 per 1,000 against 3.1: −79%
      sentence:
        /^Not verified: the crash still occurs, though less often: 8 crashes in 12,400 sessions of 1\.4\.2\. The rate dropped by 79% \(from 3\.1 per 1,000 sessions to 0\.65 per 1,000 sessions; with 99% confidence by at least \d\d%, new\/old rate ratio between 0\.\d+ and 0\.\d+\)\.$/,
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
      sentence:
        /^Not verified: the crash still occurs, 5 crashes in 1,200 sessions of 1\.4\.2; the versions before it \(1\.4\.0, 1\.4\.1: 3 crashes in 0 sessions\)/,
    },
    {
      name: "nothing of the new version yet",
      counts: counts(0, 0, 120, 38_700),
      verdict: "not-enough-data",
      reason: "no-exposure",
      sentence: /^Not enough data yet: no sessions of 1\.4\.2 counted yet\.$/,
    },
    {
      name: "one crash is one crash",
      counts: counts(1, 1, 1, 1),
      verdict: "not-verified",
      reason: "still-occurs",
      sentence: /^Not verified: the crash still occurs, 1 crash in 1 session of 1\.4\.2 .*1 crash in 1 session; P = 0\.75\)\.$/,
    },
    {
      name: "minimum window not passed, even with plenty of exposure",
      counts: counts(0, 12_400, 120, 38_700),
      now: new Date("2024-05-01T10:12:30Z"),
      verdict: "not-enough-data",
      reason: "window",
      sentence:
        /^Not enough data yet: 1\.4\.2 was deployed 12 minutes ago and verification waits at least 30 minutes; so far 0 crashes in 12,400 sessions\. At the 59,520 sessions an hour counted so far, a verdict is expected at 2024-05-01 10:30 UTC\.$/,
    },
    {
      name: "the report lag extends the wait",
      counts: counts(0, 12_400, 120, 38_700),
      lag: 180,
      verdict: "not-enough-data",
      reason: "window",
      sentence:
        /^Not enough data yet: 1\.4\.2 was deployed 120 minutes ago and verification waits at least 210 minutes \(30 minutes of counting plus 180 minutes for late crash reports\), until 2024-05-01 13:30 UTC; so far 0 crashes in 12,400 sessions\.$/,
    },
  ];

  it.each(cases)("$name → $verdict", ({ counts: c, now, lag, verdict, reason, sentence }) => {
    const v = decideVerification(c, { ...policy, reportLagMinutes: lag ?? 0 }, deployedAt, now ?? later);
    expect(v.verdict).toBe(verdict);
    expect(v.reason).toBe(reason);
    expect(v.sentence).toMatch(sentence);
  });

  it("reports the statistics behind the verdict", () => {
    const v = decideVerification(counts(0, 12_400, 120, 38_700), policy, deployedAt, later);
    expect(v.rateBefore).toBeCloseTo(120 / 38_700, 12);
    expect(v.expected).toBeCloseTo(38.45, 2);
    // (38,700 / 51,100)^120
    expect((v.test?.pValue ?? 0) / (38_700 / 51_100) ** 120).toBeCloseTo(1, 8);
    expect(v.test?.name).toMatch(/exact conditional test of two Poisson rates/);
    expect(v.window.minutes).toBe(120);
  });

  it("verifies zero crashes exactly when (e0 / (e0 + e1))^k0 < 1 − confidence", () => {
    // One crash before in 1,000 sessions: zero in 98,000 is not enough at 99% (P = 1/99), zero in 99,500 is.
    expect(decideVerification(counts(0, 98_000, 1, 1000), policy, deployedAt, later).verdict).toBe("not-enough-data");
    expect(decideVerification(counts(0, 99_500, 1, 1000), policy, deployedAt, later).verdict).toBe("verified");
    // A rare crash seen once before, five times the sessions after: never "verified" (P = 1/6).
    expect(decideVerification(counts(0, 5000, 1, 1000), policy, deployedAt, later).verdict).toBe("not-enough-data");
    // At 95% confidence seven crashes before and as many sessions after are enough (0.5^7 = 0.008).
    expect(decideVerification(counts(0, 1000, 7, 1000), { ...policy, confidence: 0.95 }, deployedAt, later).verdict).toBe("verified");
    expect(decideVerification(counts(0, 1000, 4, 1000), { ...policy, confidence: 0.95 }, deployedAt, later).verdict).toBe("not-enough-data");
  });

  it("claims a drop only when it is significant", () => {
    // 10 before, 8 after in the same exposure: lower, but not significantly.
    const v = decideVerification(counts(8, 1000, 10, 1000), policy, deployedAt, later);
    expect(v.reason).toBe("still-occurs");
    expect(v.sentence).not.toMatch(/dropped/);
  });

  it("refuses a deployment in the future, negative or fractional counts, and a bad policy", () => {
    expect(() => decideVerification(counts(0, 1, 1, 1), policy, later, deployedAt)).toThrow(
      /deployment time 2024-05-01T12:00:00\.000Z is in the future/,
    );
    expect(() => decideVerification(counts(-1, 1, 1, 1), policy, deployedAt, later)).toThrow(/occurrences must be a whole number ≥ 0, got -1/);
    expect(() => decideVerification(counts(0, -5, 1, 1), policy, deployedAt, later)).toThrow(/exposure must be a number ≥ 0, got -5/);
    expect(() => decideVerification(counts(0, 1, 1.5, 1), policy, deployedAt, later)).toThrow(/before\.occurrences must be a whole number/);
    expect(() => decideVerification(counts(0, 1, 1, 1), { ...policy, minWindowMinutes: -1 }, deployedAt, later)).toThrow(
      /minWindowMinutes must be a whole number ≥ 0/,
    );
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
  it("round-trips its marker, found again by signature and version whatever the verdict", () => {
    const hostile = { ...counts(0, 12_400, 120, 38_700), version: "1.4.2 --> <b>@team</b>" };
    const body = renderVerification(decideVerification(hostile, { ...policy, reportLagMinutes: 60 }, deployedAt, new Date("2024-05-01T13:00:00Z")), {
      environment: "production",
      sha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
    });
    expect(parseVerificationMarker(body)).toEqual({ signature: "0123456789abcdef", version: "1.4.2 --> <b>@team</b>", verdict: "verified" });
    expect(body.startsWith(verificationMarkerKey({ signature: "0123456789abcdef", version: hostile.version }))).toBe(true);
    // The marker is the only HTML comment (the chart's axis range "0 --> n" is inside its code fence), and the untrusted version never reaches the Markdown raw.
    expect(body.replace(/^```mermaid\n[\s\S]*?\n```$/gm, "").match(/-->/g)).toHaveLength(1);
    // What GitHub renders as Markdown: after the marker, outside the chart's fence and code spans (where the version is shown as sent).
    const visible = body
      .slice(body.indexOf(" -->") + 4)
      .replace(/^```mermaid\n[\s\S]*?\n```$/gm, "")
      .replace(/`[^`\n]*`/g, "");
    expect(visible).not.toContain("<b>");
    expect(visible).not.toMatch(/@team/);
    expect(body).toContain("| Crashes | 120 | 0 |");
    expect(body).toContain("in production at f95f852");
    // What a release manager needs to read it: the test, the confidence, the window and the lag.
    expect(body).toMatch(/### ✅ Verified: the crash rate fell in 1\.4\.2 .* \(no crash seen\)/);
    expect(body).not.toMatch(/crash stopped/);
    expect(body).toContain(
      '- Counted from <span title="2024-05-01T10:00:00.000Z">2024-05-01 10:00 UTC</span> to <span title="2024-05-01T12:00:00.000Z">2024-05-01 12:00 UTC</span>, leaving 60 minutes for late crash reports (configured, not measured).',
    );
    expect(body).toMatch(/Test: exact conditional test of two Poisson rates/);
    expect(body).toContain("confidence 99%");
    expect(parseVerificationMarker("no marker here")).toBeNull();
  });

  it("says which releases were left out and when events stand in for sessions", () => {
    const noted: CrashCounts = {
      ...counts(0, 12_400, 120, 38_700),
      notes: [{ kind: "left-out-without-sessions", versions: ["1.3.9"] }, { kind: "no-cutoff" }],
    };
    const body = renderVerification(decideVerification(noted, policy, deployedAt, later));
    expect(body).toContain("- Left out of the comparison: 1.3.9 (crashes but no session data");
    expect(body).toContain(
      '- Counted from <span title="2024-05-01T10:00:00.000Z">2024-05-01 10:00 UTC</span> up to now: the reporter gives totals only, so the report-lag cut-off could not be applied.',
    );
  });
});
