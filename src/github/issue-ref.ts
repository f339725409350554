import type { IssueRef } from "../core/pull-request.js";
import { parseRepoName } from "./repo-name.js";

/**
 * An issue (or pull request) of a repository. The type lives in core, which parses issue links;
 * here it meets octokit, whose parameters name the number `issue_number`.
 */
export type { IssueRef };

export const issueRef = (fullName: string, number: number): IssueRef => ({ ...parseRepoName(fullName), number });

/** octokit's parameters for the issue's endpoints. */
export const issueParams = (ref: IssueRef) => ({ owner: ref.owner, repo: ref.repo, issue_number: ref.number });
