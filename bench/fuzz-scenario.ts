import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { startApp } from "../src/app/server.js";
import type { ProviderName } from "../src/core/crash.js";
import { seededRandom, startGitHubStandin } from "../src/demo/github-standin.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { type Json, mutate } from "./fuzz-mutate.js";
import { stormPrivateKey } from "./storm-scenario.js";

/**
 * The fuzz proof: real payloads of each reporter, mutated (dropped keys, retyped values,
 * enlarged strings, awkward unicode, deep nesting, broken JSON) and then signed correctly, so
 * they pass the door and reach parsing. Every answer must be 2xx, or 4xx with a reason; never
 * a 5xx, a hang or an unhandled rejection.
 */

const REPO = "acme/fuzz";
const SECRETS = { sentry: "fuzz-sentry", bugsnag: "fuzz-bugsnag", generic: "fuzz-generic" };
const CONFIG = "sources:\n  - provider: sentry\n  - provider: bugsnag\n  - provider: generic\n";

const SEEDS: [ProviderName, string][] = [
  ["sentry", "sentry/event_alert.json"],
  ["sentry", "sentry/event_alert-android.json"],
  ["sentry", "sentry/issue.json"],
  ["bugsnag", "bugsnag/webhook-exception.json"],
  ["bugsnag", "bugsnag/webhook-firstException.json"],
  ["generic", "generic/unity-crashing-first.json"],
  ["generic", "generic/bugnet-no-stack.json"],
];

function headersFor(provider: ProviderName, body: string, file: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const hmac = (secret: string, text: string) => createHmac("sha256", secret).update(text).digest("hex");
  switch (provider) {
    case "sentry":
      return {
        "content-type": "application/json",
        "sentry-hook-resource": file.includes("issue") ? "issue" : "event_alert",
        "sentry-hook-timestamp": timestamp,
        "sentry-hook-signature": hmac(SECRETS.sentry, body),
        "request-id": randomUUID(),
      };
    case "bugsnag":
      return { "content-type": "application/json", "x-hotfix-token": SECRETS.bugsnag };
    case "generic":
      return {
        "content-type": "application/json",
        "x-hotfix-timestamp": timestamp,
        "x-hotfix-signature": `sha256=${hmac(SECRETS.generic, `${timestamp}.${body}`)}`,
      };
  }
}

export interface FuzzFigures {
  requests: number;
  statuses: Record<number, number>;
  /** Answers that broke the rules, with the seed that reproduces each. */
  failures: { iteration: number; status: number | "hang"; body: string }[];
  unhandledRejections: number;
  elapsedMs: number;
}

export async function fuzzTheApp(iterations: number, seed = 1, fixturesDir = new URL("../test/fixtures/", import.meta.url)): Promise<FuzzFigures> {
  const seeds = SEEDS.map(([provider, file]) => ({ provider, file, payload: JSON.parse(readFileSync(new URL(file, fixturesDir), "utf8")) as Json }));
  const github = await startGitHubStandin({ repos: { [REPO]: { installationId: 9, files: { ".github/hotfix.yml": CONFIG } } } });
  const store = new SqliteStore(":memory:");
  await store.migrate();
  const app = await startApp({
    store,
    appId: 1,
    privateKey: stormPrivateKey(),
    webhookSecret: "fuzz-webhook",
    githubBaseUrl: github.url,
    secrets: SECRETS,
    logLevel: (process.env.FUZZ_LOG_LEVEL as "fatal" | undefined) ?? "fatal",
    worker: { pollIntervalMs: 50, retryBaseMs: 50, maxRetryMs: 500 },
    github: { retryBaseMs: 1, throttle: false },
  });
  let unhandledRejections = 0;
  const onRejection = () => unhandledRejections++;
  process.on("unhandledRejection", onRejection);
  const statuses: Record<number, number> = {};
  const failures: FuzzFigures["failures"] = [];
  const rand = seededRandom(seed);
  const start = performance.now();
  try {
    for (let i = 0; i < iterations; i++) {
      const base = seeds[Math.floor(rand() * seeds.length)]!;
      const body = mutate(base.payload, rand);
      let status: number | "hang";
      let text = "";
      try {
        const res = await fetch(`${app.url}/hotfix/alerts/${base.provider}/${REPO}`, {
          method: "POST",
          headers: headersFor(base.provider, body, base.file),
          body,
          signal: AbortSignal.timeout(10_000),
        });
        status = res.status;
        text = await res.text();
      } catch {
        status = "hang";
      }
      if (typeof status === "number") statuses[status] = (statuses[status] ?? 0) + 1;
      const reasoned = (() => {
        try {
          const parsed = JSON.parse(text) as { error?: unknown };
          return typeof parsed.error === "string" && parsed.error.length > 0;
        } catch {
          return false;
        }
      })();
      const ok = typeof status === "number" && ((status >= 200 && status < 300) || (status >= 400 && status < 500 && reasoned));
      if (!ok) failures.push({ iteration: i, status, body: text.slice(0, 300) });
    }
    return { requests: iterations, statuses, failures, unhandledRejections, elapsedMs: performance.now() - start };
  } finally {
    process.off("unhandledRejection", onRejection);
    await app.close();
    await store.close();
    await github.close();
  }
}
