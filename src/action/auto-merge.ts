import * as core from "@actions/core";
import type { HotfixConfig } from "../core/config.js";
import type { GitHub } from "./github.js";

/**
 * GitHub's auto-merge on a hotfix PR whose narrow-diff check passed (fastLane.autoMerge): the PR merges the moment the
 * branch protection's required reviews and checks are green, with no one waiting to press the button. The check decides
 * when to ask (never after a failing or neutral verdict, never for a fork); this file only asks.
 */

const ENABLE_AUTO_MERGE = `mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
  enablePullRequestAutoMerge(input: { pullRequestId: $pullRequestId, mergeMethod: $mergeMethod }) {
    pullRequest { autoMergeRequest { enabledAt mergeMethod } }
  }
}`;

const METHOD = { merge: "MERGE", squash: "SQUASH", rebase: "REBASE" } as const;

/**
 * Enables auto-merge; a refusal (auto-merge not allowed in the repository's settings, a PR already mergeable or with no
 * required checks to wait for, a token without `contents: write`) is a warning with GitHub's words, never a failed check:
 * the verdict stands, only the merge waits for a person.
 */
export async function enableAutoMerge(
  github: GitHub,
  args: { pullRequestId: string; number: number; method: Exclude<HotfixConfig["fastLane"]["autoMerge"], false> },
): Promise<boolean> {
  try {
    await github.graphql(ENABLE_AUTO_MERGE, { pullRequestId: args.pullRequestId, mergeMethod: METHOD[args.method] });
    core.info(`Auto-merge (${args.method}) enabled on #${args.number}: it merges once required reviews and checks pass.`);
    return true;
  } catch (error) {
    // A GraphQL refusal carries GitHub's own sentences in `errors`; octokit's message wraps them in its own.
    const said = (error as { errors?: { message?: string }[] }).errors?.map((e) => e.message).filter(Boolean);
    const why = said?.length ? said.join("; ") : error instanceof Error ? error.message : String(error);
    core.warning(`Could not enable auto-merge on #${args.number}: ${why}`);
    return false;
  }
}
