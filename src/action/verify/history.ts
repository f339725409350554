import * as core from "@actions/core";
import * as z from "zod";
import type { GitHub, Repo } from "../github.js";
import type { DeploymentUnderTest } from "./deployment.js";

/** What a deployment ships: the PRs merged since the previous successful deployment of the same environment. */

/** Earlier deployments looked at for the last successful one; each costs one statuses read. */
const MAX_PREVIOUS_DEPLOYMENTS = 10;
const MAX_PULL_PAGES = 5;

const DeploymentListItem = z.object({ id: z.number().int(), sha: z.string(), created_at: z.string() });
const DeploymentStatus = z.object({ state: z.string() });
const PullRequest = z.object({
  number: z.number().int(),
  body: z.string().nullable(),
  merged_at: z.string().nullable(),
  merge_commit_sha: z.string().nullable(),
  updated_at: z.string(),
});
export type PullRequest = z.infer<typeof PullRequest>;

/** The last deployment of the same environment, before this one, that reached `success`. */
async function previousDeployment(github: GitHub, repo: Repo, current: DeploymentUnderTest): Promise<{ sha: string; createdAt: string } | null> {
  if (!current.environment) return null;
  const { data } = await github.rest.repos.listDeployments({ ...repo, environment: current.environment, per_page: 100 });
  const deployments = z.array(DeploymentListItem).parse(data);
  const start = current.id === undefined ? 0 : deployments.findIndex((d) => d.id === current.id) + 1;
  const earlier = deployments
    .slice(start)
    .filter((d) => d.sha !== current.sha)
    .slice(0, MAX_PREVIOUS_DEPLOYMENTS);
  for (const deployment of earlier) {
    const { data: statuses } = await github.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: deployment.id, per_page: 100 });
    if (
      z
        .array(DeploymentStatus)
        .parse(statuses)
        .some((s) => s.state === "success")
    )
      return { sha: deployment.sha, createdAt: deployment.created_at };
  }
  return null;
}

/** PRs merged between the previous successful deployment and this one (or, without one, the PRs of the deployed commit). */
export async function shippedPullRequests(github: GitHub, repo: Repo, current: DeploymentUnderTest): Promise<PullRequest[]> {
  const previous = await previousDeployment(github, repo, current);
  if (!previous) {
    core.info(
      `No earlier successful deployment${current.environment ? ` of ${current.environment}` : ""}: looking at the PRs of ${current.sha.slice(0, 7)} only.`,
    );
    const { data } = await github.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: current.sha, per_page: 100 });
    return z
      .array(PullRequest)
      .parse(data)
      .filter((pr) => pr.merged_at !== null);
  }
  const commits = new Set<string>();
  for (let page = 1; page <= MAX_PULL_PAGES; page++) {
    const { data } = await github.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `${previous.sha}...${current.sha}`,
      per_page: 100,
      page,
    });
    for (const commit of data.commits) commits.add(commit.sha);
    if (data.commits.length < 100 || commits.size >= data.total_commits) break;
  }
  core.info(`${current.sha.slice(0, 7)} ships ${commits.size} commits since ${previous.sha.slice(0, 7)}.`);
  const shipped: PullRequest[] = [];
  // Closed PRs, most recently updated first; one merged in the window was updated after the previous deployment.
  for (let page = 1; page <= MAX_PULL_PAGES; page++) {
    const { data } = await github.rest.pulls.list({ ...repo, state: "closed", sort: "updated", direction: "desc", per_page: 100, page });
    const pulls = z.array(PullRequest).parse(data);
    shipped.push(...pulls.filter((pr) => pr.merged_at !== null && pr.merge_commit_sha !== null && commits.has(pr.merge_commit_sha)));
    if (pulls.length < 100 || pulls.some((pr) => pr.updated_at < previous.createdAt)) break;
  }
  return shipped;
}
