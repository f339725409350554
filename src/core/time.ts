import { cell } from "./markdown.js";

/**
 * One format for every time a person reads in an issue, a comment, the board or the
 * terminal: `2024-06-18 11:52 UTC`. The exact instant stays one hover away (a title
 * attribute, which GitHub keeps) for whoever needs the seconds.
 */

/** 2024-06-18 11:52 UTC */
export function formatTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** ISO-8601, the form every store row and parsed report carries; Date.parse would also take "1" for a year. */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+-]\d\d:?\d\d)?$/;

/**
 * A time for a Markdown body: formatTime() with the exact instant in its title; a stamp that
 * is not an ISO-8601 time (reporters send what they like) is shown as untrusted text.
 */
export function shownTime(stamp: string | undefined): string {
  const ms = stamp && ISO_TIME.test(stamp) ? Date.parse(stamp) : Number.NaN;
  if (Number.isNaN(ms)) return cell(stamp);
  const exact = new Date(ms).toISOString();
  return `<span title="${exact}">${formatTime(exact)}</span>`;
}
