import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHealth } from "../../src/app/health.js";
import type { RunningApp } from "../../src/app/server.js";
import { startGitHubStandin, type GitHubStandin } from "../../src/demo/github-standin.js";
import type { OutboxStatus, Store } from "../../src/store/store.js";
import { fixture, memoryStore, post, sentryHeaders, testApp, until } from "./harness.js";
import { storeCounts } from "../store/counts.js";
import { settingsOf } from "../../src/app/settings.js";

// /healthz, /readyz and /metrics through the App's real HTTP server; the clock is the App's own, moved forward
// to make a due job old without waiting.

const REPO = "acme/shop-android";
const CONFIG = "sources:\n  - provider: sentry\nlinks:\n  root: app/src/main/java\n";
const MAX_AGE_SECONDS = 60;

let github: GitHubStandin;
let store: Store;
let app: RunningApp;
let aheadMs = 0;

beforeEach(async () => {
  aheadMs = 0;
  github = await startGitHubStandin({ repos: { [REPO]: { installationId: 4242, files: { ".github/hotfix.yml": CONFIG } } } });
  store = await memoryStore();
  app = await testApp(store, github.url, {
    settings: settingsOf({ HOTFIX_READY_MAX_OUTBOX_AGE_SECONDS: String(MAX_AGE_SECONDS) }),
    now: () => new Date(Date.now() + aheadMs),
  });
});

afterEach(async () => {
  await app.close();
  await store.close();
  await github.close();
});

async function get(path: string) {
  const res = await fetch(`${app.url}${path}`);
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

async function sendAlert() {
  const body = fixture("sentry/event_alert-android.json");
  const res = await post(app, `/hotfix/alerts/sentry/${REPO}`, body, sentryHeaders(body));
  expect(res.status).toBe(202);
}

/**
 * Prometheus text format 0.0.4, strictly: every line is empty, a HELP or TYPE comment, or a sample of a declared family,
 * label values quoted and escaped, values numbers (Prometheus reads NaN and Inf in any case; prom-client writes "Nan"). Returns the samples as "name{labels}" -> value.
 */
function parsePrometheus(text: string): Map<string, number> {
  expect(text.endsWith("\n")).toBe(true);
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  const name = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  const label = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
  const sample = new RegExp(`^(${name})(\\{(?:${label}(?:,${label})*)?\\})? (-?(?:[0-9.]+(?:e[+-]?[0-9]+)?|[Nn][Aa][Nn]|[+-]?[Ii]nf))( -?[0-9]+)?$`);
  for (const line of text.slice(0, -1).split("\n")) {
    if (line === "" || new RegExp(`^# HELP ${name} .*$`).test(line)) continue;
    const type = new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (type) {
      expect(types.has(type[1]!), `TYPE of ${type[1]} given twice`).toBe(false);
      types.set(type[1]!, type[2]!);
      continue;
    }
    const m = sample.exec(line);
    expect(m, `not a Prometheus text line: ${JSON.stringify(line)}`).not.toBeNull();
    const family = m![1]!.replace(/_(bucket|sum|count)$/, "");
    expect(types.has(m![1]!) || types.has(family), `sample of undeclared family: ${line}`).toBe(true);
    samples.set(`${m![1]}${m![2] ?? ""}`, Number(m![3]));
  }
  return samples;
}

describe("health endpoints", () => {
  it("/healthz answers while the process is alive", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ status: "alive" });
  });

  it("/readyz goes unready when the worker is stopped with a job overdue, and ready again when it resumes", async () => {
    expect((await get("/readyz")).status).toBe(200);

    await app.worker.stop();
    await sendAlert();
    // Due now, but not yet overdue.
    expect((await get("/readyz")).status).toBe(200);

    aheadMs = 2 * MAX_AGE_SECONDS * 1000;
    const unready = await get("/readyz");
    expect(unready.status).toBe(503);
    const body = JSON.parse(unready.text);
    expect(body.status).toBe("unready");
    expect(body.reasons.join(" ")).toMatch(/oldest due job has waited 1[12]\d s, over 60 s/);
    expect(body.outbox).toMatchObject({ dueJobs: 1, pendingJobs: 1 });

    app.worker.start();
    const ready = await until("/readyz to answer 200", async () => {
      const res = await get("/readyz");
      return res.status === 200 && JSON.parse(res.text);
    });
    expect(ready).toMatchObject({ status: "ready", outbox: { dueJobs: 0 } });
    // Ready as soon as a worker holds the job; the issue follows.
    await until("the outbox to drain", async () => (await storeCounts(store)).pendingJobs === 0);
    expect(github.calls.filter((c) => c.route === "POST /repos/{owner}/{repo}/issues" && c.status === 201)).toHaveLength(1);
  });

  it("/readyz is unready, with the reason, when the store cannot be reached", async () => {
    await app.worker.stop();
    await store.close();
    const res = await get("/readyz");
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text).reasons[0]).toMatch(/^store: not reachable/);
    store = await memoryStore();
  });

  it("/metrics is Prometheus text with the alerts, issues, GitHub requests and outbox", async () => {
    // The registry is the process's: other tests in this file count too, so compare before and after.
    const before = parsePrometheus((await get("/metrics")).text);
    const opened = 'hotfix_issues_total{action="opened"}';
    await sendAlert();
    const forged = fixture("sentry/event_alert-android.json");
    const refused = await post(app, `/hotfix/alerts/sentry/${REPO}`, forged, sentryHeaders(forged, { "sentry-hook-signature": "0".repeat(64) }));
    expect(refused.status).toBe(401);
    await until(
      "the issues-opened counter to rise",
      async () => (parsePrometheus((await get("/metrics")).text).get(opened) ?? 0) > (before.get(opened) ?? 0),
    );

    const res = await get("/metrics");
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(res.text);
    const added = (sample: string) => (samples.get(sample) ?? 0) - (before.get(sample) ?? 0);
    expect(added('hotfix_alerts_received_total{provider="sentry",outcome="accepted",reason=""}')).toBe(1);
    expect(added('hotfix_alerts_received_total{provider="sentry",outcome="refused",reason="unauthenticated"}')).toBe(1);
    expect(added(opened)).toBe(1);
    expect(added("hotfix_detection_to_issue_opened_seconds_count")).toBe(1);
    expect(added('hotfix_github_requests_total{status="201"}')).toBeGreaterThanOrEqual(1);
    expect(added('hotfix_outbox_job_runs_total{outcome="done"}')).toBeGreaterThanOrEqual(1);
    expect(samples.has("hotfix_outbox_jobs")).toBe(true);
    expect(samples.get("hotfix_outbox_due_jobs")).toBe(0);
    expect(samples.get("hotfix_outbox_oldest_due_job_age_seconds")).toBe(0);
    expect(samples.has("process_cpu_user_seconds_total")).toBe(true);
  });

  it("answers 405 to anything but GET", async () => {
    const res = await fetch(`${app.url}/readyz`, { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("the outbox watch logs each condition once", () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it("one error when the outbox stalls, none while it stays stalled, one note when it moves again", async () => {
    let status: OutboxStatus = { pendingJobs: 3, dueJobs: 3, oldestDueAt: "2026-11-29T10:00:00.000Z" };
    const logged: { level: string; message: string }[] = [];
    const log = {
      error: (_details: unknown, message: string) => logged.push({ level: "error", message }),
      info: (_details: unknown, message: string) => logged.push({ level: "info", message }),
    } as unknown as Logger;
    const fakeStore = {
      outboxStatus: () => Promise.resolve(status),
      jobs: { parkedByReason: () => Promise.resolve({ attempts: status.parkedJobs ?? 0 }) },
    } as unknown as Store;
    const health = createHealth({
      store: fakeStore,
      maxOutboxAgeSeconds: 60,
      now: () => new Date("2026-11-29T10:05:00.000Z"),
      log,
    });
    server = createServer((req, res) => {
      void health.routes(req, res);
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    try {
      expect((await fetch(url)).status).toBe(503);
      expect((await fetch(url)).status).toBe(503);
      expect(logged).toEqual([{ level: "error", message: expect.stringMatching(/^outbox stalled: 3 due job\(s\), the oldest waiting 300 s/) }]);

      status = { pendingJobs: 0, dueJobs: 0, oldestDueAt: null, parkedJobs: 2 };
      expect((await fetch(url)).status).toBe(200);
      expect((await fetch(url)).status).toBe(200);
      expect(logged.slice(1)).toEqual([
        { level: "info", message: "outbox-stalled: cleared" },
        { level: "error", message: "2 outbox job(s) parked, after repeated failures or refused by GitHub: hotfix-loop jobs --parked says why" },
      ]);
    } finally {
      health.stop();
    }
  });

  it("refuses a readiness limit that is not a positive number, naming the variable", () => {
    expect(() => settingsOf({ HOTFIX_READY_MAX_OUTBOX_AGE_SECONDS: "soon" })).toThrow(
      /HOTFIX_READY_MAX_OUTBOX_AGE_SECONDS: expected a positive number of seconds, got "soon"/,
    );
  });
});
