import type { RegressionVerdict } from "./regression.js";
import { isSameOrNewer } from "./version.js";

/**
 * What one sync of a crash group's hotfix issue does: open it, count the crash in the roll-up
 * issue, reopen it on a regression, refresh its body, or nothing. Pure: the App gathers what is
 * known (the store's group, where the issue was found, the store's budget claim) and executes
 * the plan; each plan says why as a record, for logs and tests, never as a sentence to parse.
 */

/** The group as the store has it. */
export interface GroupFacts {
  /** The crash is counted in the roll-up issue (the issue found is the roll-up). */
  rolledUp: boolean;
  events: number;
  /** Events the body was last written with. */
  renderedEvents: number;
  /** When the body was last written, ISO; null before the issue exists. */
  renderedAt: string | null;
  /** The fix's version the store recorded when the issue was closed. */
  fixedIn: string | null;
  /** The release the worker judged a regression in (app/regressions.ts); null when none waits to be reopened. */
  regressedIn: string | null;
}

/**
 * The new-issue budget (`issues.maxNewPerHour`) as the store's claim answered it: counting the hour's
 * issues and claiming one is one transaction, exact across replicas, and a group's retry keeps its claim,
 * so the claim, not a count read here, decides.
 */
export interface BudgetFacts {
  granted: boolean;
  /** New issues claimed in the repository this hour, this group's claim included when granted. */
  used: number;
  limit: number;
}

/**
 * Where the group's hotfix issue is: recorded in the store; found by the marker in its body (the store
 * was lost, or a run died between creating the issue and recording it); or nowhere, when the budget
 * was asked. A store that did not know the issue never saw it closed: `fixedIn` is the version of the
 * closed issue's latest trusted verification comment.
 */
export type IssueFacts =
  | { found: "recorded"; number: number }
  | { found: "by-marker"; number: number; state: "open" }
  | { found: "by-marker"; number: number; state: "closed"; fixedIn: string | null }
  | { found: "missing"; budget: BudgetFacts };

export interface SyncFacts {
  group: GroupFacts;
  issue: IssueFacts;
  /** The worker's stored verdict on `group.regressedIn`; null when it recorded none. */
  storedVerdict: RegressionVerdict | null;
  /** The hotfix clock's newest stage row and the one the body shows. */
  clock: { lastStageId: number; renderedStageId: number };
  /** The crashing release, trimmed, from the completed report. */
  release: string | undefined;
  /** `issues.reopenOnRegression` */
  reopenOnRegression: boolean;
  /** `issues.refreshIntervalSeconds` */
  refreshIntervalSeconds: number;
}

/** Why a closed issue found by its marker stays closed. */
/** `fix-not-in-release`: by version order, the release is not the fix's version or later (a name that is not a version never is). */
export type StaysClosed = "reopen-off" | "no-verified-fix" | "no-release" | "fix-not-in-release";

export type OpenWhy = { reason: "no-issue"; used: number; limit: number };
export type RollUpWhy =
  { reason: "budget-spent"; used: number; limit: number } | { reason: "counted-before"; events: number; renderedEvents: number };
export type ReopenWhy =
  /** The worker judged the release (its verdict's basis says how). */
  | { reason: "judged-regression"; release: string }
  /** The store forgot the close; the closed issue's verified fix is in a version at or before the crash's release. */
  | { reason: "closed-issue-regressed"; release: string; fixedIn: string };
export type RefreshWhy =
  | { reason: "found-by-marker" }
  | { reason: "found-closed"; fixedIn: string | null; staysClosed: StaysClosed }
  | { reason: "changed"; newEvents: number; clockMoved: boolean };
export type NothingWhy = { reason: "up-to-date"; events: number; renderedAt: string | null; earliestRefreshAt: string | null };

export type SyncPlan =
  | { action: "open"; why: OpenWhy }
  /** `issue`: the roll-up issue the crash is counted in already, null when it is counted now for the first time. */
  | { action: "rollUp"; issue: number | null; writeBody: boolean; why: RollUpWhy }
  /** `fixedIn`: the store's fix version, named in the reopening comment. */
  | { action: "reopen"; issue: number; verdict: RegressionVerdict; fixedIn: string | null; why: ReopenWhy }
  /** `resolve`: the store learns the issue is closed (it stays closed), fixed in `fixedIn` when known. */
  | { action: "refresh"; issue: number; resolve: { fixedIn: string | null } | null; why: RefreshWhy }
  | { action: "nothing"; why: NothingWhy };

/** Whether a crash in `release` reopens a closed issue whose verified fix shipped in `fixedIn`: by version order, the store having judged nothing. */
function staysClosed(fixedIn: string | null, release: string | undefined, reopenOnRegression: boolean): StaysClosed | null {
  if (!reopenOnRegression) return "reopen-off";
  if (!fixedIn) return "no-verified-fix";
  if (!release) return "no-release";
  return isSameOrNewer(release, fixedIn) ? null : "fix-not-in-release";
}

export function planSync(facts: SyncFacts): SyncPlan {
  const { group, issue } = facts;
  if (issue.found === "missing") {
    const { granted, used, limit } = issue.budget;
    return granted
      ? { action: "open", why: { reason: "no-issue", used, limit } }
      : { action: "rollUp", issue: null, writeBody: true, why: { reason: "budget-spent", used, limit } };
  }
  const { events, renderedEvents } = group;
  // Counted in the roll-up once, counted there for good: budget that came back later opens no issue of its own.
  if (group.rolledUp)
    return { action: "rollUp", issue: issue.number, writeBody: events !== renderedEvents, why: { reason: "counted-before", events, renderedEvents } };
  if (issue.found === "by-marker" && issue.state === "closed") {
    const stays = staysClosed(issue.fixedIn, facts.release, facts.reopenOnRegression);
    if (stays === null) {
      const release = facts.release!;
      return {
        action: "reopen",
        issue: issue.number,
        verdict: { outcome: "back", basis: "version-order", release },
        fixedIn: group.fixedIn,
        why: { reason: "closed-issue-regressed", release, fixedIn: issue.fixedIn! },
      };
    }
    return {
      action: "refresh",
      issue: issue.number,
      resolve: { fixedIn: issue.fixedIn },
      why: { reason: "found-closed", fixedIn: issue.fixedIn, staysClosed: stays },
    };
  }
  if (group.regressedIn !== null) {
    const release = group.regressedIn;
    // A verdict the store lacks is judged as a reopen by version order, as the worker would have without commits.
    const verdict = facts.storedVerdict ?? { outcome: "back", basis: "version-order", release };
    return { action: "reopen", issue: issue.number, verdict, fixedIn: group.fixedIn, why: { reason: "judged-regression", release } };
  }
  if (issue.found === "by-marker") return { action: "refresh", issue: issue.number, resolve: null, why: { reason: "found-by-marker" } };
  const clockMoved = facts.clock.lastStageId > facts.clock.renderedStageId;
  if (events === renderedEvents && !clockMoved) {
    const earliestRefreshAt =
      group.renderedAt === null ? null : new Date(Date.parse(group.renderedAt) + facts.refreshIntervalSeconds * 1000).toISOString();
    return { action: "nothing", why: { reason: "up-to-date", events, renderedAt: group.renderedAt, earliestRefreshAt } };
  }
  return { action: "refresh", issue: issue.number, resolve: null, why: { reason: "changed", newEvents: events - renderedEvents, clockMoved } };
}
