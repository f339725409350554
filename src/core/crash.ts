import { z } from "zod";

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
});
export type Frame = z.infer<typeof Frame>;

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
  /** Parts of the context the payload lacked and could not be fetched, with why. */
  gaps: z.array(z.string()).default([]),
});
export type CrashReport = z.infer<typeof CrashReport>;
export type CrashReportInput = z.input<typeof CrashReport>;
