import * as z from "zod";

/**
 * The canonical crash report every provider parser produces. Field names follow
 * Sentry's event model (in_app, breadcrumbs with category/level) because that is
 * the vocabulary users of any crash reporter already know.
 */

export const Frame = z.object({
  /** Path as reported (may be absolute, a URL, or a minified chunk name). */
  file: z.string().optional(),
  function: z.string().optional(),
  /** Module / package / class owning the frame (Java class, Python module, C# namespace). */
  module: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  /** True when the frame is the project's own code rather than a library or the runtime. */
  in_app: z.boolean().default(false),
  /** Source line text when the reporter sends it. */
  context_line: z.string().optional(),
  /** Native frames: the return address as hex ("0xbcc196b4"), kept for frames no symbol names. */
  instruction_addr: z.string().optional(),
  /** Native frames: the image (library or executable) the address lies in, as its path. */
  package: z.string().optional(),
  /** Native frames: the address's offset from its image's load address, as hex; stable across launches and devices. */
  image_offset: z.string().optional(),
  /** The mangled symbol, when the reporter sends it beside the demangled function. */
  symbol: z.string().optional(),
  /** The function as the platform printed it, before the reporter trimmed it. */
  raw_function: z.string().optional(),
  /** The full path or URL, when the reporter sends it beside a shorter `file` (Sentry's abs_path): tells a web page's frame from a local file's. */
  abs_path: z.string().optional(),
});
export type Frame = z.infer<typeof Frame>;

/** An exception the crash wrapped (its cause, the cause's cause...), with the frames it was raised from. */
export const CausedBy = z.object({
  type: z.string().min(1),
  message: z.string().default(""),
  /** Module or package of the exception class (Python module, Java package), when sent apart from the type. */
  module: z.string().optional(),
  /** Sentry's order: outermost call first. Empty when the reporter sent no stack for this one. */
  frames: z.array(Frame).default([]),
});
export type CausedBy = z.infer<typeof CausedBy>;

/**
 * What a report lacks, as a record rather than a sentence, so the App can tell which parts
 * to fetch and the issue can say what is missing and why.
 */
export const ContextPart = z.enum(["stack trace", "breadcrumbs", "device"]);
export type ContextPart = z.infer<typeof ContextPart>;

const GapRecord = z.discriminatedUnion("kind", [
  /** A part of the context the payload did not carry; `fetch` says how asking the reporter for it went, when it was asked. */
  z.object({
    kind: z.literal("missing"),
    part: ContextPart,
    /** What was read, e.g. "Sentry's issue webhook". */
    source: z.string(),
    fetch: z
      .discriminatedUnion("outcome", [
        z.object({ outcome: z.literal("failed"), reason: z.string() }),
        z.object({ outcome: z.literal("not-in-latest-event") }),
      ])
      .optional(),
  }),
  /** A malformed part of the payload that was left out so the rest could be used. */
  z.object({
    kind: z.literal("skipped"),
    /** Where in the payload, e.g. "exception.values[1]". */
    field: z.string(),
    /** What was wrong with it. */
    reason: z.string(),
  }),
]);

/** Reports stored before gaps were records held sentences such as "stack trace: not in the alert". */
function gapFromSentence(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const part = ContextPart.options.find((p) => value.startsWith(`${p}: not in `));
  if (part) return { kind: "missing", part, source: value.slice(part.length + ": not in ".length) };
  return { kind: "skipped", field: "report", reason: value };
}

export const Gap = z.preprocess(gapFromSentence, GapRecord);
export type Gap = z.infer<typeof GapRecord>;

export const Breadcrumb = z.object({
  /** ISO-8601 timestamp. */
  timestamp: z.string().optional(),
  category: z.string().optional(),
  level: z.string().optional(),
  message: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type Breadcrumb = z.infer<typeof Breadcrumb>;

export const DeviceContext = z.object({
  name: z.string().optional(),
  model: z.string().optional(),
  manufacturer: z.string().optional(),
  family: z.string().optional(),
  arch: z.string().optional(),
  memory: z.string().optional(),
  orientation: z.string().optional(),
  locale: z.string().optional(),
});
export type DeviceContext = z.infer<typeof DeviceContext>;

export const OsContext = z.object({
  name: z.string().optional(),
  version: z.string().optional(),
  build: z.string().optional(),
});
export type OsContext = z.infer<typeof OsContext>;

export const ProviderName = z.enum(["sentry", "bugsnag", "generic"]);
export type ProviderName = z.infer<typeof ProviderName>;

export const CrashReport = z.object({
  provider: ProviderName,
  /** The reporter's project (Sentry project slug, Bugsnag project id, generic project name). */
  project: z.string().optional(),
  exception: z.object({
    type: z.string().min(1),
    message: z.string().default(""),
    handled: z.boolean().optional(),
  }),
  /**
   * Stack frames in Sentry's order: outermost call first, the frame that raised last.
   * Parsers of reporters that list the crashing frame first reverse them.
   */
  frames: z.array(Frame).default([]),
  /** Oldest first, as they happened. */
  breadcrumbs: z.array(Breadcrumb).default([]),
  device: DeviceContext.optional(),
  os: OsContext.optional(),
  runtime: z.object({ name: z.string().optional(), version: z.string().optional() }).optional(),
  /** Platform / language as the reporter names it (javascript, python, java, csharp, native...). */
  platform: z.string().optional(),
  /** App version / release the crash happened in. */
  release: z.string().optional(),
  environment: z.string().optional(),
  /** Commit sha of the crashing build when the reporter knows it. */
  commit: z.string().optional(),
  /** Totals as the reporter counts them for this group, when sent. */
  events: z.number().int().nonnegative().optional(),
  users: z.number().int().nonnegative().optional(),
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
  /** Link back to the crash in the reporter's UI. */
  url: z.string().optional(),
  /** The reporter's own group id / fingerprint, kept beside our signature. */
  reporterGroupId: z.string().optional(),
  /** The reporter's id of this single event, used to fetch full context later. */
  reporterEventId: z.string().optional(),
  /**
   * The exceptions the crash wrapped, nearest cause first (Java's "Caused by", Python's
   * __cause__, .NET inner exceptions, Sentry's earlier exception values).
   */
  causes: z.array(CausedBy).default([]),
  /** Where `frames` came from: the exception itself, or (when it carried no stack) the crashed or current thread. */
  stackFrom: z.enum(["exception", "crashed thread", "current thread"]).optional(),
  /** When the event itself happened, as the reporter stamped it (ISO-8601). */
  occurredAt: z.string().optional(),
  /** Severity as the reporter names it (Sentry level, Bugsnag severity). */
  severity: z.string().optional(),
  browser: z.object({ name: z.string().optional(), version: z.string().optional() }).optional(),
  /** The app as it describes itself: display name, version string and build number. */
  app: z.object({ name: z.string().optional(), version: z.string().optional(), build: z.string().optional() }).optional(),
  /** The URL of the request being served (Sentry request.url, Bugsnag requestUrl). */
  requestUrl: z.string().optional(),
  /** Sentry's transaction: the route or task the crash happened in. */
  transaction: z.string().optional(),
  /** Bugsnag's context: where in the app the crash happened (a route, a screen). */
  context: z.string().optional(),
  /** The reporter's tags, as sent (scrubbed when shown). */
  tags: z.record(z.string(), z.string()).optional(),
  /** Parts of the context the payload lacked or that were skipped as malformed, and why. */
  gaps: z.array(Gap).default([]),
});
export type CrashReport = z.infer<typeof CrashReport>;
export type CrashReportInput = z.input<typeof CrashReport>;

/** Names native reporters give a frame they could not symbolicate: no name at all. */
const NO_NAME = /^(?:<redacted>|<unknown>|unknown|\?+|0x[0-9a-f]+|\d+)$/i;

export function isUnnamed(name: string | undefined): boolean {
  return name === undefined || NO_NAME.test(name.trim());
}

/**
 * The stack that shows where the crash happened: the crash's own frames, else (a wrapper
 * raised without frames, like Rails' ActionView::Template::Error) those of its nearest
 * cause that has some.
 */
export function crashingStack(report: Pick<CrashReport, "frames" | "causes">): Frame[] {
  if (report.frames.length > 0) return report.frames;
  return report.causes.find((c) => c.frames.length > 0)?.frames ?? [];
}

/**
 * The earliest of the reporter's `stamps` and `received` (when the App heard of the crash). A stamp that is
 * unreadable, or later than `received` (a device with a skewed clock), is passed over.
 */
export function earliestStamp(stamps: (string | undefined)[], received: string): string {
  const limit = Date.parse(received);
  let best: { text: string; ms: number } | undefined;
  for (const text of [...stamps, received]) {
    const ms = text ? Date.parse(text) : Number.NaN;
    if (!text || Number.isNaN(ms) || ms > limit) continue;
    if (!best || ms < best.ms) best = { text, ms };
  }
  return best?.text ?? received;
}

/**
 * When the crash was first seen: the earliest of the reporter's first-seen and the event's own time, never after the
 * alert was `received`. The one rule for the "First seen" and the hotfix clock's first stage.
 */
export function firstSeenOf(report: Pick<CrashReport, "firstSeen" | "occurredAt">, received: string): string {
  return earliestStamp([report.firstSeen, report.occurredAt], received);
}
