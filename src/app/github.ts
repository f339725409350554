import type { ProbotOctokit } from "probot";

/** How the App reaches GitHub: as itself (JWT) for installation look-ups, else as one installation. */
export interface GitHubAccess {
  asApp(): Promise<ProbotOctokit>;
  asInstallation(installationId: number): Promise<ProbotOctokit>;
}

export type Octokit = ProbotOctokit;
