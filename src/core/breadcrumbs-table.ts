import type { Breadcrumb } from "./crash.js";
import { bounded, cap, cell, clean, neutralize } from "./markdown.js";
import { remembered, scrubData } from "./scrub.js";

/** One row of the breadcrumb table: time, category, level, and the message with its data. */

/** Longest message (with its data) a row shows. */
const CRUMB = 500;
/** Data keys shown per breadcrumb at most. */
const DATA_KEYS_LIMIT = 50;
const KEY = 300;

/** A breadcrumb data value as text: scalars directly, anything else as JSON. */
function dataText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return String(value);
  return JSON.stringify(value) ?? "";
}

/** Text as a row shows it (`text`: scrubbed, capped) and that text neutralised for the cell (`cell`). */
interface Shown {
  text: string;
  cell: string;
}

function shown(text: string): Shown {
  return { text, cell: neutralize(text) };
}

function pair(key: string, shownKey: string, value: unknown): Shown {
  const safe = scrubData(typeof value === "string" ? bounded(value, CRUMB) : value, key);
  return shown(`${shownKey}=${cap(clean(dataText(safe), CRUMB), CRUMB)}`);
}

/**
 * A data key's pairs, its scalar values' remembered: keys and values repeat across crumbs and
 * alerts ("method=GET", "status_code=200"). Short keys and values only, few of each, so a
 * storm of distinct ones costs little memory.
 */
const pairsOf = remembered(
  (key) => {
    const shownKey = clean(key, KEY);
    const scalar = remembered((value: string | number | boolean) => pair(key, shownKey, value), 64, 100);
    return (value: unknown): Shown =>
      typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? scalar(value) : pair(key, shownKey, value);
  },
  32,
  50,
);

const NO_PAIRS: readonly Shown[] = [];

/** The data pairs a row shows, in the data's order, until DATA_KEYS_LIMIT of them or CRUMB characters. */
function crumbPairs(data: Record<string, unknown> | undefined): readonly Shown[] {
  if (!data) return NO_PAIRS;
  const pairs: Shown[] = [];
  let length = 0;
  for (const key in data) {
    if (pairs.length >= DATA_KEYS_LIMIT || length > CRUMB) break;
    const p = pairsOf(key)(data[key]);
    pairs.push(p);
    length += p.text.length;
  }
  return pairs;
}

/** Whether `text` has `count` ASCII digits from `at`. */
function digitsAt(text: string, at: number, count: number): boolean {
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i);
    if (!(c >= 48 && c <= 57)) return false;
  }
  return true;
}

/**
 * An ISO-8601 timestamp (2024-06-11T10:00:49.123Z) holds nothing to scrub or neutralise;
 * breadcrumbs carry one each, so it is recognised by its characters rather than a regular
 * expression: `^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+-]\d\d:?\d\d)?$`.
 */
export function isIsoTime(text: string): boolean {
  if (!(digitsAt(text, 0, 4) && text[4] === "-" && digitsAt(text, 5, 2) && text[7] === "-" && digitsAt(text, 8, 2) && text[10] === "T")) return false;
  if (!(digitsAt(text, 11, 2) && text[13] === ":" && digitsAt(text, 14, 2))) return false;
  let at = 16;
  if (text[at] === ":" && digitsAt(text, at + 1, 2)) {
    at += 3;
    if (text[at] === "." && digitsAt(text, at + 1, 1)) {
      let end = at + 2;
      while (end < at + 10 && digitsAt(text, end, 1)) end++;
      at = end;
    }
  }
  if (text[at] === "Z") at++;
  else if ((text[at] === "+" || text[at] === "-") && digitsAt(text, at + 1, 2)) {
    at += 3;
    if (text[at] === ":") at++;
    if (!digitsAt(text, at, 2)) return false;
    at += 2;
  }
  return at === text.length;
}

/** Messages repeat across crumbs and alerts ("GET /cart [200]" after scrubbing): each is shown once. */
const messageOf = remembered((text) => shown(cap(clean(text, CRUMB), CRUMB)));
const NO_MESSAGE: Shown = { text: "", cell: "" };

/** The message with its data as " (key=value, ...)", cut to CRUMB characters, neutralised. */
function messageCell(crumb: Breadcrumb): string {
  const message = crumb.message ? messageOf(crumb.message) : NO_MESSAGE;
  const pairs = crumbPairs(crumb.data);
  if (pairs.length === 0) return message.cell;
  let length = message.text.length + pairs.length * 2 + 1;
  for (const p of pairs) length += p.text.length;
  if (length <= CRUMB) {
    // Uncut, the parts are neutralised apart: " (", ", " and ")" around them end any match of neutralize().
    let cells = message.cell;
    for (let i = 0; i < pairs.length; i++) cells += `${i === 0 ? " (" : ", "}${pairs[i]!.cell}`;
    return `${cells})`;
  }
  return neutralize(cap(`${clean(crumb.message, CRUMB)} (${pairs.map((p) => p.text).join(", ")})`, CRUMB));
}

export function renderCrumb(crumb: Breadcrumb): string {
  const time = crumb.timestamp && isIsoTime(crumb.timestamp) ? crumb.timestamp : cell(crumb.timestamp);
  return `| ${time} | ${cell(crumb.category)} | ${cell(crumb.level)} | ${messageCell(crumb)} |`;
}
