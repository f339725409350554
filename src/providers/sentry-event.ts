import * as z from "zod";
import type { Breadcrumb, CausedBy, CrashReport, Frame } from "../core/crash.js";
import { type LatestContext, formatMemory, isoTimestamp, present } from "./alert.js";
import { Skipped } from "./lenient.js";

/**
 * One Sentry event (the issue alert's `data.event`, or the API's latest event) mapped to a
 * CrashReport's parts. Events come as Sentry stores them and as SDKs send them: sections
 * as `{values: [...]}` or bare lists, tags as pairs, objects or `{key, value}`, frames in
 * snake_case or the API's camelCase, native frames with only an address. Every section is
 * read on its own, so one malformed part is skipped (and said) instead of refusing the alert.
 *
 * Over 300 lines on purpose: this is one event schema and its reading, section by section;
 * split apart, the sections' schemas would sit away from the code that reads them.
 */

const text = z.string().nullish();
const count = z.number().nullish();
/** A line number as a number or a numeric string; 0 and negatives mean "unknown". */
const lineNumber = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
  ])
  .nullish()
  .transform((n) => (n === null || n === undefined || !Number.isFinite(n) || n <= 0 ? undefined : Math.trunc(n)));
/** Addresses come as "0x…" strings or as numbers. */
const address = z
  .union([z.string(), z.number().int().nonnegative()])
  .nullish()
  .transform((a) => (a === null || a === undefined ? undefined : typeof a === "number" ? `0x${a.toString(16)}` : a));

const SentryFrame = z.looseObject({
  filename: text,
  abs_path: text,
  absPath: text,
  function: text,
  raw_function: text,
  symbol: text,
  module: text,
  package: text,
  lineno: lineNumber,
  lineNo: lineNumber,
  colno: lineNumber,
  colNo: lineNumber,
  in_app: z.boolean().nullish(),
  inApp: z.boolean().nullish(),
  context_line: text,
  /** API form: [[line number, source line], ...]. */
  context: z.array(z.array(z.unknown())).nullish(),
  instruction_addr: address,
  instructionAddr: address,
  image_addr: address,
});
type SentryFrame = z.infer<typeof SentryFrame>;

const Stacktrace = z.looseObject({ frames: z.array(z.unknown()).nullish() });

const ExceptionValue = z.looseObject({
  type: text,
  value: text,
  module: text,
  thread_id: z.union([z.number(), z.string()]).nullish(),
  mechanism: z
    .looseObject({
      type: text,
      handled: z.boolean().nullish(),
      exception_id: z.number().int().nullish(),
      parent_id: z.number().int().nullish(),
    })
    .nullish(),
  stacktrace: Stacktrace.nullish(),
});
type ExceptionValue = z.infer<typeof ExceptionValue>;

const Thread = z.looseObject({
  id: z.union([z.number(), z.string()]).nullish(),
  crashed: z.boolean().nullish(),
  current: z.boolean().nullish(),
  /** The app's main (UI) thread: the one an ANR is about. */
  main: z.boolean().nullish(),
  name: text,
  stacktrace: Stacktrace.nullish(),
});

const SentryBreadcrumb = z.looseObject({
  timestamp: z.union([z.number(), z.string()]).nullish(),
  type: text,
  category: text,
  level: text,
  message: text,
  data: z.record(z.string(), z.unknown()).nullish(),
});

const Image = z.looseObject({
  image_addr: address,
  image_size: z.number().nullish(),
  code_file: text,
  name: text,
});

const Device = z.looseObject({
  name: text,
  model: text,
  model_id: text,
  manufacturer: text,
  brand: text,
  family: text,
  arch: text,
  memory_size: count,
  orientation: text,
  locale: text,
});
const NameVersion = z.looseObject({ name: text, version: text, build: text });
const App = z.looseObject({ app_name: text, app_version: text, app_build: text });

/** Older SDKs name sections by their interface ("sentry.interfaces.Exception"); Sentry still accepts them. */
const INTERFACE_NAMES: Record<string, string> = {
  "sentry.interfaces.Exception": "exception",
  "sentry.interfaces.Stacktrace": "stacktrace",
  "sentry.interfaces.Breadcrumbs": "breadcrumbs",
  "sentry.interfaces.Message": "logentry",
  "sentry.interfaces.Http": "request",
  "sentry.interfaces.Threads": "threads",
};

function withInterfaceNames(event: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(event).some((key) => key in INTERFACE_NAMES)) return event;
  const out = { ...event };
  for (const [alias, name] of Object.entries(INTERFACE_NAMES)) if (out[name] == null && out[alias] != null) out[name] = out[alias];
  return out;
}

/** A section Sentry may send as `{values: [...]}` or as the bare list. */
function valuesOf(section: unknown): unknown {
  if (Array.isArray(section)) return section;
  if (section !== null && typeof section === "object" && "values" in section) return section.values;
  return section;
}

/** Older SDKs (raven-js 1.x, raven-python) send one exception as the bare object `{type, value}`, its stack apart. */
function exceptionValuesOf(section: unknown): unknown {
  const single = section !== null && typeof section === "object" && !Array.isArray(section) && !("values" in section);
  return single && ("type" in section || "value" in section) ? [section] : valuesOf(section);
}

function big(hex: string | undefined): bigint | undefined {
  if (!hex || !/^(?:0x)?[0-9a-f]+$/i.test(hex)) return undefined;
  try {
    return BigInt(hex.startsWith("0x") || hex.startsWith("0X") ? hex : `0x${hex}`);
  } catch {
    return undefined;
  }
}

interface LoadedImage {
  start: bigint;
  end: bigint;
  path: string;
}

/** Where an address lies: its image path and its offset from the image's load address. */
function locate(frame: SentryFrame, images: LoadedImage[]): { package?: string; image_offset?: string } {
  const addr = big(frame.instruction_addr ?? frame.instructionAddr);
  if (addr === undefined) return {};
  const base = big(frame.image_addr);
  const image = images.find((i) => (base === undefined ? addr >= i.start && addr < i.end : i.start === base));
  const start = base ?? image?.start;
  const pkg = frame.package ?? image?.path;
  if (start === undefined || addr < start) return pkg ? { package: pkg } : {};
  return { ...(pkg ? { package: pkg } : {}), image_offset: `0x${(addr - start).toString(16)}` };
}

/** Native frames whose reporter did not say: an app bundle's own executable is the project's code, system images are not. */
function inferredInApp(pkg: string | undefined): boolean {
  return !!pkg && /\.app\//.test(pkg) && !/\.app\/Frameworks\//.test(pkg);
}

function frameFrom(frame: SentryFrame, images: LoadedImage[]): Frame {
  const line = frame.lineno ?? frame.lineNo;
  const sourceLine = frame.context_line ?? (frame.context ?? []).find((pair) => pair[0] === line && typeof pair[1] === "string")?.[1];
  const native = locate(frame, images);
  const inApp = frame.in_app ?? frame.inApp;
  return {
    ...present({
      file: frame.filename || frame.abs_path || frame.absPath || undefined,
      abs_path: frame.filename && (frame.abs_path || frame.absPath) !== frame.filename ? frame.abs_path || frame.absPath || undefined : undefined,
      function: frame.function,
      module: frame.module,
      line,
      column: frame.colno ?? frame.colNo,
      context_line: typeof sourceLine === "string" ? sourceLine : undefined,
      instruction_addr: frame.instruction_addr ?? frame.instructionAddr,
      package: native.package,
      image_offset: native.image_offset,
      symbol: frame.symbol,
      raw_function: frame.raw_function,
    }),
    in_app: inApp ?? inferredInApp(native.package),
  };
}

function breadcrumbFrom(crumb: z.infer<typeof SentryBreadcrumb>): Breadcrumb {
  return {
    ...present({ timestamp: isoTimestamp(crumb.timestamp), category: crumb.category ?? crumb.type, level: crumb.level, message: crumb.message }),
    ...(crumb.data && Object.keys(crumb.data).length ? { data: crumb.data } : {}),
  };
}

/** Webhook events send tags as pairs, the API as {key, value} objects, SDKs as an object. */
function tagsOf(raw: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  const put = (key: unknown, value: unknown) => {
    if (typeof key === "string" && (typeof value === "string" || typeof value === "number" || typeof value === "boolean")) tags[key] = String(value);
  };
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      if (Array.isArray(entry)) put(entry[0], entry[1]);
      else if (entry && typeof entry === "object") put((entry as { key?: unknown }).key, (entry as { value?: unknown }).value);
    }
  } else if (raw && typeof raw === "object") {
    for (const [key, value] of Object.entries(raw)) put(key, value);
  }
  return tags;
}

/**
 * The chain, crash first. With mechanism ids (exception groups, newer SDKs) the crash is
 * the value without a parent and its causes follow parent links; otherwise Sentry's list
 * is oldest cause first and the crash last.
 */
function chainOf(values: ExceptionValue[]): ExceptionValue[] {
  const ids = values.filter((v) => v.mechanism?.exception_id != null);
  if (ids.length === values.length && values.length > 1) {
    const root = values.find((v) => v.mechanism?.parent_id == null);
    if (root) {
      const out: ExceptionValue[] = [];
      const walk = (v: ExceptionValue) => {
        out.push(v);
        for (const child of values.filter((c) => c.mechanism?.parent_id === v.mechanism?.exception_id && c !== v))
          if (!out.includes(child)) walk(child);
      };
      walk(root);
      return out;
    }
  }
  return [...values].reverse();
}

export interface SentryEventParts extends LatestContext {
  type?: string;
  message: string;
  handled?: boolean;
  causes: CausedBy[];
  tags: Record<string, string>;
  occurredAt?: string;
  severity?: string;
  requestUrl?: string;
  transaction?: string;
  gaps: CrashReport["gaps"];
}

/** The crash in one event, as far as it can be read; `type` is absent when the event has neither exception nor message. */
export function readSentryEvent(sent: Record<string, unknown>): SentryEventParts {
  const event = withInterfaceNames(sent);
  const skipped = new Skipped();
  const images: LoadedImage[] = [];
  const debugMeta = event.debug_meta as { images?: unknown } | null | undefined;
  for (const image of skipped.list(Image, debugMeta?.images, "debug_meta.images")) {
    const start = big(image.image_addr);
    const path = image.code_file ?? image.name;
    if (start !== undefined && path) images.push({ start, end: start + BigInt(Math.max(0, Math.trunc(image.image_size ?? 0))), path });
  }
  // A frame that names nothing (no file, function, module or address) says nothing: it is left out.
  const framesOf = (stack: z.infer<typeof Stacktrace> | null | undefined, field: string): Frame[] =>
    skipped
      .list(SentryFrame, stack?.frames, `${field}.frames`)
      .map((f) => frameFrom(f, images))
      .filter((f) => f.file || f.function || f.module || f.instruction_addr || f.package);

  const values = skipped
    .list(ExceptionValue, exceptionValuesOf(event.exception), "exception.values")
    .filter((v) => v.type || v.value || v.stacktrace);
  const chain = chainOf(values);
  const crash = chain[0];
  let frames = crash ? framesOf(crash.stacktrace, "exception.values[crash].stacktrace") : [];
  let stackFrom: CrashReport["stackFrom"] = frames.length ? "exception" : undefined;
  if (frames.length === 0) {
    const threads = skipped.list(Thread, valuesOf(event.threads), "threads.values");
    const own =
      crash?.thread_id != null
        ? threads.find((t) => t.id != null && String(t.id) === String(crash.thread_id) && t.stacktrace?.frames?.length)
        : undefined;
    // An ANR is the main thread blocked: that thread is the crash's, whichever the SDK marked current.
    const anr = /^(?:ANR|AppExitInfo)$/i.test(crash?.mechanism?.type ?? "") || /ApplicationNotResponding/.test(crash?.type ?? "");
    const blocked = anr ? threads.find((t) => (t.main || t.name === "main") && t.stacktrace?.frames?.length) : undefined;
    const crashed = own ?? threads.find((t) => t.crashed && t.stacktrace?.frames?.length) ?? blocked;
    const current = threads.find((t) => t.current && t.stacktrace?.frames?.length);
    const thread = crashed ?? current;
    if (thread) {
      frames = framesOf(thread.stacktrace, "threads.values[crashed].stacktrace");
      stackFrom = crashed ? "crashed thread" : "current thread";
    }
  }
  if (frames.length === 0 && event.stacktrace) {
    frames = framesOf(skipped.read(Stacktrace, event.stacktrace, "stacktrace"), "stacktrace");
    if (frames.length) stackFrom = "exception";
  }

  const logentry = event.logentry as { formatted?: unknown; message?: unknown } | null | undefined;
  const logMessage = [logentry?.formatted, logentry?.message, event.message].find((m) => typeof m === "string" && m !== "") as string | undefined;
  const metadata = skipped.read(z.looseObject({ type: text, value: text }), event.metadata, "metadata");
  const type = crash ? crash.type || "Error" : (metadata?.type ?? (logMessage ? "Message" : frames.length ? "Event" : undefined));

  const contexts: Record<string, unknown> = event.contexts && typeof event.contexts === "object" ? (event.contexts as Record<string, unknown>) : {};
  const contextOf = (kind: string): unknown =>
    Object.entries(contexts).find(([key, value]) => value && typeof value === "object" && ((value as { type?: unknown }).type ?? key) === kind)?.[1];
  const device = skipped.read(Device, contexts.device ?? contextOf("device"), "contexts.device");
  const os = skipped.read(NameVersion, contexts.os ?? contextOf("os"), "contexts.os");
  const runtime = skipped.read(NameVersion, contexts.runtime ?? contextOf("runtime"), "contexts.runtime");
  const browser = skipped.read(NameVersion, contexts.browser ?? contextOf("browser"), "contexts.browser");
  const app = skipped.read(App, contexts.app ?? contextOf("app"), "contexts.app");
  const request = skipped.read(z.looseObject({ url: text }), event.request, "request");
  const tags = tagsOf(event.tags);
  // The API's event carries its release as an object, with the release's newest commit when the project links a repository.
  const releaseObject =
    typeof event.release === "object" ? (event.release as { version?: unknown; lastCommit?: { id?: unknown } | null } | null) : null;
  const release = typeof event.release === "string" ? event.release : (releaseObject?.version ?? tags.release);
  const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

  return {
    type: type ?? undefined,
    message: crash ? (crash.value ?? metadata?.value ?? "") : (logMessage ?? metadata?.value ?? ""),
    handled: crash?.mechanism?.handled ?? undefined,
    frames,
    stackFrom,
    causes: chain.slice(1).map((v, i) => ({
      type: v.type || "Error",
      message: v.value ?? "",
      ...(v.module ? { module: v.module } : {}),
      frames: framesOf(v.stacktrace, `exception.values[cause ${i + 1}].stacktrace`),
    })),
    breadcrumbs: skipped.list(SentryBreadcrumb, valuesOf(event.breadcrumbs), "breadcrumbs.values").map(breadcrumbFrom),
    device: device
      ? present({
          name: device.name,
          model: device.model ?? device.model_id,
          manufacturer: device.manufacturer ?? device.brand,
          family: device.family,
          arch: device.arch,
          memory: formatMemory(device.memory_size),
          orientation: device.orientation,
          locale: device.locale,
        })
      : undefined,
    os: os ? present({ name: os.name, version: os.version, build: os.build }) : undefined,
    runtime: runtime ? present({ name: runtime.name, version: runtime.version }) : undefined,
    browser: browser ? present({ name: browser.name, version: browser.version }) : undefined,
    app: app ? present({ name: app.app_name, version: app.app_version, build: app.app_build }) : undefined,
    platform: str(event.platform),
    release: str(release),
    commit: str(releaseObject?.lastCommit?.id),
    environment: str(event.environment) ?? tags.environment,
    reporterEventId: str(event.event_id) ?? str(event.eventID),
    tags,
    occurredAt: isoTimestamp([event.timestamp, event.datetime].find((t): t is number | string => typeof t === "number" || typeof t === "string")),
    severity: str(event.level),
    requestUrl: request?.url ?? undefined,
    transaction: str(event.transaction),
    gaps: skipped.gaps,
  };
}
