import { describe, expect, it } from "vitest";
import { LAG_BOUNDS_MINUTES, quantile, reportLagFrom, type ReportTimes } from "../../src/core/report-lag.js";
import { renderVerification } from "../../src/core/verify-report.js";
import { decideVerification, type CrashCounts } from "../../src/core/verify.js";

const at = new Date("2024-05-01T12:00:00Z").getTime();
/** Events arriving `delay` minutes after they occurred. */
const times = (delays: number[]): ReportTimes[] =>
  delays.map((delay, i) => ({ receivedAt: new Date(at - i * 60_000), occurredAt: new Date(at - i * 60_000 - delay * 60_000) }));

describe("report lag from the reporter's recent events", () => {
  it("takes the nearest-rank quantile: 99% of 200 events is the 198th smallest", () => {
    const delays = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(quantile(delays, 0.99)).toBe(198);
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([], 0.99)).toBeNaN();
  });

  it("covers 99% of events, rounded up to whole minutes, so a straggler past that does not set it", () => {
    const lag = reportLagFrom(times([...Array.from({ length: 98 }, () => 3), 46.2, 600]), "shop-android", 180);
    expect(lag).toEqual({ minutes: 47, measured: { events: 100, share: 0.99, project: "shop-android" } });
  });

  it("is bounded: seconds become one minute, a days-long backlog three days", () => {
    expect(reportLagFrom(times(Array.from({ length: 30 }, () => 0.05)), "web", 180).minutes).toBe(LAG_BOUNDS_MINUTES.min);
    expect(reportLagFrom(times(Array.from({ length: 30 }, () => 10 * 24 * 60)), "tv", 180).minutes).toBe(LAG_BOUNDS_MINUTES.max);
  });

  it("counts a device clock ahead of the reporter's as no delay", () => {
    expect(reportLagFrom(times(Array.from({ length: 30 }, () => -30)), "web", 180).minutes).toBe(1);
  });

  it("uses the configured lag when too few events say anything", () => {
    expect(reportLagFrom(times([1, 2, 3]), "web", 180)).toEqual({ minutes: 180, measured: null });
  });

  it("is stated in the verdict with the project, the share and how far back counting stops", () => {
    const counts: CrashCounts = {
      provider: "sentry",
      signature: "0123456789abcdef",
      version: "4.12.2",
      occurrences: 0,
      exposure: 12_400,
      exposureUnit: "sessions",
      before: { occurrences: 120, exposure: 38_700, versions: ["4.12.1"] },
    };
    const measured = { events: 100, share: 0.99, project: "shop-android" };
    const verdict = decideVerification(
      counts,
      { confidence: 0.99, minWindowMinutes: 30, reportLagMinutes: 47, measuredLag: measured },
      new Date("2024-05-01T10:00:00Z"),
      new Date("2024-05-01T13:00:00Z"),
    );
    expect(renderVerification(verdict)).toContain(
      '- Counted from <span title="2024-05-01T10:00:00.000Z">2024-05-01 10:00 UTC</span> to <span title="2024-05-01T12:13:00.000Z">2024-05-01 12:13 UTC</span>: reports for shop-android arrive within 47 minutes for 99% of events (the last 100 events); counted up to 47 minutes ago.',
    );
  });
});
