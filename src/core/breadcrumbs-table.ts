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

export function renderCrumb(crumb: Breadcrumb): string {
  const time = crumb.timestamp && ISO_TIME.test(crumb.timestamp) ? crumb.timestamp : cell(crumb.timestamp);
  const data = crumbData(crumb.data);
  const message = data === "" ? (crumb.message ? crumbMessageOf(crumb.message) : "") : neutralizedOf(cap(clean(crumb.message, CRUMB) + data, CRUMB));
  return `| ${time} | ${cell(crumb.category)} | ${cell(crumb.level)} | ${message} |`;
}
