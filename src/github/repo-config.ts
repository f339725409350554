import { extendsOf, type ConfigSource } from "../core/config-yaml.js";
import type { RepoPath } from "./repo-file.js";

/**
 * Which files make up a repository's `.github/hotfix.yml`, as Probot's `context.config` finds them
 * (@probot/octokit-plugin-config): the repository's own file, else its organisation's `.github`
 * repository's; then every file named by `_extends` (`repo`, `owner/repo` or `owner/repo:path`),
 * in turn. Highest priority first; core/config.ts merges and validates them.
 */

export type ReadFile = (at: RepoPath) => Promise<string | null>;

/** The org-wide defaults live here, as for every Probot app. */
export const ORG_CONFIG_REPO = ".github";

/** Probot's syntax of `_extends`. */
const EXTENDS = /^(?:([a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})\/)?([-_.\w]+)(?::([-_./\w]+\.ya?ml))?$/i;

/** `_extends` chains longer than this are refused, as a loop would be. */
const MAX_EXTENDS = 5;

const nameOf = (at: RepoPath) => `${at.owner}/${at.repo}:${at.path}`;

/** The files found, and why the `_extends` chain stopped early when it did (the files before it still count). */
export interface FoundConfig {
  sources: ConfigSource[];
  extendsProblem?: string;
}

export async function configSources(
  read: ReadFile,
  at: RepoPath,
  /** Files already read (the Action reads both in its first GraphQL request); undefined means read them here. */
  known: { own?: string | null; org?: string | null } = {},
): Promise<FoundConfig> {
  const own = known.own !== undefined ? known.own : await read(at);
  let current: RepoPath = at;
  let text = own;
  if (text === null && at.repo !== ORG_CONFIG_REPO) {
    current = { owner: at.owner, repo: ORG_CONFIG_REPO, path: at.path };
    text = known.org !== undefined ? known.org : await read(current);
  }
  const sources: ConfigSource[] = [];
  const seen = new Set<string>();
  while (text !== null) {
    sources.push({ name: nameOf(current), text });
    seen.add(nameOf(current).toLowerCase());
    const target = extendsOf(text);
    if (target === null) break;
    const m = EXTENDS.exec(target);
    if (!m)
      return {
        sources,
        extendsProblem: `_extends in ${nameOf(current)}: expected \`repo\`, \`owner/repo\` or \`owner/repo:path.yml\`; found ${JSON.stringify(target)}`,
      };
    const next: RepoPath = { owner: m[1] ?? at.owner, repo: m[2] ?? "", path: m[3] ?? at.path };
    if (seen.has(nameOf(next).toLowerCase()) || sources.length > MAX_EXTENDS) {
      const why = seen.has(nameOf(next).toLowerCase()) ? "was already read (a loop)" : `is more than ${MAX_EXTENDS} files deep`;
      return { sources, extendsProblem: `_extends in ${nameOf(current)}: ${nameOf(next)} ${why}` };
    }
    const extended = await read(next);
    if (extended === null)
      return { sources, extendsProblem: `_extends in ${nameOf(current)}: ${nameOf(next)} does not exist or cannot be read with this token` };
    current = next;
    text = extended;
  }
  return { sources };
}
