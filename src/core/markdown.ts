import { remembered } from "./remembered.js";
import { scrubText } from "./scrub.js";

/**
 * Markdown safety for text that came from a crash report: it must not ping people,
 * cross-reference issues, inject HTML or formatting, close a code block, or spoof what a
 * line says with invisible direction or zero-width characters.
 */

/**
 * Characters that change how text around them reads without being seen: bidi embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069), marks (U+200E/F, U+061C), and
 * zero-width characters (U+200B–U+200D, U+2060, U+FEFF). Shown as their code point, so
 * a reader sees that they were there and what they were.
 */
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;
const HAS_INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/;

export function revealInvisible(text: string): string {
  if (!HAS_INVISIBLE.test(text)) return text;
  return text.replace(INVISIBLE, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}>`);
}

/** Characters neutralize() may have to change. */
const SPECIAL = new Uint8Array(128);
for (const c of "&<>\\`*_[]~|\n\r@#") SPECIAL[c.charCodeAt(0)] = 1;
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " ", "\r\n": " " };
const NEUTRAL = /[&<>\\`*_[\]~|]|\r\n?|\n/g;

/**
 * What GitHub would turn into a ping or a cross-reference: @user and @org/team, #123 (also in
 * owner/repo#123), GH-123, and github.com URLs. GitHub usernames, team slugs and issue
 * numbers are ASCII, so ASCII classes catch every one.
 */
const LIVE = /@[A-Za-z0-9]|#\d|\bGH-\d|github\.com/i;
/** Where a word of untrusted text ends: whitespace, and the characters a code span or a table cell cannot hold. */
const WORD_BREAKS = /([\s`|]+)/;

function escapeInline(text: string): string {
  return text.replace(NEUTRAL, (m) => ESCAPES[m] ?? `\\${m}`);
}

/**
 * Untrusted text made safe inline in Markdown (paragraphs, list items, table cells): no
 * @mentions or team pings, no #123 / GH-12 / owner/repo#1 / github.com URL
 * cross-references, no HTML, no Markdown formatting or links, no line breaks, no `|`.
 * A word that GitHub would link is put in a code span, where GitHub links nothing and
 * which shows (and copies) the reporter's text as sent; the rest is escaped.
 */
export function neutralize(untrusted: string): string {
  // Invisible characters the reporter sent are shown, wherever the text did not pass through clean().
  const text = revealInvisible(untrusted);
  let special = false;
  let gh = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && SPECIAL[c] === 1) special = true;
    // "gh" of GH-1, "hub" of github.com
    else if (((c | 32) === 104 && (text.charCodeAt(i - 1) | 32) === 103) || ((c | 32) === 98 && (text.charCodeAt(i - 1) | 32) === 117)) gh = true;
  }
  if (!special && !gh) return text;
  if (!LIVE.test(text)) return escapeInline(text);
  const parts = text.split(WORD_BREAKS);
  // Odd indexes are the breaks between words.
  return parts.map((part, i) => (i % 2 === 0 && LIVE.test(part) ? `\`${part}\`` : escapeInline(part))).join("");
}

export function longestBacktickRun(text: string): number {
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
export function codeSpan(untrusted: string, inTable = false): string {
  if (untrusted === "") return "";
  const text = revealInvisible(untrusted);
  let body = text.includes("\n") || text.includes("\r") ? text.replace(/\r?\n|\r/g, " ") : text;
  if (inTable && body.includes("|")) body = body.replace(/\|/g, "\\|");
  const run = longestBacktickRun(body);
  const ticks = run === 0 ? "`" : "`".repeat(run + 1);
  // CommonMark strips one space from each end when both ends have one: a padded span gives back the
  // text exactly, a backtick at an end no longer joins the fence, and the reporter's own spaces stay.
  const spaced = body.startsWith(" ") && body.endsWith(" ") && body.trim() !== "";
  const pad = body.startsWith("`") || body.endsWith("`") || spaced ? " " : "";
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/**
 * Untrusted text as an issue title: one line, otherwise as the reporter sent it. A title is
 * plain text, not Markdown: GitHub notifies no one for an @mention in a title and records no
 * cross-reference for a #12 in it (both come from bodies and comments only), so there is nothing
 * to defuse. Nothing can be escaped either: a backslash, an entity or an invisible joiner would
 * show (or hide) in the title, in notification e-mails and in what a person copies into the
 * reporter's search. The title may show `#12` as a link in GitHub's own page; that is a link to
 * read, not a notification or a timeline entry, and the body carries the same text inert.
 */
export function titleText(text: string): string {
  return text.replace(/\s+/g, " ");
}

/** At most `max` characters; a cut keeps a visible prefix and ends in "…", never a bare "…". */
export function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  return max <= 1 ? text.slice(0, max) : `${text.slice(0, max - 1)}…`;
}

export function thousands(n: number): string {
  const whole = Math.trunc(n);
  return whole > -1000 && whole < 1000 ? String(whole) : String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** How far past a cut a single long word is kept for the scrubber to see whole. */
const WORD_SLACK = 2_000;

/**
 * Text cut before scrubbing drops its last, partial word: half a secret no longer matches
 * the scrubber's patterns. A text that is one long word (a C++ or Unreal identifier) is
 * kept whole up to WORD_SLACK more characters, so it can be scrubbed, then cut by cap()
 * with a visible prefix rather than to a bare "…".
 */
export function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const lastSpace = cut.search(/\s\S*$/);
  if (lastSpace > 0) return `${cut.slice(0, lastSpace)}…`;
  return text.length <= max + WORD_SLACK ? text : `${text.slice(0, max + WORD_SLACK)}…`;
}

/**
 * A report's text as the issue may show it: at most `max` characters, scrubbed, invisible
 * controls made visible, and no `<!--` that a reader of the raw body (the marker parser, a
 * person) could take for ours. Only what is shown is scrubbed.
 */
export function clean(text: string | undefined, max: number): string {
  if (!text) return "";
  const out = cap(revealInvisible(scrubText(bounded(text, max))), max);
  // A visible space, not an invisible character: the text stays readable and copies as what is shown.
  return out.includes("<!--") ? out.replace(/<!--/g, "<! --") : out;
}

/** Longest text a table cell shows. */
const CELL = 300;

const cellOf = remembered((text) => neutralize(clean(text, CELL)));

/** Untrusted text as a table cell: scrubbed, capped, neutralised; "" for nothing. */
export function cell(text: string | undefined): string {
  return text ? cellOf(text) : "";
}

export function tableRow(label: string, value: string): string {
  return `| **${label}** | ${value} |`;
}
