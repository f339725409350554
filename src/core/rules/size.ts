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

/**
 * The size of each change already counted, per config: max files, max lines and the policy's totals all ask for it, and
 * each count runs the ignore globs over up to 3,000 paths. Facts and config are never changed once built.
 */
const counted = new WeakMap<PullRequestFacts, WeakMap<HotfixConfig, ChangeSize>>();

export function changeSize(change: PullRequestFacts, config: HotfixConfig): ChangeSize {
  const known = counted.get(change)?.get(config);
  if (known) return known;
  const size = countChange(change, config);
  counted.set(change, (counted.get(change) ?? new WeakMap()).set(config, size));
  return size;
}

function countChange(change: PullRequestFacts, config: HotfixConfig): ChangeSize {
  const ignored = globMatcher(config.rules.ignore);
  const kept = change.files.filter((f) => !pathsOf(f).every((p) => ignored(p)));
  const listedAll = change.files.length >= change.changedFiles;
  // Files GitHub did not list are counted as changed files that no ignore glob covers.
  const files = kept.length + (listedAll ? 0 : change.changedFiles - change.files.length);
  const lines = kept.reduce((sum, f) => sum + f.additions + f.deletions, 0);
  return { files, lines, listedAll };
}
