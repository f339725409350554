import { barChart, mermaidBlock } from "./charts.js";
import { codeSpan } from "./markdown.js";
import { shownTime } from "./time.js";
import { clockRounds, formatDuration, STAGE_LABELS, type ClockRound, type StageName, type StageTime } from "./clock.js";

/**
 * The hotfix board of a repository: where each open hotfix stands in the loop with its
 * running clock, and for the last 30 and 90 days how fast fixes went from detection to
 * verified. The same figures serve the board issue and `hotfix-loop report`. Pure: the
 * moment the figures are taken (`asOf`) is an argument.
 */

export interface BoardHotfix {
  repo: string;
  issueNumber: number | null;
  signature: string;
  state: "open" | "resolved";
  stages: StageTime[];
}

export interface Spread {
  /** How many durations the figures are taken from. */
  count: number;
  /** Milliseconds; null without any duration. */
  median: number | null;
  p90: number | null;
}

export interface StageSpread extends Spread {
  from: StageName;
  to: StageName;
}

export interface WindowFigures {
  days: number;
  /** Rounds verified in the window. */
  verified: number;
  detectionToVerified: Spread;
  /** Each step of the loop, for the steps that ended in the window. */
  stages: StageSpread[];
  /** Rounds whose fix was found not verified (at least once) in the window. */
  notVerifiedFirstTime: number;
  /** Rounds after the first that started in the window. */
  regressions: number;
}

export interface OpenHotfix {
  repo: string;
  issueNumber: number | null;
  signature: string;
  round: number;
  stage: StageName;
  /** First occurrence of the round. */
  since: string;
  runningMs: number;
}

export interface WeekFigure {
  /** Monday of the week, YYYY-MM-DD (UTC). */
  week: string;
  verified: number;
  /** Median detection → verified of the rounds verified that week; null when none. */
  median: number | null;
}

/**
 * A port PR of a merged hotfix not merged yet, per hotfix issue of the PR it ports: until it merges, the next release
 * from its target brings the crash back. Closed unmerged, it is still waiting (nobody ported the fix another way that we know).
 */
export interface PortWaiting {
  issueNumber: number | null;
  signature: string;
  originalPr: number;
  portPr: number;
  target: string;
  /** When the port PR was opened (ISO-8601). */
  openedAt: string;
  state: "open" | "closed";
}

export interface WaitingPortFigure extends PortWaiting {
  waitingMs: number;
}

export interface BoardFigures {
  asOf: string;
  open: OpenHotfix[];
  /** Ports not merged yet, the longest waiting first. */
  ports: WaitingPortFigure[];
  windows: WindowFigures[];
  weekly: WeekFigure[];
}

/** The loop's steps in order; "not verified" is an outcome, not a step. */
const STEPS: [StageName, StageName][] = [
  ["first-occurrence", "issue-opened"],
  ["issue-opened", "fix-pr-opened"],
  ["fix-pr-opened", "check-passed"],
  ["check-passed", "merged"],
  ["merged", "deployed"],
  ["deployed", "verified"],
  // Beside the chain: a fix merged into a release branch until its port onto the default branch merged.
  ["merged", "ported"],
];

export const BOARD_WINDOWS = [30, 90];
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Weeks drawn in the chart: the longest window. */
const CHART_WEEKS = 13;

/** Linear interpolation between the closest ranks (the common "type 7" quantile). */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const lower = sorted[below]!;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)]!;
  return lower + (upper - lower) * (position - below);
}

function spread(durations: number[]): Spread {
  const sorted = [...durations].sort((a, b) => a - b);
  return { count: sorted.length, median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9) };
}

const ms = (iso: string) => Date.parse(iso);
const timeOf = (round: ClockRound, stage: StageName) => {
  const step = round.steps.find((s) => s.stage === stage);
  return step ? ms(step.at) : null;
};

function windowFigures(rounds: ClockRound[], days: number, asOf: number): WindowFigures {
  const from = asOf - days * DAY;
  const inWindow = (t: number | null): t is number => t !== null && t > from && t <= asOf;
  const verified = rounds.filter((r) => r.total !== null && inWindow(timeOf(r, "verified")));
  const stages = STEPS.map(([a, b]): StageSpread => {
    const durations = rounds.flatMap((r) => {
      const start = timeOf(r, a);
      const end = timeOf(r, b);
      return start !== null && inWindow(end) ? [Math.max(0, end - start)] : [];
    });
    return { from: a, to: b, ...spread(durations) };
  });
  return {
    days,
    verified: verified.length,
    detectionToVerified: spread(verified.map((r) => r.total!)),
    stages,
    notVerifiedFirstTime: rounds.filter((r) => inWindow(timeOf(r, "not-verified"))).length,
    regressions: rounds.filter((r) => r.round > 1 && inWindow(timeOf(r, "first-occurrence"))).length,
  };
}

/** Monday 00:00 UTC of the week of `t`. */
function weekStart(t: number): number {
  const day = new Date(t);
  const monday = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()) - ((day.getUTCDay() + 6) % 7) * DAY;
  return monday;
}

function weeklyFigures(rounds: ClockRound[], asOf: number): WeekFigure[] {
  const last = weekStart(asOf);
  return Array.from({ length: CHART_WEEKS }, (_, i) => {
    const start = last - (CHART_WEEKS - 1 - i) * WEEK;
    const totals = rounds.flatMap((r) => {
      const at = timeOf(r, "verified");
      return r.total !== null && at !== null && at >= start && at < start + WEEK && at <= asOf ? [r.total] : [];
    });
    return { week: new Date(start).toISOString().slice(0, 10), verified: totals.length, median: spread(totals).median };
  });
}

export function boardFigures(
  hotfixes: readonly BoardHotfix[],
  asOf: string,
  windows: readonly number[] = BOARD_WINDOWS,
  ports: readonly PortWaiting[] = [],
): BoardFigures {
  const now = ms(asOf);
  const rounds = hotfixes.flatMap((h) => clockRounds(h.stages));
  const open = hotfixes.flatMap((h): OpenHotfix[] => {
    const round = clockRounds(h.stages).at(-1);
    if (h.state !== "open" || !round || round.total !== null) return [];
    const since = round.steps.find((s) => s.stage === "first-occurrence")?.at ?? round.steps[0]!.at;
    return [
      {
        repo: h.repo,
        issueNumber: h.issueNumber,
        signature: h.signature,
        round: round.round,
        stage: round.current,
        since,
        runningMs: Math.max(0, now - ms(since)),
      },
    ];
  });
  open.sort((a, b) => b.runningMs - a.runningMs);
  const waiting = ports
    .map((p): WaitingPortFigure => ({ ...p, waitingMs: Math.max(0, now - ms(p.openedAt)) }))
    .sort((a, b) => b.waitingMs - a.waitingMs || a.portPr - b.portPr);
  return { asOf, open, ports: waiting, windows: windows.map((days) => windowFigures(rounds, days, now)), weekly: weeklyFigures(rounds, now) };
}

const duration = (value: number | null) => (value === null ? "–" : formatDuration(value));

export const BOARD_TITLE = "Hotfix board";
/** Finds the board issue again when the store lost its number. */
export const BOARD_MARKER = "<!-- hotfix-loop:board -->";

/** The "Ports still open" section, only while a port waits (a repository that never ports sees no empty section). */
function portLines(ports: readonly WaitingPortFigure[]): string[] {
  if (ports.length === 0) return [];
  return [
    "### Ports still open",
    "",
    "_A fix merged into one branch whose port to another is not merged yet: until it is, the next release from that branch brings the crash back._",
    "",
    "| Issue | Hotfix PR | Port PR | Onto | Open for | Since |",
    "|---|---|---|---|---|---|",
    ...ports.map((p) => {
      const issue = p.issueNumber === null ? `\`${p.signature}\`` : `#${p.issueNumber}`;
      const port = p.state === "closed" ? `#${p.portPr} (closed unmerged)` : `#${p.portPr}`;
      return `| ${issue} | #${p.originalPr} | ${port} | ${codeSpan(p.target, true)} | ${formatDuration(p.waitingMs)} | ${shownTime(p.openedAt)} |`;
    }),
    "",
  ];
}

/** The board issue's body: safe Markdown (everything in it is ours, numbers and fixed labels). */
export function renderBoard(figures: BoardFigures): string {
  const lines = [
    `_As of ${shownTime(figures.asOf)}; refreshed by hotfix-loop as the loop moves, at most once a minute._`,
    "",
    "### Open hotfixes",
    "",
  ];
  if (figures.open.length === 0) lines.push("None: every hotfix is verified.", "");
  else {
    lines.push("| Issue | Stage | Running for | Since |", "|---|---|---|---|");
    for (const h of figures.open) {
      const issue = h.issueNumber === null ? `\`${h.signature}\`` : `#${h.issueNumber}`;
      lines.push(
        `| ${issue}${h.round > 1 ? ` (round ${h.round})` : ""} | ${STAGE_LABELS[h.stage]} | ${formatDuration(h.runningMs)} | ${shownTime(h.since)} |`,
      );
    }
    lines.push("");
  }
  lines.push(...portLines(figures.ports));
  const header = figures.windows.map((w) => `Last ${w.days} days`);
  const row = (name: string, cells: string[]) => `| ${name} | ${cells.join(" | ")} |`;
  lines.push("### How fast fixes land", "", `| | ${header.join(" | ")} |`, `|---|${header.map(() => "---:").join("|")}|`);
  lines.push(
    row(
      "Hotfixes verified",
      figures.windows.map((w) => String(w.verified)),
    ),
  );
  lines.push(
    row(
      "Detection → verified, median",
      figures.windows.map((w) => duration(w.detectionToVerified.median)),
    ),
  );
  lines.push(
    row(
      "Detection → verified, p90",
      figures.windows.map((w) => duration(w.detectionToVerified.p90)),
    ),
  );
  figures.windows[0]?.stages.forEach((step, i) => {
    const cells = figures.windows.map((w) => {
      const s = w.stages[i]!;
      return s.count === 0 ? "–" : `${duration(s.median)} (p90 ${duration(s.p90)})`;
    });
    lines.push(row(`${STAGE_LABELS[step.from]} → ${STAGE_LABELS[step.to]}`, cells));
  });
  lines.push(
    row(
      "Fixes not verified the first time",
      figures.windows.map((w) => String(w.notVerifiedFirstTime)),
    ),
  );
  lines.push(
    row(
      "Regressions",
      figures.windows.map((w) => String(w.regressions)),
    ),
    "",
  );
  lines.push("### Weekly median time to verified", "");
  // A week without a verified hotfix has no median: it gets no bar, since a 0 would read as an instant fix.
  const weeks = figures.weekly.filter((w) => w.median !== null);
  if (weeks.length === 0) lines.push(`No hotfix verified in the last ${figures.weekly.length} weeks yet.`);
  else {
    const chart = barChart({
      title: "Median detection to verified (hours), by week",
      labels: weeks.map((w) => w.week.slice(5)),
      values: weeks.map((w) => w.median! / 3_600_000),
      yLabel: "hours",
    });
    const verified = weeks.reduce((n, w) => n + w.verified, 0);
    const left = figures.weekly.length - weeks.length;
    lines.push(
      mermaidBlock(chart),
      "",
      `_Bars: per week (labelled by its Monday, UTC), the median hours from first occurrence to verified of the hotfixes verified that week; ` +
        `from ${verified} verified ${verified === 1 ? "hotfix" : "hotfixes"} in the last ${figures.weekly.length} weeks.` +
        `${left > 0 ? ` The ${left} ${left === 1 ? "week" : "weeks"} without a verified hotfix ${left === 1 ? "has" : "have"} no bar.` : ""}_`,
    );
  }
  lines.push("", BOARD_MARKER);
  return lines.join("\n");
}
