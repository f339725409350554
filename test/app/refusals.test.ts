import { createHmac } from "node:crypto";
import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningApp } from "../../src/app/server.js";
import type { Store } from "../../src/store/store.js";
import { fixture, genericHeaders, memoryStore, post, SECRETS, sentryHeaders, testApp } from "./harness.js";
import { storeCounts, type StoreCounts } from "../store/counts.js";
import { putSettings } from "../store/settings.js";
import { settingsOf } from "../../src/app/settings.js";

// Requests that must be refused with a 4xx naming the reason, and write nothing.

const API = "https://api.github.com";
const REPO = "acme/shop-android";
const sentryBody = fixture("sentry/event_alert-android.json");

let store: Store;
let app: RunningApp;
let before: StoreCounts;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  store = await memoryStore();
  const fetchedAt = new Date().toISOString();
  await putSettings(store, {
    repo: REPO,
    installationId: 1,
    config: { sources: [{ provider: "sentry", projects: ["shop-android"] }] },
    fetchedAt,
  });
  await putSettings(store, { repo: "acme/web", installationId: 1, config: { sources: [{ provider: "sentry", projects: ["web"] }] }, fetchedAt });
  await putSettings(store, { repo: "acme/quiet", installationId: 1, config: null, fetchedAt });
  await putSettings(store, { repo: "acme/broken", installationId: 1, config: { sources: [{ provider: "sentry", projcts: ["x"] }] }, fetchedAt });
  await putSettings(store, { repo: "acme/bad-yaml", installationId: 1, config: "sources: [provider: sentry", fetchedAt });
  app = await testApp(store, API, { settings: settingsOf({ HOTFIX_MAX_BODY_BYTES: "8192" }) });
});

afterAll(async () => {
  await app.close();
  await store.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

beforeEach(async () => {
  before = await storeCounts(store);
});

async function expectRefused(res: { status: number; body: Record<string, any> }, status: number, reason: RegExp) {
  expect(res.status).toBe(status);
  expect(res.body.error).toMatch(reason);
  expect(await storeCounts(store)).toEqual(before);
}

describe("refused alerts write nothing", () => {
  it("forged: signed with another secret", async () => {
    const forged = createHmac("sha256", "not-the-secret").update(sentryBody).digest("hex");
    await expectRefused(
      await post(app, `/hotfix/alerts/sentry/${REPO}`, sentryBody, sentryHeaders(sentryBody, { "sentry-hook-signature": forged })),
      401,
      /signature/i,
    );
  });

  it("forged: a valid signature over a different body", async () => {
    const tampered = Buffer.from(sentryBody.toString().replace("shop-android", "shop-androie"));
    await expectRefused(await post(app, `/hotfix/alerts/sentry/${REPO}`, tampered, sentryHeaders(sentryBody)), 401, /signature/i);
  });

  it("unsigned", async () => {
    await expectRefused(
      await post(app, `/hotfix/alerts/sentry/${REPO}`, sentryBody, { "content-type": "application/json" }),
      401,
      /sentry-hook-signature/i,
    );
    const generic = fixture("generic/unity-crashing-first.json");
    await expectRefused(await post(app, "/hotfix/alerts/generic", generic, { "content-type": "application/json" }), 401, /x-hotfix/i);
    await expectRefused(await post(app, "/hotfix/alerts/bugsnag?token=wrong", fixture("bugsnag/webhook-exception.json"), {}), 401, /token/i);
  });

  it("replayed: a correctly signed request from outside the replay window", async () => {
    const generic = fixture("generic/unity-crashing-first.json");
    const old = Math.floor(Date.now() / 1000) - 3600;
    await expectRefused(await post(app, "/hotfix/alerts/generic", generic, genericHeaders(generic, old)), 401, /replay/i);
  });

  it("oversized: 413 before reading or authenticating the body", async () => {
    const big = Buffer.alloc(64 * 1024, 0x20);
    await expectRefused(await post(app, `/hotfix/alerts/sentry/${REPO}`, big, sentryHeaders(big)), 413, /body: larger than 8192 bytes/);
    // Without a Content-Length the limit applies while reading.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 16; i++) controller.enqueue(new Uint8Array(1024));
        controller.close();
      },
    });
    const res = await fetch(`${app.url}/hotfix/alerts/sentry/${REPO}`, { method: "POST", body: stream, duplex: "half" });
    await expectRefused({ status: res.status, body: (await res.json()) as Record<string, any> }, 413, /larger than/);
  });

  it("malformed: not JSON, or JSON without the fields the reporter always sends", async () => {
    const notJson = Buffer.from("{ not json");
    await expectRefused(await post(app, `/hotfix/alerts/sentry/${REPO}`, notJson, sentryHeaders(notJson)), 400, /^body: not valid JSON/);
    const noEvent = Buffer.from(JSON.stringify({ action: "triggered", data: {} }));
    await expectRefused(await post(app, `/hotfix/alerts/sentry/${REPO}`, noEvent, sentryHeaders(noEvent)), 400, /event/);
  });

  it("malformed: JSON nested deeper than any reporter's, refused with the path to the first too-deep value", async () => {
    let nested: unknown = "bottom";
    for (let i = 0; i < 70; i++) nested = [nested];
    const deep = Buffer.from(JSON.stringify({ exception: { type: "E" }, breadcrumbs: [{ message: "m" }, { data: { n: 1, x: nested } }] }));
    const path = `body.breadcrumbs[1].data.x${"[0]".repeat(60)}`.slice(0, 200);
    const res = await post(app, "/hotfix/alerts/generic", deep, genericHeaders(deep));
    expect(res).toEqual({ status: 400, body: { error: `${path}: nested deeper than 64 levels` } });
  });

  it("unknown provider and wrong method", async () => {
    await expectRefused(await post(app, "/hotfix/alerts/rollbar", sentryBody, {}), 404, /unknown provider "rollbar"/);
    const res = await fetch(`${app.url}/hotfix/alerts/sentry`);
    expect(res.status).toBe(405);
  });

  it("repositories that did not opt in, or opted in to other projects", async () => {
    const send = (repo: string) => post(app, `/hotfix/alerts/sentry/${repo}`, sentryBody, sentryHeaders(sentryBody));
    await expectRefused(await send("acme/web"), 403, /acme\/web takes sentry alerts only for projects web.*"shop-android"/);
    await expectRefused(await send("acme/quiet"), 403, /has not opted in: it has no \.github\/hotfix\.yml/);
    await expectRefused(await send("acme/broken"), 403, /hotfix\.yml is invalid: sources\.0\.projcts: unknown key/);
    await expectRefused(await send("acme/bad-yaml"), 403, /hotfix\.yml is invalid: YAML/);
  });

  it("a repository without the App installed: one look-up, then remembered", async () => {
    const github = nock(API).get("/repos/someone/else/installation").reply(404, { message: "Not Found" });
    const send = () => post(app, "/hotfix/alerts/sentry/someone/else", sentryBody, sentryHeaders(sentryBody));
    await expectRefused(await send(), 404, /not installed on someone\/else/);
    expect(github.isDone()).toBe(true);
    await expectRefused(await send(), 404, /not installed on someone\/else/);
  });

  it("the project route with no repository for the project", async () => {
    const generic = fixture("generic/unity-crashing-first.json");
    await expectRefused(
      await post(app, "/hotfix/alerts/generic", generic, genericHeaders(generic)),
      404,
      /no repository takes alerts for generic project "sky-rally"/,
    );
  });

  it("a delivery seen before is a duplicate", async () => {
    const headers = sentryHeaders(sentryBody);
    expect((await post(app, `/hotfix/alerts/sentry/${REPO}`, sentryBody, headers)).status).toBe(202);
    const after = await storeCounts(store);
    const again = await post(app, `/hotfix/alerts/sentry/${REPO}`, sentryBody, headers);
    expect(again).toEqual({ status: 200, body: { status: "duplicate", signature: expect.any(String), repos: [REPO] } });
    expect(await storeCounts(store)).toEqual(after);
  });
});

describe("deduplication by what is signed", () => {
  it("a captured Sentry delivery replayed with a fresh Request-ID is still a duplicate", async () => {
    const replayed = Buffer.from(sentryBody.toString().replace(/"event_id":\s*"[^"]+"/, '"event_id":"0123456789abcdef0123456789abcdef"'));
    expect((await post(app, `/hotfix/alerts/sentry/${REPO}`, replayed, sentryHeaders(replayed))).status).toBe(202);
    const after = await storeCounts(store);
    for (let i = 0; i < 3; i++) {
      const again = await post(app, `/hotfix/alerts/sentry/${REPO}`, replayed, sentryHeaders(replayed, { "request-id": `replay-${i}` }));
      expect(again.body.status).toBe("duplicate");
    }
    expect(await storeCounts(store)).toEqual(after);
  });
});

describe("counts API", () => {
  it("needs the bearer token and answers per-version counts", async () => {
    const first = await post(app, `/hotfix/alerts/sentry/${REPO}`, sentryBody, sentryHeaders(sentryBody));
    const url = `${app.url}/hotfix/api/repos/${REPO}/signatures/${first.body.signature}`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "Bearer nope" } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${SECRETS.apiToken}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      repo: REPO,
      signature: first.body.signature,
      state: "open",
      fixedIn: null,
      versions: [{ version: "com.example.shop@4.12.1+41201", count: expect.any(Number) }],
      repoVersions: [{ version: "com.example.shop@4.12.1+41201" }],
    });
    const malformed = await fetch(`${app.url}/hotfix/api/repos/${REPO}/signatures/%E0%A4%A`, {
      headers: { authorization: `Bearer ${SECRETS.apiToken}` },
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toMatch(/percent-encoding/);
    const unknown = await fetch(`${app.url}/hotfix/api/repos/${REPO}/signatures/0000000000000000`, {
      headers: { authorization: `Bearer ${SECRETS.apiToken}` },
    });
    expect(unknown.status).toBe(404);
  });
});
