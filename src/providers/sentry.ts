import * as z from "zod";
import type { CrashReport, CrashReportInput } from "../core/crash.js";
import {
  type AlertProvider,
  type AuthResult,
  type InboundRequest,
  type ParseResult,
  type ReporterApi,
  fillGapsFromLatestEvent,
  finishReport,
  hmacSha256Hex,
  missingSecret,
  payloadGap,
  refuse,
  replayRefusal,
  sameSecret,
  validate,
} from "./alert.js";
import { ApiClient } from "./http.js";
import { readSentryEvent } from "./sentry-event.js";

/**
 * Sentry's integration-platform webhooks: issue alerts (`event_alert`, the whole event)
 * and issue webhooks (`issue`, the group without a stack, completed from the API).
 * One event mapper serves both the webhook's event and the API's event, which spell
 * frames (`lineno` / `lineNo`) and sections (`exception` / `entries`) differently.
 */

const text = z.string().nullish();
const count = z.number().nullish();

/** The API nests exception and breadcrumbs in `entries`; lift them where the webhook has them. */
function liftEntries(raw: unknown): unknown {
  if (raw === null || typeof raw !== "object" || !Array.isArray((raw as { entries?: unknown }).entries)) return raw;
  const event = { ...(raw as Record<string, unknown>) };
  for (const entry of event.entries as unknown[]) {
    if (entry === null || typeof entry !== "object") continue;
    const { type, data } = entry as { type?: unknown; data?: unknown };
    if ((type === "exception" || type === "breadcrumbs" || type === "threads" || type === "request") && event[type] == null) event[type] = data;
  }
  return event;
}

/** Only the event's ids and links are read here; sections are read one by one in sentry-event.ts. */
const SentryEventShape = z.looseObject({
  // Read leniently: a malformed id only loses deduplication by id (the body's hash stands in), never the alert.
  event_id: z.string().min(1).nullish().catch(null),
  eventID: text,
  issue_id: z.union([z.string(), z.number()]).nullish(),
  groupID: text,
  project: z.union([z.string(), z.number()]).nullish(),
  url: text,
  web_url: text,
});

const SentryEvent = z.preprocess(liftEntries, SentryEventShape);
type SentryEvent = z.infer<typeof SentryEventShape>;

const SentryIssue = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  title: text,
  culprit: text,
  platform: text,
  count: z.union([z.string(), z.number()]).nullish(),
  userCount: count,
  firstSeen: text,
  lastSeen: text,
  metadata: z.looseObject({ type: text, value: text, filename: text }).nullish(),
  project: z.looseObject({ slug: text, id: z.union([z.string(), z.number()]).nullish() }).nullish(),
  permalink: text,
  web_url: text,
  url: text,
  project_url: text,
});

const SentryWebhook = z.looseObject({
  action: z.string(),
  data: z.looseObject({
    event: SentryEvent.optional(),
    issue: SentryIssue.optional(),
  }),
});

const ISSUE_ACTIONS_THAT_ARE_CRASHES = new Set(["created", "unresolved"]);

/** The organization slug in any Sentry URL: /organizations/<org>/, /api/0/projects/<org>/, or <org>.sentry.io. */
function sentryOrganization(...urls: (string | null | undefined)[]): string | undefined {
  for (const url of urls) {
    if (!url) continue;
    const inPath = /\/organizations\/([^/?#]+)/.exec(url)?.[1] ?? /\/api\/0\/projects\/([^/?#]+)\//.exec(url)?.[1];
    if (inPath) return decodeURIComponent(inPath);
    try {
      const sub = /^([a-z0-9-]+)\.sentry\.io$/i.exec(new URL(url).hostname)?.[1];
      if (sub && !["us", "de", "www"].includes(sub)) return sub;
    } catch {
      // Not a URL; try the next one.
    }
  }
  return undefined;
}

function projectSlugFromApiUrl(url: string | null | undefined): string | undefined {
  return url ? /\/api\/0\/projects\/[^/]+\/([^/?#]+)/.exec(url)?.[1] : undefined;
}

function parseEventAlert(event: SentryEvent, deliveryId: string | null): ParseResult {
  const { type, message, handled, gaps, ...rest } = readSentryEvent(event);
  if (!type) {
    return { ok: false, error: "data.event: neither an exception (exception.values) nor a message (logentry, message) to report" };
  }
  const issueId = event.issue_id ?? event.groupID;
  // No stack on the exception, its causes or any thread: the issue says so, and the App asks for the latest event.
  const stackless = rest.frames?.length === 0 && rest.causes.every((c) => c.frames.length === 0);
  const report: CrashReportInput = {
    provider: "sentry",
    ...rest,
    project: projectSlugFromApiUrl(event.url) ?? (event.project == null ? undefined : String(event.project)),
    exception: { type, message, ...(handled === undefined ? {} : { handled }) },
    url: event.web_url ?? undefined,
    reporterGroupId: issueId == null ? undefined : String(issueId),
    gaps: stackless ? [payloadGap("stack trace", "Sentry's issue alert"), ...gaps] : gaps,
  };
  return finishReport(report, deliveryId);
}

const ISSUE_SOURCE = "Sentry's issue webhook";

function parseIssue(issue: z.infer<typeof SentryIssue>, deliveryId: string | null): ParseResult {
  const type = issue.metadata?.type;
  if (!type) return { ok: false, error: "data.issue.metadata.type: missing (an issue without an exception type is not a crash)" };
  const org = sentryOrganization(issue.web_url, issue.permalink, issue.project_url);
  const origin = [issue.url, issue.project_url].map((u) => (u ? /^https?:\/\/[^/]+/.exec(u)?.[0] : undefined)).find(Boolean);
  // Without a web link the issue's canonical page is built from the org found in its API URLs.
  const url = issue.web_url ?? issue.permalink ?? (org && origin ? `${origin}/organizations/${org}/issues/${issue.id}/` : undefined);
  const events = issue.count == null ? undefined : Number(issue.count);
  const report: CrashReportInput = {
    provider: "sentry",
    project: issue.project?.slug ?? projectSlugFromApiUrl(issue.project_url),
    exception: { type, message: issue.metadata?.value ?? "" },
    platform: issue.platform ?? undefined,
    events: Number.isInteger(events) ? events : undefined,
    users: issue.userCount ?? undefined,
    firstSeen: issue.firstSeen ?? undefined,
    lastSeen: issue.lastSeen ?? undefined,
    url,
    reporterGroupId: issue.id,
    gaps: [payloadGap("stack trace", ISSUE_SOURCE), payloadGap("breadcrumbs", ISSUE_SOURCE), payloadGap("device", ISSUE_SOURCE)],
  };
  return finishReport(report, deliveryId);
}

export const sentry: AlertProvider = {
  name: "sentry",
  secretEnv: "SENTRY_CLIENT_SECRET",

  authenticate(req: InboundRequest, secret: string, now: Date): AuthResult {
    const unset = missingSecret(this.secretEnv, secret);
    if (unset) return unset;
    const signature = req.headers["sentry-hook-signature"];
    if (!signature) return refuse("Sentry-Hook-Signature header is missing (is the App's URL set as the integration's webhook URL?)");
    if (!sameSecret(signature.trim().toLowerCase(), hmacSha256Hex(secret, req.rawBody))) {
      return refuse("Sentry-Hook-Signature does not match the body (check SENTRY_CLIENT_SECRET is the integration's client secret)");
    }
    const timestamp = req.headers["sentry-hook-timestamp"];
    return (timestamp && replayRefusal("Sentry-Hook-Timestamp", timestamp, now)) || { ok: true };
  },

  parse(body: unknown, req: InboundRequest): ParseResult {
    const resource = req.headers["sentry-hook-resource"];
    if (resource && resource !== "event_alert" && resource !== "issue") {
      return { ok: false, error: `Sentry-Hook-Resource: ${resource} is not a crash alert; send issue alerts (event_alert) or issue webhooks` };
    }
    const parsed = validate(SentryWebhook, body);
    if (!parsed.ok) return parsed;
    const { action, data } = parsed.data;
    // Sentry signs the body, not the Request-ID header: the event id inside it (or, for issue webhooks, the body's hash) is what a replay cannot change.
    const deliveryId = data.event?.event_id ?? null;
    if (data.event && resource !== "issue") return parseEventAlert(data.event, deliveryId);
    if (data.issue) {
      if (!ISSUE_ACTIONS_THAT_ARE_CRASHES.has(action)) {
        return { ok: false, error: `action: issue.${action} is not a crash occurrence; only issue.created and issue.unresolved are` };
      }
      return parseIssue(data.issue, deliveryId);
    }
    return { ok: false, error: "data: expected data.event (an issue alert) or data.issue (an issue webhook); found neither" };
  },

  async completeContext(report: CrashReport, api: ReporterApi | null, fetchImpl?: typeof fetch): Promise<CrashReport> {
    return fillGapsFromLatestEvent(report, async () => {
      const token = api?.token;
      if (!token) throw new Error("SENTRY_AUTH_TOKEN is not set");
      const org = sentryOrganization(report.url);
      if (!org) throw new Error("the alert names no Sentry organization (no issue web URL)");
      if (!report.reporterGroupId) throw new Error("the alert has no Sentry issue id");
      const client = new ApiClient({
        name: "Sentry",
        baseUrl: api?.baseUrl ?? "https://sentry.io",
        authorization: `Bearer ${token}`,
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      });
      const path = `api/0/organizations/${encodeURIComponent(org)}/issues/${encodeURIComponent(report.reporterGroupId)}/events/latest/`;
      const { body } = await client.get(path, SentryEvent);
      const { type: _type, message: _message, handled: _handled, gaps: _gaps, tags: _tags, ...context } = readSentryEvent(body);
      return context;
    });
  },
};
