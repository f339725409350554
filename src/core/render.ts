import { z } from "zod";
import type { HotfixConfig } from "./config.js";
import { type Breadcrumb, type CrashReport, type Frame, ProviderName } from "./crash.js";
import { remembered, scrubData, scrubText } from "./scrub.js";

/**
 * The hotfix issue: a title a person can triage from the issue list, and a body with all
 * the context a fix needs (stack trace linked to the crashing version's lines,
 * breadcrumbs, device, versions, counts). Everything that came from a crash report is
 * untrusted: it is scrubbed of secrets, then neutralised so it cannot ping people,
 * cross-reference issues or inject HTML, and the body always fits GitHub's limit.
 */

export interface IssueStats {
  events: number;
  users: number;
  versions: { version: string; count: number }[];
  firstSeen: string;
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
}

/** GitHub rejects issue bodies longer than this many characters. */
export const BODY_LIMIT = 65_536;
const TITLE_LIMIT = 120;

export const IssueMarker = z.object({
  v: z.literal(1),
  signature: z.string().min(1),
  provider: ProviderName,
  project: z.string().optional(),
  /** Repository paths of the in-app frames, crashing frame first. */
  frames: z.array(z.string()),
  versions: z.array(z.string()),
  release: z.string().optional(),
  reporterGroupId: z.string().optional(),
});
export type IssueMarker = z.infer<typeof IssueMarker>;

const MARKER_OPEN = "<!-- hotfix-loop:crash ";
const MARKER_CLOSE = " -->";

// ---------------------------------------------------------------- Markdown safety

const ZWJ = "\u200D";
/** Characters neutralize() may have to change; "GH-1" and "github.com" are found apart. */
const SPECIAL = new Uint8Array(128);
for (const c of "&<>\\`*_[]~|\n\r@#") SPECIAL[c.charCodeAt(0)] = 1;
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " ", "\r\n": " ", "@": `@${ZWJ}`, "#": `#${ZWJ}` };
const NEUTRAL = /[&<>\\`*_[\]~|]|\r\n?|\n|@(?=[A-Za-z0-9])|#(?=\d)/g;

/**
 * Untrusted text made safe inline in Markdown (paragraphs, list items, table cells): no
 * @mentions or team pings, no #123 / GH-12 / owner/repo#1 / github.com URL
 * cross-references, no HTML, no Markdown formatting or links, no line breaks, no `|`.
 * A zero-width joiner after `@`, `#` and `GH-` keeps the text readable but not live; GitHub
 * usernames, team slugs and issue numbers are ASCII, so ASCII lookaheads catch every one.
 */
export function neutralize(text: string): string {
  let special = false;
  let gh = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && SPECIAL[c] === 1) special = true;
    // "gh" of GH-1, "hub" of github.com
    else if (((c | 32) === 104 && (text.charCodeAt(i - 1) | 32) === 103) || ((c | 32) === 98 && (text.charCodeAt(i - 1) | 32) === 117)) gh = true;
  }
  let out = special ? text.replace(NEUTRAL, (m) => ESCAPES[m] ?? `\\${m}`) : text;
  if (gh) out = out.replace(/\b(GH-)(?=\d)/gi, `$1${ZWJ}`).replace(/(github)(\.com)/gi, `$1${ZWJ}$2`);
  return out;
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  let from = text.indexOf("`");
  while (from >= 0) {
    let end = from + 1;
    while (text.charCodeAt(end) === 96) end++;
    if (end - from > longest) longest = end - from;
    from = text.indexOf("`", end);
  }
  return longest;
}

/** A fenced code block whose fence is longer than any backtick run inside, so the text cannot close it. */
export function codeBlock(text: string, lang = ""): string {
  const fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
  const info = lang.replace(/[^\w+#.-]/g, "");
  return `${fence}${info}\n${text.replace(/\r\n?/g, "\n")}\n${fence}`;
}

/** An inline code span on one line; `inTable` escapes `|`, which GFM tables split cells on even inside code. */
function codeSpan(text: string, inTable = false): string {
  if (text === "") return "";
  let body = text.includes("\n") || text.includes("\r") ? text.replace(/\r?\n|\r/g, " ") : text;
  if (inTable && body.includes("|")) body = body.replace(/\|/g, "\\|");
  const run = longestBacktickRun(body);
  const ticks = run === 0 ? "`" : "`".repeat(run + 1);
  const pad = run > 0 && (body.startsWith("`") || body.endsWith("`") || body.startsWith(" ")) ? " " : "";
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/** Untrusted text in a title: titles are plain text on GitHub, but still must not ping or cross-reference. */
function titleSafe(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9])|#(?=\d)|\b(?:GH|gh)-(?=\d)/g, (m) => m + ZWJ).replace(/\s+/g, " ");
}

function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function thousands(n: number): string {
  const whole = Math.trunc(n);
  return whole > -1000 && whole < 1000 ? String(whole) : String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Text cut before scrubbing drops its last, partial word: half a secret no longer matches the scrubber's patterns. */
function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const lastSpace = cut.search(/\s\S*$/);
  return `${lastSpace > 0 ? cut.slice(0, lastSpace) : ""}…`;
}

/**
 * A report's text as the issue may show it: at most `max` characters, scrubbed, and no
 * `<!--` that a reader of the raw body (parseIssueMarker, a person) could take for ours.
 * Only what is shown is scrubbed.
 */
function clean(text: string | undefined, max: number): string {
  if (!text) return "";
  const out = cap(scrubText(bounded(text, max)), max);
  return out.includes("<!--") ? out.replace(/<!--/g, `<!${ZWJ}--`) : out;
}

// ---------------------------------------------------------------- links

const REPO = /^[\w.-]+\/[\w.-]+$/;
const SAFE_REF = /^[\w./@+-]{1,200}$/;

function versionOf(release: string): string {
  // Git tags name the version, not a Sentry-style package or semver build metadata ("+305").
  const at = release.lastIndexOf("@");
  const version = at > 0 ? release.slice(at + 1) : release;
  const plus = version.indexOf("+");
  return plus > 0 ? version.slice(0, plus) : version;
}

/** The git ref frame links point at: the exact crashing version's tree. */
function linkRef(input: RenderInput): string | null {
  const { report, links } = input;
  const release = report.release;
  const ref =
    input.ref ?? report.commit ?? (release ? links.tagTemplate.replace(/\{release\}/g, release).replace(/\{version\}/g, versionOf(release)) : undefined);
  // Only plain ref names make links: nothing a scrubber would touch, nothing Markdown could read.
  return ref !== undefined && SAFE_REF.test(ref) && !ref.includes("..") && scrubText(ref) === ref ? ref : null;
}

const JVM_SOURCE = /\.(?:java|kt|kts|scala|groovy)$/;

/**
 * The repository path of an in-app frame's file, or null when it cannot be known: not the
 * project's code, an absolute path no `links.stripPrefixes` entry matches, a URL of a
 * deployed asset.
 */
export function repoPath(frame: Frame, links: HotfixConfig["links"]): string | null {
  if (!frame.in_app || !frame.file) return null;
  // Each rewrite runs only when there is something for it to do: this runs for every in-app frame.
  let path = slashes(frame.file);
  let prefix: string | undefined;
  for (const p of links.stripPrefixes) {
    const candidate = slashes(p);
    if (candidate !== "" && path.startsWith(candidate)) {
      prefix = candidate;
      break;
    }
  }
  if (prefix !== undefined) {
    path = path.slice(prefix.length);
  } else {
    // Bundlers' and Sentry's virtual schemes name project-relative paths; real URLs and absolute paths do not.
    const virtual = /^(?:webpack(?:-internal)?|app|rewrite-frames):\/\/[^/]*/i.exec(path);
    if (virtual) path = path.slice(virtual[0].length).replace(/^\/(?:\([^)]*\)\/)?/, "");
    else if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith("/") || path.startsWith("~")) return null;
  }
  if (path.includes("?") || path.includes("#")) path = path.replace(/[?#].*$/, "");
  if (path.startsWith(".")) path = path.replace(/^(?:\.{1,2}\/)+/, "");
  if (path.startsWith("/")) path = path.replace(/^\/+/, "");
  if (!path.includes("/") && JVM_SOURCE.test(path) && frame.module?.includes(".")) {
    // JVM frames name only the file; the package of the class gives its folders.
    const packagePath = frame.module.split(".").slice(0, -1).join("/");
    if (/^[\w/$]+$/.test(packagePath)) path = `${packagePath}/${path}`;
  }
  const root = links.root === "" ? "" : slashes(links.root).replace(/^\/+|\/+$/g, "");
  if (root) path = `${root}/${path}`;
  return isPlainPath(path) ? path : null;
}

function slashes(path: string): string {
  return path.includes("\\") ? path.replace(/\\/g, "/") : path;
}

/** No empty, `.` or `..` segment and no control character: a path that names one file of the repository. */
function isPlainPath(path: string): boolean {
  let segmentStart = 0;
  for (let i = 0; i <= path.length; i++) {
    const c = i < path.length ? path.charCodeAt(i) : 47;
    if (c < 32) return false;
    if (c !== 47) continue;
    const length = i - segmentStart;
    if (length === 0 || (length <= 2 && path.charCodeAt(segmentStart) === 46 && (length === 1 || path.charCodeAt(segmentStart + 1) === 46))) return false;
    segmentStart = i + 1;
  }
  return true;
}

/** A path with each segment percent-encoded, parentheses too, so it cannot end a Markdown link. */
const encodePath = remembered((path) =>
  path
    .split("/")
    .map((s) => encodeURIComponent(s).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/"),
);

function blobUrl(target: LinkTarget, path: string, line: number | undefined): string {
  return `${target.tree}${encodePath(path)}${line !== undefined && line > 0 ? `#L${line}` : ""}`;
}

// ---------------------------------------------------------------- marker

/** The hidden comment that ends every hotfix issue body; parseIssueMarker reads it back. */
export function issueMarker(marker: IssueMarker): string {
  // `>` never appears raw, so nothing inside can end the comment early.
  const json = JSON.stringify(marker).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  return `${MARKER_OPEN}${json}${MARKER_CLOSE}`;
}

/** Reads the marker the App writes at the end of every hotfix issue; the last one wins, as ours is always last. */
export function parseIssueMarker(body: string): IssueMarker | null {
  const start = body.lastIndexOf(MARKER_OPEN);
  if (start < 0) return null;
  const end = body.indexOf(MARKER_CLOSE, start + MARKER_OPEN.length);
  if (end < 0) return null;
  try {
    const parsed = IssueMarker.safeParse(JSON.parse(body.slice(start + MARKER_OPEN.length, end)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- sections

const PROVIDER_NAMES: Record<ProviderName, string> = { sentry: "Sentry", bugsnag: "Bugsnag", generic: "the crash reporter" };

/** Per-item caps keep one absurd field from crowding out everything else. */
const CAP = { cell: 300, type: 200, functionName: 300, location: 300, contextLine: 300, crumb: 500, gap: 500, message: 8_000, marker: 200, version: 64, url: 2_000 };
const MAX_VERSIONS_SHOWN = 10;
const MAX_GAPS = 20;
const MARKER_FRAMES = 20;
const MARKER_VERSIONS = 50;
const DATA_KEYS_LIMIT = 50;
/** Frames (nearest the crash) and breadcrumbs (newest) an issue shows at most: more is noise. */
const MAX_FRAMES = 1_000;
const MAX_CRUMBS = 1_000;
/** Frames kept whatever the size: the crashing frame and its nearest callers. */
const MIN_FRAMES = 5;
/** Room for the notes that say what was cut. */
const NOTE_RESERVE = 600;

function crashingFrame(frames: Frame[]): Frame | undefined {
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i]?.in_app) return frames[i];
  return frames[frames.length - 1];
}

function basename(file: string): string {
  const path = file.includes("?") || file.includes("#") ? file.replace(/[?#].*$/, "") : file;
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

/** The text before the first line break (\n or \r\n; a lone \r does not end a line). */
function firstLineOf(text: string): string {
  const end = text.indexOf("\n");
  if (end < 0) return text;
  return text.slice(0, end > 0 && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
}

function renderTitle(report: CrashReport): string {
  const type = clean(report.exception.type.trim(), 60);
  const frame = crashingFrame(report.frames);
  const fn = clean(frame?.function?.trim(), 40);
  const file = frame?.file ? clean(basename(frame.file), 40) : "";
  const where = fn && file ? ` in ${fn} (${file})` : fn ? ` in ${fn}` : file ? ` in ${file}` : "";
  const firstLine = firstLineOf(report.exception.message.trim());
  const room = TITLE_LIMIT - type.length - where.length - 2;
  const message = firstLine && room >= 10 ? `: ${clean(firstLine, room)}` : "";
  return cap(titleSafe(`${type}${message}${where}`), TITLE_LIMIT);
}

function tableRow(label: string, value: string): string {
  return `| **${label}** | ${value} |`;
}

const cellOf = remembered((text) => neutralize(clean(text, CAP.cell)));

function cell(text: string | undefined): string {
  return text ? cellOf(text) : "";
}

function renderSummary(input: RenderInput, report: CrashReport): string {
  const { stats } = input;
  const versions = [...stats.versions].sort((a, b) => b.count - a.count);
  const shown = versions
    .slice(0, MAX_VERSIONS_SHOWN)
    .map((v) => `${codeSpan(clean(v.version, CAP.version), true)} × ${thousands(v.count)}`)
    .join(", ");
  const more = versions.length > MAX_VERSIONS_SHOWN ? ` and ${versions.length - MAX_VERSIONS_SHOWN} more` : "";
  const rows = [
    "| | |",
    "|---|---|",
    tableRow("First seen", cell(stats.firstSeen) || "unknown"),
    tableRow("Last seen", cell(stats.lastSeen) || "unknown"),
    tableRow("Events", thousands(stats.events)),
    tableRow("Users", thousands(stats.users)),
  ];
  if (shown) rows.push(tableRow("Versions", shown + more));
  if (report.release) rows.push(tableRow("Release", codeSpan(clean(report.release, CAP.cell), true)));
  if (report.environment) rows.push(tableRow("Environment", cell(report.environment)));
  if (report.exception.handled !== undefined) rows.push(tableRow("Handled", report.exception.handled ? "yes" : "no, it crashed"));
  if (report.project) rows.push(tableRow("Project", cell(report.project)));
  const url = clean(report.url, CAP.url);
  if (/^https?:\/\/[^\s<>"]+$/i.test(url)) {
    const href = url.replace(/[()|\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    rows.push(tableRow("Reporter", `[Open in ${PROVIDER_NAMES[report.provider]}](${href})`));
  }
  rows.push(tableRow("Signature", codeSpan(input.signature, true)));
  return rows.join("\n");
}

/** Where frame links point: a known repository at a known ref, or nowhere. */
interface LinkTarget {
  ref: string;
  /** The URL of the ref's tree, to which a frame's encoded path is appended. */
  tree: string;
}

/** A frame's repository path, unless the scrubber would change it: then it must not end up in a URL or the marker. */
function safeRepoPath(frame: Frame, links: HotfixConfig["links"]): string | null {
  const path = repoPath(frame, links);
  return path && path.length <= CAP.marker && scrubText(path) === path ? path : null;
}

/** Frames of one app repeat across its alerts: a function's code span is made once. */
const functionSpanOf = remembered((name) => codeSpan(clean(name, CAP.functionName)));

function renderFrame(frame: Frame, index: number, path: string | null, target: LinkTarget | null): string {
  const fn = frame.function ? functionSpanOf(frame.function) : "_unknown function_";
  const file = frame.file ?? frame.module;
  let location = "";
  if (file) {
    const position = frame.line !== undefined ? `:${frame.line}${frame.column !== undefined ? `:${frame.column}` : ""}` : "";
    const text = codeSpan(clean(file, CAP.location) + position);
    location = ` at ${path && target ? `[${text}](${blobUrl(target, path, frame.line)})` : text}`;
  }
  const mark = frame.in_app ? "★ " : "";
  const contextLine = frame.in_app ? clean(frame.context_line?.trim(), CAP.contextLine) : "";
  const context = contextLine ? `\n   Source: ${codeSpan(contextLine)}` : "";
  return `${index + 1}. ${mark}${fn}${location}${context}`;
}

/** A breadcrumb data value as text: scalars directly, anything else as JSON. */
function dataText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return String(value);
  return JSON.stringify(value) ?? "";
}

function crumbData(data: Record<string, unknown> | undefined): string {
  if (!data) return "";
  let pairs = "";
  let count = 0;
  let length = 0;
  for (const key in data) {
    if (count >= DATA_KEYS_LIMIT || length > CAP.crumb) break;
    const raw = data[key];
    const safe = scrubData(typeof raw === "string" ? bounded(raw, CAP.crumb) : raw, key);
    const pair = `${clean(key, CAP.cell)}=${cap(dataText(safe), CAP.crumb)}`;
    pairs = count === 0 ? pair : `${pairs}, ${pair}`;
    count++;
    length += pair.length;
  }
  return count > 0 ? ` (${pairs})` : "";
}

/** An ISO-8601 timestamp holds nothing to scrub or neutralise; breadcrumbs carry one each. */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+-]\d\d:?\d\d)?$/;

/** Untrusted text repeats across crumbs and alerts ("GET /cart [200]" after scrubbing): it is neutralised once. */
const neutralizedOf = remembered(neutralize);

/** Most breadcrumbs are a message alone, and their messages repeat: one look-up gives the cell. */
const crumbMessageOf = remembered((text) => neutralize(cap(clean(text, CAP.crumb), CAP.crumb)));

function renderCrumb(crumb: Breadcrumb): string {
  const time = crumb.timestamp && ISO_TIME.test(crumb.timestamp) ? crumb.timestamp : cell(crumb.timestamp);
  const data = crumbData(crumb.data);
  const message =
    data === "" ? (crumb.message ? crumbMessageOf(crumb.message) : "") : neutralizedOf(cap(clean(crumb.message, CAP.crumb) + data, CAP.crumb));
  return `| ${time} | ${cell(crumb.category)} | ${cell(crumb.level)} | ${message} |`;
}

function renderDevice(report: CrashReport): string {
  const rows: string[] = [];
  const join = (...parts: (string | undefined)[]) => parts.filter((p) => p && p.trim()).join(" ");
  const d = report.device;
  if (d) {
    const model = join(d.manufacturer, d.model ?? d.family);
    const name = d.name && d.name !== model ? `${model ? `${model}, ` : ""}named ${d.name}` : model;
    if (name) rows.push(tableRow("Device", cell(name)));
    if (d.arch) rows.push(tableRow("Architecture", cell(d.arch)));
    if (d.memory) rows.push(tableRow("Memory", cell(d.memory)));
    if (d.orientation) rows.push(tableRow("Orientation", cell(d.orientation)));
    if (d.locale) rows.push(tableRow("Locale", cell(d.locale)));
  }
  const os = report.os && join(report.os.name, report.os.version, report.os.build ? `(${report.os.build})` : undefined);
  if (os) rows.push(tableRow("OS", cell(os)));
  const runtime = report.runtime && join(report.runtime.name, report.runtime.version);
  if (runtime) rows.push(tableRow("Runtime", cell(runtime)));
  if (report.platform) rows.push(tableRow("Platform", cell(report.platform)));
  return rows.length ? ["### Device", "", "| | |", "|---|---|", ...rows].join("\n") : "";
}

function renderGaps(gaps: string[]): string {
  if (gaps.length === 0) return "";
  const lines = gaps.slice(0, MAX_GAPS).map((g) => `- ${neutralize(clean(g, CAP.gap))}`);
  if (gaps.length > MAX_GAPS) lines.push(`- and ${gaps.length - MAX_GAPS} more`);
  return ["### Missing context", "", "This report lacked the following, so the sections above may be incomplete:", "", ...lines].join("\n");
}

/** `paths`: the frames' repository paths, crashing frame first. */
function renderMarker(input: RenderInput, paths: (string | null)[]): string {
  const { report } = input;
  const frames: string[] = [];
  for (const path of paths) {
    if (frames.length >= MARKER_FRAMES) break;
    if (path && !frames.includes(path)) frames.push(path);
  }
  const marker: IssueMarker = {
    v: 1,
    signature: input.signature,
    provider: report.provider,
    frames,
    versions: input.stats.versions.slice(0, MARKER_VERSIONS).map((v) => clean(v.version, CAP.version)),
  };
  if (report.project) marker.project = clean(report.project, CAP.marker);
  if (report.release) marker.release = clean(report.release, CAP.marker);
  if (report.reporterGroupId) marker.reporterGroupId = clean(report.reporterGroupId, CAP.marker);
  return issueMarker(marker);
}

function sumLengths(lines: string[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += (lines[i]?.length ?? 0) + 1;
  return total;
}

/** Issue title and body for a crash group; the body is scrubbed, neutralised and at most BODY_LIMIT characters. */
export function renderIssue(input: RenderInput): { title: string; body: string } {
  const { report } = input;
  const ref = linkRef(input);
  const target = input.repo && REPO.test(input.repo) && ref ? { ref, tree: `https://github.com/${input.repo}/blob/${encodePath(ref)}/` } : null;
  // Most recent call first, as crash reporters' UIs show it.
  const frames: Frame[] = [];
  for (let i = report.frames.length - 1; i >= 0 && frames.length < MAX_FRAMES; i--) {
    const frame = report.frames[i];
    if (frame) frames.push(frame);
  }
  const paths = frames.map((f) => safeRepoPath(f, input.links));

  const banner = input.regressedIn
    ? `> [!CAUTION]\n> **Regression:** this crash is back in ${codeSpan(clean(input.regressedIn, CAP.version))}, a version that was supposed to fix it.\n`
    : "";
  const heading = `## ${codeSpan(clean(report.exception.type, CAP.type))}${report.exception.handled === false ? " (unhandled)" : ""}`;
  const summary = renderSummary(input, report);
  const clock = input.clock ?? "";
  const device = renderDevice(report);
  const gaps = renderGaps(report.gaps);
  const footer = [
    "---",
    `<sub>Opened by hotfix-loop from an alert of ${PROVIDER_NAMES[report.provider]}. Repeats of this crash update this issue; do not edit below this line.</sub>`,
    renderMarker(input, paths),
  ].join("\n");

  const frameLines = frames.map((frame, i) => renderFrame(frame, i, paths[i] ?? null, target));
  const crumbRows = report.breadcrumbs.slice(-MAX_CRUMBS).map(renderCrumb);
  const message = clean(report.exception.message, CAP.message);

  const fixed = banner.length + heading.length + summary.length + clock.length + device.length + gaps.length + footer.length + NOTE_RESERVE + 400; /* headings and blank lines */
  let frameCount = frameLines.length;
  let crumbCount = crumbRows.length;
  const fullMessageLength = report.exception.message.length;
  let messageLength = message.length;
  let over =
    fixed + messageLength + longestBacktickRun(message) + sumLengths(frameLines, 0, frameCount) + sumLengths(crumbRows, 0, crumbCount) - BODY_LIMIT;
  // Cut order: oldest breadcrumbs, then outermost frames, then the message.
  while (over > 0 && crumbCount > 0) {
    over -= (crumbRows[crumbRows.length - crumbCount]?.length ?? 0) + 1;
    crumbCount--;
  }
  while (over > 0 && frameCount > MIN_FRAMES) {
    frameCount--;
    over -= (frameLines[frameCount]?.length ?? 0) + 1;
  }
  if (over > 0) messageLength = Math.max(0, messageLength - over);

  const cuts: string[] = [];
  const droppedCrumbs = report.breadcrumbs.length - crumbCount;
  const droppedFrames = report.frames.length - frameCount;
  if (droppedCrumbs > 0) cuts.push(`${thousands(droppedCrumbs)} oldest breadcrumbs`);
  if (droppedFrames > 0) cuts.push(`${thousands(droppedFrames)} outermost frames`);
  if (messageLength < message.length || fullMessageLength > CAP.message) {
    cuts.push(`the message after ${thousands(messageLength)} of its ${thousands(fullMessageLength)} characters`);
  }

  const parts: string[] = [];
  if (banner) parts.push(banner);
  parts.push(heading, "");
  if (messageLength > 0) {
    const shown = message.slice(0, messageLength) + (messageLength < message.length ? "\n…" : "");
    parts.push(codeBlock(shown, "text"), "");
  } else if (message.length > 0) {
    parts.push("_The message was too long to show._", "");
  }
  parts.push(summary, "");
  if (clock) parts.push(clock, "");
  parts.push("### Stack trace", "");
  if (frameLines.length === 0) {
    parts.push("_The report had no stack frames._", "");
  } else {
    const linked = target ? ` Links point at ${codeSpan(target.ref)}.` : "";
    parts.push(`Most recent call first; ★ marks the project's own code.${linked}`, "");
    for (let i = 0; i < frameCount; i++) parts.push(frameLines[i] ?? "");
    if (droppedFrames > 0) parts.push("", `_${thousands(droppedFrames)} outermost frames not shown._`);
    parts.push("");
  }
  if (crumbRows.length > 0) {
    parts.push("### Breadcrumbs", "", "Oldest first; the last one happened just before the crash.", "");
    if (droppedCrumbs > 0) parts.push(`_${thousands(droppedCrumbs)} older breadcrumbs not shown._`, "");
    if (crumbCount > 0) {
      parts.push("| Time | Category | Level | Message |", "|---|---|---|---|");
      for (let i = crumbRows.length - crumbCount; i < crumbRows.length; i++) parts.push(crumbRows[i] ?? "");
    }
    parts.push("");
  }
  if (device) parts.push(device, "");
  if (gaps) parts.push(gaps, "");
  if (cuts.length > 0) parts.push(`> [!NOTE]\n> Cut to stay readable and within GitHub's ${thousands(BODY_LIMIT)}-character limit: ${cuts.join("; ")}.`, "");
  parts.push(footer);
  return { title: renderTitle(report), body: parts.join("\n") };
}
