import { describeGap } from "../../src/core/render.js";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CrashReport } from "../../src/core/crash.js";
import { hmacSha256Hex } from "../../src/providers/alert.js";
import { sentry } from "../../src/providers/sentry.js";
import { delivery, fixtureBytes, fixtureJson } from "./delivery.js";

const SECRET = "sentry-client-secret";
const NOW = new Date("2024-06-18T12:00:00Z");
const nowSeconds = String(NOW.getTime() / 1000);

function parsed(path: string, headers: Record<string, string> = {}) {
  const raw = fixtureBytes(path);
  const result = sentry.parse(JSON.parse(raw.toString("utf8")), delivery(raw, headers));
  if (!result.ok) throw new Error(result.error);
  return result;
}

describe("sentry.parse: issue alert (event_alert), documented payload", () => {
  const { report, deliveryId } = parsed("sentry/event_alert.json", { "request-id": "d7c1a2b3-request" });

  it("maps the exception, frames in Sentry order and the links back", () => {
    expect(report.provider).toBe("sentry");
    expect(report.exception).toEqual({ type: "ReferenceError", message: "heck is not defined", handled: false });
    expect(report.frames).toHaveLength(3);
    expect(report.frames[0]).toMatchObject({
      file: "/js/prod/runner-4.1.7.min.js",
      line: 1,
      column: 10866,
      module: "prod/runner-4.1.7",
      in_app: false,
    });
    expect(report.frames.at(-1)).toEqual({ file: "<anonymous>", line: 3, column: 5, in_app: false });
    expect(report.os).toEqual({ name: "Mac OS X", version: "10.14.0" });
    expect(report.platform).toBe("javascript");
    expect(report.project).toBe("front-end");
    expect(report.reporterGroupId).toBe("1117540176");
    expect(report.reporterEventId).toBe("e4874d664c3540c1a32eab185f12c5ab");
    expect(report.url).toBe("https://sentry.io/organizations/test-org/issues/1117540176/events/e4874d664c3540c1a32eab185f12c5ab/");
    expect(report.release).toBeUndefined();
  });

  it("takes the delivery id from the signed event id and records no gaps (the event is whole)", () => {
    // The signed body's event id, not the unsigned Request-ID header.
    expect(deliveryId).toBe("e4874d664c3540c1a32eab185f12c5ab");
    expect(report.breadcrumbs).toEqual([]);
    expect(report.gaps.map(describeGap)).toEqual([]);
  });
});

describe("sentry.parse: issue alert with breadcrumbs and device", () => {
  const { report } = parsed("sentry/event_alert-android.json");

  it("keeps the raising frame last with in_app and its source line", () => {
    expect(report.frames.map((f) => f.function)).toEqual(["main", "performClick", "onCheckoutClicked", "total"]);
    expect(report.frames.at(-1)).toEqual({
      file: "CartTotals.kt",
      function: "total",
      module: "com.example.shop.checkout.CartTotals",
      line: 42,
      in_app: true,
      context_line: "        val unit = item.price!!.amount",
    });
    expect(report.frames.filter((f) => f.in_app)).toHaveLength(2);
  });

  it("turns unix-second breadcrumb timestamps into ISO, oldest first", () => {
    expect(report.breadcrumbs).toHaveLength(3);
    expect(report.breadcrumbs[0]).toEqual({
      timestamp: "2024-06-18T11:52:00.112Z",
      category: "ui.lifecycle",
      level: "info",
      data: { screen: "MainActivity", state: "resumed" },
    });
    expect(report.breadcrumbs[2]).toEqual({ timestamp: "2024-06-18T11:52:11.005Z", category: "ui.click", level: "info", message: "checkout_button" });
  });

  it("reads device, os, runtime, release and environment", () => {
    expect(report.device).toEqual({
      name: "Pixel 7",
      model: "Pixel 7",
      manufacturer: "Google",
      family: "Pixel",
      arch: "arm64-v8a",
      memory: "7.4 GiB",
      orientation: "portrait",
    });
    expect(report.os).toEqual({ name: "Android", version: "14", build: "UQ1A.240205.004" });
    expect(report.runtime).toEqual({ name: "Android", version: "14" });
    expect(report.release).toBe("com.example.shop@4.12.1+41201");
    expect(report.environment).toBe("production");
    expect(report.project).toBe("shop-android");
    expect(report.exception.handled).toBe(false);
  });
});

describe("sentry.parse: issue webhook", () => {
  const { report } = parsed("sentry/issue.json", { "sentry-hook-resource": "issue" });

  it("maps the group and names what the webhook lacks", () => {
    expect(report.exception).toEqual({ type: "ReferenceError", message: "blooopy is not defined" });
    expect(report.frames).toEqual([]);
    expect(report.events).toBe(1);
    expect(report.users).toBe(1);
    expect(report.firstSeen).toBe("2019-08-19T20:58:37.391000Z");
    expect(report.project).toBe("front-end");
    expect(report.reporterGroupId).toBe("1170820242");
    expect(report.url).toBe("https://sentry.io/organizations/test-org/issues/1170820242/");
    expect(report.gaps.map(describeGap)).toEqual([
      "stack trace: not in Sentry's issue webhook",
      "breadcrumbs: not in Sentry's issue webhook",
      "device: not in Sentry's issue webhook",
    ]);
  });

  it("builds the issue's web link from its API URLs when web_url is absent", () => {
    const body = fixtureJson("sentry/issue.json") as { data: { issue: Record<string, unknown> } };
    delete body.data.issue.web_url;
    const result = sentry.parse(body, delivery(Buffer.from("")));
    expect(result.ok && result.report.url).toBe("https://sentry.io/organizations/test-org/issues/1170820242/");
  });

  it("refuses issue actions that are not an occurrence", () => {
    const body = fixtureJson("sentry/issue.json") as { action: string };
    body.action = "resolved";
    expect(sentry.parse(body, delivery(Buffer.from("")))).toEqual({
      ok: false,
      error: "action: issue.resolved is not a crash occurrence; only issue.created and issue.unresolved are",
    });
  });
});

describe("sentry.parse: bad payloads name the field", () => {
  it("a wrongly typed exception type is skipped and said, the rest is used", () => {
    const body = fixtureJson("sentry/event_alert.json") as { data: { event: { exception: { values: { type: unknown }[] } } } };
    body.data.event.exception.values[0]!.type = 42;
    const result = sentry.parse(body, delivery(Buffer.from("")));
    if (!result.ok) throw new Error(result.error);
    expect(result.report.exception).toMatchObject({ type: "Error", message: "heck is not defined" });
    expect(result.report.frames).toHaveLength(3);
    expect(result.report.gaps.map(describeGap)).toEqual(["exception.values[0].type: skipped, expected string, got number 42"]);
  });

  it("an event with neither exception nor message is refused with the reason", () => {
    const result = sentry.parse(
      { action: "triggered", data: { event: { exception: { values: [null] }, platform: "python" } } },
      delivery(Buffer.from("")),
    );
    expect(result).toEqual({ ok: false, error: "data.event: neither an exception (exception.values) nor a message (logentry, message) to report" });
  });

  it("neither event nor issue", () => {
    const result = sentry.parse({ action: "triggered", data: {} }, delivery(Buffer.from("")));
    expect(result).toEqual({ ok: false, error: "data: expected data.event (an issue alert) or data.issue (an issue webhook); found neither" });
  });

  it("a resource that is not a crash", () => {
    const result = sentry.parse(fixtureJson("sentry/event_alert.json"), delivery(Buffer.from(""), { "sentry-hook-resource": "metric_alert" }));
    expect(!result.ok && result.error).toMatch(/^Sentry-Hook-Resource: metric_alert is not a crash alert/);
  });

  it("a missing action", () => {
    const result = sentry.parse({ data: { event: {} } }, delivery(Buffer.from("")));
    expect(!result.ok && result.error).toMatch(/^action: /);
  });
});

describe("sentry.authenticate", () => {
  const raw = fixtureBytes("sentry/event_alert.json");
  const signed = (body: Buffer, headers: Record<string, string> = {}) =>
    delivery(body, { "sentry-hook-signature": hmacSha256Hex(SECRET, raw), "sentry-hook-timestamp": nowSeconds, ...headers });

  it("accepts the exact bytes signed with the client secret", () => {
    expect(sentry.authenticate(signed(raw), SECRET, NOW)).toEqual({ ok: true });
  });

  it("accepts a delivery without a timestamp header", () => {
    expect(sentry.authenticate(delivery(raw, { "sentry-hook-signature": hmacSha256Hex(SECRET, raw) }), SECRET, NOW)).toEqual({ ok: true });
  });

  it("rejects the same JSON re-serialised", () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString("utf8"))));
    expect(sentry.authenticate(signed(reserialised), SECRET, NOW)).toMatchObject({ ok: false, status: 401 });
  });

  it("rejects a signature made with another secret", () => {
    const result = sentry.authenticate(signed(raw, { "sentry-hook-signature": hmacSha256Hex("other", raw) }), SECRET, NOW);
    expect(result).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining("does not match") });
  });

  it("rejects a truncated signature without throwing on the length", () => {
    const result = sentry.authenticate(signed(raw, { "sentry-hook-signature": hmacSha256Hex(SECRET, raw).slice(0, 10) }), SECRET, NOW);
    expect(result.ok).toBe(false);
  });

  it("rejects a missing signature header", () => {
    expect(sentry.authenticate(delivery(raw), SECRET, NOW)).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringContaining("Sentry-Hook-Signature header is missing"),
    });
  });

  it("rejects a timestamp older than 300 s as a replay", () => {
    const old = String(NOW.getTime() / 1000 - 301);
    expect(sentry.authenticate(signed(raw, { "sentry-hook-timestamp": old }), SECRET, NOW)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("replay"),
    });
    const recent = String(NOW.getTime() / 1000 - 299);
    expect(sentry.authenticate(signed(raw, { "sentry-hook-timestamp": recent }), SECRET, NOW)).toEqual({ ok: true });
  });

  it("refuses everything when the App has no secret", () => {
    expect(sentry.authenticate(signed(raw), "", NOW)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("SENTRY_CLIENT_SECRET is not set"),
    });
  });
});

describe("sentry.completeContext", () => {
  let issueReport: CrashReport;
  const latestPath = "/api/0/organizations/test-org/issues/1170820242/events/latest/";
  const api = { token: "sntrys_token" };

  beforeAll(() => {
    const result = sentry.parse(fixtureJson("sentry/issue.json"), delivery(Buffer.from("")));
    if (!result.ok) throw new Error(result.error);
    issueReport = result.report;
  });
  afterEach(() => {
    nock.cleanAll();
  });

  it("fills stack, breadcrumbs and OS from the issue's latest event", async () => {
    const scope = nock("https://sentry.io", { reqheaders: { authorization: "Bearer sntrys_token" } })
      .get(latestPath)
      .reply(200, fixtureJson("sentry/event-latest.json"));
    const report = await sentry.completeContext(issueReport, api);
    expect(scope.isDone()).toBe(true);
    expect(report.frames.map((f) => f.function)).toEqual(["ignoreOnError", "apply"]);
    expect(report.frames.at(-1)).toMatchObject({ line: 74, column: 24, in_app: false, context_line: "            me.trigger.apply(me, args);" });
    expect(report.breadcrumbs.map((b) => b.category)).toEqual(["tracing", "xhr", "sentry.transaction"]);
    expect(report.breadcrumbs[1]).toMatchObject({ timestamp: "2020-06-17T22:26:55.619Z", data: { url: "/api/0/internal/health/" } });
    expect(report.os).toEqual({ name: "Windows", version: "10" });
    expect(report.release).toBe("b65bc521378269d3eaefdc964f8ef56621414943");
    expect(report.environment).toBe("prod");
    expect(report.exception).toEqual(issueReport.exception);
    expect(report.gaps.map(describeGap)).toEqual([]);
  });

  it("takes the release's commit from the latest event when Sentry links the release to a repository", async () => {
    // Sentry's release serializer gives `lastCommit` as a commit ({ id, message, dateCreated }); the fixture left it out.
    const event = fixtureJson("sentry/event-latest.json") as { release: Record<string, unknown> };
    const lastCommit = { id: "b65bc521378269d3eaefdc964f8ef56621414943", message: "fix(ui): null check", dateCreated: "2020-06-17T18:40:00Z" };
    nock("https://sentry.io")
      .get(latestPath)
      .reply(200, { ...event, release: { ...event.release, lastCommit } });
    const report = await sentry.completeContext(issueReport, api);
    expect(report).toMatchObject({ release: "b65bc521378269d3eaefdc964f8ef56621414943", commit: lastCommit.id });
    // A latest event of another release says nothing about the report's.
    nock("https://sentry.io")
      .get(latestPath)
      .reply(200, { ...event, release: { ...event.release, lastCommit } });
    expect((await sentry.completeContext({ ...issueReport, release: "1.4.0" }, api)).commit).toBeUndefined();
  });

  it("uses SENTRY_URL for a self-hosted Sentry", async () => {
    const scope = nock("https://sentry.internal.example").get(latestPath).reply(200, fixtureJson("sentry/event-latest.json"));
    const report = await sentry.completeContext(issueReport, { ...api, baseUrl: "https://sentry.internal.example" });
    expect(scope.isDone()).toBe(true);
    expect(report.frames).toHaveLength(2);
  });

  it("turns a 401 into gaps that say what answered what", async () => {
    nock("https://sentry.io").get(latestPath).reply(401, { detail: "Invalid token" });
    const report = await sentry.completeContext(issueReport, api);
    expect(report.frames).toEqual([]);
    expect(report.gaps.map(describeGap)).toHaveLength(3);
    expect(describeGap(report.gaps[0]!)).toMatch(
      /^stack trace: not in Sentry's issue webhook, and fetching the latest event failed: Sentry API: GET \/api\/0\/organizations\/test-org\/issues\/1170820242\/events\/latest\/ answered 401 \(check the auth token/,
    );
  });

  it("without SENTRY_AUTH_TOKEN asks nothing and says why", async () => {
    const report = await sentry.completeContext(issueReport, {});
    expect(describeGap(report.gaps[1]!)).toBe(
      "breadcrumbs: not in Sentry's issue webhook, and fetching the latest event failed: SENTRY_AUTH_TOKEN is not set",
    );
  });

  it("retries a 429 and then fills the report", async () => {
    const scope = nock("https://sentry.io")
      .get(latestPath)
      .reply(429, "slow down", { "Retry-After": "0" })
      .get(latestPath)
      .reply(200, fixtureJson("sentry/event-latest.json"));
    const report = await sentry.completeContext(issueReport, api);
    expect(scope.isDone()).toBe(true);
    expect(report.breadcrumbs).toHaveLength(3);
    expect(report.gaps.map(describeGap)).toEqual([]);
  });

  it("asks nothing for an issue alert, which carries the whole event", async () => {
    const result = sentry.parse(fixtureJson("sentry/event_alert.json"), delivery(Buffer.from("")));
    if (!result.ok) throw new Error(result.error);
    expect(await sentry.completeContext(result.report, api)).toBe(result.report);
  });
});

describe("sentry.parse: events as SDKs send them", () => {
  const sample = (name: string) => {
    const result = sentry.parse(fixtureJson(`sentry/samples/${name}.json`), delivery(Buffer.from("")));
    if (!result.ok) throw new Error(result.error);
    return result.report;
  };

  it("takes the crashed thread's stack when the exception has none, and says so", () => {
    const report = sample("rails-crashed-thread");
    expect(report.stackFrom).toBe("crashed thread");
    expect(report.frames.at(-1)).toMatchObject({ file: "app/views/welcome/view_error.html.erb", line: 1, in_app: true });
    expect(report.browser).toEqual({ name: "Safari", version: "14.0.3" });
    expect(report.transaction).toBe("WelcomeController#view_error");
    expect(report.requestUrl).toBe("http://localhost:3000/view_error");
    expect(report.occurredAt).toBe("2021-02-14T14:09:35.000Z");
  });

  it("keeps the chain crash first, each cause with its own frames", () => {
    const report = sample("exceptions-and-no-threads");
    expect(report.exception.type).toBe("ActionView::Template::Error");
    expect(report.frames).toEqual([]);
    expect(report.causes).toHaveLength(1);
    expect(report.causes[0]).toMatchObject({
      type: "NameError",
      frames: [{ line: 135 }, { line: 334 }, { file: "app/views/welcome/view_error.html.erb", in_app: true }],
    });
  });

  it("follows mechanism parent links when an SDK sends them", () => {
    const body = fixtureJson("sentry/event_alert.json") as { data: { event: { exception: { values: Record<string, unknown>[] } } } };
    const [crash] = body.data.event.exception.values;
    body.data.event.exception.values = [
      { ...crash, type: "Outer", mechanism: { type: "chained", exception_id: 0 } },
      { type: "Inner", value: "root cause", mechanism: { type: "chained", exception_id: 1, parent_id: 0 } },
    ];
    const result = sentry.parse(body, delivery(Buffer.from("")));
    expect(result.ok && [result.report.exception.type, ...result.report.causes.map((c) => c.type)]).toEqual(["Outer", "Inner"]);
  });

  it("keeps native addresses, images and offsets from debug_meta", () => {
    const report = sample("android-ndk");
    expect(report.frames).toHaveLength(36);
    expect(report.frames.at(-1)).toEqual({ instruction_addr: "0xbcc196b4", in_app: false });
    expect(report.frames.at(-2)).toEqual({
      instruction_addr: "0xe5ed9f68",
      package: "/apex/com.android.runtime/lib/libart.so",
      image_offset: "0x144f68",
      in_app: false,
    });
  });

  it("records a missing stack when neither the exception, its causes nor a thread has one", () => {
    const report = sample("invalid-interfaces");
    expect(report.gaps.map(describeGap)).toContain("stack trace: not in Sentry's issue alert");
    expect(report.gaps.map(describeGap)).toContain('breadcrumbs.values[2].data: skipped, expected record, got the text "must be a mapping"');
    expect(report.breadcrumbs).toHaveLength(3);
  });

  it("reads a runtime context under any key whose type is runtime", () => {
    expect(sample("native-rust").runtime).toEqual({ name: "rustc", version: "1.25.0" });
    expect(sample("aspnetcore").runtime).toEqual({ name: ".NET Core", version: "2.1.5" });
  });
});
