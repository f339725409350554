import * as z from "zod";
import { parseIssueLinks } from "../../core/policy.js";
import { isSameRepo } from "../../core/pull-request.js";
import { parseIssueMarker, type IssueMarker } from "../../core/render.js";
import { isNotFound } from "../../github/not-found.js";
import type { GitHub, Repo } from "../github.js";
import { InputError } from "../inputs.js";
import type { DeploymentUnderTest } from "./deployment.js";
import { shippedPullRequests } from "./history.js";
import type { VerifyInputs } from "./inputs.js";

/** The hotfix issues a deployment ships: issues with the App's marker linked by the shipped PRs (or the `issue` input). */

const IssueBody = z.object({ number: z.number().int(), body: z.string().nullable(), state: z.string(), pull_request: z.unknown().optional() });

export interface Hotfix {
  issue: number;
  marker: IssueMarker;
  pulls: number[];
}

async function readHotfixIssue(github: GitHub, repo: Repo, number: number): Promise<IssueMarker | null> {
  try {
    const { data } = await github.rest.issues.get({ ...repo, issue_number: number });
    const issue = IssueBody.parse(data);
    return issue.pull_request ? null : parseIssueMarker(issue.body ?? "");
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

export async function findHotfixes(github: GitHub, repo: Repo, inputs: VerifyInputs, current: DeploymentUnderTest): Promise<Hotfix[]> {
  if (inputs.issue !== undefined) {
    const marker = await readHotfixIssue(github, repo, inputs.issue);
    if (!marker) throw new InputError(`Input "issue": #${inputs.issue} is not a hotfix issue (it carries no hotfix-loop:crash marker)`);
    return [{ issue: inputs.issue, marker, pulls: [] }];
  }
  const byIssue = new Map<number, Hotfix>();
  for (const pr of await shippedPullRequests(github, repo, current)) {
    const links = parseIssueLinks(pr.body ?? "", repo).filter((ref) => isSameRepo(ref, repo));
    for (const { number } of links) {
      const known = byIssue.get(number);
      if (known) {
        known.pulls.push(pr.number);
        continue;
      }
      const marker = await readHotfixIssue(github, repo, number);
      if (marker) byIssue.set(number, { issue: number, marker, pulls: [pr.number] });
    }
  }
  return [...byIssue.values()];
}
