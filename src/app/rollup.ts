import { neutralize } from "../core/render.js";
import { scrubText } from "../core/scrub.js";
import { shownTime } from "../core/time.js";
import type { CrashGroup } from "../store/store.js";

/**
 * The roll-up issue: where crashes past a repository's new-issue budget (`issues.maxNewPerHour`)
 * are counted, one row each, instead of opening an issue each. Whoever can make an app crash
 * with a message of their choosing cannot fill the tracker with issues.
 */

export const ROLLUP_TITLE = "Crashes past the new-issue budget";
/** Found again after a lost store or a create whose answer was lost; never shown. */
export const ROLLUP_MARKER = "<!-- hotfix-loop:rollup -->";
/** Rows listed; more would only crowd the body (GitHub takes 65,536 characters). */
const MAX_ROWS = 200;

function row(group: CrashGroup): string {
  const { type, message } = group.latest.exception;
  const what = neutralize(scrubText(`${type}: ${message}`).slice(0, 140));
  return `| \`${group.signature.replace(/[^0-9a-z]/gi, "")}\` | ${what} | ${group.events} | ${shownTime(group.lastSeen)} |`;
}

export function renderRollUp(groups: CrashGroup[], budget: number): string {
  const shown = [...groups].sort((a, b) => b.events - a.events).slice(0, MAX_ROWS);
  const more = groups.length - shown.length;
  return [
    `More new crashes arrived than this repository's budget of ${budget} new hotfix issues an hour (\`issues.maxNewPerHour\` in \`.github/hotfix.yml\`).`,
    "They are counted here instead of opening an issue each; the App keeps counting them in its store.",
    "",
    "| Signature | Crash | Events | Last alert received |",
    "| --- | --- | ---: | --- |",
    ...shown.map(row),
    ...(more > 0 ? ["", `…and ${more} more.`] : []),
    "",
    ROLLUP_MARKER,
  ].join("\n");
}
