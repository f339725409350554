import { pino, type DestinationStream, type Logger } from "pino";

/**
 * The App's logger: pino, as Probot's, with every line redacted on its way out. Credentials reach
 * the log through many doors (a Bugsnag `?token=` in a request path, the counts API's bearer
 * token, a header dump in an error, a reporter's answer echoing the request), so the redaction
 * runs on the finished JSON line, whatever field or message carries them, not on named fields.
 */

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

const R = "[redacted]";
/** Names of query parameters, form fields and JSON keys whose value is a credential. */
const SECRET_NAME = String.raw`[\w.-]*(?:token|secret|passw(?:or)?d|pwd|api[_-]?key|apikey|credential|session[_-]?id|private[_-]?key)[\w.-]*`;
/** In a query string, a signature is a credential too (S3's X-Amz-Signature); a crash signature is only ever in a path. */
const SECRET_PARAMETER = String.raw`(?:${SECRET_NAME}|[\w.-]*(?:signature|sig|auth))`;
/** Headers that carry a credential or a signature. */
const SECRET_HEADER = String.raw`authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-hub-signature(?:-256)?|sentry-hook-signature|x-hotfix-signature|x-hotfix-token|bugsnag-integrity`;

const RULES: [RegExp, string][] = [
  // ?token=…, &api_key=…, password=… in paths, URLs and form bodies.
  [new RegExp(String.raw`((?:^|[?&;\s"'])${SECRET_PARAMETER}=)[^&\s"'#;\\]+`, "gi"), `$1${R}`],
  // "authorization": "…", "x-hotfix-token": "…", "password": "…" in any object that was logged.
  [new RegExp(String.raw`("(?:${SECRET_HEADER}|${SECRET_NAME})"\s*:\s*)"(?:[^"\\]|\\.)*"`, "gi"), `$1"${R}"`],
  // Authorization values wherever they were pasted into text.
  [/\b(Bearer|Basic|token)(\s+)(?=[^\s"\\,]*[\d_.=/+-])[^\s"\\,]{8,}/gi, `$1$2${R}`],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, R],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, R],
];

/** One finished log line with its credentials replaced by "[redacted]". */
export function redactLogLine(line: string): string {
  let out = line;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}

export function createLogger(level: LogLevel = "info", destination?: DestinationStream): Logger {
  return pino({ level, name: "hotfix-loop", hooks: { streamWrite: redactLogLine } }, destination ?? pino.destination(1));
}
