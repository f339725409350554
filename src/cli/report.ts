import { storeSettingsOf } from "../app/settings.js";
import { parseArgs } from "node:util";
import { BOARD_WINDOWS, boardFigures, type BoardFigures, type Spread } from "../core/board.js";
import { formatDuration, STAGE_LABELS } from "../core/clock.js";
import { formatTime } from "../core/time.js";
import { repoKey } from "../app/routing.js";
import { openExistingStore } from "../store/open.js";

/**
 * `hotfix-loop report`: the hotfix board's figures from the App's store (the same
 * DATABASE_URL or HOTFIX_DB_PATH the App uses), per repository, as text or JSON.
 */

export const usage = `usage: hotfix-loop report [--repo OWNER/NAME] [--since 30d] [--json]

  --repo OWNER/NAME   one repository (default: every repository with a hotfix clock)
  --since 30d         the window of the figures: days (30d), hours (12h) or weeks (2w); default the board's, 30 and 90 days
  --json              the figures as JSON (durations in milliseconds)

Reads the store named by DATABASE_URL (PostgreSQL) or HOTFIX_DB_PATH (SQLite, default ./hotfix-loop.sqlite).`;

const UNIT_DAYS: Record<string, number> = { h: 1 / 24, d: 1, w: 7 };

/** "30d" → 30; null when the text is not a duration. */
export function parseSince(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([hdw])$/i.exec(text.trim());
  if (!m) return null;
  const days = Number(m[1]) * UNIT_DAYS[m[2]!.toLowerCase()]!;
  return days > 0 ? days : null;
}

const spreadText = (s: Spread) => (s.count === 0 ? "–" : `median ${formatDuration(s.median!)}, p90 ${formatDuration(s.p90!)} (${s.count})`);

function windowName(days: number): string {
  return days < 1 ? `Last ${Math.round(days * 24)} hours` : `Last ${Number(days.toFixed(2))} days`;
}

function printText(repo: string, figures: BoardFigures): void {
  console.log(`${repo} (as of ${formatTime(figures.asOf)})`);
  console.log(`  Open hotfixes: ${figures.open.length}`);
  for (const h of figures.open) {
    const name = h.issueNumber === null ? h.signature : `#${h.issueNumber}`;
    console.log(`    ${name}${h.round > 1 ? ` round ${h.round}` : ""}: ${STAGE_LABELS[h.stage]}, running ${formatDuration(h.runningMs)}`);
  }
  for (const w of figures.windows) {
    console.log(
      `  ${windowName(w.days)}: ${w.verified} verified; not verified the first time ${w.notVerifiedFirstTime}; regressions ${w.regressions}`,
    );
    console.log(`    detection → verified: ${spreadText(w.detectionToVerified)}`);
    for (const s of w.stages) console.log(`    ${STAGE_LABELS[s.from]} → ${STAGE_LABELS[s.to]}: ${spreadText(s)}`);
  }
}

export async function run(args: string[], now: () => Date = () => new Date()): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { repo: { type: "string" }, since: { type: "string" }, json: { type: "boolean", default: false } },
      strict: true,
    }));
  } catch (error) {
    console.error(`hotfix-loop report: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const windows = values.since === undefined ? BOARD_WINDOWS : [parseSince(values.since)];
  if (windows.some((w) => w === null)) {
    console.error(`hotfix-loop report: --since: expected a duration such as 30d, 12h or 2w, got ${JSON.stringify(values.since)}\n\n${usage}`);
    return 2;
  }
  if (values.repo !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(values.repo)) {
    console.error(`hotfix-loop report: --repo: expected OWNER/NAME, got ${JSON.stringify(values.repo)}\n\n${usage}`);
    return 2;
  }

  const opened = openExistingStore(storeSettingsOf(process.env));
  if ("missing" in opened) {
    console.error(`hotfix-loop report: ${opened.missing}`);
    return 1;
  }
  const { store } = opened;
  try {
    await store.migrate();
    const groups = await store.clock.clockGroups(values.repo === undefined ? null : repoKey(values.repo));
    const asOf = now().toISOString();
    const repos = [...new Set(groups.map((g) => g.repo))].sort();
    const reports = await Promise.all(
      repos.map(async (repo) => ({
        repo,
        ...boardFigures(
          groups.filter((g) => g.repo === repo),
          asOf,
          windows as number[],
          await store.clock.waitingPorts(repo),
        ),
      })),
    );
    if (values.json) {
      console.log(JSON.stringify({ asOf, repos: reports }, null, 2));
    } else if (reports.length === 0) {
      console.log(`No hotfix clock in the store${values.repo ? ` for ${values.repo}` : ""} yet.`);
    } else {
      for (const { repo, ...figures } of reports) printText(repo, figures);
    }
    return 0;
  } finally {
    await store.close();
  }
}
