import type { Breadcrumb } from "./crash.js";
import { bounded, cap, cell, clean, neutralize } from "./markdown.js";
import { remembered } from "./remembered.js";
import { scrubData } from "./scrub.js";
import { shownTime } from "./time.js";

/** The breadcrumb table: time, category, level, and the message with its data; a column no row fills is left out. */

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
    for (let i = 0; i < pairs.length; i++) cells += `${i > 0 ? ", " : cells ? " (" : "("}${pairs[i]!.cell}`;
    return `${cells})`;
  }
  return neutralize(cap(`${clean(crumb.message, CRUMB)} (${pairs.map((p) => p.text).join(", ")})`, CRUMB));
}

const COLUMNS = ["Time", "Category", "Level", "Message"];

/** One breadcrumb's cells, in the order of COLUMNS. */
export function crumbCells(crumb: Breadcrumb): string[] {
  return [shownTime(crumb.timestamp), cell(crumb.category), cell(crumb.level), messageCell(crumb)];
}

/** The table's header (with its delimiter row) and one row per breadcrumb, oldest first, without the columns no row fills. */
export function crumbTable(crumbs: readonly Breadcrumb[]): { header: string; rows: string[] } {
  const cells = crumbs.map(crumbCells);
  const shown = COLUMNS.map((_, i) => cells.some((row) => row[i] !== ""));
  const pick = (row: string[]) => row.filter((_, i) => shown[i]);
  const line = (row: string[]) => `| ${row.join(" | ")} |`;
  const header = pick(COLUMNS);
  return { header: `${line(header)}\n|${header.map(() => "---").join("|")}|`, rows: cells.map((row) => line(pick(row))) };
}
