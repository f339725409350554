import * as z from "zod";
import { mermaidBlock } from "./charts.js";
import { codeSpan, neutralize } from "./markdown.js";
import { shownTime } from "./time.js";

/**
 * The hotfix clock: when each stage of the loop (detected → issue → fix PR → check passed →
 * merged → deployed → verified) was reached for one crash group, and how long each took.
 * A regression starts a new round in the same issue. Pure: times come in as ISO strings,
 * "now" is never read here.
 */

export const STAGES = [
  "first-occurrence",
  "issue-opened",
  "fix-pr-opened",
  "check-passed",
  "merged",
  "ported",
  "deployed",
  "verified",
  "not-verified",
] as const;
export const StageName = z.enum(STAGES);
export type StageName = z.infer<typeof StageName>;

/** Webhook text kept with a stage: cut, not refused, so an odd deployment still stops the clock. */
const DetailText = z.string().transform((text) => text.slice(0, 200));

/** What a stage row says beyond its time; every field is optional, and all of it came from a webhook (untrusted). */
export const StageDetail = z
  .object({
    pr: z.number().int().positive(),
    environment: DetailText,
    version: DetailText,
  })
  .partial();
export type StageDetail = z.infer<typeof StageDetail>;

export const StageTime = z.object({
  round: z.number().int().positive(),
  stage: StageName,
  /** ISO-8601. */
  at: z.iso.datetime({ offset: true }),
  detail: StageDetail,
});
export type StageTime = z.infer<typeof StageTime>;

export const STAGE_LABELS: Record<StageName, string> = {
  "first-occurrence": "First occurrence",
  "issue-opened": "Issue opened",
  "fix-pr-opened": "Fix PR opened",
  "check-passed": "Hotfix check passed",
  merged: "Merged",
  ported: "Ported",
  deployed: "Deployed",
  verified: "Verified",
  "not-verified": "Not verified",
};

/**
 * Stages beside the loop's chain, each timed from the stage it follows: the port of a fix merged into a release branch
 * (its port PR onto the default branch merged) runs beside the deployment, so it is neither the stage a deployment is
 * timed from nor a round's current stage.
 */
const SIDE_STAGES: Partial<Record<StageName, StageName>> = { ported: "merged" };

/** Rounds beyond this many (the latest ones) are not drawn: a crash that regressed this often needs a person, not a chart. */
const MAX_ROUNDS_SHOWN = 5;

export interface ClockStep {
  stage: StageName;
  at: string;
  detail: StageDetail;
  /** Milliseconds since the stage before it in this round; null for the first. */
  sincePrevious: number | null;
}

export interface ClockRound {
  round: number;
  steps: ClockStep[];
  /** First occurrence → verified, when both are known. */
  total: number | null;
  /** The stage reached last, in the loop's order. */
  current: StageName;
}

const ms = (iso: string) => Date.parse(iso);

/** Stage rows grouped into rounds, each in the loop's order (a stage recorded late still sits in its place). */
export function clockRounds(stages: readonly StageTime[]): ClockRound[] {
  const byRound = new Map<number, StageTime[]>();
  for (const s of stages) byRound.set(s.round, [...(byRound.get(s.round) ?? []), s]);
  return [...byRound.entries()]
    .sort(([a], [b]) => a - b)
    .map(([round, rows]) => {
      const ordered = [...rows].sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
      const chain = ordered.filter((s) => SIDE_STAGES[s.stage] === undefined);
      const steps = ordered.map((s): ClockStep => {
        const follows = SIDE_STAGES[s.stage];
        const previous = follows ? ordered.find((o) => o.stage === follows) : chain[chain.indexOf(s) - 1];
        return { stage: s.stage, at: s.at, detail: s.detail, sincePrevious: previous ? ms(s.at) - ms(previous.at) : null };
      });
      const start = ordered.find((s) => s.stage === "first-occurrence");
      const verified = ordered.find((s) => s.stage === "verified");
      return {
        round,
        steps,
        total: start && verified ? ms(verified.at) - ms(start.at) : null,
        current: chain.at(-1)?.stage ?? ordered.at(-1)?.stage ?? "first-occurrence",
      };
    });
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h"; a negative span (clocks of two systems) reads as "0 s". */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** Webhook text in a table cell: short, and neutralised (no mentions, links, HTML or Markdown). */
const plain = (text: string) => neutralize(text.trim().slice(0, 80));

function describeDetail(detail: StageDetail): string {
  const parts: string[] = [];
  if (detail.pr !== undefined) parts.push(`PR #${detail.pr}`);
  if (detail.environment) parts.push(plain(detail.environment));
  // A value people copy into the reporter's search: shown as sent, in a code span where nothing is linked.
  if (detail.version) parts.push(`version ${codeSpan(detail.version.trim().slice(0, 80), true)}`);
  return parts.join(", ");
}

/** Mermaid task names cannot carry ":", "#" or ";"; ours are fixed labels, so this only guards a future edit. */
const taskName = (label: string) => label.replace(/[:#;]/g, " ");

/**
 * A Mermaid `gantt` of the rounds: each stage a bar from the stage before it, the first
 * occurrence a milestone. Times are epoch milliseconds (`dateFormat x`), so no time zone or
 * locale can shift them.
 */
export function clockGantt(rounds: readonly ClockRound[]): string {
  const lines = ["gantt", "  title Hotfix clock", "  dateFormat x", "  axisFormat %m-%d %H:%M"];
  for (const round of rounds) {
    lines.push(`  section Round ${round.round}`);
    round.steps.forEach((step, i) => {
      const id = `r${round.round}s${i}`;
      const end = ms(step.at);
      const tag = step.stage === "not-verified" ? "crit" : "done";
      // Each bar starts at the stage it is timed from (the one before it, or for a side stage the one it follows).
      if (step.sincePrevious === null) lines.push(`  ${taskName(STAGE_LABELS[step.stage])} :milestone, ${id}, ${end}, 0ms`);
      else lines.push(`  ${taskName(STAGE_LABELS[step.stage])} :${tag}, ${id}, ${end - Math.max(0, step.sincePrevious)}, ${end}`);
    });
  }
  return lines.join("\n");
}

/** The round as a table; the column of details only when a stage has one. */
function roundTable(round: ClockRound): string[] {
  const details = round.steps.map((s) => describeDetail(s.detail));
  const withDetails = details.some(Boolean);
  const rows = round.steps.map(
    (s, i) =>
      `| ${STAGE_LABELS[s.stage]} | ${shownTime(s.at)} | ${s.sincePrevious === null ? "–" : formatDuration(s.sincePrevious)} |${withDetails ? ` ${details[i]} |` : ""}`,
  );
  return withDetails
    ? ["| Stage | When | Since previous | Details |", "|---|---|---|---|", ...rows]
    : ["| Stage | When | Since previous |", "|---|---|---|", ...rows];
}

function headline(round: ClockRound): string {
  if (round.total !== null) return `**Detection → verified: ${formatDuration(round.total)}**`;
  const start = round.steps.find((s) => s.stage === "first-occurrence");
  const since = start ? ` since ${shownTime(start.at)}` : "";
  return `**Not verified yet**: the clock is running${since}; last stage: ${STAGE_LABELS[round.current]}.`;
}

/** The "Hotfix clock" section of a hotfix issue, or "" before any stage is known. Safe Markdown. */
export function renderClock(stages: readonly StageTime[]): string {
  const rounds = clockRounds(stages);
  const latest = rounds[rounds.length - 1];
  if (!latest) return "";
  const shown = rounds.slice(-MAX_ROUNDS_SHOWN);
  const lines = ["### Hotfix clock", "", headline(latest)];
  if (rounds.length > 1) {
    const earlier = rounds.slice(0, -1).map((r) => `round ${r.round}: ${r.total === null ? "not verified" : formatDuration(r.total)}`);
    lines.push("", `Round ${latest.round}: this crash regressed after a fix (${earlier.join("; ")}).`);
  }
  // Bars that all have no length (every stage at one instant) would draw an empty chart.
  if (shown.some((r) => r.steps.some((step) => (step.sincePrevious ?? 0) > 0))) lines.push("", mermaidBlock(clockGantt(shown)));
  lines.push("");
  for (const round of [...shown].reverse()) {
    if (shown.length > 1) lines.push(`**Round ${round.round}**`, "");
    lines.push(...roundTable(round), "");
  }
  if (rounds.length > shown.length) lines.push(`_${rounds.length - shown.length} earlier rounds not shown._`, "");
  return lines.join("\n").trimEnd();
}

/** The stages with `stage` added to the current round at `at`, unless that round has it already (a write about to happen, shown in the body it writes). */
export function withStage(stages: readonly StageTime[], stage: StageName, at: string): StageTime[] {
  const round = Math.max(1, ...stages.map((s) => s.round));
  if (stages.some((s) => s.round === round && s.stage === stage)) return [...stages];
  return [...stages, { round, stage, at, detail: {} }];
}

/** A successful deployment at `at` ships the fix of this group's current round when that fix is merged by then and not yet deployed. */
export function awaitsDeployment(stages: readonly StageTime[], at: string): boolean {
  const round = clockRounds(stages).at(-1);
  const merged = round?.steps.find((s) => s.stage === "merged");
  return merged !== undefined && ms(merged.at) <= ms(at) && !round?.steps.some((s) => s.stage === "deployed");
}
