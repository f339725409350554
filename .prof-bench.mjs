// src/core/config.ts
import { parseDocument } from "yaml";
import { z as z2 } from "zod";

// src/core/crash.ts
import { z } from "zod";
var Frame = z.object({
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
  context_line: z.string().optional()
});
var Breadcrumb = z.object({
  /** ISO-8601 timestamp. */
  timestamp: z.string().optional(),
  category: z.string().optional(),
  level: z.string().optional(),
  message: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional()
});
var DeviceContext = z.object({
  name: z.string().optional(),
  model: z.string().optional(),
  manufacturer: z.string().optional(),
  family: z.string().optional(),
  arch: z.string().optional(),
  memory: z.string().optional(),
  orientation: z.string().optional(),
  locale: z.string().optional()
});
var OsContext = z.object({
  name: z.string().optional(),
  version: z.string().optional(),
  build: z.string().optional()
});
var ProviderName = z.enum(["sentry", "bugsnag", "generic"]);
var CrashReport = z.object({
  provider: ProviderName,
  /** The reporter's project (Sentry project slug, Bugsnag project id, generic project name). */
  project: z.string().optional(),
  exception: z.object({
    type: z.string().min(1),
    message: z.string().default(""),
    handled: z.boolean().optional()
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
  gaps: z.array(z.string()).default([])
});

// src/core/config.ts
var Level = z2.enum(["fail", "warn"]);
var globs = (defaults) => z2.array(z2.string().min(1)).default(defaults);
var rule = (level, shape) => z2.object({ enabled: z2.boolean().default(true), level: Level.default(level), ...shape }).strict().prefault({});
var DEFAULT_IGNORE = [
  "**/package-lock.json",
  "**/yarn.lock",
  "**/pnpm-lock.yaml",
  "**/npm-shrinkwrap.json",
  "**/Gemfile.lock",
  "**/poetry.lock",
  "**/Pipfile.lock",
  "**/Cargo.lock",
  "**/go.sum",
  "**/composer.lock",
  "**/Podfile.lock",
  "**/pubspec.lock",
  "**/packages.lock.json",
  "**/__snapshots__/**",
  "**/*.snap",
  "**/*.generated.*",
  "**/generated/**",
  "**/vendor/**",
  "**/third_party/**",
  "**/node_modules/**",
  "dist/**"
];
var DEFAULT_MANIFESTS = [
  "**/package.json",
  "**/package-lock.json",
  "**/npm-shrinkwrap.json",
  "**/yarn.lock",
  "**/pnpm-lock.yaml",
  "**/requirements*.txt",
  "**/pyproject.toml",
  "**/poetry.lock",
  "**/Pipfile",
  "**/Pipfile.lock",
  "**/go.mod",
  "**/go.sum",
  "**/Cargo.toml",
  "**/Cargo.lock",
  "**/Gemfile",
  "**/Gemfile.lock",
  "**/pom.xml",
  "**/build.gradle",
  "**/build.gradle.kts",
  "**/gradle/libs.versions.toml",
  "**/*.csproj",
  "**/packages.config",
  "**/packages.lock.json",
  "**/Packages/manifest.json",
  "**/Podfile",
  "**/Podfile.lock",
  "**/pubspec.yaml",
  "**/pubspec.lock",
  "**/composer.json",
  "**/composer.lock",
  "**/conanfile.txt",
  "**/vcpkg.json"
];
var DEFAULT_TEST_PATHS = [
  "**/*.test.*",
  "**/*.spec.*",
  "**/test/**",
  "**/tests/**",
  "**/__tests__/**",
  "**/spec/**",
  "**/*_test.go",
  "**/test_*.py",
  "**/*_test.py",
  "**/*Test.java",
  "**/*Tests.java",
  "**/*Test.kt",
  "**/*Tests.kt",
  "**/*Tests.cs",
  "**/*Test.cs",
  "**/Tests/**",
  "**/*_spec.rb",
  "**/*Tests.swift",
  "**/*_test.cc",
  "**/*_test.cpp"
];
var Source = z2.object({
  provider: ProviderName,
  /**
   * The reporter's projects whose alerts open issues here (Sentry project slug,
   * Bugsnag project id, generic project name). Empty: every project of that provider.
   */
  projects: z2.array(z2.string().min(1)).default([])
}).strict();
var HotfixConfig = z2.object({
  /** Which crash reporters (and which of their projects) this repository takes alerts from. */
  sources: z2.array(Source).default([]),
  issues: z2.object({
    labels: z2.array(z2.string().min(1)).default(["hotfix", "crash"]),
    /** Extra label by whether the app caught the error; empty string for none. */
    severityLabels: z2.object({ unhandled: z2.string().default("severity:critical"), handled: z2.string().default("severity:high") }).strict().prefault({}),
    assignees: z2.array(z2.string().min(1)).default([]),
    /** Also assign the CODEOWNERS of the crashing in-app frame's file. */
    codeowners: z2.boolean().default(true),
    /** At most one issue edit per signature per this many seconds; repeats only update the store in between. */
    refreshIntervalSeconds: z2.number().int().min(0).default(60),
    reopenOnRegression: z2.boolean().default(true)
  }).strict().prefault({}),
  /** How stack frame paths map onto files of this repository, for links to the exact line. */
  links: z2.object({
    /** Prefixes removed from frame paths before they are taken as repository paths. */
    stripPrefixes: z2.array(z2.string()).default([]),
    /** Folder of the repository the remaining path is relative to. */
    root: z2.string().default(""),
    /** Git ref for a release when no commit is known; `{release}` is replaced. */
    tagTemplate: z2.string().default("v{release}")
  }).strict().prefault({}),
  /** How the Action recognises a hotfix PR: any one of these makes it one. */
  hotfix: z2.object({
    branches: globs(["hotfix/**"]),
    labels: z2.array(z2.string().min(1)).default(["hotfix"]),
    /** A PR that links (Fixes #N) an issue carrying the App's hotfix marker is a hotfix. */
    linkedIssue: z2.boolean().default(true)
  }).strict().prefault({}),
  rules: z2.object({
    /** Paths left out of every count (lockfiles, generated code, snapshots, vendored code). */
    ignore: globs(DEFAULT_IGNORE),
    maxFiles: rule("fail", { limit: z2.number().int().min(1).default(10) }),
    maxLines: rule("fail", { limit: z2.number().int().min(1).default(200) }),
    forbiddenPaths: rule("fail", {
      paths: globs(["**/migrations/**", ".github/workflows/**", "infra/**", "terraform/**", "**/*.tf", "helm/**", "k8s/**"])
    }),
    dependencies: rule("fail", { manifests: globs(DEFAULT_MANIFESTS) }),
    regressionTest: rule("fail", { paths: globs(DEFAULT_TEST_PATHS) }),
    linkedIssue: rule("fail", {}),
    touchesStack: rule("warn", {}),
    baseBranch: rule("fail", { branches: globs(["main", "master", "release/**", "releases/**"]) })
  }).strict().prefault({}),
  verify: z2.object({
    /** Confidence needed before saying verified or not verified, e.g. 0.99: P(observed | crash unfixed) < 1%. */
    confidence: z2.number().gt(0.5).lt(1).default(0.99),
    /** Minimum time since the deployment before any verdict other than "not enough data yet". */
    minWindowMinutes: z2.number().int().min(0).default(30),
    /** What counts as exposure of a version: sessions when the reporter tracks them, else all events. */
    exposure: z2.enum(["sessions", "events"]).default("sessions"),
    closeOnVerified: z2.boolean().default(false),
    labels: z2.object({ verified: z2.string().default("hotfix:verified"), notVerified: z2.string().default("hotfix:not-verified") }).strict().prefault({})
  }).strict().prefault({})
}).strict();
var DEFAULT_CONFIG = HotfixConfig.parse({});

// src/core/scrub.ts
var SECRET_KEYS = "password|passwd|pwd|pass|passphrase|secret|client_secret|api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|id_token|auth[_-]?token|token|session[_-]?id|sessionid|private[_-]?key|signature|sig|credentials?";
function luhn(digits) {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
var CARD_PREFIX = /^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|6(?:011|5|4[4-9]|22)|35)/;
function card(match) {
  const digits = match.replace(/[ -]/g, "");
  return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhn(digits) ? "[card]" : match;
}
function ipv6(match) {
  const halves = match.split("::");
  if (halves.length > 2) return match;
  const groups = halves.flatMap((h) => h === "" ? [] : h.split(":"));
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return match;
  if (halves.length === 1) return groups.length === 8 ? "[ip]" : match;
  if (match === "::1" || groups.length >= 2 && /\d/.test(match) && match.length >= 6) return "[ip]";
  return match;
}
var RULES = [
  {
    when: (s) => s.text.includes("PRIVATE KEY"),
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    replace: "[redacted]"
  },
  { when: (s) => s.text.includes("eyJ"), pattern: /\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*/g, replace: "[token]" },
  { when: (s) => s.text.includes("://") && s.text.includes("@"), pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@:]+:[^\s/?#@]+@/gi, replace: "$1[redacted]@" },
  { when: (s) => s.lower.includes("hooks.slack.com"), pattern: /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[\w/-]+/gi, replace: "[token]" },
  {
    when: (s) => /bearer|basic|token|digest/.test(s.lower),
    pattern: /\b(Bearer|Basic|Token|Digest)(\s+)([\w\-.~+/]{8,}=*)/gi,
    replace: (m, scheme, space, value) => /[\d+/=._~-]/.test(value) ? `${scheme}${space}[token]` : m
  },
  { when: (s) => s.text.includes("_"), pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, replace: "[token]" },
  { when: (s) => /A(?:KI|SI|GP|ID|RO)A/.test(s.text), pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g, replace: "[token]" },
  {
    when: (s) => s.lower.includes("secret") || s.lower.includes("aws_session"),
    pattern: /\b(aws_secret_access_key|aws_session_token|secret_?access_?key)(["']?\s*[=:]\s*["']?)[A-Za-z0-9/+=]{16,}/gi,
    replace: "$1$2[redacted]"
  },
  { when: (s) => s.text.includes("_live_") || s.text.includes("_test_"), pattern: /\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{10,}\b/g, replace: "[token]" },
  { when: (s) => s.text.includes("xox"), pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, replace: "[token]" },
  // key=value in query strings, form bodies, env dumps and log lines.
  {
    when: (s) => s.text.includes("=") && SECRET_WORD.test(s.lower),
    // No left boundary: csrftoken=, X-Amz-Signature=, db_password= are secrets too.
    pattern: new RegExp(`((?:${SECRET_KEYS})(?:%5D|\\])?=)([^&\\s"'#;,]+)`, "gi"),
    replace: "$1[redacted]"
  },
  // "key": "value" in JSON and key: value in headers/YAML; bare "token:" is left alone ("Unexpected token: <").
  {
    when: (s) => s.colons > 0 && (s.text.includes('"') || s.text.includes("'")) && SECRET_WORD.test(s.lower),
    pattern: new RegExp(`(["']?(?<![\\w-])(?:${SECRET_KEYS})["']?\\s*:\\s*)("[^"]*"|'[^']*')`, "gi"),
    replace: (m, key, value) => value.length > 2 ? `${key}${value[0]}[redacted]${value[0]}` : m
  },
  {
    when: (s) => s.colons > 0 && /authoriz|cookie|api.?key|password|secret/.test(s.lower),
    pattern: /(?<![\w-])((?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|password|secret|api[_-]?key)\s*:\s*)([^\s"',}][^\n"',}]*)/gi,
    replace: "$1[redacted]"
  },
  // The lookbehind starts a match only where a run of address characters starts, keeping long runs linear.
  { when: (s) => s.text.includes("@"), pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g, replace: "[email]" },
  {
    when: (s) => s.dots >= 3 && s.digits >= 4,
    pattern: /(?<![\w.]|version\s?[=:]?\s?)(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/gi,
    replace: "[ip]"
  },
  { when: (s) => s.text.includes("::") || s.colons >= 7, pattern: /(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi, replace: ipv6 },
  { when: (s) => s.digits >= 13, pattern: /(?<![\w.-])\d(?:[ -]?\d){12,18}(?![\w]|[.-]\d)/g, replace: card }
];
var SECRET_WORD = /pass|pwd|secret|key|token|session|sig|credential/;
function shapeOf(text) {
  let colons = 0;
  let dots = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 58) colons++;
    else if (c === 46) dots++;
  }
  return { text, lower: text.toLowerCase(), colons, dots, digits };
}
function applyRules(text, rules) {
  const shape = shapeOf(text);
  let out = text;
  for (const rule2 of rules) {
    if (!rule2.when(shape)) continue;
    rule2.pattern.lastIndex = 0;
    out = out.replace(rule2.pattern, rule2.replace);
  }
  return out;
}
function scrubText(text) {
  return applyRules(text, RULES);
}
var SECRET_KEY_NAME = new RegExp(`^(?:${SECRET_KEYS}|authorization|cookie|set-cookie|x-api-key)$`, "i");
function collectStrings(value, out) {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value !== null && typeof value === "object") {
    for (const k in value) {
      out.push(k);
      collectStrings(value[k], out);
    }
  }
}
function mapStrings(value, key, scrub) {
  if (key !== null && value !== void 0 && value !== null && value !== "" && SECRET_KEY_NAME.test(key)) return "[redacted]";
  if (typeof value === "string") return scrub(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, null, scrub));
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const k in value) out[scrub(k)] = mapStrings(value[k], k, scrub);
    return out;
  }
  return value;
}
function scrubReport(report2) {
  const strings = [];
  collectStrings(report2, strings);
  const all = strings.join("\0");
  const shape = shapeOf(all);
  const rules = RULES.filter((rule2) => {
    rule2.pattern.lastIndex = 0;
    return rule2.when(shape) && rule2.pattern.test(all);
  });
  const scrub = rules.length === 0 ? (text) => text : (text) => applyRules(text, rules);
  return mapStrings(report2, null, scrub);
}

// src/core/render.ts
import { z as z3 } from "zod";
var BODY_LIMIT = 65536;
var TITLE_LIMIT = 120;
var IssueMarker = z3.object({
  v: z3.literal(1),
  signature: z3.string().min(1),
  provider: ProviderName,
  project: z3.string().optional(),
  /** Repository paths of the in-app frames, crashing frame first. */
  frames: z3.array(z3.string()),
  versions: z3.array(z3.string()),
  release: z3.string().optional(),
  reporterGroupId: z3.string().optional()
});
var MARKER_OPEN = "<!-- hotfix-loop:crash ";
var MARKER_CLOSE = " -->";
var ZWJ = "\u200D";
var NEUTRAL = /[&<>\\`*_[\]~|]|\r?\n|@(?=[\p{L}\p{N}])|#(?=\p{N})|\b(?:GH|gh)-(?=\d)|github\.com/gu;
function neutralChar(match) {
  switch (match) {
    case "&":
      return "&amp;";
    case "<":
      return "&lt;";
    case ">":
      return "&gt;";
    case "@":
    case "#":
      return match + ZWJ;
    case "\n":
    case "\r\n":
      return " ";
    case "github.com":
      return `github${ZWJ}.com`;
    default:
      return match.length > 1 ? match + ZWJ : `\\${match}`;
  }
}
function neutralize(text) {
  return text.replace(NEUTRAL, neutralChar);
}
function longestBacktickRun(text) {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 96) {
      run++;
      if (run > longest) longest = run;
    } else run = 0;
  }
  return longest;
}
function codeBlock(text, lang = "") {
  const fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
  const info = lang.replace(/[^\w+#.-]/g, "");
  return `${fence}${info}
${text.replace(/\r\n?/g, "\n")}
${fence}`;
}
function codeSpan(text, inTable = false) {
  let body = text.replace(/\r?\n|\r/g, " ");
  if (inTable) body = body.replace(/\|/g, "\\|");
  const ticks = "`".repeat(longestBacktickRun(body) + 1);
  const pad = body.startsWith("`") || body.endsWith("`") || body.startsWith(" ") ? " " : "";
  return body === "" ? "" : `${ticks}${pad}${body}${pad}${ticks}`;
}
function titleSafe(text) {
  return text.replace(/@(?=[\p{L}\p{N}])|#(?=\p{N})|\b(?:GH|gh)-(?=\d)/gu, (m) => m + ZWJ).replace(/\s+/g, " ");
}
function cap(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}
function thousands(n) {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
var REPO = /^[\w.-]+\/[\w.-]+$/;
var SAFE_REF = /^[\w./@+-]{1,200}$/;
function versionOf(release) {
  const at = release.lastIndexOf("@");
  return at > 0 ? release.slice(at + 1) : release;
}
function linkRef(input) {
  const { report: report2, links } = input;
  const ref = input.ref ?? report2.commit ?? (report2.release ? links.tagTemplate.replace(/\{release\}/g, report2.release).replace(/\{version\}/g, versionOf(report2.release)) : void 0);
  return ref !== void 0 && SAFE_REF.test(ref) && !ref.includes("..") ? ref : null;
}
var JVM_SOURCE = /\.(?:java|kt|kts|scala|groovy)$/;
function repoPath(frame, links) {
  if (!frame.in_app || !frame.file) return null;
  let path = frame.file.replace(/\\/g, "/");
  const prefix = links.stripPrefixes.map((p) => p.replace(/\\/g, "/")).find((p) => p !== "" && path.startsWith(p));
  if (prefix !== void 0) {
    path = path.slice(prefix.length);
  } else {
    const virtual = /^(?:webpack(?:-internal)?|app|rewrite-frames):\/\/[^/]*/i.exec(path);
    if (virtual) path = path.slice(virtual[0].length).replace(/^\/(?:\([^)]*\)\/)?/, "");
    else if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith("/") || path.startsWith("~")) return null;
  }
  path = path.replace(/[?#].*$/, "").replace(/^(?:\.{1,2}\/)+/, "").replace(/^\/+/, "");
  if (!path.includes("/") && JVM_SOURCE.test(path) && frame.module?.includes(".")) {
    const packagePath = frame.module.split(".").slice(0, -1).join("/");
    if (/^[\w/$]+$/.test(packagePath)) path = `${packagePath}/${path}`;
  }
  const root = links.root.replace(/\\/g, "/").replace(/^\/+|\/+$/g, "");
  if (root) path = `${root}/${path}`;
  if (path.split("/").some((s) => s === "" || s === ".." || s === ".") || /[\u0000-\u001f]/.test(path)) return null;
  return path;
}
function blobUrl(repo, ref, path, line) {
  const encode = (p) => p.split("/").map((s) => encodeURIComponent(s).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join("/");
  return `https://github.com/${repo}/blob/${encode(ref)}/${encode(path)}${line !== void 0 && line > 0 ? `#L${line}` : ""}`;
}
function issueMarker(marker) {
  const json = JSON.stringify(marker).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  return `${MARKER_OPEN}${json}${MARKER_CLOSE}`;
}
var PROVIDER_NAMES = { sentry: "Sentry", bugsnag: "Bugsnag", generic: "the crash reporter" };
var CAP = { cell: 300, functionName: 300, location: 300, contextLine: 300, crumb: 500, gap: 500, message: 8e3, markerPath: 300 };
var MAX_VERSIONS_SHOWN = 10;
var MAX_GAPS = 20;
var MARKER_FRAMES = 20;
var MARKER_VERSIONS = 50;
var MIN_FRAMES = 5;
var NOTE_RESERVE = 600;
function crashingFrame(frames) {
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i]?.in_app) return frames[i];
  return frames[frames.length - 1];
}
function basename(file) {
  return file.replace(/[?#].*$/, "").split(/[\\/]/).pop() ?? file;
}
function renderTitle(report2) {
  const type = cap(report2.exception.type.trim(), 60);
  const frame = crashingFrame(report2.frames);
  const fn = frame?.function ? cap(frame.function.trim(), 40) : "";
  const file = frame?.file ? cap(basename(frame.file), 40) : "";
  const where = fn && file ? ` in ${fn} (${file})` : fn ? ` in ${fn}` : file ? ` in ${file}` : "";
  const firstLine = report2.exception.message.trim().split(/\r?\n/)[0] ?? "";
  const room = TITLE_LIMIT - type.length - where.length - 2;
  const message = firstLine && room >= 10 ? `: ${cap(firstLine, room)}` : "";
  return cap(titleSafe(`${type}${message}${where}`), TITLE_LIMIT);
}
function tableRow(label, value) {
  return `| **${label}** | ${value} |`;
}
function cell(text) {
  return text ? neutralize(cap(text, CAP.cell)) : "";
}
function renderSummary(input, report2) {
  const { stats } = input;
  const versions = [...stats.versions].sort((a, b) => b.count - a.count);
  const shown = versions.slice(0, MAX_VERSIONS_SHOWN).map((v) => `${codeSpan(scrubText(bounded(v.version, 64)), true)} \xD7 ${thousands(v.count)}`).join(", ");
  const more = versions.length > MAX_VERSIONS_SHOWN ? ` and ${versions.length - MAX_VERSIONS_SHOWN} more` : "";
  const rows = [
    "| | |",
    "|---|---|",
    tableRow("First seen", cell(scrubText(bounded(stats.firstSeen, CAP.cell))) || "unknown"),
    tableRow("Last seen", cell(scrubText(bounded(stats.lastSeen, CAP.cell))) || "unknown"),
    tableRow("Events", thousands(stats.events)),
    tableRow("Users", thousands(stats.users))
  ];
  if (shown) rows.push(tableRow("Versions", shown + more));
  if (report2.release) rows.push(tableRow("Release", codeSpan(cap(report2.release, CAP.cell), true)));
  if (report2.environment) rows.push(tableRow("Environment", cell(report2.environment)));
  if (report2.exception.handled !== void 0) rows.push(tableRow("Handled", report2.exception.handled ? "yes" : "no, it crashed"));
  if (report2.project) rows.push(tableRow("Project", cell(report2.project)));
  const reporter = PROVIDER_NAMES[report2.provider];
  if (report2.url && /^https?:\/\/[^\s<>"]+$/i.test(report2.url)) {
    const href = report2.url.replace(/[()|\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    rows.push(tableRow("Reporter", `[Open in ${reporter}](${cap(href, 2e3)})`));
  }
  rows.push(tableRow("Signature", codeSpan(input.signature, true)));
  return rows.join("\n");
}
function renderFrame(frame, index, repo, ref, links) {
  const fn = frame.function ? codeSpan(cap(frame.function, CAP.functionName)) : "_unknown function_";
  const file = frame.file ?? frame.module;
  let location = "";
  if (file) {
    const position = frame.line !== void 0 ? `:${frame.line}${frame.column !== void 0 ? `:${frame.column}` : ""}` : "";
    const text = codeSpan(cap(file, CAP.location) + position);
    const path = repo && ref ? repoPath(frame, links) : null;
    location = ` at ${path && repo && ref ? `[${text}](${blobUrl(repo, ref, path, frame.line)})` : text}`;
  }
  const mark = frame.in_app ? "\u2605 " : "";
  const context = frame.in_app && frame.context_line?.trim() ? `
   Source: ${codeSpan(cap(frame.context_line.trim(), CAP.contextLine))}` : "";
  return `${index + 1}. ${mark}${fn}${location}${context}`;
}
function crumbData(data) {
  if (!data) return "";
  const pairs = Object.entries(data).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  return pairs.length ? ` (${pairs.join(", ")})` : "";
}
function renderCrumb(crumb) {
  const message = cap((crumb.message ?? "") + crumbData(crumb.data), CAP.crumb);
  return `| ${cell(crumb.timestamp)} | ${cell(crumb.category)} | ${cell(crumb.level)} | ${neutralize(message)} |`;
}
function renderDevice(report2) {
  const rows = [];
  const join = (...parts) => parts.filter((p) => p && p.trim()).join(" ");
  const d = report2.device;
  if (d) {
    const model = join(d.manufacturer, d.model ?? d.family);
    const name = d.name && d.name !== model ? `${model ? `${model}, ` : ""}named ${d.name}` : model;
    if (name) rows.push(tableRow("Device", cell(name)));
    if (d.arch) rows.push(tableRow("Architecture", cell(d.arch)));
    if (d.memory) rows.push(tableRow("Memory", cell(d.memory)));
    if (d.orientation) rows.push(tableRow("Orientation", cell(d.orientation)));
    if (d.locale) rows.push(tableRow("Locale", cell(d.locale)));
  }
  const os = report2.os && join(report2.os.name, report2.os.version, report2.os.build ? `(${report2.os.build})` : void 0);
  if (os) rows.push(tableRow("OS", cell(os)));
  const runtime = report2.runtime && join(report2.runtime.name, report2.runtime.version);
  if (runtime) rows.push(tableRow("Runtime", cell(runtime)));
  if (report2.platform) rows.push(tableRow("Platform", cell(report2.platform)));
  return rows.length ? ["### Device", "", "| | |", "|---|---|", ...rows].join("\n") : "";
}
function renderGaps(gaps) {
  if (gaps.length === 0) return "";
  const lines = gaps.slice(0, MAX_GAPS).map((g) => `- ${neutralize(cap(g, CAP.gap))}`);
  if (gaps.length > MAX_GAPS) lines.push(`- and ${gaps.length - MAX_GAPS} more`);
  return ["### Missing context", "", "This report lacked the following, so the sections above may be incomplete:", "", ...lines].join("\n");
}
function renderMarker(input, report2) {
  const frames = [];
  for (let i = report2.frames.length - 1; i >= 0 && frames.length < MARKER_FRAMES; i--) {
    const frame = report2.frames[i];
    const path = frame ? repoPath(frame, input.links) : null;
    if (path && path.length <= CAP.markerPath && !frames.includes(path)) frames.push(path);
  }
  const marker = {
    v: 1,
    signature: input.signature,
    provider: report2.provider,
    frames,
    versions: input.stats.versions.slice(0, MARKER_VERSIONS).map((v) => scrubText(bounded(v.version, 64)))
  };
  if (report2.project) marker.project = cap(report2.project, 200);
  if (report2.release) marker.release = cap(report2.release, 200);
  if (report2.reporterGroupId) marker.reporterGroupId = cap(report2.reporterGroupId, 200);
  return issueMarker(marker);
}
function sumLengths(lines, from, to) {
  let total = 0;
  for (let i = from; i < to; i++) total += (lines[i]?.length ?? 0) + 1;
  return total;
}
var FIELD_LIMIT = 2e3;
var DATA_KEYS_LIMIT = 50;
var MAX_FRAMES = 1e3;
var MAX_CRUMBS = 1e3;
function bounded(text, max) {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const lastSpace = cut.search(/\s\S*$/);
  return `${lastSpace > 0 ? cut.slice(0, lastSpace) : ""}\u2026`;
}
function boundedValue(value, depth) {
  if (typeof value === "string") return bounded(value, CAP.crumb);
  if (value === null || typeof value !== "object") return value;
  if (depth >= 3) return "\u2026";
  if (Array.isArray(value)) return value.slice(0, DATA_KEYS_LIMIT).map((v) => boundedValue(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).slice(0, DATA_KEYS_LIMIT).map(([k, v]) => [bounded(k, CAP.cell), boundedValue(v, depth + 1)])
  );
}
function boundedRecord(record) {
  return record === void 0 ? void 0 : boundedValue(record, 0);
}
function boundReport(report2) {
  const field = (text) => text === void 0 ? void 0 : bounded(text, FIELD_LIMIT);
  return {
    ...report2,
    project: field(report2.project),
    exception: { ...report2.exception, type: bounded(report2.exception.type, FIELD_LIMIT), message: bounded(report2.exception.message, CAP.message) },
    frames: report2.frames.slice(-MAX_FRAMES).map((f) => ({ ...f, file: field(f.file), function: field(f.function), module: field(f.module), context_line: field(f.context_line) })),
    breadcrumbs: report2.breadcrumbs.slice(-MAX_CRUMBS).map((b) => ({
      ...b,
      timestamp: field(b.timestamp),
      category: field(b.category),
      level: field(b.level),
      message: field(b.message),
      data: boundedRecord(b.data)
    })),
    device: boundedRecord(report2.device),
    os: boundedRecord(report2.os),
    runtime: boundedRecord(report2.runtime),
    platform: field(report2.platform),
    release: field(report2.release),
    environment: field(report2.environment),
    commit: field(report2.commit),
    url: field(report2.url),
    reporterGroupId: field(report2.reporterGroupId),
    gaps: report2.gaps.map((g) => bounded(g, CAP.gap))
  };
}
function renderIssue(input) {
  const report2 = scrubReport(boundReport(input.report));
  const repo = input.repo && REPO.test(input.repo) ? input.repo : null;
  const ref = linkRef({ ...input, report: report2 });
  const banner = input.regressedIn ? `> [!CAUTION]
> **Regression:** this crash is back in ${codeSpan(scrubText(bounded(input.regressedIn, 64)))}, a version that was supposed to fix it.
` : "";
  const heading = `## ${codeSpan(cap(report2.exception.type, 200))}${report2.exception.handled === false ? " (unhandled)" : ""}`;
  const summary = renderSummary(input, report2);
  const device = renderDevice(report2);
  const gaps = renderGaps(report2.gaps);
  const footer = [
    "---",
    `<sub>Opened by hotfix-loop from an alert of ${PROVIDER_NAMES[report2.provider]}. Repeats of this crash update this issue; do not edit below this line.</sub>`,
    renderMarker(input, report2)
  ].join("\n");
  const frameLines = [];
  for (let i = report2.frames.length - 1, n = 0; i >= 0; i--, n++) {
    const frame = report2.frames[i];
    if (frame) frameLines.push(renderFrame(frame, n, repo, ref, input.links));
  }
  const crumbRows = report2.breadcrumbs.map(renderCrumb);
  const message = report2.exception.message;
  const fixed = banner.length + heading.length + summary.length + device.length + gaps.length + footer.length + NOTE_RESERVE + 400;
  let frameCount = frameLines.length;
  let crumbCount = crumbRows.length;
  const fullMessageLength = input.report.exception.message.length;
  let messageLength = message.length;
  const size = () => fixed + messageLength + longestBacktickRun(message) + sumLengths(frameLines, 0, frameCount) + sumLengths(crumbRows, crumbRows.length - crumbCount, crumbRows.length);
  let over = size() - BODY_LIMIT;
  while (over > 0 && crumbCount > 0) {
    over -= (crumbRows[crumbRows.length - crumbCount]?.length ?? 0) + 1;
    crumbCount--;
  }
  while (over > 0 && frameCount > MIN_FRAMES) {
    frameCount--;
    over -= (frameLines[frameCount]?.length ?? 0) + 1;
  }
  if (over > 0) messageLength = Math.max(0, messageLength - over);
  const cuts = [];
  const droppedCrumbs = input.report.breadcrumbs.length - crumbCount;
  const droppedFrames = input.report.frames.length - frameCount;
  if (droppedCrumbs > 0) cuts.push(`${thousands(droppedCrumbs)} oldest breadcrumbs`);
  if (droppedFrames > 0) cuts.push(`${thousands(droppedFrames)} outermost frames`);
  if (messageLength < message.length || fullMessageLength > CAP.message) {
    cuts.push(`the message after ${thousands(messageLength)} of its ${thousands(fullMessageLength)} characters`);
  }
  const parts = [];
  if (banner) parts.push(banner);
  parts.push(heading, "");
  if (messageLength > 0) {
    const shown = message.slice(0, messageLength) + (messageLength < message.length ? "\n\u2026" : "");
    parts.push(codeBlock(shown, "text"), "");
  } else if (message.length > 0) {
    parts.push("_The message was too long to show._", "");
  }
  parts.push(summary, "");
  parts.push("### Stack trace", "");
  if (frameLines.length === 0) {
    parts.push("_The report had no stack frames._", "");
  } else {
    const linked = repo && ref ? ` Links point at ${codeSpan(ref)}.` : "";
    parts.push(`Most recent call first; \u2605 marks the project's own code.${linked}`, "");
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
  if (cuts.length > 0) parts.push(`> [!NOTE]
> Cut to stay readable and within GitHub's ${thousands(BODY_LIMIT)}-character limit: ${cuts.join("; ")}.`, "");
  parts.push(footer);
  return { title: renderTitle(report2), body: parts.join("\n") };
}

// .prof-bench.ts
var report = CrashReport.parse({
  provider: "sentry",
  release: "shop-web@1.4.2+305",
  commit: "3f9a2c1b7d0e4a5f6b7c8d9e0f1a2b3c4d5e6f70",
  exception: { type: "TypeError", message: "Cannot read properties of undefined (reading 'price') while rendering cart for user 1234" },
  frames: Array.from({ length: 30 }, (_, i) => ({ file: `webpack:///./src/features/cart/CartView${i}.tsx`, function: "renderLine", line: 40 + i, column: 13, in_app: i > 20, context_line: `  const total = line.item.price * line.quantity; // ${i}` })),
  breadcrumbs: Array.from({ length: 50 }, (_, i) => ({ timestamp: `2024-06-11T10:00:${String(i).padStart(2, "0")}.123Z`, category: "xhr", level: "info", message: "GET https://api.shop.example.com/v2/cart?session=abc123def456 [200]", data: { method: "GET", status_code: 200 } }))
});
var t = (name, fn) => {
  for (let i = 0; i < 1e3; i++) fn();
  const s = performance.now();
  for (let i = 0; i < 3e3; i++) fn();
  console.log(name, ((performance.now() - s) / 3e3 * 1e3).toFixed(1), "\xB5s");
};
t("scrubReport", () => scrubReport(report));
t("render", () => renderIssue({ report, signature: "0123456789abcdef", stats: { events: 1, users: 1, versions: [], firstSeen: "", lastSeen: "" }, repo: "o/r", links: DEFAULT_CONFIG.links }));
