import type { HotfixConfig } from "./config.js";
import type { PullRequestFacts } from "./pull-request.js";
import { baseBranch } from "./rules/base-branch.js";
import { dependencies } from "./rules/dependencies.js";
import type { Finding, NarrowDiffRule } from "./rules/finding.js";
import { forbiddenPaths } from "./rules/forbidden-paths.js";
import { linkedIssue } from "./rules/linked-issue.js";
import { maxFiles } from "./rules/max-files.js";
import { maxLines } from "./rules/max-lines.js";
import { regressionTest } from "./rules/regression-test.js";
import { changeSize } from "./rules/size.js";
import { testCommand } from "./rules/test-command.js";
import { touchesStack } from "./rules/touches-stack.js";

// What the check's callers need of the pull-request facts, from one place.
export { hotfixReasons } from "./hotfix-reasons.js";
export { firstChangedLine, parseIssueLinks, type ChangedFile, type IssueLink, type PullRequestFacts, type TestRun } from "./pull-request.js";

/**
 * The narrow-diff check: every rule of `NARROW_DIFF_RULES` run over the facts of a pull request,
 * their findings tagged with the rule's name, and the check's verdict from the worst level.
 * A new rule is a function in `rules/`, a row here and a row in docs/check.md's rules table.
 */

export const NARROW_DIFF_RULES = {
  maxFiles: { title: "max files", check: maxFiles },
  maxLines: { title: "max changed lines", check: maxLines },
  forbiddenPaths: { title: "forbidden paths", check: forbiddenPaths },
  dependencies: { title: "dependency changes", check: dependencies },
  regressionTest: { title: "regression test", check: regressionTest },
  linkedIssue: { title: "linked hotfix issue", check: linkedIssue },
  touchesStack: { title: "touches the stack trace", check: touchesStack },
  baseBranch: { title: "base branch", check: baseBranch },
  testCommand: { title: "test command", check: testCommand },
} satisfies Record<string, { title: string; check: NarrowDiffRule }>;

export type RuleName = keyof typeof NARROW_DIFF_RULES;

export const ruleTitle = (rule: RuleName) => NARROW_DIFF_RULES[rule].title;

/** A rule's finding, named by its rule. */
export type CheckFinding = Finding & { rule: RuleName };

/** The narrow-diff check's verdict (not a verification verdict: that one says whether a crash stopped). */
export type CheckVerdict = "pass" | "warn" | "fail";

export interface PolicyResult {
  verdict: CheckVerdict;
  findings: CheckFinding[];
  /** Changed files and lines after the ignore globs. */
  files: number;
  lines: number;
}

export function evaluatePolicy(change: PullRequestFacts, config: HotfixConfig): PolicyResult {
  const findings = (Object.keys(NARROW_DIFF_RULES) as RuleName[]).flatMap((rule) =>
    NARROW_DIFF_RULES[rule].check(change, config).map((finding): CheckFinding => ({ rule, ...finding })),
  );
  const verdict: CheckVerdict = findings.some((f) => f.level === "fail") ? "fail" : findings.some((f) => f.level === "warn") ? "warn" : "pass";
  const { files, lines } = changeSize(change, config);
  return { verdict, findings, files, lines };
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
