import picomatch from "picomatch";
import type { HotfixConfig } from "./config.js";
import type { IssueMarker } from "./render.js";

/**
 * Narrow-diff rules for hotfix PRs: the facts of a pull request in, a verdict out.
 * Messages follow danger-js: a level, the rule, a reason for people, and a place when there is one.
 */

export type MessageLevel = "fail" | "warn" | "message";
export type RuleName =
  | "hotfix"
  | "maxFiles"
  | "maxLines"
  | "forbiddenPaths"
  | "dependencies"
  | "regressionTest"
  | "linkedIssue"
  | "touchesStack"
  | "baseBranch"
  | "testCommand";

export interface PolicyMessage {
  level: MessageLevel;
  rule: RuleName;
  reason: string;
  file?: string;
  line?: number;
}

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

export type Verdict = "pass" | "warn" | "fail";

export interface PolicyResult {
  verdict: Verdict;
  messages: PolicyMessage[];
  /** Changed files and lines after the ignore globs. */
  files: number;
  lines: number;
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

const isHotfixIssue = (link: IssueLink) => link.issue?.state === "open" && link.issue.marker !== null;

/** Why the PR is a hotfix PR (branch, label or linked hotfix issue); empty when it is not one. */
export function hotfixReasons(
  pr: Pick<PullRequestFacts, "repo" | "headRef" | "labels" | "links">,
  hotfix: HotfixConfig["hotfix"],
): string[] {
  const reasons: string[] = [];
  const branchGlob = hotfix.branches.find((glob) => picomatch(glob)(pr.headRef));
  if (branchGlob) reasons.push(`branch \`${pr.headRef}\` matches \`${branchGlob}\``);
  const wanted = new Set(hotfix.labels.map((l) => l.toLowerCase()));
  const label = pr.labels.find((l) => wanted.has(l.toLowerCase()));
  if (label) reasons.push(`label \`${label}\``);
  const issue = hotfix.linkedIssue ? pr.links.find(isHotfixIssue) : undefined;
  if (issue) reasons.push(`links hotfix issue ${formatIssueRef(issue.ref, pr.repo)}`);
  return reasons;
}

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

const matcher = (globs: string[]) => (globs.length ? picomatch(globs, { dot: true }) : () => false);

const paths = (file: ChangedFile) => (file.previousPath ? [file.path, file.previousPath] : [file.path]);

const list = (items: string[], max = 5) =>
  items.slice(0, max).map((i) => `\`${i}\``).join(", ") + (items.length > max ? ` and ${items.length - max} more` : "");

/** Frame paths as the App writes them are repo-relative; tolerate a leading `./` or `/`. */
const repoRelative = (path: string) => path.replace(/^(?:\.\/|\/)+/, "");

export function evaluatePolicy(pr: PullRequestFacts, config: HotfixConfig): PolicyResult {
  const rules = config.rules;
  const messages: PolicyMessage[] = [];
  const add = (message: PolicyMessage) => messages.push(message);
  const place = (file: ChangedFile) => ({ file: file.path, ...(file.firstChangedLine ? { line: file.firstChangedLine } : {}) });

  const ignored = matcher(rules.ignore);
  const counted = pr.files.filter((f) => !paths(f).every((p) => ignored(p)));
  const listedAll = pr.files.length >= pr.changedFiles;
  // Files GitHub did not list are counted as changed files that no ignore glob covers.
  const files = counted.length + (listedAll ? 0 : pr.changedFiles - pr.files.length);
  const lines = counted.reduce((sum, f) => sum + f.additions + f.deletions, 0);

  if (rules.maxFiles.enabled && files > rules.maxFiles.limit) {
    const beyond = listedAll ? "" : ` (GitHub lists only the first ${PR_FILES_CAP.toLocaleString("en-US")})`;
    add({ level: rules.maxFiles.level, rule: "maxFiles", reason: `${files} files changed${beyond}; a hotfix changes at most ${rules.maxFiles.limit}` });
  }
  if (rules.maxLines.enabled && lines > rules.maxLines.limit) {
    const atLeast = listedAll ? "" : "at least ";
    add({ level: rules.maxLines.level, rule: "maxLines", reason: `${atLeast}${lines} lines changed; a hotfix changes at most ${rules.maxLines.limit}` });
  }

  if (rules.forbiddenPaths.enabled) {
    const forbidden = picomatch(rules.forbiddenPaths.paths, { dot: true });
    for (const file of pr.files) {
      const hit = paths(file).find((p) => forbidden(p));
      if (hit) add({ level: rules.forbiddenPaths.level, rule: "forbiddenPaths", reason: `\`${hit}\` is a path a hotfix must not change`, ...place(file) });
    }
  }

  if (rules.dependencies.enabled) {
    const manifest = matcher(rules.dependencies.manifests);
    for (const file of pr.files) {
      if (paths(file).some((p) => manifest(p))) {
        add({ level: rules.dependencies.level, rule: "dependencies", reason: `dependency manifest or lockfile \`${file.path}\` ${file.status}; ship dependency changes outside the hotfix`, ...place(file) });
      }
    }
  }

  if (rules.regressionTest.enabled) {
    const isTest = matcher(rules.regressionTest.paths);
    if (!pr.files.some((f) => f.status !== "removed" && isTest(f.path))) {
      add({ level: rules.regressionTest.level, rule: "regressionTest", reason: "no regression test added or changed: add a test that reproduces the crash" });
    }
  }

  const hotfixIssues = pr.links.filter(isHotfixIssue);
  if (rules.linkedIssue.enabled && hotfixIssues.length === 0) {
    const unchecked = pr.links.filter((l) => l.issue === undefined);
    if (unchecked.length > 0) {
      add({ level: "message", rule: "linkedIssue", reason: `links ${unchecked.map((l) => formatIssueRef(l.ref, pr.repo)).join(", ")}; not checked against GitHub here` });
    } else if (pr.links.length === 0) {
      add({ level: rules.linkedIssue.level, rule: "linkedIssue", reason: "links no hotfix issue: add `Fixes #N` naming the crash's issue to the PR description" });
    } else {
      const why = pr.links.map((l) => {
        const ref = formatIssueRef(l.ref, pr.repo);
        if (!l.issue) return `${ref} is not an issue here`;
        if (l.issue.state === "closed") return `${ref} is closed`;
        return `${ref} is not a hotfix issue (no hotfix-loop marker)`;
      });
      add({ level: rules.linkedIssue.level, rule: "linkedIssue", reason: `links no open hotfix issue: ${why.join("; ")}` });
    }
  }

  if (rules.touchesStack.enabled && hotfixIssues.length > 0) {
    const frames = [...new Set(hotfixIssues.flatMap((l) => l.issue?.marker?.frames ?? []).map(repoRelative))];
    const changed = new Set(pr.files.flatMap(paths));
    if (frames.length === 0) {
      add({ level: "message", rule: "touchesStack", reason: "the hotfix issue names no in-app stack frames to compare with" });
    } else if (!frames.some((f) => changed.has(f))) {
      add({ level: rules.touchesStack.level, rule: "touchesStack", reason: `the fix may miss the crash: it changes none of the crash's in-app stack files (${list(frames)})` });
    }
  }

  if (rules.baseBranch.enabled && !rules.baseBranch.branches.some((glob) => picomatch(glob)(pr.baseRef))) {
    add({ level: rules.baseBranch.level, rule: "baseBranch", reason: `base branch \`${pr.baseRef}\` is not one a hotfix may target (${list(rules.baseBranch.branches)})` });
  }

  if (pr.testRun) {
    const run = pr.testRun;
    if (run.timedOut) add({ level: "fail", rule: "testCommand", reason: `\`${run.command}\` did not finish in time` });
    else if (run.exitCode !== 0) add({ level: "fail", rule: "testCommand", reason: `\`${run.command}\` failed with exit code ${run.exitCode ?? "(killed)"}` });
  }

  const verdict: Verdict = messages.some((m) => m.level === "fail") ? "fail" : messages.some((m) => m.level === "warn") ? "warn" : "pass";
  return { verdict, messages, files, lines };
}

/** Thresholds the Action's inputs or the CLI's flags set over the config file. */
export function withLimits(config: HotfixConfig, limits: { maxFiles?: number; maxLines?: number }): HotfixConfig {
  const rules = config.rules;
  return {
    ...config,
    rules: {
      ...rules,
      maxFiles: limits.maxFiles === undefined ? rules.maxFiles : { ...rules.maxFiles, limit: limits.maxFiles },
      maxLines: limits.maxLines === undefined ? rules.maxLines : { ...rules.maxLines, limit: limits.maxLines },
    },
  };
}
