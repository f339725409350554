import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { CrashReport, type CrashReportInput } from "../../src/core/crash.js";
import { markerReporterGroups } from "../../src/core/marker.js";
import { parseIssueMarker, renderIssue } from "../../src/core/render.js";
import { reporterGroupKey, reporterGroupOf } from "../../src/core/reporter-group.js";

// The reporter's group of a crash: how it is named, and how the issue's marker lists and reads it back.

const crash = (overrides: Partial<CrashReportInput>) =>
  CrashReport.parse({ provider: "sentry", exception: { type: "TypeError", message: "aha is not a function" }, ...overrides });

const stats = {
  events: 3,
  users: 1,
  versions: [{ version: "1.0.1", count: 3 }],
  firstSeen: "2024-06-10T09:00:00Z",
  lastSeen: "2024-06-11T10:00:00Z",
};
const markerOf = (report: CrashReport, reporterGroups?: { provider: "sentry" | "bugsnag" | "generic"; project?: string; id: string }[]) =>
  parseIssueMarker(renderIssue({ report, signature: "0123456789abcdef", stats, links: DEFAULT_CONFIG.links, reporterGroups }).body);

describe("reporterGroupOf", () => {
  it("names a Sentry issue by its id alone, a Bugsnag error and a generic fingerprint within their project", () => {
    expect(reporterGroupOf(crash({ project: "web", reporterGroupId: "4509876543" }))).toEqual({ provider: "sentry", id: "4509876543" });
    expect(reporterGroupOf(crash({ provider: "bugsnag", project: "5f8a", reporterGroupId: "60a1" }))).toEqual({
      provider: "bugsnag",
      project: "5f8a",
      id: "60a1",
    });
    expect(reporterGroupOf(crash({ provider: "generic", project: "kiosk", reporterGroupId: "NullReference:Wheel" }))).toEqual({
      provider: "generic",
      project: "kiosk",
      id: "NullReference:Wheel",
    });
    expect(reporterGroupOf(crash({ reporterGroupId: "  " }))).toBeNull();
    expect(reporterGroupOf(crash({}))).toBeNull();
  });

  it("gives ids of two reporters or two projects different keys, and no id can spell another's", () => {
    const keys = [
      reporterGroupKey({ provider: "sentry", id: "1" }),
      reporterGroupKey({ provider: "generic", id: "1" }),
      reporterGroupKey({ provider: "bugsnag", project: "a", id: "1" }),
      reporterGroupKey({ provider: "bugsnag", project: "b", id: "1" }),
      reporterGroupKey({ provider: "bugsnag", project: "a:1", id: "" }),
      reporterGroupKey({ provider: "bugsnag", project: "a", id: ":1" }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("the issue marker's reporter groups", () => {
  it("lists every group attached to the issue and the report's own, once each, first attached first", () => {
    const report = crash({ project: "web", reporterGroupId: "4509876600" });
    const marker = markerOf(report, [
      { provider: "sentry", id: "4509876543" },
      { provider: "sentry", id: "4509876600" },
      { provider: "bugsnag", project: "5f8a", id: "60a1" },
    ])!;
    expect(marker.reporterGroups).toEqual([
      { provider: "sentry", id: "4509876543" },
      { provider: "sentry", id: "4509876600" },
      { provider: "bugsnag", project: "5f8a", id: "60a1" },
    ]);
    // The latest alert's id stays where an Action of the previous version reads it.
    expect(marker.reporterGroupId).toBe("4509876600");
    expect(markerReporterGroups(marker)).toEqual(marker.reporterGroups);
  });

  it("lists the report's own group when the store attached none yet, and none for a crash without one", () => {
    expect(markerOf(crash({ provider: "bugsnag", project: "5f8a", reporterGroupId: "60a1" }))!.reporterGroups).toEqual([
      { provider: "bugsnag", project: "5f8a", id: "60a1" },
    ]);
    const bare = markerOf(crash({}))!;
    expect(bare.reporterGroups).toBeUndefined();
    expect(markerReporterGroups(bare)).toEqual([]);
  });

  it("reads the one id of a marker written by the previous version as a group of its provider and project", () => {
    const old = (provider: string, project: string) =>
      `body\n<!-- hotfix-loop:crash {"v":1,"signature":"0123456789abcdef","sv":2,"provider":"${provider}","project":"${project}","frames":[],"versions":["1.0.0"],"reporterGroupId":"777"} -->`;
    expect(markerReporterGroups(parseIssueMarker(old("sentry", "web"))!)).toEqual([{ provider: "sentry", id: "777" }]);
    expect(markerReporterGroups(parseIssueMarker(old("bugsnag", "5f8a"))!)).toEqual([{ provider: "bugsnag", project: "5f8a", id: "777" }]);
  });
});
