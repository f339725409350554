import type { CrashReport } from "./crash.js";
import { remembered } from "./remembered.js";

/**
 * Secrets and personal data come along with crash reports (a token in a URL a breadcrumb
 * logged, a user's email in a message). Issues are often public and always permanent, so
 * everything a report carries is scrubbed before any of it is written to GitHub. The
 * replacements say what was there: `[email]`, `[token]`, `[ip]`, `[card]`, `[redacted]`.
 */

/** Keys whose value is a secret wherever they appear: query strings, form bodies, JSON, logs. */
const SECRET_KEYS =
  "password|passwd|pwd|pass|passphrase|secret|client_secret|api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|id_token|auth[_-]?token|token|session[_-]?id|sessionid|private[_-]?key|signature|sig|credentials?";
/** Headers that carry credentials. */
const SECRET_HEADERS = "authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token";
/** A parameter name holding one of these is a secret: csrftoken, X-Amz-Signature, db_password. */
const SECRET_PARAMETER = /pass|pwd|secret|api[_-]?key|apikey|token|session|sig|credential|private[_-]?key/i;

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

function bearer(match: string, scheme: string, space: string, value: string): string {
  return /[\d+/=._~-]/.test(value) ? `${scheme}${space}[token]` : match;
}

function parameter(match: string, name: string): string {
  return SECRET_PARAMETER.test(name) ? `${name}=[redacted]` : match;
}

function quotedValue(match: string, key: string, value: string): string {
  return value.length > 2 ? `${key}${value[0]}[redacted]${value[0]}` : match;
}

function assignedValue(match: string, key: string, value: string): string {
  if (value === "[redacted]") return match;
  if (value.startsWith('"') || value.startsWith("'")) return quotedValue(match, key, value);
  return `${key}[redacted]`;
}

const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g;
const JWT = /\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*/g;
// user:password@ and, as Redis writes it, :password@ with no user.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@:]*:[^\s/?#@]+@/gi;
const SLACK_WEBHOOK = /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[\w/-]+/gi;
const AUTH_SCHEME = /\b(Bearer|Basic|Token|Digest)(\s+)([\w\-.~+/]{8,}=*)/gi;
const GITHUB_TOKEN = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g;
const AWS_KEY_PREFIX = /A(?:KI|SI|GP|ID|RO)A/;
const AWS_KEY_ID = /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g;
const AWS_SECRET = /\b(aws_secret_access_key|aws_session_token|secret_?access_?key)(["']?\s*[=:]\s*["']?)[A-Za-z0-9/+=]{16,}/gi;
const STRIPE_KEY = /\b(?:(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{10,}|whsec_[0-9A-Za-z]{16,})\b/g;
// Bot, user, app-level (xapp-), refresh and rotating (xoxe-, xoxe.xoxp-) Slack tokens.
const SLACK_TOKEN = /\b(?:xox[abeoprs](?:\.xox[abeoprs])?|xapp)-[A-Za-z0-9-]{10,}/g;
// Other services' tokens that say what they are by their prefix: GitLab, npm, PyPI, Google API keys,
// OpenAI and Anthropic, SendGrid, Shopify, DigitalOcean, Twilio, Mailchimp/Brevo, Hugging Face.
const PREFIXED_TOKEN =
  /\b(?:glpat-[\w-]{20,}|npm_[A-Za-z0-9]{36}|pypi-[\w-]{40,}|AIza[\w-]{35}|sk-(?:ant-|proj-)?[\w-]{20,}|SG\.[\w-]{16,}\.[\w-]{16,}|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}|do[opr]_v1_[a-f0-9]{64}|SK[0-9a-f]{32}|xkeysib-[a-f0-9-]{20,}|hf_[A-Za-z0-9]{30,})\b/g;
// name=value in query strings, form bodies, env dumps; the lookbehind starts names only where a name starts.
const PARAMETER = /(?<![\w.\-[\]%])([\w.\-[\]%]+)=[^&\s"'#;,]+/g;
// "key": "value" in JSON; bare "token:" is left alone ("Unexpected token: <").
const QUOTED_SECRET = new RegExp(`(["']?(?<![\\w-])(?:${SECRET_KEYS}|${SECRET_HEADERS})["']?\\s*:\\s*)("[^"]*"|'[^']*')`, "gi");
// key: value in headers, YAML and log lines.
const HEADER_SECRET =
  /(?<![\w-])((?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|password|passwd|pwd|passphrase|secret|client_secret|api[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|private[_-]?key)\s*:\s*)([^\s"',}][^\n"',}]*)/gi;
// password = "…", PASSWORD='…', passwd = hunter2 in code, .env files and config dumps.
const ASSIGNED_SECRET = new RegExp(`((?<![\\w-])(?:${SECRET_KEYS})\\s*=\\s*)("[^"]*"|'[^']*'|[^\\s"'&;,}]+)`, "gi");
// jane%40example.com: an address URL-encoded in a query string.
// It starts after a separator, plain or itself encoded (%3D "=", %26 "&", %3F "?", %2F "/", %3A ":").
const ENCODED_EMAIL = /(?<=^|[^A-Za-z0-9._%+-]|%3D|%26|%3F|%2F|%3A)(?:[A-Za-z0-9._+-]|%2B)+%40[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/gi;
// The lookbehind starts a match only where a run of address characters starts, keeping long runs linear.
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g;
const IPV4 = /(?<![\w.]|version\s?[=:]?\s?)(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/gi;
const IPV6 = /(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi;
const CARD = /(?<![\w.-])\d(?:[ -]?\d){12,18}(?![\w]|[.-]\d)/g;

/**
 * Every rule needs some character or word to be present; one pass counts them, and the
 * rules whose trigger is missing (most of them, for most strings) do not run. Order
 * matters: whole blocks and structured tokens first, so a looser rule never sees half of one.
 */
function applyRules(text: string): string {
  let colons = 0;
  let dots = 0;
  let digits = 0;
  let at = false;
  let equals = false;
  let quote = false;
  let underscore = false;
  let space = false;
  let dashes = 0;
  let longestDashRun = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 45) {
      if (++dashes > longestDashRun) longestDashRun = dashes;
      continue;
    }
    dashes = 0;
    if (c >= 48 && c <= 57) digits++;
    else if (c === 58) colons++;
    else if (c === 46) dots++;
    else if (c === 64) at = true;
    else if (c === 61) equals = true;
    else if (c === 34 || c === 39) quote = true;
    else if (c === 95) underscore = true;
    else if (c === 32 || c === 9 || c === 10 || c === 13) space = true;
  }
  const long = text.length >= 13;
  // Keyword triggers look at lower case once, with plain substring searches.
  const lower = colons > 0 || equals || (space && long) || dots >= 2 ? text.toLowerCase() : "";
  let out = text;
  if (longestDashRun >= 5 && text.includes("PRIVATE KEY")) out = out.replace(PRIVATE_KEY, "[redacted]");
  if (dots >= 2 && text.includes("eyJ")) out = out.replace(JWT, "[token]");
  if (at && colons > 0) out = out.replace(URL_CREDENTIALS, "$1[redacted]@");
  if (dots >= 2 && lower.includes("hooks.slack.com")) out = out.replace(SLACK_WEBHOOK, "[token]");
  if (space && long && (lower.includes("bearer") || lower.includes("basic") || lower.includes("token") || lower.includes("digest"))) {
    out = out.replace(AUTH_SCHEME, bearer);
  }
  if (underscore && text.length >= 24 && (text.includes("gh") || text.includes("github_pat_"))) out = out.replace(GITHUB_TOKEN, "[token]");
  if (text.length >= 20 && AWS_KEY_PREFIX.test(text)) out = out.replace(AWS_KEY_ID, "[token]");
  if ((equals || colons > 0) && (lower.includes("secret") || lower.includes("aws_session"))) out = out.replace(AWS_SECRET, "$1$2[redacted]");
  if (underscore && (text.includes("_live_") || text.includes("_test_") || text.includes("whsec_"))) out = out.replace(STRIPE_KEY, "[token]");
  if (longestDashRun > 0 && (text.includes("xox") || text.includes("xapp-"))) out = out.replace(SLACK_TOKEN, "[token]");
  if (text.length >= 20) out = out.replace(PREFIXED_TOKEN, "[token]");
  if (equals) out = out.replace(PARAMETER, parameter);
  if (equals && SECRET_PARAMETER.test(lower)) out = out.replace(ASSIGNED_SECRET, assignedValue);
  if (colons > 0 && quote && (SECRET_PARAMETER.test(lower) || lower.includes("authoriz") || lower.includes("cookie")))
    out = out.replace(QUOTED_SECRET, quotedValue);
  if (colons > 0 && (lower.includes("authoriz") || lower.includes("cookie") || lower.includes("key") || SECRET_PARAMETER.test(lower))) {
    out = out.replace(HEADER_SECRET, "$1[redacted]");
  }
  if (at) out = out.replace(EMAIL, "[email]");
  if (text.includes("%40")) out = out.replace(ENCODED_EMAIL, "[email]");
  if (dots >= 3 && digits >= 4) out = out.replace(IPV4, "[ip]");
  if (colons >= 7 || (colons >= 2 && text.includes("::"))) out = out.replace(IPV6, ipv6);
  if (digits >= 13) out = out.replace(CARD, card);
  return out;
}

const scrubRemembered = remembered(applyRules);

export function scrubText(text: string): string {
  return text.length < 3 ? text : scrubRemembered(text);
}

const SECRET_KEY_NAME = new RegExp(`^(?:${SECRET_KEYS}|${SECRET_HEADERS})$`, "i");
const isSecretKey = remembered((key) => SECRET_KEY_NAME.test(key));

/** Free-form data (breadcrumb data, device, OS): every string and key scrubbed, values under secret-sounding keys replaced whole. */
export function scrubData(value: unknown, key: string | null = null): unknown {
  if (key !== null && value !== undefined && value !== null && value !== "" && isSecretKey(key)) return "[redacted]";
  if (typeof value === "string") return scrubText(value);
  // A card number sent as a JSON number ({"pan": 4111111111111111}).
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) >= 1e12)
    return card(String(Math.abs(value))) === "[card]" ? "[card]" : value;
  if (Array.isArray(value)) return value.map((v) => scrubData(v));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k in value) out[scrubText(k)] = scrubData((value as Record<string, unknown>)[k], k);
    return out;
  }
  return value;
}

const scrub = (text: string | undefined): string | undefined => (text === undefined ? undefined : scrubText(text));
const scrubRecord = <T extends object>(record: T | undefined): T | undefined => (record === undefined ? undefined : (scrubData(record) as T));

/**
 * The report with every string it carries scrubbed, breadcrumb data included, and values
 * under secret-sounding keys (password, authorization, cookie…) replaced whole.
 */
export function scrubReport(report: CrashReport): CrashReport {
  return {
    ...report,
    project: scrub(report.project),
    exception: { ...report.exception, type: scrubText(report.exception.type), message: scrubText(report.exception.message) },
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
      data: scrubRecord(b.data),
    })),
    device: scrubRecord(report.device),
    os: scrubRecord(report.os),
    runtime: scrubRecord(report.runtime),
    platform: scrub(report.platform),
    release: scrub(report.release),
    environment: scrub(report.environment),
    commit: scrub(report.commit),
    firstSeen: scrub(report.firstSeen),
    lastSeen: scrub(report.lastSeen),
    url: scrub(report.url),
    reporterGroupId: scrub(report.reporterGroupId),
    reporterEventId: scrub(report.reporterEventId),
    gaps: report.gaps.map((g) => (g.kind === "skipped" ? { ...g, reason: scrubText(g.reason) } : g)),
  };
}
