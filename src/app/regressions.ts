import type { Logger } from "probot";
import type { HotfixConfig } from "../core/config.js";
import type { CrashReport } from "../core/crash.js";
import { Comparison, judgeRegression, releaseRef, type Fix } from "../core/regression.js";
import type { CrashGroup, Store } from "../store/store.js";
import { answered } from "../github/not-found.js";
import { parseRepoName } from "../github/repo-name.js";
import type { Octokit } from "./github.js";

/**
 * The outbox worker's half of the regression decision (ingest only marks candidates, so its
 * acknowledgement never waits on GitHub): each release a closed crash came back in is resolved
 * to a commit, compared with every recorded fix of the crash, and judged once (core/regression.ts).
 */

export interface RegressionDeps {
  store: Store;
  log: Logger;
}

/** GitHub's compare of base...head, from the store when asked before; null when GitHub knows no such commit or tag. */
async function compare(deps: RegressionDeps, octokit: Octokit, repo: string, base: string, head: string): Promise<Comparison | null> {
  const cached = await deps.store.fixes.comparison(repo, base, head);
  if (cached) return cached;
  try {
    // One commit per page: only the counts and the status are read.
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...parseRepoName(repo), basehead: `${base}...${head}`, per_page: 1 });
    const answer = Comparison.parse({ status: data.status, aheadBy: data.ahead_by, behindBy: data.behind_by });
    await deps.store.fixes.putComparison(repo, base, head, answer);
    return answer;
  } catch (error) {
    // An unknown ref (a tag never pushed, a SHA from another repository) or no common history: no commit found.
    if (answered(error, 404) || answered(error, 422)) return null;
    throw error;
  }
}

/** Judges the group's candidate releases in the order they came (`report`: the group's latest, completed); true when one reopened the group. */
export async function judgeRegressions(
  deps: RegressionDeps,
  octokit: Octokit,
  group: CrashGroup,
  report: CrashReport,
  config: HotfixConfig,
): Promise<boolean> {
  const candidates = await deps.store.fixes.candidates(group.id);
  if (candidates.length === 0) return false;
  const fixes = await deps.store.fixes.fixesOf(group.id);
  for (const candidate of candidates) {
    const ref = releaseRef(candidate.version, report, config.links);
    const answers: { fix: Fix; comparison: Comparison }[] = [];
    if (ref !== null)
      for (const fix of fixes) {
        const comparison = await compare(deps, octokit, group.repo, fix.mergeCommit, ref);
        if (comparison) answers.push({ fix, comparison });
      }
    const verdict = judgeRegression({ ...candidate, release: candidate.version, releaseRef: ref, answers, fixedIn: group.fixedIn });
    const reopened = await deps.store.fixes.judge(group.id, verdict);
    deps.log.info(
      { repo: group.repo, issue: group.issueNumber, release: candidate.version, outcome: verdict.outcome, basis: verdict.basis },
      "a closed crash came back: judged",
    );
    // The rest wait for the next close: the issue is open, and they would not change what it says.
    if (reopened) return true;
  }
  return false;
}
