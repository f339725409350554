import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { startApp, type RunningApp, type StartAppOptions } from "../../src/app/server.js";
import { deliverSigned } from "../../src/demo/loop.js";
import type { Store } from "../../src/store/store.js";
import { SqliteStore } from "../../src/store/sqlite.js";

/** Shared set-up of the App tests: a real App on a loopback port, signed requests, real payloads. */

export const SECRETS = { sentry: "sentry-client-secret", bugsnag: "bugsnag-token", generic: "generic-secret", apiToken: "api-token" };
export const WEBHOOK_SECRET = "github-webhook-secret";
export const PRIVATE_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

export function fixture(path: string): Buffer {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url));
}

/** A GitHub webhook payload from @octokit/webhooks-examples (real payloads GitHub documents). */
export function githubExample(
  event: string,
  action: string | undefined,
  pick: (payload: Record<string, any>) => boolean = () => true,
): Record<string, any> {
  const index = JSON.parse(
    readFileSync(new URL("../../node_modules/@octokit/webhooks-examples/api.github.com/index.json", import.meta.url), "utf8"),
  ) as {
    name: string;
    examples: Record<string, any>[];
  }[];
  const found = index.find((e) => e.name === event)?.examples.find((p) => p.action === action && pick(p));
  if (!found) throw new Error(`no ${event}.${action} example`);
  return structuredClone(found);
}

export async function memoryStore(): Promise<Store> {
  const store = new SqliteStore(":memory:");
  await store.migrate();
  return store;
}

export async function testApp(store: Store, githubBaseUrl: string, overrides: Partial<StartAppOptions> = {}): Promise<RunningApp> {
  return startApp({
    store,
    appId: 1,
    privateKey: PRIVATE_KEY,
    webhookSecret: WEBHOOK_SECRET,
    githubBaseUrl,
    secrets: SECRETS,
    logLevel: (process.env.TEST_LOG_LEVEL as "fatal") ?? "fatal",
    worker: { pollIntervalMs: 20, retryBaseMs: 10 },
    github: { retryBaseMs: 1, throttle: false },
    ...overrides,
  });
}

export function sentryHeaders(body: Buffer, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    "content-type": "application/json",
    "sentry-hook-resource": "event_alert",
    "sentry-hook-timestamp": String(Math.floor(Date.now() / 1000)),
    "sentry-hook-signature": createHmac("sha256", SECRETS.sentry).update(body).digest("hex"),
    "request-id": randomUUID(),
    ...overrides,
  };
}

export function genericHeaders(body: Buffer, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = createHmac("sha256", SECRETS.generic).update(`${timestamp}.`).update(body).digest("hex");
  return { "content-type": "application/json", "x-hotfix-timestamp": String(timestamp), "x-hotfix-signature": `sha256=${signature}` };
}

export async function post(app: RunningApp, path: string, body: Buffer | string, headers: Record<string, string>) {
  const res = await fetch(`${app.url}${path}`, { method: "POST", body, headers });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Delivers a GitHub webhook signed as GitHub signs it. */
export function deliverWebhook(app: RunningApp, event: string, payload: unknown): Promise<number> {
  return deliverSigned(app, WEBHOOK_SECRET, event, payload);
}

/** How long `until` waits by default: far more than any wait of ours takes on a busy machine, well inside a test's 30 s. */
export const UNTIL_DEADLINE_MS = 10_000;

/**
 * Waits for the App to reach a state (`probe` answers truthy), `what` saying which in the user's
 * words. It fails after `deadlineMs` naming what it waited for, rather than leaving the test to a
 * bare 30-second timeout.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  deadlineMs = UNTIL_DEADLINE_MS,
): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() - started >= deadlineMs) throw new Error(`waited ${deadlineMs / 1000} s for ${what}, in vain`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function yaml(lines: string): string {
  return Buffer.from(lines).toString("base64");
}
