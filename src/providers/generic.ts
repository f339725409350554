import * as z from "zod";
import { DeviceContext, OsContext, type Breadcrumb, type CrashReport } from "../core/crash.js";
import {
  type AlertProvider,
  type AuthResult,
  type InboundRequest,
  type ParseResult,
  hmacSha256Hex,
  isoTimestamp,
  missingSecret,
  missingParts,
  refuse,
  replayRefusal,
  sameSecret,
  validate,
} from "./alert.js";

/**
 * The generic alert format, for any reporter without its own parser (Bugnet, in-house
 * tools). Close to CrashReport, with the conveniences a sender wants: frames in either
 * order, timestamps as unix seconds or ISO, a fingerprint as a string or a list.
 */

const GenericFrame = z
  .object({
    file: z.string().optional().describe("Path or URL of the source file as the app reported it."),
    function: z.string().optional(),
    module: z.string().optional().describe("Class, module or package owning the frame."),
    line: z.number().int().min(0).optional(),
    column: z.number().int().min(0).optional(),
    in_app: z.boolean().default(false).describe("True for the project's own code, false for libraries and the runtime."),
    context_line: z.string().optional().describe("The source line, when the reporter has it."),
  })
  .describe("One stack frame.");

const Timestamp = z.union([z.string(), z.number()]).describe("ISO-8601 string or unix seconds.");

export const GenericAlert = z
  .object({
    project: z.string().min(1).optional().describe("The sender's project name; matched against `sources[].projects` in .github/hotfix.yml."),
    exception: z
      .object({
        type: z.string().min(1).describe("Exception class or error kind, e.g. NullReferenceException."),
        message: z.string().default(""),
        handled: z.boolean().optional().describe("False when the app crashed; true when the error was caught and reported."),
      })
      .describe("What was raised."),
    stacktrace: z
      .object({
        order: z
          .enum(["crashing-first", "crashing-last"])
          .default("crashing-last")
          .describe("crashing-last: outermost call first (Sentry, Python); crashing-first: the raising frame first (Java, .NET, Bugsnag)."),
        frames: z.array(GenericFrame),
      })
      .optional(),
    breadcrumbs: z
      .array(
        z.object({
          timestamp: Timestamp.optional(),
          category: z.string().optional(),
          level: z.string().optional(),
          message: z.string().optional(),
          data: z.record(z.string(), z.unknown()).optional(),
        }),
      )
      .optional()
      .describe("What happened before the crash, oldest first."),
    device: DeviceContext.optional(),
    os: OsContext.optional(),
    runtime: z.object({ name: z.string().optional(), version: z.string().optional() }).optional(),
    platform: z.string().optional().describe("Language or engine: javascript, python, csharp, unity, godot, native..."),
    release: z.string().optional().describe("Version of the app the crash happened in; verification compares versions."),
    environment: z.string().optional(),
    commit: z.string().optional().describe("Commit sha of the crashing build; frame links then point at it."),
    url: z.string().optional().describe("Link back to the crash in the sender's UI."),
    eventId: z.string().min(1).optional().describe("Unique id of this occurrence; a repeat delivery with the same id is counted once."),
    fingerprint: z
      .union([z.string().min(1), z.array(z.string()).min(1)])
      .optional()
      .describe("The sender's own grouping key: alerts of one project with one fingerprint are one hotfix issue, whatever their stack."),
    counts: z
      .object({ events: z.number().int().min(0).optional(), users: z.number().int().min(0).optional() })
      .optional()
      .describe("Totals for this crash as the sender counts them."),
    firstSeen: Timestamp.optional(),
    lastSeen: Timestamp.optional(),
  })
  .describe("A crash alert in hotfix-loop's generic format.");
export type GenericAlert = z.infer<typeof GenericAlert>;

/** The JSON Schema published at schema/generic-alert.schema.json (a test keeps the file in step). */
export function genericAlertJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(GenericAlert, { io: "input", target: "draft-7" }),
    title: "hotfix-loop generic crash alert",
  };
}

const SOURCE = "the alert";

export const generic: AlertProvider = {
  name: "generic",
  secretEnv: "HOTFIX_GENERIC_SECRET",

  authenticate(req: InboundRequest, secret: string, now: Date): AuthResult {
    const unset = missingSecret(this.secretEnv, secret);
    if (unset) return unset;
    const timestamp = req.headers["x-hotfix-timestamp"];
    const signature = req.headers["x-hotfix-signature"];
    if (!timestamp) return refuse("X-Hotfix-Timestamp header is missing (unix seconds, signed with the body)");
    if (!signature) return refuse('X-Hotfix-Signature header is missing (sha256=<hex HMAC of timestamp + "." + body>)');
    const stale = replayRefusal("X-Hotfix-Timestamp", timestamp, now);
    if (stale) return stale;
    const expected = `sha256=${hmacSha256Hex(secret, `${timestamp.trim()}.`, req.rawBody)}`;
    return sameSecret(signature.trim().toLowerCase(), expected)
      ? { ok: true }
      : refuse('X-Hotfix-Signature does not match (HMAC-SHA256 with HOTFIX_GENERIC_SECRET over timestamp + "." + the exact body bytes)');
  },

  /**
   * The report is built from the validated alert, field by field in CrashReport's order, and not
   * validated again: GenericAlert's fields are CrashReport's with the same or stricter rules (a
   * non-empty exception type, whole non-negative counts, whole frame lines), and the type says
   * the rest, so a second parse could refuse nothing and would only cost CPU on every alert.
   */
  parse(body: unknown): ParseResult {
    const parsed = validate(GenericAlert, body);
    if (!parsed.ok) return parsed;
    const alert = parsed.data;
    const frames = alert.stacktrace?.frames ?? [];
    const breadcrumbs = (alert.breadcrumbs ?? []).map(({ timestamp, category, level, message, data }): Breadcrumb => ({
      timestamp: isoTimestamp(timestamp),
      category,
      level,
      message,
      data,
    }));
    const report: CrashReport = {
      provider: "generic",
      project: alert.project,
      exception: alert.exception,
      frames: alert.stacktrace?.order === "crashing-first" ? [...frames].reverse() : frames,
      breadcrumbs,
      device: alert.device,
      os: alert.os,
      runtime: alert.runtime,
      platform: alert.platform,
      release: alert.release,
      environment: alert.environment,
      commit: alert.commit,
      events: alert.counts?.events,
      users: alert.counts?.users,
      firstSeen: isoTimestamp(alert.firstSeen),
      lastSeen: isoTimestamp(alert.lastSeen),
      url: alert.url,
      reporterGroupId: Array.isArray(alert.fingerprint) ? alert.fingerprint.join(":") : alert.fingerprint,
      reporterEventId: alert.eventId,
      causes: [],
      gaps: missingParts({ frames, breadcrumbs, device: alert.device, os: alert.os }, SOURCE),
    };
    return { ok: true, report, deliveryId: alert.eventId ?? null };
  },

  // The generic format has no API to ask: what the alert lacks stays a gap.
  async completeContext(report: CrashReport): Promise<CrashReport> {
    return report;
  },
};
