import type { Logger } from "probot";
import type { HotfixConfig } from "../core/config.js";
import type { CrashReport } from "../core/crash.js";
import { repoPath } from "../core/render.js";
import { CODEOWNERS_PATHS, parseCodeowners, userOwnersOf, type CodeownersRule } from "./codeowners.js";
import { readRepoFile } from "../github/repo-file.js";
import { parseRepoName } from "../github/repo-name.js";
import type { Octokit } from "./github.js";
import { findSuspect } from "./suspect.js";

/**
 * Who a new hotfix issue is assigned to: `issues.assignees`, the CODEOWNERS owners of the crashing
 * in-app file (`issues.codeowners`), and the author of the crashing line (`issues.suspect: assign`).
 * Each is a courtesy: a failed read opens the issue without it.
 */

/** GitHub refuses more assignees than this on one issue. */
const MAX_ASSIGNEES = 10;

export type FoundSuspect = NonNullable<Awaited<ReturnType<typeof findSuspect>>>;

export interface Assignment {
  assignees: string[];
  /** The suspect commit, named in a comment on the new issue (`issues.suspect` on or assign). */
  suspect: FoundSuspect | null;
}

export class Assigner {
  private readonly codeowners = new Map<string, Promise<CodeownersRule[]>>();

  constructor(private readonly log: Logger) {}

  /** CODEOWNERS changed on the default branch. */
  forgetCodeowners(repo: string): void {
    this.codeowners.delete(repo);
  }

  /** Starts reading the owners, so a repository's first new issue waits on them and the issue listing at once. */
  prefetch(octokit: Octokit, repo: string, config: HotfixConfig): void {
    if (config.issues.codeowners) void this.codeownersOf(octokit, repo);
  }

  async assign(octokit: Octokit, repo: string, report: CrashReport, config: HotfixConfig): Promise<Assignment> {
    const suspect = config.issues.suspect === "off" ? null : await this.suspectOf(octokit, repo, report, config);
    const suspectLogin = config.issues.suspect === "assign" ? suspect?.suspect.login : undefined;
    const owners = await this.ownersOf(octokit, repo, report, config);
    const assignees = [...new Set([...owners, ...(suspectLogin ? [suspectLogin] : [])])].slice(0, MAX_ASSIGNEES);
    return { assignees, suspect };
  }

  private suspectOf(octokit: Octokit, repo: string, report: CrashReport, config: HotfixConfig): Promise<FoundSuspect | null> {
    return findSuspect(octokit, repo, report, config).catch((error: unknown) => {
      this.log.warn({ repo, err: error }, "no suspect commit: the blame look-up failed");
      return null;
    });
  }

  private async ownersOf(octokit: Octokit, repo: string, report: CrashReport, config: HotfixConfig): Promise<string[]> {
    const logins = config.issues.assignees.map((a) => a.replace(/^@/, "")).filter((a) => !a.includes("/"));
    if (config.issues.codeowners) {
      const crashing = report.frames.findLast((f) => f.in_app && f.file);
      const path = crashing ? repoPath(crashing, config.links) : null;
      if (path) logins.push(...userOwnersOf(await this.codeownersOf(octokit, repo), path));
    }
    return [...new Set(logins)].slice(0, MAX_ASSIGNEES);
  }

  /** CODEOWNERS is read once per repository (again after a push changes it). */
  private codeownersOf(octokit: Octokit, repo: string): Promise<CodeownersRule[]> {
    let rules = this.codeowners.get(repo);
    if (!rules) {
      rules = (async () => {
        // All three at once, the first in GitHub's order wins: a repository's first new issue waits on them.
        const texts = await Promise.all(CODEOWNERS_PATHS.map((path) => readRepoFile(octokit, { ...parseRepoName(repo), path })));
        const text = texts.find((t): t is string => t !== null);
        return text === undefined ? [] : parseCodeowners(text);
      })().catch((error: unknown) => {
        // Owners are a courtesy: the issue opens without them, and the next issue tries again.
        this.codeowners.delete(repo);
        this.log.warn({ repo, err: error }, "CODEOWNERS could not be read");
        return [];
      });
      this.codeowners.set(repo, rules);
    }
    return rules;
  }
}
