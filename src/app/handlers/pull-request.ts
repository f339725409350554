import * as z from "zod";
import { parseRepoName } from "../../github/repo-name.js";
import type { Octokit } from "../github.js";
import { repoKey } from "../routing.js";
import { recordStage } from "./clock-stage.js";
import { bodyIssues, closingReferences, linkPullRequest } from "./fix-links.js";
import { readPayload, Repository, Timestamp, type WebhookDeps, type WebhookHandler } from "./handler.js";
import { recordPortEvent } from "./ports.js";

/**
 * A fix pull request opened and merged: the hotfix clock's "fix-pr-opened" and "merged", and the fix's commits for
 * regressions; a port PR of a merged hotfix opened, closed or merged: the board's open ports and the clock's "ported".
 */

const Branch = z.looseObject({ ref: z.string(), repo: z.looseObject({ full_name: z.string() }).nullish() });

export const PullRequestEvent = z.looseObject({
  action: z.string(),
  pull_request: z.looseObject({
    number: z.number().int().positive(),
    body: z.string().nullish(),
    created_at: Timestamp,
    merged_at: Timestamp.nullish(),
    /** The merge, squash or last rebased commit on the base branch (GitHub's test merge while open). */
    merge_commit_sha: z.string().nullish(),
    state: z.enum(["open", "closed"]).optional(),
    /** Absent from a trimmed payload: then no port is recognised, the rest works. */
    base: Branch.optional(),
    head: Branch.optional(),
  }),
  repository: Repository.extend({ default_branch: z.string().optional() }),
});

/** Actions after which a PR's closing references may have changed, or its merge is to be counted. */
const ASKING_ACTIONS = new Set(["opened", "reopened", "edited", "ready_for_review", "closed"]);

/** The merged fix's commits, what the regression decision compares releases with (regressions.ts). */
async function recordFix(
  deps: WebhookDeps,
  octokit: Octokit,
  repo: string,
  pr: { number: number; merge_commit_sha?: string | null | undefined },
  mergedAt: string,
) {
  if (!pr.merge_commit_sha) return;
  let commits: string[] = [];
  try {
    const listed = await octokit.paginate(octokit.rest.pulls.listCommits, { ...parseRepoName(repo), pull_number: pr.number, per_page: 100 });
    commits = listed.map((c) => c.sha);
  } catch (error) {
    // The merge commit alone still decides; only the list of commits to port is lost.
    deps.log.warn({ err: error, repo, pr: pr.number }, "hotfix clock: the pull request's commits could not be read");
  }
  await deps.store.fixes.recordFix(repo, { pr: pr.number, mergeCommit: pr.merge_commit_sha, commits, mergedAt });
}

export const onPullRequest: WebhookHandler = async (context, deps) => {
  const event = readPayload(PullRequestEvent, "pull_request", context.payload, deps.log);
  if (!event) return;
  const repo = repoKey(event.repository.full_name);
  const pr = event.pull_request;
  if (pr.base)
    await recordPortEvent(deps, {
      repo,
      defaultBranch: event.repository.default_branch,
      number: pr.number,
      body: pr.body ?? null,
      base: pr.base.ref,
      head: pr.head?.ref,
      fromThisRepo: pr.head?.repo ? repoKey(pr.head.repo.full_name) === repo : false,
      state: pr.state ?? (event.action === "closed" ? "closed" : "open"),
      createdAt: pr.created_at,
      mergedAt: pr.merged_at ?? null,
    });
  const known = await deps.store.clock.groupsOfPullRequest(repo, pr.number);
  let issues = bodyIssues(repo, pr.body);
  // GitHub's own closing references cost a query: asked only when the body names no issue, for a PR not yet linked.
  if (issues.length === 0 && known.length === 0 && ASKING_ACTIONS.has(event.action))
    issues = await closingReferences(deps, context.octokit, repo, pr.number);
  const groups = [...known, ...(await linkPullRequest(deps, repo, pr.number, issues))];
  if (groups.length === 0) return;
  await recordStage(deps, repo, groups, "fix-pr-opened", pr.created_at, { pr: pr.number });
  if (event.action !== "closed" || !pr.merged_at) return;
  await recordFix(deps, context.octokit, repo, pr, pr.merged_at);
  await recordStage(deps, repo, groups, "merged", pr.merged_at, { pr: pr.number });
};
