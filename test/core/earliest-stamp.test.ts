import { describe, expect, it } from "vitest";
import { earliestStamp, firstSeenOf } from "../../src/core/crash.js";

const RECEIVED = "2026-03-01T12:00:00Z";

describe("earliestStamp", () => {
  it("takes the earliest of the reporter's stamps and the arrival", () => {
    expect(earliestStamp(["2026-02-20T08:00:00Z", "2026-03-01T11:59:00Z"], RECEIVED)).toBe("2026-02-20T08:00:00Z");
    expect(earliestStamp(["2026-03-01T11:59:00+01:00"], RECEIVED)).toBe("2026-03-01T11:59:00+01:00");
    expect(earliestStamp([], RECEIVED)).toBe(RECEIVED);
  });

  it("passes over stamps that are unreadable or later than the arrival (a skewed device clock)", () => {
    expect(earliestStamp(["yesterday", "2027-01-01T00:00:00Z"], RECEIVED)).toBe(RECEIVED);
    expect(earliestStamp(["2026-03-01T12:00:01Z", "2026-03-01T10:00:00Z"], RECEIVED)).toBe("2026-03-01T10:00:00Z");
  });

  it("keeps the reporter's own text when it names the same instant as the arrival", () => {
    expect(earliestStamp(["2026-03-01T12:00:00.000Z"], RECEIVED)).toBe("2026-03-01T12:00:00.000Z");
  });
});

describe("firstSeenOf", () => {
  it("takes the earlier of the reporter's first-seen and the event's own time, never after the arrival", () => {
    expect(firstSeenOf({ occurredAt: "2026-03-01T11:52:11.217Z" }, RECEIVED)).toBe("2026-03-01T11:52:11.217Z");
    expect(firstSeenOf({ firstSeen: "2026-02-01T00:00:00Z", occurredAt: "2026-03-01T11:52:11.217Z" }, RECEIVED)).toBe("2026-02-01T00:00:00Z");
    expect(firstSeenOf({ occurredAt: "2026-03-02T00:00:00Z" }, RECEIVED)).toBe(RECEIVED);
  });
});
