import type { components } from "@octokit/openapi-types";

/**
 * A small git history for the GitHub stand-in: commits with their parents and tags, enough
 * to answer compare as GitHub does (the status, ahead_by and behind_by of base...head, the
 * merge base, head's commits that base lacks, oldest first).
 */

type Schemas = components["schemas"];
type CommitAnswer = Pick<Schemas["commit"], "sha"> & { parents: Pick<Schemas["commit"]["parents"][number], "sha">[] };
/** The fields of GitHub's commit-comparison the stand-in fills in. */
export type ComparisonAnswer = Pick<Schemas["commit-comparison"], "status" | "ahead_by" | "behind_by" | "total_commits"> & {
  merge_base_commit: CommitAnswer;
  commits: CommitAnswer[];
};

export interface CommitGraph {
  /** Full SHA -> parents' full SHAs. */
  commits: Record<string, string[]>;
  /** Tag name -> full SHA. */
  tags?: Record<string, string>;
}

/** A tag, a full SHA, or an abbreviated one that names one commit only; null otherwise, as GitHub answers 404. */
export function resolveRef(graph: CommitGraph, ref: string): string | null {
  const tagged = graph.tags?.[ref];
  if (tagged) return tagged;
  if (!/^[0-9a-f]{4,40}$/i.test(ref)) return null;
  const matches = Object.keys(graph.commits).filter((sha) => sha.startsWith(ref.toLowerCase()));
  return matches.length === 1 ? matches[0]! : null;
}

function ancestors(graph: CommitGraph, sha: string): Set<string> {
  const seen = new Set<string>();
  const stack = [sha];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(graph.commits[next] ?? []));
  }
  return seen;
}

const answer = (graph: CommitGraph, sha: string): CommitAnswer => ({ sha, parents: (graph.commits[sha] ?? []).map((p) => ({ sha: p })) });

/** GitHub's compare of base...head; null when either ref is unknown or they share no history (GitHub's 404). */
export function compareRefs(graph: CommitGraph, base: string, head: string): ComparisonAnswer | null {
  const from = resolveRef(graph, base);
  const to = resolveRef(graph, head);
  if (from === null || to === null) return null;
  const baseSet = ancestors(graph, from);
  const headSet = ancestors(graph, to);
  const common = [...headSet].filter((sha) => baseSet.has(sha));
  if (common.length === 0) return null;
  const depth = (sha: string) => ancestors(graph, sha).size;
  // The best common ancestor: the one that has every other common ancestor in its history.
  const mergeBase = common.reduce((best, sha) => (depth(sha) > depth(best) ? sha : best));
  const aheadCommits = [...headSet].filter((sha) => !baseSet.has(sha)).sort((a, b) => depth(a) - depth(b));
  const behindBy = [...baseSet].filter((sha) => !headSet.has(sha)).length;
  const aheadBy = aheadCommits.length;
  const status = aheadBy === 0 ? (behindBy === 0 ? "identical" : "behind") : behindBy === 0 ? "ahead" : "diverged";
  return {
    status,
    ahead_by: aheadBy,
    behind_by: behindBy,
    total_commits: aheadBy,
    merge_base_commit: answer(graph, mergeBase),
    commits: aheadCommits.map((sha) => answer(graph, sha)),
  };
}
