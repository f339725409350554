import { describe, expect, it } from "vitest";
import { planSync, type GroupFacts, type StaysClosed, type SyncFacts, type SyncPlan } from "../../src/core/plan-sync.js";
import type { RegressionVerdict } from "../../src/core/regression.js";

// The cases are what app/issue-sync.ts did before the decision moved here (test/app/lifecycle, limits,
// regressions and clock drive the same cases end to end through the GitHub stand-in).

const RENDERED_AT = "2026-12-07T10:00:00.000Z";
const COMMITS_VERDICT: RegressionVerdict = {
  outcome: "missing",
  basis: "commits",
  release: "1.5.0",
  releaseRef: "v1.5.0",
  fix: { pr: 12, mergeCommit: "f1f1f1f1f1f1", commits: ["c0ffee00"], mergedAt: "2026-12-01T10:00:00.000Z" },
  behindBy: 2,
};

function facts(overrides: Omit<Partial<SyncFacts>, "group"> & { group?: Partial<GroupFacts> } = {}): SyncFacts {
  return {
    storedVerdict: null,
    clock: { lastStageId: 3, renderedStageId: 3 },
    release: "1.4.2",
    reopenOnRegression: true,
    refreshIntervalSeconds: 60,
    issue: { found: "recorded", number: 42 },
    ...overrides,
    group: { rolledUp: false, events: 5, renderedEvents: 5, renderedAt: RENDERED_AT, fixedIn: null, regressedIn: null, ...overrides.group },
  };
}

const closed = (fixedIn: string | null) => ({ found: "by-marker", number: 42, state: "closed", fixedIn }) as const;
/** The plans for a closed issue found by its marker: reopened by version order, or left closed with the store told of the close. */
const reopened = (release: string, fixedIn: string): SyncPlan => ({
  action: "reopen",
  issue: 42,
  verdict: { outcome: "back", basis: "version-order", release },
  fixedIn: null,
  why: { reason: "closed-issue-regressed", release, fixedIn },
});
const staysClosed = (fixedIn: string | null, why: StaysClosed): SyncPlan => ({
  action: "refresh",
  issue: 42,
  resolve: { fixedIn },
  why: { reason: "found-closed", fixedIn, staysClosed: why },
});
const missing = (granted: boolean, used: number, limit = 5) => ({ found: "missing", budget: { granted, used, limit } }) as const;

describe("planSync", () => {
  it.each<[string, SyncFacts, SyncPlan]>([
    // The store knows the issue.
    [
      "new alerts since the last write: refresh the counts",
      facts({ group: { events: 8 } }),
      { action: "refresh", issue: 42, resolve: null, why: { reason: "changed", newEvents: 3, clockMoved: false } },
    ],
    [
      "only the hotfix clock moved: refresh",
      facts({ clock: { lastStageId: 4, renderedStageId: 3 } }),
      { action: "refresh", issue: 42, resolve: null, why: { reason: "changed", newEvents: 0, clockMoved: true } },
    ],
    [
      "nothing new: nothing, saying when it was written and when an alert may refresh it",
      facts(),
      {
        action: "nothing",
        why: { reason: "up-to-date", events: 5, renderedAt: RENDERED_AT, earliestRefreshAt: "2026-12-07T10:01:00.000Z" },
      },
    ],
    [
      "nothing new and never written: nothing, no refresh time",
      facts({ group: { renderedAt: null } }),
      { action: "nothing", why: { reason: "up-to-date", events: 5, renderedAt: null, earliestRefreshAt: null } },
    ],
    [
      "closed, new alerts the worker judged no regression (an old build): refresh the counts, the issue stays closed",
      facts({ group: { events: 6, fixedIn: "1.4.0" } }),
      { action: "refresh", issue: 42, resolve: null, why: { reason: "changed", newEvents: 1, clockMoved: false } },
    ],
    [
      "a regression the worker judged by commits: reopen with its verdict and the store's fix version",
      facts({ group: { events: 6, fixedIn: "1.4.0", regressedIn: "1.5.0" }, storedVerdict: COMMITS_VERDICT }),
      { action: "reopen", issue: 42, verdict: COMMITS_VERDICT, fixedIn: "1.4.0", why: { reason: "judged-regression", release: "1.5.0" } },
    ],
    [
      "a regression without a stored verdict: reopen as back, by version order",
      facts({ group: { fixedIn: "1.4.0", regressedIn: "1.5.0" } }),
      {
        action: "reopen",
        issue: 42,
        verdict: { outcome: "back", basis: "version-order", release: "1.5.0" },
        fixedIn: "1.4.0",
        why: { reason: "judged-regression", release: "1.5.0" },
      },
    ],
    // No issue anywhere: the budget's claim decides.
    ["no issue, budget left: open", facts({ issue: missing(true, 3) }), { action: "open", why: { reason: "no-issue", used: 3, limit: 5 } }],
    [
      "no issue, the claim takes the budget's last issue: open",
      facts({ issue: missing(true, 5) }),
      { action: "open", why: { reason: "no-issue", used: 5, limit: 5 } },
    ],
    [
      "no issue, budget exactly spent: count it in the roll-up issue",
      facts({ issue: missing(false, 5) }),
      { action: "rollUp", issue: null, writeBody: true, why: { reason: "budget-spent", used: 5, limit: 5 } },
    ],
    [
      "no issue, budget of zero: roll up",
      facts({ issue: missing(false, 0, 0) }),
      { action: "rollUp", issue: null, writeBody: true, why: { reason: "budget-spent", used: 0, limit: 0 } },
    ],
    [
      "no issue, a regression flag notwithstanding: the budget still decides",
      facts({ issue: missing(false, 5), group: { regressedIn: "1.5.0" } }),
      { action: "rollUp", issue: null, writeBody: true, why: { reason: "budget-spent", used: 5, limit: 5 } },
    ],
    // Counted in the roll-up issue.
    [
      "rolled up, new alerts: rewrite the roll-up's rows",
      facts({ issue: { found: "recorded", number: 7 }, group: { rolledUp: true, events: 9 } }),
      { action: "rollUp", issue: 7, writeBody: true, why: { reason: "counted-before", events: 9, renderedEvents: 5 } },
    ],
    [
      "rolled up, nothing new: no write (the group is still marked rendered)",
      facts({ issue: { found: "recorded", number: 7 }, group: { rolledUp: true } }),
      { action: "rollUp", issue: 7, writeBody: false, why: { reason: "counted-before", events: 5, renderedEvents: 5 } },
    ],
    [
      "rolled up, the budget has room again (it is asked only for a crash without an issue): stays in the roll-up",
      facts({ issue: { found: "recorded", number: 7 }, group: { rolledUp: true, events: 6 }, clock: { lastStageId: 9, renderedStageId: 3 } }),
      { action: "rollUp", issue: 7, writeBody: true, why: { reason: "counted-before", events: 6, renderedEvents: 5 } },
    ],
    [
      "rolled up and judged a regression: stays in the roll-up, no reopen",
      facts({ issue: { found: "recorded", number: 7 }, group: { rolledUp: true, events: 6, regressedIn: "1.5.0" } }),
      { action: "rollUp", issue: 7, writeBody: true, why: { reason: "counted-before", events: 6, renderedEvents: 5 } },
    ],
    // The store forgot the issue; its marker found it.
    [
      "found open by its marker: rewrite it, even with nothing new since the store's last write",
      facts({ issue: { found: "by-marker", number: 42, state: "open" } }),
      { action: "refresh", issue: 42, resolve: null, why: { reason: "found-by-marker" } },
    ],
    [
      "found closed without a verified fix: it stays closed, the store learns the close, the body is refreshed",
      facts({ issue: closed(null) }),
      staysClosed(null, "no-verified-fix"),
    ],
    [
      "found closed, fixed in 1.4.0, crash in 1.4.2 (contains the fix): reopen, by version order",
      facts({ issue: closed("1.4.0") }),
      reopened("1.4.2", "1.4.0"),
    ],
    ["found closed, crash in the fix's own release: reopen", facts({ issue: closed("1.4.2"), release: "1.4.2" }), reopened("1.4.2", "1.4.2")],
    [
      "found closed, fixed in 1.4.0, crash in the older 1.3.9: no reopen",
      facts({ issue: closed("1.4.0"), release: "1.3.9" }),
      staysClosed("1.4.0", "fix-not-in-release"),
    ],
    [
      "found closed, crash in a release that is not a version: no reopen",
      facts({ issue: closed("1.4.0"), release: "octocat" }),
      staysClosed("1.4.0", "fix-not-in-release"),
    ],
    [
      "found closed, the crash names no release: no reopen",
      facts({ issue: closed("1.4.0"), release: undefined }),
      staysClosed("1.4.0", "no-release"),
    ],
    [
      "found closed, issues.reopenOnRegression off: no reopen",
      facts({ issue: closed("1.4.0"), reopenOnRegression: false }),
      staysClosed("1.4.0", "reopen-off"),
    ],
  ])("%s", (_, input, plan) => {
    expect(planSync(input)).toEqual(plan);
  });
});
