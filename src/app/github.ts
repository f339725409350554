import { RequestError } from "@octokit/request-error";
import type { ProbotOctokit } from "probot";

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
export async function readRepoFile(octokit: Octokit, repo: string, path: string): Promise<string | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({ ...splitRepo(repo), path });
    if (Array.isArray(data) || data.type !== "file" || typeof data.content !== "string") return null;
    return Buffer.from(data.content, "base64").toString("utf8");
  } catch (error) {
    if (answered(error, 404)) return null;
    throw error;
  }
}
