import picomatch from "picomatch";
import type { HotfixConfig } from "../config.js";
import type { ChangedFile, PullRequestFacts } from "../pull-request.js";

/**
 * What a narrow-diff rule returns, as danger-js's violations: plain records with a level, a message
 * for people and a place when there is one. A rule is a function `(change, config) => findings`.
 */

export type FindingLevel = "fail" | "warn" | "message";

export interface Finding {
  level: FindingLevel;
  message: string;
  file?: string;
  line?: number;
}

export type NarrowDiffRule = (change: PullRequestFacts, config: HotfixConfig) => Finding[];

/** Where a finding about a changed file points: its first changed line when the patch shows one. */
export const placeOf = (file: ChangedFile) => ({ file: file.path, ...(file.firstChangedLine ? { line: file.firstChangedLine } : {}) });

/** A matcher of any of `globs` (dotfiles included); matches nothing when the list is empty. */
export const globMatcher = (globs: string[]): ((path: string) => boolean) => (globs.length ? picomatch(globs, { dot: true }) : () => false);

/** `a`, `b` and 3 more: a short list of code spans. */
export const codeList = (items: string[], max = 5) =>
  items
    .slice(0, max)
    .map((i) => `\`${i}\``)
    .join(", ") + (items.length > max ? ` and ${items.length - max} more` : "");
