import { describeGap } from "../../src/core/render.js";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CrashReport } from "../../src/core/crash.js";
import { hmacSha256Hex } from "../../src/providers/alert.js";
import { generic, genericAlertJsonSchema } from "../../src/providers/generic.js";
import { delivery, fixtureBytes, fixtureJson } from "./delivery.js";

const SECRET = "generic-secret";
const NOW = new Date("2024-06-18T12:00:00Z");
const TS = String(NOW.getTime() / 1000);
const none = delivery(Buffer.from(""));

describe("generic.parse", () => {
  it("reverses a crashing-first stack and keeps everything the sender gave", () => {
    const result = generic.parse(fixtureJson("generic/unity-crashing-first.json"), none);
    if (!result.ok) throw new Error(result.error);
    const { report, deliveryId } = result;
    expect(report.frames.map((f) => f.function)).toEqual(["Invoke", "OnConfirm", "ApplySelection"]);
    expect(report.frames.at(-1)).toEqual({
      file: "Assets/Scripts/Garage/WheelPicker.cs",
      function: "ApplySelection",
      module: "SkyRally.Garage.WheelPicker",
      line: 57,
      in_app: true,
    });
    expect(report.exception).toEqual({
      type: "NullReferenceException",
      message: "Object reference not set to an instance of an object",
      handled: false,
    });
    expect(report.breadcrumbs).toEqual([
      { timestamp: "2024-06-18T11:52:00.000Z", category: "scene", message: "Loaded Garage" },
      { timestamp: "2024-06-18T11:52:05.000Z", category: "ui.click", level: "info", message: "Wheels tab", data: { tab: 2 } },
    ]);
    expect(report.device).toEqual({ model: "iPhone14,5", manufacturer: "Apple", memory: "4 GiB" });
    expect(report.os).toEqual({ name: "iOS", version: "17.5.1" });
    expect(report.release).toBe("2.8.0");
    expect(report.commit).toBe("3f9c2e1a7b5d4c6e8f0a1b2c3d4e5f6a7b8c9d0e");
    expect(report.project).toBe("sky-rally");
    expect(report.events).toBe(31);
    expect(report.users).toBe(12);
    expect(report.reporterGroupId).toBe("NullReferenceException:WheelPicker.ApplySelection");
    expect(report.reporterEventId).toBe("evt-2024-06-18-000731");
    expect(deliveryId).toBe("evt-2024-06-18-000731");
    expect(report.gaps.map(describeGap)).toEqual([]);
  });

  it("keeps a crashing-last stack as sent (the default order)", () => {
    const body = fixtureJson("generic/unity-crashing-first.json") as { stacktrace: { order?: string } };
    delete body.stacktrace.order;
    const result = generic.parse(body, none);
    expect(result.ok && result.report.frames.at(-1)?.function).toBe("Invoke");
  });

  it("accepts a Bugnet-like report without a stack and says what is missing", () => {
    const result = generic.parse(fixtureJson("generic/bugnet-no-stack.json"), none);
    if (!result.ok) throw new Error(result.error);
    expect(result.report.exception).toEqual({ type: "PlayerReport", message: "Game froze after planting the third crop" });
    expect(result.report.frames).toEqual([]);
    expect(result.report.release).toBe("0.14.2");
    expect(result.report.gaps.map(describeGap)).toEqual(["stack trace: not in the alert", "breadcrumbs: not in the alert"]);
  });

  it("builds a report the canonical schema would pass unchanged, so it is not validated twice", () => {
    const unity = fixtureJson("generic/unity-crashing-first.json") as Record<string, unknown>;
    const payloads = [
      unity,
      fixtureJson("generic/bugnet-no-stack.json"),
      { ...unity, fingerprint: ["a", "b"], firstSeen: 1718700000, lastSeen: "not a date", counts: { events: 0 } },
      { exception: { type: "E" }, breadcrumbs: [{}, { timestamp: "" }, { timestamp: 1e300 }, { timestamp: 1718700000123, data: {} }] },
    ];
    for (const payload of payloads) {
      const result = generic.parse(payload, none);
      if (!result.ok) throw new Error(result.error);
      expect(JSON.stringify(CrashReport.parse(result.report))).toBe(JSON.stringify(result.report));
    }
  });

  it("names the field of a bad payload", () => {
    const wrongType = generic.parse({ exception: { type: 7 } }, none);
    expect(!wrongType.ok && wrongType.error).toMatch(/^exception\.type: .*expected string.*found number 7/);
    const noException = generic.parse({ release: "1.0" }, none);
    expect(!noException.ok && noException.error).toMatch(/^exception: /);
    const badOrder = generic.parse({ exception: { type: "E" }, stacktrace: { order: "newest-first", frames: [] } }, none);
    expect(!badOrder.ok && badOrder.error).toMatch(/^stacktrace\.order: /);
    const badLine = generic.parse({ exception: { type: "E" }, stacktrace: { frames: [{ line: 1.5 }] } }, none);
    expect(!badLine.ok && badLine.error).toMatch(/^stacktrace\.frames\.0\.line: /);
  });

  it("has no API to complete from: gaps stay", async () => {
    const result = generic.parse(fixtureJson("generic/bugnet-no-stack.json"), none);
    if (!result.ok) throw new Error(result.error);
    expect(await generic.completeContext(result.report, {})).toEqual(result.report);
  });
});

describe("generic.authenticate", () => {
  const raw = fixtureBytes("generic/unity-crashing-first.json");
  const sign = (body: Buffer, timestamp = TS, secret = SECRET) => `sha256=${hmacSha256Hex(secret, `${timestamp}.`, body)}`;
  const signed = (body: Buffer, headers: Record<string, string> = {}) =>
    delivery(body, { "x-hotfix-timestamp": TS, "x-hotfix-signature": sign(raw), ...headers });

  it("accepts HMAC(secret, timestamp + '.' + the exact bytes)", () => {
    expect(generic.authenticate(signed(raw), SECRET, NOW)).toEqual({ ok: true });
  });

  it("rejects the same JSON re-serialised", () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString("utf8"))));
    expect(generic.authenticate(signed(reserialised), SECRET, NOW)).toMatchObject({ ok: false, status: 401 });
  });

  it("rejects another secret, a bare hex signature, and a signature of another timestamp", () => {
    expect(generic.authenticate(signed(raw, { "x-hotfix-signature": sign(raw, TS, "other") }), SECRET, NOW).ok).toBe(false);
    expect(generic.authenticate(signed(raw, { "x-hotfix-signature": sign(raw).slice("sha256=".length) }), SECRET, NOW).ok).toBe(false);
    const earlier = String(Number(TS) - 10);
    expect(generic.authenticate(signed(raw, { "x-hotfix-timestamp": earlier }), SECRET, NOW).ok).toBe(false);
  });

  it("rejects missing headers", () => {
    expect(generic.authenticate(delivery(raw, { "x-hotfix-signature": sign(raw) }), SECRET, NOW)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("X-Hotfix-Timestamp header is missing"),
    });
    expect(generic.authenticate(delivery(raw, { "x-hotfix-timestamp": TS }), SECRET, NOW)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("X-Hotfix-Signature header is missing"),
    });
  });

  it("rejects a validly signed but old delivery as a replay", () => {
    const old = String(Number(TS) - 301);
    const result = generic.authenticate(delivery(raw, { "x-hotfix-timestamp": old, "x-hotfix-signature": sign(raw, old) }), SECRET, NOW);
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("replay") });
  });

  it("rejects a timestamp that is not unix seconds", () => {
    const iso = "2024-06-18T12:00:00Z";
    const result = generic.authenticate(delivery(raw, { "x-hotfix-timestamp": iso, "x-hotfix-signature": sign(raw, iso) }), SECRET, NOW);
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("expected unix seconds") });
  });
});

describe("schema/generic-alert.schema.json", () => {
  const file = new URL("../../schema/generic-alert.schema.json", import.meta.url);
  // Regenerate after changing GenericAlert: UPDATE_SCHEMA=1 npx vitest run test/providers/generic.test.ts
  if (process.env.UPDATE_SCHEMA) writeFileSync(file, `${JSON.stringify(genericAlertJsonSchema(), null, 2)}\n`);

  it("is generated from the GenericAlert zod schema (stale file: regenerate it)", () => {
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(genericAlertJsonSchema());
  });

  it("documents the fields senders use", () => {
    const schema = genericAlertJsonSchema() as { required?: string[]; properties: Record<string, { description?: string }> };
    expect(schema.required).toEqual(["exception"]);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["exception", "stacktrace", "breadcrumbs", "device", "os", "release", "commit", "eventId", "fingerprint", "counts"]),
    );
  });
});
