import * as z from "zod";
import type { Breadcrumb, CausedBy, CrashReport, CrashReportInput, Frame } from "../core/crash.js";
import {
  type AlertProvider,
  type AuthResult,
  type InboundRequest,
  type LatestContext,
  type ParseResult,
  type ReporterApi,
  fillGapsFromLatestEvent,
  finishReport,
  formatMemory,
  isoTimestamp,
  missingSecret,
  missingParts,
  present,
  refuse,
  sameSecret,
  validate,
} from "./alert.js";
import { ApiClient } from "./http.js";

/**
 * Bugsnag's Webhook integration (Data forwarding) and its Data Access API.
 * Bugsnag lists the crashing frame first; CrashReport keeps Sentry's order, so frames are
 * reversed. The webhook is not signed: a shared token in the URL or a header stands in.
 * Captured webhooks spell the exception `exceptionClass` + `stackTrace` with string line
 * numbers; event payloads use `exceptions[]` with `errorClass` (API: `error_class`) — all are read.
 */

const text = z.string().nullish();
/** JVM frames say -1 (unknown) and -2 (native method), as numbers or strings: no line. */
const lineNumber = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+$/, "expected a line number")
      .transform(Number),
  ])
  .nullish()
  .transform((n) => (n === null || n === undefined || n <= 0 ? undefined : n));

const BugsnagFrame = z.looseObject({
  file: text,
  method: text,
  lineNumber,
  line_number: lineNumber,
  columnNumber: lineNumber,
  column_number: lineNumber,
  inProject: z.boolean().nullish(),
  in_project: z.boolean().nullish(),
  code: z.record(z.string(), z.string().nullable()).nullish(),
  /** Native frames (Cocoa, NDK): the binary, the return address and the binary's load address, hex strings or numbers. */
  machoFile: text,
  frameAddress: z.union([z.string(), z.number()]).nullish(),
  machoLoadAddress: z.union([z.string(), z.number()]).nullish(),
  loadAddress: z.union([z.string(), z.number()]).nullish(),
});
type BugsnagFrame = z.infer<typeof BugsnagFrame>;

/** An address as Bugsnag sends it ("0x1a2b", "6699", 6699). */
function addressOf(value: string | number | null | undefined): bigint | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  return /^(?:0x[0-9a-f]+|\d+)$/i.test(value) ? BigInt(value) : undefined;
}

/** A native frame's binary, return address and offset into the binary: what names an unsymbolicated frame. */
function nativeParts(frame: BugsnagFrame): Pick<Frame, "package" | "instruction_addr" | "image_offset"> {
  const address = addressOf(frame.frameAddress);
  if (address === undefined) return {};
  const load = addressOf(frame.machoLoadAddress ?? frame.loadAddress);
  const binary = frame.machoFile ?? (load === undefined ? undefined : frame.file);
  return {
    ...(binary ? { package: binary } : {}),
    instruction_addr: `0x${address.toString(16)}`,
    ...(load !== undefined && address >= load ? { image_offset: `0x${(address - load).toString(16)}` } : {}),
  };
}

const BugsnagException = z.looseObject({
  errorClass: text,
  error_class: text,
  message: text,
  stacktrace: z.array(BugsnagFrame).nullish(),
});

const BugsnagBreadcrumb = z.looseObject({
  timestamp: z.union([z.string(), z.number()]).nullish(),
  name: text,
  type: text,
  metaData: z.record(z.string(), z.unknown()).nullish(),
  meta_data: z.record(z.string(), z.unknown()).nullish(),
});

const BugsnagDevice = z.looseObject({
  osName: text,
  osVersion: text,
  model: text,
  manufacturer: text,
  locale: text,
  orientation: text,
  totalMemory: z.number().nullish(),
  runtimeVersions: z.record(z.string(), z.unknown()).nullish(),
  browserName: text,
  browserVersion: text,
});

const BugsnagApp = z.looseObject({
  version: text,
  releaseStage: text,
  release_stage: text,
  type: text,
  versionCode: z.union([z.string(), z.number()]).nullish(),
  bundleVersion: text,
});

/** The parts shared by the webhook's `error` and the API's event. */
const eventFields = {
  exceptions: z.array(BugsnagException).nullish(),
  breadcrumbs: z.array(BugsnagBreadcrumb).nullish(),
  device: BugsnagDevice.nullish(),
  app: BugsnagApp.nullish(),
  unhandled: z.boolean().nullish(),
  context: text,
  severity: text,
  request: z.looseObject({ url: text }).nullish(),
};

const BugsnagEvent = z.looseObject({ id: text, ...eventFields });
type BugsnagEvent = z.infer<typeof BugsnagEvent>;

const BugsnagWebhook = z.looseObject({
  project: z.looseObject({ id: text, name: text, url: text }).nullish(),
  trigger: z.looseObject({ type: z.string(), message: text }),
  error: z
    .looseObject({
      ...eventFields,
      id: text,
      errorId: text,
      exceptionClass: text,
      message: text,
      appVersion: text,
      releaseStage: text,
      requestUrl: text,
      firstReceived: text,
      receivedAt: text,
      url: text,
      occurrences: z.number().int().nullish(),
      usersAffected: z.number().int().nullish(),
      stackTrace: z.array(BugsnagFrame).nullish(),
      stacktrace: z.array(BugsnagFrame).nullish(),
    })
    .nullish(),
});

/** Triggers about an error occurring; the rest (comments, state changes, releases, spikes) are not crashes. */
const CRASH_TRIGGERS = new Set(["firstException", "exception", "errorEventFrequency", "powerTen", "reopened"]);

const WEBHOOK_SOURCE = "Bugsnag's webhook";

function frameFrom(frame: BugsnagFrame): Frame {
  const line = frame.lineNumber ?? frame.line_number ?? undefined;
  const code = frame.code ?? undefined;
  return {
    ...present({
      file: frame.file,
      function: frame.method,
      line,
      column: frame.columnNumber ?? frame.column_number ?? undefined,
      context_line: line === undefined ? undefined : (code?.[String(line)] ?? undefined),
    }),
    ...nativeParts(frame),
    in_app: frame.inProject ?? frame.in_project ?? false,
  };
}

/** Bugsnag lists the crashing frame first; CrashReport wants it last. */
function framesInSentryOrder(frames: BugsnagFrame[] | null | undefined): Frame[] {
  return (frames ?? []).map(frameFrom).reverse();
}

function breadcrumbFrom(crumb: z.infer<typeof BugsnagBreadcrumb>): Breadcrumb {
  const data = crumb.metaData ?? crumb.meta_data;
  return {
    ...present({ timestamp: isoTimestamp(crumb.timestamp), category: crumb.type, message: crumb.name }),
    ...(data && Object.keys(data).length ? { data } : {}),
  };
}

/** Bugsnag lists the error first and then what caused it: the first is the crash, the rest its causes. */
function causesOf(event: BugsnagEvent): CausedBy[] {
  return (event.exceptions ?? []).slice(1).flatMap((e) => {
    const type = e.errorClass ?? e.error_class;
    return type ? [{ type, message: e.message ?? "", frames: framesInSentryOrder(e.stacktrace) }] : [];
  });
}

function eventContext(event: BugsnagEvent): LatestContext & Pick<CrashReportInput, "context" | "severity" | "requestUrl"> {
  const device = event.device;
  const runtime = device?.runtimeVersions ? Object.entries(device.runtimeVersions).find(([, v]) => typeof v === "string") : undefined;
  const build = event.app?.versionCode ?? event.app?.bundleVersion;
  return {
    frames: framesInSentryOrder(event.exceptions?.[0]?.stacktrace),
    causes: causesOf(event),
    breadcrumbs: (event.breadcrumbs ?? []).map(breadcrumbFrom),
    device: device
      ? present({
          model: device.model,
          manufacturer: device.manufacturer,
          locale: device.locale,
          orientation: device.orientation,
          memory: formatMemory(device.totalMemory),
        })
      : undefined,
    os: device ? present({ name: device.osName, version: device.osVersion }) : undefined,
    runtime: runtime ? { name: runtime[0], version: String(runtime[1]) } : undefined,
    browser: device ? present({ name: device.browserName, version: device.browserVersion }) : undefined,
    app: event.app ? present({ version: event.app.version, build: build == null ? undefined : String(build) }) : undefined,
    platform: event.app?.type ?? undefined,
    release: event.app?.version ?? undefined,
    environment: event.app?.releaseStage ?? event.app?.release_stage ?? undefined,
    reporterEventId: event.id ?? undefined,
    context: event.context ?? undefined,
    severity: event.severity ?? undefined,
    requestUrl: event.request?.url ?? undefined,
  };
}

export const bugsnag: AlertProvider = {
  name: "bugsnag",
  secretEnv: "BUGSNAG_WEBHOOK_TOKEN",

  authenticate(req: InboundRequest, secret: string): AuthResult {
    const unset = missingSecret(this.secretEnv, secret);
    if (unset) return unset;
    const token = req.query.get("token") ?? req.headers["x-hotfix-token"];
    if (!token) return refuse("token missing: add ?token=<BUGSNAG_WEBHOOK_TOKEN> to the webhook URL in Bugsnag (or send X-Hotfix-Token)");
    return sameSecret(token, secret) ? { ok: true } : refuse("token does not match BUGSNAG_WEBHOOK_TOKEN");
  },

  parse(body: unknown): ParseResult {
    const parsed = validate(BugsnagWebhook, body);
    if (!parsed.ok) return parsed;
    const { project, trigger, error } = parsed.data;
    if (!CRASH_TRIGGERS.has(trigger.type)) {
      return {
        ok: false,
        error: `trigger.type: ${trigger.type} is not about an error occurring; enable only error triggers (e.g. firstException, exception, reopened)`,
      };
    }
    if (!error) return { ok: false, error: "error: missing (a crash trigger always carries the error)" };
    const first = error.exceptions?.[0];
    const type = first?.errorClass ?? first?.error_class ?? error.exceptionClass;
    if (!type) return { ok: false, error: "error.exceptionClass: missing (and no error.exceptions[0].errorClass)" };
    const context = eventContext(error);
    const frames = first ? (context.frames ?? []) : framesInSentryOrder(error.stackTrace ?? error.stacktrace);
    const gaps = missingParts({ frames, breadcrumbs: context.breadcrumbs, device: context.device, os: context.os }, WEBHOOK_SOURCE);
    const report: CrashReportInput = {
      provider: "bugsnag",
      ...context,
      project: project?.id ?? undefined,
      exception: { type, message: first?.message ?? error.message ?? "", ...(error.unhandled == null ? {} : { handled: !error.unhandled }) },
      frames,
      requestUrl: context.requestUrl ?? error.requestUrl ?? undefined,
      release: context.release ?? error.appVersion ?? undefined,
      environment: context.environment ?? error.releaseStage ?? undefined,
      events: error.occurrences ?? undefined,
      users: error.usersAffected ?? undefined,
      firstSeen: error.firstReceived ?? undefined,
      lastSeen: error.receivedAt ?? undefined,
      occurredAt: error.receivedAt ?? undefined,
      url: error.url ?? undefined,
      reporterGroupId: error.errorId ?? undefined,
      gaps,
    };
    // One event of one error is one delivery; without either, the App falls back to the body's hash.
    const occurrence = error.id ?? error.receivedAt;
    const deliveryId = error.errorId && occurrence ? `${error.errorId}:${occurrence}` : null;
    return finishReport(report, deliveryId);
  },

  async completeContext(report: CrashReport, api: ReporterApi | null, fetchImpl?: typeof fetch): Promise<CrashReport> {
    return fillGapsFromLatestEvent(report, async () => {
      const token = api?.token;
      if (!token) throw new Error("BUGSNAG_AUTH_TOKEN is not set");
      if (!report.project) throw new Error("the alert has no Bugsnag project id");
      if (!report.reporterGroupId) throw new Error("the alert has no Bugsnag error id");
      const client = new ApiClient({
        name: "Bugsnag",
        baseUrl: api?.baseUrl ?? "https://api.bugsnag.com",
        authorization: `token ${token}`,
        headers: { "X-Version": "2" },
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      });
      const path = `projects/${encodeURIComponent(report.project)}/errors/${encodeURIComponent(report.reporterGroupId)}/events/latest`;
      const { body } = await client.get(path, BugsnagEvent);
      const { context: _context, severity: _severity, requestUrl: _requestUrl, ...latest } = eventContext(body);
      return latest;
    });
  },
};
