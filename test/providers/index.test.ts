import { describe, expect, it } from "vitest";
import { ProviderName } from "../../src/core/crash.js";
import { isoTimestamp, replayRefusal, sameSecret } from "../../src/providers/alert.js";
import { parseAlertPayload, providers } from "../../src/providers/index.js";
import { fixtureJson } from "./delivery.js";

describe("providers", () => {
  it("has one provider per ProviderName, each under its own name and secret", () => {
    expect(Object.keys(providers).sort()).toEqual([...ProviderName.options].sort());
    for (const name of ProviderName.options) expect(providers[name].name).toBe(name);
    expect(Object.values(providers).map((p) => p.secretEnv)).toEqual(["SENTRY_CLIENT_SECRET", "BUGSNAG_WEBHOOK_TOKEN", "HOTFIX_GENERIC_SECRET"]);
  });
});

describe("parseAlertPayload (no authentication, for the CLI)", () => {
  it("parses each reporter's fixture", () => {
    const sentry = parseAlertPayload("sentry", fixtureJson("sentry/event_alert.json"));
    expect(sentry.ok && sentry.report.exception.type).toBe("ReferenceError");
    const bugsnag = parseAlertPayload("bugsnag", fixtureJson("bugsnag/webhook-exception.json"));
    expect(bugsnag.ok && bugsnag.report.exception.type).toBe("ExampleException");
    const generic = parseAlertPayload("generic", fixtureJson("generic/bugnet-no-stack.json"));
    expect(generic.ok && generic.report.provider).toBe("generic");
  });

  it("gives the field-naming error for a payload of the wrong reporter", () => {
    const result = parseAlertPayload("generic", fixtureJson("sentry/event_alert.json"));
    expect(!result.ok && result.error).toMatch(/^exception: /);
  });

  it("does not crash on bodies that are not objects", () => {
    for (const body of [null, 42, "text", []]) {
      for (const name of ProviderName.options) expect(parseAlertPayload(name, body).ok).toBe(false);
    }
  });
});

describe("alert building blocks", () => {
  it("sameSecret compares secrets of any length", () => {
    expect(sameSecret("abc", "abc")).toBe(true);
    expect(sameSecret("abc", "abd")).toBe(false);
    expect(sameSecret("ab", "abc")).toBe(false);
    expect(sameSecret("", "abc")).toBe(false);
  });

  it("isoTimestamp gives an ISO string back as Date would print it, also where Date rolls a day or an hour over", () => {
    const asDate = (text: string) => (Number.isNaN(Date.parse(text)) ? text : new Date(text).toISOString());
    for (const day of ["00", "01", "28", "29", "30", "31", "32"])
      for (const month of ["00", "02", "04", "12", "13"])
        for (const time of ["00:00:00.000", "23:59:59.999", "24:00:00.000", "23:60:00.000", "23:59:60.000"]) {
          const text = `2025-${month}-${day}T${time}Z`;
          expect(isoTimestamp(text), text).toBe(asDate(text));
        }
    expect(isoTimestamp("2024-02-29T12:00:00.000Z")).toBe("2024-02-29T12:00:00.000Z");
    expect(isoTimestamp("2024-06-18T11:52:00Z")).toBe("2024-06-18T11:52:00.000Z");
  });

  it("isoTimestamp reads unix seconds, milliseconds and ISO", () => {
    expect(isoTimestamp(1566248777.677)).toBe("2019-08-19T21:06:17.677Z");
    expect(isoTimestamp(1566248777677)).toBe("2019-08-19T21:06:17.677Z");
    expect(isoTimestamp("2020-06-17T22:26:55.266586Z")).toBe("2020-06-17T22:26:55.266Z");
    expect(isoTimestamp("yesterday-ish")).toBe("yesterday-ish");
    expect(isoTimestamp(null)).toBeUndefined();
  });

  it("replayRefusal allows 300 s either way", () => {
    const now = new Date("2024-06-18T12:00:00Z");
    const at = (offset: number) => String(now.getTime() / 1000 + offset);
    expect(replayRefusal("X", at(-300), now)).toBeNull();
    expect(replayRefusal("X", at(300), now)).toBeNull();
    expect(replayRefusal("X", at(-301), now)).toMatchObject({ ok: false });
    expect(replayRefusal("X", at(301), now)).toMatchObject({ ok: false });
  });
});
