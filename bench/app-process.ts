import { settingsOf } from "../src/app/settings.js";
import { startApp } from "../src/app/server.js";
import { PostgresStore } from "../src/store/postgres.js";
import { SqliteStore } from "../src/store/sqlite.js";

/**
 * One App replica as its own process, for the proofs that need a real process to kill -9 or
 * two processes sharing PostgreSQL. It is the App of `startApp` (as in the demo and tests),
 * configured from the environment the parent sets; it prints `listening <url>` when ready.
 */

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`app-process: ${name} is not set`);
  return value;
};

const store = env.DATABASE_URL
  ? new PostgresStore(env.DATABASE_URL, { schema: env.PG_SCHEMA })
  : new SqliteStore(required("HOTFIX_DB_PATH"), { synchronous: env.HOTFIX_SQLITE_SYNCHRONOUS === "FULL" ? "FULL" : "NORMAL" });
await store.migrate();
const app = await startApp({
  store,
  appId: 1,
  privateKey: required("PRIVATE_KEY"),
  webhookSecret: "replica-webhook-secret",
  githubBaseUrl: required("GITHUB_URL"),
  secrets: { generic: required("HOTFIX_GENERIC_SECRET") },
  settings: settingsOf({ HOTFIX_GITHUB_CONTENT_LIMITS: env.HOTFIX_GITHUB_CONTENT_LIMITS }),
  logLevel: "fatal",
  // The production worker's concurrency; short polls, retries and lease so a killed replica's jobs are taken over within the proof's time.
  worker: { pollIntervalMs: 100, retryBaseMs: 200, maxRetryMs: 2_000, leaseMs: Number(env.LEASE_MS ?? 3_000) },
  // Paced as in production when HOTFIX_THROTTLE=on (the paced storm); else unpaced, to measure the store and the outbox.
  // HOTFIX_SHARED_PACE=off paces each replica on PostgreSQL by itself: the replicas storm's comparison.
  github: { retryBaseMs: 100, throttle: env.HOTFIX_THROTTLE === "on", sharedPace: env.HOTFIX_SHARED_PACE !== "off" },
});
console.log(`listening ${app.url}`);
process.once("SIGTERM", () => {
  void app
    .close()
    .then(() => store.close())
    .then(() => process.exit(0));
});
