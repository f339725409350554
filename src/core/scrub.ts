import type { CrashReport } from "./crash.js";

/**
 * Secrets and personal data come along with crash reports (a token in a URL a breadcrumb
 * logged, a user's email in a message). Issues are often public and always permanent, so
 * everything a report carries is scrubbed before any of it is written to GitHub. The
 * replacements say what was there: `[email]`, `[token]`, `[ip]`, `[card]`, `[redacted]`.
 */

/** Keys whose value is a secret wherever they appear: query strings, form bodies, JSON, logs. */
const SECRET_KEYS =
  "password|passwd|pwd|pass|passphrase|secret|client_secret|api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|id_token|auth[_-]?token|token|session[_-]?id|sessionid|private[_-]?key|signature|sig|credentials?";

/** What a text contains, counted once: each rule runs only on text that could hold its kind of secret. */
interface Shape {
  text: string;
  lower: string;
  colons: number;
  dots: number;
  digits: number;
}

interface Rule {
  when: (shape: Shape) => boolean;
  pattern: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

function luhn(digits: string): boolean {
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

/** Issuer prefixes of the card networks: a Luhn-valid number without one is a timestamp or an id. */
const CARD_PREFIX = /^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|6(?:011|5|4[4-9]|22)|35)/;

function card(match: string): string {
  const digits = match.replace(/[ -]/g, "");
  return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhn(digits) ? "[card]" : match;
}

function ipv6(match: string): string {
  const halves = match.split("::");
  if (halves.length > 2) return match;
  const groups = halves.flatMap((h) => (h === "" ? [] : h.split(":")));
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return match;
  if (halves.length === 1) return groups.length === 8 ? "[ip]" : match;
  // "a::b" is as likely C++ or Rust scope as an address: ask for a digit and three groups, or loopback "::1".
  if (match === "::1" || (groups.length >= 2 && /\d/.test(match) && match.length >= 6)) return "[ip]";
  return match;
}

// Order matters: whole blocks and structured tokens first, so a later, looser rule never sees half of one.
const RULES: Rule[] = [
  {
    when: (s) => s.text.includes("PRIVATE KEY"),
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    replace: "[redacted]",
  },
  { when: (s) => s.text.includes("eyJ"), pattern: /\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*/g, replace: "[token]" },
  { when: (s) => s.text.includes("://") && s.text.includes("@"), pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@:]+:[^\s/?#@]+@/gi, replace: "$1[redacted]@" },
  { when: (s) => s.lower.includes("hooks.slack.com"), pattern: /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[\w/-]+/gi, replace: "[token]" },
  {
    when: (s) => /bearer|basic|token|digest/.test(s.lower),
    pattern: /\b(Bearer|Basic|Token|Digest)(\s+)([\w\-.~+/]{8,}=*)/gi,
    replace: (m, scheme: string, space: string, value: string) => (/[\d+/=._~-]/.test(value) ? `${scheme}${space}[token]` : m),
  },
  { when: (s) => s.text.includes("_"), pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, replace: "[token]" },
  { when: (s) => /A(?:KI|SI|GP|ID|RO)A/.test(s.text), pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g, replace: "[token]" },
  {
    when: (s) => s.lower.includes("secret") || s.lower.includes("aws_session"),
    pattern: /\b(aws_secret_access_key|aws_session_token|secret_?access_?key)(["']?\s*[=:]\s*["']?)[A-Za-z0-9/+=]{16,}/gi,
    replace: "$1$2[redacted]",
  },
  { when: (s) => s.text.includes("_live_") || s.text.includes("_test_"), pattern: /\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{10,}\b/g, replace: "[token]" },
  { when: (s) => s.text.includes("xox"), pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, replace: "[token]" },
  // key=value in query strings, form bodies, env dumps and log lines.
  {
    when: (s) => s.text.includes("=") && SECRET_WORD.test(s.lower),
    // No left boundary: csrftoken=, X-Amz-Signature=, db_password= are secrets too.
    pattern: new RegExp(`((?:${SECRET_KEYS})(?:%5D|\\])?=)([^&\\s"'#;,]+)`, "gi"),
    replace: "$1[redacted]",
  },
  // "key": "value" in JSON and key: value in headers/YAML; bare "token:" is left alone ("Unexpected token: <").
  {
    when: (s) => s.colons > 0 && (s.text.includes('"') || s.text.includes("'")) && SECRET_WORD.test(s.lower),
    pattern: new RegExp(`(["']?(?<![\\w-])(?:${SECRET_KEYS})["']?\\s*:\\s*)("[^"]*"|'[^']*')`, "gi"),
    replace: (m, key: string, value: string) => (value.length > 2 ? `${key}${value[0]}[redacted]${value[0]}` : m),
  },
  {
    when: (s) => s.colons > 0 && /authoriz|cookie|api.?key|password|secret/.test(s.lower),
    pattern: /(?<![\w-])((?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|password|secret|api[_-]?key)\s*:\s*)([^\s"',}][^\n"',}]*)/gi,
    replace: "$1[redacted]",
  },
  // The lookbehind starts a match only where a run of address characters starts, keeping long runs linear.
  { when: (s) => s.text.includes("@"), pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g, replace: "[email]" },
  {
    when: (s) => s.dots >= 3 && s.digits >= 4,
    pattern: /(?<![\w.]|version\s?[=:]?\s?)(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/gi,
    replace: "[ip]",
  },
  { when: (s) => s.text.includes("::") || s.colons >= 7, pattern: /(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi, replace: ipv6 },
  { when: (s) => s.digits >= 13, pattern: /(?<![\w.-])\d(?:[ -]?\d){12,18}(?![\w]|[.-]\d)/g, replace: card },
];

const SECRET_WORD = /pass|pwd|secret|key|token|session|sig|credential/;

/**
 * One cheap test in front of the rules: a string none of whose triggers appear (most file
 * paths, function names, timestamps) cannot hold anything the rules remove.
 */
const SUSPECT =
  /[@]|::|\d{4}[ -]?\d{4}|\d\.\d{1,3}\.\d{1,3}\.\d|(?:[0-9a-f]{1,4}:){7}|pass|pwd|secret|key|token|session|sig|credential|authoriz|cookie|bearer|basic|digest|eyJ|gh[pousr]_|github_pat_|A(?:KI|SI|GP|ID|RO)A|_live_|_test_|xox|hooks\.slack|PRIVATE KEY/i;

function shapeOf(text: string): Shape {
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

export function scrubText(text: string): string {
  if (!SUSPECT.test(text)) return text;
  const shape = shapeOf(text);
  let out = text;
  for (const rule of RULES) {
    if (!rule.when(shape)) continue;
    rule.pattern.lastIndex = 0;
    out = out.replace(rule.pattern, rule.replace as (substring: string, ...args: string[]) => string);
  }
  return out;
}

const SECRET_KEY_NAME = new RegExp(`^(?:${SECRET_KEYS}|authorization|cookie|set-cookie|x-api-key)$`, "i");

/** scrubText with the answers kept for one report: its frames and breadcrumbs repeat the same strings. */
function memoized(): (text: string | undefined) => string | undefined {
  const seen = new Map<string, string>();
  return (text) => {
    if (text === undefined || text.length < 3) return text;
    let out = seen.get(text);
    if (out === undefined) {
      out = scrubText(text);
      seen.set(text, out);
    }
    return out;
  };
}

type Scrub = ReturnType<typeof memoized>;

/** Free-form data (breadcrumb data, device, OS): every string and key, and whole values under secret-sounding keys. */
function scrubData(value: unknown, key: string | null, scrub: Scrub): unknown {
  if (key !== null && value !== undefined && value !== null && value !== "" && SECRET_KEY_NAME.test(key)) return "[redacted]";
  if (typeof value === "string") return scrub(value);
  if (Array.isArray(value)) return value.map((v) => scrubData(v, null, scrub));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k in value) out[scrub(k) ?? k] = scrubData((value as Record<string, unknown>)[k], k, scrub);
    return out;
  }
  return value;
}

function scrubRecord<T extends object>(record: T | undefined, scrub: Scrub): T | undefined {
  return record === undefined ? undefined : (scrubData(record, null, scrub) as T);
}

/**
 * The report with every string it carries scrubbed, breadcrumb data included, and values
 * under secret-sounding keys (password, authorization, cookie…) replaced whole.
 */
export function scrubReport(report: CrashReport): CrashReport {
  const scrub = memoized();
  return {
    ...report,
    project: scrub(report.project),
    exception: { ...report.exception, type: scrub(report.exception.type) ?? "", message: scrub(report.exception.message) ?? "" },
    frames: report.frames.map((f) => ({
      ...f,
      file: scrub(f.file),
      function: scrub(f.function),
      module: scrub(f.module),
      context_line: scrub(f.context_line),
    })),
    breadcrumbs: report.breadcrumbs.map((b) => ({
      ...b,
      timestamp: scrub(b.timestamp),
      category: scrub(b.category),
      level: scrub(b.level),
      message: scrub(b.message),
      data: scrubRecord(b.data, scrub),
    })),
    device: scrubRecord(report.device, scrub),
    os: scrubRecord(report.os, scrub),
    runtime: scrubRecord(report.runtime, scrub),
    platform: scrub(report.platform),
    release: scrub(report.release),
    environment: scrub(report.environment),
    commit: scrub(report.commit),
    firstSeen: scrub(report.firstSeen),
    lastSeen: scrub(report.lastSeen),
    url: scrub(report.url),
    reporterGroupId: scrub(report.reporterGroupId),
    reporterEventId: scrub(report.reporterEventId),
    gaps: report.gaps.map((g) => scrub(g) ?? g),
  };
}
