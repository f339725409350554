import { RequestError } from "@octokit/request-error";
import type { ProbotOctokit } from "probot";
import { readRepoFile as readFile } from "../github/repo-file.js";

/** How the App reaches GitHub: as itself (JWT) for installation look-ups, else as one installation. */
export interface GitHubAccess {
  asApp(): Promise<ProbotOctokit>;
  asInstallation(installationId: number): Promise<ProbotOctokit>;
}

export type Octokit = ProbotOctokit;

export function splitRepo(repo: string): { owner: string; repo: string } {
  const slash = repo.indexOf("/");
  return { owner: repo.slice(0, slash), repo: repo.slice(slash + 1) };
}

/** Whether GitHub answered the request with this status (octokit's RequestError); any other failure is not. */
export function answered(error: unknown, status: number): boolean {
  return error instanceof RequestError && error.status === status;
}

/** Text of a file on the default branch, or null when it does not exist. */
export const readRepoFile = (octokit: Octokit, repo: string, path: string): Promise<string | null> => readFile(octokit, { ...splitRepo(repo), path });
