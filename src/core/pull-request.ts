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

export interface IssueLink {
  ref: IssueRef;
  /**
   * What GitHub said about the issue: undefined when it was not asked (local check),
   * null when there is no such issue (or it is a pull request).
   */
  issue?: { state: "open" | "closed"; marker: IssueMarker | null } | null;
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

/** Issues a PR body closes with GitHub's keywords (`Fixes #12`, `Closes owner/repo#12`, `Resolves <issue URL>`). */
export function parseIssueLinks(body: string, repo: { owner: string; repo: string }): IssueRef[] {
  const refs: IssueRef[] = [];
  const seen = new Set<string>();
  for (const m of body.matchAll(CLOSING_LINK)) {
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

export function formatIssueRef(ref: IssueRef, repo: { owner: string; repo: string }): string {
  const same = ref.owner.toLowerCase() === repo.owner.toLowerCase() && ref.repo.toLowerCase() === repo.repo.toLowerCase();
  return same ? `#${ref.number}` : `${ref.owner}/${ref.repo}#${ref.number}`;
}

/** An open issue carrying the App's marker. */
export const isHotfixIssue = (link: IssueLink) => link.issue?.state === "open" && link.issue.marker !== null;

/** Both paths of a renamed file: a rule about a path holds for where the file was and where it went. */
export const pathsOf = (file: ChangedFile) => (file.previousPath ? [file.path, file.previousPath] : [file.path]);

/** Line of the new file where the first hunk of a unified-diff patch changes something. */
export function firstChangedLine(patch: string): number | undefined {
  let newLine: number | undefined;
  for (const text of patch.split("\n")) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(text);
    if (header) {
      // A pure deletion hunk (+c,0) names the line before the gap; annotate the line after it.
      newLine = Number(header[1]) + (header[2] === "0" ? 1 : 0);
      continue;
    }
    if (newLine === undefined) continue;
    if (text.startsWith("+") || text.startsWith("-")) return Math.max(newLine, 1);
    if (text.startsWith(" ")) newLine++;
  }
  return newLine === undefined ? undefined : Math.max(newLine, 1);
}
