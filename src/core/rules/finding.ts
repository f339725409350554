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

// The texts every path a glob matches contains: its runs of plain characters between wildcards and slashes
// (`**/vendor/**` matches only paths containing `vendor`, `**/*.tf` only those containing `.tf`). [] when nothing is
// certain: a glob with braces, classes, extglobs, escapes or negation, or a `.` or `..` segment picomatch may drop.
function literalRuns(glob: string): string[] {
  if (/[[\]{}()!+@\\|]/.test(glob)) return [];
  const runs = glob.split(/[*?/]+/).filter((run) => run !== "");
  return runs.some((run) => run === "." || run === "..") ? [] : runs;
}

// A matcher of any of `globs` (dotfiles included); matches nothing when the list is empty. As with picomatch, a path
// equal to a glob matches even when its special characters would not, and the empty path matches nothing.
// A glob with plain text (`**/package.json`, `**/vendor/**`) is tried only on the paths that contain it; the others
// share one regular expression. One expression of all the globs took most of the policy's time over the 3,000 paths of
// the largest PR (picomatch's expressions for `**/` backtrack over the whole path), and picomatch's matcher of a list,
// each glob's own matcher in turn, was 3-8x slower still.
export function globMatcher(globs: string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const literal = new Set(globs);
  const compiled = globs.map((glob) => ({ runs: literalRuns(glob), source: picomatch.makeRe(glob, { dot: true }).source }));
  const open = compiled.filter((g) => g.runs.length === 0).map((g) => g.source);
  const any = open.length > 0 ? new RegExp(open.join("|")) : null;
  const gated = compiled.filter((g) => g.runs.length > 0).map((g) => ({ runs: g.runs, re: new RegExp(g.source) }));
  return (path) =>
    path !== "" &&
    (literal.has(path) || (any?.test(path) ?? false) || gated.some((g) => g.runs.every((run) => path.includes(run)) && g.re.test(path)));
}

export const codeList = (items: string[], max = 5) =>
  items
    .slice(0, max)
    .map((i) => `\`${i}\``)
    .join(", ") + (items.length > max ? ` and ${items.length - max} more` : "");
