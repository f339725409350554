import * as z from "zod";
import type { ProviderName } from "../core/crash.js";
import { secondaryLimitsFromEnv, type SecondaryLimits } from "../github/secondary-limits.js";
import type { ReporterApi } from "../providers/alert.js";
import { reporterSettingsFromEnv, type ReporterSettings } from "../providers/reporter-settings.js";
import { sqliteSynchronous, type StoreSettings } from "../store/open.js";
import type { LogLevel } from "./logger.js";

/**
 * The App's environment variables: one schema that `main.ts` parses the environment with, once, at
 * start-up (a wrong value stops it, naming the variable), into the typed `Settings` each part of the
 * App takes its values from; docs/environment.md is generated from it (`npm run docs`). No other
 * module of the App reads the environment.
 */

export interface SettingMeta {
  /** Which part of the App reads it: the heading it is listed under in docs/environment.md. */
  group: "GitHub App (Probot's)" | "Server" | "Store" | "Crash reporters" | "Limits and pacing" | "Local development (Probot's)";
  /** The value taken when it is unset (parsed like a set one), shown as the default in the docs; absent: "off" or "none". */
  default?: string;
  /** A credential: keep it in your platform's secrets, never in the image or a repository. */
  secret?: boolean;
}

/**
 * A variable: an empty one (as `.env` templates leave them) is an unset one, and an unset one takes
 * the default, which goes through the same parser as a set value, so the docs' default is the value used.
 */
function setting<T extends z.ZodType>(parse: T, description: string, meta: SettingMeta) {
  return z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? v : meta.default), parse).meta({ description, hotfix: meta });
}

const optional = () => z.string().optional();
const wholeNumberText = (message = "expected a positive whole number") => z.string().regex(/^[1-9]\d*$/, message);
const positiveInteger = (message?: string) => wholeNumberText(message).transform(Number);

/** A value read by a parser that throws "NAME: expected …, got …": its message (without the name and value, added once) is the issue's. */
function parsedBy<T>(parse: (raw: string | undefined) => T) {
  return optional().transform((value, ctx) => {
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message.replace(/^[A-Z_]+: /, "").replace(/, got .*$/s, "") });
      return z.NEVER;
    }
  });
}

function positiveSeconds(raw: string | undefined): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error("expected a positive number of seconds");
  return value;
}

export const AppSettings = z.object({
  APP_ID: setting(
    // Probot takes the id as text.
    wholeNumberText().optional(),
    "The GitHub App's id. Unset, the App starts Probot's set-up flow, which registers the App from `app.yml`.",
    { group: "GitHub App (Probot's)" },
  ),
  PRIVATE_KEY: setting(optional(), "The GitHub App's private key (PEM; `\\n` escapes are accepted).", {
    group: "GitHub App (Probot's)",
    secret: true,
  }),
  PRIVATE_KEY_PATH: setting(optional(), "Path of the private key's file, instead of `PRIVATE_KEY`.", { group: "GitHub App (Probot's)" }),
  WEBHOOK_SECRET: setting(optional(), "The GitHub App's webhook secret; required with `APP_ID`.", { group: "GitHub App (Probot's)", secret: true }),
  GHE_HOST: setting(optional(), "GitHub Enterprise Server's host name, e.g. `github.example.com`; unset: github.com.", {
    group: "GitHub App (Probot's)",
  }),
  GHE_PROTOCOL: setting(z.enum(["https", "http"]), "Protocol of `GHE_HOST`.", { group: "GitHub App (Probot's)", default: "https" }),
  GH_ORG: setting(optional(), "Set-up flow only: register the App under this organisation instead of your account.", {
    group: "Local development (Probot's)",
  }),
  WEBHOOK_PROXY_URL: setting(
    z.url().optional(),
    "A smee.io channel that forwards GitHub's webhooks to your machine (Probot starts `smee-client` for it); for local development only.",
    { group: "Local development (Probot's)" },
  ),
  PORT: setting(positiveInteger(), "Port of the HTTP server: webhooks, alerts, health and metrics.", { group: "Server", default: "3000" }),
  HOST: setting(z.string(), "Address the server listens on; `0.0.0.0` in a container.", { group: "Server", default: "localhost" }),
  LOG_LEVEL: setting(z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]), "Logging (JSON lines).", {
    group: "Server",
    default: "info",
  }),
  HOTFIX_DB_PATH: setting(z.string().trim(), "SQLite file of the store (ignored when `DATABASE_URL` is set).", {
    group: "Store",
    default: "./hotfix-loop.sqlite",
  }),
  HOTFIX_SQLITE_SYNCHRONOUS: setting(
    parsedBy(sqliteSynchronous),
    "`NORMAL`: a stored alert survives the App crashing or being killed; `FULL`: it also survives a power loss, at the cost of an fsync per alert on the event loop (ack p50 13 ms instead of 3.5 ms at 1,000 alerts/s).",
    { group: "Store", default: "NORMAL" },
  ),
  DATABASE_URL: setting(
    z.string().trim().optional(),
    "PostgreSQL instead of SQLite (`postgres://user:password@host:5432/db`), for several replicas.",
    {
      group: "Store",
      secret: true,
    },
  ),
  PGUSER: setting(optional(), "PostgreSQL's user when `DATABASE_URL` names none (libpq's variable); unset: the operating-system user.", {
    group: "Store",
  }),
  SENTRY_CLIENT_SECRET: setting(optional(), "Verifies `Sentry-Hook-Signature` (the internal integration's client secret).", {
    group: "Crash reporters",
    secret: true,
  }),
  SENTRY_AUTH_TOKEN: setting(
    optional(),
    "Fetches the latest event of an issue when the webhook has no stack (scope `event:read`), and counts a deployed fix's crashes for the App's own verification.",
    { group: "Crash reporters", secret: true },
  ),
  SENTRY_ORG: setting(optional(), "The Sentry organisation whose counts the App's own verification of a deployment asks for.", {
    group: "Crash reporters",
  }),
  SENTRY_URL: setting(z.url(), "Self-hosted Sentry.", { group: "Crash reporters", default: "https://sentry.io" }),
  BUGSNAG_WEBHOOK_TOKEN: setting(optional(), "The shared token Bugsnag must send (`?token=` in the webhook URL, or an `X-Hotfix-Token` header).", {
    group: "Crash reporters",
    secret: true,
  }),
  BUGSNAG_AUTH_TOKEN: setting(optional(), "Personal auth token, to fetch breadcrumbs from the Data Access API.", {
    group: "Crash reporters",
    secret: true,
  }),
  BUGSNAG_API_URL: setting(z.url(), "On-premise Bugsnag.", { group: "Crash reporters", default: "https://api.bugsnag.com" }),
  HOTFIX_GENERIC_SECRET: setting(optional(), "Verifies `X-Hotfix-Signature` of generic alerts.", { group: "Crash reporters", secret: true }),
  HOTFIX_API_TOKEN: setting(optional(), "Bearer token of the counts API the verify Action asks for generic alerts; unset, the API answers 401.", {
    group: "Crash reporters",
    secret: true,
  }),
  HOTFIX_APP_URL: setting(z.url().optional(), "The App's own address, where its verification of generic crashes asks the counts API.", {
    group: "Crash reporters",
  }),
  HOTFIX_MAX_BODY_BYTES: setting(positiveInteger("expected a positive whole number of bytes"), "Largest alert body, in bytes (2 MiB).", {
    group: "Limits and pacing",
    default: "2097152",
  }),
  HOTFIX_READY_MAX_OUTBOX_AGE_SECONDS: setting(
    parsedBy(positiveSeconds),
    "`/readyz` fails when a due outbox job has waited longer than this many seconds.",
    { group: "Limits and pacing", default: "600" },
  ),
  HOTFIX_GITHUB_CONTENT_LIMITS: setting(
    parsedBy((raw) => secondaryLimitsFromEnv({ HOTFIX_GITHUB_CONTENT_LIMITS: raw })),
    "GitHub's secondary limit on content-creating requests the App paces its writes by, as windows (GitHub's); set it when a GitHub Enterprise Server's admins changed theirs.",
    { group: "Limits and pacing", default: "80/1m,500/1h" },
  ),
});
type Variables = z.infer<typeof AppSettings>;

/** The secrets alerts are authenticated with, by provider, and the counts API's token. */
export type AlertSecrets = Partial<Record<ProviderName, string>> & { apiToken?: string };

/** The App's settings, typed, grouped by the part that takes them. */
export interface Settings {
  github: {
    appId?: string;
    privateKey?: string;
    privateKeyPath?: string;
    webhookSecret?: string;
    /** REST root of GitHub Enterprise Server; undefined: github.com. */
    baseUrl?: string;
  };
  server: { port: number; host: string; logLevel: LogLevel; webhookProxyUrl?: string };
  store: StoreSettings;
  alerts: AlertSecrets;
  /** Completing a crash's context from its reporter's API (issue-sync). */
  reporterApis: Record<ProviderName, ReporterApi | null>;
  /** The reporters' count sources, for the App's own verification of a deployment. */
  reporters: ReporterSettings;
  limits: { maxBodyBytes: number; readyMaxOutboxAgeSeconds: number; githubContentLimits: SecondaryLimits };
}

const storeOf = (v: Pick<Variables, "DATABASE_URL" | "HOTFIX_DB_PATH" | "HOTFIX_SQLITE_SYNCHRONOUS" | "PGUSER">): StoreSettings => ({
  databaseUrl: v.DATABASE_URL || undefined,
  sqlitePath: v.HOTFIX_DB_PATH,
  sqliteSynchronous: v.HOTFIX_SQLITE_SYNCHRONOUS,
  postgresUser: v.PGUSER,
});

function grouped(v: Variables): Settings {
  return {
    github: {
      appId: v.APP_ID,
      privateKey: v.PRIVATE_KEY,
      privateKeyPath: v.PRIVATE_KEY_PATH,
      webhookSecret: v.WEBHOOK_SECRET,
      baseUrl: v.GHE_HOST ? `${v.GHE_PROTOCOL}://${v.GHE_HOST}/api/v3` : undefined,
    },
    server: { port: v.PORT, host: v.HOST, logLevel: v.LOG_LEVEL, webhookProxyUrl: v.WEBHOOK_PROXY_URL },
    store: storeOf(v),
    alerts: { sentry: v.SENTRY_CLIENT_SECRET, bugsnag: v.BUGSNAG_WEBHOOK_TOKEN, generic: v.HOTFIX_GENERIC_SECRET, apiToken: v.HOTFIX_API_TOKEN },
    reporterApis: {
      sentry: { token: v.SENTRY_AUTH_TOKEN, baseUrl: v.SENTRY_URL },
      bugsnag: { token: v.BUGSNAG_AUTH_TOKEN, baseUrl: v.BUGSNAG_API_URL },
      generic: null,
    },
    reporters: reporterSettingsFromEnv(v),
    limits: {
      maxBodyBytes: v.HOTFIX_MAX_BODY_BYTES,
      readyMaxOutboxAgeSeconds: v.HOTFIX_READY_MAX_OUTBOX_AGE_SECONDS,
      githubContentLimits: v.HOTFIX_GITHUB_CONTENT_LIMITS,
    },
  };
}

/** The environment parsed: the App's settings, or one line per wrong variable naming it, what was expected and what was found. */
export function readSettings(env: Record<string, string | undefined>): { ok: true; settings: Settings } | { ok: false; errors: string[] } {
  const result = AppSettings.safeParse(env);
  if (result.success) return { ok: true, settings: grouped(result.data) };
  return { ok: false, errors: problems(result.error, env) };
}

/** One line per wrong variable: its name, what was expected, what was found. */
const problems = (error: z.ZodError, env: Record<string, string | undefined>): string[] =>
  error.issues.map((issue) => `${issue.path.map(String).join(".")}: ${issue.message}, got ${JSON.stringify(env[String(issue.path[0])])}`);

/** The settings of these variables, the others at their defaults; throws naming a wrong one (the demo, benchmarks and tests). */
export function settingsOf(env: Record<string, string | undefined> = {}): Settings {
  const read = readSettings(env);
  if (!read.ok) throw new Error(`the App's settings are not valid:\n${read.errors.join("\n")}`);
  return read.settings;
}

/** Only the store's variables, for the CLI's commands that read the App's store (they need no App secrets). */
export function storeSettingsOf(env: Record<string, string | undefined>): StoreSettings {
  const result = AppSettings.pick({ HOTFIX_DB_PATH: true, HOTFIX_SQLITE_SYNCHRONOUS: true, DATABASE_URL: true, PGUSER: true }).safeParse(env);
  if (!result.success) throw new Error(problems(result.error, env).join("\n"));
  return storeOf(result.data);
}
