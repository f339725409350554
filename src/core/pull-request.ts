import type { IssueMarker } from "./render.js";

/** The facts of a pull request the narrow-diff rules read, and the small parsers that produce them. */

export interface ChangedFile {
  path: string;
  /** Old path of a renamed file. */
  previousPath?: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  additions: number;
  deletions: number;
  /** First changed line of the new file, from the first hunk header; absent for binary files. */
  firstChangedLine?: number;
}

export interface IssueRef {
  owner: string;
  repo: string;
  number: number;
}

/** Who said the PR links an issue: GitHub (its `closingIssuesReferences`, sidebar links included) or our read of the text. */
export type LinkSource = "github" | "description";

export interface IssueLink {
  ref: IssueRef;
  /** Absent where only text was read (local check). */
  source?: LinkSource;
  /**
   * What GitHub said about the issue: undefined when it was not asked (local check),
   * null when there is no such issue (or it is a pull request).
   */
  issue?: { state: "open" | "closed"; marker: IssueMarker | null; labels?: string[] } | null;
}

export interface TestRun {
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  /** Last lines of stdout and stderr together. */
  outputTail: string;
  /** Why the command was not run at all (untrusted code with a write token); it then counts as failed. */
  refused?: string;
}

export interface PullRequestFacts {
  repo: { owner: string; repo: string };
  headRef: string;
  baseRef: string;
  labels: string[];
  links: IssueLink[];
  files: ChangedFile[];
  /** Files GitHub counts as changed; more than `files.length` when its listing stopped at the cap. */
  changedFiles: number;
  testRun?: TestRun;
}

/** GitHub's list of PR files stops here; larger PRs are only counted, not listed. */
export const PR_FILES_CAP = 3000;

/** More links than this in one PR body are not looked up: a hotfix links one issue. */
export const MAX_LINKS = 10;

const CLOSING_LINK =
  /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+(?:([\w.-]+)\/([\w.-]+)#(\d+)|#(\d+)|https?:\/\/[^\s/]+\/([\w.-]+)\/([\w.-]+)\/issues\/(\d+))/gi;

/**
 * The text of a PR body GitHub reads closing keywords in: HTML comments, fenced code, code spans and quoted
 * lines are shown (or hidden) but never link. Each is replaced by a space so words on either side stay apart.
 */
export function linkableText(body: string): string {
  return body
    .replace(/<!--[\s\S]*?(?:-->|$)/g, " ")
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\1[`~]*[ \t]*$|(?![\s\S]))/gm, " ")
    .replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, " ")
    .replace(/^ {0,3}>.*$/gm, " ");
}

/** Issues a PR body closes with GitHub's keywords (`Fixes #12`, `Closes owner/repo#12`, `Resolves <issue URL>`), outside code, comments and quotes. */
export function parseIssueLinks(body: string, repo: { owner: string; repo: string }): IssueRef[] {
  const refs: IssueRef[] = [];
  const seen = new Set<string>();
  for (const m of linkableText(body).matchAll(CLOSING_LINK)) {
    const owner = m[1] ?? m[5] ?? repo.owner;
    const name = m[2] ?? m[6] ?? repo.repo;
    const number = Number(m[3] ?? m[4] ?? m[7]);
    const key = `${owner}/${name}#${number}`.toLowerCase();
    if (!Number.isSafeInteger(number) || number < 1 || seen.has(key)) continue;
    seen.add(key);
    refs.push({ owner, repo: name, number });
    if (refs.length === MAX_LINKS) break;
  }
  return refs;
}

/** Whether two owner/name pairs are one repository: GitHub's names are case-insensitive. */
export const isSameRepo = (a: { owner: string; repo: string }, b: { owner: string; repo: string }): boolean =>
  a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();

export function formatIssueRef(ref: IssueRef, repo: { owner: string; repo: string }): string {
  return isSameRepo(ref, repo) ? `#${ref.number}` : `${ref.owner}/${ref.repo}#${ref.number}`;
}

/** An open issue carrying the App's marker. */
export const isHotfixIssue = (link: IssueLink) => link.issue?.state === "open" && link.issue.marker !== null;

/**
 * Why a linked issue counts as the crash's issue: the App's marker, or (for a team that runs the Action without the App)
 * one of `labels` on an open issue; null when it does not count.
 */
export function hotfixIssueKind(link: IssueLink, labels: string[]): HotfixIssueKind | null {
  return link.issue?.state === "open" ? hotfixKindOf(link.issue, labels) : null;
}

export type HotfixIssueKind = { kind: "marker" } | { kind: "label"; label: string };

/** The same, whatever the issue's state: a merged fix may have closed its issue (the fast lane still links it). */
export function hotfixKindOf(issue: { marker: unknown; labels?: string[] }, labels: string[]): HotfixIssueKind | null {
  if (issue.marker) return { kind: "marker" };
  const wanted = new Set(labels.map((l) => l.toLowerCase()));
  const label = issue.labels?.find((l) => wanted.has(l.toLowerCase()));
  return label ? { kind: "label", label } : null;
}

/** How a link was found, in the check's words. */
export const linkSourceText = (source: LinkSource | undefined) =>
  source === "github" ? "GitHub's closing references" : source === "description" ? "the PR description" : "the commit messages";

/**
 * A file moved or copied without a changed line (GitHub's `renamed`/`copied` with no additions or deletions) changes no
 * content at either path: it is no new test and touches no code of a stack.
 */
export const changesContent = (file: ChangedFile) =>
  !((file.status === "renamed" || file.status === "copied") && file.additions + file.deletions === 0);

/** Both paths of a renamed file: a rule about a path holds for where the file was and where it went. */
export const pathsOf = (file: ChangedFile) => (file.previousPath ? [file.path, file.previousPath] : [file.path]);

/** A unified-diff hunk's header: `@@ -old[,count] +new[,count] @@`. */
const HUNK_HEADER = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/** Line of the new file where the first hunk of a unified-diff patch changes something. */
export function firstChangedLine(patch: string): number | undefined {
  let newLine: number | undefined;
  // Line by line without splitting the patch: the answer is usually in its first lines, and a 3,000-file PR has 3,000 patches.
  for (let start = 0; start <= patch.length;) {
    const newline = patch.indexOf("\n", start);
    const end = newline === -1 ? patch.length : newline;
    const first = patch[start];
    const header = first === "@" ? HUNK_HEADER.exec(patch.slice(start, end)) : null;
    if (header) {
      // A pure deletion hunk (+c,0) names the line before the gap; annotate the line after it.
      newLine = Number(header[1]) + (header[2] === "0" ? 1 : 0);
    } else if (newLine !== undefined) {
      if (first === "+" || first === "-") return Math.max(newLine, 1);
      if (first === " ") newLine++;
    }
    start = end + 1;
  }
  return newLine === undefined ? undefined : Math.max(newLine, 1);
}
