import { formatIssueRef, isHotfixIssue } from "../pull-request.js";
import type { NarrowDiffRule } from "./finding.js";

/** A hotfix closes an open hotfix issue (one the App opened), so the fix and the crash stay linked. */
export const linkedIssue: NarrowDiffRule = (change, config) => {
  const rule = config.rules.linkedIssue;
  if (!rule.enabled || change.links.some(isHotfixIssue)) return [];
  const ref = (l: (typeof change.links)[number]) => formatIssueRef(l.ref, change.repo);
  const unchecked = change.links.filter((l) => l.issue === undefined);
  if (unchecked.length > 0) return [{ level: "message", message: `links ${unchecked.map(ref).join(", ")}; not checked against GitHub here` }];
  if (change.links.length === 0) {
    return [{ level: rule.level, message: "links no hotfix issue: add `Fixes #N` naming the crash's issue to the PR description" }];
  }
  const why = change.links.map((l) => {
    if (!l.issue) return `${ref(l)} is not an issue here`;
    if (l.issue.state === "closed") return `${ref(l)} is closed`;
    return `${ref(l)} is not a hotfix issue (no hotfix-loop marker)`;
  });
  return [{ level: rule.level, message: `links no open hotfix issue: ${why.join("; ")}` }];
};
