import type { HotfixConfig } from "./config.js";
import { type CrashReport, type Frame, type Gap, ProviderName, crashingStack, firstSeenOf } from "./crash.js";
import { BODY_LIMIT, type FrameLine, planBody } from "./budget.js";
import { crumbTable } from "./breadcrumbs-table.js";
import { renderContext } from "./context-table.js";
import { type LinkTarget, blobUrl, linkRef, linkTarget, safeRepoPaths } from "./links.js";
import { cell, clean, codeBlock, codeSpan, longestBacktickRun, neutralize, tableRow, thousands } from "./markdown.js";
import { type IssueMarker, issueMarker } from "./marker.js";
import { type ReporterGroup, reporterGroupKey, reporterGroupOf } from "./reporter-group.js";
import { remembered } from "./remembered.js";
import { signaturesByVersion } from "./signature.js";
import { shownTime } from "./time.js";
import { basename, crashSiteFrame, firstLineOf, frameName, renderTitle } from "./title.js";

/**
 * The hotfix issue: a title a person can triage from the issue list, and a body in the
 * order on-call reads it: the message and the crashing frame with its line, the rest of
 * the stack and the exceptions it wrapped, breadcrumbs, device and app, then the counts and
 * the hotfix clock. Each fact is said once; the signature is in the hidden marker only. Everything that came from a
 * crash report is untrusted: it is scrubbed of secrets, then neutralised (markdown.ts) so
 * it cannot ping people, cross-reference issues or inject HTML, and the body always fits
 * GitHub's limit (budget.ts). This file composes the sections.
 *
 * Over 300 lines on purpose: the composition of one body (title, crash, chain of stacks,
 * breadcrumbs, context, gaps, counts, clock, footer) shares the budget's plan; each kind of text it writes
 * lives in its own module above.
 */

// The rendering's public face: callers import these from here.
export { BODY_LIMIT } from "./budget.js";
export { repoPath } from "./links.js";
export { codeBlock, neutralize } from "./markdown.js";
export { IssueMarker, issueMarker, parseIssueMarker } from "./marker.js";

export interface IssueStats {
  events: number;
  /** 0 when no reporter counted users: the row is left out. */
  users: number;
  versions: { version: string; count: number }[];
  /** When the App first heard of the crash: "First seen" is never later (firstSeenOf). */
  firstSeen: string;
  /** When the last alert arrived. */
  lastSeen: string;
}

export interface RenderInput {
  report: CrashReport;
  signature: string;
  stats: IssueStats;
  /** "owner/name" for frame links. */
  repo?: string;
  /** Commit sha or tag of the crashing version; when absent links use report.commit, else links.tagTemplate with report.release. */
  ref?: string;
  links: HotfixConfig["links"];
  /** Version the crash came back in after it was marked fixed; shown as a banner. */
  regressedIn?: string;
  /** The "Hotfix clock" section, safe Markdown from core/clock.ts renderClock. */
  clock?: string;
  /** The reporter groups attached to the crash's group (the report's own is listed anyway). */
  reporterGroups?: ReporterGroup[];
}

const PROVIDER_NAMES: Record<ProviderName, string> = { sentry: "Sentry", bugsnag: "Bugsnag", generic: "the crash reporter" };

/** Per-item caps keep one absurd field from crowding out everything else. */
const CAP = {
  cell: 300,
  type: 200,
  functionName: 300,
  location: 300,
  contextLine: 300,
  gap: 500,
  message: 8_000,
  marker: 200,
  version: 64,
  url: 2_000,
};
const MAX_VERSIONS_SHOWN = 10;
const MAX_GAPS = 20;
const MAX_CAUSES = 10;
const MARKER_FRAMES = 20;
const MARKER_VERSIONS = 50;
/** Reporter groups a marker lists at most: a crash merged from more is counted by the first ones. */
const MARKER_REPORTER_GROUPS = 20;
/** Frames (nearest the crash) per stack and breadcrumbs (newest) an issue lists at most; the budget then collapses library runs. */
const MAX_FRAMES = 10_000;
const MAX_CRUMBS = 1_000;
/** Room for the notes that say what was cut. */
const NOTE_RESERVE = 600;

function renderSummary(input: RenderInput, report: CrashReport): string {
  const { stats } = input;
  const versions = [...stats.versions].sort((a, b) => b.count - a.count);
  const shown = versions
    .slice(0, MAX_VERSIONS_SHOWN)
    .map((v) => `${codeSpan(clean(v.version, CAP.version), true)} × ${thousands(v.count)}`)
    .join(", ");
  const more = versions.length > MAX_VERSIONS_SHOWN ? ` and ${versions.length - MAX_VERSIONS_SHOWN} more` : "";
  const rows = ["### Occurrences", "", "| | |", "|---|---|"];
  const add = (label: string, value: string) => value && rows.push(tableRow(label, value));
  add("First seen", shownTime(firstSeenOf(report, stats.firstSeen)));
  add("Last alert received", shownTime(stats.lastSeen));
  add("Events", thousands(stats.events));
  if (stats.users > 0) add("Users", thousands(stats.users));
  if (shown) add("Versions", shown + more);
  // The crashing release, unless it is the one version listed.
  if (report.release && !(versions.length === 1 && versions[0]?.version === report.release))
    add("Release", codeSpan(clean(report.release, CAP.cell), true));
  add("Environment", cell(report.environment));
  add("Project", cell(report.project));
  add("Transaction", cell(report.transaction));
  add("Context", cell(report.context));
  add("Request", report.requestUrl ? codeSpan(clean(report.requestUrl, CAP.url), true) : "");
  const url = clean(report.url, CAP.url);
  if (/^https?:\/\/[^\s<>"]+$/i.test(url)) {
    const href = url.replace(/[()|\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    add("Reporter", `[Open in ${PROVIDER_NAMES[report.provider]}](${href})`);
  }
  return rows.join("\n");
}

/** Frames of one app repeat across its alerts: a function's code span is made once. */
const functionSpanOf = remembered((name) => codeSpan(clean(name, CAP.functionName)));

/** A frame's function, its file and line (linked when it is the project's), and its class. */
function frameText(frame: Frame, path: string | null, target: LinkTarget | null): string {
  const name = frameName(frame);
  const file = frame.file ?? frame.module;
  let what: string;
  if (name) what = functionSpanOf(name);
  else if (frame.instruction_addr)
    what = codeSpan(clean(`${frame.instruction_addr}${frame.package ? ` in ${basename(frame.package)}` : ""}`, CAP.location));
  else what = "_unknown function_";
  let location = "";
  if (file) {
    const position = frame.line !== undefined ? `:${frame.line}${frame.column !== undefined ? `:${frame.column}` : ""}` : "";
    const text = codeSpan(clean(file, CAP.location) + position);
    location = ` at ${path && target ? `[${text}](${blobUrl(target, path, frame.line)})` : text}`;
  } else if (name && frame.package) {
    location = ` in ${codeSpan(clean(basename(frame.package), CAP.location))}`;
  }
  // JVM and .NET frames name a file only: the class is what tells two Foo.java apart.
  const owner = frame.file && frame.module && !name?.startsWith(frame.module) ? ` (${codeSpan(clean(frame.module, CAP.location))})` : "";
  return `${what}${location}${owner}`;
}

function renderFrame(frame: Frame, index: number, path: string | null, target: LinkTarget | null): string {
  const mark = frame.in_app ? "★ " : "";
  const contextLine = frame.in_app ? clean(frame.context_line?.trim(), CAP.contextLine) : "";
  const context = contextLine ? `\n   Source: ${codeSpan(contextLine)}` : "";
  return `${index + 1}. ${mark}${frameText(frame, path, target)}${context}`;
}

/** Where it crashed, right under the message: the crashing frame, linked, with its line of source when the report has it. */
function renderCrashSite(frame: Frame, index: number, path: string | null, target: LinkTarget | null): string {
  const place = index > 0 ? `, frame ${thousands(index + 1)} of the stack` : "";
  const source = clean(frame.context_line?.trim(), CAP.contextLine);
  const head = `**Crashed in** ${frameText(frame, path, target)}${place}`;
  return source ? `${head}:\n\n${codeBlock(source)}` : head;
}

/** A stack as listed in the issue: most recent call first, at most MAX_FRAMES. */
function listed(frames: Frame[]): Frame[] {
  const out: Frame[] = [];
  for (let i = frames.length - 1; i >= 0 && out.length < MAX_FRAMES; i--) if (frames[i]) out.push(frames[i]!);
  return out;
}

/** A gap as a sentence for people. */
export function describeGap(gap: Gap): string {
  if (gap.kind === "skipped") return `${gap.field}: skipped, ${gap.reason}`;
  const base = `${gap.part}: not in ${gap.source}`;
  if (!gap.fetch) return base;
  return gap.fetch.outcome === "failed" ? `${base}, and fetching the latest event failed: ${gap.fetch.reason}` : `${base}, nor in the latest event`;
}

function renderGaps(gaps: Gap[]): string {
  if (gaps.length === 0) return "";
  const lines = gaps.slice(0, MAX_GAPS).map((g) => `- ${neutralize(clean(describeGap(g), CAP.gap))}`);
  if (gaps.length > MAX_GAPS) lines.push(`- and ${gaps.length - MAX_GAPS} more`);
  return [
    "### Missing context",
    "",
    "This report lacked the following, or had it in a form that could not be read, so the sections above may be incomplete:",
    "",
    ...lines,
  ].join("\n");
}

/** The group's reporter groups and the report's own, once each, as the marker lists them. */
function listedReporterGroups(input: RenderInput): ReporterGroup[] {
  const reported = reporterGroupOf(input.report);
  const groups = [...(input.reporterGroups ?? []), ...(reported ? [reported] : [])];
  return [...new Map(groups.map((g) => [reporterGroupKey(g), g])).values()]
    .slice(0, MARKER_REPORTER_GROUPS)
    .map((g) => ({ ...g, ...(g.project ? { project: clean(g.project, CAP.marker) } : {}), id: clean(g.id, CAP.marker) }));
}

/** `paths`: the frames' repository paths, crashing frame first. */
function renderMarker(input: RenderInput, paths: (string | null)[]): string {
  const { report } = input;
  const frames: string[] = [];
  for (const path of paths) {
    if (frames.length >= MARKER_FRAMES) break;
    if (path && !frames.includes(path)) frames.push(path);
  }
  const keys = signaturesByVersion(report);
  const own = keys.find((k) => k.signature === input.signature);
  const aliases = [...new Set(keys.map((k) => k.signature))].filter((s) => s !== input.signature);
  const marker: IssueMarker = {
    v: 1,
    signature: input.signature,
    ...(own ? { sv: own.version } : {}),
    ...(own && aliases.length ? { aliases } : {}),
    provider: report.provider,
    frames,
    versions: input.stats.versions.slice(0, MARKER_VERSIONS).map((v) => clean(v.version, CAP.version)),
  };
  if (report.project) marker.project = clean(report.project, CAP.marker);
  if (report.release) marker.release = clean(report.release, CAP.marker);
  if (report.reporterGroupId) marker.reporterGroupId = clean(report.reporterGroupId, CAP.marker);
  const groups = listedReporterGroups(input);
  if (groups.length > 0) marker.reporterGroups = groups;
  return issueMarker(marker);
}

const STACK_FROM: Record<NonNullable<CrashReport["stackFrom"]>, string> = {
  exception: "",
  "crashed thread": " The exception carried no stack: these are the crashed thread's frames.",
  "current thread": " The exception carried no stack: these are the current thread's frames.",
};

/** The heading's facts about how it crashed, each said once: "unhandled", the reporter's level. */
function howItCrashed(report: CrashReport): string {
  const facts = [report.exception.handled === undefined ? "" : report.exception.handled ? "handled" : "unhandled", cell(report.severity)];
  const said = facts.filter(Boolean);
  return said.length ? ` (${said.join(", ")})` : "";
}

/** Issue title and body for a crash group; the body is scrubbed, neutralised and at most BODY_LIMIT characters. */
export function renderIssue(input: RenderInput): { title: string; body: string } {
  const { report } = input;
  const target = linkTarget(input.repo, linkRef(input.ref, report.commit, report.release, input.links));
  const frames = listed(report.frames);
  const pathOf = safeRepoPaths(input.links);
  const paths = frames.map(pathOf);
  const markerPaths = frames.length > 0 ? paths : listed(crashingStack(report)).map(pathOf);
  const causes = report.causes.slice(0, MAX_CAUSES);
  const frameLines = (list: Frame[], pathsOf: (string | null)[]): FrameLine[] =>
    list.map((frame, i) => ({ text: renderFrame(frame, i, pathsOf[i] ?? null, target), inApp: frame.in_app }));
  const causeFrames = causes.map((c) => listed(c.frames));

  // The crashing frame is shown under the message; the stack lists the rest, a pointer where it was.
  const crashed = report.frames.length > 0 ? frames.indexOf(crashSiteFrame(report.frames, report.platform)!) : -1;
  const crashSite = crashed >= 0 ? renderCrashSite(frames[crashed]!, crashed, paths[crashed] ?? null, target) : "";
  const ownLines = frameLines(frames, paths);
  if (crashed > 0) ownLines[crashed] = { text: `${crashed + 1}. _the crashing frame, shown above_`, inApp: true };
  else if (crashed === 0) ownLines.shift();
  const blocks = [ownLines, ...causeFrames.map((list) => frameLines(list, list.map(pathOf)))];
  const starred = [frames.filter((_, i) => i !== crashed), ...causeFrames].some((list) => list.some((f) => f.in_app));

  const banner = input.regressedIn
    ? `> [!CAUTION]\n> **Regression:** this crash is back in ${codeSpan(clean(input.regressedIn, CAP.version))}, a version that was supposed to fix it.\n`
    : "";
  const heading = `## ${codeSpan(clean(report.exception.type, CAP.type))}${howItCrashed(report)}`;
  const summary = renderSummary(input, report);
  const clock = input.clock ?? "";
  const context = renderContext(report);
  const gaps = renderGaps(report.gaps);
  const causeHeadings = causes.map((c, i) => {
    const message = clean(firstLineOf(c.message), CAP.cell);
    return `#### ${i + 1}. ${codeSpan(clean(c.type, CAP.type))}${message ? `: ${neutralize(message)}` : ""}`;
  });
  const footer = [
    "---",
    `<sub>Opened by hotfix-loop from an alert of ${PROVIDER_NAMES[report.provider]}. Repeats of this crash update this issue; do not edit below this line.</sub>`,
    renderMarker(input, markerPaths),
  ].join("\n");
  const crumbs = crumbTable(report.breadcrumbs.slice(-MAX_CRUMBS));
  const message = clean(report.exception.message, CAP.message);

  const fixed =
    banner.length +
    heading.length +
    crashSite.length +
    summary.length +
    clock.length +
    context.length +
    gaps.length +
    footer.length +
    crumbs.header.length +
    NOTE_RESERVE +
    400 /* headings and blank lines */ +
    causeHeadings.reduce((n, h) => n + h.length + 40, 0);
  const plan = planBody({ fixed: fixed + longestBacktickRun(message), blocks, crumbs: crumbs.rows, messageLength: message.length });
  const fullMessageLength = report.exception.message.length;

  const cuts: string[] = [];
  const droppedCrumbs = report.breadcrumbs.length - plan.crumbCount;
  if (plan.collapsedFrames > 0) cuts.push(`${thousands(plan.collapsedFrames)} library frames collapsed`);
  if (droppedCrumbs > 0) cuts.push(`${thousands(droppedCrumbs)} oldest breadcrumbs`);
  const notListed = report.frames.length - frames.length + causes.reduce((n, c, i) => n + c.frames.length - (causeFrames[i]?.length ?? 0), 0);
  const droppedFrames = plan.droppedFrames + notListed;
  if (droppedFrames > 0) cuts.push(`${thousands(droppedFrames)} outermost frames`);
  if (plan.messageLength < message.length || fullMessageLength > CAP.message) {
    cuts.push(`the message after ${thousands(plan.messageLength)} of its ${thousands(fullMessageLength)} characters`);
  }

  const parts: string[] = [];
  if (banner) parts.push(banner);
  parts.push(heading, "");
  if (plan.messageLength > 0) {
    const shown = message.slice(0, plan.messageLength) + (plan.messageLength < message.length ? "\n…" : "");
    parts.push(codeBlock(shown, "text"), "");
  } else if (message.length > 0) {
    parts.push("_The message was too long to show._", "");
  }
  if (crashSite) parts.push(crashSite, "");
  const stackLines = plan.blocks[0] ?? [];
  if (frames.length === 0) {
    const inCause = causeFrames.some((c) => c.length > 0);
    parts.push(
      inCause
        ? "_The crash was raised without a stack of its own: its causes below show where it happened._"
        : "_The report had no stack frames, neither on the exception nor on a thread._",
      "",
    );
  } else if (stackLines.length > 0 || droppedFrames > 0) {
    const legend = starred ? "; ★ marks the project's own code" : "";
    const linked = target ? ` Links point at ${codeSpan(target.ref)}.` : "";
    parts.push("### Stack trace", "", `Most recent call first${legend}.${linked}${STACK_FROM[report.stackFrom ?? "exception"]}`, "");
    parts.push(...stackLines);
    if (droppedFrames > 0) parts.push("", `_${thousands(droppedFrames)} outermost frames not shown._`);
    parts.push("");
  }
  if (causes.length > 0) {
    parts.push("### Caused by", "", "The exceptions the crash wrapped, nearest cause first, each with its own stack.", "");
    causes.forEach((_, i) => {
      const lines = plan.blocks[i + 1] ?? [];
      parts.push(causeHeadings[i] ?? "", "", ...(lines.length ? lines : ["_No stack was sent for this exception._"]), "");
    });
    if (report.causes.length > MAX_CAUSES) parts.push(`_${thousands(report.causes.length - MAX_CAUSES)} deeper causes not shown._`, "");
  }
  if (crumbs.rows.length > 0) {
    parts.push("### Breadcrumbs", "", "Oldest first; the last one happened just before the crash.", "");
    if (droppedCrumbs > 0) parts.push(`_${thousands(droppedCrumbs)} older breadcrumbs not shown._`, "");
    if (plan.crumbCount > 0) {
      parts.push(crumbs.header);
      for (let i = crumbs.rows.length - plan.crumbCount; i < crumbs.rows.length; i++) parts.push(crumbs.rows[i] ?? "");
    }
    parts.push("");
  }
  if (context) parts.push(context, "");
  if (gaps) parts.push(gaps, "");
  parts.push(summary, "");
  if (clock) parts.push(clock, "");
  if (cuts.length > 0)
    parts.push(`> [!NOTE]\n> Cut to stay readable and within GitHub's ${thousands(BODY_LIMIT)}-character limit: ${cuts.join("; ")}.`, "");
  parts.push(footer);
  return { title: renderTitle(report), body: parts.join("\n") };
}
