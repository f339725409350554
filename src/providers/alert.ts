import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type * as z from "zod";
import { formatIssues } from "../core/zod-problems.js";
import { ContextPart, CrashReport, type CrashReportInput, type Gap, type ProviderName } from "../core/crash.js";

/**
 * What every crash reporter's webhook side provides: authentication of the raw request,
 * a parser from its payload to a CrashReport, and a way to fetch what the payload lacked.
 */

export interface InboundRequest {
  rawBody: Buffer;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  query: URLSearchParams;
}

export type AuthResult = { ok: true } | { ok: false; status: 401 | 403; reason: string };

export type ParseResult = { ok: true; report: CrashReport; deliveryId: string | null } | { ok: false; error: string /* names the field */ };

export interface AlertProvider {
  name: ProviderName;
  /** Secret name in env, e.g. SENTRY_CLIENT_SECRET; authenticate() is called with its value. */
  secretEnv: string;
  authenticate(req: InboundRequest, secret: string, now: Date): AuthResult;
  parse(body: unknown, req: InboundRequest): ParseResult;
  /** Fills missing stack/breadcrumbs/device from the reporter's API; returns the report with `gaps` saying what is still missing and why. */
  completeContext(report: CrashReport, api: ReporterApi | null, fetchImpl?: typeof fetch): Promise<CrashReport>;
}

/** A reporter's API a provider completes a crash's context from (the App's SENTRY_AUTH_TOKEN and SENTRY_URL, …). */
export interface ReporterApi {
  /** Unset: the context stays incomplete, and its gaps say so. */
  token?: string;
  /** Unset: the reporter's SaaS (sentry.io, api.bugsnag.com). */
  baseUrl?: string;
}

/** Signed timestamps older or newer than this are refused as replays. */
export const REPLAY_WINDOW_SECONDS = 300;

export function hmacSha256Hex(secret: string, ...parts: (string | Buffer)[]): string {
  const hmac = createHmac("sha256", secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

/**
 * Constant-time equality of two secrets or signatures of any lengths: both sides are
 * hashed first, so timingSafeEqual always sees equal lengths and the time taken says
 * nothing about how long or how close the guess was.
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function refuse(reason: string, status: 401 | 403 = 401): AuthResult {
  return { ok: false, status, reason };
}

/** A secret the App was not given means every request is refused rather than accepted unsigned. */
export function missingSecret(secretEnv: string, secret: string): AuthResult | null {
  return secret ? null : refuse(`${secretEnv} is not set on the App, so no alert can be authenticated`);
}

/**
 * Checks a unix-seconds timestamp header against `now`. Returns a refusal, or null when
 * the timestamp is inside the replay window.
 */
export function replayRefusal(header: string, value: string, now: Date): AuthResult | null {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) return refuse(`${header}: expected unix seconds, got ${JSON.stringify(value.slice(0, 40))}`);
  let seconds = Number(value);
  // Some senders use milliseconds; no real seconds value is this large before year 5000.
  if (seconds > 1e11) seconds /= 1000;
  const skew = Math.abs(now.getTime() / 1000 - seconds);
  if (skew > REPLAY_WINDOW_SECONDS) {
    return refuse(`${header}: ${Math.round(skew)} s away from the App's clock (more than ${REPLAY_WINDOW_SECONDS} s); refused as a possible replay`);
  }
  return null;
}

/** Validates a payload with a (loose) schema; the error names the fields that did not match. */
export function validate<S extends z.ZodType>(schema: S, body: unknown): { ok: true; data: z.infer<S> } | { ok: false; error: string } {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, error: formatIssues(result.error.issues, body).slice(0, 3).join("; ") };
}

/** The last step of every parser: the canonical schema checks what the mapping produced. */
export function finishReport(report: z.input<typeof CrashReport>, deliveryId: string | null): ParseResult {
  const result = CrashReport.safeParse(report);
  if (!result.success) return { ok: false, error: formatIssues(result.error.issues, report, "report.").slice(0, 3).join("; ") };
  return { ok: true, report: result.data, deliveryId };
}

/** toISOString()'s form; the groups are the day and the hour. */
const CANONICAL_ISO = /^\d{4}-\d{2}-(\d{2})T(\d{2}):\d{2}:\d{2}\.\d{3}Z$/;

/** Unix seconds (or milliseconds) or an ISO string, as an ISO string; unparseable text is kept as sent. */
export function isoTimestamp(value: number | string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if (typeof value === "number") {
    const ms = value > 1e11 ? value : value * 1000;
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  // Most senders already send toISOString()'s form: kept as is when Date would give it back unchanged (up to
  // day 28 and hour 23, as Date rolls "02-30" and "24:00" over to the next month or day); unreadable fields come
  // back as sent either way. A breadcrumb trail's stamps otherwise cost a Date parse and print each.
  const canonical = CANONICAL_ISO.exec(value);
  if (canonical && canonical[1]! <= "28" && canonical[2]! <= "23") return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** Bytes as people read them in an issue, e.g. "3.7 GiB". */
export function formatMemory(bytes: number | null | undefined): string | undefined {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes <= 0) return undefined;
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Removes keys whose value is null or undefined, so optional fields stay absent. */
export function present<T extends Record<string, unknown>>(record: T): { [K in keyof T]?: NonNullable<T[K]> } | undefined {
  const entries = Object.entries(record).filter(([, v]) => v !== null && v !== undefined && v !== "");
  return entries.length ? (Object.fromEntries(entries) as { [K in keyof T]?: NonNullable<T[K]> }) : undefined;
}

// --- context the payload lacked -------------------------------------------------------

/** The gap a parser records for a part its reporter's payload does not carry. */
export function payloadGap(part: ContextPart, source: string): Gap {
  return { kind: "missing", part, source };
}

/** The gaps for the parts of `report` that are empty, each as not in `source`. */
export function missingParts(report: Pick<CrashReportInput, "frames" | "breadcrumbs" | "device" | "os">, source: string): Gap[] {
  return ContextPart.options.filter((part) => !hasPart(report, part)).map((part) => payloadGap(part, source));
}

function hasPart(report: Pick<CrashReportInput, "frames" | "breadcrumbs" | "device" | "os">, part: ContextPart): boolean {
  if (part === "stack trace") return (report.frames?.length ?? 0) > 0;
  if (part === "breadcrumbs") return (report.breadcrumbs?.length ?? 0) > 0;
  return report.device !== undefined || report.os !== undefined;
}

/** What a reporter's latest event adds to a report; fields the alert already had win. */
export type LatestContext = Partial<
  Pick<
    CrashReport,
    | "frames"
    | "causes"
    | "stackFrom"
    | "breadcrumbs"
    | "device"
    | "os"
    | "runtime"
    | "browser"
    | "app"
    | "release"
    | "commit"
    | "environment"
    | "reporterEventId"
    | "platform"
  >
>;

/**
 * Fetches the latest event only when the parser recorded a missing part of the context,
 * and records on those gaps how asking went. Never throws: a failure is a gap with its reason.
 */
export async function fillGapsFromLatestEvent(report: CrashReport, fetchLatest: () => Promise<LatestContext>): Promise<CrashReport> {
  if (!report.gaps.some((gap) => gap.kind === "missing" && !gap.fetch)) return report;
  let latest: LatestContext;
  try {
    latest = await fetchLatest();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ...report,
      gaps: report.gaps.map((gap) => (gap.kind === "missing" && !gap.fetch ? { ...gap, fetch: { outcome: "failed", reason } } : gap)),
    };
  }
  const useLatestStack = report.frames.length === 0 && (latest.frames?.length ?? 0) > 0;
  const filled: CrashReport = {
    ...report,
    frames: useLatestStack ? (latest.frames ?? []) : report.frames,
    causes: report.causes.length ? report.causes : (latest.causes ?? []),
    stackFrom: useLatestStack ? latest.stackFrom : report.stackFrom,
    breadcrumbs: report.breadcrumbs.length ? report.breadcrumbs : (latest.breadcrumbs ?? []),
    device: report.device ?? latest.device,
    os: report.os ?? latest.os,
    runtime: report.runtime ?? latest.runtime,
    browser: report.browser ?? latest.browser,
    app: report.app ?? latest.app,
    release: report.release ?? latest.release,
    // The latest event's commit is its release's: taken only when that is the report's release too.
    commit: report.commit ?? (report.release === undefined || report.release === latest.release ? latest.commit : undefined),
    environment: report.environment ?? latest.environment,
    platform: report.platform ?? latest.platform,
    reporterEventId: report.reporterEventId ?? latest.reporterEventId,
  };
  const gaps = report.gaps.flatMap((gap): Gap[] => {
    if (gap.kind !== "missing" || gap.fetch) return [gap];
    return hasPart(filled, gap.part) ? [] : [{ ...gap, fetch: { outcome: "not-in-latest-event" } }];
  });
  return { ...filled, gaps };
}
