import { payloadGap } from "../../src/providers/alert.js";
import { describeGap } from "../../src/core/render.js";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CrashReport } from "../../src/core/crash.js";
import { bugsnag } from "../../src/providers/bugsnag.js";
import { delivery, fixtureJson } from "./delivery.js";

const NOW = new Date("2024-06-18T12:00:00Z");
const none = delivery(Buffer.from(""));

function parsed(body: unknown) {
  const result = bugsnag.parse(body, none);
  if (!result.ok) throw new Error(result.error);
  return result;
}

describe("bugsnag.parse: captured exception webhook", () => {
  const { report, deliveryId } = parsed(fixtureJson("bugsnag/webhook-exception.json"));

  it("reverses Bugsnag's crashing-first stack into Sentry order", () => {
    expect(report.frames.map((f) => f.file)).toEqual([
      "lib/important/magic.rb",
      "gems/junk/junkfile.rb",
      "app/controllers/other_controller.rb",
      "app/controllers/home_controller.rb",
    ]);
    expect(report.frames.at(-1)).toEqual({ file: "app/controllers/home_controller.rb", function: "example", line: 123, in_app: true });
    expect(report.frames[1]).toMatchObject({ line: 999, in_app: false });
  });

  it("maps exception, release, stage, device and OS", () => {
    expect(report.provider).toBe("bugsnag");
    expect(report.exception).toEqual({ type: "ExampleException", message: "Something really bad happened", handled: false });
    expect(report.release).toBe("App version");
    expect(report.environment).toBe("production");
    expect(report.device).toEqual({ model: "Nexus 6P", manufacturer: "LGE", locale: "en_US", orientation: "portrait", memory: "192.0 MiB" });
    expect(report.os).toEqual({ name: "android", version: "8.0.1" });
    expect(report.platform).toBe("rails");
    expect(report.project).toBe("559bc00a94a804b02a96dd81");
    expect(report.reporterGroupId).toBe("530c3522e694aae2f4000035");
    expect(report.reporterEventId).toBe("54d535b2776562445f002e4f");
    expect(report.firstSeen).toBe("2014-02-25T06:16:02.000Z");
    expect(report.url).toBe("http://app.bugsnag.com/errors/example/events/example?i=wh&m=te");
  });

  it("names one delivery by error and event, and the missing breadcrumbs as a gap", () => {
    expect(deliveryId).toBe("530c3522e694aae2f4000035:54d535b2776562445f002e4f");
    expect(report.breadcrumbs).toEqual([]);
    expect(report.gaps.map(describeGap)).toEqual(["breadcrumbs: not in Bugsnag's webhook"]);
  });
});

describe("bugsnag.parse: firstException with breadcrumbs", () => {
  const { report } = parsed(fixtureJson("bugsnag/webhook-firstException.json"));

  it("keeps the webhook's breadcrumbs in order: name as message, type as category", () => {
    expect(report.breadcrumbs).toHaveLength(4);
    expect(report.breadcrumbs[0]).toEqual({ timestamp: "2022-02-14T08:37:08.068Z", category: "state", message: "Bugsnag loaded" });
    expect(report.breadcrumbs.map((b) => b.message)).toEqual(["Bugsnag loaded", "DOMContentLoaded", "Page loaded", "Page shown"]);
    expect(report.gaps.map(describeGap)).toEqual([]);
  });

  it("reads string line and column numbers and the handled flag", () => {
    expect(report.frames).toEqual([{ file: "file:///index.html", line: 34, column: 15, in_app: false, context_line: "  margin: 0 0 0 5px;" }]);
    expect(report.exception).toEqual({ type: "Error", message: "Test error", handled: true });
    expect(report.os).toEqual({ name: "Mac OS X 10.15" });
    expect(report.events).toBe(1);
  });
});

describe("bugsnag.parse: other spellings", () => {
  it("Bugsnag's own example: lower-case stacktrace, counts, no ids", () => {
    const { report, deliveryId } = parsed(fixtureJson("bugsnag/webhook-example-event.json"));
    expect(report.frames.at(-1)).toMatchObject({ file: "app/controllers/home_controller.rb", line: 123, in_app: true });
    expect(report.events).toBe(42);
    expect(report.users).toBe(20);
    expect(report.release).toBe("1.0.0");
    expect(report.project).toBeUndefined();
    expect(deliveryId).toBeNull();
    expect(report.gaps.map(describeGap)).toEqual(["breadcrumbs: not in Bugsnag's webhook", "device: not in Bugsnag's webhook"]);
  });

  it("an error carrying exceptions[] with errorClass", () => {
    const body = fixtureJson("bugsnag/webhook-firstException.json") as { error: Record<string, unknown> };
    const frames = body.error.stackTrace;
    delete body.error.exceptionClass;
    delete body.error.stackTrace;
    body.error.exceptions = [
      {
        errorClass: "TypeError",
        message: "x is undefined",
        stacktrace: [{ file: "src/a.js", lineNumber: 3, inProject: true, method: "a" }, ...(frames as unknown[])],
      },
      { errorClass: "CauseError", message: "earlier", stacktrace: [] },
    ];
    const { report } = parsed(body);
    expect(report.exception).toEqual({ type: "TypeError", message: "x is undefined", handled: true });
    expect(report.frames.map((f) => f.file)).toEqual(["file:///index.html", "src/a.js"]);
    expect(report.frames.at(-1)?.in_app).toBe(true);
  });
});

describe("bugsnag.parse: refusals name the field", () => {
  it("a trigger that is not an occurrence", () => {
    const body = fixtureJson("bugsnag/webhook-exception.json") as { trigger: { type: string } };
    body.trigger.type = "comment";
    const result = bugsnag.parse(body, none);
    expect(!result.ok && result.error).toMatch(/^trigger\.type: comment is not about an error occurring/);
  });

  it("a line number that is not a number", () => {
    const body = fixtureJson("bugsnag/webhook-exception.json") as { error: { stackTrace: { lineNumber: unknown }[] } };
    body.error.stackTrace[2]!.lineNumber = "twelve";
    const result = bugsnag.parse(body, none);
    expect(!result.ok && result.error).toMatch(/^error\.stackTrace\.2\.lineNumber: /);
  });

  it("no exception class", () => {
    const body = fixtureJson("bugsnag/webhook-exception.json") as { error: Record<string, unknown> };
    delete body.error.exceptionClass;
    expect(bugsnag.parse(body, none)).toEqual({ ok: false, error: "error.exceptionClass: missing (and no error.exceptions[0].errorClass)" });
  });

  it("no trigger at all", () => {
    const result = bugsnag.parse({ error: {} }, none);
    expect(!result.ok && result.error).toMatch(/^trigger: /);
  });
});

describe("bugsnag.authenticate", () => {
  const body = Buffer.from("{}");
  const SECRET = "bugsnag-shared-token";

  it("accepts the token in the URL or in X-Hotfix-Token", () => {
    expect(bugsnag.authenticate(delivery(body, {}, `token=${SECRET}`), SECRET, NOW)).toEqual({ ok: true });
    expect(bugsnag.authenticate(delivery(body, { "x-hotfix-token": SECRET }), SECRET, NOW)).toEqual({ ok: true });
  });

  it("rejects a wrong token, a prefix of it, and none", () => {
    expect(bugsnag.authenticate(delivery(body, {}, "token=guess"), SECRET, NOW)).toMatchObject({ ok: false, status: 401 });
    expect(bugsnag.authenticate(delivery(body, {}, `token=${SECRET.slice(0, 5)}`), SECRET, NOW).ok).toBe(false);
    expect(bugsnag.authenticate(delivery(body), SECRET, NOW)).toMatchObject({ ok: false, reason: expect.stringContaining("?token=") });
  });

  it("refuses everything when the App has no token", () => {
    expect(bugsnag.authenticate(delivery(body, {}, "token="), "", NOW).ok).toBe(false);
  });
});

describe("bugsnag.completeContext", () => {
  let report: CrashReport;
  const latestPath = "/projects/559bc00a94a804b02a96dd81/errors/530c3522e694aae2f4000035/events/latest";
  const api = { token: "bugsnag-personal-token" };

  beforeAll(() => {
    report = parsed(fixtureJson("bugsnag/webhook-exception.json")).report;
  });
  afterEach(() => {
    nock.cleanAll();
  });

  it("fills breadcrumbs from the latest event and keeps what the webhook had", async () => {
    const scope = nock("https://api.bugsnag.com", { reqheaders: { authorization: "token bugsnag-personal-token", "x-version": "2" } })
      .get(latestPath)
      .reply(200, fixtureJson("bugsnag/event-latest.json"));
    const filled = await bugsnag.completeContext(report, api);
    expect(scope.isDone()).toBe(true);
    expect(filled.breadcrumbs).toEqual([
      { timestamp: "2014-12-31T23:59:58.120Z", category: "request", message: "Request started", data: { path: "/home/example" } },
      { timestamp: "2014-12-31T23:59:59.004Z", category: "process", message: "SQL query", data: { name: "User Load", duration: 3.1 } },
      { timestamp: "2014-12-31T23:59:59.870Z", category: "log", message: "Cache miss" },
    ]);
    expect(filled.frames).toEqual(report.frames);
    expect(filled.device).toEqual(report.device);
    expect(filled.release).toBe("App version");
    expect(filled.gaps.map(describeGap)).toEqual([]);
  });

  it("fills the stack (reversed) and device when the webhook had neither", async () => {
    const bare: CrashReport = {
      ...report,
      frames: [],
      device: undefined,
      os: undefined,
      gaps: [payloadGap("stack trace", "Bugsnag's webhook"), payloadGap("device", "Bugsnag's webhook")],
    };
    nock("https://api.bugsnag.com").get(latestPath).reply(200, fixtureJson("bugsnag/event-latest.json"));
    const filled = await bugsnag.completeContext(bare, api);
    expect(filled.frames.at(-1)).toEqual({
      file: "app/controllers/home_controller.rb",
      function: "example",
      line: 123,
      in_app: true,
      context_line: '    raise ExampleException, "Something really bad happened"',
    });
    expect(filled.os).toEqual({ name: "linux", version: "5.15.0" });
    expect(filled.runtime).toEqual({ name: "ruby", version: "3.2.2" });
    expect(filled.gaps.map(describeGap)).toEqual([]);
  });

  it("uses BUGSNAG_API_URL when set", async () => {
    const scope = nock("https://bugsnag.internal.example").get(latestPath).reply(200, fixtureJson("bugsnag/event-latest.json"));
    await bugsnag.completeContext(report, { ...api, baseUrl: "https://bugsnag.internal.example" });
    expect(scope.isDone()).toBe(true);
  });

  it("turns a 401 into a gap that says what answered what", async () => {
    nock("https://api.bugsnag.com")
      .get(latestPath)
      .reply(401, { errors: ["Invalid authentication token"] });
    const filled = await bugsnag.completeContext(report, api);
    expect(filled.breadcrumbs).toEqual([]);
    expect(filled.gaps.map(describeGap)).toHaveLength(1);
    expect(describeGap(filled.gaps[0]!)).toMatch(
      /^breadcrumbs: not in Bugsnag's webhook, and fetching the latest event failed: Bugsnag API: GET \/projects\/559bc00a94a804b02a96dd81\/errors\/530c3522e694aae2f4000035\/events\/latest answered 401 \(check the auth token/,
    );
  });

  it("without BUGSNAG_AUTH_TOKEN asks nothing and says why", async () => {
    const filled = await bugsnag.completeContext(report, {});
    expect(filled.gaps.map(describeGap)).toEqual([
      "breadcrumbs: not in Bugsnag's webhook, and fetching the latest event failed: BUGSNAG_AUTH_TOKEN is not set",
    ]);
  });

  it("without a project id says so", async () => {
    const example = parsed(fixtureJson("bugsnag/webhook-example-event.json")).report;
    const filled = await bugsnag.completeContext(example, api);
    expect(describeGap(filled.gaps[0]!)).toBe(
      "breadcrumbs: not in Bugsnag's webhook, and fetching the latest event failed: the alert has no Bugsnag project id",
    );
  });

  it("retries a 429 and then fills the breadcrumbs", async () => {
    const scope = nock("https://api.bugsnag.com")
      .get(latestPath)
      .reply(429, "", { "Retry-After": "0" })
      .get(latestPath)
      .reply(200, fixtureJson("bugsnag/event-latest.json"));
    const filled = await bugsnag.completeContext(report, api);
    expect(scope.isDone()).toBe(true);
    expect(filled.breadcrumbs).toHaveLength(3);
  });

  it("says when the latest event has none either", async () => {
    const event = fixtureJson("bugsnag/event-latest.json") as Record<string, unknown>;
    event.breadcrumbs = [];
    nock("https://api.bugsnag.com").get(latestPath).reply(200, event);
    const filled = await bugsnag.completeContext(report, api);
    expect(filled.gaps.map(describeGap)).toEqual(["breadcrumbs: not in Bugsnag's webhook, nor in the latest event"]);
  });
});
