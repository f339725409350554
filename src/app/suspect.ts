import type { HotfixConfig } from "../core/config.js";
import { type CrashReport, crashingStack } from "../core/crash.js";
import { linkRef, repoPath } from "../core/links.js";
import { BLAME_QUERY, type SuspectCommit, suspectFrom } from "../core/suspect.js";
import { parseRepoName } from "../github/repo-name.js";
import type { Octokit } from "./github.js";

/**
 * Asks GitHub once (GraphQL blame) who last changed the crashing in-app line at the crashing
 * release. No file, line or ref, or an answer without that line: no suspect.
 */
export async function findSuspect(
  octokit: Octokit,
  repo: string,
  report: CrashReport,
  config: HotfixConfig,
): Promise<{ suspect: SuspectCommit; path: string; line: number } | null> {
  const frame = crashingStack(report).findLast((f) => f.in_app && f.file);
  const path = frame ? repoPath(frame, config.links) : null;
  const ref = linkRef(undefined, report.commit, report.release, config.links);
  const line = frame?.line;
  if (!path || !ref || line === undefined || line <= 0) return null;
  const { owner, repo: name } = parseRepoName(repo);
  const answer = await octokit.graphql(BLAME_QUERY, { owner, name, ref, path });
  const suspect = suspectFrom(answer, line);
  return suspect ? { suspect, path, line } : null;
}
