import { codeBlock } from "./render.js";
import { ruleTitle, type CheckFinding, type PolicyResult, type TestRun } from "./policy.js";

/** The narrow-diff verdict rendered once, for the check run, the sticky PR comment, the job summary and the terminal. */

export const CHECK_NAME = "hotfix / narrow diff";
export const CHECK_COMMENT_MARKER = "<!-- hotfix-loop:check -->";

export type CheckOutcome =
  | { hotfix: false }
  | { hotfix: true; because: string[]; result: PolicyResult; testRun?: TestRun };

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

const place = (f: CheckFinding) => (f.file ? `\`${f.file}${f.line ? `:${f.line}` : ""}\``.replace(/\|/g, "\\|") : "");

function table(findings: CheckFinding[]): string {
  const order = { fail: 0, warn: 1, message: 2 };
  const sorted = [...findings].sort((a, b) => order[a.level] - order[b.level]);
  const rows = sorted.slice(0, MAX_ROWS).map((m) => `| ${LEVEL_LABELS[m.level]} | ${ruleTitle(m.rule)} | ${cell(m.message)} | ${place(m)} |`);
  const more = sorted.length > MAX_ROWS ? [`\n…and ${sorted.length - MAX_ROWS} more findings.`] : [];
  return ["| Level | Rule | Finding | Where |", "| --- | --- | --- | --- |", ...rows, ...more].join("\n");
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function renderCheckReport(outcome: CheckOutcome): CheckReport {
  if (!outcome.hotfix) {
    const summary = "Not a hotfix PR: no hotfix branch, label or linked hotfix issue, so the narrow-diff rules do not apply.";
    return { title: "Not a hotfix PR", summary, text: "", comment: `${CHECK_COMMENT_MARKER}\n### ${CHECK_NAME}\n\n${summary}\n` };
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
  const comment = [CHECK_COMMENT_MARKER, `### ${CHECK_NAME}`, "", summary, ...(text ? ["", "<details><summary>Test output</summary>", "", text, "", "</details>"] : []), ""].join("\n");
  return { title, summary, text, comment };
}
