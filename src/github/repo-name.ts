/**
 * A repository's "owner/name", as webhooks (`full_name`), GITHUB_REPOSITORY, the store and the
 * configuration write it, and the `{ owner, repo }` pair octokit's parameters take.
 */

/** A type, not an interface, so it passes where octokit's parameters (which have an index signature) are expected. */
export type RepoName = { owner: string; repo: string };

/** Owner and name: GitHub allows letters, digits, `-`, `_` and `.` (owners only letters, digits and `-`, but we do not police that). */
const OWNER_NAME = /^([\w.-]+)\/([\w.-]+)$/;

/** The pair in "owner/name"; throws naming what was got when it is not one, so a wrong value is found where it came in. */
export function parseRepoName(fullName: string, source = "repository"): RepoName {
  const match = OWNER_NAME.exec(fullName);
  if (!match) throw new Error(`${source} must be "owner/name", got ${JSON.stringify(fullName)}`);
  return { owner: match[1]!, repo: match[2]! };
}

/** Whether `text` is an "owner/name". */
export const isRepoName = (text: string): boolean => OWNER_NAME.test(text);

export const formatRepoName = (name: RepoName): string => `${name.owner}/${name.repo}`;
