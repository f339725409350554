import * as z from "zod";
import { parseIssueLinks } from "../../core/policy.js";
import { formatRepoName, parseRepoName } from "../../github/repo-name.js";
import type { Octokit } from "../github.js";
import { repoKey } from "../routing.js";
import type { WebhookDeps } from "./handler.js";

/** Which crash groups a fix pull request is for: the issues it closes, linked in the store (pull_request and check_run). */

type LinkDeps = Pick<WebhookDeps, "store" | "log">;

const CLOSING_REFERENCES = `query ($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) { closingIssuesReferences(first: 10) { nodes { number repository { nameWithOwner } } } }
  }
}`;

const ClosingReferences = z.object({
  repository: z
    .object({
      pullRequest: z
        .object({
          closingIssuesReferences: z.object({
            nodes: z.array(z.object({ number: z.number().int().positive(), repository: z.object({ nameWithOwner: z.string() }) })),
          }),
        })
        .nullable(),
    })
    .nullable(),
});

/** Issues of this repository a PR body closes (`Fixes #N`, `Closes owner/repo#N`…). */
export function bodyIssues(repo: string, body: string | null | undefined): number[] {
  return parseIssueLinks(body ?? "", parseRepoName(repo))
    .filter((link) => repoKey(formatRepoName(link)) === repo)
    .map((link) => link.number);
}

/** The issues GitHub itself says a PR closes (its "Development" links, which no webhook carries): one GraphQL query. */
export async function closingReferences(deps: LinkDeps, octokit: Octokit, repo: string, number: number): Promise<number[]> {
  try {
    const data = ClosingReferences.parse(await octokit.graphql(CLOSING_REFERENCES, { ...parseRepoName(repo), number }));
    const nodes = data.repository?.pullRequest?.closingIssuesReferences.nodes ?? [];
    return nodes.filter((n) => repoKey(n.repository.nameWithOwner) === repo).map((n) => n.number);
  } catch (error) {
    deps.log.warn({ err: error, repo, pr: number }, "hotfix clock: the pull request's closing references could not be read");
    return [];
  }
}

/** Links the PR to the crash groups of those issues; returns the groups. */
export async function linkPullRequest(deps: LinkDeps, repo: string, number: number, issues: number[]): Promise<number[]> {
  const ids: number[] = [];
  for (const issue of new Set(issues)) {
    const group = await deps.store.findGroupByIssue(repo, issue);
    if (!group) continue;
    await deps.store.clock.linkPullRequest(repo, number, group.id);
    ids.push(group.id);
  }
  return ids;
}

/** A check may come before its PR's "opened" (GitHub keeps no order): the PR is read once. */
export async function linkFromGitHub(deps: LinkDeps, octokit: Octokit, repo: string, number: number): Promise<number[]> {
  try {
    const { data } = await octokit.rest.pulls.get({ ...parseRepoName(repo), pull_number: number });
    const issues = bodyIssues(repo, data.body);
    return linkPullRequest(deps, repo, number, issues.length > 0 ? issues : await closingReferences(deps, octokit, repo, number));
  } catch (error) {
    deps.log.warn({ err: error, repo, pr: number }, "hotfix clock: the pull request could not be read");
    return [];
  }
}
