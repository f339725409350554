import { describe, expect, it } from "vitest";
import { CrashReport } from "../../src/core/crash.js";
import { newestRelease, rescheduled, syncDueAt, occurrenceVersion } from "../../src/store/outbox.js";

describe("versions", () => {
  it("counts a report without a release as unknown and leaves unknown out of the newest release", () => {
    const report = CrashReport.parse({ provider: "generic", exception: { type: "Error" } });
    expect(occurrenceVersion(report)).toBe("unknown");
    expect(occurrenceVersion({ ...report, release: " 1.2.0 " })).toBe("1.2.0");
    expect(newestRelease(["1.2.0", "unknown", "1.10.0", "1.9.0"])).toBe("1.10.0");
    expect(newestRelease(["unknown"])).toBeNull();
  });
});

describe("syncDueAt", () => {
  const now = "2026-03-01T12:00:30.000Z";
  it("is now for an issue to open or reopen", () => {
    expect(syncDueAt({ issueNumber: null, regressedIn: null, renderedAt: null }, now, 60)).toBe(now);
    expect(syncDueAt({ issueNumber: 3, regressedIn: "1.2.0", renderedAt: "2026-03-01T12:00:00.000Z" }, now, 60)).toBe(now);
  });
  it("waits one refresh interval after the last edit", () => {
    expect(syncDueAt({ issueNumber: 3, regressedIn: null, renderedAt: "2026-03-01T12:00:00.000Z" }, now, 60)).toBe("2026-03-01T12:01:00.000Z");
    expect(syncDueAt({ issueNumber: 3, regressedIn: null, renderedAt: "2026-03-01T11:00:00.000Z" }, now, 60)).toBe(now);
  });
});

describe("rescheduled", () => {
  const early = "2026-03-01T12:00:00.000Z";
  const late = "2026-03-01T12:05:00.000Z";
  it("brings a waiting job forward, never back", () => {
    expect(rescheduled({ dueAt: late, leased: false, rearm: false }, early)).toEqual({ dueAt: early, rearm: false });
    expect(rescheduled({ dueAt: early, leased: false, rearm: false }, late)).toEqual({ dueAt: early, rearm: false });
  });
  it("re-arms a held job for the requested time, keeping the earliest of several requests", () => {
    // The due time of a held job is the one it was claimed at, which says nothing about the rerun.
    expect(rescheduled({ dueAt: early, leased: true, rearm: false }, late)).toEqual({ dueAt: late, rearm: true });
    expect(rescheduled({ dueAt: late, leased: true, rearm: true }, early)).toEqual({ dueAt: early, rearm: true });
    expect(rescheduled({ dueAt: early, leased: true, rearm: true }, late)).toEqual({ dueAt: early, rearm: true });
  });
});
