import * as z from "zod";
import { secondaryLimitsFromEnv } from "../github/secondary-limits.js";
import { sqliteSynchronous } from "../store/open.js";
import { maxBodyBytes } from "./app.js";
import { readyMaxOutboxAgeSeconds } from "./health.js";

/**
 * The App's environment variables: one schema that `main.ts` checks the environment against once
 * at start-up (a wrong value stops it, naming the variable) and that docs/environment.md is generated from.
 * The App's modules still read the variables where they are used; each variable's own parser is
 * the one they use, so the start-up check and the use cannot disagree.
 */

export interface SettingMeta {
  /** Which part of the App reads it: the heading it is listed under in docs/environment.md. */
  group: "GitHub App (Probot's)" | "Server" | "Store" | "Crash reporters" | "Limits and pacing" | "Local development (Probot's)";
  /** Shown as the default in the docs; absent when unset means "off" or "none". */
  default?: string;
  /** A credential: keep it in your platform's secrets, never in the image or a repository. */
  secret?: boolean;
}

type Parse = (env: Record<string, string | undefined>) => unknown;

// An empty variable (as `.env` templates leave them) is an unset one, as the App's readers take it.
const text = () => z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());

/** A variable whose value is checked by the parser its reader uses; the parser's error message is the issue's. */
function parsedBy(name: string, parse: Parse) {
  return text().superRefine((value, ctx) => {
    try {
      parse({ [name]: value });
    } catch (error) {
      // The parser says "NAME: expected …, got …"; the variable's name and value are added once, by checkSettings.
      ctx.addIssue({ code: "custom", message: (error as Error).message.replace(`${name}: `, "").replace(/, got .*$/s, "") });
    }
  });
}

const positiveInteger = () => text().refine((v) => v === undefined || /^[1-9]\d*$/.test(v), "expected a positive whole number");

const setting = <T extends z.ZodType>(schema: T, description: string, meta: SettingMeta) => schema.meta({ description, hotfix: meta });

export const AppSettings = z.object({
  APP_ID: setting(positiveInteger(), "The GitHub App's id. Unset, the App starts Probot's set-up flow, which registers the App from `app.yml`.", {
    group: "GitHub App (Probot's)",
  }),
  PRIVATE_KEY: setting(text(), "The GitHub App's private key (PEM; `\\n` escapes are accepted).", { group: "GitHub App (Probot's)", secret: true }),
  PRIVATE_KEY_PATH: setting(text(), "Path of the private key's file, instead of `PRIVATE_KEY`.", { group: "GitHub App (Probot's)" }),
  WEBHOOK_SECRET: setting(text(), "The GitHub App's webhook secret; required with `APP_ID`.", { group: "GitHub App (Probot's)", secret: true }),
  GHE_HOST: setting(text(), "GitHub Enterprise Server's host name, e.g. `github.example.com`; unset: github.com.", {
    group: "GitHub App (Probot's)",
  }),
  GHE_PROTOCOL: setting(text().pipe(z.enum(["https", "http"]).optional()), "Protocol of `GHE_HOST`.", {
    group: "GitHub App (Probot's)",
    default: "https",
  }),
  GH_ORG: setting(text(), "Set-up flow only: register the App under this organisation instead of your account.", {
    group: "Local development (Probot's)",
  }),
  WEBHOOK_PROXY_URL: setting(
    text().pipe(z.url().optional()),
    "A smee.io channel that forwards GitHub's webhooks to your machine (Probot starts `smee-client` for it); for local development only.",
    { group: "Local development (Probot's)" },
  ),
  PORT: setting(positiveInteger(), "Port of the HTTP server: webhooks, alerts, health and metrics.", { group: "Server", default: "3000" }),
  HOST: setting(text(), "Address the server listens on; `0.0.0.0` in a container.", { group: "Server", default: "localhost" }),
  LOG_LEVEL: setting(text().pipe(z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).optional()), "Logging (JSON lines).", {
    group: "Server",
    default: "info",
  }),
  HOTFIX_DB_PATH: setting(text(), "SQLite file of the store (ignored when `DATABASE_URL` is set).", {
    group: "Store",
    default: "./hotfix-loop.sqlite",
  }),
  HOTFIX_SQLITE_SYNCHRONOUS: setting(
    parsedBy("HOTFIX_SQLITE_SYNCHRONOUS", (env) => sqliteSynchronous(env.HOTFIX_SQLITE_SYNCHRONOUS)),
    "`NORMAL`: a stored alert survives the App crashing or being killed; `FULL`: it also survives a power loss, at the cost of an fsync per alert on the event loop (ack p50 13 ms instead of 3.5 ms at 1,000 alerts/s).",
    { group: "Store", default: "NORMAL" },
  ),
  DATABASE_URL: setting(text(), "PostgreSQL instead of SQLite (`postgres://user:password@host:5432/db`), for several replicas.", {
    group: "Store",
    secret: true,
  }),
  SENTRY_CLIENT_SECRET: setting(text(), "Verifies `Sentry-Hook-Signature` (the internal integration's client secret).", {
    group: "Crash reporters",
    secret: true,
  }),
  SENTRY_AUTH_TOKEN: setting(text(), "Fetches the latest event of an issue when the webhook has no stack (scope `event:read`).", {
    group: "Crash reporters",
    secret: true,
  }),
  SENTRY_URL: setting(text().pipe(z.url().optional()), "Self-hosted Sentry.", { group: "Crash reporters", default: "https://sentry.io" }),
  BUGSNAG_WEBHOOK_TOKEN: setting(text(), "The shared token Bugsnag must send (`?token=` in the webhook URL, or an `X-Hotfix-Token` header).", {
    group: "Crash reporters",
    secret: true,
  }),
  BUGSNAG_AUTH_TOKEN: setting(text(), "Personal auth token, to fetch breadcrumbs from the Data Access API.", {
    group: "Crash reporters",
    secret: true,
  }),
  BUGSNAG_API_URL: setting(text().pipe(z.url().optional()), "On-premise Bugsnag.", { group: "Crash reporters", default: "https://api.bugsnag.com" }),
  HOTFIX_GENERIC_SECRET: setting(text(), "Verifies `X-Hotfix-Signature` of generic alerts.", { group: "Crash reporters", secret: true }),
  HOTFIX_API_TOKEN: setting(text(), "Bearer token of the counts API the verify Action asks for generic alerts; unset, the API answers 401.", {
    group: "Crash reporters",
    secret: true,
  }),
  HOTFIX_MAX_BODY_BYTES: setting(parsedBy("HOTFIX_MAX_BODY_BYTES", maxBodyBytes), "Largest alert body, in bytes (2 MiB).", {
    group: "Limits and pacing",
    default: "2097152",
  }),
  HOTFIX_READY_MAX_OUTBOX_AGE_SECONDS: setting(
    parsedBy("HOTFIX_READY_MAX_OUTBOX_AGE_SECONDS", readyMaxOutboxAgeSeconds),
    "`/readyz` fails when a due outbox job has waited longer than this many seconds.",
    { group: "Limits and pacing", default: "600" },
  ),
  HOTFIX_GITHUB_CONTENT_LIMITS: setting(
    parsedBy("HOTFIX_GITHUB_CONTENT_LIMITS", secondaryLimitsFromEnv),
    "GitHub's secondary limit on content-creating requests the App paces its writes by, as windows (GitHub's); set it when a GitHub Enterprise Server's admins changed theirs.",
    { group: "Limits and pacing", default: "80/1m,500/1h" },
  ),
});
export type AppSettings = z.infer<typeof AppSettings>;

/** The environment checked against AppSettings: the environment itself, or an error naming each wrong variable. */
export function checkSettings(env: Record<string, string | undefined>): { ok: true } | { ok: false; errors: string[] } {
  const result = AppSettings.safeParse(env);
  if (result.success) return { ok: true };
  return {
    ok: false,
    errors: result.error.issues.map(
      (issue) => `${issue.path.map(String).join(".")}: ${issue.message}, got ${JSON.stringify(env[String(issue.path[0])])}`,
    ),
  };
}
