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

function crumbData(data: Record<string, unknown> | undefined): string {
  if (!data) return "";
  let pairs = "";
  let count = 0;
  let length = 0;
  for (const key in data) {
    if (count >= DATA_KEYS_LIMIT || length > CRUMB) break;
    const raw = data[key];
    const safe = scrubData(typeof raw === "string" ? bounded(raw, CRUMB) : raw, key);
    const pair = `${clean(key, KEY)}=${cap(clean(dataText(safe), CRUMB), CRUMB)}`;
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
const crumbMessageOf = remembered((text) => neutralize(cap(clean(text, CRUMB), CRUMB)));

/** The message cell: the message with its data, scrubbed, capped and neutralised. */
function messageCell(message: string | undefined, data: Record<string, unknown> | undefined): string {
  const pairs = crumbData(data);
  return pairs === "" ? (message ? crumbMessageOf(message) : "") : neutralizedOf(cap(clean(message, CRUMB) + pairs, CRUMB));
}

/** Longest message and scalar data whose cell is remembered whole. */
const REMEMBERED_DATA = 1_000;

/**
 * Data of scalars (an XHR crumb's method, status code and URL), short enough to remember: its
 * JSON gives the same values back, so the whole cell can be remembered under it.
 */
function isScalarData(message: string | undefined, data: Record<string, unknown>): boolean {
  let length = message?.length ?? 0;
  for (const key in data) {
    const value = data[key];
    length += key.length + (typeof value === "string" ? value.length : 0);
    if (length > REMEMBERED_DATA) return false;
    if (typeof value !== "string" && typeof value !== "boolean" && !(typeof value === "number" && Number.isFinite(value))) return false;
  }
  return true;
}

/**
 * Crumbs with data repeat across a report and its occurrences (the same request logged again
 * and again); their cell takes a dozen scrubs and look-ups, so it is made once per distinct
 * message and data.
 */
const scalarDataCellOf = remembered((json) => {
  const [message, data] = JSON.parse(json) as [string | null, Record<string, unknown>];
  return messageCell(message ?? undefined, data);
});

export function renderCrumb(crumb: Breadcrumb): string {
  const time = crumb.timestamp && ISO_TIME.test(crumb.timestamp) ? crumb.timestamp : cell(crumb.timestamp);
  const { message, data } = crumb;
  const shown = data && isScalarData(message, data) ? scalarDataCellOf(JSON.stringify([message ?? null, data])) : messageCell(message, data);
  return `| ${time} | ${cell(crumb.category)} | ${cell(crumb.level)} | ${shown} |`;
}
