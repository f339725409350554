import type { ConfigProblem } from "./config.js";
import { ruleTitle, type CheckFinding, type CheckVerdict, type PolicyResult, type TestRun } from "./policy.js";
import { codeBlock, codeSpan } from "./markdown.js";

/** The narrow-diff verdict rendered once, for the check run, the sticky PR comment, the job summary and the terminal. */

export const CHECK_NAME = "hotfix / narrow diff";
export const CHECK_COMMENT_MARKER = "<!-- hotfix-loop:check -->";

/** A config file that did not parse: its path and every problem, with line and column. */
export interface InvalidConfig {
  path: string;
  problems: ConfigProblem[];
}

export type CheckOutcome =
  /** `wasHotfix`: an earlier run left a verdict on this PR that no longer applies (label removed, branch renamed). */
  | { kind: "not-hotfix"; wasHotfix?: boolean; invalidConfig?: InvalidConfig }
  /** A hotfix PR whose rules cannot be read: it fails until the config is fixed. */
  | { kind: "invalid-config"; because: string[]; invalidConfig: InvalidConfig }
  | { kind: "checked"; because: string[]; result: PolicyResult; testRun?: TestRun };

/** The check run's conclusion: neutral when the rules do not apply, failure when they cannot be read or are broken. */
export function checkConclusion(outcome: CheckOutcome): "success" | "failure" | "neutral" {
  if (outcome.kind === "not-hotfix") return "neutral";
  if (outcome.kind === "invalid-config") return "failure";
  return outcome.result.verdict === "fail" ? "failure" : "success";
}

/** The step's `verdict` output. */
export function checkVerdictOutput(outcome: CheckOutcome): CheckVerdict | "skipped" {
  if (outcome.kind === "not-hotfix") return "skipped";
  return outcome.kind === "invalid-config" ? "fail" : outcome.result.verdict;
}

export interface CheckReport {
  title: string;
  /** Counts and the table of findings (Markdown). */
  summary: string;
  /** The test command's output tail, when there is one (Markdown). */
  text: string;
  /** The sticky PR comment, starting with its marker. */
  comment: string;
}

const LEVEL_LABELS = { fail: "❌ fail", warn: "⚠️ warn", message: "ℹ️ note" } as const;

/** Rows beyond this are summarised, keeping the comment well under GitHub's 65,536 characters. */
const MAX_ROWS = 100;

/** A table cell: no line breaks, no column breaks. */
const cell = (text: string) => text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");

const place = (f: CheckFinding) => (f.file ? codeSpan(`${f.file}${f.line ? `:${f.line}` : ""}`, true) : "");

function table(findings: CheckFinding[]): string {
  const order = { fail: 0, warn: 1, message: 2 };
  const sorted = [...findings].sort((a, b) => order[a.level] - order[b.level]);
  const rows = sorted.slice(0, MAX_ROWS).map((m) => `| ${LEVEL_LABELS[m.level]} | ${ruleTitle(m.rule)} | ${cell(m.message)} | ${place(m)} |`);
  const more = sorted.length > MAX_ROWS ? [`\n…and ${sorted.length - MAX_ROWS} more findings.`] : [];
  return ["| Level | Rule | Finding | Where |", "| --- | --- | --- | --- |", ...rows, ...more].join("\n");
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function configTable(invalid: InvalidConfig): string {
  const where = (p: ConfigProblem) =>
    [p.file ? codeSpan(p.file, true) : "", p.line === undefined ? "" : `line ${p.line}, column ${p.column ?? 1}`].filter(Boolean).join(" ");
  const rows = invalid.problems.slice(0, MAX_ROWS).map((p) => `| ${codeSpan(p.key, true)} | ${cell(p.message)} | ${where(p)} |`);
  return [`${codeSpan(invalid.path)} is not valid:`, "", "| Key | Problem | Where |", "| --- | --- | --- |", ...rows].join("\n");
}

const withMarker = (summary: string, extra: string[] = []) => [CHECK_COMMENT_MARKER, `### ${CHECK_NAME}`, "", summary, ...extra, ""].join("\n");

export function renderCheckReport(outcome: CheckOutcome): CheckReport {
  if (outcome.kind === "not-hotfix") {
    const why = "no hotfix branch, label or linked hotfix issue, so the narrow-diff rules do not apply";
    const title = outcome.wasHotfix ? "No longer a hotfix PR" : "Not a hotfix PR";
    const lines = [outcome.wasHotfix ? `No longer a hotfix PR: ${why}; the earlier verdict no longer holds.` : `Not a hotfix PR: ${why}.`];
    if (outcome.invalidConfig) lines.push("", configTable(outcome.invalidConfig), "", "Hotfix PRs fail until it is fixed.");
    const summary = lines.join("\n");
    return { title, summary, text: "", comment: withMarker(summary) };
  }
  if (outcome.kind === "invalid-config") {
    const title = `${outcome.invalidConfig.path} is not valid`;
    const summary = [
      `Hotfix PR: ${outcome.because.join("; ")}.`,
      "",
      `**${title}**: the narrow-diff rules cannot be read, so the check fails until it is fixed.`,
      "",
      configTable(outcome.invalidConfig),
    ].join("\n");
    return { title, summary, text: "", comment: withMarker(summary) };
  }
  const { result, because, testRun } = outcome;
  const fails = result.findings.filter((m) => m.level === "fail").length;
  const warns = result.findings.filter((m) => m.level === "warn").length;
  const size = `${plural(result.files, "file")}, ${plural(result.lines, "line")} changed`;
  const title =
    result.verdict === "pass"
      ? `Narrow hotfix: ${size}`
      : [fails ? plural(fails, "failure") : "", warns ? plural(warns, "warning") : ""].filter(Boolean).join(", ") + ` (${size})`;
  const lines = [`Hotfix PR: ${because.join("; ")}.`, "", `**${title}**`];
  if (result.findings.length > 0) lines.push("", table(result.findings));
  else lines.push("", "Every narrow-diff rule passed.");
  const summary = lines.join("\n");
  const text = testRun ? `Output of \`${testRun.command.replace(/`/g, "'")}\` (last lines):\n\n${codeBlock(testRun.outputTail)}` : "";
  const comment = withMarker(summary, text ? ["", "<details><summary>Test output</summary>", "", text, "", "</details>"] : []);
  return { title, summary, text, comment };
}
