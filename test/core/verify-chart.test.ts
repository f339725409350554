import { describe, expect, it } from "vitest";
import { verificationChart } from "../../src/core/verify-chart.js";
import { renderVerification } from "../../src/core/verify-report.js";
import { decideVerification, type CrashCounts } from "../../src/core/verify.js";
import { mermaidBlocks, parseMermaid } from "../mermaid.js";

const policy = { confidence: 0.99, minWindowMinutes: 30, reportLagMinutes: 0 };
const deployedAt = new Date("2024-05-01T10:00:00Z");
const later = new Date("2024-05-01T12:00:00Z");

function counts(k: number, exposure: number, k0: number, exposure0: number, versions = ["1.4.0", "1.4.1"]): CrashCounts {
  return {
    provider: "sentry",
    signature: "0123456789abcdef",
    version: "my-app@1.4.2",
    occurrences: k,
    exposure,
    exposureUnit: "sessions",
    before: { occurrences: k0, exposure: exposure0, versions },
  };
}

describe("the verification comment's chart", () => {
  it("draws the rate before and after the fix on the table's scale, and Mermaid reads it", async () => {
    const verdict = decideVerification(counts(0, 12_400, 120, 38_700), policy, deployedAt, later);
    const comment = renderVerification(verdict);
    const [chart, ...rest] = mermaidBlocks(comment);
    expect(rest).toEqual([]);
    // Inside the fenced block nothing is linked: the version is as sent.
    expect(chart).toContain('x-axis ["1.4.0, 1.4.1", "my-app@1.4.2"]');
    // 120 crashes in 38,700 sessions: 3.1 per 1,000 sessions, as the table says.
    expect(chart).toContain("bar [3.101, 0]");
    expect(chart).toContain('y-axis "crashes per 1,000 sessions"');
    expect(comment).toContain("| Rate per 1,000 sessions | 3.1 | 0 |");
    expect(comment.indexOf("| Rate per")).toBeLessThan(comment.indexOf("```mermaid"));
    expect((await parseMermaid(chart!)).type).toBe("xychart");
    expect(comment).toContain(
      "_Bars: crashes per 1,000 sessions, from the counts in the table (before the fix: 120 crashes in 38,700 sessions; `my-app@1.4.2`: 0 crashes in 12,400 sessions)._",
    );
  });

  it("draws no bar for a release with no data yet, and says why", async () => {
    const verdict = decideVerification(counts(0, 0, 120, 38_700), policy, deployedAt, later);
    const comment = renderVerification(verdict);
    const [chart] = mermaidBlocks(comment);
    expect(chart).toContain('x-axis ["1.4.0, 1.4.1"]');
    expect(chart).toContain("bar [3.101]");
    expect(comment).toContain("no bar for `my-app@1.4.2`: no sessions counted yet._");
    expect((await parseMermaid(chart!)).type).toBe("xychart");
  });

  it("draws no bar before the fix when no crash was counted there", () => {
    const chart = verificationChart(decideVerification(counts(3, 1_000, 0, 5_000), policy, deployedAt, later));
    expect(chart).toContain('x-axis ["my-app@1.4.2"]');
    expect(chart).toContain("no bar for before the fix: no crash counted, so no rate to compare with._");
  });

  it("reads a partial fix, and versions with quotes or brackets in their names", async () => {
    const verdict = decideVerification(counts(30, 10_000, 120, 10_000, ['2.0 "beta"', "[rc]"]), policy, deployedAt, later);
    const [chart] = mermaidBlocks(renderVerification(verdict));
    expect(chart).toContain("bar [12, 3]");
    expect((await parseMermaid(chart!)).type).toBe("xychart");
  });

  it("draws nothing without any rate", () => {
    const verdict = decideVerification(counts(0, 0, 0, 0), policy, deployedAt, later);
    expect(verdict.rateBefore).toBeNull();
    expect(verificationChart(verdict)).toBe("");
  });
});
