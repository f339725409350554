import picomatch from "picomatch";
import type { HotfixRecognition } from "./hotfix-defaults.js";
import { formatIssueRef, isHotfixIssue, linkSourceText, type PullRequestFacts } from "./pull-request.js";

/**
 * What makes a PR a hotfix PR, in a module of its own without zod: the Action's entry decides with it, before its heavy
 * modules load, whether to read a PR's files at once (src/action/first-reads.ts).
 */

/** Why the PR is a hotfix PR (branch, label or linked hotfix issue); empty when it is not one. */
export function hotfixReasons(pr: Pick<PullRequestFacts, "repo" | "headRef" | "labels" | "links">, hotfix: HotfixRecognition): string[] {
  const reasons: string[] = [];
  const branchGlob = hotfix.branches.find((glob) => picomatch(glob)(pr.headRef));
  if (branchGlob) reasons.push(`branch \`${pr.headRef}\` matches \`${branchGlob}\``);
  const wanted = new Set(hotfix.labels.map((l) => l.toLowerCase()));
  const label = pr.labels.find((l) => wanted.has(l.toLowerCase()));
  if (label) reasons.push(`label \`${label}\``);
  const issue = hotfix.linkedIssue ? pr.links.find(isHotfixIssue) : undefined;
  const by = issue?.source ? ` (found by ${linkSourceText(issue.source)})` : "";
  if (issue) reasons.push(`links hotfix issue ${formatIssueRef(issue.ref, pr.repo)}${by}`);
  return reasons;
}
