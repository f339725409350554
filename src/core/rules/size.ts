import type { HotfixConfig } from "../config.js";
import { pathsOf, type PullRequestFacts } from "../pull-request.js";
import { globMatcher } from "./finding.js";

/** How big the change is once the ignore globs leave out lockfiles, snapshots and generated code. */
export interface ChangeSize {
  files: number;
  lines: number;
  /** False when GitHub's listing stopped at its cap and some files were only counted. */
  listedAll: boolean;
}

export function changeSize(change: PullRequestFacts, config: HotfixConfig): ChangeSize {
  const ignored = globMatcher(config.rules.ignore);
  const counted = change.files.filter((f) => !pathsOf(f).every((p) => ignored(p)));
  const listedAll = change.files.length >= change.changedFiles;
  // Files GitHub did not list are counted as changed files that no ignore glob covers.
  const files = counted.length + (listedAll ? 0 : change.changedFiles - change.files.length);
  const lines = counted.reduce((sum, f) => sum + f.additions + f.deletions, 0);
  return { files, lines, listedAll };
}
